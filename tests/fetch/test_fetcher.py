"""Fetcher behaviour against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import socket
import time
from datetime import datetime

from werkzeug import Request, Response

from claims.settings import Settings

PAGE = "<html><head><title>T</title></head><body><p>Infusions are given weekly.</p></body></html>"


def requests_to(server, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


def test_ok_page_fills_every_field(server, make_fetcher):
    body = PAGE.encode("utf-8")
    server.expect_request("/a").respond_with_data(body, content_type="text/html; charset=utf-8")
    result = make_fetcher().fetch(server.url_for("/a"))
    assert result.status == "ok" and result.error is None
    assert result.source == result.url == server.url_for("/a")
    assert result.http_status == 200
    assert result.content_type == "text/html"
    assert result.text == PAGE
    assert result.content_sha256 == hashlib.sha256(body).hexdigest()
    assert datetime.fromisoformat(result.fetched_at).utcoffset().total_seconds() == 0
    assert result.from_cache is False


def test_sends_the_tools_user_agent(server, make_fetcher):
    server.expect_request("/ua").respond_with_data(PAGE, content_type="text/html")
    make_fetcher().fetch(server.url_for("/ua"))
    sent = next(req for req, _ in server.log if req.path == "/ua").headers["User-Agent"]
    assert sent == Settings(contact="https://example.invalid/claims-tests").user_agent
    assert "claims-bot" in sent and "example.invalid/claims-tests" in sent


def test_404_is_an_error_and_not_retried(server, make_fetcher):
    server.expect_request("/missing").respond_with_data("gone", status=404)
    result = make_fetcher(retries=3).fetch(server.url_for("/missing"))
    assert (result.status, result.error, result.http_status) == ("error", "HTTP 404", 404)
    assert requests_to(server, "/missing") == 1


def test_500_then_200_is_retried_and_succeeds(server, make_fetcher):
    calls = []

    def flaky(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("oops", status=500)
        return Response(PAGE, content_type="text/html")

    server.expect_request("/flaky").respond_with_handler(flaky)
    result = make_fetcher(backoff=0.2).fetch(server.url_for("/flaky"))
    assert result.status == "ok" and result.text == PAGE
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.1  # equal jitter: at least half of the first back-off


def test_persistent_500_gives_up_after_the_configured_attempts(server, make_fetcher):
    server.expect_request("/broken").respond_with_data("down", status=503)
    result = make_fetcher(retries=3).fetch(server.url_for("/broken"))
    assert (result.status, result.error, result.http_status) == ("error", "HTTP 503", 503)
    assert requests_to(server, "/broken") == 3


def test_429_retry_after_is_honoured(server, make_fetcher):
    calls = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(PAGE, content_type="text/html")

    server.expect_request("/limited").respond_with_handler(limited)
    start = time.monotonic()
    result = make_fetcher(backoff=0.01).fetch(server.url_for("/limited"))
    assert result.status == "ok"
    assert calls[1] - calls[0] >= 1.0
    assert time.monotonic() - start >= 1.0


def test_retry_after_beyond_the_cap_is_an_error_not_a_stall(server, make_fetcher):
    server.expect_request("/later").respond_with_data("", status=503, headers={"Retry-After": "3600"})
    start = time.monotonic()
    result = make_fetcher(max_retry_after=2.0).fetch(server.url_for("/later"))
    assert result.status == "error" and result.http_status == 503
    assert "Retry-After 3600" in result.error
    assert requests_to(server, "/later") == 1
    assert time.monotonic() - start < 1.0


def test_stalled_response_hits_the_read_timeout_once(server, make_fetcher):
    def stall(request: Request) -> Response:
        time.sleep(1.0)
        return Response(PAGE, content_type="text/html")

    server.expect_request("/stall").respond_with_handler(stall)
    start = time.monotonic()
    result = make_fetcher(read_timeout=0.3).fetch(server.url_for("/stall"))
    assert (result.status, result.error) == ("error", "read timeout")
    assert time.monotonic() - start < 0.9
    assert requests_to(server, "/stall") <= 1  # logged only once the handler returns


def test_body_that_stalls_midway_hits_the_read_timeout(server, make_fetcher):
    def trickle():
        yield b"<html><body><p>start"
        time.sleep(1.0)
        yield b"</p></body></html>"

    server.expect_request("/trickle").respond_with_handler(lambda r: Response(trickle(), content_type="text/html"))
    result = make_fetcher(read_timeout=0.3).fetch(server.url_for("/trickle"))
    assert (result.status, result.error) == ("error", "read timeout")


def test_redirect_is_followed_and_final_url_reported(server, make_fetcher):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/old"))
    assert result.status == "ok"
    assert result.source == server.url_for("/old")
    assert result.url == server.url_for("/new")


def test_redirect_to_another_scheme_is_an_error(server, make_fetcher):
    server.expect_request("/ftp").respond_with_data("", status=302, headers={"Location": "ftp://127.0.0.1/f"})
    result = make_fetcher().fetch(server.url_for("/ftp"))
    assert (result.status, result.error) == ("error", "redirect to a non-http(s) URL")


def test_unwritable_cache_still_returns_the_page(server, make_fetcher, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    server.expect_request("/a").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher(cache_dir=blocker).fetch(server.url_for("/a"))
    assert (result.status, result.text) == ("ok", PAGE)


def test_redirect_loop_is_reported(server, make_fetcher):
    server.expect_request("/ping").respond_with_data("", status=302, headers={"Location": "/pong"})
    server.expect_request("/pong").respond_with_data("", status=302, headers={"Location": "/ping"})
    result = make_fetcher(max_redirects=10).fetch(server.url_for("/ping"))
    assert (result.status, result.error) == ("error", "redirect loop")
    assert requests_to(server, "/ping") == 1 and requests_to(server, "/pong") == 1


def test_redirect_chain_longer_than_the_limit(server, make_fetcher):
    for i in range(6):
        server.expect_request(f"/hop{i}").respond_with_data("", status=307, headers={"Location": f"/hop{i + 1}"})
    result = make_fetcher(max_redirects=3).fetch(server.url_for("/hop0"))
    assert (result.status, result.error) == ("error", "more than 3 redirects")
    assert requests_to(server, "/hop4") == 0


def test_huge_streamed_body_is_skipped_with_bounded_reading(server, make_fetcher):
    limit = 1024 * 1024
    total = 50 * 1024 * 1024
    produced = [0]

    def fifty_megabytes():
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
        while produced[0] < total:
            produced[0] += len(chunk)
            yield chunk

    server.expect_request("/huge").respond_with_handler(lambda r: Response(fifty_megabytes(), content_type="text/html"))
    result = make_fetcher(max_bytes=limit).fetch(server.url_for("/huge"))
    assert (result.status, result.error) == ("skipped", f"body larger than {limit} bytes")
    time.sleep(0.2)  # let the server notice the closed connection
    # the client hung up after max_bytes; what else was produced sat in socket buffers
    assert produced[0] < 12 * limit


def test_declared_oversize_body_is_skipped_before_reading(server, make_fetcher):
    limit = 1024 * 1024
    produced = [0]

    def body():
        for _ in range(800):  # 800 x 64 KiB = 50 MiB, matching the declared length
            produced[0] += 64 * 1024
            yield b"y" * (64 * 1024)

    server.expect_request("/declared").respond_with_handler(
        lambda r: Response(body(), content_type="text/plain", headers={"Content-Length": str(800 * 64 * 1024)})
    )
    result = make_fetcher(max_bytes=limit).fetch(server.url_for("/declared"))
    assert (result.status, result.error) == ("skipped", f"body larger than {limit} bytes")
    time.sleep(0.2)
    assert produced[0] < 12 * limit


def test_pdf_is_skipped_with_its_content_type(server, make_fetcher):
    server.expect_request("/paper.pdf").respond_with_data(b"%PDF-1.7 binary", content_type="application/pdf")
    result = make_fetcher().fetch(server.url_for("/paper.pdf"))
    assert (result.status, result.error) == ("skipped", "content-type application/pdf not accepted")
    assert result.text is None


def test_windows_1252_page_without_charset_decodes_exactly(server, make_fetcher):
    text = "<html><body><p>Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve</p></body></html>"
    server.expect_request("/legacy").respond_with_data(text.encode("cp1252"), content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/legacy"))
    sent = next(resp for req, resp in server.log if req.path == "/legacy").headers["Content-Type"]
    assert sent == "text/html"  # really no charset on the wire
    assert result.status == "ok"
    assert result.text == text
    assert "Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve" in result.text


def test_latin1_text_plain_is_not_read_as_utf8(server, make_fetcher):
    text = "Dosage r\u00e9duit, \u00e9tude \u00e0 venir."
    server.expect_request("/note.txt").respond_with_data(text.encode("latin-1"), content_type="text/plain")
    result = make_fetcher().fetch(server.url_for("/note.txt"))
    assert (result.status, result.content_type, result.text) == ("ok", "text/plain", text)


def test_empty_page_is_ok_with_empty_text(server, make_fetcher):
    server.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/empty"))
    assert (result.status, result.text, result.http_status) == ("ok", "", 200)


def test_missing_content_type_is_sniffed(server, make_fetcher):
    def untyped(body: bytes):
        response = Response(body)
        del response.headers["Content-Type"]
        return lambda request: response

    server.expect_request("/html").respond_with_handler(untyped(b"<!DOCTYPE html><html><body>hi</body></html>"))
    server.expect_request("/blob").respond_with_handler(untyped(b"\x00\x01\x02 binary"))
    fetcher = make_fetcher()
    html = fetcher.fetch(server.url_for("/html"))
    blob = fetcher.fetch(server.url_for("/blob"))
    assert (html.status, html.content_type) == ("ok", "text/html")
    assert (blob.status, blob.error) == ("skipped", "no content-type and body does not look like HTML")


def test_bad_urls_become_error_results(make_fetcher):
    fetcher = make_fetcher()
    for bad in ["", "not a url", "ftp://127.0.0.1/file", "http://", "mailto:someone@example.invalid", "http://[::1"]:
        result = fetcher.fetch(bad)
        assert (result.source, result.status, result.error) == (bad, "error", "not an http(s) URL")


def test_connection_refused_is_retried_then_reported(make_fetcher):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    result = make_fetcher(retries=3, backoff=0.1).fetch(f"http://127.0.0.1:{port}/x")
    # robots.txt is asked for first: nothing answers there, so the page is an error
    assert (result.status, result.error) == ("error", "connection refused")
    assert time.monotonic() - start >= 0.05 + 0.1  # two back-offs of at least half their base
    no_robots = make_fetcher(retries=2, backoff=0.01, obey_robots=False).fetch(f"http://127.0.0.1:{port}/x")
    assert (no_robots.status, no_robots.error) == ("error", "connection refused")


def test_an_unknown_host_is_an_error_not_a_robots_skip(make_fetcher):
    # .invalid never resolves (RFC 6761)
    for obey in (True, False):
        result = make_fetcher(retries=1, obey_robots=obey).fetch("http://no-such-clinic.invalid/ketamine")
        assert (result.status, result.error) == ("error", "host not found")


def test_cache_files_are_content_addressed_and_complete(server, make_fetcher, tmp_path):
    server.expect_request("/c").respond_with_data(
        PAGE, content_type="text/html", headers={"ETag": '"v1"', "Set-Cookie": "session=secret"}
    )
    result = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/c"))
    body = tmp_path / "c" / "bodies" / result.content_sha256
    assert body.read_bytes() == PAGE.encode()
    (meta_file,) = (tmp_path / "c" / "meta").iterdir()
    meta = json.loads(meta_file.read_text())
    assert meta["url"] == meta["final_url"] == server.url_for("/c")
    assert meta["http_status"] == 200 and meta["sha256"] == result.content_sha256
    assert meta["fetched_at"] == result.fetched_at
    assert meta["headers"]["ETag"] == '"v1"'
    assert not any(k.lower() == "set-cookie" for k in meta["headers"])
    assert not [p for p in (tmp_path / "c").rglob("*.tmp")]


def _conditional_page(seen: list[dict]):
    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            PAGE,
            content_type="text/html; charset=utf-8",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 Jan 2025 10:00:00 GMT"},
        )

    return handler


def test_rerun_sends_conditional_request_and_reuses_body_on_304(server, make_fetcher, tmp_path):
    seen: list[dict] = []
    server.expect_request("/cond").respond_with_handler(_conditional_page(seen))
    first = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/cond"))
    second = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/cond"))
    assert "If-None-Match" not in seen[0]
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Mon, 06 Jan 2025 10:00:00 GMT"
    assert (first.from_cache, second.from_cache) == (False, True)
    assert (second.status, second.http_status, second.text) == ("ok", 304, PAGE)
    assert second.content_sha256 == first.content_sha256
    assert second.url == first.url


def test_refresh_bypasses_the_cache(server, make_fetcher, tmp_path):
    seen: list[dict] = []
    server.expect_request("/cond").respond_with_handler(_conditional_page(seen))
    make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/cond"))
    fresh = make_fetcher(cache_dir=tmp_path / "c", refresh=True).fetch(server.url_for("/cond"))
    assert "If-None-Match" not in seen[1]
    assert (fresh.status, fresh.http_status, fresh.from_cache, fresh.text) == ("ok", 200, False, PAGE)


def test_lost_cached_body_falls_back_to_a_full_fetch(server, make_fetcher, tmp_path):
    seen: list[dict] = []
    server.expect_request("/cond").respond_with_handler(_conditional_page(seen))
    first = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/cond"))
    (tmp_path / "c" / "bodies" / first.content_sha256).write_bytes(b"corrupted")
    again = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/cond"))
    assert (again.status, again.from_cache, again.text) == ("ok", False, PAGE)
    assert "If-None-Match" in seen[1] and "If-None-Match" not in seen[2]
    assert (tmp_path / "c" / "bodies" / first.content_sha256).read_bytes() == PAGE.encode()


def test_random_bytes_served_as_html_are_skipped_as_binary(server, make_fetcher):
    import random

    server.expect_request("/noise").respond_with_data(random.Random(5).randbytes(50_000), content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/noise"))
    assert (result.status, result.http_status, result.text) == ("skipped", 200, None)
    assert result.error.startswith("binary content, not text")


def test_a_utf8_page_with_one_bad_byte_stays_utf8_and_says_so(server, make_fetcher):
    body = (
        "<html><body><p>Our Clinic\u2019s \u201cketamine\u201d caf\u00e9.</p>".encode()
        + b"\x93"
        + "<p>R\u00e9sum\u00e9 \u2013 na\u00efve.</p></body></html>".encode()
    )
    server.expect_request("/bad-byte").respond_with_data(body, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/bad-byte"))
    assert result.status == "ok"
    assert "Clinic\u2019s \u201cketamine\u201d caf\u00e9.</p>\ufffd<p>R\u00e9sum\u00e9 \u2013 na\u00efve" in result.text
    assert result.note == "1 invalid UTF-8 byte sequence replaced with U+FFFD"
