"""The Prefect API a run uses: ``claims server`` started once and reused, start-up failures
reported with their own exit status, and no server left behind."""

from __future__ import annotations

import re
import subprocess
import time

import psutil
import pytest
from runprocs import CLAIMS, Run, base_env, free_port, port_is_free, prefect_api, survivors

pytestmark = pytest.mark.slow


def _claims(args, env, timeout=300):
    return subprocess.run([*CLAIMS, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_runs_use_the_claims_server(claims_server, baseline, run_env, articles, tmp_path):
    run = Run.start(["run", articles[0], "--out", str(tmp_path / "out")], run_env)
    assert run.finish() == 0, run.output
    assert f"Prefect API at {claims_server} (claims server)" in run.output


def _heartbeats(api_url: str, output: str, wait: float) -> int:
    """How many heartbeat events the server holds for the flow run ``output`` names,
    polled for up to ``wait`` seconds (events reach the server in the background)."""
    flow_run = re.search(r"/runs/flow-run/([0-9a-f-]{36})", output).group(1)
    body = {
        "filter": {
            "event": {"name": ["prefect.flow-run.heartbeat"]},
            "resource": {"id": [f"prefect.flow-run.{flow_run}"]},
        },
        "limit": 10,
    }
    deadline = time.monotonic() + wait
    while True:
        found = prefect_api(api_url, "/events/filter", body)["total"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_runs_send_prefect_heartbeats_only_when_configured(claims_server, baseline, run_env, articles, tmp_path):
    # configured: Prefect's first heartbeat goes out as the flow starts
    beating = Run.start(
        ["run", articles[1], "--out", str(tmp_path / "a")], {**run_env, "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}
    )
    assert beating.finish() == 0, beating.output
    assert _heartbeats(claims_server, beating.output, wait=20) >= 1
    # not configured: none, where Prefect's default would send one at once
    quiet = Run.start(["run", articles[2], "--out", str(tmp_path / "b")], run_env)
    assert quiet.finish() == 0, quiet.output
    assert _heartbeats(claims_server, quiet.output, wait=5) == 0


def test_claims_server_starts_once_reports_and_stops(tmp_path):
    env = base_env(tmp_path / "home", tmp_path / "cache")
    port = free_port()
    started = _claims(["server", "start", "--port", str(port)], env)
    assert started.returncode == 0 and "started at" in started.stdout, started.stderr
    pid = int(re.search(r"pid (\d+)", started.stdout).group(1))
    again = _claims(["server", "start", "--port", str(free_port())], env)
    assert "already running" in again.stdout and f"pid {pid}" in again.stdout
    status = _claims(["server", "status"], env)
    assert status.returncode == 0 and f"127.0.0.1:{port}/api" in status.stdout
    server = psutil.Process(pid)
    tree = [server, *server.children(recursive=True)]

    stopped = _claims(["server", "stop"], env)
    assert stopped.returncode == 0 and f"pid {pid}" in stopped.stdout
    assert not survivors(tree)
    assert _claims(["server", "status"], env).returncode == 1
    assert port_is_free(port)


def test_an_api_that_does_not_answer_is_a_start_up_failure(run_env, articles, tmp_path):
    env = {**run_env, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}
    done = _claims(["run", articles[0], "--out", str(tmp_path / "out")], env)
    assert done.returncode == 3, done.stderr
    assert "could not start" in done.stderr and "does not answer" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_temporary_server_too_slow_to_start_is_a_start_up_failure_and_is_stopped(run_env, articles, tmp_path):
    env = {**run_env, "PREFECT_HOME": str(tmp_path / "home"), "CLAIMS_PREFECT_STARTUP_TIMEOUT": "0.5"}
    run = Run.start(["run", articles[0], "--out", str(tmp_path / "out")], env)
    assert run.finish() == 3, run.output
    assert "did not answer within 0.5 s" in run.output and "CLAIMS_PREFECT_STARTUP_TIMEOUT" in run.output
    assert not survivors(_servers_of(env["PREFECT_HOME"]))


def _servers_of(prefect_home: str) -> list[psutil.Process]:
    """Prefect servers running with this PREFECT_HOME."""
    found = []
    for process in psutil.process_iter():
        try:
            if (
                "prefect.server" in " ".join(process.cmdline())
                and process.environ().get("PREFECT_HOME") == prefect_home
            ):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found
