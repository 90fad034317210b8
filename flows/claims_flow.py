"""The Prefect flow behind ``claims run``: sources -> fetch -> extract/split/tag -> dataset.

Where each step runs, and why:

* Fetching stays in the flow process, in one ``Fetcher.fetch_many`` (threads sharing one set
  of per-host gates). However many workers tag, no site ever sees more than
  ``host_concurrency`` requests at once from a run, nor two request starts closer than
  ``host_delay``: the limits would not hold if each worker process fetched with its own
  gates.
* Pages are grouped as they arrive into chunks of at most ``chunk_size`` articles; one
  ``extract-and-tag`` task per chunk runs on the task runner: threads in this process by
  default, worker processes with ``--runner dask`` (a local cluster, or an existing one).
  A worker loads the spaCy model once (``get_tagger`` is cached per process) and keeps it
  for every chunk it is given.
* A task writes its chunk's rows as part files under the output folder and returns a small
  receipt, and only a few chunks are in flight at a time, so memory does not grow with the
  number of articles. On a cluster the output folder (and the page cache) must therefore be
  on storage every worker shares, and ``PREFECT_API_URL`` must name a server the workers
  reach.
* The final step gathers the parts into the dataset (see ``claims.output``).

A chunk whose task fails after its retry is recorded source by source as an error; the
other chunks go on. Without ``PREFECT_API_URL`` Prefect runs the flow on a temporary local
server.
"""
from __future__ import annotations

import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from queue import SimpleQueue

import dask
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from distributed import LocalCluster
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from claims.fetch import Fetcher, FetchResult
from claims.output import (
    RunInfo,
    check_output_dir,
    parts_dir,
    read_parts,
    remove_parts,
    write_output,
    write_part,
)
from claims.pipeline import (
    analyse_many,
    article_row,
    get_tagger,
    now_iso,
    read_source,
    save_article_text,
)
from claims.settings import Settings
from claims.sources import Source, resolve_sources

#: Most articles per task, by runner. A Dask task costs a few hundred milliseconds of
#: Prefect and Dask bookkeeping (a client, API calls, serialised settings), so Dask chunks
#: are large (2,000 articles on 2 workers: 71.0 s with at most 20, 62.7 s with 200).
#: Threads in one process pay little per task but contend for the GIL, and smaller
#: chunks measured faster there (1,000 articles: 52.6 s with 20, 57.1 s with 100).
CHUNK_SIZE = {"local": 20, "dask": 200}
#: Chunks shrink towards the end of a run, each at most 1/(GUIDED_SHARE x slots) of what
#: is left ("guided" scheduling), so the workers finish together instead of one tagging
#: a last big chunk alone; never below MIN_CHUNK articles.
GUIDED_SHARE = 2
MIN_CHUNK = 10
#: Chunks handed to the runner per slot that can run one: enough that a slot never waits
#: for the next chunk, few enough that fetched pages do not pile up in memory.
CHUNKS_PER_SLOT = 2
RUNNERS = ("local", "dask")
#: The module local Dask workers import as they start: the one holding the tasks.
WORKER_PRELOAD = "flows.claims_flow"
#: Dask setting: keep no copies of a connection's recent messages (see ``_no_message_log``).
NO_MESSAGE_LOG = {"distributed.admin.low-level-log-length": 0}


def task_runner(
    runner: str = "local", dask_address: str | None = None, dask_workers: int | None = None, start_now: bool = False
) -> TaskRunner:
    """The task runner for ``claims_run.with_options(task_runner=...)``.

    ``local`` runs tasks in threads of this process. ``dask`` connects to the scheduler at
    ``dask_address``, or starts a local cluster of ``dask_workers`` single-threaded worker
    processes (default: one per core): spaCy is not documented as thread-safe, so a worker
    tags one chunk at a time and parallelism comes from processes.

    ``start_now`` (for a caller about to run the flow) begins starting that local cluster
    at once, in the background, and the run takes it over: its workers then start while
    Prefect starts its server and the flow run (about 3 s on 2 cores), rather than after.
    The caller then calls ``release_started_cluster`` once the run is over, which closes
    the cluster if the run failed before taking it.
    """
    if runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r} (choose from {', '.join(RUNNERS)})")
    if runner == "local":
        if dask_address or dask_workers is not None:
            raise ValueError("a Dask address or worker count needs runner 'dask'")
        return ThreadPoolTaskRunner()
    if dask_address:
        if dask_workers is not None:
            raise ValueError("a Dask cluster given by address has its own workers; drop the worker count")
        return DaskTaskRunner(address=dask_address)
    if dask_workers is not None and dask_workers < 1:
        raise ValueError(f"need at least one Dask worker, got {dask_workers}")
    cluster_kwargs = {
        "n_workers": dask_workers or os.cpu_count() or 1,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": "127.0.0.1:0",  # loopback only, on any free port (no clash between runs)
    }
    if not start_now:
        return DaskTaskRunner(cluster_class=local_cluster, cluster_kwargs=cluster_kwargs)
    key = uuid.uuid4().hex
    starter = ThreadPoolExecutor(1, thread_name_prefix="dask-cluster-start")
    _STARTING[key] = starter.submit(local_cluster, **cluster_kwargs)
    starter.shutdown(wait=False)  # its thread ends once the cluster is up
    return DaskTaskRunner(cluster_class=started_cluster, cluster_kwargs={**cluster_kwargs, "start_key": key})


