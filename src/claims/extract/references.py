"""Superscript reference markers, rewritten as "[3]" before anything reads the page.

A citation detector downstream looks for bracketed numbers. Left alone, ``<sup>3</sup>``
comes out of text extraction glued to the word before it ("pain relief.3"), where it reads
as part of the word. Rewriting the markers in the tree itself, before trafilatura and our
own walk both read it, keeps the two texts identical, so links can be matched across them.
"""

from __future__ import annotations

import re

from lxml import etree

_WHITESPACE = re.compile(r"\s+")

#: What a superscript must look like to count as a citation marker: numbers, ranges and
#: lists of them, optionally already bracketed ("3", "[3]", "2,5", "4-6", "[1–3]").
_REFERENCE_MARKER = re.compile(r"\[?\d{1,3}(?:[,–—-]\d{1,3})*\]?")


def reference_marker(text: str) -> str | None:
    """The bracketed form of a superscript's text if it is a reference number, else None."""
    text = _WHITESPACE.sub("", text)
    if not _REFERENCE_MARKER.fullmatch(text):
        return None
    return "[" + text.strip("[]") + "]"


def bracket_reference_markers(tree: etree._Element) -> None:
    """Rewrite every reference-number ``<sup>`` in place to read "[n]", keeping its link."""
    for sup in list(tree.iter("sup")):
        marker = reference_marker("".join(sup.itertext()))
        if marker is None:
            continue
        anchor = next(sup.iter("a"), None)
        holder = anchor if anchor is not None else sup
        for child in list(holder):
            holder.remove(child)
        holder.text = marker
        if holder is anchor:
            anchor.tail = None
            sup.text = None
            for child in list(sup):
                if child is not anchor:
                    sup.remove(child)
