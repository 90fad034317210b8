"""The shapes that pass between pipeline stages.

Each stage (fetch -> extract -> split -> tag) is a plain function over these records, so a
stage can be tested, benchmarked or replaced without the others, and the Prefect flow only
wires them together. Offsets are always character offsets into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A hyperlink inside a block: its anchor text sits at ``text[start:end]``."""

    start: int
    end: int
    href: str


@dataclass(frozen=True)
class Block:
    """One reading unit of the page: a title, heading, paragraph or list item.

    Sentences never cross a block boundary, which is what keeps a heading from gluing onto
    the paragraph below it.
    """

    kind: str  # "title" | "heading" | "paragraph" | "list_item" | "quote" | "table_cell"
    start: int
    end: int
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Reference:
    """One entry of the page's reference list ("1. Smith J. ... doi:10.1000/xyz")."""

    text: str
    #: Its number in the list (what "[3]" or "(3)" points to), when it has one.
    number: int | None = None
    #: Its ``id`` on the page (what ``<a href="#ref-3">`` points to), when it has one.
    anchor: str | None = None
    #: The entry's own links, absolute.
    links: tuple[str, ...] = ()


@dataclass
class Document:
    """The main text of one article, with its block structure and page metadata."""

    text: str
    blocks: list[Block]
    title: str | None = None
    canonical_url: str | None = None
    published: str | None = None
    #: What had to be done to read the page (markup flattened ...), for the article's row.
    notes: list[str] = field(default_factory=list)
    #: The page's reference list, wherever on the page it is (extracted or not).
    references: tuple[Reference, ...] = ()

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]


@dataclass(frozen=True)
class Sentence:
    """A sentence as a reader sees it, located in its document."""

    start: int
    end: int
    text: str
    block_index: int
    block_kind: str
    section: str | None = None
    links: tuple[Link, ...] = field(default=())
