"""The per-article functions the flow's tasks call, without Prefect."""
from concurrent.futures import ThreadPoolExecutor

from claims.fetch import FetchResult
from claims.pipeline import analyse, get_tagger
from claims.settings import Settings


def test_parallel_tasks_share_one_loaded_model():
    settings = Settings(batch_size=64)
    with ThreadPoolExecutor(4) as pool:
        taggers = list(pool.map(lambda _: get_tagger(settings), range(8)))
    assert len({id(t) for t in taggers}) == 1


def test_analyse_turns_a_page_into_rows_with_exact_offsets():
    page = FetchResult(source="clinic/a.html", status="ok", url=None, content_type="text/html",
                       text="<html><body><article><h2>Results</h2><p>TMS relieves depression for many. "
                            "It is completely safe.</p></article></body></html>")
    result = analyse(page, get_tagger(Settings()), run_id="r1")
    assert result.article["status"] == "ok" and result.article["n_claims"] == 2
    text = result.document.text
    for row in result.claims:
        assert text[row["char_start"]:row["char_end"]] == row["sentence"]
        assert row["section"] == "Results" and row["run_id"] == "r1"


def test_analyse_reports_instead_of_raising():
    tagger = get_tagger(Settings())
    failed = analyse(FetchResult(source="x", status="error", error="HTTP 500"), tagger, "r")
    assert failed.article["status"] == "error" and failed.article["error"] == "HTTP 500" and not failed.claims
    empty = analyse(FetchResult(source="y", status="ok", content_type="text/html", text="<html></html>"), tagger, "r")
    assert empty.article["status"] == "skipped" and "no article text" in empty.article["error"]
    binary = analyse(FetchResult(source="z", status="ok", content_type="application/pdf", text="%PDF"), tagger, "r")
    assert binary.article["status"] == "error" and "UnsupportedContentType" in binary.article["error"]
