"""Local article files (saved pages, fixtures) read into the same record as web fetches.

So the rest of the pipeline never cares whether a page came from a server or a folder, and
files get the same decoding rules: a windows-1252 file saved from an old site reads right.
"""

from __future__ import annotations

from pathlib import Path

from claims.fetch.cache import sha256_hex
from claims.fetch.decode import ACCEPTED_SUFFIXES, decode
from claims.fetch.result import FetchResult
from claims.settings import Settings


def read_file(path: Path, source: str, *, max_bytes: int = Settings.max_bytes) -> FetchResult:
    """Read one .html/.htm/.txt file; problems become an error/skipped result, never an exception."""
    path = Path(path)
    content_type = ACCEPTED_SUFFIXES.get(path.suffix.lower())
    if content_type is None:
        return FetchResult(source=source, status="skipped", error=f"file type {path.suffix or '(none)'} not accepted")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return FetchResult(source=source, status="skipped", error=f"body larger than {max_bytes} bytes")
        raw = path.read_bytes()
    except FileNotFoundError:
        return FetchResult(source=source, status="error", error="file not found")
    except IsADirectoryError:
        return FetchResult(source=source, status="error", error="is a directory")
    except OSError as exc:
        return FetchResult(
            source=source, status="error", error=f"unreadable file ({exc.strerror or type(exc).__name__})"
        )
    decoded = decode(raw, html=content_type == "text/html")
    if decoded.binary:
        return FetchResult(source=source, status="skipped", error=decoded.binary_reason())
    return FetchResult(
        source=source,
        status="ok",
        content_type=content_type,
        text=decoded.text,
        content_sha256=sha256_hex(raw),
        note=decoded.note,
    )
