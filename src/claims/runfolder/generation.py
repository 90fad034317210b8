"""One committed dataset of a run folder: reading it, and building the next one.

``Generation`` reads the tables of one ``gen-NNNNNN`` folder, each checked against the
contract. ``build_generation`` writes a complete new generation into an empty staging
folder from a run's parts and, with ``--append`` (or when every source of a plain run
failed), from the generation before it: tables, the CSV, clusters, near-duplicate articles,
the run log and the article texts. Nothing in the staging folder is visible to readers
until the run folder switches its ``current`` link to it (``RunFolder.commit``).

A plain run replaces the dataset with its rows. ``--append`` keeps earlier rows and
replaces those of every source processed again (same ``claim_id`` replaced, never
repeated), so re-running the same inputs is idempotent either way. Each row's text comes
from the run that wrote the row, so a row kept from before keeps its text too.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from claims import __version__
from claims.atomic import atomic_write
from claims.dataset import (
    DatasetError,
    arrow_schema_of,
    columns,
    read_arrow,
    read_parquet,
    to_arrow,
    validate,
)
from claims.dataset.schema import empty_frame
from claims.runfolder.layout import CLAIMS_CSV, TABLE_FILES, TEXTS_DIR
from claims.runfolder.parts import RunParts
from claims.runfolder.records import ArticleText
from claims.sitereport import CLAIM_COLUMNS, fill_sites, site_table
from claims.spreadsheet import to_csv

#: Claim rows converted to pandas and validated at a time while writing: bounds the final
#: step's pandas memory whatever the size of the run.
WRITE_SLICE_ROWS = 2000


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    started_at: str
    finished_at: str
    sources: list[str]
    append: bool
    model: str
    rules_version: str
    #: The --site arguments, when the run discovered sites' articles.
    sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Committed:
    """What a commit reports: the run's counts (as in runs.parquet), this run's own rows, and
    the new generation's per-site table (every site of the dataset, not only this run's)."""

    counts: dict
    articles: pd.DataFrame
    claims: pa.Table
    sites: pd.DataFrame


@dataclass(frozen=True)
class Generation:
    """The files of one committed dataset (or, for a folder written before generations
    existed, the folder itself)."""

    path: Path

    def file(self, table: str) -> Path:
        return self.path / TABLE_FILES[table]

    def has(self, table: str) -> bool:
        return self.file(table).is_file()

    def load(self, table: str) -> pd.DataFrame:
        """The table checked against the contract; an empty one if this generation lacks it."""
        if not self.has(table):
            return validate(empty_frame(columns(table)), table)
        return read_parquet(self.file(table), table)

    def load_arrow(self, table: str) -> pa.Table:
        if not self.has(table):
            return arrow_schema_of(table).empty_table()
        return read_arrow(self.file(table), table)

    def text_path(self, article_id: str) -> Path:
        return self.path / TEXTS_DIR / f"{article_id}.json"

    def text(self, article_id: str) -> ArticleText | None:
        return ArticleText.read(self.text_path(article_id))


def build_generation(staging: Path, previous: Generation | None, parts: RunParts, run: RunInfo) -> Committed:
    """Write the run's complete dataset into ``staging``."""
    # imported here, not above: readers of a run folder never need clustering's modules
    # (``claims.pipeline.warm_up`` loads them early for a run)
    from claims.clusters import assign_clusters, near_duplicate_articles
    from claims.clusters.assign import REQUIRED_COLUMNS

    staging.mkdir(parents=True)
    articles, claims = _as_committed_by(run, *parts.read())
    all_articles, all_claims, kept_from_before = articles, claims, set()
    nothing_new = bool(len(articles)) and not (articles["status"] == "ok").any()
    if previous is not None and (run.append or nothing_new):
        all_articles, all_claims, kept_from_before = _merge_previous(previous, articles, claims)
    all_articles = fill_sites(all_articles).sort_values("source", kind="stable", ignore_index=True)
    _require_unique_claim_ids(all_claims)
    previous_clusters = _previous_clusters(previous) if run.append else None
    if all_claims.num_rows:
        cluster_ids, clusters = assign_clusters(
            all_claims.select(list(REQUIRED_COLUMNS)).to_pandas(), seen_at=run.finished_at, previous=previous_clusters
        )
        column = all_claims.schema.get_field_index("cluster_id")
        all_claims = all_claims.set_column(column, "cluster_id", pa.array(cluster_ids.tolist(), pa.string()))
    else:
        clusters = empty_frame(columns("clusters"))
    texts = _gather_texts(staging, all_articles, kept_from_before, parts, previous)
    order = pc.sort_indices(all_claims, sort_keys=[("source", "ascending"), ("sentence_index", "ascending")])
    _write_claims(staging, all_claims, order)
    _write_table(staging, "articles", all_articles)
    _write_table(staging, "clusters", clusters)
    pairs = near_duplicate_articles(texts) if len(texts) > 1 else empty_frame(columns("duplicate_articles"))
    _write_table(staging, "duplicate_articles", pairs)
    sites = site_table(all_articles, all_claims.select(list(CLAIM_COLUMNS)).to_pandas())
    _write_table(staging, "sites", sites)
    status = articles["status"].value_counts()
    counts = {
        "n_articles": len(articles),
        "n_ok": int(status.get("ok", 0)),
        "n_error": int(status.get("error", 0)),
        "n_skipped": int(status.get("skipped", 0)),
        "n_claims": claims.num_rows,
        "n_needs_citation": int(pc.sum(claims["needs_citation"]).as_py() or 0),
    }
    _write_runs(staging, previous, run, counts)
    return Committed(counts, articles, claims, sites)


