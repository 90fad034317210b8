"""robots.txt is obeyed for the tool's own User-Agent, per RFC 9309."""

from __future__ import annotations

import time

from werkzeug import Response

PAGE = "<html><body><p>Public page.</p></body></html>"


def requests_to(server, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


def serve_pages(server, *paths: str) -> None:
    for path in paths:
        server.expect_request(path).respond_with_data(PAGE, content_type="text/html")


def test_disallowed_path_is_skipped_and_never_requested(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data(
        "User-agent: claims-bot\nDisallow: /private\n\nUser-agent: *\nDisallow:\n", content_type="text/plain"
    )
    serve_pages(bare_server, "/private/notes", "/public", "/public2")
    fetcher = make_fetcher()
    blocked = fetcher.fetch(bare_server.url_for("/private/notes"))
    allowed = [fetcher.fetch(bare_server.url_for(p)) for p in ("/public", "/public2")]
    assert (blocked.status, blocked.error) == (
        "skipped",
        f"robots.txt disallows {bare_server.url_for('/private/notes')} (rule: Disallow: /private)",
    )
    assert requests_to(bare_server, "/private/notes") == 0
    assert [r.status for r in allowed] == ["ok", "ok"]
    assert requests_to(bare_server, "/robots.txt") == 1  # cached per site


def test_a_group_for_our_agent_overrides_the_wildcard(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n\nUser-agent: claims-bot\nAllow: /\n", content_type="text/plain"
    )
    serve_pages(bare_server, "/article")
    assert make_fetcher().fetch(bare_server.url_for("/article")).status == "ok"


def test_wildcard_disallow_applies_to_us(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data(
        "User-agent: otherbot\nAllow: /\n\nUser-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    serve_pages(bare_server, "/article")
    assert make_fetcher().fetch(bare_server.url_for("/article")).status == "skipped"


def test_redirect_into_a_disallowed_path_is_skipped(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /members\n")
    bare_server.expect_request("/go").respond_with_data("", status=302, headers={"Location": "/members/page"})
    serve_pages(bare_server, "/members/page")
    result = make_fetcher().fetch(bare_server.url_for("/go"))
    assert (result.status, result.error) == (
        "skipped",
        f"robots.txt disallows {bare_server.url_for('/members/page')} (rule: Disallow: /members)",
    )
    assert requests_to(bare_server, "/members/page") == 0


def test_unreachable_robots_means_disallow(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("busy", status=503)
    serve_pages(bare_server, "/article")
    result = make_fetcher(retries=2).fetch(bare_server.url_for("/article"))
    assert result.status == "skipped"
    assert result.error.startswith("robots.txt unreachable (HTTP 503)")
    assert requests_to(bare_server, "/robots.txt") == 2  # retried like any 5xx
    assert requests_to(bare_server, "/article") == 0


def test_forbidden_or_looping_robots_allows_all(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("no", status=403)
    serve_pages(bare_server, "/article")
    assert make_fetcher().fetch(bare_server.url_for("/article")).status == "ok"

    bare_server.clear()
    bare_server.expect_request("/robots.txt").respond_with_data("", status=301, headers={"Location": "/robots.txt"})
    serve_pages(bare_server, "/article")
    assert make_fetcher().fetch(bare_server.url_for("/article")).status == "ok"


def test_obey_robots_off_fetches_disallowed_pages(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    serve_pages(bare_server, "/article")
    assert make_fetcher(obey_robots=False).fetch(bare_server.url_for("/article")).status == "ok"
    assert requests_to(bare_server, "/robots.txt") == 0


def test_crawl_delay_spaces_the_sites_requests(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 0.5\n")
    starts = []

    def page(request):
        starts.append(time.monotonic())
        return Response(PAGE, content_type="text/html")

    for i in range(3):
        bare_server.expect_request(f"/p{i}").respond_with_handler(page)
    fetcher = make_fetcher(host_delay=0.0, host_concurrency=2)
    results = list(fetcher.fetch_many([bare_server.url_for(f"/p{i}") for i in range(3)]))
    assert [r.status for r in results] == ["ok"] * 3
    starts.sort()
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.45  # not the 0 s host_delay


def test_a_crawl_delay_above_the_cap_skips_the_site(bare_server, make_fetcher):
    bare_server.expect_request("/robots.txt").respond_with_data("User-agent: claims-bot\nCrawl-delay: 600\n")
    serve_pages(bare_server, "/article")
    result = make_fetcher(max_crawl_delay=30).fetch(bare_server.url_for("/article"))
    assert result.status == "skipped" and "asks for 600 s between requests" in result.error
    assert requests_to(bare_server, "/article") == 0
