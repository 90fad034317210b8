"""Building run folders in tests through the run folder's own API (``claims.runfolder``).

Importable from any test (``pythonpath = ["tests"]`` in pyproject.toml): ``from runhelpers
import article_row, claim_row, commit_run``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

BLANK = {
    "str": "",
    "int": 0,
    "bool": False,
    "list": [],
    "float": 0.0,
    "records": [],
    "counts": {},
    "datetime": datetime(2026, 1, 1, tzinfo=timezone.utc),
}


def blank(col):
    """A column's value in a row that says nothing: its fill for files written before it
    existed (when that is a value), else null or an empty value (a category's lowest)."""
    from claims.dataset.schema import REQUIRED

    if col.fill is not REQUIRED and not callable(col.fill):
        return col.fill
    if col.nullable:
        return None
    return col.levels[0] if col.kind == "category" else BLANK[col.kind]


def article_row(source: str, **fields):
    """An ok articles row for ``source`` (other columns blank), as the pipeline types it."""
    from claims.dataset import article_id
    from claims.dataset.schema import ARTICLES
    from claims.runfolder import ArticleRow

    row = {c.name: blank(c) for c in ARTICLES}
    return ArticleRow(
        **(row | {"article_id": article_id(source), "source": source, "status": "ok", "run_id": "r1"} | fields)
    )


def claim_row(source: str, index: int, sentence: str, **fields):
    """A claims row (EFFICACY, needs_citation, high) for ``source``; any column overridable."""
    from claims.dataset import article_id, claim_id
    from claims.dataset.schema import CLAIMS
    from claims.runfolder import ClaimRow

    row = {c.name: blank(c) for c in CLAIMS}
    return ClaimRow(
        **(
            row
            | {
                "claim_id": claim_id(source, index, sentence),
                "article_id": article_id(source),
                "source": source,
                "sentence_index": index,
                "sentence": sentence,
                "claim_types": ["EFFICACY"],
                "efficacy": True,
                "red_flags": ["cures", "for good"],
                "priority": "high",
                "needs_citation": True,
                "run_id": "r1",
                "rules_version": "v1",
                "model": "m1",
            }
            | fields
        )
    )


def commit_run(out, chunks, *, run_id="r1", append=False, sources=("x",), texts=()):
    """Commit a run into the run folder ``out`` through the run folder's own API: ``chunks``
    is a list of (articles, claims) rows per chunk, ``texts`` ArticleText records."""
    from claims.runfolder import RunFolder, RunInfo

    folder = RunFolder(out)
    begun = folder.begin(run_id, {"run": run_id})
    for index, (articles, claims) in enumerate(chunks):
        counts = {}
        for claim in claims:
            counts[claim.article_id] = counts.get(claim.article_id, 0) + 1
        articles = [
            replace(
                a,
                n_claims=counts.get(a.article_id, 0),
                n_needs_citation=sum(c.needs_citation for c in claims if c.article_id == a.article_id),
            )
            if a.status == "ok"
            else a
            for a in articles
        ]
        begun.parts.write_chunk(index, articles, claims, texts if index == 0 else ())
    run = RunInfo(run_id, "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00", list(sources), append, "m1", "v1")
    try:
        return folder.commit(begun, run)
    except BaseException:
        folder.abandon(begun)
        raise
