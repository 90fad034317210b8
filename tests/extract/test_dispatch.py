"""extract() picks the reader from the content type."""

from __future__ import annotations

import sys
import types

import pytest

from claims.document import Document
from claims.extract import UnsupportedContentType, extract

HTML = "<html><body><article>" + "<p>Red light therapy is marketed for joint pain.</p>" * 4 + "</article></body></html>"


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=UTF-8", "APPLICATION/XHTML+XML"])
def test_html_types_go_to_the_html_reader(content_type):
    doc = extract(HTML, content_type, "https://clinic.example/a")
    assert "Red light therapy" in doc.text


def test_plain_text_goes_to_the_text_reader(monkeypatch):
    received = []

    def extract_text(text: str) -> Document:
        received.append(text)
        return Document(text=text, blocks=[])

    stand_in = types.ModuleType("claims.extract.plaintext")
    stand_in.extract_text = extract_text
    monkeypatch.setitem(sys.modules, "claims.extract.plaintext", stand_in)
    extract("Plain words.", "text/plain; charset=utf-8")
    assert received == ["Plain words."]


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "", "application/json"])
def test_other_types_are_refused_with_a_clear_error(content_type):
    with pytest.raises(UnsupportedContentType, match="content type"):
        extract("%PDF-1.7", content_type)
