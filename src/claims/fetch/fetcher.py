"""The Fetcher: polite, cached, failure-tolerant retrieval of article pages.

``fetch`` never raises for a bad URL or page: whatever goes wrong becomes a FetchResult, so a
run over hundreds of sites finishes and reports every page. ``fetch_many`` adds concurrency
while keeping each site's limits (see ``hosts.HostGate``).
"""
from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from urllib.parse import urlsplit

from claims.fetch.cache import CacheEntry, RawCache, sha256_hex
from claims.fetch.decode import ACCEPTED_TYPES, decode_text, looks_like_html, parse_content_type
from claims.fetch.hosts import HostGate, host_key
from claims.fetch.result import FetchProblem, FetchResult, utc_now
from claims.fetch.robots import RobotsRules
from claims.fetch.transport import Reply, Transport, follow_redirects
from claims.settings import Settings

log = logging.getLogger(__name__)

# Response headers never written to the cache: they identify the crawler's session, not the page.
_PRIVATE_HEADERS = {"set-cookie"}


class Fetcher:
    """Fetch pages over HTTP(S) with robots.txt, per-host limits, retries and a raw cache.

    Thread-safe: one instance may be shared by many threads, and all of them share its
    connection pool, host limits and robots.txt cache. With ``refresh=True`` the cache is
    neither consulted nor trusted, but fresh pages are still written to it.
    """

    def __init__(self, settings: Settings, cache_dir: Path | None = None, refresh: bool = False) -> None:
        self.settings = settings
        self.refresh = refresh
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

    def fetch(self, url: str) -> FetchResult:
        """Fetch one URL; every failure is returned as a result with status error/skipped."""
        try:
            return self._fetch(url)
        except FetchProblem as problem:
            return problem.as_result(source=url, url=None)
        except Exception as exc:  # a bug or an oddity we did not foresee costs one page, not the run
            log.exception("unexpected failure fetching %r", url)
            return FetchResult(source=url, status="error", error=f"unexpected {type(exc).__name__}: {exc}")

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
        _require_http(url, "not an http(s) URL")
        cached = None if self.refresh else self.cache.lookup(url)
        reply = self._follow(url, cached)
        if reply.status == 304 and cached is not None:
            raw = self.cache.body(cached)
            if raw is not None:
                cached.fetched_at = utc_now()
                self._remember(cached)
                return self._page(url, cached.final_url, 304, cached.header("Content-Type"), raw, from_cache=True)
            reply = self._follow(url, None)  # the cached body is gone: ask for the full page
        if reply.body is None:
            raise FetchProblem("error", f"HTTP {reply.status}", reply.status)
        result = self._page(url, reply.url, reply.status, reply.headers.get("Content-Type"), reply.body)
        headers = {k: v for k, v in reply.headers.items() if k.lower() not in _PRIVATE_HEADERS}
        self._remember(
            CacheEntry(url, reply.url, reply.status, headers, result.fetched_at, result.content_sha256), reply.body
        )
        return result

    def _remember(self, entry: CacheEntry, raw: bytes | None = None) -> None:
        """Write to the cache; a failure costs only future savings, never the page in hand."""
        try:
            if raw is None:
                self.cache.save_entry(entry)
            else:
                self.cache.store(entry, raw)
        except OSError:
            log.warning("could not write %s to the raw cache under %s", entry.url, self.cache.root, exc_info=True)

    def _follow(self, url: str, cached: CacheEntry | None) -> Reply:
        """Request ``url`` through its redirects; the hop that reached the cached page last
        time carries that page's validators so the server may answer 304."""

        def hop(current: str) -> Reply:
            if current != url:
                _require_http(current, "redirect to a non-http(s) URL")
            if self.settings.obey_robots:
                self._robots.check(current)
            validators = cached.validators() if cached is not None and current == cached.final_url else None
            return self._transport.get(
                current, validators, accept_types=ACCEPTED_TYPES, max_bytes=self.settings.max_bytes
            )

        return follow_redirects(url, self.settings.max_redirects, hop)

    @staticmethod
    def _page(
        source: str, final_url: str, http_status: int, content_type: str | None, raw: bytes, from_cache: bool = False
    ) -> FetchResult:
        media_type, charset = parse_content_type(content_type)
        if media_type is None:
            kind = "text/html" if looks_like_html(raw) else None
            if kind is None:
                raise FetchProblem("skipped", "no content-type and body does not look like HTML", http_status)
        else:
            kind = ACCEPTED_TYPES.get(media_type)
            if kind is None:
                raise FetchProblem("skipped", f"content-type {media_type} not accepted", http_status)
        return FetchResult(
            source=source,
            status="ok",
            url=final_url,
            http_status=http_status,
            content_type=kind,
            text=decode_text(raw, charset, html=kind == "text/html"),
            content_sha256=sha256_hex(raw),
            from_cache=from_cache,
        )


def _require_http(url: str, reason: str) -> None:
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        raise FetchProblem("error", reason)
