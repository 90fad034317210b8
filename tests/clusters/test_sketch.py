import numpy as np
import pytest

from claims.clusters import sketch
from claims.clusters.sketch import estimated_similarity, lsh_params, signatures


@pytest.mark.parametrize("threshold", [0.3, 0.45, 0.6, 0.8])
def test_bands_reach_the_recall_floor_with_the_widest_bands(threshold):
    bands, rows = lsh_params(threshold, 128, 0.98)
    assert bands * rows <= 128
    assert 1 - (1 - threshold**rows) ** bands >= 0.98
    wider = 128 // (rows + 1)
    assert 1 - (1 - threshold ** (rows + 1)) ** wider < 0.98


def test_threshold_out_of_range():
    with pytest.raises(ValueError):
        lsh_params(0.0, 128, 0.98)


def _shingles(n: int, start: int = 0) -> list[str]:
    return [f"shingle {i}" for i in range(start, start + n)]


def test_signatures_estimate_jaccard_similarity():
    # 300 shared of 500 distinct shingles: Jaccard 0.6; 256 permutations estimate it within a few points
    first, second = _shingles(400), _shingles(400, start=100)
    matrix = signatures([first, second, first], num_perm=256)
    assert matrix.shape == (3, 256) and matrix.dtype == np.uint32
    assert abs(estimated_similarity(matrix, 0, [1])[0] - 0.6) < 0.08
    assert estimated_similarity(matrix, 0, [2])[0] == 1.0  # same set, same signature
    assert estimated_similarity(matrix, 0, [1])[0] < 1.0


def test_signature_depends_on_the_set_only():
    # a set's row is the same alone, among others, in any order, and across batch boundaries
    sets = [_shingles(n, start=7 * n) for n in range(1, 400)] + [[]] + [_shingles(50, 3)[::-1]]
    together = signatures(sets, num_perm=64)
    assert len(sum(sets, [])) > sketch._BATCH_ROWS  # the call above flushed more than one batch
    for i in (0, 137, 398, 399, 400):
        assert (signatures([sets[i]], num_perm=64)[0] == together[i]).all()
    assert (together[400] == signatures([_shingles(50, 3)], num_perm=64)[0]).all()


def test_empty_sets_match_only_each_other():
    matrix = signatures([[], ["a b c"], []], num_perm=32)
    assert estimated_similarity(matrix, 0, [1, 2]).tolist() == [0.0, 1.0]
    assert signatures([], num_perm=32).shape == (0, 32)
