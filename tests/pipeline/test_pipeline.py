"""The per-article functions the flow's tasks call, without Prefect."""

from concurrent.futures import ThreadPoolExecutor

from claims.fetch import FetchResult
from claims.pipeline import analyse, analyse_many, get_tagger
from claims.settings import Settings


def test_parallel_tasks_share_one_loaded_model():
    settings = Settings(batch_size=64)
    with ThreadPoolExecutor(4) as pool:
        taggers = list(pool.map(lambda _: get_tagger(settings), range(8)))
    assert len({id(t) for t in taggers}) == 1


def test_analyse_turns_a_page_into_rows_with_exact_offsets():
    page = FetchResult(
        source="clinic/a.html",
        status="ok",
        url=None,
        content_type="text/html",
        text="<html><body><article><h2>Results</h2><p>TMS relieves depression for many. "
        "It is completely safe.</p></article></body></html>",
    )
    result = analyse(page, get_tagger(Settings()), run_id="r1")
    assert result.article.status == "ok" and result.article.n_claims == 2
    text = result.text.text
    for row in result.claims:
        assert text[row.char_start : row.char_end] == row.sentence
        assert row.section == "Results" and row.run_id == "r1"


def test_analyse_reports_instead_of_raising():
    tagger = get_tagger(Settings())
    failed = analyse(FetchResult(source="x", status="error", error="HTTP 500"), tagger, "r")
    assert failed.article.status == "error" and failed.article.error == "HTTP 500" and not failed.claims
    empty = analyse(FetchResult(source="y", status="ok", content_type="text/html", text="<html></html>"), tagger, "r")
    assert empty.article.status == "skipped" and "no article text" in empty.article.error
    binary = analyse(FetchResult(source="z", status="ok", content_type="application/pdf", text="%PDF"), tagger, "r")
    assert binary.article.status == "error" and "UnsupportedContentType" in binary.article.error


def _page(source: str, body: str) -> FetchResult:
    return FetchResult(
        source=source,
        status="ok",
        url=f"https://{source}/",
        content_type="text/html",
        text=f"<html><body><article><p>{body}</p></article></body></html>",
    )


def test_pages_tagged_together_get_the_rows_they_get_alone():
    tagger = get_tagger(Settings(batch_size=4))  # small batches: the articles share and straddle them
    pages = [
        _page(
            f"clinic{i}.example",
            f"Nerve blocks relieve back pain. It is safe. Visit number {i}. Side effects are rare.",
        )
        for i in range(12)
    ]
    pages.insert(5, FetchResult(source="down.example", status="error", error="HTTP 503"))
    together = analyse_many(pages, tagger, "r")
    alone = [analyse(page, tagger, "r") for page in pages]
    assert [r.article for r in together] == [r.article for r in alone]
    assert [r.claims for r in together] == [r.claims for r in alone]
    assert sum(r.article.n_claims for r in together) == 12 * 3


def test_a_page_that_breaks_tagging_fails_alone(monkeypatch):
    tagger = get_tagger(Settings())
    decide_article = tagger._decide_article

    def broken_on_one(sentences, docs, url, *model_types):
        if url == "https://bad.example/":
            raise RecursionError("pathological page")
        return decide_article(sentences, docs, url, *model_types)

    monkeypatch.setattr(tagger, "_decide_article", broken_on_one)
    results = analyse_many(
        [
            _page("good.example", "Ketamine eases pain."),
            _page("bad.example", "Ketamine is safe."),
            _page("fine.example", "TMS relieves depression."),
        ],
        tagger,
        "r",
    )
    assert [r.article.status for r in results] == ["ok", "error", "ok"]
    assert "RecursionError" in results[1].article.error and not results[1].claims
    assert results[0].article.n_claims == 1 and results[2].article.n_claims == 1


def test_an_article_row_says_its_site_how_it_was_found_and_the_fda_approvals_it_claims():
    tagger = get_tagger(Settings())
    page = FetchResult(
        source="https://www.clinic.co.uk/blog/ketamine",
        status="ok",
        url="https://clinic.co.uk/blog/ketamine",
        content_type="text/html",
        text="<html><body><article><p>IV ketamine is an FDA-approved treatment for chronic pain. "
        "Spravato is FDA-approved for treatment-resistant depression. Ketamine is not "
        "FDA-approved for anxiety. Ketamine eases nerve pain.</p></article></body></html>",
    )
    found = analyse(page, tagger, "r", via="sitemap").article
    assert (found.site, found.discovered_via) == ("clinic.co.uk", "sitemap")
    assert found.fda_approval_claims == ["ketamine for chronic pain", "esketamine for depression"]
    local = analyse(FetchResult(source="saved/a.txt", status="ok", content_type="text/plain", text="Hi."), tagger, "r")
    assert (local.article.site, local.article.discovered_via, local.article.fda_approval_claims) == (None, "given", [])


def test_an_ok_article_that_needed_repairs_says_which_in_its_row():
    deep = (
        "<html><body><article><p>Ketamine infusions relieve chronic pain.</p>"
        + "<span>" * 5000
        + "<p>Ketamine blocks NMDA receptors.</p></article></body></html>"
    )
    page = FetchResult(
        source="old.html",
        status="ok",
        content_type="text/html",
        text=deep,
        note="1 invalid UTF-8 byte sequence replaced with U+FFFD",
    )
    result = analyse(page, get_tagger(Settings()), run_id="r")
    assert result.article.status == "ok" and result.article.n_sentences == 2
    assert result.article.error == (
        "1 invalid UTF-8 byte sequence replaced with U+FFFD; markup nested deeper than 2048 elements, read flattened"
    )
    clean = analyse(_page("clinic.example", "TMS relieves depression."), get_tagger(Settings()), "r")
    assert clean.article.error is None
