"""What on a clinic page is not the article: page chrome, widgets, hidden text, comment forms.

Two passes, because neither alone is enough. Before extraction, whole widgets are pruned from
the HTML tree by markup (hidden elements, cookie banners, share bars, related-post lists,
comment sections): trafilatura catches most chrome, but not all of it, and the fallback walk
catches none. After extraction, short blocks whose wording is boilerplate ("Leave a Reply",
"Your email address will not be published") are dropped, since such lines often sit in
unmarked ``<div>``s that no markup rule can find.
"""

from __future__ import annotations

import re

from lxml import etree

_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}

#: id/class words naming a widget that is never article text. Matched as whole words of the
#: id/class (split on space, "-" and "_"), so "shared-results" does not match "share".
_WIDGET_WORDS = (
    "cookie|cookies|consent|gdpr|cookiebanner|cc-banner"
    "|share|sharing|sharedaddy|social-share|share-buttons|addthis|sharethis"
    "|related|relatedposts|jp-relatedposts|yarpp|related-posts"
    "|comments|comment-respond|respond|disqus_thread|comment-form"
    "|newsletter|breadcrumb|breadcrumbs|skip-link"
    "|screen-reader-text|sr-only|visually-hidden"
)
_WIDGET_PATTERN = rf"(^|[\s_-])({_WIDGET_WORDS})([\s_-]|$)"

#: A matched element holding these is a page wrapper that happens to carry a widget-like
#: class (``<div class="box article modal-enabled">``) or an ASP.NET page-wide ``<form>``;
#: pruning it would take the article with it.
_HOLDS_ARTICLE = (
    "not(descendant::h1 or descendant::article or descendant::main or descendant::*[@itemprop='articleBody'])"
)

# Each expression below is one pass over the elements with one predicate. The equivalent
# union of ``//tag`` paths costs time that grows with the square of the page's size in
# libxml2 (merging each step's node sets), which a multi-megabyte page feels.

#: Elements never worth reading, wherever they are. The outermost containers are exempt from
#: the class rule: a WordPress ``<body class="... comments-open">`` names no widget.
_PRUNE_ALWAYS = etree.XPath(
    "/descendant::*["
    "self::script or self::style or self::noscript or self::template or self::button or self::select"
    " or self::textarea"
    f" or (self::form and {_HOLDS_ARTICLE})"
    " or @hidden or @aria-hidden='true'"
    " or re:test(translate(@style, ' ', ''), 'display:none|visibility:hidden', 'i')"
    " or (not(self::html or self::body or self::main or self::article)"
    f" and re:test(concat(@id, ' ', @class), '{_WIDGET_PATTERN}', 'i') and {_HOLDS_ARTICLE})"
    " or @role='dialog' or @role='alertdialog']",
    namespaces=_REGEX_NS,
)

#: Page chrome by element and ARIA role. Pruned only for the fallback walk: trafilatura
#: judges these itself, and an ``<article>``'s own ``<header>`` holds its h1 and date.
_PRUNE_CHROME = etree.XPath(
    "/descendant::*[self::nav or self::header or self::footer or self::aside or self::menu"
    " or @role='navigation' or @role='banner' or @role='contentinfo'"
    " or @role='complementary' or @role='search']"
)

#: Lines that are comment-form, sharing or reporting chrome whatever markup carries them.
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        leave\ a\ (?:reply|comment)(?:\ to\ .*)?
      | post\ a\ comment | add\ a\ comment | write\ a\ comment | \d*\s*comments?
      | cancel\ reply | submit\ comment | post\ comment
      | your\ email\ address\ will\ not\ be\ published.*
      | required\ fields\ are\ marked.*
      | save\ my\ name,\ email,\ and\ website.*
      | report\ this\ (?:page|post|article|content)
      | share(?:\ this)?(?:\ (?:article|post|page|story))?(?:\ (?:on|via)\ .*)?
      | (?:this|our)\ (?:web)?site\ uses\ cookies.*
      | we\ use\ cookies.*
      | accept(?:\ all)?(?:\ cookies)? | reject\ all | cookie\ (?:settings|policy|preferences)
      | related\ (?:posts|articles|stories)(?:\ you\ may\ like)? | you\ may\ also\ like
      | read\ more | skip\ to\ (?:main\ )?content
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)

#: Longest block the line filter may judge: past this a block is prose, even if it opens
#: with "We use cookies" or "Share".
MAX_BOILERPLATE_LINE = 200


def prune_widgets(tree: etree._Element) -> None:
    """Remove hidden elements and widget subtrees (banners, share bars, comments) in place."""
    _remove(_PRUNE_ALWAYS(tree))


def prune_chrome(tree: etree._Element) -> None:
    """Remove navigation, headers, footers and sidebars in place (for the fallback walk)."""
    _remove(_PRUNE_CHROME(tree))


def is_boilerplate_line(text: str) -> bool:
    return len(text) <= MAX_BOILERPLATE_LINE and bool(_BOILERPLATE_LINE.match(text))


def _remove(elements: list) -> None:
    """Drop each element with its subtree but keep its tail text, which belongs to the parent."""
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail and el.tail.strip():
            previous = el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
