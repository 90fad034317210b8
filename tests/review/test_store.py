"""The verdict store: durable, append-only history, survives a new run of the pipeline."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from claims.review import data
from claims.review.store import ReviewStore


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "reviews.sqlite")


def test_save_then_get_returns_the_verdict_and_note(store: ReviewStore) -> None:
    store.save("c1", "supported", "matches the cited trial", reviewer="ana")
    saved = store.get("c1")
    assert saved is not None
    assert (saved.verdict, saved.note, saved.reviewer, saved.scope) == (
        "supported",
        "matches the cited trial",
        "ana",
        "claim",
    )
    assert store.get("c2") is None


def test_overwrite_keeps_one_current_verdict_and_every_change_in_history(store: ReviewStore) -> None:
    store.save("c1", "needs_source", "look for a trial")
    store.save("c1", "unsupported", "no trial found")
    store.save("c2", "not_a_claim")
    assert store.get("c1").verdict == "unsupported"
    assert sorted(store.all()["claim_id"]) == ["c1", "c2"]
    history = store.history("c1")
    assert history[["verdict", "note"]].values.tolist() == [
        ["needs_source", "look for a trial"],
        ["unsupported", "no trial found"],
    ]
    assert len(store.history()) == 3


def test_history_refuses_update_and_delete(store: ReviewStore) -> None:
    store.save("c1", "supported")
    with sqlite3.connect(store.path) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE history SET verdict = 'unsupported'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM history")
    assert store.history()["verdict"].tolist() == ["supported"]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.save("c1", "maybe"),
        lambda s: s.save("", "supported"),
        lambda s: s.save_many([], "supported"),
        lambda s: s.save_many(["c1"], "supported", scope="site"),
    ],
    ids=["unknown-verdict", "empty-id", "no-ids", "unknown-scope"],
)
def test_bad_input_is_refused_and_nothing_is_written(store: ReviewStore, call) -> None:
    with pytest.raises(ValueError):
        call(store)
    assert store.all().empty and store.history().empty


def test_a_second_connection_sees_a_save_at_once(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    writer = ReviewStore(path)
    reader = sqlite3.connect(path)  # opened before the save, as another reviewer's session would be
    try:
        writer.save("c1", "supported", "ok")
        assert reader.execute("SELECT verdict, note FROM verdicts WHERE claim_id = 'c1'").fetchone() == (
            "supported",
            "ok",
        )
        assert ReviewStore(path).get("c1").verdict == "supported"
    finally:
        reader.close()


def test_a_process_killed_right_after_saving_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from claims.review.store import ReviewStore
        store = ReviewStore({str(path)!r})
        store.save("c1", "unsupported", "killed next")
        store.save_many(["c2", "c3"], "supported", "cluster")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -9, result.stderr.decode()
    reopened = ReviewStore(path)
    assert reopened.get("c1").note == "killed next"
    assert sorted(reopened.all()["claim_id"]) == ["c1", "c2", "c3"]
    assert len(reopened.history()) == 3


def test_save_many_shares_one_batch_and_records_its_scope(store: ReviewStore) -> None:
    saved = store.save_many(["c1", "c2", "c1"], "unsupported", "same wording on two pages")
    assert [v.claim_id for v in saved] == ["c1", "c2"]
    rows = store.all()
    assert set(rows["scope"]) == {"cluster"} and rows["batch_id"].nunique() == 1
    store.save("c2", "supported")
    assert store.get("c1").scope == "cluster" and store.get("c2").scope == "claim"
    assert store.get("c1").batch_id != store.get("c2").batch_id


def test_save_many_is_all_or_nothing(store: ReviewStore) -> None:
    with sqlite3.connect(store.path) as conn:  # make the database itself reject the second row
        conn.execute(
            "CREATE TRIGGER reject_boom BEFORE INSERT ON verdicts WHEN NEW.claim_id = 'boom'"
            " BEGIN SELECT RAISE(ABORT, 'rejected'); END"
        )
    with pytest.raises(sqlite3.DatabaseError, match="rejected"):
        store.save_many(["c1", "boom"], "supported")
    assert store.get("c1") is None and store.history().empty


def test_verdicts_survive_a_new_run_of_the_pipeline(make_run, tmp_path: Path, claims_fixture) -> None:
    out = make_run(tmp_path / "run")
    ReviewStore.for_run(out).save("c-mech", "supported", "textbook pharmacology")
    kept = [c for c in claims_fixture if c["claim_id"] != "c-vague"]
    make_run(out, kept, run_id="run-2")  # the next run rewrites claims.parquet in place

    claims = data.load_claims(out)
    assert set(claims["run_id"]) == {"run-2"}
    store = ReviewStore.for_run(out)
    joined = data.with_verdicts(claims, store.all()).set_index("claim_id")
    assert joined.loc["c-mech", "verdict"] == "supported"
    assert joined.loc["c-mech", "note"] == "textbook pharmacology"
    assert joined.loc["c-safe", "review_state"] == data.UNREVIEWED


def test_a_verdict_follows_its_sentence_when_a_later_run_renumbers_it(make_run, tmp_path: Path, claims_fixture) -> None:
    """A sentence added above a claim changes its claim_id (its position is part of it)."""
    out = make_run(tmp_path / "run")
    store = ReviewStore.for_run(out)
    claims = data.load_claims(out)
    store.save("c-mech", "supported", "textbook", anchor=data.anchors(claims, ["c-mech"])["c-mech"])
    store.save("c-vague", "unsupported")  # saved without its sentence: stays with its claim_id only
    store.save("c-safe", "needs_source", anchor=data.anchors(claims, ["c-safe"])["c-safe"])
    renumbered = {"c-mech": "c-mech-2", "c-vague": "c-vague-2", "c-safe": "c-safe-2", "c-dup": "c-dup-2"}
    next_run = [{**c, "claim_id": renumbered.get(str(c["claim_id"]), c["claim_id"])} for c in claims_fixture]
    safe_sentence = next(c["sentence"] for c in claims_fixture if c["claim_id"] == "c-safe")
    next(c for c in next_run if c["claim_id"] == "c-dup-2")["sentence"] = safe_sentence  # copied to another site
    make_run(out, next_run, run_id="run-2")
    store.save("c-safe-2", "supported", anchor=("a1", safe_sentence))

    claims = data.load_claims(out)
    joined = data.with_verdicts(claims, store.verdicts_for(claims)).set_index("claim_id")
    assert joined.loc["c-mech-2", ["verdict", "note", "carried_from"]].tolist() == ["supported", "textbook", "c-mech"]
    assert joined.loc["c-safe-2", "verdict"] == "supported"  # its own verdict wins over the carried one
    assert pd.isna(joined.loc["c-safe-2", "carried_from"])
    assert joined.loc["c-vague-2", "review_state"] == data.UNREVIEWED
    # c-dup says the same in another article: a verdict stays with its own article's sentence
    assert joined.loc["c-dup-2", "review_state"] == data.UNREVIEWED
    assert len(joined) == len(claims)
    exported = store.export_frame(claims).set_index("claim_id")
    assert set(exported.index) == {"c-mech-2", "c-safe-2"} and exported.loc["c-mech-2", "carried_from"] == "c-mech"


def test_a_store_from_before_sentence_anchors_opens_and_keeps_its_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    with sqlite3.connect(path) as conn:  # the schema verdicts had before they recorded their sentence
        conn.executescript(
            "CREATE TABLE verdicts (claim_id TEXT PRIMARY KEY, verdict TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',"
            " reviewer TEXT, scope TEXT NOT NULL DEFAULT 'claim', batch_id TEXT NOT NULL, updated_at TEXT NOT NULL);"
            "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL, verdict TEXT NOT NULL,"
            " note TEXT NOT NULL, reviewer TEXT, scope TEXT NOT NULL, batch_id TEXT NOT NULL, changed_at TEXT NOT NULL);"
            "INSERT INTO verdicts VALUES ('old', 'supported', 'kept', NULL, 'claim', 'b0', '2026-01-01T00:00:00+00:00');"
        )
    conn.close()
    store = ReviewStore(path)
    assert store.get("old").note == "kept"
    store.save("new", "unsupported", anchor=("a1", "A sentence."))
    claims = pd.DataFrame({"claim_id": ["old", "new-2"], "article_id": ["a0", "a1"], "sentence": ["x", "A sentence."]})
    found = store.verdicts_for(claims).set_index("claim_id")
    assert found.loc["old", "verdict"] == "supported" and found.loc["new-2", "carried_from"] == "new"
    # the old verdict learnt its sentence while its claim was in the run: it follows it now
    renumbered = pd.DataFrame({"claim_id": ["old-2"], "article_id": ["a0"], "sentence": ["x"]})
    assert store.verdicts_for(renumbered).set_index("claim_id").loc["old-2", "carried_from"] == "old"


def test_export_csv_joins_reviewed_claims_and_defuses_formulas(make_run, tmp_path: Path, claims_fixture) -> None:
    claims_fixture[0]["sentence"] = '=HYPERLINK("http://127.0.0.1/x", "click")'
    out = make_run(tmp_path / "run", claims_fixture)
    claims = data.load_claims(out)
    store = ReviewStore.for_run(out)
    store.save("c-mech", "unsupported", "-no source given")
    store.save("c-safe", "needs_source")
    store.save("gone-from-this-run", "supported")

    target = out / "reviews.csv"
    assert store.export_csv(claims, target) == 2
    with target.open(newline="", encoding="utf-8") as handle:
        rows = {row["claim_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"c-mech", "c-safe"}
    assert rows["c-mech"]["sentence"].startswith("'=HYPERLINK")
    assert rows["c-mech"]["note"] == "'-no source given"
    assert rows["c-safe"]["verdict"] == "needs_source"
    assert rows["c-safe"]["red_flags"] == "non-addictive; no side effects"
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_a_second_export_replaces_the_first(run_dir: Path) -> None:
    store = ReviewStore.for_run(run_dir)
    claims = data.load_claims(run_dir)
    target = run_dir / "reviews.csv"
    store.save("c-mech", "supported")
    store.export_csv(claims, target)
    store.save("c-safe", "unsupported")
    store.export_csv(claims, target)
    assert sorted(pd.read_csv(target)["claim_id"]) == ["c-mech", "c-safe"]


def test_store_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ReviewStore(tmp_path / "nowhere" / "reviews.sqlite")


def test_preferences_outlive_the_store_object_and_can_be_forgotten(tmp_path) -> None:
    from claims.review.store import ReviewStore

    ReviewStore(tmp_path / "reviews.sqlite").remember("reviewer", "ana")
    again = ReviewStore(tmp_path / "reviews.sqlite")
    assert again.preference("reviewer") == "ana" and again.preference("other") is None
    again.remember("reviewer", "")
    assert ReviewStore(tmp_path / "reviews.sqlite").preference("reviewer") is None
