"""Align trafilatura's kept blocks with our own walk of the page, to recover what it drops.

trafilatura is good at deciding *which* text is the article, less so at keeping its shape:

* links: its ``include_links`` mode can drop the text before an anchor (seen on a news site
  that wraps paragraphs in ``<div>``s: whole clauses vanished), and losing text means losing
  claims. So it runs without links and they are taken from our walk instead.
* headings and lists: on some templates (a clinic blog with ``class="blog-item-content"``)
  it keeps every paragraph but drops every ``<h2>`` and ``<ul>`` between them, and a list of
  side effects is exactly what a safety claim looks like.

Our walk writes blocks with the same builder, so both spell the same text the same way: each
kept block is found in the page text, the page's links inside that span move onto it, and
the page blocks lying between two kept ones are candidates for restoring.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from claims.document import Block, Document
from claims.extract.textblocks import relative_links

#: Shortest block located by substring search when it is not a whole block of the page.
#: Shorter texts ("Overview", "Risks") recur too often to say where they came from.
MIN_SEARCH_LENGTH = 40

#: Kinds a page block lends to a kept block with the same text that trafilatura flattened
#: into a paragraph.
STRUCTURAL_KINDS = frozenset({"heading", "list_item", "quote"})

Span = tuple[int, int, str]
AlignedBlock = tuple[str, str, tuple[Span, ...]]  # kind, text, links relative to the text


def align(kept: Document, page: Document) -> list[AlignedBlock]:
    """The kept blocks with the page's links and kinds, plus the headings and lists that
    trafilatura dropped from between them.

    A gap between two kept blocks is restored only in the two shapes that were article text
    on the extraction benchmark far more often than not: a lone heading, and a run of list
    items right after a block ending in ":" ("Possible side effects include:"). Other gaps
    (photo captions, "related stories" lists) stay out.
    """
    index = _PageIndex(page)
    aligned: list[AlignedBlock] = []
    cursor, last = 0, None
    for block in kept.blocks:
        text, kind = kept.block_text(block), block.kind
        position = index.locate(text, cursor)
        if position is None:
            aligned.append((kind, text, ()))
            continue
        number = index.block_number(position)
        if last is not None and number > last + 1:
            aligned.extend(_restorable(page, page.blocks[last + 1 : number], aligned))
        own = page.blocks[number]
        if kind == "paragraph" and own.kind in STRUCTURAL_KINDS and page.block_text(own) == text:
            kind = own.kind
        aligned.append((kind, text, index.links_in(position, len(text))))
        cursor = position + len(text)
        last = number if last is None else max(last, number)
    return aligned


def _restorable(page: Document, gap: list[Block], aligned: list[AlignedBlock]) -> list[AlignedBlock]:
    if len(gap) == 1 and gap[0].kind == "heading":
        return [_page_block(page, gap[0])]
    introduced = bool(aligned) and aligned[-1][1].endswith(":")
    if introduced and all(b.kind == "list_item" for b in gap):
        return [_page_block(page, b) for b in gap]
    return []


def _page_block(page: Document, block: Block) -> AlignedBlock:
    return block.kind, page.block_text(block), relative_links(block)


class _PageIndex:
    """The page's text, block starts and links, indexed for locating kept text."""

    def __init__(self, page: Document) -> None:
        self._text = page.text
        self._block_starts = [b.start for b in page.blocks]
        self._links = sorted((link.start, link.end, link.href) for b in page.blocks for link in b.links)
        self._link_starts = [start for start, _, _ in self._links]
        self._whole_blocks: dict[str, list[int]] = defaultdict(list)
        for block in page.blocks:
            self._whole_blocks[page.block_text(block)].append(block.start)

    def locate(self, text: str, cursor: int) -> int | None:
        """Where ``text`` sits in the page: a whole block first, else a long enough substring;
        the first match at or after ``cursor`` wins, since kept blocks come in page order."""
        starts = self._whole_blocks.get(text)  # in page order
        if starts:
            at = bisect_left(starts, cursor)  # not a scan: a page may repeat a block thousands of times
            return starts[at] if at < len(starts) else starts[0]
        if len(text) < MIN_SEARCH_LENGTH:
            return None
        position = self._text.find(text, cursor)
        if position < 0:
            position = self._text.find(text)
        return position if position >= 0 else None

    def block_number(self, position: int) -> int:
        return bisect_right(self._block_starts, position) - 1

    def links_in(self, position: int, length: int) -> tuple[Span, ...]:
        """The page's links inside ``[position, position + length)``, made relative to it."""
        end = position + length
        spans = []
        # indexes, not a slice: copying the rest of the page's links for every block would
        # cost time growing with the square of the page's size
        for index in range(bisect_left(self._link_starts, position), len(self._links)):
            start, stop, href = self._links[index]
            if start >= end:
                break
            if stop <= end:
                spans.append((start - position, stop - position, href))
        return tuple(spans)
