"""robots.txt rules matched as RFC 9309 says, checked through the Fetcher against a real server.

Each row of ``ROWS`` serves a robots.txt, fetches one path with a given User-Agent and expects
the page either fetched (None) or skipped with the rule that refused it named in the reason.
"""

from __future__ import annotations

import re

import pytest

from claims.settings import Settings

from .conftest import FAST

PAGE = "<html><body><p>A page.</p></body></html>"
OURS = Settings(**FAST).user_agent  # "claims-bot/<version> (+https://example.invalid/claims-tests)"

# The robots.txt of issue 18.
ISSUE = """User-agent: *
Disallow: /*?replytocom
Disallow: /*.pdf$
Disallow: /blog/
Allow: /blog/ketamine-faq
"""

# RFC 9309 section 5.1.
RFC_SIMPLE = """User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
"""

# RFC 9309 section 5.2.
RFC_LONGEST = """User-Agent: foobot
Allow: /example/page/
Disallow: /example/page/disallowed.gif
"""

# A group for us beside "*"; our group given twice; our token in other letter cases.
OUR_GROUP = "User-agent: *\nDisallow: /private/\n\nUser-agent: claims-bot\nDisallow: /drafts/\n"
OUR_GROUP_TWICE = (
    "User-agent: claims-bot\nDisallow: /a/\n\nUser-agent: *\nDisallow: /b/\n\nUser-agent: claims-bot\nDisallow: /c/\n"
)
OUR_GROUP_UPPER = "User-agent: CLAIMS-Bot\nDisallow: /x/\n\nUser-agent: *\nDisallow: /\n"


def only(*lines: str) -> str:
    return "User-agent: *\n" + "\n".join(lines) + "\n"


