"""extract_html on a hand-written clinic article full of page chrome."""

from __future__ import annotations

import pytest
import trafilatura

from claims.extract import extract_html
from claims.extract.html import parse_page

from .conftest import CLINIC_URL, assert_consistent, blocks_of, read_page

BOILERPLATE = [
    "NAV-SCRIPT-TEXT",  # script
    "color: red",  # style
    "small files on your device",  # cookie banner
    "Meet the Nurses",  # navigation
    "Post to Facebook",  # share bar
    "Nasal spray treatment",  # related posts
    "Related Posts",
    "My aunt went to this clinic",  # a comment
    "thoughts on this article",
    "Leave a Reply",
    "Your email address will not be published",
    "Post Comment",
    "Hidden promotional text",  # display: none
    "Report this page",
    "All rights reserved",  # footer
]


@pytest.mark.parametrize("fragment", BOILERPLATE)
def test_boilerplate_is_dropped(clinic, fragment):
    assert fragment not in clinic.text


def test_article_text_is_kept_with_whitespace_collapsed(clinic):
    paragraphs = blocks_of(clinic, "paragraph")
    assert paragraphs[0] == (
        "Nerve pain rarely answers to the usual pills, and many of our visitors have tried a "
        "long list of them before they call us. This page collects the questions we hear most "
        "often about infusion therapy."
    )
    assert_consistent(clinic)


def test_title_block_comes_first_and_the_h1_is_not_repeated(clinic):
    title = "Low-Dose Ketamine for Nerve Pain: What Our Patients Ask"
    assert clinic.title == title
    first = clinic.blocks[0]
    assert (first.kind, clinic.block_text(first)) == ("title", title)
    assert clinic.text.count(title) == 1


def test_headings_list_items_and_quotes_are_blocks_of_their_own(clinic):
    assert blocks_of(clinic, "heading") == [
        "How does the infusion calm nerve pain?",
        "What side effects should I expect?",
    ]
    assert blocks_of(clinic, "list_item") == [
        "Light-headedness that fades within the hour",
        "Mild nausea, which we can treat with medication",
        "Vivid, dream-like thoughts",
    ]
    assert blocks_of(clinic, "quote") == ["I slept through the whole night for the first time in a year."]
    kinds = [b.kind for b in clinic.blocks]
    # the list comes right after the sentence introducing it
    intro = kinds.index("list_item") - 1
    assert clinic.block_text(clinic.blocks[intro]).endswith("during the session:")


def test_links_slice_to_their_anchor_text_and_are_absolute(clinic):
    links = {clinic.text[link.start : link.end]: link.href for b in clinic.blocks for link in b.links}
    # relative hrefs resolve against <base href>, not the page URL
    assert links["2019 crossover trial"] == "https://lakeshore-infusion.example/studies/nmda-trial-2019"
    assert links["full review of infusion safety"] == "https://journals.example.org/pain/article/42"
    assert links["[4]"] == "https://lakeshore-infusion.example/#ref-4"
    assert all(href.startswith("https://") for href in links.values())


def test_links_belong_to_the_block_holding_their_anchor(clinic):
    for block in clinic.blocks:
        for link in block.links:
            assert block.start <= link.start and link.end <= block.end


def test_superscript_reference_numbers_read_as_bracketed_markers(clinic):
    assert "after a series of six infusions.[3]" in clinic.text
    assert "lasting several weeks[4], although" in clinic.text


def test_page_metadata_is_read(clinic):
    assert clinic.canonical_url == "https://lakeshore-infusion.example/articles/ketamine-nerve-pain/"
    assert clinic.published == "2024-05-06T08:15:00+02:00"


def test_relative_links_resolve_against_the_page_url_without_a_base():
    html = read_page("clinic_article.html").replace('<base href="https://lakeshore-infusion.example/">', "")
    doc = extract_html(html, "https://other-host.example/blog/post/")
    links = {doc.text[link.start : link.end]: link.href for b in doc.blocks for link in b.links}
    assert links["2019 crossover trial"] == "https://other-host.example/blog/post/studies/nmda-trial-2019"


