"""RSS and Atom feeds: finding the ones a home page links to, and reading their entries.

Both are well-kept libraries' work: trafilatura's ``determine_feed`` finds the feeds a page
announces (``<link rel="alternate">`` with a feed type, else links that look like feeds), and
feedparser reads every RSS, RDF and Atom dialect, resolving relative links against the feed's
address. Neither fetches anything here: ``crawl`` hands in what its fetcher got.
"""

from __future__ import annotations

import io
import time

import feedparser
from trafilatura.feeds import FeedParameters, determine_feed

from claims.discover.sitemaps import Entry
from claims.domains import host_of


class NotAFeed(ValueError):
    """The document is not a feed."""


def feed_links(html: str, page_url: str) -> list[str]:
    """Feed URLs announced by the page at ``page_url`` (absolute), in page order."""
    parts = page_url.split("/", 3)
    base = "/".join(parts[:3])
    return determine_feed(html, FeedParameters(base, host_of(page_url) or "", page_url))


def read_feed(body: bytes, url: str) -> list[Entry]:
    """The feed's entries: each one's link and its publication (or update) date."""
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url}, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed("not an RSS or Atom feed")
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if link:
            stamp = item.get("published_parsed") or item.get("updated_parsed")
            entries.append(Entry(link, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", stamp) if stamp else None))
    return entries


__all__ = ["NotAFeed", "feed_links", "read_feed"]
