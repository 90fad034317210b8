"""Aligning trafilatura's kept blocks with our page walk."""

from __future__ import annotations

from claims.document import Document
from claims.extract.align import align
from claims.extract.textblocks import DocumentBuilder


def doc(*blocks: tuple[str, str, tuple] | tuple[str, str]) -> Document:
    builder = DocumentBuilder()
    for kind, text, *links in blocks:
        builder.add_block(kind, text, links[0] if links else ())
    return builder.build()


INTRO = "Laser therapy is offered for several kinds of joint pain at our clinic."
OUTRO = "Sessions last about ten minutes and most people feel nothing at all."


def test_links_move_from_the_page_onto_kept_text_found_inside_a_longer_block():
    longer = "Our promise. " + INTRO
    start = longer.index("therapy")
    page = doc(("paragraph", "Menu"), ("paragraph", longer, ((start, start + 7, "https://j.example/1"),)))
    [(kind, text, links)] = align(doc(("paragraph", INTRO)), page)
    assert (kind, text) == ("paragraph", INTRO)
    assert [(text[s:e], href) for s, e, href in links] == [("therapy", "https://j.example/1")]


def test_unlocated_text_is_kept_without_links():
    assert align(doc(("paragraph", "Short")), doc(("paragraph", "Other"))) == [("paragraph", "Short", ())]


def test_a_lone_dropped_heading_between_kept_blocks_is_restored():
    page = doc(("paragraph", INTRO), ("heading", "Is it safe?"), ("paragraph", OUTRO))
    restored = align(doc(("paragraph", INTRO), ("paragraph", OUTRO)), page)
    assert [(k, t) for k, t, _ in restored] == [("paragraph", INTRO), ("heading", "Is it safe?"), ("paragraph", OUTRO)]


def test_dropped_list_items_are_restored_only_after_an_introducing_colon():
    items = [("list_item", "Warmth"), ("list_item", "Mild redness")]
    introduced = INTRO[:-1] + ", with these effects:"
    page = doc(("paragraph", introduced), *items, ("paragraph", OUTRO))
    restored = align(doc(("paragraph", introduced), ("paragraph", OUTRO)), page)
    assert [t for _, t, _ in restored] == [introduced, "Warmth", "Mild redness", OUTRO]

    page = doc(("paragraph", INTRO), *items, ("paragraph", OUTRO))  # e.g. a "related" list
    restored = align(doc(("paragraph", INTRO), ("paragraph", OUTRO)), page)
    assert [t for _, t, _ in restored] == [INTRO, OUTRO]


def test_a_flattened_list_item_gets_its_kind_back():
    page = doc(("paragraph", INTRO), ("list_item", "Mild redness"))
    restored = align(doc(("paragraph", INTRO), ("paragraph", "Mild redness")), page)
    assert [k for k, _, _ in restored] == ["paragraph", "list_item"]
