"""MinHash sketches and the LSH index that finds candidate near-duplicates.

Comparing every sentence with every other is quadratic: 100k sentences make 5e9 pairs.
MinHash + LSH only ever proposes pairs that are likely to be similar; each proposal is then
verified with the exact score, so the index may err towards proposing too much but must not
miss a true pair. The band layout is chosen for that: the widest bands that still propose a
pair at the match threshold with high probability.

The MinHash values are those of datasketch's default ("affine32") scheme: each shingle's
SHA-1 folded to 32 bits, mixed by the MurmurHash3 finalizer, then put through ``num_perm``
random odd-multiplier affine maps modulo 2**32 (bijections, so the permutation step adds no
collisions). They are computed here, vectorized per batch of sets, because importing
datasketch imports scipy, about half a second of every run's start for ten lines of numpy.
The banding is done here too, over one signature matrix rather than with an LSH library's
per-key storage (about 0.1 ms per lookup made it the slowest step at 100k sentences), and
the matrix lets candidates be screened by their estimated similarity in one vectorized step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

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


#: Shingle hashes put through the permutations at once: bounds the (rows, num_perm) scratch.
_BATCH_ROWS = 1 << 15
_EMPTY = np.uint32(0xFFFFFFFF)


def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers (odd, so each map is a bijection of 32-bit values) and offsets."""
    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _shingle_hash(shingle: str) -> int:
    return int.from_bytes(hashlib.sha1(shingle.encode("utf-8")).digest()[:4], "little")


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: spreads the bits of each 32-bit hash (a bijection)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(shingle_sets: Iterable[Iterable[str]], num_perm: int) -> np.ndarray:
    """One MinHash signature per shingle set, as rows of a (n, num_perm) uint32 matrix.

    An empty set's row is all 0xFFFFFFFF, as it matches nothing but another empty set.
    """
    a, b = _permutations(num_perm)
    blocks: list[np.ndarray] = []
    hashes: list[int] = []
    starts: list[int] = []  # per set of the current batch: where its hashes start in ``hashes``

    def flush() -> None:
        block = np.full((len(starts), num_perm), _EMPTY, dtype=np.uint32)
        bounds = np.array([*starts, len(hashes)])
        filled = np.flatnonzero(bounds[1:] > bounds[:-1])
        if len(filled):
            mixed = _fmix32(np.array(hashes, dtype=np.uint32))[:, None] * a + b  # wraps mod 2**32
            block[filled] = np.minimum.reduceat(mixed, bounds[filled], axis=0)
        blocks.append(block)
        hashes.clear()
        starts.clear()

    with np.errstate(over="ignore"):
        for shingles in shingle_sets:
            starts.append(len(hashes))
            hashes.extend(_shingle_hash(s) for s in shingles)
            if len(hashes) >= _BATCH_ROWS:
                flush()
        if starts:
            flush()
    return np.vstack(blocks) if blocks else np.empty((0, num_perm), dtype=np.uint32)


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