def local_cluster(**kwargs) -> LocalCluster:
    """A ``LocalCluster`` whose workers are ready to tag at full speed.

    Workers import this module (and so spaCy, pandas and the tagger's code) as they start,
    as the flow's own process has by then, instead of in their first task (in a 2,000-article
    run without this, the first task started 3.9 s into the tagging window). And two
    Dask defaults cost a worker about a seventh of its tagging speed:
    ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers' environment makes glibc hand memory
    back to the system after nearly every batch, and spaCy asks for it again at once; and
    the statistical profiler samples the working thread every 10 ms. The workers get
    glibc's own threshold and no profiler; their memory stays flat without the trimming
    (the benchmark's worker peak RSS). The scheduler lives in this process, which keeps no
    log of recent messages from here on (``_no_message_log``).
    """
    _no_message_log()
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({
        "distributed.nanny.pre-spawn-environ": environ,
        "distributed.worker.profile.enabled": False,
        "distributed.worker.preload": [WORKER_PRELOAD],
    }):
        return LocalCluster(**kwargs)


def _no_message_log() -> None:
    """Dask keeps each connection's last messages for debugging (1000 by default), and a
    message to or from a tagging task carries a chunk of pages: the flow process would hold
    hundreds of MB of them. Set for the rest of the process, not in a ``with`` block: a
    local cluster starting in another thread restores the settings it found when its own
    block ends, and would undo ours."""
    dask.config.set(NO_MESSAGE_LOG)


#: Local clusters being started ahead of their flow run, by key (see ``task_runner``).
_STARTING: dict[str, Future] = {}


def release_started_cluster(runner: TaskRunner) -> None:
    """Close the cluster ``task_runner(start_now=True)`` began starting for ``runner`` if
    no run took it over (a run closes the cluster it took)."""
    key = getattr(runner, "cluster_kwargs", {}).get("start_key")
    starting = _STARTING.pop(key, None) if key else None
    if starting is not None and starting.exception() is None:
        starting.result().close()


def started_cluster(start_key: str, **kwargs) -> LocalCluster:
    """The cluster ``task_runner(start_now=True)`` began starting; a new one if it was
    taken already (a runner used for a second run)."""
    starting = _STARTING.pop(start_key, None)
    return starting.result() if starting else local_cluster(**kwargs)


@dataclass(frozen=True)
class ChunkReceipt:
    """What a tagging task sends back instead of its rows (those are in its part files)."""

    model: str
    rules_version: str


