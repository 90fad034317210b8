"""Decide whether two normalized sentences state the same claim.

Two tests, both needed. Word overlap (Jaccard over the token set plus adjacent-token pairs)
tolerates the edits copiers make: an added adverb, a dropped clause, clause order. Pairs
keep some word order, so "ketamine is safer than opioids" does not equal its reverse. But
overlap alone cannot tell "relief within hours" from "relief within weeks", which differ by
one token out of many; so a swap of a protected word (time unit, drug, body part, number,
negation...; see ``protected.txt``) vetoes the match whatever the overlap.
"""

from __future__ import annotations

from collections.abc import Sequence

from claims.clusters.normalize import PRESENCE_CATEGORIES, Normalizer


def shingles(tokens: Sequence[str]) -> frozenset[str]:
    """Tokens plus adjacent token pairs; pairs carry a space, so they never equal a token."""
    return frozenset(tokens).union(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def protected_conflict(a: Sequence[str], b: Sequence[str], normalizer: Normalizer) -> str | None:
    """The first category on which ``a`` and ``b`` state different things, or None.

    A category conflicts when each side holds one of its words that the other lacks (a swap:
    hours for weeks); a word present on one side only is an addition that the overlap score
    already weighs. Negation conflicts on any difference.
    """
    only_a: dict[str, set[str]] = {}
    only_b: dict[str, set[str]] = {}
    set_a, set_b = set(a), set(b)
    for token in set_a ^ set_b:
        category = normalizer.category(token)
        if category is None:
            continue
        if category in PRESENCE_CATEGORIES:
            return category
        (only_a if token in set_a else only_b).setdefault(category, set()).add(token)
    for category in sorted(only_a.keys() & only_b.keys()):
        return category
    return None


def similarity(a: Sequence[str], b: Sequence[str], normalizer: Normalizer) -> float:
    """Overlap of two token sequences, or 0.0 when a protected word is swapped."""
    if protected_conflict(a, b, normalizer) is not None:
        return 0.0
    return jaccard(shingles(a), shingles(b))
