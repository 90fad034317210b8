"""Content-type policy and byte-to-text decoding shared by web fetches and local files.

Clinic sites are often old CMS installs serving windows-1252 without saying so, and requests
would label any charset-less text/* body ISO-8859-1, turning curly quotes into control
characters. So we decode ourselves, in the order a browser trusts: byte-order mark, HTTP
header charset, ``<meta>`` charset, then a UTF-8 check and statistical detection, and never
crash on bad bytes.

Two kinds of bad bytes are told apart. A page that is UTF-8 but for a few invalid bytes (a
stray windows-1252 quote pasted into a UTF-8 page) stays UTF-8, those bytes replaced by
U+FFFD and counted (``Decoded.note``): statistical detection would read the whole page in
another code page and garble every accented letter and curly quote. And a body that is not
text at all (random bytes, an image or a compressed file served as text/html) is recognised
by its share of control characters (``Decoded.binary``), so it is
skipped rather than read as an article of garbage sentences.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property

import charset_normalizer

#: Media types we turn into text, mapped to the content_type reported downstream.
ACCEPTED_TYPES = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
}

#: Suffixes ``read_file`` accepts, mapped the same way.
ACCEPTED_SUFFIXES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}

#: How far into an HTML body to look for a <meta> charset. Browsers scan 1024 bytes; pages
#: with long inline scripts in <head> push the tag further, so we look a little deeper.
META_SCAN_BYTES = 4096

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)

#: Characters no text page is made of: C0 controls other than tab, line feed, form feed and
#: carriage return, and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: A body is binary, not text, when more than this share of its characters are controls
#: (text pages have next to none; random bytes, compressed data and images about 11% in any
#: decoding), and at least ``BINARY_MIN_CONTROLS`` of them, so a stray one in a short page
#: does not count.
BINARY_SHARE = 0.02
BINARY_MIN_CONTROLS = 8
#: A body whose invalid UTF-8 sequences are outnumbered this many times by valid non-ASCII
#: characters is UTF-8 with a few bad bytes. A windows-1252 page has almost no valid
#: sequences (its curly quotes are lone bytes), and random bytes far fewer than invalid ones.
MOSTLY_UTF8_RATIO = 2

#: UTF-16 without a byte-order mark is recognised from this many first bytes, when more than
#: this share of the even or of the odd ones are zero.
UTF16_SNIFF_BYTES = 4096
UTF16_ZERO_SHARE = 0.3

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Labels that browsers (WHATWG Encoding standard) read as windows-1252, its superset: pages
# saying "iso-8859-1" almost always contain 0x80-0x9F curly quotes and dashes.
_AS_WINDOWS_1252 = {"iso8859-1", "ascii", "cp1252"}


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """``'text/HTML; Charset="UTF-8"'`` -> ``('text/html', 'UTF-8')``; missing parts are None."""
    if not header:
        return None, None
    mime, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return (mime.strip().lower() or None), charset


def looks_like_html(head: bytes) -> bool:
    """Sniff for a body served without Content-Type; only the obvious HTML openings count."""
    return bool(_HTML_START.match(head[:1024]))


@dataclass(frozen=True)
class Decoded:
    """A body as text, the codec that read it, and how many invalid byte sequences became
    U+FFFD on the way."""

    text: str
    encoding: str
    replaced: int = 0

    @property
    def note(self) -> str | None:
        """What was repaired to read the text, for the article's row; None when nothing was."""
        if not self.replaced:
            return None
        sequences = "sequence" if self.replaced == 1 else "sequences"
        return f"{self.replaced} invalid {_label(self.encoding)} byte {sequences} replaced with U+FFFD"

    @cached_property
    def controls(self) -> int:
        """Control characters in the text (see ``_CONTROL``)."""
        return _CONTROL.subn("", self.text)[1]

    @property
    def binary(self) -> bool:
        return self.controls >= BINARY_MIN_CONTROLS and self.controls > BINARY_SHARE * len(self.text)

    def binary_reason(self) -> str:
        share = self.controls / max(1, len(self.text))
        return f"binary content, not text ({share:.0%} of its characters are control characters)"


def decode_text(raw: bytes, declared_charset: str | None = None, *, html: bool = True) -> str:
    """Decode a page body; see the module docstring for the order of evidence."""
    return decode(raw, declared_charset, html=html).text


def decode(raw: bytes, declared_charset: str | None = None, *, html: bool = True) -> Decoded:
    """``decode_text`` with the codec used and the count of bytes it had to replace."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _lossy(raw, encoding)
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return _lossy(raw, utf16)
    candidates = [_codec(declared_charset)]
    if html:
        candidates.append(_codec(_meta_charset(raw), from_meta=True))
    candidates.append("utf-8")
    for encoding in candidates:
        if encoding:
            try:
                return Decoded(raw.decode(encoding), encoding)
            except UnicodeDecodeError:
                continue
    as_utf8 = _lossy(raw, "utf-8")
    if _mostly_utf8(as_utf8):
        return as_utf8
    return _lossy(raw, _detect(raw) or "utf-8")


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark shows as a zero byte in every other position
    (for Latin text); such bytes are valid UTF-8, so no other check would notice."""
    sample = raw[:UTF16_SNIFF_BYTES]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > UTF16_ZERO_SHARE * half and even < odd / 10:
        return "utf-16-le"
    if even > UTF16_ZERO_SHARE * half and odd < even / 10:
        return "utf-16-be"
    return None


def _lossy(raw: bytes, encoding: str) -> Decoded:
    """``raw`` decoded with every invalid sequence replaced, and counted."""
    text = raw.decode(encoding, errors="replace")
    if "\ufffd" not in text:
        return Decoded(text, encoding)
    already = raw.decode(encoding, errors="ignore").count("\ufffd")  # U+FFFD written in the page itself
    return Decoded(text, encoding, text.count("\ufffd") - already)


def _mostly_utf8(decoded: Decoded) -> bool:
    non_ascii = len(decoded.text) - len(decoded.text.encode("ascii", errors="ignore")) - decoded.replaced
    return non_ascii >= MOSTLY_UTF8_RATIO * decoded.replaced


def _label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8"}.get(encoding, encoding.upper())


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None, *, from_meta: bool = False) -> str | None:
    """Normalise a charset label to a Python codec name; unknown labels are ignored."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _AS_WINDOWS_1252:
        return "cp1252"
    if from_meta and name.startswith("utf-16"):
        # A <meta> we could read as ASCII cannot really be UTF-16 (browsers use UTF-8 then).
        return "utf-8"
    return name


def _detect(raw: bytes) -> str | None:
    """Statistical guess, nudged toward windows-1252.

    On short English pages the detector finds several single-byte code pages equally
    plausible and may pick e.g. cp775; windows-1252 is the web's de facto default, so when it
    is among the least chaotic readings we take it.
    """
    matches = charset_normalizer.from_bytes(raw)
    if not matches:
        return None
    least_chaos = min(match.chaos for match in matches)
    for match in matches:
        if match.chaos <= least_chaos and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return matches.best().encoding
