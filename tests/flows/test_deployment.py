"""The Prefect deployment: prefect.yaml is valid, and the README's commands work as written."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
#: The README's block, found by the comment above it.
BLOCK_MARK = "<!-- tests/flows/test_deployment.py runs this block"
#: Seconds for the whole README path: a server start, a deploy, one run of the examples.
DEPLOY_TIMEOUT = 900


def test_prefect_yaml_points_at_the_flow_with_valid_parameters():
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    [deployment] = spec["deployments"]
    path, name = deployment["entrypoint"].split(":")
    flow = load_flow_from_entrypoint(str(REPO / path) + ":" + name)
    assert flow.name == "claims-run"
    # each run must say where it writes: no default that would point into the checkout
    assert "out_dir" not in deployment["parameters"]
    flow.validate_parameters({**deployment["parameters"], "out_dir": "/somewhere/else"})
    assert (REPO / deployment["parameters"]["sources"][0]).is_dir()


def readme_deploy_block() -> str:
    after = README[README.index(BLOCK_MARK) :]
    return re.search(r"```bash\n(.*?)```", after, re.S).group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _snapshot(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.slow
def test_readme_deployment_commands_run_end_to_end(tmp_path: Path):
    """The README's block, run by bash from the checkout against a real local server and
    worker (on a free port, with a private PREFECT_HOME and HOME); then a run without
    out_dir, which must be refused."""
    if not (REPO / ".venv" / "bin" / "activate").is_file():
        pytest.skip("the README's commands use the set-up's .venv, which this checkout lacks")
    port = _free_port()
    block = readme_deploy_block()
    assert "4200" in block and "out_dir=" in block and "prefect artifact ls" in block
    home = tmp_path / "home"
    home.mkdir()
    script = "\n".join(
        [
            "set -euo pipefail",
            # whatever happens: stop the worker (it ends on SIGINT) and the server
            "trap 'kill -INT $(jobs -p) 2>/dev/null || true; sleep 3; kill -KILL $(jobs -p) 2>/dev/null || true;"
            " prefect server stop || true' EXIT",
            block.replace("4200", str(port)),
            'prefect deployment run claims-run/claims-run > "$RESULTS/no-out-dir.log" 2>&1'
            ' && echo accepted > "$RESULTS/no-out-dir.status" || echo refused > "$RESULTS/no-out-dir.status"',
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMS_"))}
    env.update(
        HOME=str(home),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        COLUMNS="200",
        CLAIMS_CACHE_DIR=str(tmp_path / "cache"),
        RESULTS=str(tmp_path),
    )
    processed = REPO / "data" / "processed"
    before = _snapshot(processed)
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=DEPLOY_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        pytest.fail(f"the README's deployment commands did not finish in {DEPLOY_TIMEOUT} s:\n{output[-3000:]}")
    assert process.returncode == 0, output[-5000:]

    assert "Flow run finished successfully" in output
    assert "claims-run-summary" in output and "claims-top-priority" in output  # `prefect artifact ls`
    import claims

    claims_table = claims.load(home / "claims-runs" / "examples")
    assert len(claims_table) > 0 and claims_table["needs_citation"].any()
    assert _snapshot(processed) == before  # nothing written into the checkout
    assert (tmp_path / "no-out-dir.status").read_text().strip() == "refused"
    assert "'out_dir' is a required property" in (tmp_path / "no-out-dir.log").read_text()
