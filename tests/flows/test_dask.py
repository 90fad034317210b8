"""The flow on a real Dask cluster of two worker processes (an existing cluster, reached by
its address through the CLI): the same dataset as the local runner, the spaCy model loaded
once per worker process, and fetching still polite per host."""

from __future__ import annotations

import gc
import shutil
import threading
import time

import pandas as pd
import pytest
from werkzeug import Response

from claims.cli import main
from claims.fetch import FetchResult
from claims.pipeline import get_tagger

PAGE = "<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"


@pytest.fixture(scope="module")
def cluster():
    from claims.runners import local_cluster

    with local_cluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as cluster:
        yield cluster


@pytest.mark.slow
def test_local_cluster_workers_start_ready_to_tag(cluster):
    """Dask's defaults (memory trimming, a 10 ms stack sampler) slow tagging by a seventh,
    and importing the tagging code in the first task delays every worker's start."""
    import os
    import sys

    import dask
    from distributed import Client

    def worker_state():
        trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
        return trim, dask.config.get("distributed.worker.profile.enabled"), "spacy" in sys.modules

    with Client(cluster) as client:
        assert set(client.run(worker_state).values()) == {(None, False, True)}


def _model_use(cluster) -> dict[str, tuple[int, int]]:
    """Per worker: (models loaded, tagging tasks that asked for one)."""
    from distributed import Client

    with Client(cluster) as client:
        infos = client.run(lambda: get_tagger.cache_info())
    return {worker: (info.misses, info.hits + info.misses) for worker, info in infos.items()}


def _dask_args(cluster) -> list[str]:
    return ["--runner", "dask", "--dask-address", cluster.scheduler_address]


def _frames(out) -> dict[str, pd.DataFrame]:
    """The run's tables without what differs between two runs (run id and timestamps)."""
    drop = {"claims": ["run_id"], "articles": ["run_id", "fetched_at"], "clusters": ["first_seen", "last_seen"]}
    key = {"claims": "claim_id", "articles": "article_id", "clusters": "cluster_id"}
    return {
        name: pd.read_parquet(out / f"{name}.parquet").drop(columns=cols).sort_values(key[name]).reset_index(drop=True)
        for name, cols in drop.items()
    }


@pytest.mark.slow
def _pages_held_when_the_dataset_is_written(monkeypatch, sources: list[str]) -> list[int]:
    """Counts, taken in the flow's process once tagging is over, of the pages read from
    ``sources`` (or files under them) that are still held in memory."""
    from claims.runfolder import RunFolder

    counts = []
    commit = RunFolder.commit

    def counting(folder, begun, run):
        gc.collect()
        counts.append(
            sum(
                isinstance(o, FetchResult) and o.text is not None and o.source.startswith(tuple(sources))
                for o in gc.get_objects()
            )
        )
        return commit(folder, begun, run)

    monkeypatch.setattr(RunFolder, "commit", counting)
    return counts


@pytest.fixture
def pages(site) -> list[str]:
    """Three web sources (one of them gone) to tag beside the example files."""
    site.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    site.expect_request("/prp.html").respond_with_data(
        PAGE.format(
            title="PRP for tennis elbow", text="PRP injections heal torn tendons for good. There are no risks at all."
        ),
        content_type="text/html",
    )
    site.expect_request("/cbd.html").respond_with_data(
        PAGE.format(
            title="CBD oil",
            text="CBD oil may ease anxiety in some adults (Garcia et al., 2020). It calms the nervous system.",
        ),
        content_type="text/html",
    )
    site.expect_request("/gone.html").respond_with_data("not here", status=404)
    return [site.url_for("/prp.html"), site.url_for("/cbd.html"), site.url_for("/gone.html")]


@pytest.mark.slow
def test_dask_run_writes_what_the_local_run_writes_and_loads_the_model_once_per_worker(
    prefect_server, fast_fetching, pages, examples_dir, tmp_path, cluster
):
    sources = [str(examples_dir), *pages]
    n_sources = len(list(examples_dir.iterdir())) + len(pages)

    assert main(["run", *sources, "--out", str(tmp_path / "local"), "--chunk-size", "1"]) == 0
    before_workers = _model_use(cluster)
    before_here = get_tagger.cache_info()
    assert main(["run", *sources, "--out", str(tmp_path / "dask"), "--chunk-size", "1", *_dask_args(cluster)]) == 0

    local, dask = _frames(tmp_path / "local"), _frames(tmp_path / "dask")
    assert len(local["claims"]) > 20 and local["articles"]["status"].value_counts().to_dict() == {"ok": 7, "error": 1}
    for name in ("claims", "articles", "clusters"):
        pd.testing.assert_frame_equal(dask[name], local[name], obj=name)
    assert not list((tmp_path / "dask").glob(".parts-*"))

    assert get_tagger.cache_info() == before_here  # nothing was tagged in the flow's process
    after_workers = _model_use(cluster)
    tasks = {w: after_workers[w][1] - before_workers[w][1] for w in after_workers}
    assert sum(tasks.values()) == n_sources  # one task per chunk of one article
    assert all(n > 0 for n in tasks.values()), f"both workers should tag: {tasks}"
    assert all(loads == 1 for loads, _ in after_workers.values()), after_workers


