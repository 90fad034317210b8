"""Per-host politeness: how many requests may be in flight to a site, and how often they start.

Every request, whichever thread sends it (``fetch`` called directly, ``fetch_many``,
robots.txt, a redirect hop), goes through one ``HostGate``, so the limits hold however the
Fetcher is driven.

The unit the limits count is the site a server belongs to, not the host name as written:
``www.clinic.example.com`` and ``clinic.example.com`` are one site (the registrable domain,
``example.com``, read from the Public Suffix List (``claims.domains``), so ``a.github.io`` and
``b.github.io`` stay apart), and ``localhost`` and ``127.0.0.1`` are one machine. Host names
are not resolved: thousands of unrelated sites share a CDN's addresses, and counting them
as one would crawl them one request at a time. A port other than the scheme's default makes
a separate unit (another server on the same machine).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import urlsplit

from claims.domains import registrable_domain

#: The unit for every loopback address and every ``localhost`` name (RFC 6761).
LOOPBACK = "loopback"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """The politeness unit of ``url``: its site, and its port when not the default ("" if
    the URL cannot be parsed)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # e.g. an unclosed IPv6 bracket or a bad port; fetch() reports it per URL
        return ""
    if not host:
        return parts.netloc.lower()
    site = _site(host)
    return site if port is None or port == _DEFAULT_PORTS.get(parts.scheme) else f"{site}:{port}"


@lru_cache(maxsize=4096)
def _site(host: str) -> str:
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return LOOPBACK
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return registrable_domain(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return LOOPBACK if address.is_loopback else str(address)


class _HostState:
    def __init__(self, concurrency: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(concurrency)
        self.delay = delay
        self.next_start = 0.0  # time.monotonic() before which no request may start


class HostGate:
    """Caps in-flight requests per host and spaces their starts ``delay`` seconds apart (or
    more, for a host that asked for more: ``slow_down``)."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = max(1, concurrency)
        self._delay = max(0.0, delay)
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, host: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(self._concurrency, self._delay)
            return state

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's request slots, starting no earlier than its spacing allows.

        The start time is reserved under the lock and slept outside it, so waiters queue up
        in order without blocking other hosts.
        """
        state = self._state(host)
        state.slots.acquire()
        try:
            with self._lock:
                now = time.monotonic()
                start = max(now, state.next_start)
                state.next_start = start + state.delay
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            state.slots.release()

    def slow_down(self, host: str, delay: float) -> None:
        """Space ``host``'s request starts at least ``delay`` seconds apart from now on (its
        robots.txt ``Crawl-delay``), the next one included."""
        state = self._state(host)
        with self._lock:
            if delay > state.delay:
                state.next_start += delay - state.delay
                state.delay = delay

    def defer(self, host: str, seconds: float) -> None:
        """Hold back every new request to ``host`` for ``seconds`` (a server's Retry-After)."""
        state = self._state(host)
        with self._lock:
            state.next_start = max(state.next_start, time.monotonic() + seconds)
