"""sites.parquet on a small hand-labelled set of sites: every column checked."""

from __future__ import annotations

import math

import pandas as pd
from labelled_sites import EXPECTED, B, rows
from runhelpers import article_row, commit_run

from claims import load
from claims.dataset.schema import SITES


def _same(got, want) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, float):
        return math.isclose(got, want)
    return got == want


def test_every_column_of_every_site(tmp_path):
    articles, claims = rows()
    committed = commit_run(tmp_path / "out", [(articles, claims)])
    sites = load(tmp_path / "out", "sites")
    assert list(sites.columns) == [c.name for c in SITES]
    assert list(sites["site"]) == sorted(EXPECTED)
    for row in sites.to_dict("records"):
        want = EXPECTED[row["site"]]
        wrong = {k: (row[k], v) for k, v in want.items() if not _same(row[k], v)}
        assert not wrong, f"{row['site']}: {wrong}"
    assert committed.sites.equals(sites)


def test_rows_written_before_articles_had_a_site_get_one_from_their_url(tmp_path):
    url = f"{B}/risks"
    committed = commit_run(tmp_path / "out", [([article_row(url, url=url, site=None)], [])])
    assert list(committed.sites["site"]) == ["ketamine-b.example"]
    assert load(tmp_path / "out", "articles")["site"].tolist() == ["ketamine-b.example"]


def test_a_dataset_of_local_files_has_an_empty_sites_table(tmp_path):
    commit_run(tmp_path / "out", [([article_row("saved/page.html")], [])])
    sites = load(tmp_path / "out", "sites")
    assert sites.empty and list(sites.columns) == [c.name for c in SITES]
    assert isinstance(sites, pd.DataFrame)
