"""robots.txt, obeyed for the tool's own User-Agent, fetched once per site per run.

Policy follows RFC 9309: a robots.txt that is missing or refused with a 4xx, or that redirects
too often or in a loop, allows everything; one that cannot be reached (5xx after retries, timeout, connection failure) means
"disallow everything" for the rest of the run, because a site that is struggling to serve its
robots.txt is not one to crawl harder. Redirects of robots.txt are followed like page redirects.
A ``Crawl-delay`` for our agent (or ``*``) spaces the site's requests that many seconds apart,
up to ``max_crawl_delay``; a site asking for more is skipped.
"""
from __future__ import annotations

import math
import re
import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from claims.fetch.hosts import HostGate, host_key
from claims.fetch.result import FetchProblem
from claims.fetch.transport import REDIRECT_STATUSES, Transport, follow_redirects

#: RFC 9309 asks crawlers to parse at least 500 KiB of robots.txt; the rest is ignored.
ROBOTS_MAX_BYTES = 500 * 1024
_DECIMAL_DELAY = re.compile(r"^(\s*crawl-delay\s*:\s*)(\d*\.\d+)", re.IGNORECASE)


class RobotsRules:
    """Answers "may we fetch this URL?", caching each site's rules (or its failure)."""

    def __init__(
        self, transport: Transport, user_agent: str, max_redirects: int, gate: HostGate, max_crawl_delay: float
    ) -> None:
        self._transport = transport
        self._user_agent = user_agent
        self._max_redirects = max_redirects
        self._gate = gate
        self._max_crawl_delay = max_crawl_delay
        self._rules: dict[str, RobotFileParser | str] = {}
        self._site_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise a "skipped" FetchProblem when robots.txt forbids ``url`` or is unreachable."""
        rules = self._rules_for(url)
        if isinstance(rules, str):
            raise FetchProblem("skipped", f"robots.txt unreachable ({rules}), so {url} is not fetched")
        if not rules.can_fetch(self._user_agent, url):
            raise FetchProblem("skipped", f"robots.txt disallows {url}")
        delay = rules.crawl_delay(self._user_agent)
        if delay is not None:
            if delay > self._max_crawl_delay:
                raise FetchProblem(
                    "skipped",
                    f"robots.txt asks for {delay} s between requests, more than max_crawl_delay "
                    f"({self._max_crawl_delay:g} s), so {url} is not fetched",
                )
            self._gate.slow_down(host_key(url), float(delay))

    def _rules_for(self, url: str) -> RobotFileParser | str:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            site_lock = self._site_locks.setdefault(site, threading.Lock())
        # One thread downloads a site's robots.txt; the others for that site wait for it.
        with site_lock:
            if site not in self._rules:
                self._rules[site] = self._download(f"{site}/robots.txt")
            return self._rules[site]

    def _download(self, robots_url: str) -> RobotFileParser | str:
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
        parser = RobotFileParser(robots_url)
        if reply is None or 400 <= reply.status < 500:
            parser.allow_all = True
        elif reply.status >= 500 or reply.body is None:
            return f"HTTP {reply.status}"
        else:
            parser.parse(_whole_second_delays(reply.body.decode("utf-8", errors="replace").splitlines()))
        return parser


def _whole_second_delays(lines: list[str]) -> list[str]:
    """Python's parser drops a Crawl-delay that is not a whole number: round one up."""
    return [_DECIMAL_DELAY.sub(lambda m: f"{m[1]}{math.ceil(float(m[2]))}", line) for line in lines]
