"""Links that open a web page scrolled to a passage: URL text fragments (``#:~:text=``).

Chromium, Edge and Safari scroll to and highlight the first match of the fragment's words;
other browsers open the page at the top. The text we hold is the extracted text, which spells
a superscript marker "[3]" where the page shows a raised "3", so markers are left out of the
words matched, and a long passage is given by its first and last words (``start,end``).
See https://wicg.github.io/scroll-to-text-fragment/.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urldefrag, urlsplit

#: Words on each side of a long passage's fragment (``textStart,textEnd``).
EDGE_WORDS = 5
#: Reference markers: "[3]", "[2, 5]", superscript digits. The page may spell them otherwise.
_MARKER = re.compile(r"\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_EDGE_PUNCTUATION = " .,;:!?\"'“”‘’()"


def text_fragment_url(url: str | None, passage: str) -> str | None:
    """``url`` with a text fragment for ``passage``; None unless ``url`` is http(s)."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    pieces = [piece.strip(_EDGE_PUNCTUATION) for piece in _MARKER.split(passage)]
    pieces = [piece for piece in pieces if re.search(r"\w", piece)]
    if not pieces:
        return None
    first, last = pieces[0].split(), pieces[-1].split()
    if len(pieces) == 1 and len(first) <= 2 * EDGE_WORDS:
        directive = _encode(" ".join(first))
    else:
        directive = f"{_encode(' '.join(first[:EDGE_WORDS]))},{_encode(' '.join(last[-EDGE_WORDS:]))}"
    return f"{urldefrag(url).url}#:~:text={directive}"


def _encode(text: str) -> str:
    """Percent-encoded as the spec asks: "-", "," and "&" have meanings in the directive."""
    return quote(text, safe="").replace("-", "%2D")
