"""Claim tagging: which sentences make efficacy, safety or mechanism claims, and which of
those need a citation.

``tagging.Tagger`` runs it; ``ruleset`` loads the rule files, ``matcher`` is the spaCy
component that finds rule matches, ``decide`` turns matches (and the classifier's claim
types, in ``model`` and ``hybrid`` mode) into a sentence's tags. The names below load on
first use: ``import claims.tagger.ruleset`` (the command line's usage checks) must not
load spaCy.
"""

from __future__ import annotations

__all__ = ["EXCLUDED_COMPONENTS", "MODES", "Tag", "Tagger", "model_label"]


def __getattr__(name: str):
    if name in __all__:
        from claims.tagger import tagging

        return getattr(tagging, name)
    raise AttributeError(f"module 'claims.tagger' has no attribute {name!r}")
