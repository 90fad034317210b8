"""Assemble ``Document.text`` block by block while keeping every offset exact.

Extraction walks a tree and meets text in small pieces (text nodes, anchor texts, reference
markers). Collapsing whitespace after the fact would shift every link offset, so the
builder collapses as it goes and records link spans against the collapsed text. Both the
main-content path and the fallback path write through this one builder, which is what makes
the offset guarantees hold whichever path produced the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from claims.document import Block, Document, Link

#: Separator between two blocks in ``Document.text``; the document contract fixes it.
BLOCK_SEPARATOR = "\n\n"

_WHITESPACE = re.compile(r"\s+")


@dataclass
class _OpenBlock:
    """The block being written: collapsed text pieces plus the link spans inside them."""

    pieces: list[str] = field(default_factory=list)
    length: int = 0
    ends_in_space: bool = True  # nothing written yet counts as "after a space"
    links: list[tuple[int, int, str]] = field(default_factory=list)

    def write(self, text: str) -> None:
        text = _WHITESPACE.sub(" ", text)
        if self.ends_in_space:
            text = text.lstrip(" ")
        if text:
            self.pieces.append(text)
            self.length += len(text)
            self.ends_in_space = text.endswith(" ")


class DocumentBuilder:
    """Collects blocks (kind, text, links) and produces a ``Document`` with exact offsets.

    Callers ``write`` text into the open block, bracket anchor texts with ``open_link`` /
    ``close_link``, and ``close_block`` at each block boundary; empty blocks vanish.
    """

    def __init__(self, keep: Callable[[str, str], bool] | None = None) -> None:
        self._keep = keep  # (kind, text) -> False drops a finished block
        self._parts: list[str] = []
        self._blocks: list[Block] = []
        self._length = 0
        self._open = _OpenBlock()
        self._link_stack: list[tuple[int, str | None]] = []

    # --- writing into the open block -----------------------------------------------
    def write(self, text: str | None) -> None:
        if text:
            self._open.write(text)

    def open_link(self, href: str | None) -> None:
        """Start an anchor; ``href`` None means "not a link we keep" (nesting still balances)."""
        self._link_stack.append((self._open.length, href))

    def close_link(self) -> None:
        if not self._link_stack:
            return
        start, href = self._link_stack.pop()
        # An enclosing anchor keeps the outer href only: HTML forbids nested links, so the
        # inner one is a parser artefact.
        if href and not any(h for _, h in self._link_stack):
            self._open.links.append((start, self._open.length, href))

    # --- block boundaries ------------------------------------------------------------
    def close_block(self, kind: str) -> None:
        """End the open block as ``kind``; text written since the last boundary becomes it."""
        block, self._open = self._open, _OpenBlock()
        # anchors still open continue into the next block from its start
        self._link_stack = [(0, href) for _, href in self._link_stack]
        raw = "".join(block.pieces)
        text = raw.strip()
        if not text:
            return
        lead = len(raw) - len(raw.lstrip())
        self.add_block(kind, text, _trim_links(text, block.links, lead))

    def add_block(self, kind: str, text: str, links: tuple[tuple[int, int, str], ...] = ()) -> None:
        """Append a finished block; ``links`` are (start, end, href) relative to ``text``."""
        if self._keep is not None and not self._keep(kind, text):
            return
        if self._parts:
            self._parts.append(BLOCK_SEPARATOR)
            self._length += len(BLOCK_SEPARATOR)
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        absolute = tuple(Link(start + s, start + e, href) for s, e, href in links)
        self._blocks.append(Block(kind, start, self._length, absolute))

    @property
    def blocks(self) -> list[Block]:
        return self._blocks

    def build(self, **metadata) -> Document:
        return Document(text="".join(self._parts), blocks=list(self._blocks), **metadata)


def relative_links(block: Block) -> tuple[tuple[int, int, str], ...]:
    """A block's links as (start, end, href) relative to the block, ready for ``add_block``."""
    return tuple((link.start - block.start, link.end - block.start, link.href) for link in block.links)


def _trim_links(text: str, links: list[tuple[int, int, str]], lead: int) -> tuple[tuple[int, int, str], ...]:
    """Shift link spans past the stripped leading space and shrink them onto their words."""
    kept = []
    for start, end, href in links:
        start, end = max(start - lead, 0), min(end - lead, len(text))
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        if start < end:
            kept.append((start, end, href))
    return tuple(kept)
