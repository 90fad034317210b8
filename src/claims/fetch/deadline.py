"""A total deadline for one HTTP request: connecting, the headers and the whole body.

Socket timeouts bound each read, not the exchange: a server that sends one byte every few
seconds never lets a read time out, and would hold a run for ever. So each request runs
under a ``Deadline``: a timer that, when it fires, shuts down the socket of the connection
the request is using, which makes the blocked read return at once; the request then reports
that it missed its deadline. One watchdog thread keeps every deadline of the process.

Which connection a request uses is decided deep inside urllib3's pool, so the pools that
``DeadlineAdapter`` mounts tell the deadline of the calling thread about the socket of each
connection they hand out, or open: the socket itself, since http.client lets go of it on the
connection once an answer that ends with the connection starts.

What a deadline cannot cut short: a DNS lookup (the resolver has its own timeouts) and a TLS
handshake in progress (the socket being wrapped is not reachable from outside until the
handshake ends). The handshake is bounded as a whole all the same: CPython applies a socket's
timeout to the whole handshake, not to each read, and the transport caps the connect timeout
at the deadline. The request reports the missed deadline as soon as either ends.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: How often an expired deadline looks again for a socket that was still being opened.
_RECHECK_SECONDS = 0.05

_current = threading.local()


class _Watchdog:
    """One thread for every deadline of the process: it sleeps until the earliest is due.
    (A timer thread per request would cost a thread start at the moment the host gate lets
    the request go, which shifts its start by a varying amount on a busy machine.)"""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def call_at(self, when: float, deadline: "Deadline") -> None:
        """Call ``deadline._expire()`` at ``when`` (``time.monotonic()``)."""
        with self._changed:
            heapq.heappush(self._due, (when, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="claims-deadlines", daemon=True)
                self._thread.start()
            if self._due[0][2] is deadline:  # the thread sleeps until the earliest: wake it only for a new earliest
                self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)
                _, _, deadline = heapq.heappop(self._due)
            deadline._expire()


_WATCHDOG = _Watchdog()


class Deadline:
    """``seconds`` from now; ``expired`` once they have passed (see the module docstring)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._connection = None
        self._socket: socket.socket | None = None
        self._finished = False
        self._lock = threading.Lock()

    def watch(self, connection) -> None:
        """The request now uses ``connection`` (a urllib3 connection, maybe not yet open)."""
        with self._lock:
            self._connection = connection
            self._socket = connection.sock
        if self.expired:
            self._expire()

    def opened(self, sock: socket.socket) -> None:
        """The request's connection has just opened ``sock``."""
        with self._lock:
            self._socket = sock
        if self.expired:
            self._expire()

    def _expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.expired = True
            sock = self._socket
            if sock is None:  # still connecting (bounded by the connect timeout): look again soon
                _WATCHDOG.call_at(time.monotonic() + _RECHECK_SECONDS, self)
                return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass

    @contextmanager
    def running(self) -> Iterator["Deadline"]:
        """Arm the timer for the calling thread's requests; disarm it on the way out."""
        _current.deadline = self
        _WATCHDOG.call_at(time.monotonic() + self.seconds, self)
        try:
            yield self
        finally:
            with self._lock:
                self._finished = True  # the watchdog's call, when it comes, does nothing
            _current.deadline = None
            if self.expired and self._connection is not None:
                self._connection.close()  # a shut-down socket must not go back to the pool
            self._connection = self._socket = None  # the watchdog holds this until it is due


def _watched(pool_class: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
    class WatchedConnection(pool_class.ConnectionCls):  # type: ignore[misc, name-defined]
        def connect(self) -> None:
            super().connect()
            deadline = getattr(_current, "deadline", None)
            if deadline is not None:
                deadline.opened(self.sock)

    class WatchedPool(pool_class):  # type: ignore[misc, valid-type]
        ConnectionCls = WatchedConnection

        def _get_conn(self, timeout: float | None = None):
            connection = super()._get_conn(timeout)
            deadline = getattr(_current, "deadline", None)
            if deadline is not None:
                deadline.watch(connection)
            return connection

    return WatchedPool


_POOLS = {"http": _watched(HTTPConnectionPool), "https": _watched(HTTPSConnectionPool)}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connection pools (direct or through a proxy) report to the
    calling thread's ``Deadline``."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
