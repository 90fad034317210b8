"""Group near-duplicate token sequences around representatives.

Plain transitive grouping (union-find over every similar pair) chains: A resembles B,
B resembles C, and soon one cluster swallows a whole topic. Here every member must match the
cluster's representative itself. Items arrive in priority order (most repeated wording
first); each joins the best-matching representative so far, or becomes a representative.
Only representatives enter the LSH index, so a claim copied 500 times costs one index entry
and one lookup per copy, not 500 x 500 comparisons.
"""
from __future__ import annotations

from collections.abc import Sequence

from claims.clusters.match import jaccard, protected_conflict, shingles
from claims.clusters.normalize import Normalizer
from claims.clusters.sketch import minhashes, new_index


def group_by_representative(
    items: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    threshold: float,
    num_perm: int,
    min_recall: float,
) -> list[int]:
    """For each item (a token sequence, in priority order), the position of its representative.

    A representative points to itself. An item joins the representative with the highest
    verified similarity (ties: the earlier one), provided the similarity reaches
    ``threshold`` and no protected word is swapped between the two.
    """
    index = new_index(threshold, num_perm, min_recall)
    shingle_sets = [shingles(tokens) for tokens in items]
    leader_of: list[int] = []
    for position, sketch in enumerate(minhashes(shingle_sets, num_perm)):
        if not items[position]:
            # Nothing left after normalization: only an exact copy is the same "claim",
            # and the caller keys such items by their raw text.
            leader_of.append(position)
            continue
        best, best_score = position, threshold
        for candidate in sorted(index.query(sketch)):
            score = jaccard(shingle_sets[position], shingle_sets[candidate])
            if score > best_score or (score == best_score and best == position):
                if protected_conflict(items[position], items[candidate], normalizer) is None:
                    best, best_score = candidate, score
        leader_of.append(best)
        if best == position:
            index.insert(position, sketch, check_duplication=False)
    return leader_of
