import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims.dataset import DatasetError, claim_id, read_parquet, to_arrow, validate
from claims.dataset.schema import CLAIMS, found_by

CLAIMS_FILE = "claims.parquet"


def write_table(frame, out_dir, name):
    """Validate, then write atomically: what the run folder does with each table."""
    from claims.atomic import atomic_write

    arrow = to_arrow(validate(frame, "claims"), "claims")
    atomic_write(out_dir / name, lambda tmp: pq.write_table(arrow, tmp))


def load_claims(out_dir):
    return read_parquet(out_dir / CLAIMS_FILE, "claims")


def _row(**overrides):
    row = {
        "claim_id": "c1",
        "article_id": "a1",
        "source": "pages/a.html",
        "url": None,
        "title": "T",
        "section": None,
        "sentence_index": 3,
        "char_start": 10,
        "char_end": 40,
        "sentence": "PRP is non-addictive and safe.",
        "claim_types": ["SAFETY"],
        "efficacy": False,
        "safety": True,
        "mechanism": False,
        "triggers": ["non-addictive"],
        "rule_ids": ["SAF-addiction"],
        "hedged": False,
        "hedge_cues": [],
        "cited": False,
        "citations": [],
        "references": [],
        "vague_authority": False,
        "red_flags": ["non-addictive", "safe"],
        "red_flag_names": ["non-addictive", "safe"],
        "needs_citation": True,
        "priority": "high",
        "reasons": ["red_flag:non-addictive", "unhedged", "no_citation"],
        "interventions": ["PRP"],
        "conditions": [],
        "cluster_id": "k1",
        "run_id": "r1",
        "rules_version": "v",
        "model": "m",
    }
    row.update(overrides)
    return row


def test_round_trip_keeps_contract_dtypes_and_lists(tmp_path):
    write_table(pd.DataFrame([_row(), _row(claim_id="c2", sentence_index=4)]), tmp_path, CLAIMS_FILE)
    frame = load_claims(tmp_path)
    assert list(frame.columns) == [c.name for c in CLAIMS]
    assert frame["sentence_index"].dtype == "int64"
    assert frame["needs_citation"].dtype == "bool"
    assert frame["source"].dtype == "string"
    assert frame.loc[0, "red_flags"] == ["non-addictive", "safe"]
    assert isinstance(frame.loc[0, "hedge_cues"], list)


def test_priority_is_an_ordered_category_so_sorting_puts_high_first(tmp_path):
    rows = [_row(claim_id=f"c{i}", priority=p) for i, p in enumerate(["medium", "low", "high", "medium"])]
    write_table(pd.DataFrame(rows), tmp_path, CLAIMS_FILE)
    frame = load_claims(tmp_path)
    assert frame["priority"].cat.ordered and list(frame["priority"].cat.categories) == ["low", "medium", "high"]
    assert frame.sort_values("priority", ascending=False)["priority"].tolist() == ["high", "medium", "medium", "low"]
    assert frame["priority"].max() == "high" and (frame["priority"] > "low").sum() == 3


def test_resolved_references_round_trip_as_records(tmp_path):
    reference = {
        "marker": "[1]",
        "text": "Smith J. Ketamine and pain. 2019.",
        "link": "https://doi.org/10.1000/x",
        "entry_link": None,
    }
    write_table(pd.DataFrame([_row(citations=["[1]"], references=[reference])]), tmp_path, CLAIMS_FILE)
    frame = load_claims(tmp_path)
    assert frame.loc[0, "references"] == [reference] and frame.loc[0, "citations"] == ["[1]"]
    with pytest.raises(DatasetError, match="references"):
        write_table(pd.DataFrame([_row(references=[{"marker": "[1]"}])]), tmp_path, CLAIMS_FILE)


def test_write_rejects_rows_that_break_the_contract(tmp_path):
    with pytest.raises(DatasetError, match="priority.*'urgent'"):
        write_table(pd.DataFrame([_row(priority="urgent")]), tmp_path, CLAIMS_FILE)
    with pytest.raises(DatasetError, match="claim_id"):
        write_table(pd.DataFrame([_row(), _row()]), tmp_path, CLAIMS_FILE)
    assert not (tmp_path / CLAIMS_FILE).exists()


