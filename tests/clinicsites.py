"""Clinic web sites for the discovery tests: several sites served by one real local HTTP
server, told apart by the Host header.

* ``127.0.0.1:PORT``: the main clinic. robots.txt disallows /private/ and names a sitemap
  index, which names a plain sitemap, a gzip one, a nested index and one that is missing;
  the sitemaps list articles, a 404, a tracking-parameter copy, a disallowed page, tag and
  pagination pages, a PDF and another site's page. The home page links to an RSS feed, to
  the blog (a listing with pagination and tag pages that lead to more articles), to pages
  that are no articles (contact, privacy, login, cart, search), to an endless event calendar
  and to a page whose rel=canonical names another.
* ``clinic-b.test:PORT``, with ``www.clinic-b.test:PORT`` redirecting every path to it: no
  robots.txt, a /sitemap.xml that is an HTML page, articles found by links only (some
  written with the www. host).
* ``localhost:PORT``: a third clinic with a plain-text sitemap named in robots.txt.

``ARTICLES`` lists, per site, every article a discovery must find (as canonical URLs, with
the source that must find it); ``NOT_ARTICLES`` the pages it must not keep. Names under
``.test`` need ``resolve_test_names`` (RFC 6761 reserves them for tests; the fixture maps
them to 127.0.0.1 the way a hosts file would).
"""

from __future__ import annotations

import gzip
import html
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FILLER = (
    "Our clinic is open on weekdays and the team will walk you through every step of the visit. "
    "The first appointment includes a review of your history, your current medicines and your goals. "
    "We explain how the session is planned, how long it lasts and what happens on the day. "
    "Parking is available behind the building and a family member is welcome to wait with you. "
    "After each session a nurse checks in with you and answers the questions you still have. "
    "You can read more about our team, our location and our opening hours on the other pages of this site. "
)


def article_page(
    title: str, claims: str, *, canonical: str | None = None, published: str | None = None, words: int = 200
) -> str:
    """An article: its claim sentences, then neutral text up to about ``words`` words."""
    body = claims.strip()
    while len(body.split()) < words:
        body += " " + FILLER
    head = f"<title>{html.escape(title)} | Clinic</title>"
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    if published:
        head += (
            f'<meta property="article:published_time" content="{published}"><meta property="og:type" content="article">'
        )
    return (
        f'<!doctype html><html><head>{head}</head><body><nav><a href="/">Home</a> <a href="/blog/">Blog</a> '
        f'<a href="/contact-us/">Contact</a></nav><main><article><h1>{html.escape(title)}</h1>'
        f'<p>{html.escape(body)}</p></article></main><footer><a href="/privacy-policy/">Privacy</a></footer>'
        "</body></html>"
    )


def listing_page(title: str, links: list[str]) -> str:
    items = "".join(
        f'<article><h2><a href="{href}">Read: {href}</a></h2><p>An excerpt of the post.</p></article>' for href in links
    )
    return f"<!doctype html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>{items}</main></body></html>"


def short_page(title: str, text: str, links: tuple[str, ...] = ()) -> str:
    anchors = " ".join(f'<a href="{href}">{href}</a>' for href in links)
    return f"<!doctype html><html><head><title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p>{anchors}</main></body></html>"


