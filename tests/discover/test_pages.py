"""What a fetched page's evidence says: article, listing, or too little text."""

from __future__ import annotations

from claims.discover.pages import MIN_WORDS, read_page

WORDS = "Ketamine infusions are given in our clinic by trained nurses every weekday morning. "


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


def test_a_long_page_is_an_article_and_its_links_are_absolute():
    html = page(
        f'<nav><a href="/a">A</a><a href="mailto:x@y">mail</a></nav><main><p>{WORDS * 20}</p></main>'
        '<a href="https://other.example/x">x</a>',
        '<link rel="canonical" href="/blog/x">',
    )
    found = read_page(html, "https://c.example/blog/x?utm_source=y")
    assert found.not_an_article() is None and found.words >= MIN_WORDS
    assert found.links == ("https://c.example/a", "https://other.example/x")
    assert found.canonical == "https://c.example/blog/x"


def test_little_text_is_not_an_article_unless_the_page_marks_itself_as_one():
    short = f"<main><p>{WORDS * 6}</p></main>"
    assert read_page(page(short), "https://c.example/a").not_an_article() == (
        "little main text (78 words) and no article metadata"
    )
    for head in (
        '<meta property="og:type" content="article">',
        '<script type="application/ld+json">{"@graph": [{"@type": ["WebPage"]}, {"@type": "BlogPosting"}]}</script>',
        '<meta property="article:published_time" content="2024-05-01">',
    ):
        found = read_page(page(short, head), "https://c.example/a")
        assert found.marked_as is not None and found.not_an_article() is None
    tiny = read_page(
        page("<p>Call us today.</p>", '<meta property="og:type" content="article">'), "https://c.example/a"
    )
    assert tiny.not_an_article() == "little main text (3 words)"


def test_listings_are_not_articles_however_long_their_excerpts():
    excerpts = "".join(f'<article><h2><a href="/p{i}">Post {i}</a></h2><p>{WORDS * 3}</p></article>' for i in range(4))
    assert (
        read_page(page(f"<main>{excerpts}</main>"), "https://c.example/blog/").not_an_article()
        == "listing page (4 <article> elements)"
    )


def test_an_empty_or_broken_page_reads_as_nothing():
    for html in ("", "\x00\x01", "<html></html>"):
        found = read_page(html, "https://c.example/a")
        assert found.links == () and found.words == 0 and found.not_an_article() is not None
