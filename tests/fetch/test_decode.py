"""Byte-to-text decoding: the order of evidence and the no-crash guarantee."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.fetch.decode import decode, decode_text, looks_like_html, parse_content_type

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
        (
            "\u041f\u0440\u0438\u0432\u0435\u0442, \u044d\u0442\u043e \u0441\u0442\u0440\u0430\u043d\u0438\u0446\u0430 \u043e \u043b\u0435\u0447\u0435\u043d\u0438\u0438 \u0431\u043e\u043b\u0438.",
            "cp1251",
        ),
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


UTF8_PAGE = (
    "<html><body><p>Our Clinic\u2019s caf\u00e9 offers \u201cketamine\u201d infusions \u2013 na\u00efve "
    "patients welcome.</p></body></html>"
)


def test_utf8_with_a_few_invalid_bytes_stays_utf8_and_counts_them():
    a, b, c = UTF8_PAGE[:30], UTF8_PAGE[30:60], UTF8_PAGE[60:]
    damaged = a.encode("utf-8") + b"\x93" + b.encode("utf-8") + b"\xff" + c.encode("utf-8")
    for declared in (None, "utf-8"):
        decoded = decode(damaged, declared)
        assert decoded.encoding == "utf-8"
        assert decoded.text == a + "\ufffd" + b + "\ufffd" + c
        assert decoded.replaced == 2
        assert decoded.note == "2 invalid UTF-8 byte sequences replaced with U+FFFD"
        assert not decoded.binary


def test_a_replacement_character_written_in_the_page_is_not_counted():
    raw = ("\ufffd " + UTF8_PAGE).encode("utf-8") + b"\x93"
    assert decode(raw).replaced == 1


def test_a_clean_page_has_no_note():
    assert decode(UTF8_PAGE.encode("utf-8")).note is None
    assert decode(f"<p>{SAMPLE}</p>".encode("cp1252")).note is None


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_binary_whatever_the_label(seed):
    import random

    raw = random.Random(seed).randbytes(20_000)
    for label in (None, "utf-8", "windows-1252"):
        decoded = decode(raw, label)
        assert decoded.binary, (label, decoded.encoding, decoded.controls)
        assert decoded.binary_reason().startswith("binary content, not text (")


def test_text_in_any_of_our_encodings_is_not_binary():
    for text, encoding in [(SAMPLE * 50, "cp1252"), (UTF8_PAGE * 20, "utf-8"), (SAMPLE * 50, "utf-16")]:
        assert not decode(text.encode(encoding), encoding).binary
    assert not decode(b"").binary
    assert not decode(b"<p>a stray \x01 control in a short page</p>").binary


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_recognised(encoding):
    text = "Ketamine infusions \u2013 what to expect. Caf\u00e9 talk."
    assert decode(text.encode(encoding)).text == text
    assert decode(text.encode(encoding), "utf-8").text == text
