"""Page metadata the page states about itself: title, canonical URL, publication date.

Only explicit statements are read (meta tags, ``<link rel=canonical>``, ``<time datetime>``,
JSON-LD). Guessing a date from the URL or the body text would put dates on claims that the
page never gave, which is worse for a reviewer than no date at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

_WHITESPACE = re.compile(r"\s+")

#: Separators sites put between an article title and the site name in ``<title>``.
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:•·»-]\s+")

#: Meta tags stating the publication time, best first.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "date",
)

#: Human-written date formats seen in ``<time>`` elements without a machine-readable value.
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y")

#: Tags whose h1 is site chrome (logo, menu), not the article's heading.
_CHROME = {"nav", "header", "footer", "aside"}


def clean(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text or "").strip()


def _text(el: etree._Element) -> str:
    return clean("".join(el.itertext()))


def _meta(tree: etree._Element, *names: str) -> str | None:
    """First non-empty ``content`` of a meta tag whose property/name/itemprop is in ``names``."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = clean(el.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (el.get(attr) or "").strip().lower()
            if key in wanted and key not in found:
                found[key] = content
    return next((found[n.lower()] for n in names if n.lower() in found), None)


def base_url(tree: etree._Element, url: str | None) -> str | None:
    """The URL relative links resolve against: ``<base href>`` (itself resolved) or the page URL."""
    for el in tree.iter("base"):
        href = (el.get("href") or "").strip()
        if href:
            try:
                return urljoin(url or "", href)
            except ValueError:
                break
    return url


def absolute(href: str | None, base: str | None) -> str | None:
    """``href`` resolved against ``base``; None for script links and unparsable values."""
    href = (href or "").strip()
    if not href or href.lower().startswith(("javascript:", "data:")):
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def title(tree: etree._Element, url: str | None = None) -> str | None:
    """The article title: og:title, else the article's h1, else ``<title>`` without the site name."""
    site = _meta(tree, "og:site_name")
    og = _meta(tree, "og:title", "twitter:title")
    if og:
        return _strip_site_name(og, site, url, only_known=True)
    h1 = _article_h1(tree)
    if h1:
        return h1
    head_title = next((t for t in (_text(el) for el in tree.iter("title")) if t), None)
    return _strip_site_name(head_title, site, url, only_known=False) if head_title else None


def _article_h1(tree: etree._Element) -> str | None:
    fallback = None
    for el in tree.iter("h1"):
        text = _text(el)
        if not text:
            continue
        if not any(a.tag in _CHROME for a in el.iterancestors()):
            return text
        fallback = fallback or text
    return fallback


def _strip_site_name(text: str, site: str | None, url: str | None, only_known: bool) -> str:
    """Drop a leading/trailing segment naming the site ("Ketamine FAQ | Acme Clinic").

    A segment is the site name when it matches og:site_name or the host name. When neither is
    known (``only_known`` False, i.e. the title came from ``<title>``), the last segment is
    taken to be the site name if it is shorter than the rest: that is the common pattern.
    """
    parts = _TITLE_SEPARATORS.split(text)
    if len(parts) < 2:
        return text
    names = {_squash(site)} if site else set()
    host = urlsplit(url or "").hostname or ""
    names |= {_squash(p) for p in host.split(".") if len(p) > 3}
    names.discard("")
    for index in (-1, 0):
        squashed = _squash(parts[index])
        if squashed and any(squashed == n or (n in squashed and len(n) > 5) for n in names):
            return _join_rest(text, parts, index)
    if not only_known and len(parts[-1]) < len(text) - len(parts[-1]):
        return _join_rest(text, parts, -1)
    return text


def _join_rest(text: str, parts: list[str], drop: int) -> str:
    """The title without the dropped end segment, keeping inner separators as written."""
    matches = list(_TITLE_SEPARATORS.finditer(text))
    return clean(text[: matches[-1].start()] if drop == -1 else text[matches[0].end() :])


def _squash(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").lower())


def canonical_url(tree: etree._Element, base: str | None) -> str | None:
    """``<link rel=canonical>``, else og:url, made absolute."""
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            href = absolute(el.get("href"), base)
            if href:
                return href
    return absolute(_meta(tree, "og:url"), base)


def published(tree: etree._Element) -> str | None:
    """The stated publication date as ISO 8601 (a date, or a date-time when one is given)."""
    candidates = [*_json_ld_dates(tree), _meta(tree, *_DATE_META), *_time_values(tree)]
    for raw in candidates:
        value = iso_date(raw)
        if value:
            return value
    return None


def iso_date(raw: str | None) -> str | None:
    """Normalise a stated date to ISO 8601, or None when it is not a recognisable date."""
    raw = clean(raw)
    if not raw:
        return None
    candidate = raw.replace("Z", "+00:00") if raw.endswith("Z") else raw
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            parsed = parse(candidate)
        except (ValueError, TypeError, IndexError):
            continue
        return _format(parsed, raw)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _format(parsed: datetime, raw: str) -> str | None:
    if not 1990 <= parsed.year <= 2100:  # outside this range it is a placeholder, not a date
        return None
    if len(raw) <= 10 and parsed.hour == parsed.minute == parsed.second == 0:
        return parsed.date().isoformat()  # a bare date stays a date
    return parsed.isoformat()


def _time_values(tree: etree._Element) -> Iterator[str]:
    """``<time>`` values, the ones marked as the publication time first."""
    marked, others = [], []
    for el in tree.iter("time"):
        value = el.get("datetime") or _text(el)
        hint = " ".join(filter(None, (el.get("itemprop"), el.get("class"), el.get("pubdate"))))
        (
            marked
            if re.search(r"publish|pubdate|entry-date|datepublished", hint, re.I) or el.get("pubdate") is not None
            else others
        ).append(value)
    yield from marked
    yield from others


def _json_ld_dates(tree: etree._Element) -> Iterator[str]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _find_key(data, "datePublished")


def _find_key(data: object, key: str) -> Iterator[str]:
    """Every string value of ``key`` in a JSON-LD graph, breadth-first (top-level first)."""
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str):
                yield value
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)


__all__ = ["absolute", "base_url", "canonical_url", "clean", "iso_date", "published", "title"]
