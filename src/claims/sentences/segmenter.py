"""Sentence spans inside one block, with exact character offsets.

pysbd (rule-based, clean=False) finds the boundaries; it was the best of the segmenters we
measured on the English Golden Rules. We take only its cut positions, never its text: pysbd
returns sentence strings, its own char spans misplace repeated sentences, and on rare
inputs it drops characters. Cuts are aligned back onto the block and then repaired
(``repairs``), and sentences are whatever lies between cuts, trimmed of whitespace, so
every visible character of the block lands in exactly one sentence.

We call the segmenter's ``processor`` rather than ``segment``: ``segment`` stores the text
on the shared segmenter (unsafe across threads) and re-finds every sentence in the whole
text, which we do ourselves in one linear pass.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import pysbd

from claims.sentences import abbreviations
from claims.sentences.repairs import repair_cuts

#: Longest stretch, in characters, handed to pysbd in one call. pysbd's run time grows
#: faster than linearly with input length, so long blocks are first cut at unmistakable
#: sentence ends (see ``_chunks``).
CHUNK_CHARS = 1000

_WHITESPACE = re.compile(r"\s")
# pysbd only cuts after these (or after list markers, which need ")" or "."); a block
# without any is one sentence and skips pysbd, which makes headings and list items cheap.
_BOUNDARY_HINT = re.compile(r"[.!?…)]")
# An unmistakable sentence end for chunking: a lowercase word of 3+ letters, a stop, a
# space, a capital.
_CLEAR_END = re.compile(r"(\S*[a-z]{3})[.!?][\"'”’)]* +(?=[A-Z])")
# Any stop followed by a space: the fallback when a long block has no clear end.
_ANY_END = re.compile(r"[.!?…][\"'”’)]* +")
#: A chunk may run this many times ``CHUNK_CHARS`` to reach a clear sentence end; past that
#: it is cut at a weaker boundary, since pysbd's time grows faster than its input.
MAX_CHUNK_FACTOR = 4


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_block(text: str, *, chunk_chars: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, one block's text.

    Spans are ordered, do not overlap, carry no outer whitespace and together cover every
    non-whitespace character. Line breaks inside a block read as spaces: splitting a block
    at hard line breaks is the extractor's decision, not the segmenter's.
    """
    flat = _WHITESPACE.sub(" ", text)  # same length, so offsets stay valid
    cuts: list[int] = []
    for start, end in _chunks(flat, chunk_chars):
        cuts.extend(start + cut for cut in _pysbd_cuts(flat[start:end]))
        cuts.append(end)
    return _spans(flat, repair_cuts(flat, cuts))


def _chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into stretches of about ``limit`` characters at clear sentence ends."""
    if len(text) <= limit:
        return [(0, len(text))]
    ends = [m.end() for m in _CLEAR_END.finditer(text) if abbreviations.key(m.group(1)) not in abbreviations.ALL]
    chunks = []
    start = 0
    while len(text) - start > limit:
        fitting = bisect.bisect_right(ends, start + limit)
        later = bisect.bisect_right(ends, start)
        if fitting and ends[fitting - 1] > start:
            stop = ends[fitting - 1]  # the last clear end that keeps the chunk short enough
        elif later < len(ends) and ends[later] - start <= MAX_CHUNK_FACTOR * limit:
            stop = ends[later]  # a long sentence: take the first clear end after it
        else:
            stop = _fallback_cut(text, start, limit)  # no clear end near: never hand pysbd a huge piece
        chunks.append((start, stop))
        start = stop
    chunks.append((start, len(text)))
    return chunks


def _fallback_cut(text: str, start: int, limit: int) -> int:
    """Where to end a chunk that has no clear sentence end: the last stop followed by a
    space, else the last space, else ``limit`` characters on."""
    window = text[start : start + limit]
    stops = [m.end() for m in _ANY_END.finditer(window)]
    if stops:
        return start + stops[-1]
    space = window.rfind(" ")
    return start + (space + 1 if space > 0 else limit)


def _pysbd_cuts(text: str) -> list[int]:
    """Positions in ``text`` right after each sentence pysbd finds, except the last."""
    if not _BOUNDARY_HINT.search(text):
        return []
    cuts = []
    position = 0
    for piece in _segmenter().processor(text).process()[:-1]:
        core = piece.strip()
        if not core:
            continue
        start = len(text) - len(text[position:].lstrip()) if position < len(text) else position
        if text.startswith(core, start):
            position = start + len(core)
        else:  # pysbd altered the piece: count its visible characters instead
            position = _after_visible(text, position, len(core) - core.count(" "))
        cuts.append(position)
    return cuts


def _after_visible(text: str, position: int, count: int) -> int:
    """The offset just after the next ``count`` non-space characters from ``position``."""
    for index in range(position, len(text)):
        if text[index] != " ":
            count -= 1
            if count <= 0:
                return index + 1
    return len(text)


def _spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    spans = []
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(text)}), len(text)]
    for start, end in zip(bounds, bounds[1:]):
        piece = text[start:end]
        core = piece.strip(" ")
        if core:
            offset = start + len(piece) - len(piece.lstrip(" "))
            spans.append((offset, offset + len(core)))
    return spans
