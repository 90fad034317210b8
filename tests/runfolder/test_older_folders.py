"""Run folders written before the dataset's typed columns still load and take new runs; and
the files written now stay readable by code that expects the older, all-string schema."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from runhelpers import article_row, claim_row, commit_run

import claims
from claims.dataset import DatasetError
from claims.dataset.schema import TABLES

#: Columns added to the contract since the first release, absent from older files.
ADDED = {"claims": ("red_flag_names", "references")}


def _as_older_version_wrote_it(path, table: str) -> None:
    """Rewrite a table file as the first release wrote it: no added columns, priority and
    times as plain strings (ISO-8601)."""
    current = pq.read_table(path)
    columns, names = [], []
    for field in current.schema:
        if field.name in ADDED.get(table, ()):
            continue
        column = current[field.name]
        if pa.types.is_timestamp(field.type):
            column = pa.array([None if v is None else v.isoformat() for v in column.to_pylist()], pa.string())
        elif pa.types.is_dictionary(field.type):
            column = column.cast(pa.string())
        columns.append(column)
        names.append(field.name)
    pq.write_table(pa.table(columns, names=names), path)


@pytest.fixture
def older_folder(tmp_path):
    out = tmp_path / "run"
    source = "pages/a.html"
    rows = [
        claim_row(
            source,
            0,
            "It is non-addictive.",
            red_flags=["Non-Addictive"],
            red_flag_names=["non-addictive"],
            reasons=["red_flag:non-addictive", "no_citation"],
            priority="high",
            run_id="old-run",
        ),
        claim_row(
            source,
            1,
            "It is 100% safe [1].",
            red_flags=["100% safe"],
            red_flag_names=["absolute safety"],
            cited=True,
            citations=["[1]"],
            reasons=["cited"],
            priority="low",
            needs_citation=False,
            run_id="old-run",
        ),
    ]
    article = article_row(source, fetched_at="2025-06-01T10:00:00+00:00", run_id="old-run")
    commit_run(out, [([article], rows)], run_id="old-run")
    for table in TABLES:
        _as_older_version_wrote_it(out / "current" / f"{table}.parquet", table)
    return out


def test_an_older_folder_loads_with_the_new_columns_filled_in(older_folder):
    frame = claims.load(older_folder)
    assert frame["priority"].cat.ordered
    assert frame.sort_values("priority", ascending=False)["priority"].tolist() == ["high", "low"]
    # red-flag names come from the reason codes, or for a cited row from the words as written
    assert frame["red_flag_names"].tolist() == [["non-addictive"], ["100% safe"]]
    assert frame["references"].tolist() == [[], []]
    articles = claims.load(older_folder, table="articles")
    assert str(articles["fetched_at"].dtype) == "datetime64[us, UTC]"
    assert articles.loc[0, "fetched_at"].isoformat() == "2025-06-01T10:00:00+00:00"
    runs = claims.load(older_folder, table="runs")
    assert runs.loc[0, "finished_at"] > runs.loc[0, "started_at"]


def test_a_new_run_appends_to_an_older_folder(older_folder):
    source = "pages/b.html"
    commit_run(
        older_folder,
        [([article_row(source, run_id="new-run")], [claim_row(source, 0, "It cures pain.", run_id="new-run")])],
        run_id="new-run",
        append=True,
    )
    frame = claims.load(older_folder)
    assert sorted(frame["source"]) == ["pages/a.html", "pages/a.html", "pages/b.html"]
    assert frame.set_index("sentence")["red_flag_names"].to_dict()["It is non-addictive."] == ["non-addictive"]
    assert claims.load(older_folder, table="runs")["run_id"].tolist() == ["old-run", "new-run"]


def test_a_table_that_cannot_be_upgraded_fails_with_a_message(older_folder):
    path = older_folder / "current" / "articles.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("fetched_at")
    pq.write_table(table.set_column(index, "fetched_at", pa.array(["last Tuesday"], pa.string())), path)
    with pytest.raises(DatasetError, match="fetched_at.*datetime"):
        claims.load(older_folder, table="articles")


def test_files_written_now_read_with_the_older_all_string_schema(tmp_path):
    """What the first release's reader did: read with its schema (strings for priority and
    times, no new columns), then check the values."""
    source = "pages/a.html"
    commit_run(tmp_path, [([article_row(source)], [claim_row(source, 0, "It cures pain.", priority="medium")])])
    older_claims = pa.schema(
        [
            pa.field(c.name, pa.list_(pa.string()) if c.kind == "list" else pa.string())
            for c in TABLES["claims"][0]
            if c.name not in ADDED["claims"] and c.kind in ("str", "list", "category")
        ]
    )
    read = pq.read_table(tmp_path / "claims.parquet", schema=older_claims).to_pylist()
    assert read[0]["priority"] == "medium" and read[0]["sentence"] == "It cures pain."
    older_runs = pa.schema([pa.field("run_id", pa.string()), pa.field("started_at", pa.string())])
    started = pq.read_table(tmp_path / "runs.parquet", schema=older_runs).column("started_at")[0].as_py()
    assert started.startswith("2026-01-01")
