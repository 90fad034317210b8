"""Discovering one site's articles, politely, within a page budget.

Sources of URLs, in this order of priority:

1. the sitemaps the site's robots.txt lists (``Sitemap:`` lines), then ``/sitemap.xml``;
   indexes are followed to the sitemaps they name, at most ``max_sitemaps`` files in all;
2. the RSS and Atom feeds the home page links to (at most ``max_feeds``);
3. links followed from the home page, breadth first, at most ``max_depth`` clicks deep.

A URL is offered once (its ``page_key``: no scheme, "www." or trailing slash), in canonical
form, and only if it belongs to the site's registrable domain. Its shape alone may drop it
(a PDF, a login form: never fetched) or make it a listing page (tag, category, author,
pagination, date archive: read for its links when link following reaches it, never kept).
Every other URL is fetched, in order of source and depth, until ``max_pages`` pages were
requested; the page then decides (``pages.Page.not_an_article``), and a kept article is
listed under its ``<link rel="canonical">`` when that names another page of the site.

Every request goes through the one ``Fetcher`` (robots.txt, Crawl-delay, per-host limits,
retries, the raw cache). A URL robots.txt forbids is dropped without a request.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from claims.discover.feeds import NotAFeed, feed_links, read_feed
from claims.discover.pages import Page, read_page
from claims.discover.sitemaps import MAX_BYTES, NotASitemap, read_sitemap
from claims.discover.urls import Shape, canonical, page_key, shape
from claims.domains import site_of_url
from claims.fetch import Fetcher, FetchResult
from claims.settings import Settings

T = TypeVar("T")

#: A host name (letters of any script, digits, "-", ".") or an IP address literal.
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+", re.IGNORECASE)

SITEMAP, FEED, LINK = "sitemap", "feed", "link"
#: How a URL was found; also the order in which found URLs are fetched.
VIAS = (SITEMAP, FEED, LINK)
#: ``discovered_via`` of a source named on the command line (or in an @FILE list).
GIVEN = "given"


@dataclass(frozen=True)
class Options:
    """Limits and filters of a discovery (defaults from ``Settings``)."""

    max_pages: int = 200
    max_depth: int = 5
    max_sitemaps: int = 50
    max_feeds: int = 5
    #: Regular expressions searched in each URL: only URLs matching one of ``include`` (when
    #: given) and none of ``exclude`` are fetched or kept (the home page always is).
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings, include=(), exclude=(), **overrides) -> "Options":
        values = {name: getattr(settings, name) for name in ("max_pages", "max_depth", "max_sitemaps", "max_feeds")}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values, include=tuple(include or ()), exclude=tuple(exclude or ()))

    def check(self) -> None:
        """Raise ValueError naming the option that cannot be used."""
        for name in ("max_pages", "max_depth", "max_sitemaps", "max_feeds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        for pattern in (*self.include, *self.exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a regular expression: {exc}") from None


@dataclass(frozen=True)
class Article:
    url: str
    via: str
    #: The sitemap's ``lastmod`` or the feed entry's date (ISO-8601), when it gave one.
    lastmod: str | None = None


@dataclass(frozen=True)
class Dropped:
    url: str
    #: What happened, in full ("little main text (12 words) and no article metadata").
    reason: str
    #: The kind of reason, for counting ("little main text").
    kind: str


@dataclass
class SiteDiscovery:
    """What discovering one site found, dropped and left."""

    given: str
    home: str | None = None
    site: str | None = None
    articles: list[Article] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    #: Problems with the site's home page, sitemaps and feeds.
    notes: list[str] = field(default_factory=list)
    pages_requested: int = 0
    sitemaps_read: int = 0
    feeds_read: int = 0
    #: URLs found but not checked because the page budget ran out.
    left: int = 0
    #: Links to other sites seen (and not followed).
    offsite_links: int = 0

    def summary(self, max_pages: int) -> str:
        """One line: what was found where, what was dropped, what is left."""
        name = self.site or self.given
        if self.site is None:
            return f"{name}: {'; '.join(self.notes)}"
        by_via = Counter(a.via for a in self.articles)
        found = ", ".join(f"{by_via[v]} {v}" for v in VIAS if by_via[v])
        line = f"{name}: {len(self.articles)} articles" + (f" ({found})" if found else "")
        line += f"; {len(self.dropped)} dropped"
        if self.dropped:
            kinds = Counter(d.kind for d in self.dropped).most_common()
            line += " (" + ", ".join(f"{n} {kind}" for kind, n in kinds) + ")"
        line += f"; {self.pages_requested} of {max_pages} pages requested"
        if self.left:
            line += f"; {self.left} URLs left unchecked (page budget reached: raise --max-pages to check them)"
        return line


def home_url(given: str) -> str:
    """The URL a SITE argument names: "clinic.example" means https://clinic.example/.
    Raises ValueError when it names no http(s) host."""
    text = given.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        usable = parts.scheme.lower() in ("http", "https") and bool(_HOST.fullmatch(parts.hostname or ""))
        parts.port  # noqa: B018  (raises ValueError for a port that is no number)
    except ValueError:
        usable = False
    if not usable:
        raise ValueError(f"{given!r} is not a site: give a home page URL such as https://clinic.example/")
    return canonical(text)


def discover_site(fetcher: Fetcher, given: str, options: Options) -> SiteDiscovery:
    """Find the articles of the site whose home page ``given`` names."""
    return _Crawl(fetcher, given, options).run()


@dataclass(order=True)
class _Todo:
    rank: int
    depth: int
    order: int
    url: str = field(compare=False)
    via: str = field(compare=False)
    shape: Shape = field(compare=False)
    lastmod: str | None = field(compare=False, default=None)


class _Crawl:
    def __init__(self, fetcher: Fetcher, given: str, options: Options) -> None:
        self.fetcher = fetcher
        self.options = options
        self.found = SiteDiscovery(given=given)
        self.include = [re.compile(p) for p in options.include]
        self.exclude = [re.compile(p) for p in options.exclude]
        self.queue: list[_Todo] = []
        self.order = itertools.count()
        self.seen: set[str] = set()  # page keys offered, fetched or kept
        self.kept: dict[str, str] = {}  # page key -> the article's URL
        # listing pages a sitemap or feed named: dropped, unless link following reads them
        self.unread_hubs: dict[str, Dropped] = {}

    def run(self) -> SiteDiscovery:
        found = self.found
        try:
            start = home_url(found.given)
        except ValueError as exc:
            found.notes.append(str(exc))
            return found
        found.site = site_of_url(start)
        self.seen.add(page_key(start))
        home = self._fetch(start)
        page = None
        if home.ok:
            found.home = canonical(home.url or start)
            moved = site_of_url(found.home)
            if moved != found.site:
                found.notes.append(f"the home page {start} redirects to {found.home}: discovering {moved} instead")
                found.site = moved
            self.seen.add(page_key(found.home))
            if home.content_type == "text/html":
                page = read_page(home.text or "", found.home)
        else:
            found.home = start
            found.notes.append(f"home page {start}: {home.status}: {home.error}")
        self._read_sitemaps(dict.fromkeys([found.home, start]))
        if page is not None:
            self._read_feeds(home.text or "", found.home)
            self._offer_links(page, 0)
        self._work()
        found.dropped += self.unread_hubs.values()
        return found

    # --- sources ----------------------------------------------------------------------

    def _read_sitemaps(self, homes) -> None:
        listed = [url for home in homes for url in self.fetcher.sitemaps(home)]
        parts = urlsplit(self.found.home)
        todo = list(dict.fromkeys([*listed, urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))]))
        done: set[str] = set()
        while todo:
            url = todo.pop(0)
            if url in done:
                continue
            if len(done) >= self.options.max_sitemaps:
                self.found.notes.append(
                    f"{len(todo) + 1} sitemaps not read (at most {self.options.max_sitemaps} per site)"
                )
                return
            done.add(url)
            if site_of_url(url) != self.found.site:
                self.found.notes.append(f"sitemap {url} is on another site: not read")
                continue
            sitemap = self._read_document("sitemap", url, read_sitemap, NotASitemap)
            if sitemap is None:
                continue
            self.found.sitemaps_read += 1
            if sitemap.kind == "index":
                todo.extend(entry.url for entry in sitemap.entries)
                continue
            for entry in sitemap.entries:
                self._offer(entry.url, SITEMAP, 1, entry.lastmod)

    def _read_document(
        self, kind: str, url: str, read: Callable[[bytes, str], T], unreadable: type[Exception]
    ) -> T | None:
        """``read`` applied to the document at ``url`` (a sitemap, a feed), or None after
        noting why it could not be had: a failed download, or ``unreadable`` raised."""
        download = self.fetcher.download(url, MAX_BYTES)
        if not download.result.ok:
            self.found.notes.append(f"{kind} {url}: {download.result.error}")
            return None
        try:
            return read(download.body or b"", download.result.url or url)
        except unreadable as exc:
            self.found.notes.append(f"{kind} {url}: {exc}")
            return None

    def _read_feeds(self, html: str, home: str) -> None:
        feeds = [url for url in feed_links(html, home) if site_of_url(url) == self.found.site]
        for url in feeds[: self.options.max_feeds]:
            entries = self._read_document("feed", url, read_feed, NotAFeed)
            if entries is None:
                continue
            self.found.feeds_read += 1
            for entry in entries:
                self._offer(entry.url, FEED, 1, entry.lastmod)

    def _offer_links(self, page: Page, depth: int) -> None:
        if depth < self.options.max_depth:
            for link in page.links:
                self._offer(link, LINK, depth + 1)

    def _offer(self, url: str, via: str, depth: int, lastmod: str | None = None) -> None:
        """Queue a found URL once, unless its shape, site or the user's patterns drop it."""
        try:
            url = canonical(url)
            key = page_key(url)
        except ValueError:
            return
        if urlsplit(url).scheme not in ("http", "https"):
            return
        site = site_of_url(url)
        if site != self.found.site:
            if via == LINK:
                self.found.offsite_links += 1
            elif key not in self.seen:
                self.seen.add(key)
                self._drop(url, f"on another site ({site})", "off-site")
            return
        if key in self.seen:
            return
        verdict = shape(url)
        if verdict.kind == "hub" and (via != LINK or depth >= self.options.max_depth):
            self.unread_hubs.setdefault(key, Dropped(url, verdict.reason, verdict.reason))
            return
        self.seen.add(key)
        self.unread_hubs.pop(key, None)
        if verdict.kind == "skip":
            self._drop(url, verdict.reason, verdict.reason)
            return
        unwanted = self._unwanted(url)
        if unwanted is not None:
            self._drop(url, unwanted, "excluded")
            return
        heapq.heappush(self.queue, _Todo(VIAS.index(via), depth, next(self.order), url, via, verdict, lastmod))

    # --- checking candidates -------------------------------------------------------------

    def _work(self) -> None:
        while self.queue:
            if self.found.pages_requested >= self.options.max_pages:
                self.found.left = len(self.queue)
                return
            todo = heapq.heappop(self.queue)
            if page_key(todo.url) in self.kept:
                continue
            refusal = self.fetcher.refusal(todo.url)
            if refusal is not None:
                self._drop(todo.url, refusal, "robots.txt")
                continue
            self._judge(todo, self._fetch(todo.url))

    def _fetch(self, url: str) -> FetchResult:
        self.found.pages_requested += 1
        return self.fetcher.fetch(url)

    def _judge(self, todo: _Todo, result: FetchResult) -> None:
        if not result.ok:
            self._drop(todo.url, f"{result.status}: {result.error}", "fetch failed")
            return
        final = canonical(result.url or todo.url)
        if final != todo.url:
            moved = self._judge_redirect(todo, final)
            if moved is not None:
                self._drop(todo.url, *moved)
                return
        if result.content_type != "text/html":
            self._drop(todo.url, f"not an HTML page ({result.content_type})", "not HTML")
            return
        page = read_page(result.text or "", final)
        self._offer_links(page, todo.depth)
        if todo.shape.kind == "hub":
            self._drop(todo.url, f"{todo.shape.reason} (read for its links)", todo.shape.reason)
            return
        url = self._canonical_of(page, final)
        key = page_key(url)
        unwanted = self._unwanted(url) if url != todo.url else None
        if unwanted is not None:
            self._drop(todo.url, f"is {url}, which {unwanted}", "excluded")
            return
        if key in self.kept:
            self._drop(todo.url, f"same page as {self.kept[key]}", "duplicate")
            return
        why = page.not_an_article()
        if why is not None:
            self._drop(todo.url, why, why.split(" (")[0])
            return
        self.kept[key] = url
        self.seen.add(key)
        self.found.articles.append(Article(url, todo.via, todo.lastmod))

    def _judge_redirect(self, todo: _Todo, final: str) -> tuple[str, str] | None:
        """Why a page that redirected to ``final`` is dropped (reason, kind), or None."""
        site = site_of_url(final)
        if site != self.found.site:
            return f"redirects to another site ({final})", "off-site"
        moved = shape(final)
        if moved.kind == "skip" or (moved.kind == "hub" and todo.shape.kind != "hub"):
            return f"redirects to {final} ({moved.reason})", moved.reason
        key = page_key(final)
        if key in self.kept:
            return f"same page as {self.kept[key]}", "duplicate"
        self.seen.add(key)
        return None

    def _unwanted(self, url: str) -> str | None:
        """Why the user's --include/--exclude patterns refuse ``url``, or None."""
        if any(p.search(url) for p in self.exclude):
            return "matches --exclude"
        if self.include and not any(p.search(url) for p in self.include):
            return "matches no --include"
        return None

    def _canonical_of(self, page: Page, final: str) -> str:
        """The page's ``rel=canonical`` when it names another article-shaped page of the site
        (a canonical pointing at the home page or a listing is a template mistake: ignored)."""
        if not page.canonical:
            return final
        try:
            named = canonical(page.canonical)
        except ValueError:
            return final
        if site_of_url(named) == self.found.site and shape(named).kind == "article":
            return named
        return final

    def _drop(self, url: str, reason: str, kind: str) -> None:
        self.found.dropped.append(Dropped(url, reason, kind))
