"""Finding a clinic site's articles from its home page: sitemaps, feeds, then links.

``discover_sites`` reads several sites at once through one polite ``Fetcher`` (each site's
own requests one at a time, so its host limits and Crawl-delay hold), and reports for each
what it kept, what it dropped and why, and what it left when the page budget ran out.
``crawl`` says how one site is read; ``urls``, ``pages``, ``sitemaps`` and ``feeds`` are its
parts, and ``domains`` says which site a URL belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from claims.discover.crawl import (
    FEED,
    GIVEN,
    LINK,
    SITEMAP,
    VIAS,
    Article,
    Dropped,
    Options,
    SiteDiscovery,
    discover_site,
    home_url,
)
from claims.domains import site_of_url
from claims.fetch import Fetcher


def discover_sites(
    fetcher: Fetcher,
    sites: Sequence[str],
    options: Options,
    on_done: Callable[[SiteDiscovery], None] | None = None,
) -> list[SiteDiscovery]:
    """Discover every site (in parallel, one thread per site up to the fetcher's global
    concurrency); results in the order given. Two arguments naming one registrable domain
    are discovered once, under the first."""
    firsts: dict[str, str] = {}
    unique = []
    for given in sites:
        try:
            site = site_of_url(home_url(given))
        except ValueError:
            site = None
        if site is not None and site in firsts:
            continue
        if site is not None:
            firsts[site] = given
        unique.append(given)

    def one(given: str) -> SiteDiscovery:
        found = discover_site(fetcher, given, options)
        if on_done is not None:
            on_done(found)
        return found

    width = max(1, min(len(unique), fetcher.settings.global_concurrency))
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="claims-discover") as pool:
        return list(pool.map(one, unique))


__all__ = [
    "Article",
    "Dropped",
    "FEED",
    "GIVEN",
    "LINK",
    "Options",
    "SITEMAP",
    "SiteDiscovery",
    "VIAS",
    "discover_site",
    "discover_sites",
    "home_url",
]
