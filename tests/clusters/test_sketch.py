import pytest

from claims.clusters.sketch import lsh_params


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
