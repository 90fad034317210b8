"""The page's reference list: the entries its citation markers point to.

A clinic page that cites its sources usually ends with a numbered list under a heading such
as "References" or "Sources" (``<h3>References</h3><ol><li>...``), or links each marker to
an entry by id, as footnote plug-ins do (``<sup><a href="#fn2">2</a></sup>`` ...
``<li id="fn2">``). ``from_tree`` reads both from the page tree before any pruning, since
reference lists often sit in footers or lists that extraction drops; ``from_blocks`` reads a
plain-text article, whose list follows such a heading ("[1] Smith J. ..." or "1. Smith J.").

Resolving a sentence's markers against these entries is ``claims.citations``'s business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from lxml import etree

from claims.document import Document, Reference
from claims.extract.references import reference_marker

#: A heading that introduces a reference list (the whole heading, any case).
HEADING = re.compile(
    r"^\W*(?:references?|sources?|citations?|bibliography|works cited|literature cited|studies cited"
    r"|footnotes|endnotes|notes|further reading)\W*$",
    re.IGNORECASE,
)
#: id/class words of an element holding a reference list (``<ol class="references">``,
#: ``<div class="footnotes">``), matched as whole words of the id/class.
_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:references?|footnotes?|endnotes?|citations?|bibliography|sources)(?:[\s_-]|$)", re.IGNORECASE
)
#: How far up from a list its container's id/class is looked for.
_CONTAINER_DEPTH = 3
#: A number opening an entry: "[3] ", "(3) ", "3. ", "3) ".
LEADING_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})[.)])\s*")
#: Back-link arrows footnote plug-ins put in each entry ("↩", "↑", a lone "^").
_BACKLINKS = re.compile(r"\s*(?:[↩↑⤴]\ufe0e?|(?<!\S)\^(?!\S))\s*")
_WHITESPACE = re.compile(r"\s+")
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
#: Longest text of a ``<p>``/``<strong>`` that stands in for a heading ("<p><b>Sources</b></p>").
_PSEUDO_HEADING_CHARS = 40


def from_tree(tree: etree._Element, resolve: Callable[[str | None], str | None]) -> tuple[Reference, ...]:
    """Entries of every reference list on the page, then the targets of in-page marker links
    that no list holds. ``resolve`` makes an href absolute (None drops it)."""
    found: list[Reference] = []
    for element in tree.iter("ol", "ul"):
        if _is_reference_list(element):
            found += _list_entries(element, resolve)
    anchors = {ref.anchor for ref in found if ref.anchor}
    for target, number in _marker_targets(tree):
        if target in anchors:
            continue
        anchors.add(target)
        element = next(iter(tree.xpath("//*[@id=$id]", id=target)), None)
        if element is not None and element.tag not in ("html", "body"):
            text = _entry_text(element)
            if text:
                found.append(Reference(text, number, target, _links(element, resolve)))
    return tuple(found)


def from_blocks(doc: Document) -> tuple[Reference, ...]:
    """Entries under a reference heading of an extracted article: the numbered blocks that
    follow it, or, when none is numbered, its list items counted from 1."""
    found: list[Reference] = []
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        if block.kind not in ("heading", "title") or not HEADING.match(doc.block_text(block)):
            continue
        section = []
        for later in blocks[index + 1 :]:
            if later.kind in ("heading", "title"):
                break
            section.append(later)
        numbered = [(b, LEADING_NUMBER.match(doc.block_text(b))) for b in section]
        if any(match for _, match in numbered):
            for b, match in numbered:
                if match:
                    text = doc.block_text(b)[match.end() :].strip()
                    found.append(Reference(text, _number(match), None, tuple(link.href for link in b.links)))
        elif section and all(b.kind == "list_item" for b in section):
            found += [
                Reference(doc.block_text(b).strip(), n, None, tuple(link.href for link in b.links))
                for n, b in enumerate(section, start=1)
            ]
    return tuple(found)


def _is_reference_list(element: etree._Element) -> bool:
    holder: etree._Element | None = element
    for _ in range(_CONTAINER_DEPTH):
        if holder is None or holder.tag in ("body", "html"):
            break
        if _CONTAINER.search(f"{holder.get('id', '')} {holder.get('class', '')}"):
            return True
        holder = holder.getparent()
    heading = _heading_before(element)
    if heading is None and element.getparent() is not None and _first_child(element.getparent()) is element:
        heading = _heading_before(element.getparent())
    return heading is not None and bool(HEADING.match(_normalized(heading)))


def _heading_before(element: etree._Element) -> etree._Element | None:
    """The element just before ``element`` if it reads as a heading."""
    before = next((e for e in element.itersiblings(preceding=True) if isinstance(e.tag, str)), None)
    if before is None:
        return None
    if before.tag in _HEADINGS:
        return before
    if before.tag in ("p", "div", "strong", "b") and len(_normalized(before)) <= _PSEUDO_HEADING_CHARS:
        return before
    return None


def _first_child(element: etree._Element) -> etree._Element | None:
    return next((e for e in element if isinstance(e.tag, str)), None)


def _list_entries(element: etree._Element, resolve: Callable[[str | None], str | None]) -> Iterator[Reference]:
    start = element.get("start", "1").strip()
    first = int(start) if element.tag == "ol" and start.isdigit() else 1
    for position, item in enumerate((e for e in element if e.tag == "li"), start=first):
        text = _entry_text(item)
        if not text:
            continue
        match = LEADING_NUMBER.match(text)
        number = _number(match) if match else position
        text = text[match.end() :].strip() if match else text
        yield Reference(text, number, _anchor(item), _links(item, resolve))


def _marker_targets(tree: etree._Element) -> Iterator[tuple[str, int | None]]:
    """(id, number) of every in-page link whose text is a reference marker ("[2]")."""
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href.startswith("#") or len(href) < 2:
            continue
        marker = reference_marker("".join(anchor.itertext()))
        if marker is not None:
            digits = marker.strip("[]")
            yield href[1:], int(digits) if digits.isdigit() else None


def _anchor(item: etree._Element) -> str | None:
    if item.get("id"):
        return item.get("id")
    inner = next((e for e in item.iter() if isinstance(e.tag, str) and (e.get("id") or e.get("name"))), None)
    return None if inner is None else inner.get("id") or inner.get("name")


def _links(element: etree._Element, resolve: Callable[[str | None], str | None]) -> tuple[str, ...]:
    """The entry's links to other pages (back-links to the text are in-page, and dropped)."""
    links = []
    for anchor in element.iter("a"):
        href = anchor.get("href") or ""
        if href.strip().startswith("#"):
            continue
        absolute = resolve(href)
        if absolute and urlsplit(absolute).scheme in ("http", "https"):
            links.append(absolute)
    return tuple(dict.fromkeys(links))


def _entry_text(element: etree._Element) -> str:
    return _BACKLINKS.sub(" ", _normalized(element)).strip()


def _normalized(element: etree._Element) -> str:
    return _WHITESPACE.sub(" ", "".join(element.itertext())).strip()


def _number(match: re.Match) -> int:
    return int(next(group for group in match.groups() if group))
