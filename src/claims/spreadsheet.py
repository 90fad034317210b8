"""CSV cells that are safe to open in a spreadsheet.

Scraped pages are hostile input: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run as a formula by Excel, LibreOffice and Google Sheets
(``=HYPERLINK("http://evil.example", "Open")``). Every CSV the project writes is written by
``to_csv`` here, which prefixes such cells with an apostrophe as OWASP's CSV-injection
guidance advises, and joins list cells with ``"; "`` (a record in a list, such as a resolved
reference, as its fields' values joined by spaces). No other module writes CSV
(``tests/test_spreadsheet.py`` fails if one does).
"""

from __future__ import annotations

from typing import TextIO

import numpy as np
import pandas as pd

#: Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Joins the items of a list column in one CSV cell.
LIST_SEPARATOR = "; "


def csv_cell(value: object) -> object:
    """A list becomes one readable cell (a mapping too: "name: count; ..."); text a spreadsheet
    would execute is defused."""
    if isinstance(value, dict):
        value = LIST_SEPARATOR.join(f"{key}: {count}" for key, count in value.items())
    if isinstance(value, (list, tuple, np.ndarray)):
        value = LIST_SEPARATOR.join(_item_text(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _item_text(item: object) -> str:
    if isinstance(item, dict):
        return " ".join(str(v) for v in item.values() if v not in (None, ""))
    return str(item)


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text and list cells are safe to write as CSV."""
    return frame.apply(
        lambda column: (
            column.map(csv_cell) if column.dtype == object or pd.api.types.is_string_dtype(column) else column
        )
    )


def to_csv(frame: pd.DataFrame, handle: TextIO | None = None, *, header: bool = True) -> str | None:
    """``frame`` as CSV, every cell made safe: written to ``handle``, or returned as text.

    Rows end in CRLF, as RFC 4180 has it, which also makes the writer quote a cell holding a
    bare carriage return (with LF endings it would not, and a spreadsheet would break the
    row there)."""
    return csv_frame(frame).to_csv(handle, index=False, header=header, lineterminator="\r\n")
