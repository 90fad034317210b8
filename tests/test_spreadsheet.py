"""CSV written by the project cannot run as a formula in a spreadsheet, and only
``claims.spreadsheet`` writes CSV."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import claims
from claims.spreadsheet import csv_cell, to_csv

SRC = Path(claims.__file__).resolve().parent


@pytest.mark.parametrize(
    "hostile", ['=HYPERLINK("http://evil.example/x","Open")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_cells_are_defused(hostile):
    assert csv_cell(hostile) == "'" + hostile
    assert csv_cell([hostile, "fine"]) == "'" + hostile + "; fine"
    frame = pd.DataFrame({"sentence": [hostile], "n": [3]})
    header, row = csv.reader(io.StringIO(to_csv(frame), newline=""))
    assert header == ["sentence", "n"] and row == ["'" + hostile, "3"]


def test_plain_cells_are_untouched():
    assert csv_cell("Ketamine relieves pain = fewer pills") == "Ketamine relieves pain = fewer pills"
    assert csv_cell(3) == 3 and csv_cell(None) is None


def _csv_writers(path: Path, root: Path = SRC) -> list[str]:
    """Places in ``path`` that write CSV: pandas' to_csv, or the csv module's writers."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "writer", "DictWriter"):
            if node.attr == "to_csv" or (isinstance(node.value, ast.Name) and node.value.id == "csv"):
                found.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            if "csv" in names:
                found.append(f"{path.relative_to(root)}:{node.lineno} import csv")
    return found


def test_no_module_but_spreadsheet_writes_csv():
    writers = [w for path in sorted(SRC.rglob("*.py")) if path.name != "spreadsheet.py" for w in _csv_writers(path)]
    assert writers == [], "write CSV through claims.spreadsheet.to_csv, which defuses formulas"


def test_the_check_finds_a_writer_that_bypasses_spreadsheet(tmp_path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text("import csv\n\ndef dump(frame, out):\n    frame.to_csv(out)\n    csv.writer(out)\n")
    assert len(_csv_writers(rogue, tmp_path)) == 3
