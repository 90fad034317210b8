"""The dataset contract in use: ids, and tables checked against ``schema.py``.

Every table of a run folder is validated here on its way to disk and on its way back:
a broken file raises ``DatasetError`` naming the table and the column. Where the tables
live is the run folder's business (``claims.runfolder``), not this module's.
"""
from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from claims.dataset.schema import TABLES, Col, arrow_schema, empty_frame, pandas_dtype


class DatasetError(ValueError):
    """A table does not match the dataset contract, or a run folder is inconsistent."""


def article_id(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def claim_id(source: str, sentence_index: int, sentence: str) -> str:
    key = f"{source}\x1f{sentence_index}\x1f{sentence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def columns(table: str) -> tuple[Col, ...]:
    return TABLES[table][0]


def arrow_schema_of(table: str) -> pa.Schema:
    return arrow_schema(columns(table))


def conform(frame: pd.DataFrame, cols: tuple[Col, ...], *, read: bool = False) -> pd.DataFrame:
    """Columns in contract order with contract dtypes; list cells as Python lists of str,
    record cells as lists of dicts. ``read``: the frame comes from a file, which may have
    been written before some columns existed; those get filled in (``_FROM_OLDER_FILES``)."""
    if read:
        frame = _from_older_files(frame, cols)
    missing = [c.name for c in cols if c.name not in frame.columns]
    if missing:
        raise DatasetError(f"missing column(s): {', '.join(missing)}")
    out = frame.loc[:, [c.name for c in cols]].copy()
    for col in cols:
        try:
            out[col.name] = _conform_column(out[col.name], col)
        except (TypeError, ValueError) as exc:
            raise DatasetError(f"column {col.name!r} cannot be read as {col.type_label}: {exc}") from None
    return out


def _conform_column(series: pd.Series, col: Col) -> pd.Series:
    if col.kind == "list":
        return series.map(_as_list)
    if col.kind == "records":
        return series.map(_as_records)
    if col.kind == "category":
        unknown = sorted({str(v) for v in series.dropna().unique()} - set(col.levels))
        if unknown:
            raise ValueError(f"values {', '.join(map(repr, unknown[:5]))} are not among {', '.join(col.levels)}")
    if col.kind == "datetime" and not isinstance(series.dtype, pd.DatetimeTZDtype):
        # ISO-8601 text, as tables written before this kind hold it
        series = pd.to_datetime(series.astype("object"), utc=True, format="ISO8601")
    return series.astype(pandas_dtype(col))


def validate(frame: pd.DataFrame, table: str, *, read: bool = False) -> pd.DataFrame:
    """``frame`` conformed to ``table``'s contract, or DatasetError naming the column
    (``read``: as ``conform``)."""
    cols, schema = TABLES[table]
    frame = conform(frame, cols, read=read)
    try:
        return schema.validate(frame, lazy=False)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as exc:
        column = getattr(exc, "schema", None)
        name = getattr(column, "name", None) or "?"
        raise DatasetError(f"{table}: column {name!r} breaks the dataset contract: {exc}") from None


def frame_of(rows: list, table: str) -> pd.DataFrame:
    """Typed records (``claims.runfolder.records``) or dicts as a validated frame."""
    cols = columns(table)
    if not rows:
        return validate(empty_frame(cols), table)
    if not isinstance(rows[0], dict):
        names = [f.name for f in fields(rows[0])]
        rows = [dict(zip(names, (getattr(row, n) for n in names))) for row in rows]
    return validate(pd.DataFrame(rows), table)


def to_arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """A validated frame as an Arrow table with the contract's schema."""
    return pa.Table.from_pandas(frame, schema=arrow_schema_of(table), preserve_index=False)


def read_parquet(path: Path, table: str) -> pd.DataFrame:
    """A Parquet file read back and checked against ``table``'s contract."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a readable Parquet file: {exc}") from None
    try:
        return validate(frame, table, read=True)
    except DatasetError as exc:
        raise DatasetError(f"{path}: {exc}") from None


def read_arrow(path: Path, table: str) -> pa.Table:
    """A Parquet file as Arrow with the contract's schema (rows are checked again on write).

    A file written before the contract's latest columns or kinds goes through ``read_parquet``,
    which brings it up to date, so that older run folders can still be appended to.
    """
    wanted = arrow_schema_of(table)
    try:
        have = pq.read_schema(path)
        if all(name in have.names and have.field(name).type == wanted.field(name).type for name in wanted.names):
            return pq.read_table(path, schema=wanted)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a {table} table this version can read: {exc}") from None
    return to_arrow(read_parquet(path, table), table)


def _from_older_files(frame: pd.DataFrame, cols: tuple[Col, ...]) -> pd.DataFrame:
    """Columns added to the contract after files were written, filled in for those files."""
    names = {c.name for c in cols}
    missing = [name for name in _FROM_OLDER_FILES if name in names and name not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    for name in missing:
        frame[name] = _FROM_OLDER_FILES[name](frame)
    return frame


def _red_flag_names(frame: pd.DataFrame) -> pd.Series:
    """Canonical red-flag names from an older claims table: its reason codes
    (``red_flag:<name>``) name them, except on cited rows, whose only reason is ``cited``;
    there the words as written stand in, lower-cased."""
    if "reasons" not in frame.columns or "red_flags" not in frame.columns:
        return pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype="object")

    def names(reasons, red_flags) -> list[str]:
        coded = [r.split(":", 1)[1] for r in _as_list(reasons) if isinstance(r, str) and r.startswith("red_flag:")]
        return coded or list(dict.fromkeys(f.lower() for f in _as_list(red_flags) if isinstance(f, str)))

    return pd.Series([names(r, f) for r, f in zip(frame["reasons"], frame["red_flags"])], index=frame.index,
                     dtype="object")


#: Columns added after the first tables were written, and how an older table gets them
#: (a claims table from before references were resolved has none resolved).
_FROM_OLDER_FILES = {
    "red_flag_names": _red_flag_names,
    "references": lambda frame: pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype="object"),
}


def _as_list(value):
    """Arrow hands list cells back as arrays; make them lists. Anything else is left for the
    schema check to reject, so a broken file is reported, not silently repaired."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [v if isinstance(v, str) else str(v) for v in value]
    return value


def _as_records(value):
    """Record cells as a list of plain dicts (Arrow hands back an array of them)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value
