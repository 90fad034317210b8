"""MinHash sketches and the LSH index that finds candidate near-duplicates.

Comparing every sentence with every other is quadratic: 100k sentences make 5e9 pairs.
MinHash + LSH only ever proposes pairs that are likely to be similar; each proposal is then
verified with the exact score, so the index may err towards proposing too much but must not
miss a true pair. The band layout is chosen for that: the widest bands that still propose a
pair at the match threshold with high probability.

datasketch computes the MinHash values. The banding is done here over one signature
matrix rather than with ``datasketch.MinHashLSH``: its per-key storage layer cost about
0.1 ms per lookup, which made the index the slowest step at 100k sentences, and the matrix
also lets candidates be screened by their estimated similarity in one vectorized step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import MinHash

#: Seed of the MinHash permutations: fixed so that sketches are comparable across runs.
MINHASH_SEED = 1
#: Odd 64-bit multipliers that fold the rows of one band into a single bucket key.
_BAND_MIXERS = np.random.default_rng(20240601).integers(1, 2**63, size=256, dtype=np.uint64) | np.uint64(1)


def lsh_params(threshold: float, num_perm: int, min_recall: float) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose chance of proposing a pair of
    Jaccard ``threshold`` is at least ``min_recall``.

    More rows per band means fewer false proposals to verify; the recall floor keeps the
    index from silently dropping true pairs near the threshold.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    best = (num_perm, 1)
    for rows in range(1, min(num_perm // 2, len(_BAND_MIXERS)) + 1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= min_recall:
            best = (bands, rows)
    return best


def signatures(shingle_sets: Iterable[Iterable[str]], num_perm: int) -> np.ndarray:
    """One MinHash signature per shingle set, as rows of a (n, num_perm) uint32 matrix."""
    encoded = ([s.encode("utf-8") for s in shingles] for shingles in shingle_sets)
    rows = [m.hashvalues for m in MinHash.generator(encoded, num_perm=num_perm, seed=MINHASH_SEED)]
    if not rows:
        return np.empty((0, num_perm), dtype=np.uint32)
    return np.vstack(rows).astype(np.uint32, copy=False)


def estimated_similarity(matrix: np.ndarray, row: int, others: Sequence[int] | np.ndarray) -> np.ndarray:
    """MinHash estimate of the Jaccard similarity between one row and several others."""
    others = np.asarray(others, dtype=np.intp)
    if not len(others):
        return np.empty(0)
    return (matrix[others] == matrix[row]).mean(axis=1)


class BandIndex:
    """LSH buckets over the rows of a signature matrix; rows enter only when inserted.

    Two rows become candidates when all the values of at least one band agree.
    """

    def __init__(self, matrix: np.ndarray, threshold: float, min_recall: float):
        bands, rows = lsh_params(threshold, matrix.shape[1], min_recall)
        banded = matrix[:, : bands * rows].reshape(len(matrix), bands, rows).astype(np.uint64)
        # Wrapping multiply-add folds each band into one integer; a rare accidental equality
        # only adds a candidate, which verification then rejects.
        self._keys = (banded * _BAND_MIXERS[:rows]).sum(axis=2, dtype=np.uint64)
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(bands)]

    def query(self, row: int) -> set[int]:
        found: set[int] = set()
        for table, key in zip(self._tables, self._keys[row].tolist()):
            bucket = table.get(key)
            if bucket:
                found.update(bucket)
        return found

    def insert(self, row: int) -> None:
        for table, key in zip(self._tables, self._keys[row].tolist()):
            table.setdefault(key, []).append(row)
