"""The total deadline per request: a server that trickles its answer cannot hold a fetch.

The read timeout (2 s in these tests) bounds one wait for data; every server here sends
something more often than that, so only the deadline can end the request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from werkzeug import Request, Response

PAGE = "<html><body><p>Infusions are given weekly.</p></body></html>"


def trickle(body: bytes, every: float):
    """A handler sending ``body`` one byte every ``every`` seconds."""

    def handler(request: Request) -> Response:
        def drip() -> Iterator[bytes]:
            for byte in body:
                time.sleep(every)
                yield bytes([byte])

        return Response(drip(), content_type="text/html", headers={"Content-Length": str(len(body))})

    return handler


def test_a_body_trickled_byte_by_byte_misses_the_deadline(server, make_fetcher):
    server.expect_request("/drip").respond_with_handler(trickle(b"<p>" + b"x" * 200 + b"</p>", every=0.3))
    server.expect_request("/ok").respond_with_data(PAGE, content_type="text/html")
    fetcher = make_fetcher(request_deadline=1.5)
    start = time.monotonic()
    result = fetcher.fetch(server.url_for("/drip"))
    took = time.monotonic() - start
    assert (result.status, result.error) == ("error", "took longer than the 1.5 s deadline (request_deadline)")
    assert 1.4 <= took < 10  # the whole body would take a minute
    assert sum(1 for request, _ in server.log if request.path == "/drip") == 1  # not retried
    # the connection that was cut is not reused: the next page on the host comes back whole
    assert fetcher.fetch(server.url_for("/ok")).text == PAGE


def test_a_trickled_robots_txt_misses_the_deadline_and_the_page_is_not_fetched(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_handler(trickle(b"User-agent: *\nAllow: /\n" * 20, 0.3))
    bare_server.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    start = time.monotonic()
    result = make_fetcher(request_deadline=1.5).fetch(bare_server.url_for("/page"))
    assert time.monotonic() - start < 10
    assert result.status == "skipped"
    assert result.error.startswith("robots.txt unreachable (took longer than the 1.5 s deadline")
    assert not any(request.path == "/page" for request, _ in bare_server.log)


#: A status line, then headers that never end.
ENDLESS_HEADERS = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000
#: The start of a TLS handshake record (type 22, TLS 1.2, 16 kB long) holding a server hello
#: of the same length, that never ends: a client waits inside its handshake for the rest.
ENDLESS_HANDSHAKE = b"\x16\x03\x03\x40\x00" + b"\x02\x00\x3f\xfc\x03\x03" + b"\x00" * 10_000


class DripServer:
    """A raw TCP server that answers every connection with ``answer``, one byte every ``every``
    seconds, for hours (no HTTP or TLS library would send that)."""

    def __init__(self, answer: bytes, every: float) -> None:
        self.answer, self.every = answer, every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            for byte in self.answer:
                if self.stop.wait(self.every):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def header_drip() -> Iterator[DripServer]:
    server = DripServer(ENDLESS_HEADERS, every=0.2)
    yield server
    server.close()


@pytest.fixture
def handshake_drip() -> Iterator[DripServer]:
    server = DripServer(ENDLESS_HANDSHAKE, every=0.2)
    yield server
    server.close()


def test_headers_trickled_byte_by_byte_miss_the_deadline(header_drip, make_fetcher):
    start = time.monotonic()
    result = make_fetcher(request_deadline=1.5, obey_robots=False).fetch(f"http://127.0.0.1:{header_drip.port}/x")
    assert (result.status, result.error) == ("error", "took longer than the 1.5 s deadline (request_deadline)")
    assert time.monotonic() - start < 10


def test_a_tls_handshake_trickled_byte_by_byte_misses_the_deadline(handshake_drip, make_fetcher):
    # each byte comes long before any timeout: only a bound on the whole handshake ends it,
    # and that bound is the deadline, not the longer connect timeout
    fetcher = make_fetcher(request_deadline=1.5, connect_timeout=8, obey_robots=False)
    start = time.monotonic()
    result = fetcher.fetch(f"https://127.0.0.1:{handshake_drip.port}/x")
    assert (result.status, result.error) == ("error", "took longer than the 1.5 s deadline (request_deadline)")
    assert time.monotonic() - start < 6  # the connect timeout would end it at 8 s, the server's hello in half an hour


def test_a_quick_page_is_untouched_by_the_deadline(server, make_fetcher):
    server.expect_request("/quick").respond_with_handler(trickle(PAGE.encode(), every=0.0))
    result = make_fetcher(request_deadline=5).fetch(server.url_for("/quick"))
    assert (result.status, result.text) == ("ok", PAGE)
