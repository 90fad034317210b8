"""Which site a URL belongs to: its registrable domain ("clinic.co.uk" for
``https://www.clinic.co.uk/blog``).

The Public Suffix List decides where the registrable part starts: "last two labels" gets
``co.uk``, ``com.au`` and hosted platforms (``clinic.wixsite.com``, ``clinic.blogspot.com``,
each its own site) wrong, and the list has thousands of such rules with wildcards and
exceptions. tldextract reads it from the snapshot bundled in the package: no download at run
time (``suffix_list_urls=()``), no cache files (``cache_dir=None``), so the answer depends only
on the installed version. Private-domain rules are on so that two clinics on one hosting
platform stay two sites.

Hosts the list does not cover (``localhost``, an IP address, a name under ``.test``) are
their own site, less a leading ``www.``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def host_of(url: str) -> str | None:
    """The URL's host name, lower-cased, without port; None when it has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return (host.rstrip(".") or None) if host else None


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The registrable domain of a host name ("www.clinic.co.uk" -> "clinic.co.uk")."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    parts = _EXTRACT.extract_str(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.") if host.count(".") >= 1 else host


def site_of_url(url: object) -> str | None:
    """The registrable domain of an http(s) URL; None for anything else (a file path, null)."""
    if not isinstance(url, str):
        return None
    try:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return None
    except ValueError:
        return None
    host = host_of(url)
    return registrable_domain(host) if host else None