@pytest.mark.slow
def test_a_local_dask_cluster_does_not_keep_the_pages_it_sent(
    prefect_server, fast_fetching, pages, examples_dir, tmp_path, monkeypatch
):
    """With a local cluster the scheduler lives in the flow's process; Dask's debug logs of
    recent messages (each carrying a chunk of pages) must not hold the run's pages."""
    examples = tmp_path / "examples"  # paths of this test's own, as the module's cluster saw the others
    shutil.copytree(examples_dir, examples)
    held = _pages_held_when_the_dataset_is_written(monkeypatch, [str(examples), *pages])
    out = tmp_path / "out"
    args = ["run", str(examples), *pages, "--out", str(out), "--chunk-size", "1", "--runner", "dask"]
    assert main([*args, "--dask-workers", "2"]) == 0

    assert (pd.read_parquet(out / "articles.parquet")["status"] == "ok").sum() == len(list(examples.iterdir())) + 2
    # Dask's bookkeeping may hold each worker's last task a moment longer; its logs of
    # recent messages would hold every chunk sent
    assert len(held) == 1 and held[0] <= 2, f"the flow's process still holds {held} fetched pages"


@pytest.mark.slow
def test_fetching_stays_polite_per_host_with_dask_workers(prefect_server, fast_fetching, site, tmp_path, cluster):
    """Chunks are tagged on two workers, yet the one host never sees more than
    host_concurrency (2) requests at once: fetching stays in the flow's one fetcher."""
    lock = threading.Lock()
    load = {"now": 0, "peak": 0}

    def slow_page(request):
        with lock:
            load["now"] += 1
            load["peak"] = max(load["peak"], load["now"])
        time.sleep(0.2)
        with lock:  # finished before answering, so the next request is not counted as overlap
            load["now"] -= 1
        page = PAGE.format(title="TMS", text="TMS lifts depression in most patients.")
        return Response(page, content_type="text/html")

    site.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    for i in range(8):
        site.expect_request(f"/page-{i}.html").respond_with_handler(slow_page)
    urls = [site.url_for(f"/page-{i}.html") for i in range(8)]

    assert main(["run", *urls, "--out", str(tmp_path / "out"), "--chunk-size", "2", *_dask_args(cluster)]) == 0

    articles = pd.read_parquet(tmp_path / "out" / "articles.parquet")
    assert (articles["status"] == "ok").sum() == 8
    assert load["peak"] == 2  # concurrent, but within the per-host limit


@pytest.mark.parametrize(
    "options, complaint",
    [
        (["--dask-address", "tcp://127.0.0.1:8786"], "needs runner 'dask'"),
        (["--runner", "dask", "--dask-workers", "0"], "at least one Dask worker"),
        (["--runner", "dask", "--dask-address", "tcp://127.0.0.1:8786", "--dask-workers", "2"], "has its own workers"),
    ],
)
def test_contradictory_runner_options_are_refused_before_any_work(options, complaint, tmp_path, capsys):
    (tmp_path / "page.txt").write_text("Ketamine eases nerve pain.", encoding="utf-8")
    assert main(["run", str(tmp_path / "page.txt"), "--out", str(tmp_path / "out"), *options]) == 2
    assert complaint in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


class _ClusterStub:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_a_local_cluster_started_ahead_is_the_one_its_run_takes(monkeypatch):
    import claims.runners as claims_flow

    made, started = [], threading.Event()

    def cluster_stub(**kwargs):
        made.append(kwargs)
        started.set()
        return _ClusterStub()

    monkeypatch.setattr(claims_flow, "local_cluster", cluster_stub)
    runner = claims_flow.task_runner("dask", dask_workers=3, start_now=True)
    assert started.wait(timeout=10), "the cluster should start before any run asks for it"
    in_run = runner.duplicate()  # what Prefect does with the runner a flow is given
    first = in_run.cluster_class(**in_run.cluster_kwargs)
    assert len(made) == 1 and made[0]["n_workers"] == 3 and "start_key" not in made[0]
    claims_flow.release_started_cluster(runner)
    assert not first.closed  # the run took it: closing it is the run's business
    second = in_run.cluster_class(**in_run.cluster_kwargs)  # a second run: a cluster of its own
    assert second is not first and len(made) == 2 and made[1] == made[0]


def test_a_local_cluster_no_run_took_is_closed_on_release(monkeypatch):
    import claims.runners as claims_flow

    made = []
    monkeypatch.setattr(claims_flow, "local_cluster", lambda **kwargs: made.append(_ClusterStub()) or made[-1])
    runner = claims_flow.task_runner("dask", dask_workers=2, start_now=True)
    claims_flow.release_started_cluster(runner)  # say, the flow failed before its first chunk
    assert len(made) == 1 and made[0].closed
    claims_flow.release_started_cluster(runner)  # twice is harmless
