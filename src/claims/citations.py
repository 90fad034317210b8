"""A sentence's citations resolved into references a fact-checker can follow.

The tagger reports each citation as written (``citations``: "[2, 5]", "(3)", "²",
"(Smith et al., 2020)", "doi:10.1000/xyz", a link URL). ``resolve`` finds what each points
to in the page's reference list (``claims.extract.reflist``): by the in-page link the marker
carries (``href="#fn2"``), else by number, else by author and year; an identifier or a link
is its own destination, with its entry's text when the list holds it. Each resolved
reference is a record of the ``references`` column (``dataset/schema.py``):

* ``marker``: the citation as in ``citations``;
* ``text``: the entry's text, or None when the citation is a bare link or identifier;
* ``link``: the entry's DOI or PubMed link (also read from "doi:..." / "PMID: ..." in its
  text), else its own first link;
* ``entry_link``: the entry on the source page: its id, else a text fragment of its opening
  words (None for a local file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote, urldefrag, urlsplit

from claims.dataset.schema import REFERENCE_FIELDS
from claims.document import Reference
from claims.fragments import text_fragment_url

#: Most entries one range marker ("[1-40]") is expanded to.
MAX_RANGE = 20
#: Opening words of an entry used for its text fragment.
ENTRY_FRAGMENT_WORDS = 8

_URL = re.compile(r"https?://[^\s<>\"]+")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_PMID = re.compile(r"\bPMID:?\s*(\d{5,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\b(PMC\d{5,9})\b")
_NCT = re.compile(r"\b(NCT\d{8})\b")
#: Hosts whose links are the DOI or PubMed link of an entry, best first.
_SCHOLARLY_HOSTS = ("doi.org", "pubmed.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "europepmc.org")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: A numeric marker inside a citation as the tagger reports it (its span may take in the
#: word it is glued to: "trial.[2]"): "[2, 5]", "[4-6]", "(3)", or superscript digits.
_NUMERIC_MARKER = re.compile(
    r"\[(\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*)\]|\((\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*)\)"
    r"|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
)
_YEAR = re.compile(r"\b((?:19|20)\d{2})[a-z]?\b")
_NAME = re.compile(r"\b([A-Z][\w'’-]+)")
_NOT_NAMES = frozenset({"See", "In", "The", "A", "An", "And", "Et", "Al"})
_TRAILING = ".,;:)]}"


def resolve(
    citations: Iterable[str],
    references: Sequence[Reference],
    page_url: str | None,
    marker_links: Iterable[tuple[str, str]] = (),
) -> list[dict[str, str | None]]:
    """The references behind ``citations``, one record per (marker, entry), in order.

    ``marker_links``: (anchor text, href) of the sentence's links, so that a marker linking
    to an id on the page finds the entry with that id.
    """
    fragments = [
        (text.strip(), urlsplit(href).fragment)
        for text, href in marker_links
        if urlsplit(href).fragment and text.strip()
    ]
    records: list[dict[str, str | None]] = []
    for citation in dict.fromkeys(citations):
        fragment = next((target for text, target in fragments if text in citation), None)
        for entry, link in _targets(citation, references, fragment):
            record = dict(
                zip(
                    REFERENCE_FIELDS,
                    (
                        citation,
                        entry.text if entry else None,
                        link or (scholarly_link(entry) if entry else None),
                        entry_link(page_url, entry) if entry else None,
                    ),
                )
            )
            if (record["text"] or record["link"]) and record not in records:
                records.append(record)
    return records


def scholarly_link(entry: Reference) -> str | None:
    """The entry's DOI or PubMed link (its own, else one built from an identifier in its
    text), else its first link."""
    for host in _SCHOLARLY_HOSTS:
        for link in entry.links:
            if _host(link) == host or _host(link).endswith("." + host):
                return link
    return identifier_link(entry.text) or (entry.links[0] if entry.links else None)


def identifier_link(text: str) -> str | None:
    """A DOI, PMID, PMCID or trial registry number in ``text`` as its canonical link."""
    if match := _DOI.search(text):
        return "https://doi.org/" + quote(match.group(1).rstrip(_TRAILING), safe="/:;()._-")
    if match := _PMID.search(text):
        return f"https://pubmed.ncbi.nlm.nih.gov/{match.group(1)}/"
    if match := _PMCID.search(text):
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{match.group(1)}/"
    if match := _NCT.search(text):
        return f"https://clinicaltrials.gov/study/{match.group(1)}"
    return None


def entry_link(page_url: str | None, entry: Reference) -> str | None:
    """Where the entry sits on the source page (None unless the page is on the web)."""
    if not page_url or urlsplit(page_url).scheme.lower() not in ("http", "https"):
        return None
    if entry.anchor:
        return f"{urldefrag(page_url).url}#{quote(entry.anchor, safe='')}"
    return text_fragment_url(page_url, " ".join(entry.text.split()[:ENTRY_FRAGMENT_WORDS]))


def _targets(
    citation: str, references: Sequence[Reference], fragment: str | None
) -> list[tuple[Reference | None, str | None]]:
    """(entry, link) pairs the citation points to: entries of the list, or (None, link) for
    a link or identifier the list does not hold."""
    text = citation.strip()
    if url := _written_url(text):
        held = [r for r in references if url in r.links]
        return [(r, url) for r in held] or [(None, url)]
    if fragment:
        by_anchor = [r for r in references if r.anchor == fragment]
        if by_anchor:
            return [(r, None) for r in by_anchor]
    if numbers := _numbers(text, references):
        # the first list's entry when a page numbers two lists from 1 (references, then reading)
        entries = (next((r for r in references if r.number == n), None) for n in numbers)
        return [(r, None) for r in entries if r is not None][:MAX_RANGE]
    if link := identifier_link(text):
        held = [r for r in references if _same_identifier(text, r)]
        return [(r, link) for r in held] or [(None, link)]
    return [(r, None) for r in _by_author_year(text, references)]


def _numbers(text: str, references: Sequence[Reference]) -> list[int]:
    """The entry numbers of the numeric markers in a citation: "[2, 5]", "(3)", "[4-6]", "²",
    "¹²"."""
    numbers: list[int] = []
    for bracketed, parenthesized, raised in _NUMERIC_MARKER.findall(text):
        if raised:
            digits = raised.translate(_SUPERSCRIPTS)
            known = {r.number for r in references}
            # "¹²" is entries 1 and 2 when the list has no 12th
            numbers += [int(digits)] if int(digits) in known or len(digits) == 1 else [int(d) for d in digits]
            continue
        for part in (bracketed or parenthesized).split(","):
            bounds = [int(b) for b in re.split(r"[–—-]", part)]
            start, end = bounds[0], max(bounds[-1], bounds[0])
            numbers += range(start, min(end, start + MAX_RANGE - 1) + 1)
    return list(dict.fromkeys(numbers))


def _by_author_year(text: str, references: Sequence[Reference]) -> list[Reference]:
    """Entries naming the citation's first author (or source) and its year."""
    year = _YEAR.search(text)
    names = [n for n in _NAME.findall(text) if n not in _NOT_NAMES]
    if not year or not names:
        return []
    name = re.compile(rf"\b{re.escape(names[0])}\b")
    return [r for r in references if year.group(1) in r.text and name.search(r.text)]


def _same_identifier(citation: str, entry: Reference) -> bool:
    link = identifier_link(citation)
    return link is not None and (link == identifier_link(entry.text) or link in entry.links)


def _written_url(text: str) -> str | None:
    """The web address in a citation, without the punctuation of the sentence around it
    ("(see https://doi.org/10.1/x)." gives "https://doi.org/10.1/x"); a closing bracket
    stays when the address opened it."""
    match = _URL.search(text)
    if not match:
        return None
    url = match.group(0).rstrip(".,;:!?'\"”’")
    while url[-1] in ")]" and url.count(url[-1]) > url.count("(" if url[-1] == ")" else "["):
        url = url[:-1].rstrip(".,;:!?'\"”’")
    return url


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
