"""What the claim classifier reads for one sentence: its block kind, then its text.

A heading, a list item and a paragraph sentence with the same words are not the same
claim (a topical heading names a subject; a list item may only be a noun phrase), so the
block kind goes in front of the text as a marker word the tokenizer keeps whole.
"""

from __future__ import annotations

from claims.document import Sentence
from claims.sentences.casing import as_read

MARKERS = {
    "title": "xxtitle",
    "heading": "xxheading",
    "list_item": "xxitem",
    "paragraph": "xxpara",
    "quote": "xxquote",
    "table_cell": "xxcell",
}


def model_input(sentence: Sentence) -> str:
    return f"{MARKERS.get(sentence.block_kind, MARKERS['paragraph'])} {as_read(sentence)}"
