"""Byte-to-text decoding: the order of evidence and the no-crash guarantee."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.fetch.decode import decode_text, looks_like_html, parse_content_type

SAMPLE = "Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve \u2019s"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("text/html", ("text/html", None)),
        ('Text/HTML; Charset="UTF-8"', ("text/html", "UTF-8")),
        ("text/plain; format=flowed; charset=windows-1252", ("text/plain", "windows-1252")),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_content_type(header, expected):
    assert parse_content_type(header) == expected


def test_header_charset_wins_over_meta():
    raw = f'<meta charset="utf-8"><p>{SAMPLE}</p>'.encode("cp1252")
    assert SAMPLE in decode_text(raw, "windows-1252")


def test_meta_charset_and_http_equiv_are_read():
    cp1252_meta = f'<html><head><meta charset="windows-1252"></head><p>{SAMPLE}</p>'.encode("cp1252")
    http_equiv = (
        '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>\u0431\u043e\u043b\u044c</p>'
    ).encode("koi8-r")
    assert SAMPLE in decode_text(cp1252_meta)
    assert "\u0431\u043e\u043b\u044c" in decode_text(http_equiv)


def test_meta_is_ignored_for_plain_text():
    raw = '<meta charset="koi8-r"> caf\u00e9'.encode("utf-8")
    assert decode_text(raw, html=False) == '<meta charset="koi8-r"> caf\u00e9'


def test_latin1_label_is_read_as_windows_1252():
    # 0x93/0x94 are C1 controls in ISO-8859-1 but curly quotes in windows-1252, as browsers read them
    assert decode_text("\u201chi\u201d".encode("cp1252"), "ISO-8859-1") == "\u201chi\u201d"


def test_wrong_header_charset_falls_back_to_what_the_bytes_are():
    raw = f"<p>{SAMPLE}</p>".encode("cp1252")
    assert decode_text(raw, "utf-8") == f"<p>{SAMPLE}</p>"


def test_undeclared_utf8_and_unknown_labels():
    raw = f"<p>{SAMPLE}</p>".encode("utf-8")
    assert decode_text(raw) == f"<p>{SAMPLE}</p>"
    assert decode_text(raw, "no-such-charset") == f"<p>{SAMPLE}</p>"


def test_byte_order_mark_wins():
    assert decode_text(codecs.BOM_UTF8 + "\u00e9".encode("utf-8"), "cp1252") == "\u00e9"
    assert decode_text(codecs.BOM_UTF16_LE + "\u00e9t\u00e9".encode("utf-16-le")) == "\u00e9t\u00e9"


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("\u041f\u0440\u0438\u0432\u0435\u0442, \u044d\u0442\u043e \u0441\u0442\u0440\u0430\u043d\u0438\u0446\u0430 \u043e \u043b\u0435\u0447\u0435\u043d\u0438\u0438 \u0431\u043e\u043b\u0438.", "cp1251"),
        ("Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144, tekst o leczeniu b\u00f3lu.", "cp1250"),
    ],
)
def test_undeclared_non_western_pages_are_detected(text, encoding):
    assert decode_text(text.encode(encoding)) == text


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=600), label=st.sampled_from([None, "utf-8", "ascii", "shift_jis", "bogus"]))
def test_any_bytes_decode_without_raising(raw, label):
    assert isinstance(decode_text(raw, label), str)


def test_html_sniffing():
    assert looks_like_html(b"  <!-- cms --> <!DOCTYPE html><html>")
    assert looks_like_html(b"<HTML><body>")
    assert not looks_like_html(b"%PDF-1.4")
    assert not looks_like_html(b"plain words <b>bold</b>")
