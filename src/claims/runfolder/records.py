"""The rows and texts a run writes, as typed records.

``ClaimRow`` and ``ArticleRow`` are made from the contract's columns (``dataset/schema.py``),
so a column added there is a field here, and code that builds a row with a missing or an
unknown field fails at once instead of writing a table that breaks the contract later.
``ArticleText`` is the ``texts/<article_id>.json`` format, read and written only here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from claims.atomic import write_text
from claims.dataset.schema import ARTICLES, CLAIMS, record_type
from claims.document import Block, Document, Reference

ClaimRow = record_type("ClaimRow", CLAIMS)
ArticleRow = record_type("ArticleRow", ARTICLES)


@dataclass(frozen=True)
class ArticleText:
    """An article's extracted text and blocks, kept beside the dataset so a reviewer reads
    each claim in context (claims' ``char_start``/``char_end`` point into ``text``)."""

    article_id: str
    source: str
    text: str
    blocks: tuple[Block, ...]
    title: str | None = None
    canonical_url: str | None = None
    published: str | None = None
    #: The page's reference list (texts written before it was kept have none).
    references: tuple[Reference, ...] = ()

    @classmethod
    def of(cls, article_id: str, source: str, doc: Document) -> "ArticleText":
        return cls(
            article_id,
            source,
            doc.text,
            tuple(doc.blocks),
            doc.title,
            doc.canonical_url,
            doc.published,
            tuple(doc.references),
        )

    def document(self) -> Document:
        return Document(
            text=self.text,
            blocks=list(self.blocks),
            title=self.title,
            canonical_url=self.canonical_url,
            published=self.published,
            references=self.references,
        )

    def write(self, path: Path, *, make_folder: bool = True) -> None:
        record = {
            "article_id": self.article_id,
            "source": self.source,
            "title": self.title,
            "canonical_url": self.canonical_url,
            "published": self.published,
            "text": self.text,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in self.blocks],
            "references": [
                {"text": r.text, "number": r.number, "anchor": r.anchor, "links": list(r.links)}
                for r in self.references
            ],
        }
        write_text(path, json.dumps(record, ensure_ascii=False), make_folder=make_folder)

    @classmethod
    def read(cls, path: Path) -> "ArticleText | None":
        """The stored text, or None when it is absent or malformed (blocks outside the text
        are dropped): a reader then shows the sentence alone."""
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            text = record["text"]
            if not isinstance(text, str):
                return None
            blocks = tuple(
                Block(str(b["kind"]), int(b["start"]), int(b["end"]))
                for b in record.get("blocks", [])
                if 0 <= int(b["start"]) <= int(b["end"]) <= len(text)
            )
            references = tuple(
                Reference(
                    str(r["text"]),
                    r.get("number") if isinstance(r.get("number"), int) else None,
                    _optional_str(r.get("anchor")),
                    tuple(str(link) for link in r.get("links", [])),
                )
                for r in record.get("references", [])
            )
            return cls(
                str(record.get("article_id", path.stem)),
                str(record.get("source", "")),
                text,
                blocks,
                _optional_str(record.get("title")),
                _optional_str(record.get("canonical_url")),
                _optional_str(record.get("published")),
                references,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
