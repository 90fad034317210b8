"""Bad pages give a Document, never an exception; offsets stay consistent whatever the input."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extract import extract_html

from .conftest import assert_consistent

MALFORMED = {
    "empty": "",
    "whitespace": " \n\t ",
    "binary junk": os.urandom(2048).decode("latin-1"),
    "nul bytes": "<html><body><p>Heat\x00 packs\x01 help\x0b</p></body></html>",
    "only a comment": "<!-- nothing here -->",
    "unclosed tags": "<html><body><div><p>Unclosed <b>bold <i>italic <a href='/x'>link",
    "nested tables": "<table><tr><td><table><tr><td><p>Cell text about braces</p>" * 30,
    "deep nesting": "<div>" * 5000 + "Deep text" + "</div>" * 10,
    "xml declaration": '<?xml version="1.0" encoding="utf-8"?><html><body><p>Cupping</p></body></html>',
    "broken attributes": '<p class="a><a href=">still text</a><a href="http://[::1">bad url</a></p>',
    "stray closing tags": "</p></div></body></html><p>Text after the end</p>",
    "script only": "<script>var a = '<p>not text</p>';</script>",
    "plain text": "Just a sentence with no markup at all, about massage for back pain.",
    "base without url": '<base href="//[broken"><p><a href="rel/page">anchor</a> text here</p>',
}


@pytest.mark.parametrize("html", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_pages_do_not_raise(html):
    doc = extract_html(html, "https://clinic.example/page")
    assert_consistent(doc)


def test_text_survives_in_broken_markup():
    doc = extract_html(MALFORMED["unclosed tags"])
    assert "Unclosed bold italic link" in doc.text
    assert "Text after the end" in extract_html(MALFORMED["stray closing tags"]).text
    assert extract_html(MALFORMED["script only"]).text == ""
    assert extract_html("").blocks == []
    assert "bad \ufffd surrogate, text kept" in extract_html("<p>bad \udcff surrogate, text kept</p>").text


TAGS = [
    "p",
    "div",
    "span",
    "a",
    "h2",
    "ul",
    "li",
    "ol",
    "blockquote",
    "sup",
    "b",
    "table",
    "td",
    "nav",
    "footer",
    "article",
    "br",
    "script",
    "em",
    "section",
]
ATTRS = [
    "",
    ' href="/study/1"',
    ' href="https://journal.example/a"',
    ' class="share-bar"',
    ' style="display:none"',
    ' href="#ref-2"',
    " hidden",
    ' id="comments"',
    ' href="javascript:x()"',
]


@st.composite
def html_soup(draw):
    """Random tag soup: opening and closing tags (balanced or not) mixed with text."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(TAGS), st.sampled_from(ATTRS)),
                st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
                st.text(min_size=1, max_size=40),
                st.sampled_from(["3", "[4]", " ", "\n\n", "&amp;", "&#x0;", "&nbsp;", "Leave a Reply"]),
            ),
            max_size=60,
        )
    )
    return "".join(pieces)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_soup(), st.text(max_size=300)), url=st.sampled_from([None, "https://c.example/x/"]))
def test_any_input_gives_a_consistent_document(html, url):
    assert_consistent(extract_html(html, url))
