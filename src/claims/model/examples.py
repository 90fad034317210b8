"""Training and evaluation examples for the claim classifier, from labelled sets.

The classifier must learn from what it will see: the pipeline's own sentences (extracted
and split by ``claims.extract`` and ``claims.sentences``), not the labeller's units. Each
document of a gold set is therefore read and split as a run would, and each sentence takes
the labels of the gold units it matches (the scorer's matching rule, ``evaluate.Unit``). A
sentence no unit matches is left out: it is neither a known claim nor a known non-claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claims.evaluate import LABELS, Unit
from claims.extract import extract
from claims.goldsets import GoldSet
from claims.model.inputs import model_input
from claims.sentences import split_document


@dataclass(frozen=True)
class Labelled:
    doc: str
    text: str  # the classifier's input (``model_input``)
    labels: frozenset[str]


def labelled_sentences(gold: GoldSet) -> list[Labelled]:
    by_doc: dict[str, list[tuple[Unit, frozenset[str]]]] = {}
    for unit in gold.units:
        by_doc.setdefault(unit["doc"], []).append((Unit(unit["text"]), frozenset(unit["labels"]) & set(LABELS)))
    found = []
    for doc, path in gold.documents.items():
        units = by_doc.get(doc, [])
        for sentence in split_document(extract(Path(path).read_text(encoding="utf-8"), "text/plain")):
            mine = Unit(sentence.text)
            matched = [labels for unit, labels in units if unit.matches(mine)]
            if matched:
                found.append(Labelled(doc, model_input(sentence), frozenset().union(*matched)))
    return found
