"""Main-text extraction from an HTML page into a block-structured ``Document``.

trafilatura finds the article (it scored best on the extraction benchmark, see
``benchmarks/extraction.py``); its XML body is then mapped onto blocks so headings, list
items and links survive, which plain-text extractors flatten away. When trafilatura finds
no article at all, a walk over the pruned page stands in, so a page is never lost for want
of a recognisable article.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

import lxml.html
import trafilatura
from lxml import etree

from claims.document import Document
from claims.extract import boilerplate, metadata, reflist
from claims.extract.align import align
from claims.extract.references import bracket_reference_markers
from claims.extract.textblocks import DocumentBuilder, relative_links
from claims.extract.treewalk import HTML, TRAFILATURA_XML, read_blocks

log = logging.getLogger(__name__)

#: Code points lxml refuses in text (C0 controls other than tab/newline/CR, and U+FFFE/F).
_UNPARSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Lone surrogates (left by a lossy decode): lxml silently cuts the text at the first one,
#: so they become U+FFFD and the rest of the paragraph survives.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Deepest element libxml2 builds with ``huge_tree``; deeper markup is cut off (with an error
#: whose message starts with ``_DEPTH_ERROR``).
MAX_DEPTH = 2048
_DEPTH_ERROR = "Excessive depth in document"
#: Tags ``flatten`` keeps: none of them can hold another of its kind in the parsed tree.
_FLAT_KEPT = frozenset(
    {"html", "head", "body", "title", "meta", "base", "link", "script", "style", "noscript", "p", "li", "a", "br"}
)
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_CLOSE_HEADINGS = "".join(f"</{h}>" for h in sorted(_HEADINGS))
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>")

#: trafilatura options. favor_precision dropped more boilerplate than it cost in recall on
#: the benchmark; comments stay out (a commenter's claim is not the clinic's). Links and
#: formatting are off: on some markup those modes lose text or the spaces between words
#: (see ``align``, which recovers the links instead).
_TRAFILATURA_OPTIONS = dict(
    favor_precision=True,
    include_comments=False,
    include_links=False,
    include_formatting=False,
    include_tables=True,
    include_images=False,
)

#: Blocks (after the title) among which a heading repeating the title is the page's own h1.
_TITLE_ECHO_WINDOW = 3


def extract_html(html: str, url: str | None = None) -> Document:
    """The article in ``html`` as titled blocks with absolute links and page metadata.

    Never raises on bad markup: an empty, binary or broken page gives a Document with
    whatever could be read, possibly no blocks at all. ``Document.notes`` says when the
    markup had to be flattened to be read (see ``parse_page``).
    """
    tree, notes = parse_page(html)
    if tree is None:
        return Document(text="", blocks=[], notes=notes)
    base = metadata.base_url(tree, url)
    title = metadata.title(tree, url)
    info = dict(
        title=title,
        canonical_url=metadata.canonical_url(tree, base),
        published=metadata.published(tree),
    )
    boilerplate.prune_widgets(tree)
    bracket_reference_markers(tree)

    def resolve(href: str | None) -> str | None:
        return metadata.absolute(href, base)

    references = reflist.from_tree(tree, resolve)  # before pruning: lists often sit in footers
    article = _article_body(tree, url)  # trafilatura works on its own copy of the tree
    boilerplate.prune_chrome(tree)

    builder = DocumentBuilder(keep=_block_filter(title))
    if title:
        builder.add_block("title", title)
    kept = read_blocks(article, TRAFILATURA_XML) if article is not None else None
    if kept is not None and kept.blocks:
        for kind, text, links in align(kept, read_blocks(_body(tree), HTML, resolve)):
            builder.add_block(kind, text, links)
    else:
        fallback = read_blocks(_fallback_root(tree), HTML, resolve)
        for block in fallback.blocks:
            builder.add_block(block.kind, fallback.block_text(block), relative_links(block))
    document = builder.build(**info, notes=notes)
    return replace(document, references=references or reflist.from_blocks(document))


def parse_page(html: str) -> tuple[lxml.html.HtmlElement | None, list[str]]:
    """The page's tree, parsed leniently (None when nothing HTML-like is left: empty or
    binary input), and notes on what had to be done to read it all.

    libxml2 builds no element deeper than ``MAX_DEPTH`` (256 without its ``huge_tree``
    option, which is used): old pages with hundreds of unclosed ``<span>`` or ``<font>``
    tags would otherwise lose all their text below that depth, silently. A page nested
    deeper still is parsed again with its markup flattened (``flatten``), and the note says
    so; should even that fall short, the note says the text below the limit is lost.
    """
    text = _SURROGATE.sub("\ufffd", _UNPARSABLE.sub("", html or ""))
    if not text.strip():
        return None, []
    tree, too_deep = _parse(text)
    if not too_deep:
        return tree, []
    tree, too_deep = _parse(flatten(text))
    if not too_deep:
        return tree, [f"markup nested deeper than {MAX_DEPTH} elements, read flattened"]
    return tree, [f"markup nested deeper than {MAX_DEPTH} elements: text below that depth is lost"]


def _parse(text: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """The tree (None if empty) and whether libxml2 stopped at its depth limit."""
    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except ValueError:
        # a str carrying an XML encoding declaration is refused as str, accepted as bytes
        parser = _parser(encoding="utf-8")
        try:
            tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (ValueError, etree.ParserError):
            return None, False
    except etree.ParserError:  # "Document is empty"
        return None, False
    return tree, any(_DEPTH_ERROR in error.message for error in parser.error_log)


def _parser(encoding: str | None = None) -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding=encoding, remove_comments=True, remove_pis=True, huge_tree=True)


def flatten(html: str) -> str:
    """``html`` with only tags that cannot nest deeply: the page's frame, paragraphs, list
    items, links and line breaks (each closes the one before), and headings, made to close
    any heading left open. Other block tags become paragraph starts, so their text stays
    in separate blocks; inline tags go."""

    def tag(match: re.Match) -> str:
        name = match.group(2).lower()
        if name in _FLAT_KEPT:
            return match.group(0)
        if name in _HEADINGS:
            return match.group(0) if match.group(1) else _CLOSE_HEADINGS + match.group(0)
        return "<p>" if name in HTML.blocks or name in HTML.containers else ""

    return _TAG.sub(tag, html)


def _article_body(tree: lxml.html.HtmlElement, url: str | None) -> etree._Element | None:
    """trafilatura's XML body for the page, or None when it finds no article (or fails)."""
    try:
        result = trafilatura.bare_extraction(tree, url=url, **_TRAFILATURA_OPTIONS)
    except Exception:  # a third-party bug on one page must not end the run; fall back instead
        log.warning("trafilatura failed on %s; using the fallback walk", url or "a page", exc_info=True)
        return None
    return None if result is None else result.body


def _fallback_root(tree: lxml.html.HtmlElement) -> etree._Element:
    """The element most likely to hold the article once chrome is pruned: the single
    ``<article>``, else ``<main>``, else the body."""
    articles = tree.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    mains = tree.xpath("//main")
    return mains[0] if mains else _body(tree)


def _body(tree: lxml.html.HtmlElement) -> etree._Element:
    body = tree.find("body")
    return body if body is not None else tree


def _block_filter(title: str | None) -> Callable[[str, str], bool]:
    """Decide per block whether it is kept: boilerplate lines go, and so does the page's own
    h1 when it only repeats the title block."""
    echo = _squash(title) if title else None
    seen = 0

    def keep(kind: str, text: str) -> bool:
        nonlocal echo, seen
        seen += 1
        if boilerplate.is_boilerplate_line(text):
            return False
        if echo and kind == "heading" and seen <= _TITLE_ECHO_WINDOW + 1 and _squash(text) == echo:
            echo = None  # only the first repeat is the page's h1; later ones are content
            return False
        return True

    return keep


def _squash(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").lower())
