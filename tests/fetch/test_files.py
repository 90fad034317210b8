"""read_file gives local files the same record and decoding as web pages."""

from __future__ import annotations

import hashlib

from claims.fetch import read_file


def test_html_file_without_charset_is_decoded_like_a_web_page(tmp_path):
    raw = "<p>Caf\u00e9 \u201cclinic\u201d \u2013 notes</p>".encode("cp1252")
    (tmp_path / "page.HTM").write_bytes(raw)
    result = read_file(tmp_path / "page.HTM", source="page.HTM")
    assert (result.status, result.content_type, result.url, result.http_status) == ("ok", "text/html", None, None)
    assert result.text == "<p>Caf\u00e9 \u201cclinic\u201d \u2013 notes</p>"
    assert result.content_sha256 == hashlib.sha256(raw).hexdigest()
    assert result.source == "page.HTM" and result.from_cache is False


def test_text_file(tmp_path):
    (tmp_path / "note.txt").write_text("Plain notes.\n", encoding="utf-8")
    result = read_file(tmp_path / "note.txt", source="note")
    assert (result.status, result.content_type, result.text) == ("ok", "text/plain", "Plain notes.\n")


def test_unsupported_missing_large_and_directory(tmp_path):
    (tmp_path / "paper.pdf").write_bytes(b"%PDF")
    (tmp_path / "big.html").write_bytes(b"x" * 101)
    (tmp_path / "folder.html").mkdir()
    pdf = read_file(tmp_path / "paper.pdf", source="p")
    missing = read_file(tmp_path / "absent.html", source="a")
    big = read_file(tmp_path / "big.html", source="b", max_bytes=100)
    folder = read_file(tmp_path / "folder.html", source="f")
    assert (pdf.status, pdf.error) == ("skipped", "file type .pdf not accepted")
    assert (missing.status, missing.error) == ("error", "file not found")
    assert (big.status, big.error) == ("skipped", "body larger than 100 bytes")
    assert (folder.status, folder.error) == ("error", "is a directory")


def test_random_bytes_in_an_html_file_are_skipped_as_binary(tmp_path):
    import random

    (tmp_path / "noise.html").write_bytes(random.Random(3).randbytes(30_000))
    result = read_file(tmp_path / "noise.html", source="noise.html")
    assert result.status == "skipped" and result.text is None
    assert result.error.startswith("binary content, not text")


def test_a_utf8_file_with_a_bad_byte_is_read_as_utf8_with_a_note(tmp_path):
    (tmp_path / "page.html").write_bytes("<p>Our clinic\u2019s caf\u00e9</p>".encode() + b"\x93")
    result = read_file(tmp_path / "page.html", source="page.html")
    assert (result.status, result.text) == ("ok", "<p>Our clinic\u2019s caf\u00e9</p>\ufffd")
    assert result.note == "1 invalid UTF-8 byte sequence replaced with U+FFFD"
