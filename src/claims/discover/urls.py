"""A discovered URL's canonical form, the key that says two URLs are one page, and what its
shape alone says about it (a tag page, a PDF, a login form ...), before anything is fetched.

Canonical form: scheme and host lower-cased, default port and fragment dropped, an empty path
made "/", and tracking parameters removed from the query (the others keep their order and
their encoding, so the server sees what the site itself links to). Tracking parameters are
named here rather than taken from a library's pattern: a change in that pattern would change
which pages count as one, and with them the article ids of a re-run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

#: Query parameters that only say how a visitor arrived (analytics, ad clicks, mail
#: campaigns); a URL differing only by them is the same page.
TRACKING_PREFIXES = ("utm_", "mc_", "hsa_", "pk_", "mtm_", "vero_", "oly_", "_hs")
TRACKING_NAMES = frozenset(
    {
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "fbclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mkt_tok",
        "_ga",
        "_gl",
        "_ke",
        "srsltid",
        "ref_src",
        "s_cid",
        "cmpid",
    }
)

_DEFAULT_PORTS = {"http": 80, "https": 443}

#: File name endings that are not web pages.
NOT_HTML = frozenset(
    """
pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv tsv json xml rss atom rdf ics vcf
zip gz tgz bz2 xz rar 7z tar exe dmg apk msi iso
jpg jpeg png gif webp svg ico bmp tif tiff heic avif
mp3 wav ogg oga m4a aac flac mp4 m4v mov avi wmv webm mkv flv
css js mjs map woff woff2 ttf otf eot
""".split()
)

#: Path segments (lower case, file extension dropped) and query keys naming pages that hold
#: no article, with the reason given when one is dropped. ``hub`` pages list articles, so
#: link following still reads them for their links; ``skip`` pages are never fetched.
_SEGMENTS: dict[str, tuple[str, str]] = {}
_QUERY_KEYS: dict[str, tuple[str, str]] = {}


def _vocabulary(kind: str, reason: str, segments: str = "", query_keys: str = "") -> None:
    for word in segments.split():
        _SEGMENTS[word] = (kind, reason)
    for key in query_keys.split():
        _QUERY_KEYS[key] = (kind, reason)


_vocabulary("hub", "tag page", "tag tags", "tag")
_vocabulary("hub", "category page", "category categories", "cat category")
_vocabulary("hub", "author page", "author authors", "author")
_vocabulary("skip", "search page", "search", "s q query search")
_vocabulary("skip", "cart or account page", "cart checkout basket wishlist my-account account", "add-to-cart")
_vocabulary(
    "skip",
    "contact or booking page",
    "contact contact-us contactus contact_us get-in-touch book-now book-online booking "
    "request-appointment request-an-appointment schedule-appointment",
)
_vocabulary(
    "skip",
    "privacy or legal page",
    "privacy privacy-policy privacy-notice cookie cookies cookie-policy terms terms-of-use "
    "terms-of-service terms-and-conditions tos disclaimer legal legal-notice hipaa "
    "notice-of-privacy-practices accessibility accessibility-statement",
)
_vocabulary("skip", "login page", "login log-in logout signin sign-in signup sign-up register wp-login")
_vocabulary("skip", "feed", "feed feeds rss atom", "feed")
_vocabulary("skip", "admin, API or asset URL", "wp-admin wp-json wp-content wp-includes xmlrpc cdn-cgi")
_vocabulary("skip", "comment link", "", "replytocom")
_vocabulary("skip", "print, share or AMP copy", "print amp", "print share amp")

_PAGE_NUMBER = re.compile(r"\d+")
_PAGINATION_KEYS = frozenset({"page", "paged", "pg"})
_DATE_ARCHIVE = re.compile(r"/\d{4}(?:/\d{1,2}){0,2}/?")
_COMMENT_PAGE = re.compile(r"comment-page-\d+")
_HOME_FILES = frozenset({"", "index.html", "index.htm", "index.php", "default.aspx", "default.asp"})


def canonical(url: str) -> str:
    """``url`` in canonical form (see the module docstring); raises ValueError if unparsable."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not is_tracking(p.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_tracking(key: str) -> bool:
    key = unquote(key).lower()
    return key in TRACKING_NAMES or key.startswith(TRACKING_PREFIXES)


def page_key(url: str) -> str:
    """What two URLs of one page share: the canonical form without its scheme, a leading
    "www." or a trailing slash (sites serve both and redirect one to the other)."""
    parts = urlsplit(canonical(url))
    path = parts.path.rstrip("/") or "/"
    return f"{parts.netloc.removeprefix('www.')}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Shape:
    """What a URL's shape says: ``article`` (worth fetching as a candidate), ``hub`` (lists
    articles: read for its links, never kept) or ``skip`` (never fetched), and why."""

    kind: str
    reason: str | None = None


ARTICLE = Shape("article")


def shape(url: str) -> Shape:
    """Judge a canonical URL by its path and query alone."""
    parts = urlsplit(url)
    path = parts.path
    segments = [unquote(s).lower() for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    stem, dot, extension = last.rpartition(".")
    if dot and extension in NOT_HTML:
        return Shape("skip", f"not an HTML page (.{extension})")
    if (not segments or last in _HOME_FILES and len(segments) == 1) and not parts.query:
        return Shape("hub", "home page")
    pairs = [p.split("=", 1) for p in parts.query.split("&") if p]
    for key, *value in pairs:
        key = unquote(key).lower()
        if key in _PAGINATION_KEYS and value and _PAGE_NUMBER.fullmatch(value[0]):
            return Shape("hub", "pagination page")
        if key in _QUERY_KEYS:
            return Shape(*_QUERY_KEYS[key])
    for index, segment in enumerate(segments):
        word = segment.rpartition(".")[0] if "." in segment else segment
        if word == "page" and index + 1 < len(segments) and _PAGE_NUMBER.fullmatch(segments[index + 1]):
            return Shape("hub", "pagination page")
        if _COMMENT_PAGE.fullmatch(word):
            return Shape("skip", "comment link")
        if word in _SEGMENTS:
            return Shape(*_SEGMENTS[word])
    if _DATE_ARCHIVE.fullmatch(path):
        return Shape("hub", "date archive")
    return ARTICLE
