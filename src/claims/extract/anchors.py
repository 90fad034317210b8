"""Carry the page's links over onto the blocks trafilatura kept.

trafilatura can keep links itself (``include_links``), but on some markup that mode drops the
text before an anchor (seen on a news site that wraps paragraphs in ``<div>``s: whole clauses
vanished). Losing text means losing claims, so trafilatura runs without links and the links
are recovered from our own walk of the page, whose blocks are written by the same builder
and therefore spell the same text the same way: each kept block is found in the page text,
and the page's links inside that span move with it.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

from claims.document import Document

#: Shortest block located by substring search when it is not a whole block of the page.
#: Shorter texts ("Overview", "Risks") recur too often to say where they came from.
MIN_SEARCH_LENGTH = 40

Span = tuple[int, int, str]


class LinkSource:
    """The page as our walk saw it, indexed for finding a block's text and its links."""

    def __init__(self, page: Document) -> None:
        self._text = page.text
        self._links = sorted((link.start, link.end, link.href) for b in page.blocks for link in b.links)
        self._starts = [start for start, _, _ in self._links]
        self._block_starts: dict[str, list[int]] = defaultdict(list)
        for block in page.blocks:
            self._block_starts[page.block_text(block)].append(block.start)
        self._cursor = 0  # kept blocks come in page order, so searching resumes here

    def links_for(self, text: str) -> tuple[Span, ...]:
        """Links (relative to ``text``) of the place in the page where ``text`` sits; () if unknown."""
        position = self._locate(text)
        if position is None:
            return ()
        self._cursor = position + len(text)
        end = position + len(text)
        spans = []
        for start, stop, href in self._links[bisect_left(self._starts, position) :]:
            if start >= end:
                break
            if stop <= end:
                spans.append((start - position, stop - position, href))
        return tuple(spans)

    def _locate(self, text: str) -> int | None:
        starts = self._block_starts.get(text)
        if starts:
            return next((s for s in starts if s >= self._cursor), starts[0])
        if len(text) < MIN_SEARCH_LENGTH:
            return None
        position = self._text.find(text, self._cursor)
        if position < 0:
            position = self._text.find(text)
        return position if position >= 0 else None
