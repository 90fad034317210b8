"""Reading and writing the output dataset: claims, articles and runs tables.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so a crash
leaves the previous complete file, never half of one. Every table is validated against
``schema.py`` on write and on load; a broken file raises ``DatasetError`` naming the file and
the column.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from claims.atomic import atomic_write
from claims.dataset.schema import (
    ARTICLES,
    ARTICLES_SCHEMA,
    CLAIMS,
    CLAIMS_SCHEMA,
    RUNS,
    RUNS_SCHEMA,
    Col,
    arrow_schema,
    pandas_dtypes,
)

CLAIMS_FILE, ARTICLES_FILE, RUNS_FILE, CSV_FILE = "claims.parquet", "articles.parquet", "runs.parquet", "claims.csv"
TABLES = {
    CLAIMS_FILE: (CLAIMS, CLAIMS_SCHEMA),
    ARTICLES_FILE: (ARTICLES, ARTICLES_SCHEMA),
    RUNS_FILE: (RUNS, RUNS_SCHEMA),
}


class DatasetError(ValueError):
    """An output file does not match the dataset contract."""


def article_id(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def claim_id(source: str, sentence_index: int, sentence: str) -> str:
    key = f"{source}\x1f{sentence_index}\x1f{sentence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def conform(frame: pd.DataFrame, cols: tuple[Col, ...]) -> pd.DataFrame:
    """Columns in contract order with contract dtypes; list cells as Python lists of str."""
    missing = [c.name for c in cols if c.name not in frame.columns]
    if missing:
        raise DatasetError(f"missing column(s): {', '.join(missing)}")
    out = frame.loc[:, [c.name for c in cols]].copy()
    for col, dtype in zip(cols, pandas_dtypes(cols).values()):
        if col.kind == "list":
            out[col.name] = out[col.name].map(_as_list)
            continue
        try:
            out[col.name] = out[col.name].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise DatasetError(f"column {col.name!r} cannot be read as {col.kind}: {exc}") from None
    return out


def validate(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    cols, schema = TABLES[table]
    frame = conform(frame, cols)
    try:
        return schema.validate(frame, lazy=False)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as exc:
        column = getattr(exc, "schema", None)
        name = getattr(column, "name", None) or "?"
        raise DatasetError(f"{table}: column {name!r} breaks the dataset contract: {exc}") from None


def write_table(frame: pd.DataFrame, out_dir: Path, table: str) -> pd.DataFrame:
    cols, _ = TABLES[table]
    frame = validate(frame, table)
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(cols), preserve_index=False)
    atomic_write(out_dir / table, lambda tmp: pq.write_table(arrow, tmp))
    return frame


def read_table(out_dir: str | Path, table: str) -> pd.DataFrame:
    path = Path(out_dir) / table
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (has `claims run` written to {Path(out_dir)}?)")
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a readable Parquet file: {exc}") from None
    try:
        return validate(frame, table)
    except DatasetError as exc:
        raise DatasetError(f"{path}: {exc}") from None


def load_claims(out_dir: str | Path = "data/processed") -> pd.DataFrame:
    return read_table(out_dir, CLAIMS_FILE)


def load_articles(out_dir: str | Path = "data/processed") -> pd.DataFrame:
    return read_table(out_dir, ARTICLES_FILE)


def load_runs(out_dir: str | Path = "data/processed") -> pd.DataFrame:
    return read_table(out_dir, RUNS_FILE)


def _as_list(value):
    """Arrow hands list cells back as arrays; make them lists. Anything else is left for the
    schema check to reject, so a broken file is reported, not silently repaired."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [v if isinstance(v, str) else str(v) for v in value]
    return value
