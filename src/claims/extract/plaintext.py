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
  - the line above ends in a word broken by a hyphen or dash ("treat-", "pain—"), a comma
    or an opening bracket: the sentence plainly goes on;
  - the file is hard-wrapped (its widest line with spaces is between ``wrap_min_width``
    and ``wrap_max_width`` characters), the line above does not end a sentence, and the next line's first word would not have fit
    on it within the file's widest line: the writer's editor broke the line, not the writer.
* Weak join: the next line starts with a lowercase letter (sentences and headings start
  with a capital). A stack of short lowercase lines is a menu or a keyword list rather than
  a broken sentence, so weak joins only stand when the joined block ends in sentence
  punctuation; otherwise each of its weak joins is undone.

Kinds: a block made of a single line that starts with a capital or a digit, has at most
``heading_max_words`` words and does not end in punctuation (". ! ? : ; , …") is a
"heading". When the very first block is heading-like it is the "title" instead (and
``Document.title``); a heading-like line found after body text is a section heading, not
the page title. A question line ends in "?", so it is a paragraph; the sentence splitter
still makes it its own sentence. Bullet blocks are "list_item"; everything else
"paragraph". Bullet markers stay in the block text, so no visible character is dropped.
"""
from __future__ import annotations

import re

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

# Same line boundaries as str.splitlines, with "\r\n" kept as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BULLET = re.compile(
    r"(?:[-*•‣◦▪▫●○⁃–—]|\d{1,3}[.)]|[a-z][)]|\((?:\d{1,3}|[a-z]|[ivxlc]{1,5})\))(?:\s|$)"
)
_BROKEN_END = re.compile(r"(?:[^\W\d_][-‐‑]|[–—,(\[{])$")
# A sentence ends the line: stop punctuation, optionally closed by quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…:][\"'”’»)\]]*$")
# ...unless the final token is an abbreviation ("e.g.", "U.S.") or a title ("Dr.", "St.").
_ABBREVIATION_END = re.compile(r"(?:\b[^\W\d_]+\.[^\W\d_]+\.|\b[A-Z][a-z]{0,2}\.)$")
_CLOSING_STOP = re.compile(r"[.!?…][\"'”’»)\]]*$")
_HEADING_BAD_END = re.compile(r"[.!?:;,…\-‐‑–—]$")
_REFLOW = re.compile(r"[^\S\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:" + _LINE_BREAK.pattern + r")\s*")


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
    lines = _lines(text)
    width = _wrap_width(text, lines, wrap_min_width, wrap_max_width)
    blocks: list[tuple[int, int, str]] = []
    for run in _runs(text, lines):
        for group in _group(text, run, width):
            start, end = group[0][0], group[-1][1]
            blocks.append((start, end, _kind(text, group, heading_max_words)))
    if blocks and blocks[0][2] == "heading":
        blocks[0] = (blocks[0][0], blocks[0][1], "title")
    return blocks


def _join_lines(match: re.Match) -> str:
    before = match.string[match.start() - 1] if match.start() else ""
    return "" if before in "-‐‑–—" else " "


def _lines(text: str) -> list[tuple[int, int, int]]:
    """``(line_start, content_start, content_end)`` per line; content is stripped."""
    lines = []
    start = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        stop = match.start() if match else len(text)
        line = text[start:stop]
        content = line.strip()
        offset = start + (line.find(content) if content else 0)
        lines.append((start, offset, offset + len(content)))
        if match:
            start = match.end()
    return lines


def _wrap_width(
    text: str, lines: list[tuple[int, int, int]], narrowest: int, widest: int
) -> int | None:
    """The widest line of a hard-wrapped file, or None if the file is not hard-wrapped.

    Lines without spaces (long URLs) say nothing about wrapping, so they are ignored.
    """
    width = 0
    for line_start, start, end in lines:
        if end > start and any(c.isspace() for c in text[start:end]):
            if end - line_start > widest:
                return None
            width = max(width, end - line_start)
    return width if width >= narrowest else None


def _runs(text: str, lines: list[tuple[int, int, int]]):
    """Yield the runs of consecutive non-blank lines."""
    run: list[tuple[int, int, int]] = []
    for line in lines:
        if line[2] > line[1]:
            run.append(line)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _group(text: str, run: list[tuple[int, int, int]], width: int | None) -> list[list[tuple[int, int]]]:
    """Split one run of lines into blocks, each a list of ``(start, end)`` line contents."""
    links = [_link(text, above, below, width) for above, below in zip(run, run[1:])]
    groups: list[list[int]] = [[0]]
    for index, link in enumerate(links, start=1):
        if link is None:
            groups.append([index])
        else:
            groups[-1].append(index)
    blocks: list[list[tuple[int, int]]] = []
    for group in groups:
        last = run[group[-1]]
        weak_ok = bool(_CLOSING_STOP.search(text[last[1] : last[2]]))
        current: list[tuple[int, int]] = []
        for index in group:
            if current and links[index - 1] == "weak" and not weak_ok:
                blocks.append(current)
                current = []
            current.append((run[index][1], run[index][2]))
        blocks.append(current)
    return blocks


def _link(text: str, above: tuple[int, int, int], below: tuple[int, int, int], width: int | None) -> str | None:
    """How the line ``below`` attaches to the line ``above``: "strong", "weak" or None."""
    upper = text[above[1] : above[2]]
    lower = text[below[1] : below[2]]
    if _BULLET.match(lower):
        return None
    if _BROKEN_END.search(upper):
        return "strong"
    ends_sentence = _SENTENCE_END.search(upper) and not _ABBREVIATION_END.search(upper)
    if width is not None and not ends_sentence:
        first_word = len(lower.split(maxsplit=1)[0])
        if above[2] - above[0] + 1 + first_word > width:
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
    )