def test_a_broken_file_names_the_column(tmp_path):
    write_table(pd.DataFrame([_row()]), tmp_path, CLAIMS_FILE)
    table = pq.read_table(tmp_path / CLAIMS_FILE)
    broken = table.set_column(table.schema.get_field_index("red_flags"), "red_flags", pa.array(["not a list"]))
    pq.write_table(broken, tmp_path / CLAIMS_FILE)
    with pytest.raises(DatasetError, match="red_flags"):
        load_claims(tmp_path)
    pq.write_table(table.drop_columns(["hedged"]), tmp_path / CLAIMS_FILE)
    with pytest.raises(DatasetError, match="hedged"):
        load_claims(tmp_path)


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    write_table(pd.DataFrame([_row()]), tmp_path, CLAIMS_FILE)
    before = (tmp_path / CLAIMS_FILE).read_bytes()
    with pytest.raises(DatasetError):
        write_table(pd.DataFrame([_row(claim_types=["CURE"])]), tmp_path, CLAIMS_FILE)
    assert (tmp_path / CLAIMS_FILE).read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_claim_ids_depend_on_source_position_and_text():
    base = claim_id("a.html", 3, "It works.")
    assert base == claim_id("a.html", 3, "It works.")
    assert (
        len(
            {
                base,
                claim_id("b.html", 3, "It works."),
                claim_id("a.html", 4, "It works."),
                claim_id("a.html", 3, "It helps."),
            }
        )
        == 4
    )


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from claims.atomic import atomic_write, write_text

    target = tmp_path / "table.txt"
    write_text(target, "old")

    def crash(tmp):
        with open(tmp, "w") as handle:
            handle.write("half of the new")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, crash)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.txt"]


def test_atomic_writes_get_ordinary_file_permissions(tmp_path):
    import os
    import stat

    from claims.atomic import write_text

    write_text(tmp_path / "claims.csv", "a,b\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "claims.csv").stat().st_mode) == 0o666 & ~mask


def test_tables_written_before_a_column_was_added_read_with_its_fill(tmp_path):
    """articles.parquet and runs.parquet from before site discovery load, and merge on append."""
    import pyarrow.parquet as pq
    from runhelpers import article_row, commit_run

    from claims.dataset import read_arrow, read_parquet

    out = tmp_path / "out"
    url = "https://www.clinic.example/a"
    commit_run(out, [([article_row(url, url=url, site="clinic.example", discovered_via="sitemap")], [])])
    path = out / "current" / "articles.parquet"
    old = pq.read_table(path).drop_columns(["site", "discovered_via", "fda_approval_claims"])
    pq.write_table(old, path)
    articles = read_parquet(path, "articles")
    assert (
        articles["site"].isna().all(),
        articles["discovered_via"].tolist(),
        articles["fda_approval_claims"].tolist(),
    ) == (True, ["given"], [[]])
    assert read_arrow(path, "articles").column("discovered_via").to_pylist() == ["given"]
    other = "https://clinic.example/b"
    commit_run(out, [([article_row(other, url=other, site="clinic.example")], [])], run_id="r2", append=True)
    from claims import load

    merged = load(out, "articles").set_index("source")
    assert merged.loc[url, "site"] == "clinic.example"  # filled from its URL on the way
    assert load(out, "sites")["n_articles"].tolist() == [2]


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (["unhedged", "rules:EFFICACY", "model:EFFICACY"], "rules and model"),
        (["unhedged", "model:EFFICACY"], "model only"),
        (["rules:EFFICACY", "model:SAFETY"], "rules only"),  # another type's code says nothing of this one
        (["model:SAFETY"], "rules only"),  # no code for the type: a table from before the codes
        ([], "rules only"),
        (pa.array([["model:EFFICACY"]]).to_pandas()[0], "model only"),  # a list cell read back from Parquet
    ],
)
def test_found_by_reads_who_found_a_claim_type_from_its_reason_codes(reasons, expected) -> None:
    assert found_by("EFFICACY", reasons) == expected