def sitemap(*urls: tuple[str, str | None]) -> str:
    items = "".join(
        f"<url><loc>{html.escape(u)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>" for u, m in urls
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def sitemap_index(*urls: str) -> str:
    items = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def rss(*items: tuple[str, str]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item>"
        for link, t in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>/</link>{entries}</channel></rss>'
    )


# --- what the articles say: the claims the per-site report is checked on ------------------

MAIN_CLAIMS = {
    "/blog/ketamine-for-chronic-pain": "Ketamine infusions relieve chronic nerve pain within hours. "
    "Ketamine is non-addictive and has no side effects.",
    "/blog/what-to-expect": "IV ketamine is an FDA-approved treatment for chronic pain. "
    "Most patients feel relief after the first infusion.",
    "/blog/esketamine-vs-ketamine": "Spravato is FDA-approved for treatment-resistant depression. "
    "Ketamine blocks NMDA receptors in the brain.",
    "/services/ketamine-infusions": "Ketamine infusions reset pain pathways in the spinal cord. "
    "Ketamine infusions are completely safe.",
    "/news/new-location-opening": "Our new location offers the same infusions that have helped hundreds of patients.",
    "/blog/only-linked-article": "Ketamine eases migraine pain for many patients.",
    "/blog/older-article": "Studies show ketamine reduces fibromyalgia pain.",
    "/blog/ketamine-faq": "Ketamine relieves CRPS pain in most patients.",
}
B_CLAIMS = {
    "/articles/risks-of-ketamine": "Common side effects include nausea, dizziness and a temporary rise in blood pressure. "
    "Patients with uncontrolled high blood pressure should not receive ketamine.",
    "/articles/how-ketamine-works": "Ketamine may help the brain form new connections.",
    "/articles/spravato": "Spravato is FDA-approved for treatment-resistant depression. "
    "Esketamine relieves depression in many patients.",
}
C_CLAIMS = {
    "/treatments/tms": "TMS relieves depression in many patients who did not respond to medication.",
    "/treatments/prp": "PRP injections heal damaged tendons permanently.",
}


@dataclass
class Served:
    """Pages of one host: path (with query) -> (status, content type, body, extra headers)."""

    pages: dict[str, tuple[int, str, bytes | str, dict]] = field(default_factory=dict)
    redirect_all_to: str | None = None

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        **headers: str,
    ) -> None:
        self.pages[path] = (status, content_type, body, headers)


