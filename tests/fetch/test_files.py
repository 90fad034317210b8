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
