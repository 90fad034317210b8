"""Overlap decides near copies; a swapped protected word vetoes whatever the overlap."""

import pytest

from claims.clusters.match import jaccard, protected_conflict, shingles, similarity
from claims.clusters.normalize import default_normalizer


@pytest.fixture(scope="module")
def norm():
    return default_normalizer()


def test_shingles_keep_adjacent_pairs_apart_from_words():
    assert shingles(("a", "b", "c")) == {"a", "b", "c", "a b", "b c"}
    assert jaccard(shingles(("a", "b")), shingles(("b", "a"))) == pytest.approx(2 / 4)


@pytest.mark.parametrize(
    "a, b, category",
    [
        ("Relief starts within hours.", "Relief starts within weeks.", "time"),
        ("Ketamine infusions ease nerve pain.", "Lidocaine infusions ease nerve pain.", "intervention"),
        ("The shots are safe.", "The shots are not safe.", "negation"),
        ("It helps 70% of patients.", "It helps 40% of patients.", "number"),
        ("PRP eases knee pain.", "PRP eases hip pain.", "body part"),
        ("CBD reduces inflammation.", "CBD increases inflammation.", "effect"),
    ],
)
def test_a_swap_of_a_protected_word_conflicts(norm, a, b, category):
    ta, tb = norm.tokens(a), norm.tokens(b)
    assert protected_conflict(ta, tb, norm) == category
    assert similarity(ta, tb, norm) == 0.0


def test_an_added_protected_word_is_weighed_not_vetoed(norm):
    ta = norm.tokens("Ketamine eases pain for many patients.")
    tb = norm.tokens("Ketamine eases pain for many patients with fibromyalgia.")
    assert protected_conflict(ta, tb, norm) is None
    assert 0.5 < similarity(ta, tb, norm) < 1.0
