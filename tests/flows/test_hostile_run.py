"""Issue 16's hostile pages through `claims run`: trickled answers miss their deadline,
odd pages are read or skipped with a reason, and nothing scraped runs as a spreadsheet
formula in claims.csv. Every other page's claims are written and the run exits 0."""

from __future__ import annotations

import csv
import random
import time

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from claims import load
from claims.cli import main
from claims.runfolder import RunFolder, layout

pytestmark = pytest.mark.slow

HOSTILE = '=HYPERLINK("http://evil.example/x","Open") Ketamine is completely safe and non-addictive.'
GOOD = (
    f"<html><head><title>@Clinic ketamine notes</title></head><body><article>"
    f"<h2>+Results</h2><p>{HOSTILE}</p><p>-5 sessions of TMS relieve depression in most patients.</p>"
    f"</article></body></html>"
)
DEEP = (
    "<html><body><article><p>Ketamine infusions relieve chronic pain.</p>"
    + "<span>" * 400
    + "<p>Ketamine blocks NMDA receptors in the spinal cord.</p></article></body></html>"
)
BAD_BYTE = (
    "<html><body><article><p>Our clinic\u2019s PRP injections heal torn tendons.</p>".encode()
    + b"\x93"
    + "<p>Caf\u00e9 talk: na\u00efve patients welcome.</p></article></body></html>".encode()
)
DEADLINE = 2.0


def _drip(body: bytes, every: float):
    def handler(request):
        def drip():
            for byte in body:
                time.sleep(every)
                yield bytes([byte])

        return Response(drip(), content_type="text/html", headers={"Content-Length": str(len(body))})

    return handler


@pytest.fixture
def second_site():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_hostile_pages_in_a_run(prefect_server, fast_fetching, site, second_site, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLAIMS_REQUEST_DEADLINE", str(DEADLINE))
    monkeypatch.setenv("CLAIMS_RETRIES", "1")
    site.expect_request("/robots.txt").respond_with_data("", status=404)
    site.expect_request("/good.html").respond_with_data(GOOD, content_type="text/html")
    site.expect_request("/drip.html").respond_with_handler(_drip(GOOD.encode(), every=0.5))
    site.expect_request("/deep.html").respond_with_data(DEEP, content_type="text/html")
    site.expect_request("/bad-byte.html").respond_with_data(BAD_BYTE, content_type="text/html")
    site.expect_request("/noise.html").respond_with_data(random.Random(16).randbytes(40_000), content_type="text/html")
    second_site.expect_request("/robots.txt").respond_with_handler(_drip(b"User-agent: *\nAllow: /\n" * 10, 0.5))
    second_site.expect_request("/page.html").respond_with_data(GOOD, content_type="text/html")
    urls = {
        name: site.url_for(f"/{name}")
        for name in ("good.html", "drip.html", "deep.html", "bad-byte.html", "noise.html")
    }
    urls["slow-robots"] = second_site.url_for("/page.html")
    urls["unknown-host"] = "http://no-such-clinic.invalid/ketamine"
    out = tmp_path / "out"

    start = time.monotonic()
    assert main(["run", *urls.values(), "--out", str(out)]) == 0
    assert time.monotonic() - start < 240  # the trickled page alone would take 2 minutes

    articles = load(out, "articles").set_index("source")
    row = {name: articles.loc[url] for name, url in urls.items()}
    missed = f"took longer than the {DEADLINE:g} s deadline (request_deadline)"
    assert (row["drip.html"]["status"], row["drip.html"]["error"]) == ("error", missed)
    assert row["slow-robots"]["status"] == "skipped"
    assert row["slow-robots"]["error"].startswith(f"robots.txt unreachable ({missed})")
    assert (row["unknown-host"]["status"], row["unknown-host"]["error"]) == ("error", "host not found")
    assert row["noise.html"]["status"] == "skipped" and row["noise.html"]["error"].startswith("binary content")
    assert row["deep.html"]["status"] == "ok" and pd.isna(row["deep.html"]["error"])
    assert row["bad-byte.html"]["status"] == "ok"
    assert row["bad-byte.html"]["error"] == "1 invalid UTF-8 byte sequence replaced with U+FFFD"
    assert row["good.html"]["status"] == "ok" and pd.isna(row["good.html"]["error"])

    claims = load(out)
    sentences = set(claims["sentence"])
    assert "Ketamine blocks NMDA receptors in the spinal cord." in sentences  # below 400 unclosed spans
    assert "Our clinic\u2019s PRP injections heal torn tendons." in sentences  # not mojibake
    assert HOSTILE in sentences  # the dataset keeps the text as written
    assert set(claims["source"]) == {urls[n] for n in ("good.html", "deep.html", "bad-byte.html")}

    # claims.csv: the same rows, every scraped cell that a spreadsheet would run defused
    generation = RunFolder(out).current()
    with open(generation.path / layout.CLAIMS_CSV, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source"] == urls["good.html"]]
    assert {r["sentence"] for r in rows} >= {"'" + HOSTILE, "'-5 sessions of TMS relieve depression in most patients."}
    assert {r["title"] for r in rows} == {"'@Clinic ketamine notes"}
    assert {r["section"] for r in rows} == {"'+Results"}
    assert "3 ok, 2 error, 2 skipped" in capsys.readouterr().out
