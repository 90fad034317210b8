"""Fixtures for the extraction tests: the hand-written clinic pages in ``pages/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.document import Document
from claims.extract import extract_html

PAGES = Path(__file__).resolve().parent / "pages"
CLINIC_URL = "https://lakeshore-infusion.example/articles/ketamine-nerve-pain/"


def read_page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def clinic() -> Document:
    return extract_html(read_page("clinic_article.html"), CLINIC_URL)


def blocks_of(doc: Document, kind: str) -> list[str]:
    return [doc.block_text(b) for b in doc.blocks if b.kind == kind]


def assert_consistent(doc: Document) -> None:
    """The offset contract every Document must keep, whatever page produced it."""
    joined = "\n\n".join(doc.block_text(b) for b in doc.blocks)
    assert doc.text == joined
    position = 0
    for block in doc.blocks:
        assert doc.text.find(doc.block_text(block), position) == block.start
        position = block.end
        text = doc.block_text(block)
        assert text and text == text.strip() and "  " not in text and "\n" not in text
        for link in block.links:
            assert block.start <= link.start < link.end <= block.end
            anchor = doc.text[link.start : link.end]
            assert anchor == anchor.strip()
