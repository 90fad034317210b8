"""Assembling a run's output folder: claims, CSV, articles, clusters and the run log.

Tagging tasks never send their rows back to the flow: each writes its chunk as a pair of
Parquet *part* files in a run-private folder (``write_part``), so the flow's memory does not
grow with the number of articles and a task on another machine returns only a receipt. The
final step (``read_parts`` then ``write_output``) gathers the parts as Arrow tables (compact
next to pandas rows of Python lists), clusters the claims, and writes the claims table and
its CSV slice by slice, each slice checked against the contract on the way out.

A plain re-run replaces the dataset with this run's rows. ``--append`` keeps earlier rows and
replaces those of every source processed again (same ``claim_id`` replaced, never repeated),
so re-running the same inputs is idempotent either way.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from claims import __version__
from claims.clusters import assign_clusters, near_duplicate_articles
from claims.clusters.assign import REQUIRED_COLUMNS
from claims.dataset import (
    ARTICLES_FILE,
    CLAIMS_FILE,
    CSV_FILE,
    RUNS_FILE,
    DatasetError,
    atomic_write,
    read_table,
    validate,
    write_table,
)
from claims.dataset.schema import ARTICLES, CLAIMS, CLUSTERS_DOC, DUPLICATES_DOC, arrow_schema, empty_frame
from claims.pipeline import TEXTS_DIR

CLUSTERS_FILE = "clusters.parquet"
DUPLICATES_FILE = "duplicate_articles.parquet"
#: Run-private folder (inside the output folder) holding the chunks' part files.
PARTS_PREFIX = ".parts-"
#: Claim rows converted to pandas and validated at a time while writing: bounds the final
#: step's pandas memory whatever the size of the run.
WRITE_SLICE_ROWS = 2000

_CLAIMS_ARROW = arrow_schema(CLAIMS)
_ARTICLES_ARROW = arrow_schema(ARTICLES)
_LIST_COLUMNS = [c.name for c in CLAIMS if c.kind == "list"]


@dataclass
class RunInfo:
    run_id: str
    started_at: str
    finished_at: str
    sources: list[str]
    append: bool
    model: str
    rules_version: str


def parts_dir(out_dir: Path, run_id: str) -> Path:
    return Path(out_dir) / f"{PARTS_PREFIX}{run_id}"


def write_part(parts: Path, index: int, articles: list[dict], claims: list[dict]) -> None:
    """Write one chunk's rows, checked against the contract, as two atomic part files.

    Rewriting the same index replaces the part, so a retried chunk is not counted twice.
    """
    for rows, table, cols, schema, kind in (
        (articles, ARTICLES_FILE, ARTICLES, _ARTICLES_ARROW, "articles"),
        (claims, CLAIMS_FILE, CLAIMS, _CLAIMS_ARROW, "claims"),
    ):
        frame = validate(pd.DataFrame(rows) if rows else empty_frame(cols), table)
        arrow = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        atomic_write(parts / f"part-{index:06d}.{kind}.parquet", lambda tmp, arrow=arrow: pq.write_table(arrow, tmp))


def read_parts(parts: Path) -> tuple[pd.DataFrame, pa.Table]:
    """This run's articles (pandas: one small row per source) and claims (Arrow)."""
    articles = [pq.read_table(p, schema=_ARTICLES_ARROW) for p in sorted(parts.glob("part-*.articles.parquet"))]
    claims = [pq.read_table(p, schema=_CLAIMS_ARROW) for p in sorted(parts.glob("part-*.claims.parquet"))]
    articles_table = pa.concat_tables(articles) if articles else _ARTICLES_ARROW.empty_table()
    claims_table = pa.concat_tables(claims) if claims else _CLAIMS_ARROW.empty_table()
    return validate(articles_table.to_pandas(), ARTICLES_FILE), claims_table


def remove_parts(parts: Path) -> None:
    shutil.rmtree(parts, ignore_errors=True)


