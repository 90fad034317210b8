"""Keep hyphenated words whole for the rules.

spaCy's English tokenizer splits "non-addictive" into "non", "-", "addictive". Rule writers
(and researchers extending the rules) think of such words as one word, so after tagging we
merge every letter-hyphen-letter run written without spaces back into one token whose
lemma is its lower-case text. Dashes between spaced words are left alone.
"""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

HYPHENS = frozenset({"-", "‐", "‑"})
_HYPHEN_IDS = frozenset(get_string_id(h) for h in HYPHENS)


@Language.component("merge_hyphenated")
def merge_hyphenated(doc: Doc) -> Doc:
    if _HYPHEN_IDS.isdisjoint(doc.to_array(ORTH).tolist()):  # cheaper than reading each token
        return doc
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(doc) - 2:
        end = i + 1
        while (
            end < len(doc) - 1
            and doc[end].text in HYPHENS
            and not doc[end - 1].whitespace_
            and not doc[end].whitespace_
            and doc[end - 1].text[-1:].isalnum()
            and doc[end + 1].text[:1].isalnum()
        ):
            end += 2
        if end > i + 1:
            runs.append((i, end))
            i = end
        else:
            i += 1
    if not runs:
        return doc
    with doc.retokenize() as retokenizer:
        for start, end in runs:
            span = doc[start:end]
            last = doc[end - 1]
            retokenizer.merge(span, attrs={"LEMMA": span.text.lower(), "POS": last.pos_, "TAG": last.tag_})
    return doc
