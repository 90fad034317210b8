"""The Fetcher: polite, cached, failure-tolerant retrieval of article pages.

``fetch`` never raises for a bad URL or page: whatever goes wrong becomes a FetchResult, so a
run over hundreds of sites finishes and reports every page. ``fetch_many`` adds concurrency
while keeping each site's limits (see ``hosts.HostGate``).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from claims.fetch.cache import CacheEntry, RawCache, sha256_hex
from claims.fetch.decode import ACCEPTED_TYPES, decode, looks_like_html, parse_content_type
from claims.fetch.hosts import HostGate, host_key
from claims.fetch.result import FetchProblem, FetchResult, utc_now
from claims.fetch.robots import RobotsRules
from claims.fetch.transport import Reply, Transport, follow_redirects
from claims.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Response headers never written to the cache: they identify the crawler's session, not the page.
_PRIVATE_HEADERS = {"set-cookie"}


@dataclass(frozen=True)
class Download:
    """A resource that is not an article page (a sitemap, a feed): the fetch record (its
    ``text`` is None) and the raw body as received, which is None unless the record is ok."""

    result: FetchResult
    body: bytes | None
    media_type: str | None


@dataclass(frozen=True)
class _Raw:
    """One retrieval's outcome before it is decoded: the final URL, status, type and bytes."""

    final_url: str
    http_status: int
    content_type: str | None
    body: bytes
    from_cache: bool
    fetched_at: str


