"""Sitemaps and feeds read from bytes (the fetching is crawl's, through the Fetcher)."""

from __future__ import annotations

import gzip

import pytest

from claims.discover.feeds import NotAFeed, feed_links, read_feed
from claims.discover.sitemaps import Entry, NotASitemap, gunzip, read_sitemap

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def test_url_set_keeps_lastmod_and_resolves_relative_locations():
    body = (
        f'<?xml version="1.0"?><urlset {NS}><url><loc> https://c.example/a </loc><lastmod>2024-05-01</lastmod>'
        "<changefreq>weekly</changefreq></url><url><loc>/b</loc><lastmod>2024-05-02T10:00:00Z</lastmod></url>"
        "<url><lastmod>2024-01-01</lastmod></url><url><loc>https://c.example/c</loc><lastmod>soon</lastmod></url>"
        "</urlset>"
    ).encode()
    sitemap = read_sitemap(body, "https://c.example/sitemap.xml")
    assert sitemap.kind == "urlset"
    assert sitemap.entries == (
        Entry("https://c.example/a", "2024-05-01"),
        Entry("https://c.example/b", "2024-05-02T10:00:00+00:00"),
        Entry("https://c.example/c", None),
    )


def test_index_gzip_and_unnamespaced_xml():
    index = f"<sitemapindex {NS}><sitemap><loc>https://c.example/s1.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>"
    sitemap = read_sitemap(gzip.compress(index.encode()), "https://c.example/sitemap_index.xml")
    assert (sitemap.kind, sitemap.entries) == ("index", (Entry("https://c.example/s1.xml.gz", "2024-01-01"),))
    plain = read_sitemap(b"<urlset><url><loc>https://c.example/x</loc></url></urlset>", "https://c.example/s")
    assert plain.entries == (Entry("https://c.example/x"),)


def test_text_sitemap_and_feed_as_sitemap():
    text = read_sitemap(
        b"\xef\xbb\xbfhttps://c.example/a\n\n  https://c.example/b  \nnot a url\n", "https://c.example/s.txt"
    )
    assert (text.kind, [e.url for e in text.entries]) == ("text", ["https://c.example/a", "https://c.example/b"])
    feed = read_sitemap(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><link>/p</link>'
        b"</item></channel></rss>",
        "https://c.example/feed",
    )
    assert (feed.kind, feed.entries) == ("feed", (Entry("https://c.example/p"),))


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<!DOCTYPE html><html><body><a href='/a'>A</a></body></html>", "an HTML page, not a sitemap"),
        (b"  <html><head></head></html>", "an HTML page, not a sitemap"),
        (b"<note><to>x</to></note>", "XML whose root is <note>"),
        (b"hello world", "neither XML nor a list of URLs"),
        (gzip.compress(b"https://c.example/a\n" * 50)[:15], "truncated gzip data"),
        (b"\x1f\x8bnot gzip at all", "broken gzip data"),
    ],
)
def test_what_is_not_a_sitemap_says_what_it_is(body, message):
    with pytest.raises(NotASitemap, match=message.replace("(", r"\(")):
        read_sitemap(body, "https://c.example/sitemap.xml")


def test_a_gzip_bomb_is_refused_at_the_limit():
    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(NotASitemap, match="more than 1048576 bytes"):
        gunzip(bomb, limit=1024 * 1024)
    assert len(gunzip(bomb, limit=4 * 1024 * 1024)) == 2 * 1024 * 1024


def test_atom_and_rss_entries_with_dates_and_relative_links():
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="/"/>'
        b'<entry><title>a</title><link rel="alternate" href="/blog/a"/><link rel="enclosure" href="/a.mp3"/>'
        b"<updated>2024-05-06T10:00:00Z</updated></entry></feed>"
    )
    assert read_feed(atom, "https://c.example/atom.xml") == [
        Entry("https://c.example/blog/a", "2024-05-06T10:00:00+00:00")
    ]
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://c.example/</link>'
        b"<item><link>https://c.example/b</link><pubDate>Tue, 07 May 2024 08:00:00 GMT</pubDate></item>"
        b"<item><title>no link</title></item></channel></rss>"
    )
    assert read_feed(rss, "https://c.example/feed") == [Entry("https://c.example/b", "2024-05-07T08:00:00+00:00")]
    with pytest.raises(NotAFeed):
        read_feed(b"<html><body>no feed</body></html>", "https://c.example/feed")


def test_feeds_announced_by_a_home_page():
    html = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://c.example/atom.xml">'
        '<link rel="alternate" hreflang="fr" href="/fr/"><link rel="stylesheet" href="/s.css"></head>'
        '<body><a href="/about">About</a></body></html>'
    )
    assert feed_links(html, "https://c.example/") == ["https://c.example/feed.xml", "https://c.example/atom.xml"]