def check_output_dir(out_dir: Path, append: bool) -> None:
    """Raise DatasetError now if the run could not write its result at the end."""
    if out_dir.exists() and not out_dir.is_dir():
        raise DatasetError(f"{out_dir}: exists and is not a folder")
    if append and (out_dir / CLAIMS_FILE).exists() != (out_dir / ARTICLES_FILE).exists():
        raise DatasetError(f"{out_dir}: --append needs both {CLAIMS_FILE} and {ARTICLES_FILE} (one is missing)")


def write_output(out_dir: Path, articles: pd.DataFrame, claims: pa.Table, run: RunInfo) -> dict:
    """Write every table of the run; returns the counts that go into runs.parquet.

    Earlier results are never lost to a failure: with ``--append`` a source that fails this
    time keeps its earlier rows, and a plain run in which every source failed leaves the
    existing dataset as it was (the run is still logged).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    all_articles, all_claims = articles, claims
    nothing_new = bool(len(articles)) and not (articles["status"] == "ok").any()
    if run.append or (nothing_new and (out_dir / CLAIMS_FILE).exists()):
        all_articles, all_claims = _merge_previous(out_dir, articles, claims)
    all_articles = all_articles.sort_values("source", kind="stable", ignore_index=True)
    _require_unique_claim_ids(all_claims)
    previous_clusters = _read_optional(out_dir / CLUSTERS_FILE) if run.append else None
    if all_claims.num_rows:
        cluster_ids, clusters = assign_clusters(
            all_claims.select(list(REQUIRED_COLUMNS)).to_pandas(), seen_at=run.finished_at, previous=previous_clusters
        )
        column = all_claims.schema.get_field_index("cluster_id")
        all_claims = all_claims.set_column(column, "cluster_id", pa.array(cluster_ids.tolist(), pa.string()))
    else:
        clusters = empty_frame(CLUSTERS_DOC)
    order = pc.sort_indices(all_claims, sort_keys=[("source", "ascending"), ("sentence_index", "ascending")])
    _write_claims(out_dir, all_claims, order)
    write_table(all_articles, out_dir, ARTICLES_FILE)
    clusters_arrow = pa.Table.from_pandas(clusters, schema=arrow_schema(CLUSTERS_DOC), preserve_index=False)
    atomic_write(out_dir / CLUSTERS_FILE, lambda tmp: pq.write_table(clusters_arrow, tmp))
    _write_duplicate_articles(out_dir, all_articles)
    status = articles["status"].value_counts()
    counts = {
        "n_articles": len(articles),
        "n_ok": int(status.get("ok", 0)),
        "n_error": int(status.get("error", 0)),
        "n_skipped": int(status.get("skipped", 0)),
        "n_claims": claims.num_rows,
        "n_needs_citation": int(pc.sum(claims["needs_citation"]).as_py() or 0),
    }
    _append_run(out_dir, run, counts)
    return counts


def _write_duplicate_articles(out_dir: Path, articles: pd.DataFrame) -> None:
    """Pairs of whole articles copied from one another, found from the stored texts."""
    texts = {}
    for article in articles.loc[articles["status"] == "ok", "article_id"]:
        path = out_dir / TEXTS_DIR / f"{article}.json"
        if path.is_file():
            texts[article] = json.loads(path.read_text(encoding="utf-8")).get("text")
    pairs = near_duplicate_articles(texts) if len(texts) > 1 else empty_frame(DUPLICATES_DOC)
    table = pa.Table.from_pandas(pairs, schema=arrow_schema(DUPLICATES_DOC), preserve_index=False)
    atomic_write(out_dir / DUPLICATES_FILE, lambda tmp: pq.write_table(table, tmp))


def _merge_previous(out_dir: Path, articles: pd.DataFrame, claims: pa.Table) -> tuple[pd.DataFrame, pa.Table]:
    if not (out_dir / CLAIMS_FILE).exists() and not (out_dir / ARTICLES_FILE).exists():
        return articles, claims
    old_articles = read_table(out_dir, ARTICLES_FILE)
    old_claims = _read_claims_arrow(out_dir / CLAIMS_FILE)
    # a source that failed now but was read before keeps its earlier rows
    had_ok = set(old_articles.loc[old_articles["status"] == "ok", "article_id"])
    failed_now = articles["status"] != "ok"
    keep_old = set(articles.loc[failed_now & articles["article_id"].isin(had_ok), "article_id"])
    articles = articles[~articles["article_id"].isin(keep_old)]
    redone = pa.array(articles["article_id"].tolist(), pa.string())
    old_articles = old_articles[~old_articles["article_id"].isin(articles["article_id"])]
    keep = pc.and_(
        pc.invert(pc.is_in(old_claims["article_id"], value_set=redone)),
        pc.invert(pc.is_in(old_claims["claim_id"], value_set=claims["claim_id"].combine_chunks())),
    )
    return (
        pd.concat([old_articles, articles], ignore_index=True),
        pa.concat_tables([old_claims.filter(keep), claims]),
    )


def _read_claims_arrow(path: Path) -> pa.Table:
    """The previous claims table as Arrow; its rows are checked again slice by slice on write."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (has `claims run` written to {path.parent}?)")
    try:
        return pq.read_table(path, schema=_CLAIMS_ARROW)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a claims table this version can read: {exc}") from None


