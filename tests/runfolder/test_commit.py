"""Committing a run: parts become a whole new generation, merged, clustered and counted."""

from __future__ import annotations

import pandas as pd
import pytest
from runhelpers import article_row, claim_row, commit_run

from claims import load
from claims.dataset import DatasetError, article_id
from claims.document import Block
from claims.runfolder import ArticleText, RunFolder, generation
from claims.runfolder.parts import RunParts


def test_parts_are_written_in_slices_sorted_clustered_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(generation, "WRITE_SLICE_ROWS", 2)  # five rows: three slices
    b = [claim_row("b.html", i, f"Cupping cures migraine number {i} for good.") for i in range(3)]
    a = [
        claim_row("a.html", 1, "Cupping cures migraine number 0 for good."),
        claim_row("a.html", 0, "Laser combs regrow hair.", needs_citation=False, priority="low"),
    ]
    committed = commit_run(
        tmp_path, [([article_row("b.html")], b), ([article_row("a.html"), article_row("c.html")], a)]
    )

    claims = load(tmp_path)
    assert list(zip(claims["source"], claims["sentence_index"])) == [
        ("a.html", 0),
        ("a.html", 1),
        ("b.html", 0),
        ("b.html", 1),
        ("b.html", 2),
    ]
    same_wording = claims[claims["sentence"] == "Cupping cures migraine number 0 for good."]
    assert same_wording["cluster_id"].nunique() == 1 and claims["cluster_id"].notna().all()
    csv = pd.read_csv(tmp_path / "claims.csv")
    assert list(csv["claim_id"]) == list(claims["claim_id"])  # one header, every slice once
    assert set(csv["red_flags"]) == {"cures; for good"}
    assert list(load(tmp_path, "articles")["source"]) == ["a.html", "b.html", "c.html"]
    assert committed.counts == {
        "n_articles": 3,
        "n_ok": 3,
        "n_error": 0,
        "n_skipped": 0,
        "n_claims": 5,
        "n_needs_citation": 4,
    }
    assert len(load(tmp_path, "clusters")) == claims["cluster_id"].nunique()  # checked by the contract too


def test_a_rewritten_part_replaces_the_first(tmp_path):
    parts = RunParts(tmp_path / "parts")
    parts.path.mkdir()
    parts.write_chunk(0, [article_row("a.html")], [claim_row("a.html", 0, "Reiki heals nerves.")])
    parts.write_chunk(0, [article_row("a.html")], [claim_row("a.html", 0, "Reiki heals nerves.")])  # a retried chunk
    articles, claims = parts.read()
    assert len(articles) == 1 and claims.num_rows == 1


def test_a_row_that_breaks_the_contract_is_refused_and_the_dataset_stays(tmp_path, monkeypatch):
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", 0, "Reiki heals nerves.")])])
    before = {name: (tmp_path / name).read_bytes() for name in ("claims.parquet", "claims.csv", "articles.parquet")}
    monkeypatch.setattr(generation, "WRITE_SLICE_ROWS", 1)
    with pytest.raises(DatasetError, match="priority"):
        commit_run(
            tmp_path,
            [([article_row("b.html")], [claim_row("b.html", 0, "Cupping cures gout.", priority="urgent")])],
            run_id="r2",
            append=True,
        )
    for name, content in before.items():
        assert (tmp_path / name).read_bytes() == content, name
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".gen-")] == []


def test_a_source_failing_on_append_keeps_its_earlier_rows_and_text(tmp_path):
    text = ArticleText(article_id("a.html"), "a.html", "PRP heals tendons.", (Block("paragraph", 0, 18),))
    commit_run(
        tmp_path,
        [
            (
                [article_row("a.html"), article_row("b.html")],
                [claim_row("a.html", 0, "PRP heals tendons."), claim_row("b.html", 0, "TMS lifts mood.")],
            )
        ],
        texts=[text],
    )
    gone = article_row("a.html", status="error", error="HTTP 503", run_id="r2")
    committed = commit_run(
        tmp_path,
        [([gone, article_row("b.html", run_id="r2")], [claim_row("b.html", 0, "TMS lifts mood.", run_id="r2")])],
        run_id="r2",
        append=True,
    )
    assert committed.counts["n_error"] == 1
    assert sorted(load(tmp_path)["sentence"]) == ["PRP heals tendons.", "TMS lifts mood."]
    articles = load(tmp_path, "articles").set_index("source")
    assert articles.loc["a.html", "status"] == "ok"  # the good read is not replaced by the failure
    assert RunFolder(tmp_path).text(article_id("a.html")).text == "PRP heals tendons."


def test_a_page_now_without_text_keeps_its_old_claims_and_their_text_on_append(tmp_path):
    text = ArticleText(article_id("a.html"), "a.html", "PRP heals tendons.", (Block("paragraph", 0, 18),))
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", 0, "PRP heals tendons.")])], texts=[text])
    js_only = article_row("a.html", status="skipped", error="no article text found on the page", run_id="r2")
    commit_run(tmp_path, [([js_only], [])], run_id="r2", append=True)
    assert list(load(tmp_path)["sentence"]) == ["PRP heals tendons."]
    assert RunFolder(tmp_path).text(article_id("a.html")).text == "PRP heals tendons."


def test_a_plain_run_where_every_source_failed_leaves_the_dataset(tmp_path):
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", 0, "PRP heals tendons.")])])
    down = article_row("a.html", status="error", error="HTTP 503", run_id="r2")
    commit_run(tmp_path, [([down], [])], run_id="r2")
    assert list(load(tmp_path)["sentence"]) == ["PRP heals tendons."]
    assert list(load(tmp_path, "runs")["run_id"]) == ["r1", "r2"]


def test_a_plain_run_replaces_the_rows_and_logs_every_run(tmp_path):
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", 0, "PRP heals tendons.")])])
    commit_run(
        tmp_path,
        [([article_row("b.html", run_id="r2")], [claim_row("b.html", 0, "TMS lifts mood.", run_id="r2")])],
        run_id="r2",
    )
    assert list(load(tmp_path)["sentence"]) == ["TMS lifts mood."]
    assert list(load(tmp_path, "runs")["run_id"]) == ["r1", "r2"]


def test_clusters_file_has_its_columns_even_with_no_claims(tmp_path):
    commit_run(tmp_path, [([article_row("a.html", status="skipped", error="no article text")], [])])
    clusters = pd.read_parquet(tmp_path / "clusters.parquet")
    assert list(clusters.columns) == [
        "cluster_id",
        "representative",
        "size",
        "n_sites",
        "claim_types",
        "red_flags",
        "first_seen",
        "last_seen",
    ]


def test_articles_copied_whole_are_paired(tmp_path):
    base = (
        "Ketamine infusions relieve nerve pain within hours for many patients. Our clinic has "
        "treated hundreds of people with fibromyalgia and CRPS, and most report lasting relief. "
    )
    bodies = {
        "a.html": base * 3,
        "b.html": base.replace("many", "numerous") * 3,
        "c.html": "Acupuncture uses thin needles placed along the back to ease tension headaches. " * 3,
    }
    texts = [ArticleText(article_id(s), s, body, (Block("paragraph", 0, len(body)),)) for s, body in bodies.items()]
    commit_run(tmp_path, [([article_row(s) for s in bodies], [])], texts=texts)
    pairs = load(tmp_path, "duplicate_articles")
    assert [sorted([a, b]) for a, b in zip(pairs["article_id_a"], pairs["article_id_b"])] == [
        sorted([article_id("a.html"), article_id("b.html")])
    ]
    assert pairs["similarity"].iloc[0] > 0.5
