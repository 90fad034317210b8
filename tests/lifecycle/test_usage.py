"""Usage mistakes come back at once (exit 2), before Prefect, spaCy or pandas load."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("prefect", "spacy", "pandas", "pyarrow", "dask")
PROBE = """
import json, sys
from claims.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def _probe(args, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture
def folders(tmp_path):
    empty_list = tmp_path / "empty.txt"
    empty_list.write_text("# nothing yet\n")
    bad_rules = tmp_path / "rules"
    bad_rules.mkdir()
    (bad_rules / "mine.jsonl").write_text('{"id": "X", "label": "SPARKLE", "pattern": "x"}\n')
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    page = tmp_path / "page.txt"
    page.write_text("Ketamine relieves pain.\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    return {"list": empty_list, "rules": bad_rules, "empty": empty_folder, "page": page, "file": a_file}


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing file", "missing.html: no such file or folder"),
        ("missing list", "cannot read source list"),
        ("empty list", "the list names nothing to read"),
        ("empty folder", "folder holds no .html, .htm or .txt files"),
        ("bad rules", "SPARKLE"),
        ("missing rules", "not a folder"),
        ("out is a file", "exists and is not a folder"),
        ("chunk size", "--chunk-size must be at least 1"),
        ("dask options", "needs runner 'dask'"),
    ],
)
def test_each_mistake_is_reported_before_anything_heavy_loads(case, expected, folders, tmp_path):
    page = str(folders["page"])
    args = {
        "missing file": ["run", str(tmp_path / "missing.html"), page],
        "missing list": ["run", f"@{tmp_path / 'no-list.txt'}"],
        "empty list": ["run", f"@{folders['list']}"],
        "empty folder": ["run", str(folders["empty"])],
        "bad rules": ["run", page, "--rules", str(folders["rules"])],
        "missing rules": ["run", page, "--rules", str(tmp_path / "nope")],
        "out is a file": ["run", page, "--out", str(folders["file"])],
        "chunk size": ["run", page, "--chunk-size", "0"],
        "dask options": ["run", page, "--dask-workers", "2"],
    }[case]
    result, stderr = _probe(args, tmp_path)
    assert result == {"code": 2, "heavy": []}, stderr
    assert expected in stderr and "Traceback" not in stderr


def test_every_mistake_on_one_command_line_is_listed(folders, tmp_path):
    result, stderr = _probe(["run", str(tmp_path / "a.html"), str(tmp_path / "b.html"), "--chunk-size", "0"], tmp_path)
    assert result["code"] == 2
    assert "a.html: no such" in stderr and "b.html: no such" in stderr and "--chunk-size" in stderr


def test_a_missing_file_inside_a_list_is_data_not_a_mistake(folders, tmp_path):
    from claims.usage import source_problems

    listing = tmp_path / "sources.txt"
    listing.write_text(f"{folders['page']}\n{tmp_path / 'gone.html'}\n")
    assert source_problems([f"@{listing}"]) == []  # the gone page becomes an error row in articles.parquet
    assert source_problems([str(tmp_path / "gone.html")]) == [f"{tmp_path / 'gone.html'}: no such file or folder"]


def test_bad_options_exit_2_from_the_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "claims.cli", "run", "--runner", "spark"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "invalid choice: 'spark'" in done.stderr
