"""Real ``claims`` processes for the crash and cancellation tests: started, watched,
signalled, killed, and what they leave behind checked.

Importable from any test (``pythonpath = ["tests"]``): ``from runprocs import Run, ...``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

CLAIMS = [sys.executable, "-m", "claims.cli"]
#: Seconds a run may take to stop once signalled (the promise is 10 s).
STOP_WITHIN = 10.0
#: Seconds a killed run's children get to die with it.
CHILDREN_GONE_WITHIN = 10.0
ARTICLE = (
    "Treatment {i}\n\nKetamine infusions relieve nerve pain within hours for patient group {i}. "
    "The treatment is completely safe and non-addictive. Studies show it may ease depression too.\n"
)


def _listen_to_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` (a closed server's connections may linger in
    TIME_WAIT, which SO_REUSEADDR lets a new listener ignore)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def base_env(prefect_home: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CLAIMS_CACHE_DIR=str(cache),
        CLAIMS_HOST_DELAY="0",
        CLAIMS_RETRIES="1",
        CLAIMS_BACKOFF="0.05",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Run:
    """A ``claims`` process whose output is read line by line as it comes."""

    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    _new: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)

    @classmethod
    def start(cls, args: list[str], env: dict[str, str], cwd: Path | None = None, program: list[str] = CLAIMS) -> "Run":
        process = subprocess.Popen(
            [*program, *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            # Ctrl-C as a terminal would send it: a test run started with SIGINT ignored (in the
            # background of a script) would pass that on, and the command would rightly ignore it
            preexec_fn=_listen_to_ctrl_c,
        )
        run = cls(process)
        threading.Thread(target=run._read, daemon=True).start()
        return run

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            self._new.put(line)
        self._new.put(None)

    def wait_for(self, pattern: str, timeout: float = 180.0) -> re.Match | None:
        """The first output line matching ``pattern`` (seen already or still to come);
        None if the process ends first."""
        regex = re.compile(pattern)
        for line in list(self.lines):
            if found := regex.search(line):
                return found
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._new.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                return None
            if found := regex.search(line):
                return found
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output:\n{self.output}")

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def signal_and_time(self, signum: int, timeout: float = 60.0) -> tuple[int, float, list[psutil.Process]]:
        """Send ``signum``; returns the exit status, the seconds it took, and the children
        it had when signalled."""
        children = self.children()
        sent = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_tree()
            raise AssertionError(
                f"still running {timeout} s after {signal.Signals(signum).name}:\n{self.output}"
            ) from None
        return code, time.monotonic() - sent, children

    def kill_tree(self) -> None:
        for process in [*self.children(), psutil.Process(self.process.pid)]:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        self.process.wait()

    def finish(self, timeout: float = 240.0) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_tree()
            raise AssertionError(f"did not finish within {timeout} s:\n{self.output}") from None


def survivors(children: list[psutil.Process], within: float = CHILDREN_GONE_WITHIN) -> list[str]:
    """Those of ``children`` still alive after ``within`` seconds (zombies count as gone)."""
    _, alive = psutil.wait_procs(children, timeout=within)
    left = []
    for process in alive:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid}: {' '.join(process.cmdline())[:160]}")
        except psutil.NoSuchProcess:
            pass
    return left


def leftovers(out: Path) -> list[str]:
    """Files a stopped run must not leave in its output folder: parts, staging folders,
    temporary files and links."""
    names = [p.name for p in out.iterdir()] if out.is_dir() else []
    return [n for n in names if n.startswith((".parts-", ".gen-", ".current.")) or n.endswith(".tmp") or ".link." in n]


def prefect_api(api_url: str, path: str, body: dict | None = None, attempts: int = 8):
    """One call to a Prefect server's REST API: POST with ``body``, GET without.

    A server on SQLite answers 503 while its database is busy and means "retry" (Prefect's
    own client retries it); so do we, with a growing pause, and fail on any other error."""
    request = urllib.request.Request(
        f"{api_url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code != 503 or attempt == attempts - 1:
                raise
            time.sleep(0.25 * 2**attempt)


def latest_artifact(key: str):
    """The newest Prefect artifact with ``key``, read through the current API."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, TaskRunFilter
    from prefect.client.schemas.sorting import ArtifactSort

    # every filter spelled out: this Prefect/FastAPI pair rejects the nulls Artifact.get sends
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            flow_run_filter=FlowRunFilter(),
            task_run_filter=TaskRunFilter(),
            limit=1,
            offset=0,
            sort=ArtifactSort.UPDATED_DESC,
        )
    return artifact


def flow_run_state(api_url: str, output: str) -> str | None:
    """The state of the flow run a run's output names (None if it never made one)."""
    found = re.search(r"/runs/flow-run/([0-9a-f-]{36})", output)
    if not found:
        return None
    return prefect_api(api_url, f"/flow_runs/{found.group(1)}")["state"]["type"]


def dataset(out: Path) -> tuple[set[str], dict[str, str], list[str]]:
    """What a run folder holds, through claims.load: claim ids, article statuses by source,
    run ids."""
    from claims import load

    claims = load(out)
    articles = load(out, "articles")
    runs = load(out, "runs")
    return set(claims["claim_id"]), dict(zip(articles["source"], articles["status"])), sorted(runs["run_id"])
