"""Claim HTML: page text is escaped before any tag is added, highlights land on the right words."""
from __future__ import annotations

from pathlib import Path

import pytest

from claims.document import Block, Document
from claims.review import data, render


@pytest.fixture
def claims(run_dir: Path):
    return data.load_claims(run_dir).set_index("claim_id", drop=False)


def card(run_dir: Path, claims, claim_id: str, context_chars: int = render.DEFAULT_CONTEXT_CHARS) -> str:
    claim = claims.loc[claim_id]
    return render.claim_html(claim, data.load_article_text(run_dir, claim["article_id"]), context_chars)


def test_page_markup_is_shown_as_text(run_dir: Path, claims) -> None:
    html = card(run_dir, claims, "c-hostile")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script" not in html and "<b>" not in html
    assert "javascript:" not in html  # a non-http URL is shown as its title, never as a link


def test_sentence_sits_in_its_block_with_its_section_heading(run_dir: Path, claims) -> None:
    html = card(run_dir, claims, "c-vague")
    assert '<div class="claim-section">Safety</div>' in html
    sentence_at = html.index('<span class="claim-sentence">')
    assert html.index("The treatment is non-addictive") < sentence_at < html.index("It may help some patients")
    assert "Many visitors feel lighter" not in html  # the paragraph before belongs to another block


def test_cues_are_marked_inside_the_sentence(run_dir: Path, claims) -> None:
    html = card(run_dir, claims, "c-hedged")
    sentence = html.split('<span class="claim-sentence">')[1].split("</span>")[0]
    assert sentence == (
        'It <mark class="hl hedge">may</mark> help <mark class="hl hedge">some patients</mark>'
        ' with fibromyalgia <mark class="hl citation">[1]</mark>.'
    )


def test_context_is_clipped_at_word_edges(run_dir: Path, claims) -> None:
    html = card(run_dir, claims, "c-vague", context_chars=20)
    context = html.split('<p class="claim-context">')[1].split("</p>")[0]
    assert context.startswith("… no side effects. <span")
    assert context.endswith("</span> It may help some …")


def test_missing_text_shows_the_sentence_alone_and_says_so(run_dir: Path, claims) -> None:
    html = card(run_dir, claims, "c-dup")
    assert "Article text unavailable" in html
    assert "This treatment is <mark" in html


def test_stale_offsets_fall_back_to_finding_the_sentence() -> None:
    doc = Document("First block.\n\nSecond block says hello. Then more.", [])
    context = render.locate_context(doc, "Second block says hello.", 0, 5)
    assert (context.before, context.sentence, context.after) == ("", "Second block says hello.", " Then more.")
    assert context.located


def test_offsets_are_trusted_when_only_whitespace_differs() -> None:
    doc = Document("Title\n\nIt  works\nwell. Next.", [Block("title", 0, 5), Block("paragraph", 7, 28)])
    context = render.locate_context(doc, "It works well.", 7, 22)
    assert context.sentence == "It  works\nwell." and context.after == " Next." and context.before == ""


def test_a_sentence_absent_from_the_text_is_not_located() -> None:
    context = render.locate_context(Document("Something else entirely.", []), "Not here.", 0, 9)
    assert not context.located and context.sentence == "Not here."


def test_overlapping_cues_keep_the_most_important() -> None:
    spans = render.find_spans(
        "It has no side effects at all.", {"trigger": ["side effects"], "red_flag": ["no side effects"]}
    )
    assert [(s.start, s.end, s.kind) for s in spans] == [(7, 22, "red_flag")]


def test_cues_match_whole_words_ignoring_case() -> None:
    spans = render.find_spans("Unsafe? No, SAFE and safer.", {"red_flag": ["safe"]})
    assert [(s.start, s.end) for s in spans] == [(12, 16)]


def test_a_cue_made_of_markup_is_escaped_inside_its_mark() -> None:
    text = "Try <img src=x onerror=alert(1)> now"
    html = render.marked_html(text, render.find_spans(text, {"trigger": ["<img src=x onerror=alert(1)>"]}))
    assert html == 'Try <mark class="hl trigger">&lt;img src=x onerror=alert(1)&gt;</mark> now'


def test_missing_section_from_a_string_column_is_not_shown():
    import pandas as pd

    from claims.review import render

    assert not render._present(pd.NA)
    assert not render._present(None) and not render._present(float("nan"))
    assert render._present("Safety")
