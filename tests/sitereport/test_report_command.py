"""`claims report DIR`: the per-site table as text, markdown or CSV, escaped where it is rendered."""

from __future__ import annotations

import csv
import io

import pandas as pd
from labelled_sites import rows
from runhelpers import article_row, claim_row, commit_run

from claims.cli import main
from claims.report import SITE_HEADERS, format_sites, site_rows


def _committed(tmp_path):
    articles, claims = rows()
    commit_run(tmp_path / "out", [(articles, claims)])
    return tmp_path / "out"


def test_table_prints_one_aligned_line_per_site(tmp_path, capsys):
    out = _committed(tmp_path)
    assert main(["report", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("  ")[0] == "site" and set(lines[1]) <= {"-", " "}
    assert [line.split()[0] for line in lines[2:]] == ["ketamine-a.example", "ketamine-b.example", "tms-c.example"]
    a = lines[2]
    assert "ketamine for chronic pain (not an approved use)" in a and "2 (67%)" in a and "33%" in a
    assert "no side effects 1, non-addictive 1, safe 1" in a
    assert len({len(line.rstrip()) <= len(lines[1]) for line in lines}) == 1


def test_md_and_csv(tmp_path, capsys):
    out = _committed(tmp_path)
    assert main(["report", str(out), "--format", "md"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[0] == "| " + " | ".join(SITE_HEADERS) + " |" and len(md) == 5
    assert "ketamine\\-a\\.example" in md[2]
    assert main(["report", str(out), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["site"] for r in table] == ["ketamine-a.example", "ketamine-b.example", "tms-c.example"]
    assert table[0]["red_flags"] == "no side effects: 1; non-addictive: 1; safe: 1"
    assert table[1]["fda_approval_claims"] == "esketamine for depression; ketamine for anesthesia"
    assert table[2]["share_cited"] == ""


def test_scraped_text_is_escaped_in_every_format():
    sites = pd.DataFrame(
        [
            {
                "site": "=cmd|x.example",
                "n_ok": 1,
                "n_failed": 0,
                "n_claims": 0,
                "n_needs_citation": 0,
                "share_needs_citation": None,
                "n_high_priority": 0,
                "share_cited": None,
                "red_flags": {"*bold*\x1b[31m": 2},
                "n_harm_statements": 0,
                "states_harm": False,
                "says_non_addictive": False,
                "says_no_side_effects": False,
                "fda_approval_claims": ["a|b"],
                "fda_approval_misstated": [],
            }
        ]
    )
    md = format_sites(sites, "md")
    assert "a\\|b" in md and "\\*bold\\*" in md and "=cmd\\|x\\.example" in md
    assert "\x1b" not in format_sites(sites, "table")
    assert "'=cmd|x.example" in format_sites(sites, "csv")
    assert site_rows(sites)[0]["cited"] == "-"


def test_a_folder_without_a_dataset_is_a_message(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing")]) == 1
    assert "no dataset here" in capsys.readouterr().err


def test_a_dataset_from_before_sites_parquet_is_reported_all_the_same(tmp_path, capsys):
    out = tmp_path / "out"
    url = "https://ketamine-b.example/risks"
    commit_run(out, [([article_row(url, url=url)], [claim_row(url, 0, "Ketamine cures pain.")])])
    (out / "current" / "sites.parquet").unlink()
    assert main(["report", str(out), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["site"], r["n_claims"]) for r in table] == [("ketamine-b.example", "1")]