class Fetcher:
    """Fetch pages over HTTP(S) with robots.txt, per-host limits, retries and a raw cache.

    Thread-safe: one instance may be shared by many threads, and all of them share its
    connection pool, host limits and robots.txt cache. With ``refresh=True`` the cache is
    neither consulted nor trusted, but fresh pages are still written to it.

    ``fresh_since`` (an ISO-8601 time) makes cached copies fetched at or after that time
    count as current: they are served without asking the server again. A run passes its
    start time, so a page that discovery fetched is not requested a second time when the
    run reads it (``refresh`` does not apply to them: they were fetched by this run).
    """

    def __init__(
        self, settings: Settings, cache_dir: Path | None = None, refresh: bool = False, fresh_since: str | None = None
    ) -> None:
        self.settings = settings
        self.refresh = refresh
        self._fresh_since = datetime.fromisoformat(fresh_since) if fresh_since else None
        self.cache = RawCache(Path(cache_dir) if cache_dir is not None else Path(settings.cache_dir))
        self._gate = HostGate(settings.host_concurrency, settings.host_delay)
        self._transport = Transport(settings, self._gate)
        # Built even when robots.txt is not obeyed: ``sitemaps`` reads it for discovery.
        self._robots = RobotsRules(
            self._transport, settings.user_agent, settings.max_redirects, self._gate, settings.max_crawl_delay
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def sitemaps(self, url: str) -> list[str]:
        """Sitemap URLs that the robots.txt of ``url``'s site lists, for discovering its pages.

        robots.txt is downloaded once per site per Fetcher and shared with the robots checks
        of ``fetch``; a site whose robots.txt is missing or unreachable lists none.
        """
        return self._robots.sitemaps(url)

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids fetching ``url`` (the reason a skipped fetch would give), or
        None when it may be fetched; lets a crawler drop a URL without spending a request."""
        if not self.settings.obey_robots:
            return None
        try:
            self._robots.check(url)
        except FetchProblem as problem:
            return problem.reason
        return None

    def fetch(self, url: str) -> FetchResult:
        """Fetch one URL; every failure is returned as a result with status error/skipped."""
        return _guarded(url, lambda: self._fetch(url))

    def download(self, url: str, max_bytes: int) -> Download:
        """Fetch a resource of any media type (a sitemap, a feed) up to ``max_bytes``, through
        the same robots.txt check, host limits, retries and raw cache as a page. A failure is
        a Download whose result says why (its body is None)."""
        raw = _guarded(url, lambda: self._retrieve(url, None, max_bytes))
        if isinstance(raw, FetchResult):
            return Download(raw, None, None)
        media_type = parse_content_type(raw.content_type)[0]
        result = FetchResult(
            source=url,
            status="ok",
            url=raw.final_url,
            http_status=raw.http_status,
            content_type=media_type,
            content_sha256=sha256_hex(raw.body),
            from_cache=raw.from_cache,
            fetched_at=raw.fetched_at,
        )
        return Download(result, raw.body, media_type)

    def fetch_many(self, urls: Iterable[str]) -> Iterator[FetchResult]:
        """Fetch concurrently; results are yielded as they finish (match them by ``source``).

        Completion order lets a caller save each page at once instead of waiting behind the
        slowest site. Work is handed to the pool only for sites below their concurrency
        limit, so one site with many URLs cannot occupy every worker while others wait; a
        free worker goes to the least busy site, then to the one with the most URLs left, so
        sites finish together instead of a few long queues running alone at the end.
        """
        queues: dict[str, deque[str]] = {}
        for url in urls:
            queues.setdefault(host_key(url), deque()).append(url)
        width = max(1, self.settings.global_concurrency)
        per_host = max(1, self.settings.host_concurrency)
        busy: Counter[str] = Counter()
        running: dict[Future[FetchResult], str] = {}
        pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="claims-fetch")
        try:
            while queues or running:
                while len(running) < width:
                    open_hosts = [host for host in queues if busy[host] < per_host]
                    if not open_hosts:
                        break
                    host = min(open_hosts, key=lambda h: (busy[h], -len(queues[h])))
                    running[pool.submit(self.fetch, queues[host].popleft())] = host
                    busy[host] += 1
                    if not queues[host]:
                        del queues[host]
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    busy[running.pop(future)] -= 1
                    yield future.result()
        finally:
            # The caller stopped early (a cancelled run): drop what has not started and do
            # not wait for requests in flight, which may take up to their timeouts.
            pool.shutdown(wait=not running, cancel_futures=True)

    def _fetch(self, url: str) -> FetchResult:
        raw = self._retrieve(url, ACCEPTED_TYPES, self.settings.max_bytes, check=_page_kind)
        return self._page(url, raw)

    def _retrieve(
        self,
        url: str,
        accept_types: Collection[str] | None,
        max_bytes: int,
        check: Callable[[str | None, bytes, int], object] | None = None,
    ) -> _Raw:
        """The body at ``url``: from the cache when it was fetched since ``fresh_since`` or
        the server answers 304, else downloaded and cached (under its final URL too: a page
        reached through a redirect is also the page at its final address). ``check(content
        type, body, status)`` may refuse a downloaded body before it is cached."""
        _require_http(url, "not an http(s) URL")
        if self._fresh_since is not None:
            fresh = self.cache.lookup(url)
            if fresh is not None and _fetched_since(fresh, self._fresh_since):
                raw = self.cache.body(fresh)
                if raw is not None:
                    return _Raw(
                        fresh.final_url, fresh.http_status, fresh.header("Content-Type"), raw, True, fresh.fetched_at
                    )
        cached = None if self.refresh else self.cache.lookup(url)
        reply = self._follow(url, cached, accept_types, max_bytes)
        if reply.status == 304 and cached is not None:
            raw = self.cache.body(cached)
            if raw is not None:
                cached.fetched_at = utc_now()
                self._remember(cached)
                return _Raw(cached.final_url, 304, cached.header("Content-Type"), raw, True, cached.fetched_at)
            reply = self._follow(url, None, accept_types, max_bytes)  # the cached body is gone: ask again
        if reply.body is None:
            raise FetchProblem("error", f"HTTP {reply.status}", reply.status)
        content_type = reply.headers.get("Content-Type")
        if check is not None:
            check(content_type, reply.body, reply.status)
        headers = {k: v for k, v in reply.headers.items() if k.lower() not in _PRIVATE_HEADERS}
        entry = CacheEntry(url, reply.url, reply.status, headers, utc_now(), sha256_hex(reply.body))
        self._remember(entry, reply.body)
        if reply.url != url:
            self._remember(replace(entry, url=reply.url))
        return _Raw(reply.url, reply.status, content_type, reply.body, False, entry.fetched_at)

    def _remember(self, entry: CacheEntry, raw: bytes | None = None) -> None:
        """Write to the cache; a failure costs only future savings, never the page in hand."""
        try:
            if raw is None:
                self.cache.save_entry(entry)
            else:
                self.cache.store(entry, raw)
        except OSError:
            log.warning("could not write %s to the raw cache under %s", entry.url, self.cache.root, exc_info=True)

    def _follow(
        self, url: str, cached: CacheEntry | None, accept_types: Collection[str] | None, max_bytes: int
    ) -> Reply:
        """Request ``url`` through its redirects; the hop that reached the cached page last
        time carries that page's validators so the server may answer 304."""

        def hop(current: str) -> Reply:
            if current != url:
                _require_http(current, "redirect to a non-http(s) URL")
            if self.settings.obey_robots:
                self._robots.check(current)
            validators = cached.validators() if cached is not None and current == cached.final_url else None
            return self._transport.get(current, validators, accept_types=accept_types, max_bytes=max_bytes)

        return follow_redirects(url, self.settings.max_redirects, hop)

    @staticmethod
    def _page(source: str, raw: _Raw) -> FetchResult:
        kind, charset = _page_kind(raw.content_type, raw.body, raw.http_status)
        decoded = decode(raw.body, charset, html=kind == "text/html")
        if decoded.binary:
            raise FetchProblem("skipped", decoded.binary_reason(), raw.http_status)
        return FetchResult(
            source=source,
            status="ok",
            url=raw.final_url,
            http_status=raw.http_status,
            content_type=kind,
            text=decoded.text,
            content_sha256=sha256_hex(raw.body),
            fetched_at=raw.fetched_at,
            from_cache=raw.from_cache,
            note=decoded.note,
        )


def _guarded(url: str, work: Callable[[], T]) -> T | FetchResult:
    """``work()``, or the failure as a result: a bad page never raises into a run."""
    try:
        return work()
    except FetchProblem as problem:
        return problem.as_result(source=url, url=None)
    except Exception as exc:  # a bug or an oddity we did not foresee costs one page, not the run
        log.exception("unexpected failure fetching %r", url)
        return FetchResult(source=url, status="error", error=f"unexpected {type(exc).__name__}: {exc}")


def _page_kind(content_type: str | None, raw: bytes, http_status: int) -> tuple[str, str | None]:
    """The page's kind (``text/html`` or ``text/plain``) and charset; a body that is neither
    raises a "skipped" FetchProblem."""
    media_type, charset = parse_content_type(content_type)
    if media_type is None:
        if not looks_like_html(raw):
            raise FetchProblem("skipped", "no content-type and body does not look like HTML", http_status)
        return "text/html", charset
    kind = ACCEPTED_TYPES.get(media_type)
    if kind is None:
        raise FetchProblem("skipped", f"content-type {media_type} not accepted", http_status)
    return kind, charset


def _fetched_since(entry: CacheEntry, since: datetime) -> bool:
    try:
        return datetime.fromisoformat(entry.fetched_at) >= since
    except (TypeError, ValueError):  # a hand-edited or foreign entry is simply not fresh
        return False


def _require_http(url: str, reason: str) -> None:
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        raise FetchProblem("error", reason)
