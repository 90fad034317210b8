"""What a fetched page says about itself: its links, its canonical URL, and whether it
reads as an article.

A page is an article when its main text (as ``claims.extract`` finds it, title left out) is
long enough to make claims in, or shorter but marked as an article by the page itself (an
``og:type`` of article, a JSON-LD article type, or a stated publication date). Pages that
list other articles are not articles, however much excerpt text they show: several
``<article>`` elements, or main text that is mostly links.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree

from claims.extract import extract_html, metadata
from claims.extract.html import parse_page

#: Main-text words from which a page counts as an article with no article metadata.
MIN_WORDS = 150
#: Main-text words below which even a page marked as an article is dropped.
MIN_WORDS_MARKED = 40
#: ``<article>`` elements from which a page is a listing of articles.
LISTING_ARTICLES = 3
#: Links in the main text from which, at fewer than ``LISTING_WORDS_PER_LINK`` words each,
#: a page is a listing.
LISTING_LINKS = 8
LISTING_WORDS_PER_LINK = 25

#: JSON-LD ``@type`` values that mark a page as an article.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "blogposting",
        "newsarticle",
        "medicalwebpage",
        "medicalscholarlyarticle",
        "scholarlyarticle",
        "report",
        "techarticle",
        "socialmediaposting",
        "analysisnewsarticle",
        "reportagenewsarticle",
    }
)


@dataclass(frozen=True)
class Page:
    """The facts about a fetched HTML page that discovery decides on."""

    url: str
    links: tuple[str, ...]
    canonical: str | None
    title: str | None
    words: int
    body_links: int
    article_elements: int
    #: What marks the page as an article ("og:type article", "JSON-LD BlogPosting",
    #: "publication date"), or None.
    marked_as: str | None

    def not_an_article(self) -> str | None:
        """Why the page is not an article, or None when it is one."""
        if self.article_elements >= LISTING_ARTICLES:
            return f"listing page ({self.article_elements} <article> elements)"
        if self.body_links >= LISTING_LINKS and self.words < LISTING_WORDS_PER_LINK * self.body_links:
            return f"listing page ({self.body_links} links in {self.words} words of main text)"
        if self.words < MIN_WORDS_MARKED:
            return f"little main text ({self.words} words)"
        if self.words < MIN_WORDS and self.marked_as is None:
            return f"little main text ({self.words} words) and no article metadata"
        return None


def read_page(html: str, url: str) -> Page:
    """Read a page fetched from ``url`` (its final URL after redirects)."""
    tree, _ = parse_page(html)
    if tree is None:
        return Page(url, (), None, None, 0, 0, 0, None)
    base = metadata.base_url(tree, url)
    links = []
    for anchor in tree.iter("a"):
        href = metadata.absolute(anchor.get("href"), base)
        if href and href.lower().startswith(("http://", "https://")):
            links.append(href)
    document = extract_html(html, url)
    body = [b for b in document.blocks if b.kind != "title"]
    words = sum(len(document.block_text(b).split()) for b in body)
    return Page(
        url=url,
        links=tuple(dict.fromkeys(links)),
        canonical=metadata.canonical_url(tree, base),
        title=document.title,
        words=words,
        body_links=sum(len(b.links) for b in body),
        article_elements=len(tree.xpath("//article")),
        marked_as=_marked_as(tree),
    )


def _marked_as(tree: etree._Element) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type":
            if (meta.get("content") or "").strip().lower() == "article":
                return "og:type article"
    for kind in _json_ld_types(tree):
        if kind.lower() in ARTICLE_TYPES:
            return f"JSON-LD {kind}"
    if metadata.published(tree):
        return "publication date"
    return None


def _json_ld_types(tree: etree._Element) -> list[str]:
    found = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        queue = [data]
        while queue and len(found) < 50:
            item = queue.pop(0)
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                found += [k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)]
                queue.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return found


__all__ = ["Page", "read_page"]
