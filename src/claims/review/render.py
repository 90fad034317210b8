"""Turning a claim into HTML a reviewer can read: escape first, mark up second.

Scraped pages are hostile input. Every piece of page text (sentence, context, title, section,
cue phrases, reference entries) goes through ``html.escape`` before it is placed between the
tags this module writes, so markup in a page is shown as text and never runs; a link is only
ever made from an http(s) URL. Highlight spans are found on the raw text and the text between
and inside them is escaped piece by piece, which is why no escaped entity can ever be split
by a tag.

A card shows the claim where a reader meets it: under its section heading, inside its
paragraph, between the paragraphs before and after it; a link opens the source page
scrolled to the sentence (a text fragment), and each citation marker links to its entry in
the page's reference list, listed under the sentence with its DOI or PubMed link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

import pandas as pd

from claims.dataset.schema import found_by
from claims.document import Block, Document
from claims.fragments import text_fragment_url
from claims.review.store import VERDICTS

#: Kinds of highlighted phrase, most important first: when two overlap the earlier kind wins.
HIGHLIGHT_KINDS: tuple[str, ...] = ("red_flag", "citation", "hedge", "trigger")
#: The claims.parquet column holding each kind's phrases.
KIND_COLUMNS: Mapping[str, str] = {
    "red_flag": "red_flags",
    "citation": "citations",
    "hedge": "hedge_cues",
    "trigger": "triggers",
}
KIND_LABELS: Mapping[str, str] = {
    "red_flag": "Red flags",
    "citation": "Citations",
    "hedge": "Hedge cues",
    "trigger": "Triggers",
}
VERDICT_LABELS: Mapping[str, str] = {
    "supported": "Supported",
    "unsupported": "Unsupported",
    "needs_source": "Needs source",
    "not_a_claim": "Not a claim",
}
#: Characters of the claim's own paragraph shown on each side of the sentence.
DEFAULT_CONTEXT_CHARS = 600
#: Characters shown of the paragraphs before and after the claim's own.
NEIGHBOUR_CHARS = 600
#: Paragraph separator in ``Document.text``; used to bound context when no block is known.
_BLOCK_SEPARATOR = "\n\n"
#: Only these schemes become clickable links; anything else (javascript:, data:) stays text.
_LINK_SCHEMES = ("http", "https")
#: Attributes of a link leaving the app.
_NEW_TAB = 'target="_blank" rel="noopener noreferrer"'
_SECTION_KINDS = ("heading", "title")

STYLE = """<style>
.claim-card { font-size: 0.95rem; line-height: 1.55; }
.claim-meta { margin-bottom: 0.3rem; }
.claim-badge { display: inline-block; padding: 0 0.45rem; margin-right: 0.3rem; border-radius: 0.6rem;
  font-size: 0.75rem; font-weight: 600; background: #e8eaf0; color: #333; }
.claim-badge.priority-high { background: #b42318; color: #fff; }
.claim-badge.priority-medium { background: #f79009; color: #fff; }
.claim-badge.priority-low { background: #667085; color: #fff; }
.claim-badge .found-by { font-weight: 400; }
.claim-badge.needs-citation { background: #fde2e1; color: #912018; }
.claim-badge.verdict-supported { background: #d1fadf; color: #05603a; }
.claim-badge.verdict-unsupported { background: #b42318; color: #fff; }
.claim-badge.verdict-needs_source { background: #fef0c7; color: #93370d; }
.claim-badge.verdict-not_a_claim { background: #e4e7ec; color: #344054; }
.claim-source { color: #475467; font-size: 0.85rem; }
.claim-section { font-weight: 600; margin-top: 0.4rem; color: #344054; }
.claim-context { white-space: pre-wrap; margin: 0.3rem 0; color: #475467; }
.claim-neighbour { white-space: pre-wrap; margin: 0.3rem 0; color: #98a2b3; font-size: 0.88rem; }
.claim-sentence { background: #fff7cc; color: #101828; padding: 0.05rem 0.1rem; border-radius: 0.2rem; }
mark.hl { padding: 0 0.1rem; border-radius: 0.2rem; color: inherit; }
mark.hl.trigger { background: #d1e9ff; }
mark.hl.hedge { background: #e9d7fe; font-style: italic; }
mark.hl.red_flag { background: #fecdca; font-weight: 600; }
mark.hl.citation { background: #d1fadf; }
a.cite { text-decoration: none; }
.claim-references { font-size: 0.85rem; color: #344054; margin: 0.3rem 0 0 1.2rem; padding: 0; }
.claim-notice { color: #b54708; font-size: 0.85rem; }
.claim-cues { font-size: 0.85rem; color: #344054; margin-top: 0.2rem; }
.claim-cues .cue-label { font-weight: 600; margin-right: 0.25rem; }
.article-text p { white-space: pre-wrap; margin: 0.4rem 0; }
</style>"""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Context:
    """The sentence as found in its article: its section heading, the paragraphs before and
    after it in that section, and its own paragraph around it."""

    before: str
    sentence: str
    after: str
    clipped_before: bool
    clipped_after: bool
    located: bool
    heading: str | None = None
    previous: str | None = None
    following: str | None = None
    #: Where the sentence starts in the article's text (-1 when not located).
    offset: int = -1


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


def marked_html(text: str, spans: Iterable[Span], citation_links: Mapping[str, str] | None = None) -> str:
    """``text`` escaped, with each span wrapped in a ``<mark>`` of its kind; a citation whose
    words are a key of ``citation_links`` also links there."""
    parts: list[str] = []
    position = 0
    links = citation_links or {}
    for span in spans:
        parts.append(escape(text[position : span.start]))
        words = text[span.start : span.end]
        mark = f'<mark class="hl {span.kind}">{escape(words)}</mark>'
        target = next((href for marker, href in links.items() if marker.casefold() == words.casefold()), None)
        if span.kind == "citation" and target:
            new_tab = f" {_NEW_TAB}" if not target.startswith("#") else ""
            mark = f'<a class="cite" href="{escape(target, quote=True)}"{new_tab}>{mark}</a>'
        parts.append(mark)
        position = span.end
    parts.append(escape(text[position:]))
    return "".join(parts)


def locate_context(
    doc: Document | None, sentence: str, char_start: int, char_end: int, context_chars: int = DEFAULT_CONTEXT_CHARS
) -> Context:
    """Find the sentence in its article: its paragraph (up to ``context_chars`` on each side,
    cut at a word edge), the paragraphs before and after it that share its section, and the
    heading of that section.

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
    number, block_start, block_end = _enclosing_block(doc, start, end)
    low = max(block_start, start - context_chars)
    high = min(block_end, end + context_chars)
    if low > block_start:
        space = text.find(" ", low, start)
        low = space + 1 if space >= 0 else low
    if high < block_end:
        space = text.rfind(" ", end, high)
        high = space if space >= 0 else high
    heading, previous, following = _section_around(doc, number)
    return Context(
        text[low:start],
        text[start:end],
        text[end:high],
        low > block_start,
        high < block_end,
        True,
        heading,
        previous,
        following,
        start,
    )


def claim_html(
    claim: Mapping[str, object] | pd.Series,
    doc: Document | None,
    context_chars: int = DEFAULT_CONTEXT_CHARS,
    footer: str = "",
) -> str:
    """The card for one claim: badges, source links, section heading, the sentence in its
    paragraph between its neighbours, cues, and the references its citations resolve to.

    ``footer`` is markup the caller built (already escaped), placed inside the card.
    """
    claim_id = str(claim["claim_id"])
    context = locate_context(doc, str(claim["sentence"]), claim["char_start"], claim["char_end"], context_chars)
    phrases = {kind: _strings(claim.get(column)) for kind, column in KIND_COLUMNS.items()}
    references = _records(claim.get("references"))
    targets = _citation_targets(claim_id, references)
    sentence = marked_html(context.sentence, find_spans(context.sentence, phrases), targets)
    body = (
        ("… " if context.clipped_before else "")
        + escape(context.before)
        + f'<span class="claim-sentence">{sentence}</span>'
        + escape(context.after)
        + (" …" if context.clipped_after else "")
    )
    parts = [
        f'<div class="claim-card" data-claim-id="{escape(claim_id)}">',
        f'<div class="claim-meta">{_badges(claim)}</div>',
        f'<div class="claim-source">{_source_html(claim)}</div>',
    ]
    heading = context.heading if context.located else claim.get("section")
    if _present(heading):
        parts.append(f'<div class="claim-section">{escape(str(heading))}</div>')
    if context.previous:
        parts.append(f'<p class="claim-neighbour previous">{escape(_clip_start(context.previous))}</p>')
    parts.append(f'<p class="claim-context">{body}</p>')
    if context.following:
        parts.append(f'<p class="claim-neighbour next">{escape(_clip_end(context.following))}</p>')
    if not context.located:
        parts.append(
            '<div class="claim-notice">Article text unavailable for this run; showing the sentence alone.</div>'
        )
    parts.append(_cues_html(phrases, _strings(claim.get("reasons"))))
    parts.append(_references_html(claim_id, references))
    parts.append(footer)
    parts.append("</div>")
    return "".join(parts)


def article_html(doc: Document, claim: Mapping[str, object] | pd.Series) -> str:
    """The whole extracted article, headings as headings, the claim's sentence highlighted."""
    context = locate_context(doc, str(claim["sentence"]), claim["char_start"], claim["char_end"])
    start = context.offset
    parts = ['<div class="article-text">']
    for block in doc.blocks or [Block("paragraph", 0, len(doc.text))]:
        text = doc.text[block.start : block.end]
        if block.start <= start < block.end:
            offset = start - block.start
            inner = (
                escape(text[:offset])
                + f'<span class="claim-sentence">{escape(context.sentence)}</span>'
                + escape(text[offset + len(context.sentence) :])
            )
        else:
            inner = escape(text)
        tag = "h4" if block.kind in _SECTION_KINDS else "p"
        parts.append(f"<{tag}>{inner}</{tag}>")
    parts.append("</div>")
    return "".join(parts)


def verdict_badge(verdict: str) -> str:
    """A verdict as a badge coloured by what it says (unsupported is red, not green)."""
    if verdict not in VERDICTS:
        return ""
    return f'<span class="claim-badge verdict verdict-{verdict}">{VERDICT_LABELS[verdict]}</span>'


def sentence_link(claim: Mapping[str, object] | pd.Series) -> str | None:
    """The source page, opened scrolled to the claim's sentence (None for local files)."""
    url = claim.get("url")
    return text_fragment_url(str(url), str(claim["sentence"])) if _present(url) and _is_web(str(url)) else None


def _badges(claim: Mapping[str, object]) -> str:
    priority = str(claim.get("priority") if _present(claim.get("priority")) else "")
    badges = [f'<span class="claim-badge priority-{escape(priority)}">{escape(priority or "no priority")}</span>']
    if claim.get("needs_citation"):
        badges.append('<span class="claim-badge needs-citation">needs citation</span>')
    reasons = claim.get("reasons")
    badges += [
        f'<span class="claim-badge">{escape(t)} <span class="found-by">{escape(found_by(t, reasons))}</span></span>'
        for t in _strings(claim.get("claim_types"))
    ]
    return "".join(badges)


def _source_html(claim: Mapping[str, object]) -> str:
    title = claim.get("title")
    url = claim.get("url")
    source = claim.get("source")
    label = escape(
        str(title if _present(title) else url if _present(url) else source if _present(source) else claim["article_id"])
    )
    if _present(url) and _is_web(str(url)):
        links = [f'<a class="source-page" href="{escape(str(url), quote=True)}" {_NEW_TAB}>{label}</a>']
        at_sentence = sentence_link(claim)
        if at_sentence:
            links.append(
                f'<a class="at-sentence" href="{escape(at_sentence, quote=True)}" {_NEW_TAB}>'
                "open the page at this sentence ↗</a>"
            )
        return " · ".join(links)
    if _present(source) and not _present(url):
        return f'{label} · <span class="local-file">local file {escape(str(source))}</span>'
    return label


def _citation_targets(claim_id: str, references: list[dict]) -> dict[str, str]:
    """Where each citation marker links: its entry on the source page, else its entry in
    the card's list of references."""
    targets: dict[str, str] = {}
    for number, reference in enumerate(references):
        marker = str(reference.get("marker") or "")
        if marker and marker not in targets:
            page = reference.get("entry_link")
            targets[marker] = page if _present(page) and _is_web(str(page)) else f"#{_reference_id(claim_id, number)}"
    return targets


def _references_html(claim_id: str, references: list[dict]) -> str:
    if not references:
        return ""
    items = []
    for number, reference in enumerate(references):
        bits = [f'<span class="ref-marker">{escape(str(reference.get("marker") or ""))}</span>']
        if _present(reference.get("text")):
            bits.append(f'<span class="ref-text">{escape(str(reference["text"]))}</span>')
        link = reference.get("link")
        if _present(link) and _is_web(str(link)):
            bits.append(
                f'<a class="ref-link" href="{escape(str(link), quote=True)}" {_NEW_TAB}>'
                f"{escape(_link_label(str(link)))}</a>"
            )
        page = reference.get("entry_link")
        if _present(page) and _is_web(str(page)):
            bits.append(
                f'<a class="ref-entry" href="{escape(str(page), quote=True)}" {_NEW_TAB}>in the page\'s list ↗</a>'
            )
        items.append(f'<li id="{escape(_reference_id(claim_id, number), quote=True)}">{" ".join(bits)}</li>')
    label = '<div class="claim-cues"><span class="cue-label">References:</span></div>'
    return f'{label}<ol class="claim-references">{"".join(items)}</ol>'


def _reference_id(claim_id: str, number: int) -> str:
    return f"ref-{claim_id}-{number}"


def _link_label(link: str) -> str:
    host = (urlsplit(link).hostname or "").lower()
    if host.endswith("doi.org"):
        return "DOI"
    if "pubmed" in host or host.endswith("ncbi.nlm.nih.gov") or host.endswith("europepmc.org"):
        return "PubMed"
    return host or "link"


def _cues_html(phrases: Mapping[str, list[str]], reasons: list[str]) -> str:
    rows = []
    for kind in HIGHLIGHT_KINDS:
        if phrases[kind]:
            chips = " ".join(f'<mark class="hl {kind}">{escape(p)}</mark>' for p in phrases[kind])
            rows.append(f'<div><span class="cue-label">{KIND_LABELS[kind]}:</span>{chips}</div>')
    if reasons:
        rows.append(f'<div><span class="cue-label">Reasons:</span>{escape(", ".join(reasons))}</div>')
    return f'<div class="claim-cues">{"".join(rows)}</div>'


def _section_around(doc: Document, number: int | None) -> tuple[str | None, str | None, str | None]:
    """The heading over block ``number``, and the blocks just before and after it within
    that heading's section (None where there is none)."""
    if number is None:
        return None, None, None
    blocks = doc.blocks
    heading = next((doc.block_text(b) for b in reversed(blocks[:number]) if b.kind in _SECTION_KINDS), None)
    if blocks[number].kind in _SECTION_KINDS:
        heading = None
    previous = blocks[number - 1] if number > 0 else None
    following = blocks[number + 1] if number + 1 < len(blocks) else None
    return (
        heading,
        doc.block_text(previous) if previous is not None and previous.kind not in _SECTION_KINDS else None,
        doc.block_text(following) if following is not None and following.kind not in _SECTION_KINDS else None,
    )


def _clip_start(text: str) -> str:
    """The end of a paragraph before the claim, cut at a word edge."""
    if len(text) <= NEIGHBOUR_CHARS:
        return text
    cut = text[-NEIGHBOUR_CHARS:]
    return "… " + cut[cut.find(" ") + 1 :]


def _clip_end(text: str) -> str:
    """The start of a paragraph after the claim, cut at a word edge."""
    if len(text) <= NEIGHBOUR_CHARS:
        return text
    cut = text[:NEIGHBOUR_CHARS]
    return cut[: cut.rfind(" ")] + " …"


def _enclosing_block(doc: Document, start: int, end: int) -> tuple[int | None, int, int]:
    """The number, start and end of the block holding ``start:end`` (number None when the
    document has no such block and paragraphs are told by blank lines instead)."""
    for number, block in enumerate(doc.blocks):
        if block.start <= start and end <= block.end:
            return number, block.start, block.end
    separator = doc.text.rfind(_BLOCK_SEPARATOR, 0, start)
    block_start = 0 if separator < 0 else separator + len(_BLOCK_SEPARATOR)
    block_end = doc.text.find(_BLOCK_SEPARATOR, end)
    return None, block_start, len(doc.text) if block_end < 0 else block_end


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


def _records(value: object) -> list[dict]:
    if value is None or isinstance(value, (str, bytes, float)):
        return []
    try:
        return [dict(v) for v in value if isinstance(v, Mapping)]  # type: ignore[union-attr]
    except TypeError:
        return []


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme.lower() in _LINK_SCHEMES


def _present(value: object) -> bool:
    """A real value: not None, NaN or pandas' NA (string columns hold NA for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return str(value) != ""