def disable_trafilatura(monkeypatch, how: str) -> None:
    """trafilatura finding no article ("nothing") or failing ("error"), so the fallback walk
    has to do the work."""

    def bare_extraction(*args, **kwargs):
        if how == "error":
            raise RuntimeError("simulated extractor bug")
        return None

    monkeypatch.setattr(trafilatura, "bare_extraction", bare_extraction)


@pytest.mark.parametrize("how", ["nothing", "error"])
def test_fallback_walk_keeps_the_article_structure(monkeypatch, how):
    disable_trafilatura(monkeypatch, how)
    doc = extract_html(read_page("clinic_article.html"), CLINIC_URL)
    assert_consistent(doc)
    assert blocks_of(doc, "heading") == [
        "How does the infusion calm nerve pain?",
        "What side effects should I expect?",
    ]
    assert len(blocks_of(doc, "list_item")) == 3
    assert "lasting several weeks[4], although" in doc.text
    links = {doc.text[link.start : link.end]: link.href for b in doc.blocks for link in b.links}
    assert links["2019 crossover trial"] == "https://lakeshore-infusion.example/studies/nmda-trial-2019"


@pytest.mark.parametrize("fragment", BOILERPLATE)
def test_fallback_walk_drops_boilerplate(monkeypatch, fragment):
    disable_trafilatura(monkeypatch, "nothing")
    assert fragment not in extract_html(read_page("clinic_article.html"), CLINIC_URL).text


DIV_LAYOUT_CHROME = [
    "small memory of your visit",  # cookie notice by id
    "Price list",  # role=navigation
    "Pass it on",  # share widget by class
    "Leave a Reply",  # unmarked comment-form lines
    "will not be published",
    "Heat or ice",  # related articles
    "decorative caption",  # aria-hidden
    "open weekdays",  # footer
]


@pytest.mark.parametrize("trafilatura_runs", [True, False])
def test_div_layout_without_semantic_markup(monkeypatch, trafilatura_runs):
    if not trafilatura_runs:
        disable_trafilatura(monkeypatch, "nothing")
    doc = extract_html(read_page("div_layout.html"), "https://harbor-physio.example/blog/needling")
    assert_consistent(doc)
    assert doc.title == "Dry Needling or Massage?"
    assert [b.kind for b in doc.blocks[:3]] == ["title", "paragraph", "heading"]
    assert "Massage works from the surface" in doc.text
    links = {doc.text[link.start : link.end]: link.href for b in doc.blocks for link in b.links}
    assert links == {"national safety guideline": "https://harbor-physio.example/guidelines/needling.pdf"}
    for fragment in DIV_LAYOUT_CHROME:
        assert fragment not in doc.text


def test_flattened_list_items_and_headings_are_restored_from_the_page():
    """A template where trafilatura keeps the paragraphs but drops the <h2>s and <ul>."""
    doc = extract_html(read_page("blog_item_template.html"), "https://spine.example/news/scs")
    assert_consistent(doc)
    assert blocks_of(doc, "heading") == [
        "Who is a good candidate",
        "Possible complications",
        "What a trial week looks like",
    ]
    assert blocks_of(doc, "list_item") == [
        "Infection where the battery sits",
        "A lead that shifts out of place",
        "Soreness over the implant",
    ]


def test_boilerplate_lines_in_unmarked_divs_are_dropped():
    html = (
        "<html><body><article><h1>Cold therapy after knee surgery</h1>"
        + "<p>Cooling the joint in the first two days limits swelling for most patients. " * 6
        + "</p><div>Leave a Reply</div><div>Share this article</div><div>Report this page</div>"
        "<p>Ice should never touch bare skin for more than twenty minutes at a time.</p>"
        "</article></body></html>"
    )
    doc = extract_html(html)
    assert "Cooling the joint" in doc.text and "twenty minutes" in doc.text
    for line in ("Leave a Reply", "Share this article", "Report this page"):
        assert line not in doc.text


def test_parse_reads_a_string_with_an_xml_encoding_declaration():
    tree, notes = parse_page('<?xml version="1.0" encoding="utf-8"?><html><body><p>Dry needling</p></body></html>')
    assert tree is not None and "Dry needling" in tree.text_content() and notes == []