@task(name="extract-and-tag", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def tag_chunk(
    pages: list[FetchResult],
    settings: Settings,
    run_id: str,
    out_dir: str,
    parts: str,
    index: int,
    first: int,
    total: int,
) -> ChunkReceipt:
    """Analyse a chunk of pages and write its part files. Logs one progress line per chunk
    and one warning per article that failed or was skipped: a line per article would put
    thousands of records through Prefect's API and database in a large run, and every
    article's status and reason is in the dataset anyway."""
    logger = get_run_logger()
    tagger = get_tagger(settings)
    articles, claims = [], []
    for result in analyse_many(pages, tagger, run_id):
        save_article_text(Path(out_dir), result)
        a = result.article
        if a["status"] != "ok":
            logger.warning("%s %s: %s", a["status"], a["source"], a["error"])
        articles.append(a)
        claims.extend(result.claims)
    write_part(Path(parts), index, articles, claims)
    statuses = ", ".join(f"{n} {status}" for status, n in Counter(a["status"] for a in articles).items())
    flagged = sum(c["needs_citation"] for c in claims)
    logger.info("[%d-%d/%d] %s; %d claims, %d need a citation", first + 1, first + len(pages), total, statuses,
                len(claims), flagged)
    return ChunkReceipt(tagger.model, tagger.rules_version)


@task(name="write-dataset", cache_policy=NO_CACHE)
def write_dataset(out_dir: str, parts: str, run: RunInfo) -> dict:
    articles, claims = read_parts(Path(parts))
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
    chunk_size: int | None = None,
) -> dict:
    """Tag every SOURCE and write the dataset to ``out_dir``; returns the run's counts and
    ``tag_seconds``, the wall time from the first fetch to the last chunk tagged."""
    logger = get_run_logger()
    settings = Settings.from_env(rules_dir=rules_dir, out_dir=out_dir)
    run_id = f"{now_iso().replace(':', '').replace('+0000', 'Z')}-{uuid.uuid4().hex[:6]}"
    started = now_iso()
    resolved = resolve_sources(sources)
    logger.info("run %s: %d sources -> %s", run_id, len(resolved), out_dir)
    parts = parts_dir(Path(out_dir), run_id)
    check_output_dir(Path(out_dir), append)  # fail before the crawl, not after it
    try:
        tag_start = time.perf_counter()
        with _dask_context():
            most = chunk_size or CHUNK_SIZE["dask" if _on_dask() else "local"]
            receipts = _tag_all(resolved, settings, run_id, out_dir, parts, max(1, most), refresh)
        tag_seconds = time.perf_counter() - tag_start
        if receipts:
            model, rules_version = receipts[0].model, receipts[0].rules_version
        else:  # nothing to tag: name the model without shipping a task for it
            tagger = get_tagger(settings)
            model, rules_version = tagger.model, tagger.rules_version
        run = RunInfo(run_id, started, now_iso(), list(sources), append, model, rules_version)
        counts = write_dataset(out_dir, str(parts), run)
    except BaseException:
        if parts.exists():  # the only copy of this run's rows: keep it for a retry
            logger.error("run %s failed; its tagged rows are kept in %s", run_id, parts)
        raise
    remove_parts(parts)
    logger.info(
        "run %s done: %d ok, %d error, %d skipped; %d claims, %d need a citation; tagging took %.1f s",
        run_id, counts["n_ok"], counts["n_error"], counts["n_skipped"], counts["n_claims"], counts["n_needs_citation"],
        tag_seconds,
    )
    return {**counts, "run_id": run_id, "tag_seconds": tag_seconds}


def _tag_all(
    sources: list[Source], settings: Settings, run_id: str, out_dir: str, parts: Path, chunk_size: int, refresh: bool
) -> list[ChunkReceipt]:
    """Feed chunks of pages to tagging tasks as they arrive, holding back when enough are in
    flight (the fetcher's generator then pauses too, so pages never pile up). The next chunk
    goes out as soon as any chunk is done, not the oldest: a worker whose chunks were small
    would otherwise wait for the other's big one."""
    in_flight: dict[PrefectFuture, tuple[int, list[FetchResult]]] = {}
    finished: SimpleQueue[PrefectFuture] = SimpleQueue()  # holds a future only until collected
    receipts: list[ChunkReceipt] = []

    def collect_next() -> None:
        done = finished.get()
        receipts.append(_collect(done, *in_flight.pop(done), parts, run_id))

    first = 0
    pages = read_pages(sources, settings, refresh)
    for index, chunk in enumerate(_chunks(pages, len(sources), chunk_size, _task_slots())):
        while len(in_flight) >= CHUNKS_PER_SLOT * _task_slots():
            collect_next()
        future = tag_chunk.submit(chunk, settings, run_id, out_dir, str(parts), index, first, len(sources))
        future.add_done_callback(finished.put)
        # only the pages' metadata is kept, to record them should the task fail
        in_flight[future] = (index, [replace(page, text=None) for page in chunk])
        first += len(chunk)
    while in_flight:
        collect_next()
    return [r for r in receipts if r is not None]


