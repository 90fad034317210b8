"""Extraction stage: a fetched page (HTML or plain text) becomes a block-structured Document.

``extract`` picks the reader by content type, so callers holding a fetched body and its
Content-Type header need not know which formats exist.
"""

from __future__ import annotations

from claims.document import Document
from claims.extract.html import extract_html

#: Media types read as HTML. XHTML is HTML for extraction purposes.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Media types read as plain text.
TEXT_TYPES = frozenset({"text/plain"})


class UnsupportedContentType(ValueError):
    """The body is neither HTML nor plain text, so there is no article to read from it."""


def extract(text: str, content_type: str, url: str | None = None) -> Document:
    """Extract ``text`` according to ``content_type`` (parameters such as charset are ignored).

    Raises UnsupportedContentType for other media types (PDF, images, JSON...), so the
    caller can record a per-page error instead of scoring garbage as an article.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in HTML_TYPES:
        return extract_html(text, url)
    if media_type in TEXT_TYPES:
        from claims.extract.plaintext import extract_text  # written separately; loaded on use
        from claims.extract.reflist import from_blocks

        document = extract_text(text)
        document.references = from_blocks(document)
        return document
    raise UnsupportedContentType(f"cannot extract an article from content type {content_type!r}")


__all__ = ["HTML_TYPES", "TEXT_TYPES", "UnsupportedContentType", "extract", "extract_html"]
