"""Sentences of a whole document, or of a raw plain-text file.

Sentences never cross a block: ``split_block`` runs on each block separately, which is what
keeps a heading from gluing onto the paragraph below it and a list item onto the next.
"""

from __future__ import annotations

from claims.document import Document, Sentence
from claims.extract.plaintext import WRAP_MAX_WIDTH, WRAP_MIN_WIDTH, text_blocks
from claims.sentences.segmenter import CHUNK_CHARS, split_block


def split_document(doc: Document, *, chunk_chars: int = CHUNK_CHARS) -> list[Sentence]:
    """Every sentence of ``doc``, with its block, block kind, section and links.

    ``section`` is the text of the nearest heading block above the sentence, None before
    the first heading. A heading's own sentences get the heading above it, not itself: the
    heading names what follows, it does not sit inside its own section. The page title is
    not a section (it is ``doc.title``). ``links`` are the block's links that overlap the
    sentence; link offsets, like all offsets here, are into ``doc.text``.
    """
    sentences: list[Sentence] = []
    section: str | None = None
    for index, block in enumerate(doc.blocks):
        block_text = doc.block_text(block)
        for start, end in split_block(block_text, chunk_chars=chunk_chars):
            start, end = block.start + start, block.start + end
            links = tuple(link for link in block.links if link.start < end and link.end > start)
            sentences.append(Sentence(start, end, doc.text[start:end], index, block.kind, section, links))
        if block.kind == "heading":
            section = " ".join(block_text.split()) or section
    return sentences


def split_text(
    text: str,
    *,
    chunk_chars: int = CHUNK_CHARS,
    wrap_min_width: int = WRAP_MIN_WIDTH,
    wrap_max_width: int = WRAP_MAX_WIDTH,
) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in raw plain text, with blocks as ``text_blocks`` reads them.

    Offsets point into ``text`` itself, not into ``extract_text(text).text``; a sentence
    of a hard-wrapped paragraph may therefore contain line breaks.
    """
    spans = []
    blocks = text_blocks(text, wrap_min_width=wrap_min_width, wrap_max_width=wrap_max_width)
    for block_start, block_end, _kind in blocks:
        spans.extend(
            (block_start + start, block_start + end)
            for start, end in split_block(text[block_start:block_end], chunk_chars=chunk_chars)
        )
    return spans
