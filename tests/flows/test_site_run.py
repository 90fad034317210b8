"""Issue 13 end to end: `claims run --site` discovers the test sites' articles, reads each
page once (discovery's copy is reused), writes site and discovered_via per article and
sites.parquet, publishes the per-site table, and `claims report` prints it."""

from __future__ import annotations

import pytest
from runprocs import latest_artifact

from claims import load
from claims.cli import main
from claims.report import format_sites, load_sites
from claims.runfolder import RunFolder

pytestmark = pytest.mark.slow


def test_run_site_finds_every_article_politely_and_reports_per_site(
    prefect_server, fast_fetching, clinic_sites, tmp_path
):
    out = tmp_path / "out"
    main_site, b_site = f"{clinic_sites.main}/", f"{clinic_sites.b_www}/"
    assert main(["run", "--site", main_site, "--site", b_site, "--out", str(out)]) == 0

    articles = load(out, "articles").set_index("source")
    expected = {
        url: (site, via)
        for site, urls in clinic_sites.articles.items()
        if site != "localhost"
        for url, via in urls.items()
    }
    assert {s: (r.site, r.discovered_via) for s, r in articles.iterrows()} == expected
    assert set(articles["status"]) == {"ok"}

    # politely: robots.txt obeyed, and no article requested twice (the run reused discovery's copy)
    main_paths = clinic_sites.requested(f"127.0.0.1:{clinic_sites.port}")
    assert "/private/secret-study" not in main_paths
    for url in expected:
        host_path = url.split("://", 1)[1]
        host, path = host_path.split("/", 1)
        count = clinic_sites.requested(host).count("/" + path)
        assert count == (2 if path == "blog/esketamine-vs-ketamine" else 1), url  # once more through /blog/old-post

    sites = load(out, "sites").set_index("site")
    assert list(sites.index) == ["127.0.0.1", "clinic-b.test"]
    assert sites.loc["127.0.0.1", "n_ok"] == 8 and sites.loc["clinic-b.test", "n_ok"] == 3
    assert sites.loc["127.0.0.1", "says_non_addictive"] and sites.loc["127.0.0.1", "says_no_side_effects"]
    assert "ketamine for chronic pain" in sites.loc["127.0.0.1", "fda_approval_misstated"]
    assert sites.loc["clinic-b.test", "states_harm"] and not sites.loc["clinic-b.test", "says_non_addictive"]
    assert sites.loc["clinic-b.test", "fda_approval_claims"] == ["esketamine for depression"]
    assert load(out, "runs")["sites"].tolist() == [[main_site, b_site]]

    artifact = latest_artifact("claims-sites")
    assert "clinic-b.test" in artifact.data and "ketamine for chronic pain (not an approved use)" in artifact.data

    # what `claims report` prints
    printed = format_sites(load_sites(RunFolder(out)))
    assert "127.0.0.1" in printed and "clinic-b.test" in printed


def test_a_site_that_cannot_be_read_is_recorded_by_its_home_page(prefect_server, fast_fetching, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "--site", "http://127.0.0.1:9/", "--out", str(out)]) == 1  # every source failed
    articles = load(out, "articles")
    assert articles["source"].tolist() == ["http://127.0.0.1:9/"] and articles["status"].tolist() == [
        "error"
    ]  # connection refused
    assert load(out, "sites")[["site", "n_ok", "n_failed"]].values.tolist() == [["127.0.0.1", 0, 1]]
