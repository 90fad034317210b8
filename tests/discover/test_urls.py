"""A URL's canonical form, the key that makes two URLs one page, and its shape."""

from __future__ import annotations

import pytest

from claims.discover.urls import canonical, page_key, shape
from claims.domains import registrable_domain, site_of_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("HTTP://WWW.Clinic.Example:80/Blog/A?utm_source=x&id=3&fbclid=1#top", "http://www.clinic.example/Blog/A?id=3"),
        ("https://clinic.example:443", "https://clinic.example/"),
        ("https://clinic.example:8443/a", "https://clinic.example:8443/a"),
        ("http://clinic.example/a?gclid=1&mc_cid=2&_ga=3&UTM_Campaign=4", "http://clinic.example/a"),
        ("http://clinic.example/a?q=a%20b&x=1+2", "http://clinic.example/a?q=a%20b&x=1+2"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
    ],
)
def test_canonical_form(url, expected):
    assert canonical(url) == expected


def test_one_page_key_for_www_scheme_and_trailing_slash_variants():
    variants = [
        "http://www.clinic.example/blog/a/",
        "https://clinic.example/blog/a",
        "http://clinic.example/blog/a?utm_medium=x",
    ]
    assert {page_key(v) for v in variants} == {"clinic.example/blog/a"}
    assert page_key("http://clinic.example/blog/a?p=2") != page_key("http://clinic.example/blog/a")
    assert page_key("http://clinic.example") == "clinic.example/"


@pytest.mark.parametrize(
    "path, kind, reason",
    [
        ("/", "hub", "home page"),
        ("/index.php", "hub", "home page"),
        ("/blog/tag/ketamine/", "hub", "tag page"),
        ("/category/news/", "hub", "category page"),
        ("/author/dr-smith/", "hub", "author page"),
        ("/blog/page/3/", "hub", "pagination page"),
        ("/blog/?paged=2", "hub", "pagination page"),
        ("/2024/05/", "hub", "date archive"),
        ("/?s=ketamine", "skip", "search page"),
        ("/search/?q=x", "skip", "search page"),
        ("/cart/", "skip", "cart or account page"),
        ("/shop/?add-to-cart=12", "skip", "cart or account page"),
        ("/contact-us/", "skip", "contact or booking page"),
        ("/privacy-policy/", "skip", "privacy or legal page"),
        ("/terms-and-conditions", "skip", "privacy or legal page"),
        ("/wp-login.php", "skip", "login page"),
        ("/feed/", "skip", "feed"),
        ("/wp-json/wp/v2/posts", "skip", "admin, API or asset URL"),
        ("/blog/a/?replytocom=7", "skip", "comment link"),
        ("/blog/a/comment-page-2/", "skip", "comment link"),
        ("/blog/a/amp/", "skip", "print, share or AMP copy"),
        ("/files/Brochure.PDF", "skip", "not an HTML page (.pdf)"),
        ("/img/photo.jpeg", "skip", "not an HTML page (.jpeg)"),
        ("/blog/ketamine-faq", "article", None),
        ("/blog/how-to-contact-us-after-an-infusion", "article", None),
        ("/2024/05/ketamine-facts/", "article", None),
        ("/?p=123", "article", None),
        ("/treatments/ketamine.html", "article", None),
        ("/events/calendar?month=2024-05", "article", None),
    ],
)
def test_shape_of_a_url(path, kind, reason):
    verdict = shape(canonical(f"https://clinic.example{path}"))
    assert (verdict.kind, verdict.reason) == (kind, reason)


@pytest.mark.parametrize(
    "url, site",
    [
        ("https://www.clinic.co.uk/blog", "clinic.co.uk"),
        ("https://blog.clinic.com/x", "clinic.com"),
        ("https://a-clinic.wixsite.com/home", "a-clinic.wixsite.com"),  # a hosting platform: each its own site
        ("https://b-clinic.wixsite.com/home", "b-clinic.wixsite.com"),
        ("https://clinic.com.au/", "clinic.com.au"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://localhost:8000/", "localhost"),
        ("http://www.clinic-b.test:8000/", "clinic-b.test"),
        ("http://clinic-b.test/", "clinic-b.test"),
        ("data/raw/examples/a.html", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_site_is_the_registrable_domain(url, site):
    assert site_of_url(url) == site


def test_registrable_domain_needs_no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the public suffix list must come from the installed snapshot")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    registrable_domain.cache_clear()
    assert registrable_domain("www.some-new-clinic.org.uk") == "some-new-clinic.org.uk"
