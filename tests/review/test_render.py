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
        ' with fibromyalgia <a class="cite" href="https://clinic.example/ketamine#ref-1" target="_blank"'
        ' rel="noopener noreferrer"><mark class="hl citation">[1]</mark></a>.'
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


def _doc(*blocks: tuple[str, str]) -> Document:
    """A document of (kind, text) blocks joined by blank lines, offsets computed."""
    text, spans = "", []
    for kind, block in blocks:
        text += "\n\n" if text else ""
        spans.append(Block(kind, len(text), len(text) + len(block)))
        text += block
    return Document(text, spans)


SECTIONED = _doc(
    ("title", "Title"),
    ("heading", "How it works"),
    ("paragraph", "It calms nerves. It blocks NMDA receptors."),
    ("paragraph", "More about receptors here."),
    ("heading", "Safety"),
    ("paragraph", "It is safe."),
)


def _at(doc: Document, sentence: str) -> tuple[int, int]:
    start = doc.text.index(sentence)
    return start, start + len(sentence)


def test_context_is_the_section_heading_and_the_paragraphs_around_the_claim() -> None:
    context = render.locate_context(SECTIONED, "More about receptors here.", *_at(SECTIONED, "More about"))
    assert (context.heading, context.previous, context.following) == (
        "How it works",
        "It calms nerves. It blocks NMDA receptors.",
        None,
    )  # the next block opens a new section
    first = render.locate_context(SECTIONED, "It calms nerves.", *_at(SECTIONED, "It calms nerves."))
    assert (first.heading, first.previous, first.following) == ("How it works", None, "More about receptors here.")
    start, end = _at(SECTIONED, "More about receptors here.")
    claim = {
        "claim_id": "c",
        "sentence": "More about receptors here.",
        "char_start": start,
        "char_end": end,
        "section": "How it works",
        "article_id": "a",
        "url": None,
        "source": "x.txt",
    }
    html = render.claim_html(claim, SECTIONED)
    assert html.index("claim-section") < html.index("claim-neighbour previous") < html.index("claim-sentence")


def test_long_neighbouring_paragraphs_are_clipped_at_word_edges() -> None:
    doc = _doc(("paragraph", ("word " * 400).strip()), ("paragraph", "It works."))
    context = render.locate_context(doc, "It works.", *_at(doc, "It works."))
    assert len(render._clip_start(context.previous)) <= render.NEIGHBOUR_CHARS + 2
    assert render._clip_start(context.previous).startswith("… word")


def test_verdict_badges_are_coloured_by_verdict() -> None:
    assert 'verdict-unsupported">Unsupported' in render.verdict_badge("unsupported")
    assert 'verdict-supported">Supported' in render.verdict_badge("supported")
    unsupported = render.STYLE.split(".claim-badge.verdict-unsupported {")[1].split("}")[0]
    supported = render.STYLE.split(".claim-badge.verdict-supported {")[1].split("}")[0]
    assert unsupported != supported and "#d1fadf" not in unsupported  # not the green of "supported"
    assert render.verdict_badge("<script>") == ""


def test_reference_links_are_made_only_from_web_urls_and_entries_are_escaped() -> None:
    claim = {
        "claim_id": "c",
        "sentence": "It works [2].",
        "char_start": 0,
        "char_end": 13,
        "article_id": "a",
        "url": "https://clinic.example/p",
        "source": "https://clinic.example/p",
        "citations": ["[2]"],
        "references": [
            {
                "marker": "[2]",
                "text": "<img src=x onerror=alert(1)> Smith 2019",
                "link": "javascript:alert(1)",
                "entry_link": "data:text/html,x",
            }
        ],
    }
    html = render.claim_html(claim, None)
    assert "javascript:" not in html and "data:text" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; Smith 2019" in html
    assert '<a class="cite" href="#ref-c-0">' in html  # no page link: the marker points at the card's entry
    assert '<li id="ref-c-0">' in html


def test_the_whole_article_view_escapes_and_highlights_the_sentence() -> None:
    doc = _doc(("heading", "<b>Head</b>"), ("paragraph", "It works. <i>Really</i>."))
    start, end = _at(doc, "It works.")
    claim = {"sentence": "It works.", "char_start": start, "char_end": end}
    html = render.article_html(doc, claim)
    assert html == (
        '<div class="article-text"><h4>&lt;b&gt;Head&lt;/b&gt;</h4><p><span class="claim-sentence">It works.'
        "</span> &lt;i&gt;Really&lt;/i&gt;.</p></div>"
    )
