"""Which site a claim was seen on, for counting how widespread a claim is."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

#: How a local file is assigned to a site (see ``site_of``).
FILE_SITE_MODES = ("file", "folder")


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def site_of(url: object, source: object, file_site: str = "file") -> str:
    """The host of ``url`` (or of ``source`` when that is a URL), without "www.".

    Local files carry no host. With ``file_site="file"`` each file counts as its own site:
    the saved seed articles sit side by side in one folder although each comes from a
    different clinic, so a folder says nothing about the site. ``"folder"`` suits layouts
    that save one folder per site.
    """
    if file_site not in FILE_SITE_MODES:
        raise ValueError(f"file_site must be one of {FILE_SITE_MODES}, got {file_site!r}")
    for candidate in (url, source):
        if isinstance(candidate, str) and "://" in candidate:
            host = _host(candidate)
            if host:
                return host
    if not isinstance(source, str) or not source.strip():
        return "unknown"
    path = PurePath(source.strip())
    if file_site == "folder" and str(path.parent) not in ("", "."):
        return f"file:{path.parent}"
    return f"file:{path}"
