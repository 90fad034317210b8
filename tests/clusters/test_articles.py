"""Whole-article near-duplicates: a spun, trimmed copy is found, a different article is not."""

import pandas as pd
import pytest

from claims.clusters import near_duplicate_articles

ORIGINAL = """Living with chronic pain wears people down. Many of our patients tried pills,
physical therapy and injections before they came to us. Ketamine infusions work in a different
way: the medicine quiets overactive pain pathways in the spinal cord and brain. Most patients
sit in a reclining chair for about forty minutes while a nurse watches their vital signs. Some
feel light or dreamy during the session, and that feeling fades within an hour. A typical
course is six infusions over two weeks, followed by boosters when the pain returns.

We treat nerve pain, fibromyalgia and complex regional pain syndrome. Call our front desk to
ask whether ketamine is a good fit for you, and bring a list of the medicines you take."""

SPUN = """Living with continual agony wears people down. Many of our sufferers tried pills,
physical therapy and injections before they came to us. Ketamine infusions function in a
different way: the medicine quiets overactive pain pathways in the spinal cord and mind. Most
patients sit in a reclining chair for about forty minutes while a nurse watches their vital
signs. Some feel light or dreamy during the appointment, and that feeling fades within an hour.
A typical course is six infusions over two weeks, followed by boosters when the agony returns."""

OTHER = """Platelet-rich plasma uses a small tube of your own blood. We spin it in a
centrifuge, draw off the layer rich in platelets and inject it into a sore tendon or joint.
Athletes with tennis elbow and runners with knee trouble ask about it most often. The injection
stings for a day or two; most people go back to light exercise within a week."""


def test_spun_copy_is_paired_and_unrelated_articles_are_not():
    pairs = near_duplicate_articles({"orig": ORIGINAL, "copy": SPUN, "prp": OTHER, "prp-mirror": OTHER})
    found = {(a, b): s for a, b, s in pairs.itertuples(index=False)}
    assert set(found) == {("copy", "orig"), ("prp", "prp-mirror")}
    assert found[("prp", "prp-mirror")] == pytest.approx(1.0)
    assert 0.5 <= found[("copy", "orig")] < 1.0
    assert list(pairs["similarity"]) == sorted(pairs["similarity"], reverse=True)


def test_threshold_is_honoured():
    pairs = near_duplicate_articles({"orig": ORIGINAL, "copy": SPUN}, threshold=0.95)
    assert pairs.empty
    assert list(pairs.columns) == ["article_id_a", "article_id_b", "similarity"]


def test_missing_texts_are_skipped_and_wrong_types_refused():
    pairs = near_duplicate_articles({"a": ORIGINAL, "b": None, "c": float("nan"), "d": "", "e": ORIGINAL})
    assert list(pairs[["article_id_a", "article_id_b"]].itertuples(index=False, name=None)) == [("a", "e")]
    with pytest.raises(TypeError, match="'x'"):
        near_duplicate_articles({"x": 42})
    with pytest.raises(TypeError):
        near_duplicate_articles(pd.Series({"a": ORIGINAL}).tolist())
