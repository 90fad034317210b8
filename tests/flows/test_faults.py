"""Issue-4 faults through the whole flow: each ends with the right status and reason in
articles.parquet, the good pages' claims are all written, and the run exits 0."""

from __future__ import annotations

import time

import pytest
from runprocs import latest_artifact
from werkzeug import Response

from claims import load
from claims.cli import main

pytestmark = pytest.mark.slow

GOOD = "<html><body><article><p>{}</p></article></body></html>"
CP1252 = (
    "<html><body><article><h1>Caf\u00e9 talk</h1><p>\u201cPRP relieves knee pain,\u201d says "
    "Ren\xe9e, our physician.</p></article></body></html>"
).encode("cp1252")
MALFORMED = (
    "<html><body><div><table><tr><td><table><tr><td><p>Acupuncture eases migraine pain"
    "<td>and it is completely safe<p>unclosed <b>bold <i>italic</table><div>"
)


def _sleepy(request):
    time.sleep(2.5)
    return Response(GOOD.format("Too late."), content_type="text/html")


def _big(request):
    chunk = b"<p>" + b"x" * (1024 * 1024 - 3)
    return Response((chunk for _ in range(50)), content_type="text/html")


ASKED = {"n": 0}


def _rate_limited(request):
    ASKED["n"] += 1
    if ASKED["n"] == 1:
        return Response("slow down", status=429, headers={"Retry-After": "1"})
    return Response(GOOD.format("Nerve blocks relieve CRPS pain within hours."), content_type="text/html")


def test_every_fault_gets_its_status_and_the_rest_is_written(
    prefect_server, fast_fetching, site, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("CLAIMS_READ_TIMEOUT", "1")
    ASKED["n"] = 0
    site.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    site.expect_request("/ok.html").respond_with_data(
        GOOD.format("TMS lifts depression in many patients."), content_type="text/html"
    )
    site.expect_request("/stall.html").respond_with_handler(_sleepy)
    site.expect_request("/loop-a").respond_with_data("", status=302, headers={"Location": site.url_for("/loop-b")})
    site.expect_request("/loop-b").respond_with_data("", status=302, headers={"Location": site.url_for("/loop-a")})
    site.expect_request("/big.html").respond_with_handler(_big)
    site.expect_request("/cp1252.html").respond_with_data(CP1252, content_type="text/html")
    site.expect_request("/malformed.html").respond_with_data(MALFORMED, content_type="text/html")
    site.expect_request("/429.html").respond_with_handler(_rate_limited)
    names = ["ok.html", "stall.html", "loop-a", "big.html", "cp1252.html", "malformed.html", "429.html"]
    urls = {n: site.url_for(f"/{n}") for n in names}
    out = tmp_path / "out"

    assert main(["run", *urls.values(), "--out", str(out)]) == 0

    articles = load(out, "articles").set_index("source")

    def row(name):
        return articles.loc[urls[name]]

    assert row("stall.html")["status"] == "error" and "timeout" in row("stall.html")["error"].lower()
    assert row("loop-a")["status"] == "error" and "redirect loop" in row("loop-a")["error"]
    assert row("big.html")["status"] == "skipped" and "larger than" in row("big.html")["error"]
    for ok in ("ok.html", "cp1252.html", "malformed.html", "429.html"):
        assert row(ok)["status"] == "ok", (ok, row(ok)["error"])
    claims = load(out).set_index("source")
    assert "\u201cPRP relieves knee pain,\u201d says Ren\u00e9e" in claims.loc[urls["cp1252.html"], "sentence"]
    assert set(claims.index) == {urls[n] for n in ("ok.html", "cp1252.html", "malformed.html", "429.html")}
    assert "4 ok, 2 error, 1 skipped" in capsys.readouterr().out


def test_each_run_publishes_its_summary_and_priority_table(prefect_server, fast_fetching, site, tmp_path):
    site.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    site.expect_request("/a.html").respond_with_data(
        GOOD.format("Our stem cell shots cure arthritis and are completely safe."), content_type="text/html"
    )
    site.expect_request("/gone.html").respond_with_data("no", status=404)
    assert main(["run", site.url_for("/a.html"), site.url_for("/gone.html"), "--out", str(tmp_path / "o")]) == 0
    summary = latest_artifact("claims-run-summary")
    # red flags by canonical name: "completely safe" counts as "safe"
    assert "- safe: 1" in summary.data and "- cure: 1" in summary.data and "HTTP 404" in summary.data
    table = latest_artifact("claims-top-priority")
    assert "cure arthritis" in table.data and "high" in table.data
