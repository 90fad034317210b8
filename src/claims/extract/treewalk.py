"""Turn an element tree into blocks: which tags start a block, which are links, which are noise.

Two trees reach this walk: trafilatura's cleaned XML (``<head>``, ``<p>``, ``<list><item>``,
``<quote>``) and the pruned HTML page itself, which supplies the links, the blocks
trafilatura dropped, and the whole article when trafilatura finds none. They differ only in
tag names, so each is described by a ``Vocabulary`` and one walker serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from claims.document import Document
from claims.extract.textblocks import DocumentBuilder

#: Kind given to loose text (text sitting directly in a container, outside any block tag).
DEFAULT_KIND = "paragraph"


@dataclass(frozen=True)
class Vocabulary:
    """How one tree dialect spells block kinds, links and line breaks."""

    blocks: dict[str, str]  # tag -> Block.kind
    containers: frozenset[str]  # tags whose edges end a block without being one
    breaks: frozenset[str]  # line breaks: a space inside the block
    skipped: frozenset[str]  # subtrees that carry no reading text
    link_tag: str
    link_attr: str


TRAFILATURA_XML = Vocabulary(
    blocks={
        "head": "heading",
        "p": "paragraph",
        "item": "list_item",
        "quote": "quote",
        "cell": "table_cell",
        "code": "paragraph",
    },
    containers=frozenset({"body", "doc", "main", "list", "table", "row", "div"}),
    breaks=frozenset({"lb"}),
    skipped=frozenset({"graphic"}),
    link_tag="ref",
    link_attr="target",
)

HTML = Vocabulary(
    blocks={
        **{f"h{level}": "heading" for level in range(1, 7)},
        "p": "paragraph",
        "pre": "paragraph",
        "dt": "paragraph",
        "dd": "paragraph",
        "figcaption": "paragraph",
        "li": "list_item",
        "blockquote": "quote",
        "td": "table_cell",
        "th": "table_cell",
    },
    containers=frozenset(
        {
            "html",
            "body",
            "div",
            "section",
            "article",
            "main",
            "header",
            "footer",
            "ul",
            "ol",
            "dl",
            "table",
            "thead",
            "tbody",
            "tfoot",
            "tr",
            "figure",
            "details",
            "summary",
            "center",
        }
    ),
    breaks=frozenset({"br", "hr"}),
    skipped=frozenset(
        {
            "head",
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "math",
            "canvas",
            "iframe",
            "object",
            "embed",
            "video",
            "audio",
            "img",
            "picture",
            "button",
            "select",
            "input",
            "textarea",
        }
    ),
    link_tag="a",
    link_attr="href",
)


def read_blocks(
    root: etree._Element,
    vocabulary: Vocabulary,
    resolve: Callable[[str | None], str | None] = lambda href: None,
) -> Document:
    """The reading text under ``root`` as a Document of blocks (no title or metadata)."""
    builder = DocumentBuilder()
    walk(root, vocabulary, builder, resolve)
    return builder.build()


def walk(
    root: etree._Element,
    vocabulary: Vocabulary,
    builder: DocumentBuilder,
    resolve: Callable[[str | None], str | None],
) -> None:
    """Write the reading text under ``root`` into ``builder``, one block per block element.

    ``resolve`` turns a raw href into the absolute one to keep (or None to drop the link).
    The walk is iterative, so pathologically deep pages cannot exhaust the Python stack.
    """
    kinds: list[str] = []  # kinds of the block elements we are inside

    def current_kind() -> str:
        return kinds[-1] if kinds else DEFAULT_KIND

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in vocabulary.skipped:
                walker.skip_subtree()
            elif tag in vocabulary.blocks:
                builder.close_block(current_kind())
                kind = vocabulary.blocks[tag]
                # a paragraph inside a list item, quote or cell belongs to that item
                kinds.append(current_kind() if kind == DEFAULT_KIND and kinds else kind)
                builder.write(el.text)
            elif tag in vocabulary.containers:
                builder.close_block(current_kind())
                builder.write(el.text)
            elif tag in vocabulary.breaks:
                builder.write(" ")
            else:
                if tag == vocabulary.link_tag:
                    builder.open_link(resolve(el.get(vocabulary.link_attr)))
                builder.write(el.text)
            continue

        # end event
        if tag in vocabulary.blocks:
            builder.close_block(current_kind())
            kinds.pop()
        elif tag in vocabulary.containers:
            builder.close_block(current_kind())
        elif tag == vocabulary.link_tag:
            builder.close_link()
        if el is not root:
            builder.write(el.tail)
    builder.close_block(current_kind())