def _as_committed_by(run: RunInfo, articles: pd.DataFrame, claims: pa.Table) -> tuple[pd.DataFrame, pa.Table]:
    """The parts' rows under the committing run's id: a run that resumed a dead run's parts
    commits their rows as its own (runs.parquet has no row for the dead run)."""
    articles = articles.assign(run_id=run.run_id)
    column = claims.schema.get_field_index("run_id")
    field = claims.schema.field(column)
    claims = claims.set_column(column, field, pa.array([run.run_id] * claims.num_rows, field.type))
    return articles, claims


def _write_table(staging: Path, table: str, frame: pd.DataFrame) -> None:
    arrow = to_arrow(validate(frame, table), table)
    atomic_write(staging / TABLE_FILES[table], lambda tmp: pq.write_table(arrow, tmp))


def _merge_previous(
    previous: Generation, articles: pd.DataFrame, claims: pa.Table
) -> tuple[pd.DataFrame, pa.Table, set[str]]:
    """Earlier rows merged with this run's; also the ids of the articles kept from before."""
    old_articles = previous.load("articles")
    old_claims = previous.load_arrow("claims")
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
        set(old_articles["article_id"]),
    )


def _gather_texts(
    staging: Path, articles: pd.DataFrame, kept_from_before: set[str], parts: RunParts, previous: Generation | None
) -> dict[str, str]:
    """Give the new generation the text of every article read: this run's for the rows this
    run wrote, the previous generation's for rows kept from it. Files are hard-linked (they
    never change once written). Returns the texts, for finding near-duplicate articles."""
    folder = staging / TEXTS_DIR
    folder.mkdir()
    texts = {}
    for article in articles.loc[articles["status"] == "ok", "article_id"]:
        if article in kept_from_before:
            source = previous.text_path(article) if previous is not None else None
        else:
            source = parts.texts / f"{article}.json"
        if source is None or not source.is_file():
            continue
        target = folder / source.name
        try:
            os.link(source, target)
        except OSError:  # another file system, or no hard links there
            shutil.copyfile(source, target)
        stored = ArticleText.read(target)
        if stored is not None:
            texts[article] = stored.text
    return texts


def _require_unique_claim_ids(claims: pa.Table) -> None:
    """Slices are validated one at a time, so uniqueness is checked here, across all rows."""
    if pc.count_distinct(claims["claim_id"]).as_py() != claims.num_rows:
        raise DatasetError("claims: column 'claim_id' breaks the dataset contract: repeated claim ids")


def _write_claims(staging: Path, claims: pa.Table, order: pa.Array) -> None:
    """The claims table and its CSV in one pass over slices taken in ``order`` (no sorted
    copy of the table), each slice checked against the contract."""
    schema = arrow_schema_of("claims")

    def write_both(parquet_tmp: str, csv_tmp: str) -> None:
        with (
            pq.ParquetWriter(parquet_tmp, schema) as parquet,
            open(csv_tmp, "w", encoding="utf-8", newline="") as csv,
        ):
            for start in range(0, max(claims.num_rows, 1), WRITE_SLICE_ROWS):
                rows = claims.take(order.slice(start, WRITE_SLICE_ROWS))
                frame = validate(rows.to_pandas(), "claims")
                parquet.write_table(to_arrow(frame, "claims"))
                to_csv(frame, csv, header=start == 0)

    atomic_write(
        staging / TABLE_FILES["claims"],
        lambda parquet_tmp: atomic_write(staging / CLAIMS_CSV, lambda csv_tmp: write_both(parquet_tmp, csv_tmp)),
    )


def _write_runs(staging: Path, previous: Generation | None, run: RunInfo, counts: dict) -> None:
    row = {
        "run_id": run.run_id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "sources": list(run.sources),
        "append": run.append,
        **counts,
        "sites": list(run.sites),
        "model": run.model,
        "rules_version": run.rules_version,
        "package_version": __version__,
    }
    runs = pd.DataFrame([row])
    if previous is not None and previous.has("runs"):
        try:
            earlier = previous.load("runs")
            runs = pd.concat([earlier[earlier["run_id"] != run.run_id], runs], ignore_index=True)
        except DatasetError:  # keep the unreadable log for inspection, start a new one
            shutil.copyfile(previous.file("runs"), staging / f"{TABLE_FILES['runs']}.unreadable-{run.run_id}")
    _write_table(staging, "runs", runs)


def _previous_clusters(previous: Generation | None) -> pd.DataFrame | None:
    """The clusters to carry first_seen from; a broken table only loses that history."""
    try:
        return previous.load("clusters") if previous is not None and previous.has("clusters") else None
    except DatasetError:
        return None
