"""Turning the command line's SOURCE arguments into the list of articles to read.

A SOURCE is an http(s) URL, a .html/.htm/.txt file, a folder (its such files, recursively,
in sorted order) or ``@FILE`` (one source per line, ``#`` comments allowed). Anything else
becomes a ``Source`` with an error, so it is reported in articles.parquet like any other
failed page instead of stopping the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ARTICLE_SUFFIXES = (".html", ".htm", ".txt")
#: A comment starts at a "#" that opens the line or follows a space (URL fragments survive).
_COMMENT = re.compile(r"(?:^|\s)#.*$")


@dataclass(frozen=True)
class Source:
    #: The source exactly as the user gave it (URL or path); it names the article in output.
    given: str
    kind: str  # "url" | "file" | "invalid"
    error: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.given)


def resolve_sources(args: list[str]) -> list[Source]:
    """Expand arguments in order, dropping exact repeats (the first keeps its place)."""
    seen: dict[str, Source] = {}
    for arg in args:
        for source in _expand(arg.strip(), depth=0):
            seen.setdefault(source.given, source)
    return list(seen.values())


def _expand(arg: str, depth: int) -> list[Source]:
    if not arg:
        return []
    if arg.startswith("@"):
        return _from_list(arg, depth)
    scheme = urlsplit(arg).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(arg).hostname:
            return [Source(arg, "invalid", "URL has no host")]
        return [Source(arg, "url")]
    if scheme and len(scheme) > 1:  # "C:\..." has a one-letter scheme; ftp:, mailto: etc. do not
        return [Source(arg, "invalid", f"unsupported URL scheme {scheme!r} (use http or https)")]
    path = Path(arg)
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES),
            key=lambda p: p.as_posix(),
        )
        if not files:
            return [Source(arg, "invalid", "folder holds no .html, .htm or .txt files")]
        return [Source(str(p), "file") for p in files]
    if path.is_file():
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            return [Source(arg, "invalid", f"unsupported file type {path.suffix or '(none)'!r}")]
        return [Source(arg, "file")]
    return [Source(arg, "invalid", "no such file or folder")]


def read_list(path: str | Path) -> list[str]:
    """The entries of an @FILE list: one per line, comments and blank lines left out.
    Raises OSError or UnicodeDecodeError when the file cannot be read."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [entry for entry in (_COMMENT.sub("", line).strip() for line in lines) if entry]


def _from_list(arg: str, depth: int) -> list[Source]:
    if depth > 3:
        return [Source(arg, "invalid", "@-lists nested too deeply")]
    try:
        entries = read_list(arg[1:])
    except (OSError, UnicodeDecodeError) as exc:
        return [Source(arg, "invalid", f"cannot read source list: {exc}")]
    sources: list[Source] = []
    for entry in entries:
        sources += _expand(entry, depth + 1)
    return sources
