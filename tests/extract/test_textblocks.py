"""The builder that keeps block and link offsets exact while collapsing whitespace."""

from __future__ import annotations

import pytest

from claims.extract.references import reference_marker
from claims.extract.textblocks import DocumentBuilder


def test_whitespace_collapses_across_pieces_and_links_shrink_onto_words():
    builder = DocumentBuilder()
    builder.write("  Cold   laser\n\ttherapy ")
    builder.open_link("https://trial.example/1")
    builder.write("  was tested  ")
    builder.close_link()
    builder.write(" in 40 people. ")
    builder.close_block("paragraph")
    doc = builder.build()
    assert doc.text == "Cold laser therapy was tested in 40 people."
    (link,) = doc.blocks[0].links
    assert doc.text[link.start : link.end] == "was tested"


def test_blocks_are_joined_by_blank_lines_and_empty_blocks_vanish():
    builder = DocumentBuilder()
    builder.add_block("title", "Acupuncture FAQ")
    builder.write("   \n ")
    builder.close_block("paragraph")
    builder.write("Needles are thin.")
    builder.close_block("list_item")
    doc = builder.build(title="Acupuncture FAQ")
    assert doc.text == "Acupuncture FAQ\n\nNeedles are thin."
    assert [(b.kind, doc.block_text(b)) for b in doc.blocks] == [
        ("title", "Acupuncture FAQ"),
        ("list_item", "Needles are thin."),
    ]


def test_whitespace_only_anchor_is_no_link_and_nested_anchor_keeps_outer_href():
    builder = DocumentBuilder()
    builder.write("See")
    builder.open_link("https://empty.example")
    builder.write("   ")
    builder.close_link()
    builder.open_link("https://outer.example")
    builder.write("the ")
    builder.open_link("https://inner.example")
    builder.write("review")
    builder.close_link()
    builder.close_link()
    builder.close_block("paragraph")
    doc = builder.build()
    assert doc.text == "See the review"
    assert [(doc.text[link.start : link.end], link.href) for link in doc.blocks[0].links] == [
        ("the review", "https://outer.example")
    ]


def test_keep_filter_drops_blocks_without_leaving_gaps_in_offsets():
    builder = DocumentBuilder(keep=lambda kind, text: "cookies" not in text)
    for text in ("First point.", "We use cookies.", "Second point."):
        builder.add_block("paragraph", text)
    doc = builder.build()
    assert doc.text == "First point.\n\nSecond point."
    assert [doc.block_text(b) for b in doc.blocks] == ["First point.", "Second point."]


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("3", "[3]"),
        (" [12] ", "[12]"),
        ("2,5", "[2,5]"),
        ("4–6", "[4–6]"),
        ("a", None),
        ("TM", None),
        ("2nd", None),
        ("", None),
        ("12345", None),
    ],
)
def test_reference_marker(text, marker):
    assert reference_marker(text) == marker