ROWS = [
    # robots.txt, User-Agent, path, the rule expected to refuse it (None: fetched)
    pytest.param(ISSUE, OURS, "/blog/x?replytocom=1", "Disallow: /*?replytocom", id="issue-wildcard-query"),
    pytest.param(ISSUE, OURS, "/files/a.pdf", "Disallow: /*.pdf$", id="issue-end-anchor"),
    pytest.param(ISSUE, OURS, "/files/a.pdf?download=1", None, id="issue-anchor-needs-the-end"),
    pytest.param(ISSUE, OURS, "/blog/ketamine-faq", None, id="issue-longer-allow-wins"),
    pytest.param(ISSUE, OURS, "/blog/ketamine-risks", "Disallow: /blog/", id="issue-folder"),
    pytest.param(ISSUE, OURS, "/about", None, id="issue-unlisted"),
    pytest.param(RFC_SIMPLE, OURS, "/example/x", "Disallow: /example/", id="rfc5.1-star-group"),
    pytest.param(RFC_SIMPLE, OURS, "/img/a.gif", "Disallow: *.gif$", id="rfc5.1-star-gif"),
    pytest.param(RFC_SIMPLE, OURS, "/publications/a.gif", None, id="rfc5.1-longer-allow"),
    pytest.param(RFC_SIMPLE, "foobot/1.0", "/example/page.html", None, id="rfc5.1-foobot-allow"),
    pytest.param(RFC_SIMPLE, "foobot/1.0", "/example/allowed.gif", None, id="rfc5.1-foobot-own-group-only"),
    pytest.param(RFC_SIMPLE, "foobot/1.0", "/example/other", "Disallow: /", id="rfc5.1-foobot-disallow"),
    pytest.param(RFC_SIMPLE, "BazBot/2", "/example/page.html", "Disallow: /example/page.html", id="rfc5.1-two-agents"),
    pytest.param(RFC_SIMPLE, "BazBot/2", "/example/x", None, id="rfc5.1-bazbot-not-star"),
    pytest.param(RFC_SIMPLE, "quxbot", "/example/x", None, id="rfc5.1-empty-group"),
    pytest.param(RFC_LONGEST, "foobot", "/example/page/", None, id="rfc5.2-allow"),
    pytest.param(
        RFC_LONGEST,
        "foobot",
        "/example/page/disallowed.gif",
        "Disallow: /example/page/disallowed.gif",
        id="rfc5.2-longer-disallow",
    ),
    pytest.param(only("Allow: /p", "Disallow: /"), OURS, "/page", None, id="longest-allow"),
    pytest.param(only("Allow: /folder", "Disallow: /folder"), OURS, "/folder/page", None, id="tie-allow-first"),
    pytest.param(only("Disallow: /folder", "Allow: /folder"), OURS, "/folder/page", None, id="tie-allow-second"),
    pytest.param(only("Allow: /page", "Disallow: /*.htm"), OURS, "/page.htm", "Disallow: /*.htm", id="longer-wildcard"),
    pytest.param(only("Allow: /$", "Disallow: /"), OURS, "/", None, id="anchored-root"),
    pytest.param(only("Allow: /$", "Disallow: /"), OURS, "/page.htm", "Disallow: /", id="anchor-not-prefix"),
    pytest.param(only("Disallow: /this/*/exactly"), OURS, "/this/a/b/exactly", "Disallow: /this/*/exactly", id="star"),
    pytest.param(only("Disallow: /this/*/exactly"), OURS, "/this/exactly", None, id="star-needs-its-slashes"),
    pytest.param(only("Disallow: /private # staff only"), OURS, "/private/x", "Disallow: /private", id="comment"),
    pytest.param(only("Disallow: /foo/bar%2Fbaz"), OURS, "/foo/bar/baz", None, id="encoded-slash-is-not-slash"),
    pytest.param(
        only("Disallow: /foo/bar%2Fbaz"), OURS, "/foo/bar%2Fbaz", "Disallow: /foo/bar%2Fbaz", id="encoded-slash"
    ),
    pytest.param(only("Disallow: /foo/bar/baz"), OURS, "/foo/bar%2Fbaz", None, id="slash-is-not-encoded-slash"),
    pytest.param(
        only("Disallow: /foo/bar/baz"), OURS, "/foo/bar/%62%61%7A", "Disallow: /foo/bar/baz", id="unreserved-decoded"
    ),
    pytest.param(only("Disallow: /foo/%E3%83%84"), OURS, "/foo/\u30c4", "Disallow: /foo/%E3%83%84", id="utf8-url"),
    pytest.param(only("Disallow: /foo/\u30c4"), OURS, "/foo/%E3%83%84", "Disallow: /foo/\u30c4", id="utf8-rule"),
    pytest.param(only("Disallow: /foo/\u30c4"), OURS, "/foo/%e3%83%84", "Disallow: /foo/\u30c4", id="lowercase-hex"),
    pytest.param(only("Disallow: /"), OURS, "/robots.txt", None, id="robots-txt-always-allowed"),
    # user-agent groups: ours by product token, case-insensitive, merged; else "*"
    pytest.param(OUR_GROUP, OURS, "/drafts/a", "Disallow: /drafts/", id="our-group"),
    pytest.param(OUR_GROUP, OURS, "/private/a", None, id="our-group-replaces-star"),
    pytest.param(OUR_GROUP, "OtherBot/1.0", "/private/a", "Disallow: /private/", id="other-agent-gets-star"),
    pytest.param(OUR_GROUP_TWICE, OURS, "/a/x", "Disallow: /a/", id="groups-merged-first"),
    pytest.param(OUR_GROUP_TWICE, OURS, "/c/x", "Disallow: /c/", id="groups-merged-second"),
    pytest.param(OUR_GROUP_TWICE, OURS, "/b/x", None, id="groups-merged-not-star"),
    pytest.param(OUR_GROUP_UPPER, OURS, "/x/y", "Disallow: /x/", id="token-case-insensitive"),
    pytest.param(OUR_GROUP_UPPER, OURS, "/y", None, id="token-case-not-star"),
    # Protego alone would apply these groups to us: a prefix of our token, a word of our User-Agent.
    pytest.param("User-agent: claims\nDisallow: /\n", OURS, "/page", None, id="prefix-of-token-is-another-bot"),
    pytest.param("User-agent: claims\nDisallow: /\n", "claims/2.0", "/page", "Disallow: /", id="that-bots-own-group"),
    pytest.param("User-agent: example\nDisallow: /\n", OURS, "/page", None, id="contact-url-is-not-the-token"),
    # Protego alone would ignore the first line after a byte-order mark.
    pytest.param("\ufeffUser-agent: *\nDisallow: /\n", OURS, "/page", "Disallow: /", id="byte-order-mark"),
]


@pytest.fixture
def site(bare_server):
    """Serves a page at every path but /robots.txt, which each test sets first."""

    def serve(robots_txt: str):
        bare_server.expect_request("/robots.txt").respond_with_data(robots_txt, content_type="text/plain")
        bare_server.expect_request(re.compile(".*")).respond_with_data(PAGE, content_type="text/html")
        return bare_server

    return serve


