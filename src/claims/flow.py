"""The Prefect flow behind ``claims run``: sources -> fetch -> extract/split/tag -> dataset.

Only the wiring lives here; every step is a library function (``pipeline``, ``scheduling``,
``runners``, ``runfolder``, ``report``). ``flows/claims_flow.py``, which ``prefect.yaml``
names, re-exports the flow. Where each step runs, and why:

* With ``sites``, a first task discovers each site's articles (``discover``) and they join
  the sources; the pages it fetched are read from the raw cache afterwards, not requested
  again.
* Fetching stays in the flow process, in one polite fetcher (``pipeline.read_pages``), so no
  site ever sees more than ``host_concurrency`` requests at once from a run, whatever the
  number of workers.
* Pages go out in chunks to one ``extract-and-tag`` task each (``scheduling``): threads in
  this process by default, Dask worker processes with ``--runner dask`` (``runners``). A
  worker loads the spaCy model once and keeps it for every chunk it is given.
* A task writes its chunk's rows and texts into the run's parts folder and returns a small
  receipt; the last step commits the parts as the run folder's new generation
  (``runfolder``). On a cluster the output folder (and the page cache) must therefore be on
  storage every worker shares, and ``PREFECT_API_URL`` must name a server the workers reach.

A chunk whose task fails after its retry is recorded source by source as an error; the
other chunks go on.

A run told to stop (SIGINT or SIGTERM: Ctrl-C, ``kill``, a Prefect worker cancelling the
flow run) stops its chunks, drops its parts (the run folder keeps its last committed run)
and ends in Prefect's Cancelled state; one that fails otherwise keeps its parts for the
next run with the same sources to resume.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, replace

from prefect import flow, get_client, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.exceptions import TerminationSignal
from prefect.states import Cancelled

from claims.discover import GIVEN, Options, SiteDiscovery, discover_sites, home_url
from claims.fetch import Fetcher, FetchResult
from claims.lifecycle.signals import RunCancelled, noting_stops
from claims.pipeline import analyse_many, article_row, get_tagger, now_iso, read_pages
from claims.report import site_rows, summary_markdown, top_claims
from claims.runfolder import RunFolder, RunInfo, RunParts
from claims.runners import on_dask, submitting, task_slots
from claims.scheduling import CHUNK_SIZE, run_in_chunks
from claims.settings import Settings
from claims.sources import Source, resolve_sources
from claims.tagger import model_label
from claims.tagger.ruleset import load_rules

#: What stopping a run looks like from inside it: ``claims run``'s signal handling, Prefect's
#: SIGTERM handling (a worker cancelling the flow run), a plain KeyboardInterrupt.
CANCELLATIONS = (RunCancelled, TerminationSignal, KeyboardInterrupt)
#: Seconds that chunks already running get to finish when the run is cancelled (a thread
#: cannot be stopped; its part files must be written before the parts folder is removed).
CHUNK_STOP_GRACE = 5.0


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
    parts: RunParts,
    index: int,
    first: int,
    total: int,
    vias: dict[str, str] | None = None,
) -> ChunkReceipt:
    """Analyse a chunk of pages and write its part files. Logs one progress line per chunk
    and one warning per article that failed or was skipped: a line per article would put
    thousands of records through Prefect's API and database in a large run, and every
    article's status and reason is in the dataset anyway. ``vias``: how each discovered
    source of the chunk was found."""
    logger = get_run_logger()
    tagger = get_tagger(settings)
    results = analyse_many(pages, tagger, run_id, vias)
    for result in results:
        if result.article.status != "ok":
            logger.warning("%s %s: %s", result.article.status, result.article.source, result.article.error)
    claims = [claim for result in results for claim in result.claims]
    parts.write_chunk(index, [r.article for r in results], claims, [r.text for r in results if r.text])
    statuses = ", ".join(f"{n} {status}" for status, n in Counter(r.article.status for r in results).items())
    logger.info(
        "[%d-%d/%d] %s; %d claims, %d need a citation",
        first + 1,
        first + len(pages),
        total,
        statuses,
        len(claims),
        sum(c.needs_citation for c in claims),
    )
    return ChunkReceipt(tagger.model, tagger.rules_version)


def cancelled_not_crashed(flow, flow_run, state) -> None:
    """Prefect records a run stopped by a signal as Crashed, as it does a run whose process
    died; a run that was told to stop is marked Cancelled instead. Prefect calls this hook
    while it handles the exception that ended the run, so the exception is at hand."""
    stopped = sys.exc_info()[1]
    if not isinstance(stopped, CANCELLATIONS):
        return
    reason = stopped.args[0] if isinstance(stopped, RunCancelled) else type(stopped).__name__
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run.id, Cancelled(message=f"Run stopped: {reason}"), force=True)


@flow(name="claims-run", log_prints=True, on_crashed=[cancelled_not_crashed])
def claims_run(
    sources: list[str],
    out_dir: str,
    append: bool = False,
    refresh: bool = False,
    rules_dir: str | None = None,
    chunk_size: int | None = None,
    sites: list[str] | None = None,
    max_pages: int | None = None,
    max_depth: int | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    tagger: str | None = None,
) -> dict:
    """Tag every SOURCE, and the articles discovered on every site of ``sites`` (their home
    pages; ``max_pages``, ``max_depth``, ``include`` and ``exclude`` limit the discovery),
    and commit the dataset to ``out_dir``. Returns the run's counts and ``tag_seconds``, the
    wall time from the first fetch to the last chunk tagged. When there is nothing to read
    (no sources, and discovery found nothing) the dataset is left as it was and every count
    is 0."""
    logger = get_run_logger()
    settings = Settings.from_env(
        rules_dir=rules_dir, out_dir=out_dir, tagger=tagger, max_pages=max_pages, max_depth=max_depth
    )
    run_id = f"{now_iso().replace(':', '').replace('+0000', 'Z')}-{uuid.uuid4().hex[:6]}"
    started = now_iso()
    sites = list(sites or [])
    found = discover(sites, settings, Options.from_settings(settings, include, exclude), refresh) if sites else {}
    given = resolve_sources(sources)
    named = {source.given for source in given}
    resolved = given + [Source(url, "url") for url in found if url not in named]
    vias = {url: via for url, via in found.items() if url not in named and via != GIVEN}
    if not resolved:
        logger.error("nothing to read: discovery found no article; %s is left as it was", out_dir)
        return {
            "n_articles": 0,
            "n_ok": 0,
            "n_error": 0,
            "n_skipped": 0,
            "n_claims": 0,
            "n_needs_citation": 0,
            "run_id": None,
            "tag_seconds": 0.0,
        }
    rules_version = load_rules(rules_dir).version
    folder = RunFolder(out_dir)
    manifest = {
        "sources": [s.given for s in given],
        "sites": sites,
        "include": list(include or []),
        "exclude": list(exclude or []),
        "append": append,
        "refresh": refresh,
        "rules_version": rules_version,
        "settings": asdict(replace(settings, out_dir="")),
    }
    begun = folder.begin(run_id, manifest)
    for message in begun.messages():
        logger.warning("%s", message)
    todo = [s for s in resolved if s.given not in begun.done_sources]
    logger.info("run %s: %d sources (%d to read) -> %s", run_id, len(resolved), len(todo), out_dir)
    try:
        with noting_stops() as stops:
            tag_start = time.perf_counter()
            receipts = _tag_all(todo, settings, run_id, begun.parts, chunk_size, refresh, vias, started)
            tag_seconds = time.perf_counter() - tag_start
            model = receipts[0].model if receipts else model_label(settings)
            run = RunInfo(run_id, started, now_iso(), list(sources), append, model, rules_version, tuple(sites))
            counts = write_dataset(folder, begun, run)
    except BaseException as stop:
        signum = stops.first
        if not isinstance(stop, CANCELLATIONS) and signum is None:
            begun.release()  # the parts stay for a run with the same sources to resume
            logger.error("run %s did not finish; its tagged chunks are kept in %s", run_id, begun.parts.path)
            raise
        folder.abandon(begun)
        logger.warning("run %s cancelled: its parts are removed; %s keeps its last committed run", run_id, out_dir)
        if isinstance(stop, CANCELLATIONS):
            raise
        # a library wrapped the signal's exception in its own: the run was still told to stop
        raise RunCancelled(signum) from stop
    logger.info(
        "run %s done: %d ok, %d error, %d skipped; %d claims, %d need a citation; tagging took %.1f s",
        run_id,
        counts["n_ok"],
        counts["n_error"],
        counts["n_skipped"],
        counts["n_claims"],
        counts["n_needs_citation"],
        tag_seconds,
    )
    return {**counts, "run_id": run_id, "tag_seconds": tag_seconds}


@task(name="discover-sites", cache_policy=NO_CACHE)
def discover(sites: list[str], settings: Settings, options: Options, refresh: bool) -> dict[str, str]:
    """Each site's articles (URL -> how it was found), logged site by site with what was
    dropped and left. A site where nothing was found contributes its home page as a given
    source, so that the dataset records why it could not be read."""
    logger = get_run_logger()

    def report(found: SiteDiscovery) -> None:
        logger.info("%s", found.summary(options.max_pages))
        for note in found.notes:
            logger.warning("%s: %s", found.site or found.given, note)

    with Fetcher(settings, cache_dir=settings.cache_dir, refresh=refresh) as fetcher:
        discoveries = discover_sites(fetcher, sites, options, on_done=report)
    vias: dict[str, str] = {}
    for found in discoveries:
        for article in found.articles:
            vias.setdefault(article.url, article.via)
        if not found.articles and found.site is not None:
            vias.setdefault(found.home or home_url(found.given), GIVEN)
    return vias


@task(name="write-dataset", cache_policy=NO_CACHE)
def write_dataset(folder: RunFolder, begun, run: RunInfo) -> dict:
    committed = folder.commit(begun, run)
    create_markdown_artifact(
        summary_markdown(committed.articles, committed.claims, run),
        key="claims-run-summary",
        description="Counts by claim type, red flags, failures",
    )
    create_table_artifact(
        top_claims(committed.claims),
        key="claims-top-priority",
        description="Highest-priority claims needing a citation",
    )
    create_table_artifact(
        site_rows(committed.sites),
        key="claims-sites",
        description="One row per site: claims, citations, red flags, harms, FDA approvals",
    )
    return committed.counts


def _tag_all(
    sources,
    settings: Settings,
    run_id: str,
    parts: RunParts,
    chunk_size: int | None,
    refresh: bool,
    vias: dict[str, str],
    started: str,
) -> list[ChunkReceipt]:
    """Tag every source in chunks on the flow's task runner; a resumed run's new chunks are
    numbered after the ones it took over."""
    context = get_run_context()
    runner = context.task_runner
    most = max(1, chunk_size or CHUNK_SIZE["dask" if on_dask(runner) else "local"])
    offset = max(parts.chunk_indexes(), default=-1) + 1

    def submit(index: int, first: int, chunk: list[FetchResult]):
        chunk_vias = {page.source: vias[page.source] for page in chunk if page.source in vias}
        return tag_chunk.submit(chunk, settings, run_id, parts, offset + index, first, len(sources), chunk_vias)

    def collect(future, index: int, pages: list[FetchResult]) -> ChunkReceipt | None:
        """The chunk's receipt; if the task failed (or its worker died), its sources as errors."""
        try:
            return future.result()
        except Exception as exc:  # the other chunks' work must survive this one
            get_run_logger().error("chunk %d failed: %s: %s", index, type(exc).__name__, exc)
            reason = f"tagging failed: {type(exc).__name__}: {exc}"
            parts.write_chunk(
                offset + index,
                [
                    article_row(replace(p, status="error", error=reason), run_id, vias.get(p.source, GIVEN))
                    for p in pages
                ],
                [],
            )
            return None

    with submitting(runner, str(context.client.api_url)):
        receipts = run_in_chunks(
            read_pages(sources, settings, refresh, fresh_since=started),
            len(sources),
            most,
            lambda: task_slots(runner),
            submit,
            collect,
            # only the pages' metadata is kept, to record them should the task fail
            remember=lambda chunk: [replace(page, text=None) for page in chunk],
            stop=_stop_chunks,
        )
    return [r for r in receipts if r is not None]


def _stop_chunks(pending) -> None:
    """Cancel the chunks not started yet and give the running ones ``CHUNK_STOP_GRACE``
    seconds to finish."""
    for future in pending:
        wrapped = getattr(future, "wrapped_future", None)
        if wrapped is not None:
            wrapped.cancel()
    deadline = time.monotonic() + CHUNK_STOP_GRACE
    for future in pending:
        try:
            future.wait(timeout=max(0.0, deadline - time.monotonic()))
        except Exception:  # a cancelled or failed chunk is what we expect here
            pass
