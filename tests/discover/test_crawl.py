"""Discovery on the local multi-site server (``clinicsites``): every article, no other page,
each site read politely through the one Fetcher."""

from __future__ import annotations

from collections import defaultdict

import pytest

from claims.discover import Options, discover_sites
from claims.fetch import Fetcher
from claims.settings import Settings

QUICK = dict(retries=2, backoff=0.01, host_delay=0.0, connect_timeout=3.0, read_timeout=3.0)


@pytest.fixture
def discover(clinic_sites, tmp_path):
    def run(*sites, settings=None, **options):
        settings = settings or Settings(**QUICK, cache_dir=str(tmp_path / "cache"))
        with Fetcher(settings, cache_dir=tmp_path / "cache") as fetcher:
            return discover_sites(fetcher, list(sites), Options.from_settings(settings, **options))

    return run


def test_every_article_of_every_site_and_nothing_else(clinic_sites, discover):
    found = discover(f"{clinic_sites.main}/", clinic_sites.b_www + "/", "localhost:%d" % clinic_sites.port)
    # localhost:PORT has no scheme: https is assumed, which this server does not speak
    assert found[2].articles == [] and "home page https://localhost" in found[2].notes[0]
    found = discover(f"{clinic_sites.main}/", clinic_sites.b_www + "/", clinic_sites.c)
    got = {site.site: {a.url: a.via for a in site.articles} for site in found}
    assert got == clinic_sites.articles
    kept = {a.url for site in found for a in site.articles}
    assert not kept & set(clinic_sites.not_articles)
    main = found[0]
    lastmods = {a.url.rsplit("/", 1)[-1]: a.lastmod for a in main.articles}
    assert lastmods["ketamine-for-chronic-pain"] == "2024-05-01"
    assert lastmods["what-to-expect"] == "2024-04-02T08:00:00+00:00"  # tracking parameters dropped, lastmod kept
    assert lastmods["esketamine-vs-ketamine"] == "2024-03-03"  # from the sitemap of a nested index
    assert lastmods["ketamine-infusions"] == "2023-11-20"  # from the gzip sitemap
    assert lastmods["new-location-opening"] == "2024-05-06T10:00:00+00:00"  # the feed's date


def test_what_was_dropped_says_why(clinic_sites, discover):
    main, b, _ = discover(f"{clinic_sites.main}/", clinic_sites.b_www + "/", clinic_sites.c)
    m = clinic_sites.main
    why = {d.url.removeprefix(m): d.reason for d in main.dropped}
    assert why["/blog/gone"] == "error: HTTP 404"
    assert why["/private/secret-study"] == (
        f"robots.txt disallows {m}/private/secret-study (rule: Disallow: /private/)"
    )
    assert why["/files/brochure.pdf"] == "not an HTML page (.pdf)"
    assert why["/blog/tag/ketamine/"] == "tag page (read for its links)"
    assert why["/blog/page/2/"] == "pagination page (read for its links)"
    assert why["/blog/"] == "listing page (4 <article> elements)"
    assert why["/about/"].startswith("little main text")
    assert why["/blog/old-post"] == f"same page as {m}/blog/esketamine-vs-ketamine"
    # a page whose rel=canonical names another is kept under that name
    assert "/blog/ketamine-faq-print-version" not in why and f"{m}/blog/ketamine-faq" in {a.url for a in main.articles}
    for page, reason in {
        "/contact-us/": "contact or booking page",
        "/privacy-policy/": "privacy or legal page",
        "/login/": "login page",
        "/cart/": "cart or account page",
        "/search/?q=ketamine": "search page",
    }.items():
        assert why[page] == reason
    assert why[f"http://localhost:{clinic_sites.port}/treatments/tms".removeprefix(m)] == "on another site (localhost)"
    assert f"sitemap {m}/sitemaps/missing.xml: HTTP 404" in main.notes
    assert main.sitemaps_read == 5 and main.feeds_read == 1 and main.left == 0
    assert f"sitemap {clinic_sites.b}/sitemap.xml: an HTML page, not a sitemap" in b.notes
    assert b.home == f"{clinic_sites.b}/" and b.site == "clinic-b.test"


def test_politely_each_page_once_robots_obeyed(clinic_sites, discover):
    discover(f"{clinic_sites.main}/", clinic_sites.b_www + "/", clinic_sites.c)
    per_host = defaultdict(list)
    for _, host, path, agent in clinic_sites.requests:
        assert agent.startswith("claims-bot/")
        per_host[host].append(path)
    main = per_host[f"127.0.0.1:{clinic_sites.port}"]
    assert main[0] == "/robots.txt" and main.count("/robots.txt") == 1
    never = {
        "/private/secret-study",
        "/files/brochure.pdf",
        "/contact-us/",
        "/privacy-policy/",
        "/login/",
        "/cart/",
        "/search/?q=ketamine",
    }
    assert not never & set(main)
    # a page is requested once, except one reached again through a redirect
    repeated = {p for p in main if main.count(p) > 1}
    assert repeated == {"/blog/esketamine-vs-ketamine"}
    assert per_host[f"www.clinic-b.test:{clinic_sites.port}"][0] == "/robots.txt"


