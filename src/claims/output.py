"""Assembling a run's output folder: claims, CSV, articles, clusters and the run log.

A plain re-run replaces the dataset with this run's rows. ``--append`` keeps earlier rows and
replaces those of every source processed again (same ``claim_id`` replaced, never repeated),
so re-running the same inputs is idempotent either way.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claims import __version__
from claims.clusters import assign_clusters
from claims.dataset import (
    ARTICLES_FILE,
    CLAIMS_FILE,
    RUNS_FILE,
    DatasetError,
    atomic_write,
    conform,
    read_table,
    write_table,
)
from claims.dataset.schema import ARTICLES, CLAIMS, empty_frame

CLUSTERS_FILE = "clusters.parquet"


@dataclass
class RunInfo:
    run_id: str
    started_at: str
    finished_at: str
    sources: list[str]
    append: bool
    model: str
    rules_version: str


def write_output(out_dir: Path, articles: list[dict], claims: list[dict], run: RunInfo) -> dict:
    """Write every table of the run; returns the counts that go into runs.parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    new_articles = conform(pd.DataFrame(articles) if articles else empty_frame(ARTICLES), ARTICLES)
    new_claims = conform(pd.DataFrame(claims) if claims else empty_frame(CLAIMS), CLAIMS)
    if run.append:
        new_articles, new_claims = _merge_previous(out_dir, new_articles, new_claims)
    new_claims = new_claims.sort_values(["source", "sentence_index"], kind="stable").reset_index(drop=True)
    previous_clusters = _read_optional(out_dir / CLUSTERS_FILE) if run.append else None
    if len(new_claims):
        cluster_ids, clusters = assign_clusters(new_claims, seen_at=run.finished_at, previous=previous_clusters)
        new_claims["cluster_id"] = cluster_ids.astype("string")
    else:
        clusters = pd.DataFrame()
    write_table(new_claims, out_dir, CLAIMS_FILE)
    write_table(new_articles, out_dir, ARTICLES_FILE)
    atomic_write(out_dir / CLUSTERS_FILE, lambda tmp: clusters.to_parquet(tmp, index=False))
    counts = {
        "n_articles": len(articles),
        "n_ok": sum(a["status"] == "ok" for a in articles),
        "n_error": sum(a["status"] == "error" for a in articles),
        "n_skipped": sum(a["status"] == "skipped" for a in articles),
        "n_claims": len(claims),
        "n_needs_citation": sum(bool(c["needs_citation"]) for c in claims),
    }
    _append_run(out_dir, run, counts)
    return counts


def _merge_previous(out_dir: Path, articles: pd.DataFrame, claims: pd.DataFrame):
    if not (out_dir / CLAIMS_FILE).exists() and not (out_dir / ARTICLES_FILE).exists():
        return articles, claims
    old_articles = read_table(out_dir, ARTICLES_FILE)
    old_claims = read_table(out_dir, CLAIMS_FILE)
    redone = set(articles["article_id"])
    old_articles = old_articles[~old_articles["article_id"].isin(redone)]
    old_claims = old_claims[~old_claims["article_id"].isin(redone) & ~old_claims["claim_id"].isin(set(claims["claim_id"]))]
    return (
        pd.concat([old_articles, articles], ignore_index=True),
        pd.concat([old_claims, claims], ignore_index=True),
    )


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
