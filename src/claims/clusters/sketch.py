"""MinHash sketches and the LSH index that finds candidate near-duplicates.

Comparing every sentence with every other is quadratic: 100k sentences make 5e9 pairs.
MinHash + LSH only ever proposes pairs that are likely to be similar; each proposal is then
verified with the exact score, so the index may err towards proposing too much but must not
miss a true pair. The band layout is chosen for that: the widest bands that still propose a
pair at the match threshold with high probability.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from datasketch import MinHash, MinHashLSH

#: Seed of the MinHash permutations: fixed so that sketches are comparable across runs.
MINHASH_SEED = 1


def lsh_params(threshold: float, num_perm: int, min_recall: float) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose chance of proposing a pair of
    Jaccard ``threshold`` is at least ``min_recall``.

    More rows per band means fewer false proposals to verify; the recall floor keeps the
    index from silently dropping true pairs near the threshold.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    best = (num_perm, 1)
    for rows in range(1, num_perm // 2 + 1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= min_recall:
            best = (bands, rows)
    return best


def new_index(threshold: float, num_perm: int, min_recall: float) -> MinHashLSH:
    return MinHashLSH(num_perm=num_perm, params=lsh_params(threshold, num_perm, min_recall))


def minhashes(shingle_sets: Iterable[Iterable[str]], num_perm: int) -> Iterator[MinHash]:
    """One sketch per shingle set, lazily, so that 100k sketches are never held at once."""
    encoded = ([s.encode("utf-8") for s in shingles] for shingles in shingle_sets)
    return MinHash.generator(encoded, num_perm=num_perm, seed=MINHASH_SEED)
