"""Title, canonical URL and publication date, as the page states them."""

from __future__ import annotations

import pytest

from claims.extract import extract_html
from claims.extract.metadata import iso_date


def page(head: str = "", body: str = "") -> str:
    text = "<p>Shockwave therapy sends pressure pulses into a sore tendon to restart healing.</p>" * 5
    return f"<html><head>{head}</head><body>{body}<article>{text}</article></body></html>"


def test_title_prefers_og_title_and_strips_the_site_name():
    doc = extract_html(
        page(
            '<meta property="og:site_name" content="Northside Physio">'
            '<meta property="og:title" content="Shockwave Therapy for Heel Pain | Northside Physio">'
            "<title>Ignored</title>",
            "<h1>Also ignored</h1>",
        )
    )
    assert doc.title == "Shockwave Therapy for Heel Pain"


def test_title_falls_back_to_the_article_h1_not_the_logo_h1():
    doc = extract_html(
        page(
            "<title>Home</title>", "<header><h1>Northside Physio</h1></header><h1>  Shockwave   therapy explained </h1>"
        )
    )
    assert doc.title == "Shockwave therapy explained"


def test_title_from_the_title_element_loses_a_trailing_site_name():
    doc = extract_html(
        page("<title>Heel pain: five myths – Northside Physio</title>"), "https://northside-physio.example/blog/heel"
    )
    assert doc.title == "Heel pain: five myths"


def test_no_title_gives_no_title_block():
    doc = extract_html(page())
    assert doc.title is None
    assert doc.blocks and all(b.kind != "title" for b in doc.blocks)


def test_canonical_link_wins_over_og_url_and_is_made_absolute():
    doc = extract_html(
        page(
            '<meta property="og:url" content="https://a.example/og"><link rel="Canonical" href="/treatments/shockwave">'
        ),
        "https://northside-physio.example/blog/x?utm=1",
    )
    assert doc.canonical_url == "https://northside-physio.example/treatments/shockwave"


def test_og_url_is_used_without_a_canonical_link():
    doc = extract_html(page('<meta property="og:url" content="https://a.example/og">'))
    assert doc.canonical_url == "https://a.example/og"


def test_published_from_json_ld():
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage"}, {"@type": "BlogPosting", "datePublished": "2023-02-11"}]}'
        "</script>"
    )
    assert extract_html(page(ld)).published == "2023-02-11"


def test_published_from_a_marked_time_element_before_other_times():
    body = (
        '<time datetime="2021-01-01">comment date</time>'
        '<time class="entry-date published" datetime="2022-07-19T10:00:00Z">July 19</time>'
    )
    assert extract_html(page(body=body)).published == "2022-07-19T10:00:00+00:00"


def test_unparsable_json_ld_and_missing_dates_give_none():
    doc = extract_html(page('<script type="application/ld+json">{not json</script>'))
    assert doc.published is None and doc.canonical_url is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-14", "2024-03-14"),
        ("2024-03-14T09:30:00-07:00", "2024-03-14T09:30:00-07:00"),
        ("2024-03-14T09:30:00Z", "2024-03-14T09:30:00+00:00"),
        ("Thu, 14 Mar 2024 09:30:00 GMT", "2024-03-14T09:30:00+00:00"),
        ("March 14, 2024", "2024-03-14"),
        ("14 Mar 2024", "2024-03-14"),
        ("0001-01-01", None),  # a placeholder, not a date
        ("last Tuesday", None),
        ("", None),
    ],
)
def test_iso_date(raw, expected):
    assert iso_date(raw) == expected
