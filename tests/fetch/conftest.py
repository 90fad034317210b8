"""A real local HTTP server (127.0.0.1 only) and fast Settings for the fetch tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from claims.fetch import Fetcher
from claims.settings import Settings

#: Small timeouts and back-off so failure paths take fractions of a second.
FAST = dict(
    connect_timeout=2.0,
    read_timeout=2.0,
    retries=3,
    backoff=0.05,
    max_retry_after=5.0,
    host_delay=0.0,
    host_concurrency=2,
    global_concurrency=4,
    contact="https://example.invalid/claims-tests",
)


def start_server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture(scope="session")
def _session_server() -> Iterator[HTTPServer]:
    server = start_server()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def bare_server(_session_server: HTTPServer) -> HTTPServer:
    """The server with no handlers at all (it answers 500 to anything unexpected)."""
    _session_server.clear()
    return _session_server


@pytest.fixture
def server(bare_server: HTTPServer) -> HTTPServer:
    """The server with robots.txt answering 404, i.e. everything allowed."""
    bare_server.expect_request("/robots.txt").respond_with_data("", status=404)
    return bare_server


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    """A second host (another port on 127.0.0.1) with robots.txt answering 404."""
    server = start_server()
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def make_fetcher(tmp_path: Path) -> Iterator[Callable[..., Fetcher]]:
    """Build Fetchers on FAST settings (overridable) with a per-test cache; all closed after."""
    made: list[Fetcher] = []

    def make(
        refresh: bool = False, cache_dir: Path | None = None, fresh_since: str | None = None, **overrides
    ) -> Fetcher:
        fetcher = Fetcher(
            Settings(**{**FAST, **overrides}),
            cache_dir=cache_dir or tmp_path / "cache",
            refresh=refresh,
            fresh_since=fresh_since,
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()
