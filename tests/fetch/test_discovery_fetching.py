"""What discovery asks of the Fetcher: sitemaps and feeds of any media type, robots.txt
answers without a request, and pages fetched once per run."""

from __future__ import annotations

import gzip
import json

from claims.fetch.result import utc_now

PAGE = "<html><body><p>Ketamine infusions relieve nerve pain.</p></body></html>"


def test_download_takes_any_media_type_as_bytes_through_the_cache(server, make_fetcher, tmp_path):
    body = gzip.compress(b"<urlset/>")
    server.expect_request("/s.xml.gz").respond_with_data(
        body, content_type="application/x-gzip", headers={"ETag": '"s1"'}
    )
    fetcher = make_fetcher()
    got = fetcher.download(server.url_for("/s.xml.gz"), max_bytes=1024)
    assert (got.result.status, got.body, got.media_type) == ("ok", body, "application/x-gzip")
    assert got.result.text is None and got.result.url == server.url_for("/s.xml.gz")
    again = make_fetcher().download(server.url_for("/s.xml.gz"), max_bytes=1024)
    assert again.body == body
    assert [r.headers.get("If-None-Match") for r, _ in server.log if r.path == "/s.xml.gz"] == [None, '"s1"']


def test_download_failures_and_limits_are_results(server, make_fetcher):
    server.expect_request("/big.xml").respond_with_data(b"x" * 5000, content_type="application/xml")
    server.expect_request("/gone.xml").respond_with_data("no", status=404)
    fetcher = make_fetcher()
    big = fetcher.download(server.url_for("/big.xml"), max_bytes=1000)
    gone = fetcher.download(server.url_for("/gone.xml"), max_bytes=1000)
    assert (big.result.status, big.body) == ("skipped", None) and "larger than 1000 bytes" in big.result.error
    assert (gone.result.status, gone.result.error, gone.body) == ("error", "HTTP 404", None)


def test_refusal_names_the_robots_rule_without_requesting_the_page(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    fetcher = make_fetcher()
    url = bare_server.url_for("/private/x")
    assert fetcher.refusal(url) == f"robots.txt disallows {url} (rule: Disallow: /private/)"
    assert fetcher.refusal(bare_server.url_for("/blog/x")) is None
    assert [r.path for r, _ in bare_server.log] == ["/robots.txt"]
    assert make_fetcher(obey_robots=False).refusal(url) is None


def test_a_page_fetched_since_the_run_began_is_not_requested_again(server, make_fetcher, tmp_path):
    server.expect_request("/a").respond_with_data(PAGE, content_type="text/html")
    started = utc_now()
    first = make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/a"))
    again = make_fetcher(cache_dir=tmp_path / "c", fresh_since=started, refresh=True).fetch(server.url_for("/a"))
    assert (again.status, again.text, again.from_cache, again.fetched_at) == ("ok", PAGE, True, first.fetched_at)
    assert [r.path for r, _ in server.log].count("/a") == 1
    # a copy older than the run is asked about again
    later = make_fetcher(cache_dir=tmp_path / "c", fresh_since="2999-01-01T00:00:00+00:00").fetch(server.url_for("/a"))
    assert later.status == "ok" and [r.path for r, _ in server.log].count("/a") == 2


def test_a_page_reached_through_a_redirect_is_cached_under_its_final_url_too(server, make_fetcher, tmp_path):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": server.url_for("/new")})
    server.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    started = utc_now()
    make_fetcher(cache_dir=tmp_path / "c").fetch(server.url_for("/old"))
    metas = [json.loads(p.read_text()) for p in (tmp_path / "c" / "meta").iterdir()]
    assert sorted(m["url"] for m in metas) == [server.url_for("/new"), server.url_for("/old")]
    final = make_fetcher(cache_dir=tmp_path / "c", fresh_since=started).fetch(server.url_for("/new"))
    assert final.from_cache and final.text == PAGE
    assert [r.path for r, _ in server.log].count("/new") == 1
