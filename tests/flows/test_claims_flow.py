"""The whole flow on a real Prefect server, fetching from a real local HTTP server."""

from __future__ import annotations

import pandas as pd
import pytest
from werkzeug import Response

from claims import load
from claims.flow import claims_run
from claims.runfolder import RunFolder

pytestmark = pytest.mark.slow

ARTICLE = """<!doctype html><html><head><title>Nerve blocks for CRPS | Example Pain Center</title></head>
<body><nav><a href="/">Home</a> <a href="/book">Book now</a></nav>
<article><h1>Nerve blocks for CRPS</h1>
<h2>What the research says</h2>
<p>A stellate ganglion block relieves burning pain in many people with CRPS
(<a href="https://pubmed.ncbi.nlm.nih.gov/11111111/">Ortega et al., 2021</a>).
The procedure is completely safe and has no side effects.</p>
<h2>How it works</h2>
<p>The anesthetic interrupts pain signals in the sympathetic nerves. Relief may last for weeks.
<a href="/book">Book a consultation</a> to find out more.</p>
</article>
<footer>Leave a Reply. Your email address will not be published.</footer></body></html>"""

FLAKY_CALLS = {"n": 0}


def _flaky(request):
    FLAKY_CALLS["n"] += 1
    if FLAKY_CALLS["n"] == 1:
        return Response("busy", status=503)
    return Response(
        "<html><body><article><p>TMS eases depression for many patients who "
        "did not respond to medication.</p></article></body></html>",
        content_type="text/html",
    )


@pytest.fixture
def pages(site, tmp_path):
    site.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    site.expect_request("/article.html").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    site.expect_request("/missing.html").respond_with_data("gone", status=404)
    site.expect_request("/paper.pdf").respond_with_data(b"%PDF-1.4 binary", content_type="application/pdf")
    site.expect_request("/private/page.html").respond_with_data(ARTICLE, content_type="text/html")
    site.expect_request("/empty.html").respond_with_data("", content_type="text/html")
    FLAKY_CALLS["n"] = 0
    site.expect_request("/flaky.html").respond_with_handler(_flaky)
    local = tmp_path / "local-article.txt"
    local.write_text(
        "Ketamine for chronic pain\n\nKetamine infusions reduce nerve pain within hours. "
        "Studies show it is non-addictive.\n"
    )
    return {
        name: site.url_for(f"/{name}")
        for name in ("article.html", "missing.html", "paper.pdf", "private/page.html", "empty.html", "flaky.html")
    } | {"local": str(local)}


def test_flow_tags_good_pages_and_records_every_failure(prefect_server, fast_fetching, pages, tmp_path):
    out = tmp_path / "out"
    sources = [
        pages["article.html"],
        pages["missing.html"],
        pages["paper.pdf"],
        pages["private/page.html"],
        pages["empty.html"],
        pages["flaky.html"],
        pages["local"],
        "ftp://files.example/x.html",
    ]
    counts = claims_run(sources=sources, out_dir=str(out), chunk_size=3)

    articles = load(out, "articles").set_index("source")
    status = articles["status"].to_dict()
    assert status[pages["article.html"]] == "ok"
    assert status[pages["flaky.html"]] == "ok"  # 503 then 200: retried
    assert status[pages["local"]] == "ok"
    assert status[pages["missing.html"]] == "error" and "404" in articles.loc[pages["missing.html"], "error"]
    assert status[pages["paper.pdf"]] == "skipped" and "pdf" in articles.loc[pages["paper.pdf"], "error"].lower()
    assert (
        status[pages["private/page.html"]] == "skipped"
        and "robots" in articles.loc[pages["private/page.html"], "error"]
    )
    assert status[pages["empty.html"]] == "skipped"
    assert status["ftp://files.example/x.html"] == "error"
    assert counts["n_ok"] == 3 and counts["n_articles"] == 8

    claims = load(out)
    page = claims[claims["source"] == pages["article.html"]].set_index("sentence_index")
    assert not page.empty and set(claims["source"]) == {pages["article.html"], pages["flaky.html"], pages["local"]}
    cited = page[page["sentence"].str.contains("stellate")].iloc[0]
    assert cited["cited"] and not cited["needs_citation"] and cited["priority"] == "low"
    assert cited["section"] == "What the research says"
    flagged = page[page["sentence"].str.contains("completely safe")].iloc[0]
    assert flagged["needs_citation"] and flagged["priority"] == "high"
    assert "no side effects" in flagged["red_flags"]
    # offsets slice the stored article text back to the sentence
    text = RunFolder(out).text(cited["article_id"]).text
    for row in page.itertuples():
        assert text[row.char_start : row.char_end] == row.sentence
    csv = pd.read_csv(out / "claims.csv")
    assert len(csv) == len(claims)
    assert len(load(out, "runs")) == 1


