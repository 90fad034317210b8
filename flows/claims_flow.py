"""The Prefect flow behind ``claims run``: sources -> fetch -> extract/split/tag -> dataset.

Tasks work on chunks of articles (not sentences), so scheduling overhead stays small and a
worker loads the spaCy model once (``get_tagger`` is cached per process). A chunk whose fetch
task still fails after its retries is recorded source by source as an error; the other
chunks go on. Without ``PREFECT_API_URL`` Prefect runs the flow on a temporary local server.
"""
from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait

from claims.fetch import FetchResult
from claims.output import RunInfo, write_output
from claims.pipeline import analyse, get_tagger, now_iso, read_source, write_text
from claims.settings import Settings
from claims.sources import Source, resolve_sources

#: Articles per task. Large enough to amortise task overhead, small enough to spread work.
CHUNK_SIZE = 20


@task(name="fetch", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def fetch_chunk(sources: list[Source], settings: Settings, refresh: bool) -> list[FetchResult]:
    return [read_source(source, settings, refresh) for source in sources]


@task(name="extract-and-tag", cache_policy=NO_CACHE)
def tag_chunk(fetched: list[FetchResult], settings: Settings, run_id: str, out_dir: str, first: int, total: int):
    logger = get_run_logger()
    tagger = get_tagger(settings)
    articles, claims = [], []
    for offset, page in enumerate(fetched):
        result = analyse(page, tagger, run_id)
        write_text(Path(out_dir), result)
        a = result.article
        detail = a["error"] or f"{a['n_sentences']} sentences, {a['n_claims']} claims, {a['n_needs_citation']} need a citation"
        logger.info("[%d/%d] %s %s: %s", first + offset + 1, total, a["status"], a["source"], detail)
        articles.append(a)
        claims.extend(result.claims)
    return articles, claims


@task(name="write-dataset", cache_policy=NO_CACHE)
def write_dataset(out_dir: str, articles: list[dict], claims: list[dict], run: RunInfo) -> dict:
    counts = write_output(Path(out_dir), articles, claims, run)
    _publish_artifacts(articles, claims, run)
    return counts


@flow(name="claims-run", log_prints=True)
def claims_run(
    sources: list[str],
    out_dir: str = "data/processed",
    append: bool = False,
    refresh: bool = False,
    rules_dir: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> dict:
    """Tag every SOURCE and write the dataset to ``out_dir``; returns the run's counts."""
    logger = get_run_logger()
    settings = Settings.from_env(rules_dir=rules_dir, out_dir=out_dir)
    run_id = f"{now_iso().replace(':', '').replace('+0000', 'Z')}-{uuid.uuid4().hex[:6]}"
    started = now_iso()
    resolved = resolve_sources(sources)
    logger.info("run %s: %d sources -> %s", run_id, len(resolved), out_dir)
    chunks = [resolved[i : i + chunk_size] for i in range(0, len(resolved), chunk_size)]
    fetches = [fetch_chunk.submit(chunk, settings, refresh) for chunk in chunks]
    tagged = []
    for i, (chunk, future) in enumerate(zip(chunks, fetches)):
        wait([future])
        pages = future.result(raise_on_failure=False)
        if not isinstance(pages, list):  # the chunk failed even after its retries
            pages = [FetchResult(source=s.given, status="error", error=f"fetch failed: {pages}") for s in chunk]
        tagged.append(tag_chunk.submit(pages, settings, run_id, out_dir, i * chunk_size, len(resolved)))
    articles, claims = [], []
    for future in tagged:
        chunk_articles, chunk_claims = future.result()
        articles += chunk_articles
        claims += chunk_claims
    tagger = get_tagger(settings)
    run = RunInfo(run_id, started, now_iso(), list(sources), append, tagger.model, tagger.rules_version)
    counts = write_dataset(out_dir, articles, claims, run)
    logger.info(
        "run %s done: %d ok, %d error, %d skipped; %d claims, %d need a citation",
        run_id, counts["n_ok"], counts["n_error"], counts["n_skipped"], counts["n_claims"], counts["n_needs_citation"],
    )
    return {**counts, "run_id": run_id}


def _publish_artifacts(articles: list[dict], claims: list[dict], run: RunInfo) -> None:
    types = Counter(t for c in claims for t in c["claim_types"])
    flags = Counter(f for c in claims for f in c["red_flags"])
    failed = [a for a in articles if a["status"] != "ok"]
    lines = [
        f"# claims run {run.run_id}",
        f"{len(articles)} articles, {len(claims)} claim sentences, "
        f"{sum(c['needs_citation'] for c in claims)} need a citation.",
        "",
        "| claim type | sentences |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(types.items())],
        "",
        "## Top red flags",
        *[f"- {_md(f)}: {n}" for f, n in flags.most_common(10)],
        "",
        "## Articles with errors",
        *[f"- {a['status']}: {_md(a['source'])}: {_md(a['error'] or '')}" for a in failed],
    ]
    create_markdown_artifact("\n".join(lines), key="claims-run-summary", description="Counts by claim type, red flags, failures")
    order = {"high": 0, "medium": 1, "low": 2}
    top = sorted((c for c in claims if c["needs_citation"]), key=lambda c: (order[c["priority"]], c["source"]))[:50]
    rows = [
        {"priority": c["priority"], "source": c["source"], "sentence": c["sentence"], "reasons": "; ".join(c["reasons"])}
        for c in top
    ]
    create_table_artifact(rows, key="claims-top-priority", description="Highest-priority claims needing a citation")


def _md(text: str) -> str:
    """Scraped text inside markdown: neutralise markup characters."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>" else ch for ch in str(text))
