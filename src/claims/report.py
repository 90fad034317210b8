"""What a run reports about itself: a markdown summary, the top claims to check, and the
per-site table (``claims report`` prints it: as aligned text, markdown or CSV).

The flow publishes them as Prefect artifacts; they are built here, from the run's own rows,
so they can be tested without Prefect. Scraped text inside markdown is escaped, and CSV cells
are made safe for spreadsheets (``spreadsheet.to_csv``).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claims.dataset import DatasetError
from claims.dataset.schema import PRIORITIES
from claims.runfolder import RunFolder, RunInfo
from claims.sitereport import CLAIM_COLUMNS, fill_sites, site_table
from claims.spreadsheet import to_csv

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


# --- the per-site table (sites.parquet) ---------------------------------------------------

#: Formats ``claims report`` prints.
SITE_FORMATS = ("table", "md", "csv")


def load_sites(folder: RunFolder) -> pd.DataFrame:
    """The current dataset's per-site table; for a dataset committed before sites.parquet
    existed, computed from its articles and claims."""
    generation = folder.current()
    if generation is None:
        raise DatasetError(f"{folder.path}: no dataset here (has `claims run` written to it?)")
    if generation.has("sites"):
        return generation.load("sites")
    tables = folder.load_tables("articles", "claims")
    return site_table(fill_sites(tables["articles"]), tables["claims"].loc[:, list(CLAIM_COLUMNS)])


#: Columns of the readable per-site table.
SITE_HEADERS = (
    "site",
    "articles ok",
    "failed",
    "claims",
    "need citation",
    "high priority",
    "cited",
    "states a harm",
    "non-addictive",
    "no side effects",
    "FDA approval claimed",
    "red flags",
)


def site_rows(sites: pd.DataFrame) -> list[dict[str, str]]:
    """The per-site table as readable rows: counts, shares in percent, yes/no, and FDA
    approval claims with the misstated ones marked (table artifact, table and md output)."""
    rows = []
    for site in sites.itertuples(index=False):
        wrong = set(site.fda_approval_misstated)
        rows.append(
            dict(
                zip(
                    SITE_HEADERS,
                    (
                        str(site.site),
                        str(site.n_ok),
                        str(site.n_failed),
                        str(site.n_claims),
                        f"{site.n_needs_citation} ({_percent(site.share_needs_citation)})",
                        str(site.n_high_priority),
                        _percent(site.share_cited),
                        _yes(site.states_harm) + (f" ({site.n_harm_statements})" if site.n_harm_statements else ""),
                        _yes(site.says_non_addictive),
                        _yes(site.says_no_side_effects),
                        "; ".join(f"{c} (not an approved use)" if c in wrong else c for c in site.fda_approval_claims)
                        or "no",
                        ", ".join(f"{name} {n}" for name, n in site.red_flags.items()) or "none",
                    ),
                )
            )
        )
    return rows


def format_sites(sites: pd.DataFrame, fmt: str = "table") -> str:
    """The per-site table as an aligned text table, a markdown table or CSV (every column
    as stored, cells made safe for spreadsheets)."""
    if fmt == "csv":
        return to_csv(sites)
    rows = [[row[h] for h in SITE_HEADERS] for row in site_rows(sites)]
    if fmt == "md":
        lines = ["| " + " | ".join(SITE_HEADERS) + " |", "|" + "---|" * len(SITE_HEADERS)]
        lines += ["| " + " | ".join(markdown_text(cell) for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(SITE_FORMATS)}")
    cells = [list(SITE_HEADERS), *([_printable(cell) for cell in row] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(SITE_HEADERS))]
    text = ["  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip() for line in cells]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text) + "\n"


def _percent(share: float | None) -> str:
    return "-" if share is None or pd.isna(share) else f"{share:.0%}"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _printable(text: str) -> str:
    """A cell for a terminal: control characters (escape sequences) removed."""
    return "".join(ch for ch in text if ch.isprintable())
