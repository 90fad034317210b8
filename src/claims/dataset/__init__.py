"""The dataset contract in use: ids, and tables checked against ``schema.py``.

Every table of a run folder is validated here on its way to disk and on its way back:
a broken file raises ``DatasetError`` naming the table and the column. Where the tables
live is the run folder's business (``claims.runfolder``), not this module's.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from claims.dataset.schema import REQUIRED, TABLES, Col, arrow_schema, empty_frame, pandas_dtype


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


def conform(frame: pd.DataFrame, cols: tuple[Col, ...]) -> pd.DataFrame:
    """Columns in contract order with contract dtypes; list cells as Python lists of str,
    record cells as lists of dicts. A column added after the frame's file was written gets
    its ``fill`` (a value, or a function of the frame)."""
    missing = [c.name for c in cols if c.name not in frame.columns and c.fill is REQUIRED]
    if missing:
        raise DatasetError(f"missing column(s): {', '.join(missing)}")
    out = frame.loc[:, [c.name for c in cols if c.name in frame.columns]].copy()
    for col in cols:
        if col.name not in out.columns:  # added after this file was written
            out[col.name] = col.fill(frame) if callable(col.fill) else [copy.copy(col.fill) for _ in range(len(out))]
    out = out.loc[:, [c.name for c in cols]]
    for col in cols:
        try:
            out[col.name] = _conform_column(out[col.name], col)
        except (TypeError, ValueError) as exc:
            raise DatasetError(f"column {col.name!r} cannot be read as {col.type_label}: {exc}") from None
    return out


def _conform_column(series: pd.Series, col: Col) -> pd.Series:
    if col.kind == "list":
        return series.map(_as_list)
    if col.kind == "counts":
        return series.map(_as_counts)
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


def validate(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` conformed to ``table``'s contract, or DatasetError naming the column."""
    cols, schema = TABLES[table]
    frame = conform(frame, cols)
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
        return validate(frame, table)
    except DatasetError as exc:
        raise DatasetError(f"{path}: {exc}") from None


def read_arrow(path: Path, table: str) -> pa.Table:
    """A Parquet file as Arrow with the contract's schema (rows are checked again on write).

    A file written before the contract's latest columns or kinds goes through ``read_parquet``,
    which brings it up to date (columns filled in, times parsed), so that older run folders
    can still be appended to.
    """
    wanted = arrow_schema_of(table)
    try:
        have = pq.read_schema(path)
        if all(name in have.names and have.field(name).type == wanted.field(name).type for name in wanted.names):
            return pq.read_table(path, schema=wanted)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a {table} table this version can read: {exc}") from None
    return to_arrow(read_parquet(path, table), table)


def _as_counts(value):
    """Arrow hands map cells back as (key, value) pairs; make them a dict. Anything else is
    left for the schema check to reject."""
    if value is None:
        return {}
    if isinstance(value, (list, tuple, np.ndarray)) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return {k: int(v) for k, v in value}
    return value


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
