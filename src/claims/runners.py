"""Where a run's tagging tasks execute: threads of this process, or Dask workers.

``claims run --runner dask`` starts a local cluster (or connects to one by address); the
local cluster's workers are set up to tag at full speed (see ``local_cluster``), and
``task_runner(start_now=True)`` lets them start while Prefect starts its server.
"""

from __future__ import annotations

import os
import sys
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from claims.usage import runner_options_problem

if TYPE_CHECKING:
    from distributed import LocalCluster

# Dask, distributed and prefect-dask are imported where a Dask runner is made: a run on the
# local runner does not pay for them.
#: The module local Dask workers import as they start: the one holding the tasks.
WORKER_PRELOAD = "claims.flow"
#: Dask setting: keep no copies of a connection's recent messages (see ``no_message_log``).
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
    Prefect starts its server and the flow run, rather than after.
    The caller then calls ``release_started_cluster`` once the run is over, which closes
    the cluster if the run failed before taking it.
    """
    problem = runner_options_problem(runner, dask_address, dask_workers)
    if problem:
        raise ValueError(problem)
    if runner == "local":
        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
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


def local_cluster(**kwargs) -> "LocalCluster":
    """A ``LocalCluster`` whose workers are ready to tag at full speed.

    Workers import the module holding the tasks (and so spaCy, pandas and the tagger's
    code) as they start, as the flow's own process has by then, instead of in their first
    task. And two Dask defaults slow a tagging worker down (the README's Dask section says
    by how much): ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers' environment makes glibc
    hand memory back to the system after nearly every batch, and spaCy asks for it again at
    once; and the statistical profiler samples the working thread every 10 ms. The workers
    get glibc's own threshold and no profiler; their memory stays flat without the
    trimming (the benchmark's worker peak RSS). The scheduler lives in this process, which
    keeps no log of recent messages from here on (``no_message_log``).
    """
    import dask
    from distributed import LocalCluster

    no_message_log()
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set(
        {
            "distributed.nanny.pre-spawn-environ": environ,
            "distributed.worker.profile.enabled": False,
            "distributed.worker.preload": [WORKER_PRELOAD],
        }
    ):
        return LocalCluster(**kwargs)


def no_message_log() -> None:
    """Dask keeps each connection's last messages for debugging (1000 by default), and a
    message to or from a tagging task carries a chunk of pages: the flow process would hold
    hundreds of MB of them. Set for the rest of the process, not in a ``with`` block: a
    local cluster starting in another thread restores the settings it found when its own
    block ends, and would undo ours."""
    import dask

    dask.config.set(NO_MESSAGE_LOG)


#: Local clusters being started ahead of their flow run, by key (see ``task_runner``).
_STARTING: dict[str, Future] = {}


def release_started_cluster(runner: TaskRunner, wait: bool = True) -> None:
    """Close the cluster ``task_runner(start_now=True)`` began starting for ``runner`` if
    no run took it over (a run closes the cluster it took). ``wait=False`` (the process is
    about to exit) leaves a cluster still starting alone: its worker processes end with
    this one."""
    key = getattr(runner, "cluster_kwargs", {}).get("start_key")
    starting = _STARTING.pop(key, None) if key else None
    if starting is None or not (wait or starting.done()):
        return
    if starting.exception() is None:
        starting.result().close()


def started_cluster(start_key: str, **kwargs) -> "LocalCluster":
    """The cluster ``task_runner(start_now=True)`` began starting; a new one if it was
    taken already (a runner used for a second run)."""
    starting = _STARTING.pop(start_key, None)
    return starting.result() if starting else local_cluster(**kwargs)


def on_dask(runner: TaskRunner) -> bool:
    """Whether ``runner`` is a Dask task runner (prefect-dask is loaded if one was made)."""
    dask_runners = sys.modules.get("prefect_dask.task_runners")
    return dask_runners is not None and isinstance(runner, dask_runners.DaskTaskRunner)


def task_slots(runner: TaskRunner) -> int:
    """Tasks ``runner`` can run at once (a Dask cluster may grow or shrink)."""
    if on_dask(runner):
        return max(1, sum(runner.client.nthreads().values()))
    return os.cpu_count() or 1


def submitting(runner: TaskRunner, api_url: str) -> AbstractContextManager:
    """What a Dask runner needs while chunks are submitted (nothing for the local runner).

    No log of recent messages (``no_message_log``). And without PREFECT_API_URL the flow
    reports to a temporary server of its own, which workers cannot guess: each would start
    another and its task runs would be lost to this flow run; tasks carry the settings they
    are submitted under, so it is named there (``api_url``: the flow's client's).
    """
    if not on_dask(runner):
        return nullcontext()
    no_message_log()
    if PREFECT_API_URL.value():
        return nullcontext()
    return temporary_settings(updates={PREFECT_API_URL: api_url.rstrip("/")})
