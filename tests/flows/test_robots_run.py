"""Issue 18 through `claims run`: the site's robots.txt rules decide, per RFC 9309, which
pages are fetched, and each refused page is recorded as skipped with the rule that refused it."""

from __future__ import annotations

import re

import pytest

from claims import load
from claims.cli import main

pytestmark = pytest.mark.slow

ROBOTS = """User-agent: *
Disallow: /*?replytocom
Disallow: /*.pdf$
Disallow: /blog/
Allow: /blog/ketamine-faq
"""
PAGE = "<html><body><article><p>Ketamine infusions relieve nerve pain within hours.</p></article></body></html>"


def test_run_fetches_the_allowed_pages_and_records_each_refusal(prefect_server, fast_fetching, site, tmp_path):
    site.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    site.expect_request(re.compile(".*")).respond_with_data(PAGE, content_type="text/html")
    allowed = [site.url_for(p) for p in ("/blog/ketamine-faq", "/about")]
    refused = {
        site.url_for("/blog/x?replytocom=1"): "Disallow: /*?replytocom",
        site.url_for("/files/a.pdf"): "Disallow: /*.pdf$",
        site.url_for("/blog/ketamine-risks"): "Disallow: /blog/",
    }
    out = tmp_path / "out"
    assert main(["run", *allowed, *refused, "--out", str(out)]) == 0

    articles = load(out, "articles").set_index("source")
    assert {url: articles.loc[url, "status"] for url in allowed} == {url: "ok" for url in allowed}
    assert {url: (articles.loc[url, "status"], articles.loc[url, "error"]) for url in refused} == {
        url: ("skipped", f"robots.txt disallows {url} (rule: {rule})") for url, rule in refused.items()
    }
    asked = {request.path for request, _ in site.log}
    assert asked == {"/robots.txt", "/blog/ketamine-faq", "/about"}
