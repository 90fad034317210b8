"""Stopping a run when it is told to: SIGINT and SIGTERM become an exception.

``claims run`` stops at any point on SIGINT (Ctrl-C) or SIGTERM (``kill``, ``timeout``,
systemd, a Prefect worker cancelling the flow run). ``cancel_on_signals`` turns the first
such signal into ``RunCancelled``, raised in the main thread wherever it waits, so the run
unwinds through its cleanup: the run folder drops the run's parts, the task runner and its
Dask cluster shut down, the temporary Prefect server stops. A second signal while that
runs ends the process at once (``os._exit``), as a second Ctrl-C does in most tools; the
children die with it (see ``deathsig``). A cancelled run exits with 128 + the signal's
number (130 for SIGINT, 143 for SIGTERM), the status a shell gives a process the signal
killed.

``deferred`` holds the signals back over a few lines that must not be split (switching a
run folder's ``current`` link): one arriving inside is acted on when the block ends.

A signal the process was started with ignored stays ignored (``nohup``, the background job
of a script: Ctrl-C at the terminal is not meant for it), as Python's own Ctrl-C handling
leaves such a SIGINT alone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _listened_to() -> list[int]:
    """The stop signals this process has not been told to ignore."""
    return [signum for signum in SIGNALS if signal.getsignal(signum) != signal.SIG_IGN]


class RunCancelled(BaseException):
    """The run was told to stop. A BaseException, like KeyboardInterrupt, so that the
    ``except Exception`` blocks that keep a run going past one bad page let it through."""

    def __init__(self, signum: int):
        super().__init__(f"cancelled by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return exit_code_of(self.signum)


def exit_code_of(signum: int) -> int:
    """The status a shell reports for a process that ``signum`` ended."""
    return 128 + signum


class Stops:
    """The stop signals received while a ``noting_stops`` block ran, first first."""

    def __init__(self) -> None:
        self.received: list[int] = []

    @property
    def first(self) -> int | None:
        return self.received[0] if self.received else None


@contextmanager
def noting_stops() -> Iterator[Stops]:
    """While the block runs (in the main thread), SIGINT and SIGTERM are noted in the
    ``Stops`` it yields before the handlers already installed (ours, Prefect's, Python's
    default) act on them as before.

    The exception a signal handler raises surfaces wherever the main thread is, and a
    library there may swallow or wrap it: pydantic turns one raised inside a serializer into
    its own error (Prefect serialises its settings for every task it sends to Dask). What a
    run does next must not depend on which exception came out, so it asks the record."""
    stops = Stops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return

    def noting(previous):
        def handler(signum, frame):
            stops.received.append(signum)
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:  # the default: end the process by the signal
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        return handler

    previous = {signum: signal.getsignal(signum) for signum in _listened_to()}
    for signum, old in previous.items():
        signal.signal(signum, noting(old))
    try:
        yield stops
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def cancel_on_signals() -> Iterator[None]:
    """While the block runs (in the main thread), the first SIGINT or SIGTERM raises
    ``RunCancelled``; another one ends the process with its exit code at once."""
    received: list[int] = []

    def handler(signum, frame):
        received.append(signum)
        if len(received) > 1:
            sys.stderr.write(f"claims: {signal.Signals(signum).name} again: stopping at once\n")
            sys.stderr.flush()
            os._exit(exit_code_of(signum))
        raise RunCancelled(signum)

    previous = {signum: signal.signal(signum, handler) for signum in _listened_to()}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends, then deliver them to whatever
    handler is installed. Python runs signal handlers in the main thread only, so a block
    in another thread needs nothing and gets nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum, frame):
        held.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in _listened_to()}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)
