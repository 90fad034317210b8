"""What a run reports about itself: a markdown summary and the top claims to check.

The flow publishes both as Prefect artifacts; they are built here, from the run's own rows,
so they can be tested without Prefect. Scraped text inside markdown is escaped.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claims.dataset.schema import PRIORITIES
from claims.runfolder import RunInfo

#: Rows in the top-priority table.
TOP_CLAIMS = 50


def summary_markdown(articles: pd.DataFrame, claims: pa.Table, run: RunInfo) -> str:
    """Counts by claim type, the most frequent red flags and every article that failed."""
    types = _label_counts(claims["claim_types"])
    flags = _label_counts(claims["red_flag_names"])
    failed = articles[articles["status"] != "ok"].fillna({"error": ""})
    n_flagged = int(pc.sum(claims["needs_citation"]).as_py() or 0)
    lines = [
        f"# claims run {run.run_id}",
        f"{len(articles)} articles, {claims.num_rows} claim sentences, {n_flagged} need a citation.",
        "",
        "| claim type | sentences |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(types.items())],
        "",
        "## Top red flags",
        *[f"- {markdown_text(f)}: {n}" for f, n in flags.most_common(10)],
        "",
        "## Articles with errors",
        *[f"- {a.status}: {markdown_text(a.source)}: {markdown_text(a.error)}" for a in failed.itertuples()],
    ]
    return "\n".join(lines)


def top_claims(claims: pa.Table, limit: int = TOP_CLAIMS) -> list[dict]:
    """The claims needing a citation, highest priority first, as table-artifact rows."""
    flagged = claims.filter(claims["needs_citation"]).select(["priority", "source", "sentence", "reasons"]).to_pandas()
    rank = flagged["priority"].astype(str).map({p: i for i, p in enumerate(PRIORITIES)})
    top = flagged.assign(rank=rank).sort_values(["rank", "source"], kind="stable").head(limit)
    return [
        {"priority": str(r.priority), "source": r.source, "sentence": r.sentence, "reasons": "; ".join(r.reasons)}
        for r in top.itertuples()
    ]


def _label_counts(column: pa.ChunkedArray) -> Counter:
    return Counter(pc.list_flatten(column).to_pylist())


def markdown_text(text: object) -> str:
    """Scraped text inside markdown: markup characters escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>" else ch for ch in str(text))