def _dask_context() -> AbstractContextManager:
    """What a Dask runner needs while chunks are submitted (nothing for the local runner).

    No log of recent messages (``_no_message_log``). And without PREFECT_API_URL the flow
    reports to a temporary server of its own, which workers cannot guess: each would start
    another and its task runs would be lost to this flow run; tasks carry the settings they
    are submitted under, so it is named there.
    """
    context = get_run_context()
    if not _on_dask():
        return nullcontext()
    _no_message_log()
    if PREFECT_API_URL.value():
        return nullcontext()
    return temporary_settings(updates={PREFECT_API_URL: str(context.client.api_url).rstrip("/")})


def _collect(
    future: PrefectFuture, index: int, pages: list[FetchResult], parts: Path, run_id: str
) -> ChunkReceipt | None:
    """The chunk's receipt; if the task failed (or its worker died), its sources as errors."""
    try:
        return future.result()
    except Exception as exc:  # the other chunks' work must survive this one
        get_run_logger().error("chunk %d failed: %s: %s", index, type(exc).__name__, exc)
        reason = f"tagging failed: {type(exc).__name__}: {exc}"
        failed = [article_row(replace(page, status="error", error=reason), run_id) for page in pages]
        write_part(parts, index, failed, [])
        return None


def read_pages(sources: list[Source], settings: Settings, refresh: bool) -> Iterator[FetchResult]:
    """Files and invalid sources in the given order, then web pages as they arrive."""
    urls = []
    for source in sources:
        if source.kind == "url":
            urls.append(source.given)
        else:
            yield read_source(source, settings, refresh)
    if urls:
        with Fetcher(settings, cache_dir=Path(settings.cache_dir), refresh=refresh) as fetcher:
            yield from fetcher.fetch_many(urls)


def _chunks(pages: Iterable[FetchResult], total: int, most: int, slots: int) -> Iterator[list[FetchResult]]:
    """Consecutive chunks of at most ``most`` of ``total`` pages, shrinking as the run
    nears its end (see ``GUIDED_SHARE``)."""
    iterator, done = iter(pages), 0
    while True:
        size = max(min(MIN_CHUNK, most), min(most, math.ceil((total - done) / (GUIDED_SHARE * slots))))
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield chunk
        done += len(chunk)


def _on_dask() -> bool:
    return isinstance(get_run_context().task_runner, DaskTaskRunner)


def _task_slots() -> int:
    """Tasks the flow's runner can run at once (a Dask cluster may grow or shrink)."""
    runner = get_run_context().task_runner
    if isinstance(runner, DaskTaskRunner):
        return max(1, sum(runner.client.nthreads().values()))
    return os.cpu_count() or 1


def _publish_artifacts(articles: pd.DataFrame, claims: pa.Table, run: RunInfo) -> None:
    types = _label_counts(claims["claim_types"])
    flags = _label_counts(claims["red_flags"])
    failed = articles[articles["status"] != "ok"].fillna({"error": ""})
    n_flagged = int(pc.sum(claims["needs_citation"]).as_py() or 0)
    lines = [
        f"# claims run {run.run_id}",
        f"{len(articles)} articles, {claims.num_rows} claim sentences, {n_flagged} need a citation.",
        "",
        "| claim type | sentences |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(types.items())],
        "",
        "## Top red flags",
        *[f"- {_md(f)}: {n}" for f, n in flags.most_common(10)],
        "",
        "## Articles with errors",
        *[f"- {a.status}: {_md(a.source)}: {_md(a.error)}" for a in failed.itertuples()],
    ]
    create_markdown_artifact("\n".join(lines), key="claims-run-summary", description="Counts by claim type, red flags, failures")
    flagged = claims.filter(claims["needs_citation"]).select(["priority", "source", "sentence", "reasons"]).to_pandas()
    order = {"high": 0, "medium": 1, "low": 2}
    top = flagged.assign(rank=flagged["priority"].map(order)).sort_values(["rank", "source"], kind="stable").head(50)
    rows = [
        {"priority": r.priority, "source": r.source, "sentence": r.sentence, "reasons": "; ".join(r.reasons)}
        for r in top.itertuples()
    ]
    create_table_artifact(rows, key="claims-top-priority", description="Highest-priority claims needing a citation")


def _label_counts(column: pa.ChunkedArray) -> Counter:
    return Counter(pc.list_flatten(column).to_pylist())


def _md(text: str) -> str:
    """Scraped text inside markdown: neutralise markup characters."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>" else ch for ch in str(text))
