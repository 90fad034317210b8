"""``claims server start | status | stop``: one local Prefect server that runs reuse.

A run without ``PREFECT_API_URL`` would otherwise start and stop a temporary Prefect server
of its own, which costs most of a small run's time. ``claims server start`` starts the
full Prefect server (API, UI and services, so deployments and workers can use it too) on
127.0.0.1 in the background, in a session of its own so it outlives the terminal, and notes
where it is in ``PREFECT_HOME/claims-server.json``; runs find it there and use it while it
answers. Its output goes to ``PREFECT_HOME/claims-server.log``. The note records the
process's start time as well as its id, so a stale note never leads ``stop`` to signal an
unrelated process that got the same id.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from claims.atomic import write_text
from claims.lifecycle.apiserver import HOST, POLL_INTERVAL, STARTUP_LOCK, ApiUnavailable, healthy, prefect_home

STATE_FILE = "claims-server.json"
LOG_FILE = "claims-server.log"
DEFAULT_PORT = 4200
#: Seconds the server gets to stop after SIGTERM before it is killed.
STOP_GRACE = 10.0


@dataclass(frozen=True)
class ServerNote:
    pid: int
    url: str
    started: float  # the process's start time, as the kernel reports it

    def alive(self) -> bool:
        return _start_time(self.pid) == self.started


def running() -> ServerNote | None:
    """The ``claims server`` that is up and answering, if any."""
    note = _read_note()
    if note is not None and note.alive() and healthy(note.url):
        return note
    return None


def start(port: int, timeout: float) -> tuple[ServerNote, bool]:
    """Start the server unless one is running; returns it and whether it was started now.
    Raises ApiUnavailable if it does not answer within ``timeout`` seconds."""
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home):
        note = _read_note()
        if note is not None and note.alive():
            if not healthy(note.url):
                _wait_healthy(note, timeout, None)
            return note, False
        if not _port_free(port):
            raise ApiUnavailable(f"port {port} on {HOST} is in use; choose another with --port")
        env = {
            **os.environ,
            "PREFECT_SERVER_ANALYTICS_ENABLED": os.environ.get("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        }
        env.pop("PREFECT_API_URL", None)
        with open(home / LOG_FILE, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        note = ServerNote(process.pid, f"http://{HOST}:{port}/api", _start_time(process.pid))
        try:
            _wait_healthy(note, timeout, process)
        except BaseException:
            _stop_group(process.pid)
            process.wait()
            raise
        _write_note(note)
        return note, True


def stop() -> ServerNote | None:
    """Stop the server if it runs; returns the note of the one stopped."""
    home = prefect_home()
    with _locked(home):
        note = _read_note()
        (home / STATE_FILE).unlink(missing_ok=True)
        if note is None or not note.alive():
            return None
        _stop_group(note.pid)
        return note


def _wait_healthy(note: ServerNote, timeout: float, process: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ApiUnavailable(
                f"the Prefect server exited with status {process.returncode}; see {prefect_home() / LOG_FILE}"
            )
        if healthy(note.url):
            return
        time.sleep(POLL_INTERVAL)
    raise ApiUnavailable(
        f"the Prefect server did not answer at {note.url} within {timeout:g} s; see {prefect_home() / LOG_FILE}"
    )


def _stop_group(pid: int) -> None:
    """SIGTERM to the server's process group, SIGKILL to what is left after the grace."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_GRACE
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(POLL_INTERVAL)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _start_time(pid: int) -> float | None:
    """The process's start time in clock ticks since boot (``/proc/PID/stat``), or None
    if there is no such process (or it is a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return float(fields[19])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _read_note() -> ServerNote | None:
    try:
        return ServerNote(**json.loads((prefect_home() / STATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write_note(note: ServerNote) -> None:
    write_text(prefect_home() / STATE_FILE, json.dumps(asdict(note)))


class _locked:
    """``claims server`` commands take turns (two starts at once start one server), and
    with the runs' temporary servers while one starts (``apiserver.StartupTurn``)."""

    def __init__(self, home: Path) -> None:
        self._path = home / STARTUP_LOCK

    def __enter__(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        os.close(self._fd)
