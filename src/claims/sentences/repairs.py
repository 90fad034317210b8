"""Corrections to pysbd's cut positions, each for a mistake that recurs in web health text.

A cut is an offset between two sentences of one block. The repairs work on cuts, not on
sentence strings, so offsets stay exact whatever they change:

* no cut inside a URL or an e-mail address (pysbd cuts after the "?" of a query string);
* no cut right before a lowercase word when no stop precedes it (pysbd glitch: "At 5 |
  a.m." in long texts), unless the word is a list marker ("a. first item b. second");
* no cut after an abbreviation pysbd does not know when the text goes on in lowercase or
  the abbreviation never ends a sentence ("approx. 3 weeks", "0.5 mg. per kg");
* a bracketed reference that opens the next sentence belongs to the one before
  ("...pain. [3] Patients" keeps "[3]" with "pain.");
* a cut where a sentence end is glued to the next sentence ("week.Patients"), which pysbd
  misses, unless the word before the stop is an abbreviation or part of a dotted token
  ("e.g.The", "U.S.Army", "Dr.Lee") or a link;
* no piece without a letter or digit: a closing quote left over from a quotation that
  opened in an earlier paragraph stays with its sentence instead of standing alone.
"""

from __future__ import annotations

import re

from claims.sentences import abbreviations

_LINK = re.compile(r"://|www\.|@", re.IGNORECASE)
_NEXT_VISIBLE = re.compile(r" *(\S)")
_LIST_MARKER = re.compile(r" *(?:[a-z]|[ivx]{1,4})[.)] ")
_STOP_AT_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_LEADING_REFERENCE = re.compile(r" *(?:\[\d{1,4}(?: *[,–—-] *\d{1,4})*\] *)+")
# A stop glued to a capitalised word; the look-behind keeps ellipses ("that...She") out.
_GLUED_STOP = re.compile(r"(?<=[\w%)\]])(?:\.|[!?]+)[\"'”’)\]]*(?=[A-Z][a-z])")


def repair_cuts(text: str, cuts: list[int]) -> list[int]:
    """Return the repaired, sorted cut offsets for ``text`` (whitespace already flattened)."""
    kept = [
        c
        for c in cuts
        if not _inside_link(text, c)
        and not _before_lowercase_without_stop(text, c)
        and not _after_abbreviation(text, c)
    ]
    moved = {_past_leading_reference(text, c) for c in kept}
    return _without_empty_pieces(text, sorted(moved | set(_glued_cuts(text))))


def _without_empty_pieces(text: str, cuts: list[int]) -> list[int]:
    """Drop cuts that would leave a piece with no word in it (a lone '"' or ')')."""
    kept: list[int] = []
    for i, cut in enumerate(cuts):
        start = kept[-1] if kept else 0
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        if _has_word(text[start:cut]) and _has_word(text[cut:end]):
            kept.append(cut)
    return kept


def _has_word(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


def _token_around(text: str, position: int) -> tuple[int, int]:
    """The whitespace-free stretch of ``text`` that contains or ends at ``position``."""
    start = text.rfind(" ", 0, position) + 1
    end = text.find(" ", position)
    return start, len(text) if end == -1 else end


def _inside_link(text: str, cut: int) -> bool:
    if cut <= 0 or cut >= len(text) or text[cut - 1] == " " or text[cut] == " ":
        return False
    start, end = _token_around(text, cut)
    return bool(_LINK.search(text, start, end))


def _visible_end(text: str, cut: int) -> int:
    """The offset just after the last non-space character before ``cut``."""
    end = cut
    while end > 0 and text[end - 1] == " ":
        end -= 1
    return end


def _before_lowercase_without_stop(text: str, cut: int) -> bool:
    following = _NEXT_VISIBLE.match(text, cut)
    if not following or not following.group(1).islower() or _LIST_MARKER.match(text, cut):
        return False
    end = _visible_end(text, cut)
    return not _STOP_AT_END.search(text, max(0, end - 8), end)


def _after_abbreviation(text: str, cut: int) -> bool:
    end = _visible_end(text, cut)
    following = _NEXT_VISIBLE.match(text, cut)
    if not end or text[end - 1] != "." or not following:
        return False
    token = text[text.rfind(" ", 0, end) + 1 : end - 1]
    # "Tuesday.Mr." is two sentences glued together; the abbreviation is the last part.
    words = {abbreviations.key(token), abbreviations.key(token.rsplit(".", 1)[-1])}
    if words & abbreviations.NEVER_FINAL:
        return True
    return bool(words & abbreviations.ALL) and following.group(1).islower()


def _past_leading_reference(text: str, cut: int) -> int:
    match = _LEADING_REFERENCE.match(text, cut)
    return cut + len(match.group().rstrip(" ")) if match else cut


def _glued_cuts(text: str) -> list[int]:
    cuts = []
    for match in _GLUED_STOP.finditer(text):
        start, end = _token_around(text, match.start())
        word = text[start : match.start()]
        if "." in word or _LINK.search(text, start, end):
            continue
        stem = word.lstrip("\"'“‘«([{")
        if abbreviations.key(stem) in abbreviations.ALL or (len(stem) == 1 and stem.isupper()):
            continue
        cuts.append(match.end())
    return cuts