def test_the_page_budget_stops_an_endless_calendar_and_says_what_is_left(clinic_sites, discover):
    (main,) = discover(f"{clinic_sites.main}/", max_pages=40, max_depth=10_000)
    pages = [
        p
        for _, h, p, _ in clinic_sites.requests
        if h == f"127.0.0.1:{clinic_sites.port}" and not p.startswith(("/robots.txt", "/sitemap", "/feed.xml"))
    ]
    assert main.pages_requested == 40 == len(pages) - pages.count("/blog/esketamine-vs-ketamine") + 1
    assert main.left > 0 and "URLs left unchecked" in main.summary(40)
    assert sum(p.startswith("/events/calendar") for p in pages) > 10  # the calendar ate the rest of the budget
    # the sitemap and feed articles came first, whatever the calendar does
    assert {a.via for a in main.articles} >= {"sitemap", "feed"}


def test_the_link_depth_stops_it_too(clinic_sites, discover):
    (main,) = discover(f"{clinic_sites.main}/", max_depth=2)
    calendar = [p for _, _, p, _ in clinic_sites.requests if p.startswith("/events/calendar")]
    assert 0 < len(calendar) <= 3 and main.left == 0


def test_include_and_exclude_patterns(clinic_sites, discover):
    (main,) = discover(f"{clinic_sites.main}/", include=[r"/blog/"], exclude=[r"esketamine"])
    urls = {a.url.removeprefix(clinic_sites.main) for a in main.articles}
    assert urls and all(u.startswith("/blog/") and "esketamine" not in u for u in urls)
    assert not any(p.startswith("/services/") for _, _, p, _ in clinic_sites.requests)
    assert {d.reason for d in main.dropped if "esketamine" in d.url} == {"matches --exclude"}
    # a URL that redirects to an excluded page is dropped too
    assert {d.url.removeprefix(clinic_sites.main): d.reason for d in main.dropped}[
        "/blog/old-post"
    ] == f"is {clinic_sites.main}/blog/esketamine-vs-ketamine, which matches --exclude"


def test_the_host_delay_spaces_a_sites_requests(clinic_sites, discover, tmp_path):
    settings = Settings(**{**QUICK, "host_delay": 0.2}, cache_dir=str(tmp_path / "cache"))
    discover(clinic_sites.c, settings=settings)
    times = [t for t, h, _, _ in clinic_sites.requests if h == f"localhost:{clinic_sites.port}"]
    assert len(times) >= 6
    # starts are spaced by the fetcher; arrival times jitter, their span cannot shrink much
    assert times[-1] - times[0] >= 0.9 * 0.2 * (len(times) - 1)


def test_an_unusable_site_is_a_note_not_a_crash(discover):
    bad, unreachable = discover("ftp://files.example/", "http://127.0.0.1:9/")
    assert bad.site is None and "is not a site" in bad.notes[0] and not bad.articles
    assert unreachable.articles == []
    assert unreachable.notes[0].startswith("home page http://127.0.0.1:9/: error: connection refused")


def test_discover_command_writes_a_list_claims_run_can_read(clinic_sites, tmp_path, capsys, monkeypatch):
    from claims.cli import main
    from claims.sources import read_list

    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAIMS_HOST_DELAY", "0")
    listing = tmp_path / "articles.txt"
    assert main(["discover", clinic_sites.c, f"{clinic_sites.main}/", "--out", str(listing)]) == 0
    listed = read_list(listing)
    assert listed[:2] == list(clinic_sites.articles["localhost"])  # sites in the order given
    assert sorted(listed[2:]) == sorted(clinic_sites.articles["127.0.0.1"])
    text = listing.read_text()
    assert f"{clinic_sites.main}/blog/ketamine-for-chronic-pain  # sitemap, lastmod 2024-05-01" in text
    assert f"# dropped {clinic_sites.main}/blog/gone: error: HTTP 404" in text
    summary = capsys.readouterr().err
    assert "127.0.0.1: 8 articles (4 sitemap, 1 feed, 3 link)" in summary and "localhost: 2 articles" in summary
    assert main(["discover", "http://127.0.0.1:9/"]) == 1  # nothing found anywhere
