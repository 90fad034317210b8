"""Starting the review app as a local Streamlit server.

The server binds to 127.0.0.1 only: the app writes verdicts and shows scraped pages, so it is
a tool for the person at this machine, not a service. It runs headless (no e-mail prompt, no
browser of Streamlit's choosing), sends no usage statistics and hides Streamlit's developer
toolbar; ``launch`` opens the browser itself when asked, once the server answers.

The server stops with ``claims review``: on Ctrl-C, on SIGTERM and SIGHUP (``kill``, a
closed terminal; ``stop_on_signals``), and on SIGKILL, which cannot be caught: the server
is started through ``claims.lifecycle.deathsig``, so the kernel stops it when the thread
that launched it ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claims.dataset import DatasetError
from claims.lifecycle.deathsig import python_module_command
from claims.runfolder import RunFolder

APP_PATH = Path(__file__).with_name("app.py")
HOST = "127.0.0.1"
#: Seconds to wait for the server to answer its health check before giving up.
DEFAULT_STARTUP_TIMEOUT = 60.0
#: Seconds between two health checks while the server starts.
_POLL_INTERVAL = 0.2
#: Seconds given to the server to stop after SIGTERM before it is killed.
_STOP_GRACE = 10.0


class LaunchError(RuntimeError):
    """The review server could not be started; the message says why."""


@dataclass
class ReviewServer:
    """A running review app. ``wait()`` blocks like ``streamlit run``; ``stop()`` ends it."""

    process: subprocess.Popen[bytes]
    url: str

    def wait(self) -> int:
        try:
            return self.process.wait()
        except KeyboardInterrupt:
            self.stop()
            return self.process.returncode

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "ReviewServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def launch(
    out_dir: str,
    port: int | None = None,
    open_browser: bool = False,
    *,
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
) -> ReviewServer:
    """Serve the review app for the run in ``out_dir`` on 127.0.0.1 and return once it answers.

    ``port=None`` picks a free port. The run folder reaches the app as ``CLAIMS_OUT_DIR``.
    Call it from a thread that lives as long as the server (the main thread): the server
    stops when that thread ends.
    """
    run_dir = Path(out_dir).resolve()
    try:
        committed = RunFolder(run_dir).current()
    except DatasetError as exc:
        raise LaunchError(str(exc)) from exc
    if committed is None or not committed.has("claims"):
        raise LaunchError(f"{run_dir} holds no dataset: run `claims run` first or pass the run's output folder")
    port = port or _free_port()
    command = python_module_command(
        "streamlit",
        "run",
        str(APP_PATH),
        f"--server.address={HOST}",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    )
    process = subprocess.Popen(command, env={**os.environ, "CLAIMS_OUT_DIR": str(run_dir)})
    server = ReviewServer(process, f"http://{HOST}:{port}/")
    try:
        _wait_until_healthy(server, startup_timeout)
    except BaseException:
        server.stop()
        raise
    if open_browser:
        webbrowser.open(server.url)
    return server


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs (in the main thread), SIGTERM and SIGHUP raise KeyboardInterrupt,
    so the server is stopped as on Ctrl-C rather than left listening."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait_until_healthy(server: ReviewServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    health = server.url + "_stcore/health"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise LaunchError(f"streamlit exited with code {server.process.returncode} before serving {server.url}")
        try:
            with urllib.request.urlopen(health, timeout=_POLL_INTERVAL * 5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(_POLL_INTERVAL)
    raise LaunchError(f"the review app did not answer at {health} within {timeout:.0f} s")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
