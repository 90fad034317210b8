"""The Prefect API a run reports to, found or started before the flow starts.

``api_for_run`` chooses, in this order:

1. ``PREFECT_API_URL`` when it is set (environment or Prefect profile): used as is, and
   something must answer there;
2. the server ``claims server start`` left running (``localserver``), when it answers;
3. otherwise a temporary server of the run's own, started here as a child process and
   stopped when the run ends.

Prefect would start that temporary server itself, but its own way leaves the server
running when the run is killed (SIGKILL), lets two runs that start together create the
database in PREFECT_HOME at once (one fails, "table ... already exists"), gives up after
20 s, and reports any of it as a generic RuntimeError. Here the server is started through
``deathsig`` so it dies with the run, in a session of its own so a Ctrl-C reaches the run
first (which then marks its flow run cancelled before stopping the server), on a socket
this process already bound (no port race between runs), one at a time per PREFECT_HOME
(``StartupTurn``), and it is waited for up to ``Settings.prefect_startup_timeout``
seconds. A failure raises ``ApiUnavailable`` with what the server said, which ``claims
run`` reports with its own exit status.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claims.lifecycle.deathsig import python_module_command

HOST = "127.0.0.1"
#: Seconds between two health checks while a server starts.
POLL_INTERVAL = 0.2
#: Seconds a running server may take to answer one health check.
HEALTH_TIMEOUT = 3.0
#: Seconds a stopping server gets after SIGTERM before it is killed.
STOP_GRACE = 5.0
#: Seconds given to Prefect's background workers to send the run's last logs and events.
DRAIN_TIMEOUT = 5.0
#: In PREFECT_HOME: held by a server of ours while it starts (``StartupTurn``).
STARTUP_LOCK = ".claims-server.lock"


class ApiUnavailable(RuntimeError):
    """No Prefect API could be reached or started; the message says why."""


@dataclass(frozen=True)
class Api:
    """The API a run uses: its URL and where it came from (``configured``,
    ``claims server`` or ``temporary``)."""

    url: str
    origin: str


def answers(api_url: str, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether anything answers HTTP at ``api_url`` (any status: a configured API, say
    Prefect Cloud's, need not have our health path)."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def healthy(api_url: str, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether the Prefect API at ``api_url`` (ending in ``/api``) answers its health check."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200 and json.loads(response.read() or b"null") is True
    except (OSError, ValueError):  # URLError, refused, reset and timeouts are OSErrors
        return False


@contextmanager
def api_for_run(startup_timeout: float, meanwhile: Callable[[], None] = lambda: None) -> Iterator[Api]:
    """The API for one run (see the module's docstring), named in ``PREFECT_API_URL`` for
    the block's duration; a temporary server is stopped when the block ends, after
    Prefect has sent it the run's remaining logs.

    ``meanwhile`` runs while a temporary server starts (the caller's own slow start:
    imports, a Dask cluster), with ``PREFECT_API_URL`` already naming it. The server is
    started before Prefect's settings are read (reading them imports Prefect, seconds),
    and stopped again in the rare case that a Prefect profile names an API after all.
    """
    from claims.lifecycle import localserver

    server = running = None
    if not (os.environ.get("PREFECT_API_URL") or _named_by_loaded_prefect()):
        running = localserver.running()
        if running is None:
            server = TemporaryServer()
            server.launch(wait_for_turn=False)
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        configured = PREFECT_API_URL.value()
        if configured:
            if server is not None:
                server.stop()
                server = None
            if not answers(configured):
                raise ApiUnavailable(
                    f"the Prefect API at {configured} (PREFECT_API_URL) does not answer; start "
                    "it, or unset PREFECT_API_URL to let the run start a temporary server"
                )
            meanwhile()
            yield Api(configured, "configured")
            return
        api = Api(server.url, "temporary") if server is not None else Api(running.url, "claims server")
        with _named(api.url, PREFECT_API_URL, temporary_settings):
            meanwhile()
            if server is not None:
                server.launch()
                server.wait_until_healthy(startup_timeout)
            try:
                yield api
            finally:
                if server is not None:
                    drain_prefect_workers()
    finally:
        if server is not None:
            server.stop()


def _named_by_loaded_prefect() -> bool:
    """Whether Prefect, if this process has loaded it already (a caller in Python, a
    test harness), names an API: then no server is started on speculation."""
    settings = sys.modules.get("prefect.settings")
    return settings is not None and bool(settings.PREFECT_API_URL.value())


@contextmanager
def _named(url: str, setting, temporary_settings) -> Iterator[None]:
    """``url`` as PREFECT_API_URL for this process (Prefect's settings) and for the
    processes it starts (the environment: local Dask workers)."""
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={setting: url}):
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def drain_prefect_workers() -> None:
    """Send the logs and events Prefect still holds, while the server is up."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=DRAIN_TIMEOUT)
        except Exception:  # losing the last log lines must not fail a finished run
            pass


def prefect_home() -> Path:
    """Prefect's home folder (``PREFECT_HOME``, by default ``~/.prefect``), where Prefect
    keeps its profiles and database."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


class StartupTurn:
    """One server of a PREFECT_HOME starts at a time. A server creates or migrates the
    database in PREFECT_HOME as it starts, and two doing so at once fail ("table ...
    already exists"); each waits for its turn, held until its server answers."""

    def __init__(self) -> None:
        self._fd: int | None = None

    def take(self, wait: bool = True) -> bool:
        if self._fd is not None:
            return True
        home = prefect_home()
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(home / STARTUP_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BaseException:  # BlockingIOError: another server is starting; or the run was cancelled
            os.close(fd)
            if wait:
                raise
            return False
        self._fd = fd
        return True

    def give_back(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class TemporaryServer:
    """A Prefect API server (no UI, no services) that lives as long as this process.

    Its port is bound when the object is made, so its URL is known before it starts.
    Launch it from the main thread: the kernel stops it when the thread that started it
    ends (``deathsig``).
    """

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((HOST, 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}/api"
        self.process: subprocess.Popen | None = None
        self._output = tempfile.TemporaryFile()  # what the server says, for an error message
        self._turn = StartupTurn()

    def launch(self, wait_for_turn: bool = True) -> bool:
        """Start the server once it is this run's turn (at once, or not at all, when not
        ``wait_for_turn``); whether it was started."""
        if self.process is not None:
            return True
        if not self._turn.take(wait=wait_for_turn):
            return False
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "false",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        env.pop("PREFECT_API_URL", None)
        fd = self._listener.fileno()
        command = python_module_command(
            "uvicorn",
            "--factory",
            "prefect.server.api.server:create_app",
            "--fd",
            str(fd),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        )
        self.process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
            start_new_session=True,
        )
        self._listener.close()  # the server holds its own copy
        return True

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ApiUnavailable(
                    f"the temporary Prefect server exited with status {self.process.returncode} "
                    f"before answering{self._said()}"
                )
            if healthy(self.url, timeout=min(HEALTH_TIMEOUT, max(0.1, deadline - time.monotonic()))):
                self._turn.give_back()
                return
            time.sleep(POLL_INTERVAL)
        raise ApiUnavailable(
            f"the temporary Prefect server did not answer within {timeout:g} s (CLAIMS_PREFECT_STARTUP_TIMEOUT "
            f"sets the wait; `claims server start` keeps one running for every run){self._said()}"
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._turn.give_back()
        self._listener.close()
        self._output.close()

    def _said(self) -> str:
        try:
            self._output.seek(0)
            text = self._output.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f"; its last output:\n{text[-2000:]}" if text else ""
