"""Sentence units with exact offsets: the unit the tagger labels (GUIDE.md, "Unit").

``split_block`` splits one block's text; ``split_document`` turns a ``Document`` into
``Sentence`` records that never cross a block; ``split_text`` gives spans in a raw
plain-text input, for tools that must point back into the file as it was read.
"""

from claims.sentences.segmenter import split_block
from claims.sentences.units import split_document, split_text

__all__ = ["split_block", "split_document", "split_text"]