class ClinicSites:
    """The sites above, on one server; ``requests`` records every request as it came."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.port = server.port
        self.main = f"http://127.0.0.1:{self.port}"
        self.b = f"http://clinic-b.test:{self.port}"
        self.b_www = f"http://www.clinic-b.test:{self.port}"
        self.c = f"http://localhost:{self.port}"
        self.requests: list[tuple[float, str, str, str]] = []  # (monotonic time, host, path?query, user agent)
        self._lock = threading.Lock()
        self.hosts: dict[str, Served] = {}
        self._build()
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    # --- expectations ----------------------------------------------------------------

    @property
    def articles(self) -> dict[str, dict[str, str]]:
        """Site -> canonical URL of each article -> the source that must find it."""
        m, b, c = self.main, self.b, self.c
        return {
            "127.0.0.1": {
                f"{m}/blog/ketamine-for-chronic-pain": "sitemap",
                f"{m}/blog/what-to-expect": "sitemap",
                f"{m}/services/ketamine-infusions": "sitemap",
                f"{m}/blog/esketamine-vs-ketamine": "sitemap",
                f"{m}/news/new-location-opening": "feed",
                f"{m}/blog/only-linked-article": "link",
                f"{m}/blog/older-article": "link",
                f"{m}/blog/ketamine-faq": "link",
            },
            "clinic-b.test": {f"{b}{path}": "link" for path in B_CLAIMS},
            "localhost": {f"{c}{path}": "sitemap" for path in C_CLAIMS},
        }

    @property
    def not_articles(self) -> list[str]:
        m, b = self.main, self.b
        return (
            [
                f"{m}{p}"
                for p in (
                    "/",
                    "/blog/",
                    "/blog/gone",
                    "/private/secret-study",
                    "/blog/tag/ketamine/",
                    "/blog/page/2/",
                    "/files/brochure.pdf",
                    "/about/",
                    "/contact-us/",
                    "/privacy-policy/",
                    "/login/",
                    "/cart/",
                    "/search/?q=ketamine",
                    "/blog/ketamine-faq-print-version",
                    "/blog/old-post",
                )
            ]
            + [f"{m}/events/calendar?month=2024-{n:02d}" for n in range(1, 13)]
            + [f"{b}/", f"{b}/team/"]
        )

    def requested(self, host: str) -> list[str]:
        with self._lock:
            return [path for _, h, path, _ in self.requests if h == host]

    # --- the sites ---------------------------------------------------------------------

    def _build(self) -> None:
        m, b, c = self.main, self.b, self.c
        main = self.hosts[f"127.0.0.1:{self.port}"] = Served()
        main.add("/robots.txt", f"User-agent: *\nDisallow: /private/\n\nSitemap: {m}/sitemap_index.xml\n", "text/plain")
        main.add(
            "/sitemap_index.xml",
            sitemap_index(
                f"{m}/sitemaps/posts.xml",
                f"{m}/sitemaps/pages.xml.gz",
                f"{m}/sitemaps/nested-index.xml",
                f"{m}/sitemaps/missing.xml",
            ),
            "application/xml",
        )
        main.add("/sitemap.xml", "not found", "text/plain", status=404)
        main.add(
            "/sitemaps/posts.xml",
            sitemap(
                (f"{m}/blog/ketamine-for-chronic-pain", "2024-05-01"),
                (f"{m}/blog/what-to-expect?utm_source=newsletter&utm_medium=email", "2024-04-02T08:00:00Z"),
                (f"{m}/blog/gone", None),
                (f"{m}/private/secret-study", None),
                (f"{m}/blog/tag/ketamine/", None),
                (f"{m}/blog/page/2/", None),
                (f"{m}/files/brochure.pdf", None),
                (f"{self.c}/treatments/tms", None),
            ),
            "application/xml",
        )
        main.add(
            "/sitemaps/pages.xml.gz",
            gzip.compress(
                sitemap(
                    (f"{m}/services/ketamine-infusions", "2023-11-20"),
                    (f"{m}/about/", None),
                    (f"{m}/contact-us/", None),
                ).encode()
            ),
            "application/x-gzip",
        )
        main.add("/sitemaps/nested-index.xml", sitemap_index(f"{m}/sitemaps/more.xml"), "application/xml")
        main.add("/sitemaps/more.xml", sitemap((f"{m}/blog/esketamine-vs-ketamine", "2024-03-03")), "text/xml")
        main.add("/sitemaps/missing.xml", "gone", "text/plain", status=404)
        main.add(
            "/feed.xml",
            rss(
                (f"{m}/blog/ketamine-for-chronic-pain", "Pain"),
                ("/news/new-location-opening?utm_campaign=spring", "New location"),
            ),
            "application/rss+xml",
        )
        main.add(
            "/",
            "<!doctype html><html><head><title>Main Clinic</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>'
            '<nav><a href="/blog/">Blog</a> <a href="/about/">About</a> <a href="/contact-us/">Contact</a> '
            '<a href="/privacy-policy/">Privacy</a> <a href="/login/">Log in</a> <a href="/cart/">Cart</a> '
            '<a href="/search/?q=ketamine">Search</a> <a href="/events/calendar?month=2024-01">Events</a> '
            '<a href="https://twitter.example/clinic">Twitter</a></nav>'
            "<main><h1>Welcome</h1><p>Ketamine care close to home.</p>"
            '<a href="/blog/ketamine-for-chronic-pain/?utm_campaign=home#comments">Latest</a> '
            '<a href="/blog/ketamine-faq-print-version">FAQ</a> <a href="/blog/old-post">Old post</a> '
            '<a href="/files/brochure.pdf">Brochure</a></main></body></html>',
        )
        main.add(
            "/blog/",
            listing_page(
                "Blog",
                [
                    "/blog/only-linked-article",
                    "/blog/ketamine-for-chronic-pain",
                    "/blog/page/2/",
                    "/blog/tag/ketamine/",
                ],
            ),
        )
        main.add(
            "/blog/page/2/",
            listing_page(
                "Blog, page 2", ["/blog/older-article", "/blog/what-to-expect", "/blog/esketamine-vs-ketamine"]
            ),
        )
        main.add(
            "/blog/tag/ketamine/",
            listing_page(
                "Posts tagged ketamine", ["/blog/ketamine-faq", "/blog/only-linked-article", "/blog/older-article"]
            ),
        )
        for path, claims in MAIN_CLAIMS.items():
            main.add(
                path,
                article_page(
                    path.rsplit("/", 1)[-1].replace("-", " ").title(),
                    claims,
                    published="2024-05-01" if path.startswith("/blog/") else None,
                ),
            )
        main.add(
            "/blog/ketamine-faq-print-version",
            article_page("Ketamine FAQ", MAIN_CLAIMS["/blog/ketamine-faq"], canonical=f"{m}/blog/ketamine-faq"),
        )
        main.add("/blog/old-post", "", status=301, Location=f"{m}/blog/esketamine-vs-ketamine")
        main.add("/blog/gone", "no such post", "text/plain", status=404)
        main.add("/about/", short_page("About us", "We are a pain clinic."))
        main.add("/files/brochure.pdf", b"%PDF-1.4", "application/pdf")
        main.add("/private/secret-study", article_page("Secret", "Ketamine cures everything."))
        for page in ("/contact-us/", "/privacy-policy/", "/login/", "/cart/", "/search/?q=ketamine"):
            main.add(page, short_page(page, "Never requested: its URL says what it is."))

        b_site = self.hosts[f"clinic-b.test:{self.port}"] = Served()
        self.hosts[f"www.clinic-b.test:{self.port}"] = Served(redirect_all_to=b)
        b_site.add("/robots.txt", "none", "text/plain", status=404)
        b_site.add(
            "/sitemap.xml",
            short_page("Site map", "Our pages, listed for visitors.", tuple(f"/{p}" for p in ("about", "team"))),
        )
        b_site.add(
            "/",
            short_page(
                "Clinic B",
                "Welcome to clinic B.",
                (
                    f"{self.b_www}/articles/risks-of-ketamine",
                    "/articles/how-ketamine-works",
                    "/team/",
                    f"{self.b_www}/articles/spravato?fbclid=abc",
                ),
            ),
        )
        b_site.add("/team/", short_page("Our team", "Doctors and nurses."))
        for path, claims in B_CLAIMS.items():
            b_site.add(path, article_page(path.rsplit("/", 1)[-1].replace("-", " ").title(), claims))

        c_site = self.hosts[f"localhost:{self.port}"] = Served()
        c_site.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {c}/sitemap.txt\n", "text/plain")
        c_site.add("/sitemap.txt", "\n".join(f"{c}{p}" for p in C_CLAIMS) + "\n", "text/plain")
        c_site.add("/sitemap.xml", "none", "text/plain", status=404)
        c_site.add("/", short_page("Clinic C", "TMS and PRP."))
        for path, claims in C_CLAIMS.items():
            c_site.add(path, article_page(path.rsplit("/", 1)[-1].upper(), claims))

    def _handle(self, request: Request) -> Response:
        host = request.host.lower()
        path = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        with self._lock:
            self.requests.append((time.monotonic(), host, path, request.headers.get("User-Agent", "")))
        served = self.hosts.get(host)
        if served is None:
            return Response("unknown host", status=421)
        if served.redirect_all_to:
            return Response("", status=301, headers={"Location": served.redirect_all_to + path})
        if request.path == "/events/calendar":
            return self._calendar(request.args.get("month", "2024-01"))
        status, content_type, body, headers = (
            served.pages.get(path) or served.pages.get(request.path) or (404, "text/plain", "not found", {})
        )
        return Response(body, status=status, content_type=content_type, headers=headers)

    @staticmethod
    def _calendar(month: str) -> Response:
        """An endless calendar: every month links to the one before and the one after."""
        year, number = (int(x) for x in month.split("-"))
        after = f"{year + number // 12}-{number % 12 + 1:02d}"
        before = f"{year - (number == 1)}-{(number - 2) % 12 + 1:02d}"
        return Response(
            short_page(
                f"Events {month}",
                "No events this month.",
                (f"/events/calendar?month={before}", f"/events/calendar?month={after}"),
            ),
            content_type="text/html",
        )


@pytest.fixture
def resolve_test_names(monkeypatch):
    """Names under .test resolve to 127.0.0.1 in this process, as a hosts file would say."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.rstrip(".").endswith(".test"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def clinic_sites(resolve_test_names) -> Iterator[ClinicSites]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield ClinicSites(server)
    finally:
        server.clear()
        server.stop()
