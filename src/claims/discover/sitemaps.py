"""Reading a sitemap (sitemaps.org protocol): a URL set, an index of other sitemaps, or a
plain-text list; gzip-compressed or not; RSS and Atom feeds are accepted as sitemaps too, as
the protocol allows. Nothing here fetches: ``crawl`` hands in the bytes its fetcher got.

trafilatura's sitemap reader was the first choice, but it drops ``lastmod`` and tells a
nested sitemap from a page by its URL ending in ".xml", where the protocol says an index is
any ``<sitemapindex>``; ultimate-sitemap-parser keeps both but is GPL-3.0, which this
MIT-licensed package cannot take on. The protocol is small enough that lxml reads it here.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from claims.extract.metadata import iso_date
from claims.fetch.decode import decode_text, looks_like_html

#: The protocol's own limits: 50,000 URLs and 50 MiB (uncompressed) per sitemap file.
MAX_ENTRIES = 50_000
MAX_BYTES = 50 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"


class NotASitemap(ValueError):
    """The document cannot be read as a sitemap; the message says what it is instead."""


@dataclass(frozen=True)
class Entry:
    """One ``<loc>`` (a page, or for an index a child sitemap) and its ``lastmod`` (ISO-8601)."""

    url: str
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    #: "urlset", "index", "text" or "feed".
    kind: str
    entries: tuple[Entry, ...]


def read_sitemap(body: bytes, url: str) -> Sitemap:
    """The entries of a sitemap fetched from ``url`` (relative locations resolve against it)."""
    body = gunzip(body) if body.startswith(_GZIP_MAGIC) else body
    head = body.lstrip()[:1024]
    if looks_like_html(head):
        raise NotASitemap("an HTML page, not a sitemap")
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"<"):
        return _read_xml(body, url)
    return _read_text(body, url)


def gunzip(body: bytes, limit: int = MAX_BYTES) -> bytes:
    """Decompress gzip data, refusing more than ``limit`` bytes out (a gzip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise NotASitemap(f"broken gzip data ({exc})") from None
    if len(out) > limit:
        raise NotASitemap(f"more than {limit} bytes once decompressed")
    if not inflater.eof:
        raise NotASitemap("truncated gzip data")
    return out


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _read_xml(body: bytes, url: str) -> Sitemap:
    parser_options = dict(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.parse(io.BytesIO(body), etree.XMLParser(**parser_options)).getroot()
    except etree.XMLSyntaxError as exc:
        raise NotASitemap(f"not readable XML ({exc})") from None
    if root is None:
        raise NotASitemap("not readable XML")
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):
        from claims.discover.feeds import read_feed

        return Sitemap("feed", tuple(read_feed(body, url)[:MAX_ENTRIES]))
    if kind not in ("urlset", "sitemapindex"):
        raise NotASitemap(f"XML whose root is <{kind}>, not <urlset> or <sitemapindex>")
    item = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root:
        if _local(element.tag) != item:
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in element}
        if fields.get("loc"):
            entries.append(Entry(urljoin(url, fields["loc"]), iso_date(fields.get("lastmod"))))
            if len(entries) == MAX_ENTRIES:
                break
    return Sitemap("urlset" if kind == "urlset" else "index", tuple(entries))


def _read_text(body: bytes, url: str) -> Sitemap:
    lines = decode_text(body, html=False).splitlines()
    entries = [Entry(line.strip()) for line in lines if line.strip().lower().startswith(("http://", "https://"))]
    if not entries:
        raise NotASitemap("neither XML nor a list of URLs")
    return Sitemap("text", tuple(entries[:MAX_ENTRIES]))


__all__ = ["Entry", "MAX_BYTES", "NotASitemap", "Sitemap", "gunzip", "read_sitemap"]
