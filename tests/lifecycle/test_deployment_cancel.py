"""Cancelling a deployment's flow run through Prefect's API does what SIGTERM does to
``claims run``: Prefect's process worker signals the flow-run process, which stops its
chunks, removes its parts and ends Cancelled, leaving the run folder's last committed run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from runprocs import Run, dataset, leftovers, prefect_api, survivors

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _wait_for_state(url: str, flow_run_id: str, states: set[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = prefect_api(url, f"/flow_runs/{flow_run_id}")["state"]["type"]
        if state in states:
            return state
        time.sleep(0.5)
    raise AssertionError(f"flow run {flow_run_id} still {state} after {timeout} s")


def test_cancelling_a_deployment_run_stops_it_like_sigterm(
    claims_server, run_env, articles, slow_site, out_with_baseline, baseline
):
    env = {
        **run_env,
        "PREFECT_API_URL": claims_server,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    pool = f"claims-test-{time.time_ns()}"
    deploy = f"""
from prefect import flow
flow.from_source(source={str(REPO)!r}, entrypoint="flows/claims_flow.py:claims_run").to_deployment(
    name="cancel-test", work_pool_name={pool!r}).apply()
"""
    subprocess.run(
        [sys.executable, "-m", "prefect", "work-pool", "create", pool, "--type", "process"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    # apply() registers the deployment as `prefect deploy` does, without listing the pool's
    # workers (a request fastapi 0.154 answers with 422: issue 14)
    subprocess.run([sys.executable, "-c", deploy], env=env, check=True, capture_output=True, timeout=120)
    worker = Run.start(["-m", "prefect", "worker", "start", "--pool", pool], env, program=[sys.executable])
    try:
        [deployment] = prefect_api(
            claims_server, "/deployments/filter", {"limit": 10, "offset": 0, "work_pools": {"name": {"any_": [pool]}}}
        )
        flow_run = prefect_api(
            claims_server,
            f"/deployments/{deployment['id']}/create_flow_run",
            {"parameters": {"sources": [*articles, *slow_site], "out_dir": str(out_with_baseline), "chunk_size": 5}},
        )
        _wait_for_state(claims_server, flow_run["id"], {"RUNNING"}, timeout=180)
        worker.wait_for(r"\[\d+-\d+/44\]")  # tagging: the run has chunks in flight
        children = worker.children()
        prefect_api(
            claims_server,
            f"/flow_runs/{flow_run['id']}/set_state",
            {"state": {"type": "CANCELLING", "name": "Cancelling"}, "force": True},
        )
        cancelled_at = time.monotonic()
        state = _wait_for_state(
            claims_server, flow_run["id"], {"CANCELLED", "CRASHED", "COMPLETED", "FAILED"}, timeout=120
        )
        flow_process = [c for c in children if c.pid != worker.process.pid]
        assert not survivors(flow_process), worker.output
        took = time.monotonic() - cancelled_at
        print(f"cancel request to the flow run's end: {took:.1f} s")
    finally:
        worker.kill_tree()

    assert state == "CANCELLED", worker.output
    assert "cancelled: its parts are removed" in worker.output
    assert took < 30, f"{took:.0f} s from the cancel request to the flow run's end"
    assert not leftovers(out_with_baseline)
    assert dataset(out_with_baseline) == dataset(baseline)
