"""Pages nested deeper than libxml2 builds by default keep all their text."""

from __future__ import annotations

import pytest

from claims.extract import extract_html
from claims.extract.html import MAX_DEPTH, flatten

from .conftest import assert_consistent

TOP = "Ketamine infusions relieve chronic pain in many patients."
DEEP = "Deep down, ketamine blocks NMDA receptors in the spinal cord."
AFTER = "Side effects are mild and pass quickly."


def page(opening: str, depth: int) -> str:
    return (
        f"<html><head><title>Old clinic page</title></head><body><article><p>{TOP}</p>"
        f"{opening * depth}<p>{DEEP}</p><p>{AFTER}</p></article></body></html>"
    )


@pytest.mark.parametrize("opening", ["<span>", "<font color=red>", "<div>", "<b>"])
def test_hundreds_of_unclosed_tags_lose_no_text(opening):
    # 400 is past libxml2's default limit of 256: without huge_tree the last two were lost
    doc = extract_html(page(opening, 400))
    assert_consistent(doc)
    assert DEEP in doc.text and AFTER in doc.text
    assert doc.notes == []


@pytest.mark.parametrize("opening", ["<span>", "<div class=x>", "<h2>", "<ul><li>"])
def test_deeper_than_libxml2_ever_builds_is_read_flattened_and_says_so(opening):
    doc = extract_html(page(opening, 3 * MAX_DEPTH))
    assert_consistent(doc)
    assert TOP in doc.text and DEEP in doc.text and AFTER in doc.text
    assert doc.notes == [f"markup nested deeper than {MAX_DEPTH} elements, read flattened"]


def test_flatten_keeps_blocks_apart_and_headings_closed():
    flat = flatten('<div><span class="a">One.</span></div><div>Two <b>bold</b></div><h2>H<h3>I</h3>')
    assert flat == "<p>One.<p><p>Two bold<p></h1></h2></h3></h4></h5></h6><h2>H</h1></h2></h3></h4></h5></h6><h3>I</h3>"