def _require_unique_claim_ids(claims: pa.Table) -> None:
    """Slices are validated one at a time, so uniqueness is checked here, across all rows."""
    if pc.count_distinct(claims["claim_id"]).as_py() != claims.num_rows:
        raise DatasetError(f"{CLAIMS_FILE}: column 'claim_id' breaks the dataset contract: repeated claim ids")


def _write_claims(out_dir: Path, claims: pa.Table, order: pa.Array) -> None:
    """claims.parquet and claims.csv in one pass over slices taken in ``order`` (no sorted
    copy of the table); each file replaced atomically (the CSV just before the Parquet
    file, and neither if a slice breaks the contract)."""

    def write_both(parquet_tmp: str, csv_tmp: str) -> None:
        with (
            pq.ParquetWriter(parquet_tmp, _CLAIMS_ARROW) as parquet,
            open(csv_tmp, "w", encoding="utf-8", newline="") as csv,
        ):
            for start in range(0, max(claims.num_rows, 1), WRITE_SLICE_ROWS):
                rows = claims.take(order.slice(start, WRITE_SLICE_ROWS))
                frame = validate(rows.to_pandas(), CLAIMS_FILE)
                parquet.write_table(pa.Table.from_pandas(frame, schema=_CLAIMS_ARROW, preserve_index=False))
                for name in _LIST_COLUMNS:  # the CSV joins list cells by "; "
                    frame[name] = frame[name].map("; ".join)
                frame.to_csv(csv, index=False, header=start == 0)

    atomic_write(out_dir / CLAIMS_FILE, lambda parquet_tmp: atomic_write(
        out_dir / CSV_FILE, lambda csv_tmp: write_both(parquet_tmp, csv_tmp)))


def _append_run(out_dir: Path, run: RunInfo, counts: dict) -> None:
    row = {
        "run_id": run.run_id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "sources": list(run.sources),
        "append": run.append,
        **counts,
        "model": run.model,
        "rules_version": run.rules_version,
        "package_version": __version__,
    }
    runs = pd.DataFrame([row])
    if (out_dir / RUNS_FILE).exists():
        try:
            earlier = read_table(out_dir, RUNS_FILE)
            runs = pd.concat([earlier[earlier["run_id"] != run.run_id], runs], ignore_index=True)
        except DatasetError:  # keep the unreadable log for inspection, start a new one
            (out_dir / RUNS_FILE).rename(out_dir / f"{RUNS_FILE}.unreadable-{run.run_id}")
    write_table(runs, out_dir, RUNS_FILE)


def _read_optional(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path) if path.exists() else None
    except (OSError, ValueError):
        return None
