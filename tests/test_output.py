"""Assembling the output folder from chunk part files, slice by slice."""
from __future__ import annotations

import pandas as pd
import pytest

from claims import output
from claims.dataset import DatasetError, article_id, claim_id, load_articles, load_claims
from claims.dataset.schema import ARTICLES, CLAIMS
from claims.output import RunInfo, parts_dir, read_parts, remove_parts, write_output, write_part

BLANK = {"str": "", "int": 0, "bool": False, "list": []}


def _article(source: str) -> dict:
    row = {c.name: None if c.nullable else BLANK[c.kind] for c in ARTICLES}
    return row | {"article_id": article_id(source), "source": source, "status": "ok", "run_id": "r1"}


def _claim(source: str, index: int, sentence: str, **overrides) -> dict:
    row = {c.name: None if c.nullable else BLANK[c.kind] for c in CLAIMS}
    return row | {
        "claim_id": claim_id(source, index, sentence), "article_id": article_id(source), "source": source,
        "sentence_index": index, "sentence": sentence, "claim_types": ["EFFICACY"], "efficacy": True,
        "red_flags": ["cures", "for good"], "priority": "high", "needs_citation": True, "run_id": "r1",
        "rules_version": "v1", "model": "m1",
    } | overrides


def _run(append: bool = False) -> RunInfo:
    return RunInfo("r1", "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00", ["x"], append, "m1", "v1")


def _write(out, parts_rows: list[tuple[list[dict], list[dict]]], append: bool = False) -> dict:
    parts = parts_dir(out, "r1")
    for index, (articles, claims) in enumerate(parts_rows):
        write_part(parts, index, articles, claims)
    try:
        return write_output(out, *read_parts(parts), _run(append))
    finally:
        remove_parts(parts)


def test_parts_are_written_in_slices_sorted_clustered_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "WRITE_SLICE_ROWS", 2)  # five rows: three slices
    b = [_claim("b.html", i, f"Cupping cures migraine number {i} for good.") for i in range(3)]
    a = [_claim("a.html", 1, "Cupping cures migraine number 0 for good."),
         _claim("a.html", 0, "Laser combs regrow hair.", needs_citation=False, priority="low")]
    counts = _write(tmp_path, [([_article("b.html")], b), ([_article("a.html"), _article("c.html")], a)])

    claims = load_claims(tmp_path)
    assert list(zip(claims["source"], claims["sentence_index"])) == [
        ("a.html", 0), ("a.html", 1), ("b.html", 0), ("b.html", 1), ("b.html", 2)]
    same_wording = claims[claims["sentence"] == "Cupping cures migraine number 0 for good."]
    assert same_wording["cluster_id"].nunique() == 1 and claims["cluster_id"].notna().all()
    csv = pd.read_csv(tmp_path / "claims.csv")
    assert list(csv["claim_id"]) == list(claims["claim_id"])  # one header, every slice once
    assert set(csv["red_flags"]) == {"cures; for good"}
    assert list(load_articles(tmp_path)["source"]) == ["a.html", "b.html", "c.html"]
    assert counts == {"n_articles": 3, "n_ok": 3, "n_error": 0, "n_skipped": 0, "n_claims": 5, "n_needs_citation": 4}


def test_a_rewritten_part_replaces_the_first(tmp_path):
    parts = parts_dir(tmp_path, "r1")
    write_part(parts, 0, [_article("a.html")], [_claim("a.html", 0, "Reiki heals nerves.")])
    write_part(parts, 0, [_article("a.html")], [_claim("a.html", 0, "Reiki heals nerves.")])  # a retried chunk
    articles, claims = read_parts(parts)
    assert len(articles) == 1 and claims.num_rows == 1


def test_a_bad_row_in_a_late_slice_leaves_the_previous_files_whole(tmp_path, monkeypatch):
    _write(tmp_path, [([_article("a.html")], [_claim("a.html", 0, "Reiki heals nerves.")])])
    before = {name: (tmp_path / name).read_bytes() for name in ("claims.parquet", "claims.csv")}
    # a previous file (say, edited by hand) with a row that breaks the contract, sorted last
    broken = load_claims(tmp_path)
    broken = pd.concat([broken, pd.DataFrame([_claim("z.html", 0, "Odd row.", priority="urgent")])], ignore_index=True)
    broken.to_parquet(tmp_path / "claims.parquet", index=False)
    before["claims.parquet"] = (tmp_path / "claims.parquet").read_bytes()
    monkeypatch.setattr(output, "WRITE_SLICE_ROWS", 1)

    with pytest.raises(DatasetError, match="priority"):
        _write(tmp_path, [([_article("b.html")], [_claim("b.html", 0, "Cupping cures gout.")])], append=True)
    for name, content in before.items():
        assert (tmp_path / name).read_bytes() == content, name
    assert not list(tmp_path.glob(".claims.*.tmp"))


def test_a_source_failing_on_append_keeps_its_earlier_rows(tmp_path):
    _write(tmp_path, [([_article("a.html"), _article("b.html")],
                       [_claim("a.html", 0, "PRP heals tendons."), _claim("b.html", 0, "TMS lifts mood.")])])
    gone = _article("a.html") | {"status": "error", "error": "HTTP 503"}
    counts = _write(tmp_path, [([gone, _article("b.html")], [_claim("b.html", 0, "TMS lifts mood.")])], append=True)
    assert counts["n_error"] == 1
    assert sorted(load_claims(tmp_path)["sentence"]) == ["PRP heals tendons.", "TMS lifts mood."]
    articles = load_articles(tmp_path).set_index("source")
    assert articles.loc["a.html", "status"] == "ok"  # the good read is not replaced by the failure


def test_a_plain_run_where_every_source_failed_leaves_the_dataset(tmp_path):
    _write(tmp_path, [([_article("a.html")], [_claim("a.html", 0, "PRP heals tendons.")])])
    down = _article("a.html") | {"status": "error", "error": "HTTP 503"}
    _write(tmp_path, [([down], [])])
    assert list(load_claims(tmp_path)["sentence"]) == ["PRP heals tendons."]


def test_clusters_file_has_its_columns_even_with_no_claims(tmp_path):
    _write(tmp_path, [([_article("a.html") | {"status": "skipped", "error": "no article text"}], [])])
    clusters = pd.read_parquet(tmp_path / "clusters.parquet")
    assert list(clusters.columns) == ["cluster_id", "representative", "size", "n_sites", "claim_types",
                                      "red_flags", "first_seen", "last_seen"]


def test_articles_copied_whole_are_paired(tmp_path):
    import json

    base = ("Ketamine infusions relieve nerve pain within hours for many patients. Our clinic has "
            "treated hundreds of people with fibromyalgia and CRPS, and most report lasting relief. ")
    texts = {"a.html": base * 3, "b.html": base.replace("many", "numerous") * 3,
             "c.html": "Acupuncture uses thin needles placed along the back to ease tension headaches. " * 3}
    (tmp_path / "texts").mkdir()
    for source, text in texts.items():
        (tmp_path / "texts" / f"{article_id(source)}.json").write_text(json.dumps({"text": text}))
    _write(tmp_path, [([_article(s) for s in texts], [])])
    pairs = pd.read_parquet(tmp_path / "duplicate_articles.parquet")
    assert [sorted([a, b]) for a, b in zip(pairs["article_id_a"], pairs["article_id_b"])] == [
        sorted([article_id("a.html"), article_id("b.html")])]
    assert pairs["similarity"].iloc[0] > 0.5
