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

import numpy as np

from claims.clusters.match import jaccard, protected_conflict, shingles
from claims.clusters.normalize import Normalizer
from claims.clusters.sketch import BandIndex, estimated_similarity, signatures

#: Candidates whose MinHash estimate falls this far below the threshold (or below the best
#: score found so far) are not checked exactly. With 128 permutations the estimate's
#: standard error near 0.45 is about 0.044, so a true match is screened out with odds below
#: one in ten thousand.
ESTIMATE_MARGIN = 0.17


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
    shingle_sets = [shingles(tokens) for tokens in items]
    matrix = signatures(shingle_sets, num_perm)
    index = BandIndex(matrix, threshold, min_recall)
    leader_of: list[int] = []
    for position, own in enumerate(shingle_sets):
        if not own:
            # Nothing left after normalization: only an exact copy is the same "claim",
            # and the caller keys such items by their raw text.
            leader_of.append(position)
            continue
        best, best_score = position, threshold
        candidates = np.fromiter(index.query(position), dtype=np.intp)
        estimates = estimated_similarity(matrix, position, candidates)
        plausible = estimates >= threshold - ESTIMATE_MARGIN
        candidates, estimates = candidates[plausible], estimates[plausible]
        # Likeliest first, so the search can stop once no estimate could beat the best.
        order = np.lexsort((candidates, -estimates))
        for estimate, candidate in zip(estimates[order].tolist(), candidates[order].tolist()):
            if estimate < best_score - ESTIMATE_MARGIN:
                break
            score = jaccard(own, shingle_sets[candidate])
            if score > best_score or (score == best_score and (best == position or candidate < best)):
                if protected_conflict(items[position], items[candidate], normalizer) is None:
                    best, best_score = candidate, score
        leader_of.append(best)
        if best == position:
            index.insert(position)
    return leader_of
