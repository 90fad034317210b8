"""robots.txt, obeyed for the tool's own User-Agent, fetched once per site per run.

Policy follows RFC 9309: a robots.txt that is missing or refused with a 4xx, or that redirects
too often or in a loop, allows everything; one that cannot be reached (5xx after retries,
timeout, connection failure) means
"disallow everything" for the rest of the run, because a site that is struggling to serve its
robots.txt is not one to crawl harder. Redirects of robots.txt are followed like page redirects.
A ``Crawl-delay`` for our agent (or ``*``) spaces the site's requests that many seconds apart,
up to ``max_crawl_delay``; a site asking for more is skipped.

Rules are read by Protego (the parser Scrapy uses), which matches them as RFC 9309 says: ``*``
and a final ``$`` are wildcard and anchor, percent-encoding is normalized on both sides, the
longest matching rule wins and ``Allow`` wins a tie. Two things are done here instead:

- choosing the group: RFC 9309 matches the product token ("claims-bot") case-insensitively
  and exactly, falling back to ``*``; Protego also lets a group named by a prefix of the
  token ("User-agent: claims") or by a word of the whole User-Agent header (our contact URL's
  host) apply to us;
- naming the rule that refused a page, which Protego's public API does not expose.

Both read Protego's parsed groups, which are internal to it (hence the pinned minor version in
pyproject.toml); the tests in tests/fetch/test_robots_matching.py fail if that changes.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urljoin, urlsplit

from protego import Protego
from protego._utils import _quote_path

from claims.fetch.hosts import HostGate, host_key
from claims.fetch.result import FetchProblem
from claims.fetch.transport import REDIRECT_STATUSES, Transport, follow_redirects

#: RFC 9309 asks crawlers to parse at least 500 KiB of robots.txt; the rest is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
#: Failures to reach robots.txt that mean the site's pages cannot be reached either: the page
#: is then an error with that reason, not a page skipped out of politeness.
SITE_UNREACHABLE = frozenset({"host not found", "connection refused"})
#: RFC 9309 2.2.1: a product token is letters, "_" and "-" (what precedes "/1.0" in a User-Agent).
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")


class SiteRobots:
    """One site's robots.txt as it applies to one product token."""

    def __init__(self, text: str, product_token: str, robots_url: str) -> None:
        parser = Protego.parse(text)
        groups = parser._user_agents  # lower-cased User-agent value -> its merged group
        token = product_token.lower()
        self._group = groups[token] if token in groups else groups.get("*")
        # Protego keeps each rule's path as a normalized pattern; map it back to the text the
        # site wrote, for the skip reason ("/*?replytocom", not "/*%3Freplytocom").
        self._written = {id(pattern): value for value, pattern in parser._url_patterns.items() if pattern}
        #: Seconds the group asks between requests (decimals kept), or None.
        self.crawl_delay: float | None = self._group.crawl_delay if self._group is not None else None
        #: Absolute URLs of the ``Sitemap:`` lines, in file order (they belong to no group).
        self.sitemaps: list[str] = [urljoin(robots_url, url) for url in parser.sitemaps]

    def refusing_rule(self, url: str) -> str | None:
        """The rule that forbids ``url`` (e.g. "Disallow: /blog/"), or None if it is allowed."""
        if self._group is None or urlsplit(url).path == "/robots.txt":  # RFC 9309 2.2.2
            return None
        path = _quote_path(url)
        # Protego sorts a group's rules longest first and Allow before Disallow of the same
        # length, so the first match is the deciding one, as in its own can_fetch.
        rule = next((rule for rule in self._group._rules if rule.value.match(path)), None)
        if rule is None or rule.field == "allow":
            return None
        return f"Disallow: {self._written.get(id(rule.value), rule.value._pattern)}"


class RobotsRules:
    """Answers "may we fetch this URL?", caching each site's rules (or its failure)."""

    def __init__(
        self, transport: Transport, user_agent: str, max_redirects: int, gate: HostGate, max_crawl_delay: float
    ) -> None:
        self._transport = transport
        self._product_token = _PRODUCT_TOKEN.match(user_agent)[0]
        self._max_redirects = max_redirects
        self._gate = gate
        self._max_crawl_delay = max_crawl_delay
        self._rules: dict[str, SiteRobots | str] = {}
        self._site_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise a "skipped" FetchProblem when robots.txt forbids ``url`` or is unreachable, an
        "error" one when the site itself cannot be reached (its host is not found)."""
        rules = self._rules_for(url)
        if rules in SITE_UNREACHABLE:
            raise FetchProblem("error", rules)
        if isinstance(rules, str):
            raise FetchProblem("skipped", f"robots.txt unreachable ({rules}), so {url} is not fetched")
        rule = rules.refusing_rule(url)
        if rule is not None:
            raise FetchProblem("skipped", f"robots.txt disallows {url} (rule: {rule})")
        delay = rules.crawl_delay
        if delay is not None:
            if delay > self._max_crawl_delay:
                raise FetchProblem(
                    "skipped",
                    f"robots.txt asks for {delay:g} s between requests, more than max_crawl_delay "
                    f"({self._max_crawl_delay:g} s), so {url} is not fetched",
                )
            self._gate.slow_down(host_key(url), delay)

    def sitemaps(self, url: str) -> list[str]:
        """Sitemap URLs listed in the robots.txt of ``url``'s site (none if it is unreachable)."""
        rules = self._rules_for(url)
        return [] if isinstance(rules, str) else list(rules.sitemaps)

    def _rules_for(self, url: str) -> SiteRobots | str:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        # One thread downloads a site's robots.txt; the others for that site wait for it.
        with site_lock:
            if site not in self._rules:
                self._rules[site] = self._download(f"{site}/robots.txt")
            return self._rules[site]

    def _download(self, robots_url: str) -> SiteRobots | str:
        """Parsed rules, or a short reason string when robots.txt is unreachable."""
        try:
            reply = follow_redirects(
                robots_url,
                self._max_redirects,
                lambda hop: self._transport.get(hop, max_bytes=ROBOTS_MAX_BYTES, truncate=True),
            )
        except FetchProblem as problem:
            if problem.http_status not in REDIRECT_STATUSES:
                return problem.reason
            reply = None  # endless redirects: RFC 9309 reads that as "unavailable"
        if reply is None or 400 <= reply.status < 500:
            return SiteRobots("", self._product_token, robots_url)  # no rules: everything allowed
        if reply.status >= 500 or reply.body is None:
            return f"HTTP {reply.status}"
        # utf-8-sig: a byte-order mark would otherwise hide the first line (often "User-agent: *").
        return SiteRobots(reply.body.decode("utf-8-sig", errors="replace"), self._product_token, reply.url)