def requested(server) -> list[str]:
    """Paths (with query) the server was asked for, robots.txt included."""
    return [
        request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        for request, _ in server.log
    ]


@pytest.mark.parametrize(("robots_txt", "agent", "path", "refused_by"), ROWS)
def test_rule_matching(site, make_fetcher, monkeypatch, robots_txt, agent, path, refused_by):
    monkeypatch.setattr(Settings, "user_agent", property(lambda self: agent))
    server = site(robots_txt)
    url = server.url_for(path)
    result = make_fetcher().fetch(url)
    if refused_by is None:
        assert (result.status, result.error) == ("ok", None)
    else:
        assert (result.status, result.error) == ("skipped", f"robots.txt disallows {url} (rule: {refused_by})")
        assert requested(server) == ["/robots.txt"]  # the page itself was never asked for


def test_the_issue_site_fetches_exactly_the_allowed_pages(site, make_fetcher):
    server = site(ISSUE)
    allowed = ["/", "/about", "/blog/ketamine-faq", "/blog/ketamine-faq?replytocom=2", "/files/a.pdf?download=1"]
    refused = {
        "/blog/": "Disallow: /blog/",
        "/blog/ketamine-risks": "Disallow: /blog/",
        "/blog/x?replytocom=1": "Disallow: /*?replytocom",  # longer than /blog/, so it is the one named
        "/files/a.pdf": "Disallow: /*.pdf$",
    }
    urls = [server.url_for(path) for path in [*allowed, *refused]]
    results = {result.source: result for result in make_fetcher().fetch_many(urls)}

    assert {path for path in allowed if results[server.url_for(path)].ok} == set(allowed)
    assert {path: (results[server.url_for(path)].status, results[server.url_for(path)].error) for path in refused} == {
        path: ("skipped", f"robots.txt disallows {server.url_for(path)} (rule: {rule})")
        for path, rule in refused.items()
    }
    assert sorted(requested(server)) == sorted(["/robots.txt", *allowed])


def test_a_decimal_crawl_delay_is_read_as_written(site, make_fetcher):
    server = site("User-agent: *\nCrawl-delay: 30.5\n")
    result = make_fetcher(max_crawl_delay=30).fetch(server.url_for("/page"))
    assert result.status == "skipped" and "asks for 30.5 s between requests" in result.error


def test_the_crawl_delay_of_our_group_is_the_one_obeyed(site, make_fetcher):
    server = site("User-agent: *\nCrawl-delay: 99\n\nUser-agent: claims-bot\nCrawl-delay: 0.1\n")
    assert make_fetcher(max_crawl_delay=30).fetch(server.url_for("/page")).status == "ok"


SITEMAPS = """Sitemap: https://cdn.example/sitemap-index.xml
User-agent: *
Disallow: /private/
sitemap: /sitemaps/blog.xml

User-agent: otherbot
Disallow: /
"""


def test_sitemaps_are_listed_from_the_cached_robots_txt(site, make_fetcher):
    server = site(SITEMAPS)
    fetcher = make_fetcher()
    # Sitemap lines belong to no group, and a relative one is resolved against robots.txt.
    assert fetcher.sitemaps(server.url_for("/any/page")) == [
        "https://cdn.example/sitemap-index.xml",
        server.url_for("/sitemaps/blog.xml"),
    ]
    assert fetcher.fetch(server.url_for("/article")).ok
    assert fetcher.fetch(server.url_for("/private/x")).status == "skipped"
    assert requested(server).count("/robots.txt") == 1


def test_sitemaps_are_listed_when_robots_txt_is_not_obeyed(site, make_fetcher):
    server = site(SITEMAPS)
    fetcher = make_fetcher(obey_robots=False)
    assert fetcher.fetch(server.url_for("/private/x")).ok
    assert fetcher.sitemaps(server.url_for("/")) == [
        "https://cdn.example/sitemap-index.xml",
        server.url_for("/sitemaps/blog.xml"),
    ]


@pytest.mark.parametrize("status", [404, 503])
def test_no_sitemaps_from_a_missing_or_unreachable_robots_txt(bare_server, make_fetcher, status):
    bare_server.expect_request("/robots.txt").respond_with_data("Sitemap: https://cdn.example/s.xml\n", status=status)
    assert make_fetcher(retries=1).sitemaps(bare_server.url_for("/")) == []
