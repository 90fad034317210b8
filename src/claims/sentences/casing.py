"""A sentence as the language model should read it.

The tagger reads Title Case words as proper nouns, so a heading's verbs would escape the
rules and the classifier alike: headings and titles are read in sentence case.
"""

from __future__ import annotations

import re

from claims.document import Sentence

#: Block kinds written in Title Case on many pages.
TITLE_CASED_BLOCKS = frozenset({"heading", "title"})
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def as_read(sentence: Sentence) -> str:
    """The sentence's text, in sentence case if it is a Title Case heading (same length)."""
    return sentence_case(sentence.text) if sentence.block_kind in TITLE_CASED_BLOCKS else sentence.text


def sentence_case(text: str) -> str:
    """'Nerve Blocks Relieve Pain' -> 'Nerve blocks relieve pain' (same length).

    The tagger reads Title Case words as proper nouns, so a heading's verbs would escape the
    rules. Acronyms (TMS, CRPS) and the first word keep their case.
    """
    words = _WORD.findall(text)
    if len(words) < 2 or sum(w[0].isupper() for w in words) < 0.6 * len(words):
        return text

    def lower(match: re.Match) -> str:
        word = match.group(0)
        keep = match.start() == 0 or word.isupper() or len(word.lower()) != len(word)
        return word if keep else word.lower()

    return _WORD.sub(lower, text)
