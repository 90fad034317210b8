"""Reading a run folder and choosing which claims the reviewer sees, in which order."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from claims.review import data
from claims.review.store import ReviewStore


@pytest.fixture
def reviewed(run_dir: Path) -> pd.DataFrame:
    store = ReviewStore.for_run(run_dir)
    store.save("c-mech", "supported", "Receptor pharmacology is textbook")
    store.save("c-vague", "needs_source")
    return data.with_verdicts(data.load_claims(run_dir), store.all())


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["claim_id"].tolist()


def test_found_by_is_offered_as_it_occurs_in_the_run(reviewed: pd.DataFrame) -> None:
    assert data.finder_options(reviewed) == ["rules and model", "rules only", "model only"]
    rules_tagger_only = reviewed[~reviewed["claim_id"].isin(["c-mech", "c-vague"])]
    assert data.finder_options(rules_tagger_only) == ["rules only"]


def test_claims_are_ordered_flagged_first_then_by_priority(reviewed: pd.DataFrame, review_order) -> None:
    shuffled = reviewed.sample(frac=1, random_state=3)
    assert ids(data.select_claims(shuffled, data.Filters())) == review_order


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (data.Filters(claim_types=("MECHANISM",)), ["c-mech"]),
        (data.Filters(claim_types=("MECHANISM", "SAFETY")), ["c-safe", "c-dup", "c-mech"]),
        (data.Filters(priorities=("low",)), ["c-hedged"]),
        (data.Filters(red_flags=("non-addictive",)), ["c-safe", "c-dup"]),
        (data.Filters(interventions=("opioids",)), ["c-vague"]),
        (data.Filters(article_ids=("a2", "a3")), ["c-hostile", "c-dup"]),
        (data.Filters(review_states=("supported",)), ["c-mech"]),
        (data.Filters(review_states=("unreviewed",)), ["c-safe", "c-hostile", "c-dup", "c-hedged"]),
        (data.Filters(needs_citation_only=True), ["c-safe", "c-hostile", "c-dup", "c-mech", "c-vague"]),
        (data.Filters(query="NMDA"), ["c-mech"]),
        (data.Filters(query="textbook"), ["c-mech"]),  # the reviewer's note is searched too
        (data.Filters(query="how IT works"), ["c-mech"]),  # and the section heading, ignoring case
        (data.Filters(query="[1]"), ["c-hedged"]),  # a query is text, not a pattern
        (data.Filters(priorities=("high",), claim_types=("EFFICACY",)), ["c-hostile"]),
        (data.Filters(priorities=("high",), query="opioids"), []),
        (data.Filters(found_by=("model only",)), ["c-mech"]),
        (data.Filters(found_by=("rules and model",)), ["c-vague"]),
        # a row without the codes (the rules tagger alone) counts as the rules'
        (data.Filters(found_by=("rules only",)), ["c-safe", "c-hostile", "c-dup", "c-hedged"]),
        (data.Filters(found_by=("rules and model", "model only")), ["c-mech", "c-vague"]),
    ],
)
def test_filters_narrow_the_list(reviewed: pd.DataFrame, filters: data.Filters, expected: list[str]) -> None:
    assert ids(data.select_claims(reviewed, filters)) == expected


def test_a_folder_without_a_run_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(data.RunDataError, match="no dataset here"):
        data.load_claims(tmp_path)


def _rewrite_claims(run_dir: Path, write) -> None:
    """Damage the current generation's claims file in place (readers resolve the link)."""
    path = (run_dir / "claims.parquet").resolve()
    write(path)


def test_a_missing_column_is_named(run_dir: Path) -> None:
    claims = pd.read_parquet(run_dir / "claims.parquet").drop(columns=["char_start"])
    _rewrite_claims(run_dir, claims.to_parquet)
    with pytest.raises(data.RunDataError, match="char_start"):
        data.load_claims(run_dir)


def test_a_damaged_claims_file_is_a_clear_error(run_dir: Path) -> None:
    _rewrite_claims(run_dir, lambda path: path.write_bytes(b"not parquet at all"))
    with pytest.raises(data.RunDataError, match="not a readable Parquet file"):
        data.load_claims(run_dir)


def test_list_columns_come_back_as_lists(run_dir: Path) -> None:
    claims = data.load_claims(run_dir).set_index("claim_id")
    assert claims.loc["c-safe", "red_flags"] == ["non-addictive", "no side effects"]
    assert data.distinct_values(claims, "red_flags") == ["cures", "no side effects", "non-addictive"]


def test_article_text_is_loaded_with_its_blocks(run_dir: Path) -> None:
    doc = data.load_article_text(run_dir, "a1")
    assert doc is not None
    assert [b.kind for b in doc.blocks] == ["title", "heading", "paragraph", "heading", "paragraph"]
    assert doc.block_text(doc.blocks[1]) == "How it works"


@pytest.mark.parametrize("article_id", ["../claims", "a3", ".hidden", "a1/../a1"])
def test_unsafe_or_absent_article_ids_give_no_text(run_dir: Path, article_id: str) -> None:
    assert data.load_article_text(run_dir, article_id) is None


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        json.dumps({"blocks": []}),
        json.dumps({"text": 3}),
        json.dumps({"text": "x", "blocks": [{"kind": "p"}]}),
    ],
)
def test_malformed_text_files_give_no_text(run_dir: Path, payload: str) -> None:
    (run_dir / "texts" / "a1.json").write_text(payload, encoding="utf-8")
    assert data.load_article_text(run_dir, "a1") is None


def test_blocks_outside_the_text_are_dropped(run_dir: Path) -> None:
    payload = {
        "text": "short",
        "blocks": [{"kind": "paragraph", "start": 0, "end": 5}, {"kind": "paragraph", "start": 3, "end": 90}],
    }
    (run_dir / "texts" / "a1.json").write_text(json.dumps(payload), encoding="utf-8")
    assert len(data.load_article_text(run_dir, "a1").blocks) == 1


def test_cluster_members_are_the_claims_sharing_a_cluster(reviewed: pd.DataFrame) -> None:
    assert sorted(data.cluster_members(reviewed, "c-safe")) == ["c-dup", "c-safe"]
    assert data.cluster_members(reviewed, "c-mech") == ["c-mech"]


def test_position_gives_neighbours_and_the_next_claim_without_a_verdict(reviewed: pd.DataFrame, review_order) -> None:
    shown = data.select_claims(reviewed, data.Filters())  # c-mech and c-vague have verdicts
    where = data.position(shown, "c-dup")
    assert (where.index, where.total, where.previous, where.next) == (2, 6, "c-hostile", "c-mech")
    assert where.next_unreviewed == "c-hedged"  # past the two reviewed ones
    last = data.position(shown, "c-hedged")
    assert last.next is None and last.next_unreviewed == "c-safe"  # round to the top
    gone = data.position(shown, "not-in-view")
    assert (gone.index, gone.claim_id, gone.previous) == (0, "c-safe", None)
    only = shown[shown["claim_id"] == "c-mech"]
    assert data.position(only, "c-mech").next_unreviewed is None


def test_a_source_file_is_read_as_written_or_explains_why_not(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>Caf\u00e9 <b>cures</b></p>", encoding="utf-8")
    assert data.source_file(str(page)) == ("<p>Caf\u00e9 <b>cures</b></p>", str(page))
    text, note = data.source_file(str(page), limit=5)
    assert text == "<p>Ca" and note.startswith("the first 5 bytes")
    text, note = data.source_file(str(tmp_path / "gone.html"))
    assert text is None and "cannot be read from here" in note
