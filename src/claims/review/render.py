"""Turning a claim into HTML a reviewer can read: escape first, mark up second.

Scraped pages are hostile input. Every piece of page text (sentence, context, title, section,
cue phrases) goes through ``html.escape`` before it is placed between the tags this module
writes, so markup in a page is shown as text and never runs. Highlight spans are found on the
raw text and the text between and inside them is escaped piece by piece, which is why no
escaped entity can ever be split by a tag.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

import pandas as pd

from claims.document import Document

#: Kinds of highlighted phrase, most important first: when two overlap the earlier kind wins.
HIGHLIGHT_KINDS: tuple[str, ...] = ("red_flag", "citation", "hedge", "trigger")
#: The claims.parquet column holding each kind's phrases.
KIND_COLUMNS: Mapping[str, str] = {
    "red_flag": "red_flags", "citation": "citations", "hedge": "hedge_cues", "trigger": "triggers",
}
KIND_LABELS: Mapping[str, str] = {
    "red_flag": "Red flags", "citation": "Citations", "hedge": "Hedge cues", "trigger": "Triggers",
}
#: Characters of article text shown on each side of the sentence (within its block).
DEFAULT_CONTEXT_CHARS = 400
#: Paragraph separator in ``Document.text``; used to bound context when no block is known.
_BLOCK_SEPARATOR = "\n\n"
#: Only these schemes become clickable links; anything else (javascript:, data:) stays text.
_LINK_SCHEMES = ("http", "https")

STYLE = """<style>
.claim-card { font-size: 0.95rem; line-height: 1.55; }
.claim-meta { margin-bottom: 0.3rem; }
.claim-badge { display: inline-block; padding: 0 0.45rem; margin-right: 0.3rem; border-radius: 0.6rem;
  font-size: 0.75rem; font-weight: 600; background: #e8eaf0; color: #333; }
.claim-badge.priority-high { background: #b42318; color: #fff; }
.claim-badge.priority-medium { background: #f79009; color: #fff; }
.claim-badge.priority-low { background: #667085; color: #fff; }
.claim-badge.needs-citation { background: #fde2e1; color: #912018; }
.claim-badge.verdict { background: #d1fadf; color: #05603a; }
.claim-source { color: #475467; font-size: 0.85rem; }
.claim-section { font-weight: 600; margin-top: 0.4rem; color: #344054; }
.claim-context { white-space: pre-wrap; margin: 0.3rem 0; color: #475467; }
.claim-sentence { background: #fff7cc; color: #101828; padding: 0.05rem 0.1rem; border-radius: 0.2rem; }
mark.hl { padding: 0 0.1rem; border-radius: 0.2rem; color: inherit; }
mark.hl.trigger { background: #d1e9ff; }
mark.hl.hedge { background: #e9d7fe; font-style: italic; }
mark.hl.red_flag { background: #fecdca; font-weight: 600; }
mark.hl.citation { background: #d1fadf; }
.claim-notice { color: #b54708; font-size: 0.85rem; }
.claim-cues { font-size: 0.85rem; color: #344054; margin-top: 0.2rem; }
.claim-cues .cue-label { font-weight: 600; margin-right: 0.25rem; }
</style>"""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Context:
    """The sentence as found in its article, with the text around it inside the same block."""

    before: str
    sentence: str
    after: str
    clipped_before: bool
    clipped_after: bool
    located: bool


def find_spans(sentence: str, phrases: Mapping[str, Iterable[str]]) -> list[Span]:
    """Non-overlapping spans of the given phrases in ``sentence``, in reading order.

    Matching ignores case and respects word edges ("safe" is not found inside "unsafe").
    """
    candidates: list[tuple[int, int, int, Span]] = []
    for rank, kind in enumerate(HIGHLIGHT_KINDS):
        for phrase in dict.fromkeys(phrases.get(kind, ())):
            if not phrase.strip():
                continue
            for match in _phrase_pattern(phrase).finditer(sentence):
                span = Span(match.start(), match.end(), kind)
                candidates.append((rank, span.start - span.end, span.start, span))
    chosen: list[Span] = []
    for *_, span in sorted(candidates, key=lambda c: c[:3]):
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def marked_html(text: str, spans: Iterable[Span]) -> str:
    """``text`` escaped, with each span wrapped in a ``<mark>`` of its kind."""
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(escape(text[position : span.start]))
        parts.append(f'<mark class="hl {span.kind}">{escape(text[span.start : span.end])}</mark>')
        position = span.end
    parts.append(escape(text[position:]))
    return "".join(parts)


def locate_context(
    doc: Document | None, sentence: str, char_start: int, char_end: int, context_chars: int = DEFAULT_CONTEXT_CHARS
) -> Context:
    """Find the sentence in its article and take up to ``context_chars`` around it, cut at a
    word edge and never crossing its block.

    The stored offsets are trusted when they point at the same words; otherwise (texts from
    another run) the sentence is searched for, and if absent it is shown alone.
    """
    alone = Context("", sentence, "", False, False, located=False)
    if doc is None:
        return alone
    text = doc.text
    start, end = int(char_start), int(char_end)
    if not (0 <= start <= end <= len(text) and _same_words(text[start:end], sentence)):
        found = text.find(sentence)
        if found < 0:
            return alone
        start, end = found, found + len(sentence)
    block_start, block_end = _enclosing_block(doc, start, end)
    low = max(block_start, start - context_chars)
    high = min(block_end, end + context_chars)
    if low > block_start:
        space = text.find(" ", low, start)
        low = space + 1 if space >= 0 else low
    if high < block_end:
        space = text.rfind(" ", end, high)
        high = space if space >= 0 else high
    return Context(text[low:start], text[start:end], text[end:high], low > block_start, high < block_end, True)


def claim_html(
    claim: Mapping[str, object] | pd.Series,
    doc: Document | None,
    context_chars: int = DEFAULT_CONTEXT_CHARS,
    footer: str = "",
) -> str:
    """The card body for one claim: badges, source, section heading, sentence in context, cues.

    ``footer`` is markup the caller built (already escaped), placed inside the card.
    """
    context = locate_context(doc, str(claim["sentence"]), claim["char_start"], claim["char_end"], context_chars)
    phrases = {kind: _strings(claim.get(column)) for kind, column in KIND_COLUMNS.items()}
    sentence = marked_html(context.sentence, find_spans(context.sentence, phrases))
    body = (
        ("… " if context.clipped_before else "")
        + escape(context.before)
        + f'<span class="claim-sentence">{sentence}</span>'
        + escape(context.after)
        + (" …" if context.clipped_after else "")
    )
    parts = [
        f'<div class="claim-card" data-claim-id="{escape(str(claim["claim_id"]))}">',
        f'<div class="claim-meta">{_badges(claim)}</div>',
        f'<div class="claim-source">{_source_html(claim)}</div>',
    ]
    section = claim.get("section")
    if _present(section):
        parts.append(f'<div class="claim-section">{escape(str(section))}</div>')
    parts.append(f'<p class="claim-context">{body}</p>')
    if not context.located:
        parts.append('<div class="claim-notice">Article text unavailable for this run; showing the sentence alone.</div>')
    parts.append(_cues_html(phrases, _strings(claim.get("reasons"))))
    parts.append(footer)
    parts.append("</div>")
    return "".join(parts)


def _badges(claim: Mapping[str, object]) -> str:
    priority = str(claim.get("priority") or "")
    badges = [f'<span class="claim-badge priority-{escape(priority)}">{escape(priority or "no priority")}</span>']
    if claim.get("needs_citation"):
        badges.append('<span class="claim-badge needs-citation">needs citation</span>')
    badges += [f'<span class="claim-badge">{escape(t)}</span>' for t in _strings(claim.get("claim_types"))]
    return "".join(badges)


def _source_html(claim: Mapping[str, object]) -> str:
    title = claim.get("title")
    url = claim.get("url")
    source = claim.get("source")
    label = escape(str(title if _present(title) else url if _present(url) else source if _present(source) else claim["article_id"]))
    if _present(url) and urlsplit(str(url)).scheme.lower() in _LINK_SCHEMES:
        return f'<a href="{escape(str(url), quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'
    return label


def _cues_html(phrases: Mapping[str, list[str]], reasons: list[str]) -> str:
    rows = []
    for kind in HIGHLIGHT_KINDS:
        if phrases[kind]:
            chips = " ".join(f'<mark class="hl {kind}">{escape(p)}</mark>' for p in phrases[kind])
            rows.append(f'<div><span class="cue-label">{KIND_LABELS[kind]}:</span>{chips}</div>')
    if reasons:
        rows.append(f'<div><span class="cue-label">Reasons:</span>{escape(", ".join(reasons))}</div>')
    return f'<div class="claim-cues">{"".join(rows)}</div>'


def _enclosing_block(doc: Document, start: int, end: int) -> tuple[int, int]:
    for block in doc.blocks:
        if block.start <= start and end <= block.end:
            return block.start, block.end
    separator = doc.text.rfind(_BLOCK_SEPARATOR, 0, start)
    block_start = 0 if separator < 0 else separator + len(_BLOCK_SEPARATOR)
    block_end = doc.text.find(_BLOCK_SEPARATOR, end)
    return block_start, len(doc.text) if block_end < 0 else block_end


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    head = r"(?<!\w)" if phrase[0].isalnum() else ""
    tail = r"(?!\w)" if phrase[-1].isalnum() else ""
    return re.compile(head + re.escape(phrase) + tail, re.IGNORECASE)


def _same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


def _strings(value: object) -> list[str]:
    if value is None or isinstance(value, (str, bytes)):
        return [value] if isinstance(value, str) and value else []
    try:
        return [str(v) for v in value]  # type: ignore[union-attr]
    except TypeError:
        return []


def _present(value: object) -> bool:
    """A real value: not None, NaN or pandas' NA (string columns hold NA for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return str(value) != ""
