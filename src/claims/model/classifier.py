"""The trained claim classifier at tagging time.

It reads each sentence as ``inputs.model_input`` gives it and answers which claim types the
sentence carries: those whose score reaches the model's threshold, stored with the model by
``claims train`` (0.5 unless it says otherwise): one set of thresholds for when it decides
alone, a stricter one for when it adds to the rules (hybrid).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import spacy

NAME = "claims_classifier"
#: Where the shipped classifier lives, inside the package.
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
#: The spaCy component that scores the claim types.
COMPONENT = "textcat_multilabel"


class ClassifierMissing(RuntimeError):
    """No trained classifier where one was asked for; the message says how to make one."""


class ClaimClassifier:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else TRAINED_DIR
        if not (self.path / "meta.json").is_file():
            raise ClassifierMissing(
                f"no trained classifier in {self.path}: run `claims train` (or choose --tagger rules)"
            )
        self.nlp = spacy.load(self.path)
        meta = self.nlp.meta
        self.thresholds: dict[str, float] = dict(meta.get("claims_thresholds", {}))
        self.hybrid_thresholds: dict[str, float] = dict(meta.get("claims_hybrid_thresholds", self.thresholds))
        self.labels: tuple[str, ...] = tuple(self.nlp.get_pipe(COMPONENT).labels)

    @property
    def version(self) -> str:
        return f"{NAME}-{self.nlp.meta.get('version', '?')}"

    def types(self, texts: Sequence[str], batch_size: int = 256, hybrid: bool = False) -> list[frozenset[str]]:
        thresholds = self.hybrid_thresholds if hybrid else self.thresholds
        return [
            frozenset(label for label in self.labels if doc.cats[label] >= thresholds.get(label, 0.5))
            for doc in self.nlp.pipe(texts, batch_size=batch_size)
        ]


def classifier_version(path: str | Path | None = None) -> str:
    """``ClaimClassifier(path).version`` without loading it."""
    import json

    meta = json.loads(((Path(path) if path else TRAINED_DIR) / "meta.json").read_text(encoding="utf-8"))
    return f"{NAME}-{meta.get('version', '?')}"
