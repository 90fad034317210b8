"""Content-type policy and byte-to-text decoding shared by web fetches and local files.

Clinic sites are often old CMS installs serving windows-1252 without saying so, and requests
would label any charset-less text/* body ISO-8859-1, turning curly quotes into control
characters. So we decode ourselves, in the order a browser trusts: byte-order mark, HTTP
header charset, ``<meta>`` charset, then a UTF-8 check and statistical detection, and never
crash on bad bytes.
"""
from __future__ import annotations

import codecs
import re

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


def decode_text(raw: bytes, declared_charset: str | None = None, *, html: bool = True) -> str:
    """Decode a page body; see the module docstring for the order of evidence."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    candidates = [_codec(declared_charset)]
    if html:
        candidates.append(_codec(_meta_charset(raw), from_meta=True))
    candidates.append("utf-8")
    for encoding in candidates:
        if encoding:
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return raw.decode(_detect(raw) or "utf-8", errors="replace")


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
