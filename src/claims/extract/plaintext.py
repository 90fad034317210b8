"""Read a plain-text article into blocks: paragraphs, headings, list items.

Text files reach us in two shapes. Pages saved as text put one paragraph or heading per
line; other files are hard-wrapped at a fixed width with blank lines between paragraphs.
A line break therefore means "new block" in the first shape and usually "same paragraph"
in the second, and the rules below tell the two apart line by line.

When a line break continues the block (a *join*):

* A blank line never joins: it always ends the block.
* A line that starts with a bullet ("-", "*", "•", "1.", "2)", "a)", "(iv)") never joins
  the line above: it opens a list item.
* Strong joins, taken whenever the next line is not a bullet:
  - the next line is indented under a list item (at least as deep as the line above);
  - the line above ends in a word broken by a hyphen or dash ("treat-", "pain—"), a comma
    or an opening bracket: the sentence plainly goes on;
  - the file is hard-wrapped (its widest line with spaces is between ``wrap_min_width``
    and ``wrap_max_width`` characters and its lines show the pattern, see
    ``_wrap_width``), the line above does not end a sentence, and the next line's first
    word would not have fit on it within the file's widest line: the writer's editor
    broke the line, not the writer.
* Weak join: the next line starts with a lowercase letter (sentences and headings start
  with a capital). A stack of short lowercase lines is a menu or a keyword list rather than
  a broken sentence, so weak joins only stand when the joined block ends in sentence
  punctuation; otherwise each of its weak joins is undone.

Kinds: a block made of a single line that starts with a capital or a digit, has at most
``heading_max_words`` words, does not end in punctuation (". ! ? : ; , …") and has no
sentence end inside is a "heading". When the very first block is heading-like it is the
"title" instead (and ``Document.title``); a heading-like line found after body text is a
section heading, not the page title. A question line ends in "?", so it is a paragraph; the sentence splitter
still makes it its own sentence. Bullet blocks are "list_item"; everything else
"paragraph". Bullet markers stay in the block text, so no visible character is dropped.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claims.document import Block, Document

#: Separator between blocks in ``Document.text`` (fixed by the contract in document.py).
BLOCK_SEPARATOR = "\n\n"

#: Longest single line, in words, that can still be a heading.
HEADING_MAX_WORDS = 12
#: Widest line, in characters, of a file we treat as hard-wrapped (editors wrap at 72-80).
WRAP_MAX_WIDTH = 100
#: Narrowest wrap width we believe: a file whose lines are all shorter is more likely a list
#: of short lines (a menu, keywords) than text wrapped that narrow.
WRAP_MIN_WIDTH = 40
# One overflowing line is chance; a wrapped file repeats the pattern.
WRAP_MIN_EVIDENCE = 2

# Same line boundaries as str.splitlines, with "\r\n" kept as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BULLET = re.compile(r"(?:[-*•‣◦▪▫●○⁃–—]|\d{1,3}[.)]|[a-z][)]|\((?:\d{1,3}|[a-z]|[ivxlc]{1,5})\))(?:\s|$)")
_DASHES = "-‐‑–—"
_BROKEN_END = re.compile(r"(?:[^\W\d_][-‐‑]|[–—,(\[{])$")
# A sentence ends the line: stop punctuation, optionally closed by quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…:][\"'”’»)\]]*$")
# ...unless the final token is an abbreviation ("e.g.", "U.S.") or a title ("Dr.", "St.").
_ABBREVIATION_END = re.compile(r"(?:\b[^\W\d_]+\.[^\W\d_]+\.|\b[A-Z][a-z]{0,2}\.)$")
_CLOSING_STOP = re.compile(r"[.!?…][\"'”’»)\]]*$")
_HEADING_BAD_END = re.compile(r"[.!?:;,…\-‐‑–—]$")
# A sentence ends inside the line ("...published. Required fields..."): not a heading.
_INNER_SENTENCE_END = re.compile(r"\b[a-z]{3,}[.!?]\s+[A-Z]")
_REFLOW = re.compile(r"[^\S\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:" + _LINE_BREAK.pattern + r")\s*")


class _Line(NamedTuple):
    """One input line: where it starts, and where its stripped content starts and ends."""

    start: int
    content_start: int
    content_end: int

    @property
    def indent(self) -> int:
        return self.content_start - self.start

    @property
    def width(self) -> int:
        return self.content_end - self.start


def extract_text(
    text: str,
    *,
    heading_max_words: int = HEADING_MAX_WORDS,
    wrap_min_width: int = WRAP_MIN_WIDTH,
    wrap_max_width: int = WRAP_MAX_WIDTH,
) -> Document:
    """Build a ``Document`` from a plain-text article.

    Each block's line breaks are read as the spaces a reader sees (nothing after a broken
    hyphen or dash), so a wrapped paragraph becomes one line of text. That is why
    ``Document.text`` is not the input byte for byte; ``text_blocks`` keeps input offsets.
    """
    spans = text_blocks(
        text,
        heading_max_words=heading_max_words,
        wrap_min_width=wrap_min_width,
        wrap_max_width=wrap_max_width,
    )
    pieces: list[str] = []
    blocks: list[Block] = []
    title = None
    position = 0
    for start, end, kind in spans:
        if pieces:
            position += len(BLOCK_SEPARATOR)
        piece = _REFLOW.sub(_join_lines, text[start:end])
        pieces.append(piece)
        blocks.append(Block(kind=kind, start=position, end=position + len(piece)))
        position += len(piece)
        if kind == "title":
            title = piece
    return Document(text=BLOCK_SEPARATOR.join(pieces), blocks=blocks, title=title)


def text_blocks(
    text: str,
    *,
    heading_max_words: int = HEADING_MAX_WORDS,
    wrap_min_width: int = WRAP_MIN_WIDTH,
    wrap_max_width: int = WRAP_MAX_WIDTH,
) -> list[tuple[int, int, str]]:
    """Block spans ``(start, end, kind)`` in the input text, stripped of outer whitespace.

    Every non-whitespace character of the input lies in exactly one span.
    """
    runs = list(_runs(text, _lines(text)))
    width = _wrap_width(text, runs, wrap_min_width, wrap_max_width)
    blocks: list[tuple[int, int, str]] = []
    for run in runs:
        for group in _group(text, run, width):
            start, end = group[0][0], group[-1][1]
            blocks.append((start, end, _kind(text, group, heading_max_words)))
    if blocks and blocks[0][2] == "heading":
        blocks[0] = (blocks[0][0], blocks[0][1], "title")
    return blocks


def _join_lines(match: re.Match) -> str:
    """A line break reads as a space, except after a word broken by a hyphen or dash."""
    text, at = match.string, match.start()
    broken = at >= 2 and text[at - 1] in _DASHES and text[at - 2].isalpha()
    return "" if broken else " "


def _lines(text: str) -> list[_Line]:
    lines = []
    start = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        stop = match.start() if match else len(text)
        line = text[start:stop]
        content = line.strip()
        offset = start + (line.find(content) if content else 0)
        lines.append(_Line(start, offset, offset + len(content)))
        if match:
            start = match.end()
    return lines


def _wrap_width(text: str, runs: list[list[_Line]], narrowest: int, widest: int) -> int | None:
    """The widest line of a hard-wrapped file, or None if the file is not hard-wrapped.

    Lines without spaces (long URLs) say nothing about wrapping, so they are ignored. A
    page of short paragraphs can also keep every line under ``widest``, so the file must
    also show the wrapping pattern: of the line breaks inside a sentence, most (and at
    least ``WRAP_MIN_EVIDENCE``) come where the next word would not have fit.
    """
    width = 0
    for line in (line for run in runs for line in run):
        if any(c.isspace() for c in text[line.content_start : line.content_end]):
            if line.width > widest:
                return None
            width = max(width, line.width)
    if width < narrowest:
        return None
    breaks = [
        (above, below)
        for run in runs
        for above, below in zip(run, run[1:])
        if not _BULLET.match(text, below.content_start, below.content_end)
        and not _ends_sentence(text[above.content_start : above.content_end])
    ]
    full = sum(_would_overflow(text, above, below, width) for above, below in breaks)
    return width if full >= WRAP_MIN_EVIDENCE and 2 * full > len(breaks) else None


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line)) and not _ABBREVIATION_END.search(line)


def _would_overflow(text: str, above: _Line, below: _Line, width: int) -> bool:
    """Whether the first word of ``below`` would have made ``above`` wider than ``width``."""
    first_word = len(text[below.content_start : below.content_end].split(maxsplit=1)[0])
    return above.width + 1 + first_word > width


def _runs(text: str, lines: list[_Line]):
    """Yield the runs of consecutive non-blank lines."""
    run: list[_Line] = []
    for line in lines:
        if line.content_end > line.content_start:
            run.append(line)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _group(text: str, run: list[_Line], width: int | None) -> list[list[tuple[int, int]]]:
    """Split one run of lines into blocks, each a list of ``(start, end)`` line contents."""
    links: list[str | None] = []
    groups: list[list[int]] = [[0]]
    for index in range(1, len(run)):
        opening = run[groups[-1][0]]
        in_item = bool(_BULLET.match(text, opening.content_start, opening.content_end))
        link = _link(text, run[index - 1], run[index], width, in_item)
        links.append(link)
        if link is None:
            groups.append([index])
        else:
            groups[-1].append(index)
    blocks: list[list[tuple[int, int]]] = []
    for group in groups:
        last = run[group[-1]]
        weak_ok = bool(_CLOSING_STOP.search(text[last.content_start : last.content_end]))
        current: list[tuple[int, int]] = []
        for index in group:
            if current and links[index - 1] == "weak" and not weak_ok:
                blocks.append(current)
                current = []
            current.append((run[index].content_start, run[index].content_end))
        blocks.append(current)
    return blocks


def _link(text: str, above: _Line, below: _Line, width: int | None, in_item: bool) -> str | None:
    """How the line ``below`` attaches to the line ``above``: "strong", "weak" or None.

    ``in_item`` says the line above belongs to a list item, which an indented line continues.
    """
    upper = text[above.content_start : above.content_end]
    lower = text[below.content_start : below.content_end]
    if _BULLET.match(lower):
        return None
    if _BROKEN_END.search(upper):
        return "strong"
    if in_item and below.indent > 0 and below.indent >= above.indent:
        return "strong"
    if width is not None and not _ends_sentence(upper) and _would_overflow(text, above, below, width):
        return "strong"
    if lower[0].islower():
        return "weak"
    return None


def _kind(text: str, group: list[tuple[int, int]], heading_max_words: int) -> str:
    first = text[group[0][0] : group[0][1]]
    if _BULLET.match(first):
        return "list_item"
    if len(group) == 1 and _looks_like_heading(first, heading_max_words):
        return "heading"
    return "paragraph"


def _looks_like_heading(line: str, max_words: int) -> bool:
    opening = line.lstrip("\"'“‘«([")
    return (
        bool(opening)
        and (opening[0].isupper() or opening[0].isdigit())
        and any(c.isalpha() for c in line)
        and len(line.split()) <= max_words
        and not _HEADING_BAD_END.search(line)
        and not _INNER_SENTENCE_END.search(line)
    )