def test_rerun_is_idempotent_and_append_adds_without_duplicates(prefect_server, fast_fetching, pages, tmp_path):
    out = tmp_path / "out"
    claims_run(sources=[pages["article.html"]], out_dir=str(out))
    first = load(out)
    claims_run(sources=[pages["article.html"]], out_dir=str(out))
    again = load(out)
    assert sorted(again["claim_id"]) == sorted(first["claim_id"])
    assert len(load(out, "runs")) == 2

    claims_run(sources=[pages["local"], pages["article.html"]], out_dir=str(out), append=True)
    appended = load(out)
    assert appended["claim_id"].is_unique
    assert set(first["claim_id"]) <= set(appended["claim_id"])
    assert set(appended["source"]) == {pages["article.html"], pages["local"]}
    assert len(load(out, "articles")) == 2

    claims_run(sources=[pages["local"]], out_dir=str(out))  # without --append: replaced
    assert set(load(out)["source"]) == {pages["local"]}


def test_cli_exits_non_zero_only_when_every_source_failed(prefect_server, fast_fetching, pages, tmp_path, capsys):
    from claims.cli import main

    assert main(["run", pages["missing.html"], "--out", str(tmp_path / "a")]) == 1
    assert main(["run", pages["missing.html"], pages["local"], "--out", str(tmp_path / "b")]) == 0
    assert "1 ok, 1 error" in capsys.readouterr().out


def test_a_failed_chunk_is_recorded_as_errors_and_the_other_chunks_are_written(
    prefect_server, fast_fetching, pages, tmp_path, monkeypatch
):
    from claims.runfolder import ArticleText

    real_write = ArticleText.write

    def disk_full_for_the_local_file(text, path, **options):
        if text.source == pages["local"]:
            raise OSError("No space left on device")
        real_write(text, path, **options)

    monkeypatch.setattr(ArticleText, "write", disk_full_for_the_local_file)
    out = tmp_path / "out"
    counts = claims_run(sources=[pages["local"], pages["article.html"]], out_dir=str(out), chunk_size=1)

    articles = load(out, "articles").set_index("source")
    assert articles.loc[pages["local"], "status"] == "error"
    assert "No space left on device" in articles.loc[pages["local"], "error"]
    assert articles.loc[pages["article.html"], "status"] == "ok"
    assert set(load(out)["source"]) == {pages["article.html"]}
    assert counts["n_ok"] == 1 and counts["n_error"] == 1
    assert not list(out.glob(".parts-*"))  # the run's part files are gone


@pytest.mark.parametrize("total, most, slots", [(2000, 100, 2), (37, 20, 2), (7, 3, 4), (5, 1, 2), (0, 20, 2)])
def test_chunks_keep_order_and_shrink_towards_the_end(total, most, slots):
    from claims.scheduling import MIN_CHUNK
    from claims.scheduling import chunks as make_chunks

    chunks = list(make_chunks(iter(range(total)), total, most, slots))
    assert [page for chunk in chunks for page in chunk] == list(range(total))
    sizes = [len(chunk) for chunk in chunks]
    assert all(1 <= size <= most for size in sizes)
    assert all(a >= b for a, b in zip(sizes, sizes[1:]))  # never grows
    if total > 20 * most:
        assert sizes[0] == most and sizes[-1] <= min(MIN_CHUNK, most)


def test_a_slow_chunk_does_not_hold_back_the_next_ones(prefect_server, tmp_path, monkeypatch):
    """With two chunks in flight, the first blocks until the fourth is tagged: collecting
    chunks oldest-first would never send the fourth (and the run would stall)."""
    import threading

    import claims.flow as claims_flow

    files = []
    for i in range(4):
        files.append(tmp_path / f"page-{i}.txt")
        files[-1].write_text(f"Page {i}\n\nKetamine infusions ease nerve pain.\n", encoding="utf-8")
    last_tagged = threading.Event()
    real_analyse = claims_flow.analyse_many

    def first_waits_for_last(pages, tagger, run_id, *rest):
        if pages[0].source == str(files[0]):
            assert last_tagged.wait(timeout=20), "the last chunk was never sent while the first was running"
        results = real_analyse(pages, tagger, run_id, *rest)
        if pages[0].source == str(files[-1]):
            last_tagged.set()
        return results

    monkeypatch.setattr(claims_flow, "analyse_many", first_waits_for_last)
    monkeypatch.setattr(claims_flow, "task_slots", lambda runner: 1)  # so CHUNKS_PER_SLOT chunks in flight
    counts = claims_run(sources=[str(f) for f in files], out_dir=str(tmp_path / "out"), chunk_size=1)
    assert counts["n_ok"] == 4 and last_tagged.is_set()


def test_progress_is_a_line_per_chunk_and_a_warning_per_failed_article(prefect_server, tmp_path, caplog):
    good = tmp_path / "good.txt"
    good.write_text("Ketamine\n\nKetamine infusions ease nerve pain within hours.\n", encoding="utf-8")
    missing = str(tmp_path / "missing.txt")
    with caplog.at_level("INFO"):
        claims_run(sources=[str(good), missing], out_dir=str(tmp_path / "out"), chunk_size=20)
    claims = load(tmp_path / "out")
    expected = f"[1-2/2] 1 ok, 1 error; {len(claims)} claims, {int(claims['needs_citation'].sum())} need a citation"
    chunk_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("[1-2/2]")]
    assert chunk_lines == [expected] and len(claims) > 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and missing in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith("error ")
