"""Reading a run folder and choosing which claims a reviewer sees, without any Streamlit.

Kept apart from the app so the filtering and ordering rules are plain functions a test can
call directly, and so the app script stays a thin layer of widgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claims.dataset import DatasetError
from claims.dataset.schema import CLAIMS, FINDERS, PRIORITIES, found_by
from claims.document import Document
from claims.review.store import VERDICTS
from claims.runfolder import RunFolder

#: Order in which claims are shown: the most urgent first; unknown values sort last.
PRIORITY_ORDER: tuple[str, ...] = PRIORITIES
#: Largest local source file shown in the app, in bytes (the rest is cut off, and said so).
SOURCE_FILE_LIMIT = 1_000_000
#: Review state of a claim without a verdict; the others are the verdict names.
UNREVIEWED = "unreviewed"
REVIEW_STATES: tuple[str, ...] = (UNREVIEWED, *VERDICTS)

#: List columns, shown as chips and offered as filters.
LIST_COLUMNS: tuple[str, ...] = tuple(c.name for c in CLAIMS if c.kind == "list")
#: The columns a search looks through (plus the reviewer's note).
SEARCH_COLUMNS: tuple[str, ...] = ("sentence", "title", "section", "source")
#: Article ids become file names under the run's texts; anything else is refused.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class RunDataError(Exception):
    """The run folder cannot be shown; the message says what is missing or malformed."""


@dataclass(frozen=True)
class Position:
    """Where the current claim stands in the list the reviewer works through."""

    index: int
    total: int
    claim_id: str
    previous: str | None
    next: str | None
    #: The claims without a verdict after the current one, going round to the top.
    unreviewed_after: tuple[str, ...]

    @property
    def next_unreviewed(self) -> str | None:
        """The next claim without a verdict; None when every other claim has one."""
        return self.unreviewed_after[0] if self.unreviewed_after else None


@dataclass(frozen=True)
class Filters:
    """What the reviewer asked to see. Empty means "no constraint"; within one filter any
    selected value matches, and all filters must match together."""

    claim_types: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    review_states: tuple[str, ...] = ()
    #: Who found a claim type of the row (``FINDERS``): any of the row's types may match.
    found_by: tuple[str, ...] = ()
    query: str = ""
    needs_citation_only: bool = False


def load_claims(out_dir: str | Path) -> pd.DataFrame:
    """The run's claims, read through the dataset contract (list cells are lists)."""
    try:
        return RunFolder(out_dir).load("claims").reset_index(drop=True)
    except DatasetError as exc:
        raise RunDataError(f"{exc}: point the app at a folder written by `claims run`") from exc


def load_article_text(out_dir: str | Path, article_id: str) -> Document | None:
    """The article's extracted text, or None when it is absent or malformed.

    None is a normal answer: the app then shows the sentence alone and says why.
    """
    if not _SAFE_ID.fullmatch(article_id):
        return None
    try:
        stored = RunFolder(out_dir).text(article_id)
    except DatasetError:
        return None
    return stored.document() if stored is not None else None


def stamp(out_dir: str | Path) -> str:
    """Changes whenever a run commits to ``out_dir``: a cache key for what the app read."""
    try:
        generation = RunFolder(out_dir).current()
        return f"{generation.path}:{generation.file('claims').stat().st_mtime_ns}" if generation else ""
    except (DatasetError, OSError):
        return ""


def with_verdicts(claims: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """Claims plus the store's verdict columns, a ``review_state`` column and a ``found_by``
    column (``finders``)."""
    joined = claims.merge(verdicts, on="claim_id", how="left", suffixes=("", "_review"))
    joined["note"] = joined["note"].fillna("")
    joined["review_state"] = joined["verdict"].fillna(UNREVIEWED)
    joined["found_by"] = finders(joined)
    return joined


def anchors(claims: pd.DataFrame, claim_ids: list[str]) -> dict[str, tuple[str, str]]:
    """(article_id, sentence) of each of ``claim_ids``: what a verdict records to find its
    sentence again if a later run gives it a new claim_id."""
    rows = claims.loc[claims["claim_id"].isin(claim_ids), ["claim_id", "article_id", "sentence"]]
    return {str(c): (str(a), str(s)) for c, a, s in rows.itertuples(index=False)}


def select_claims(claims: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The claims matching ``filters`` (``claims`` comes from ``with_verdicts``), in review order."""
    keep = pd.Series(True, index=claims.index)
    if filters.needs_citation_only:
        keep &= claims["needs_citation"]
    for column, wanted in (
        ("claim_types", filters.claim_types),
        ("red_flag_names", filters.red_flags),
        ("interventions", filters.interventions),
        ("found_by", filters.found_by),
    ):
        if wanted:
            keep &= claims[column].map(lambda values, w=set(wanted): bool(w.intersection(values)))
    for column, wanted in (
        ("priority", filters.priorities),
        ("article_id", filters.article_ids),
        ("review_state", filters.review_states),
    ):
        if wanted:
            keep &= claims[column].isin(wanted)
    query = filters.query.strip().casefold()
    if query:
        haystack = claims[list(SEARCH_COLUMNS) + ["note"]].fillna("").astype(str).agg(" ".join, axis=1)
        keep &= haystack.str.casefold().str.contains(query, regex=False)
    return sort_claims(claims[keep])


def finders(claims: pd.DataFrame) -> pd.Series:
    """Who found each row's claim types: one of ``FINDERS`` per type, in the row's order."""
    seen: dict[tuple, list[str]] = {}  # rows share a few combinations of types and reasons
    found = []
    for types, reasons in zip(claims["claim_types"], claims["reasons"]):
        key = (tuple(types), tuple(reasons))
        if key not in seen:
            seen[key] = [found_by(t, reasons) for t in types]
        found.append(seen[key])
    return pd.Series(found, index=claims.index, dtype=object)


def finder_options(claims: pd.DataFrame) -> list[str]:
    """The ``FINDERS`` that occur in ``claims`` (from ``with_verdicts``), in their order: a
    run of the rules tagger alone has one."""
    present = set(claims["found_by"].explode().dropna())
    return [f for f in FINDERS if f in present]


def sort_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims needing a citation first, then by priority, then in reading order per article."""
    rank = claims["priority"].astype(str).map({p: i for i, p in enumerate(PRIORITY_ORDER)}).fillna(len(PRIORITY_ORDER))
    order = claims.assign(_flag=~claims["needs_citation"], _rank=rank).sort_values(
        ["_flag", "_rank", "article_id", "char_start"], kind="stable"
    )
    return order.drop(columns=["_flag", "_rank"])


def position(shown: pd.DataFrame, current: str | None) -> Position:
    """The current claim's place in ``shown`` (in review order, with a ``review_state``
    column); a current claim the filters no longer show gives way to the first one."""
    ids = shown["claim_id"].astype(str).tolist()
    index = ids.index(current) if current in ids else 0
    unreviewed = (shown["review_state"] == UNREVIEWED).tolist()
    later = [ids[i % len(ids)] for i in range(index + 1, index + len(ids)) if unreviewed[i % len(ids)]]
    return Position(
        index=index,
        total=len(ids),
        claim_id=ids[index],
        previous=ids[index - 1] if index > 0 else None,
        next=ids[index + 1] if index + 1 < len(ids) else None,
        unreviewed_after=tuple(later),
    )


def source_file(source: str, limit: int = SOURCE_FILE_LIMIT) -> tuple[str | None, str]:
    """A local source file's text as written (up to ``limit`` bytes), and a note: why it
    cannot be shown, or that it was cut. Paths are taken as the run was given them, so
    relative ones are read from the folder the app was started in."""
    path = Path(source)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        return (
            None,
            f"{source} cannot be read from here ({exc.strerror or exc}): was it moved, or the app started elsewhere?",
        )
    note = f"the first {limit:,} bytes of {source}" if len(raw) > limit else str(source)
    return raw[:limit].decode("utf-8", errors="replace"), note


def distinct_values(claims: pd.DataFrame, column: str) -> list[str]:
    """Sorted distinct values of a list column (or a plain one), for a filter's options."""
    series = claims[column]
    if column in LIST_COLUMNS:
        series = series.explode()
    return sorted({str(v) for v in series.dropna()})


def cluster_members(claims: pd.DataFrame, claim_id: str) -> list[str]:
    """Ids of the claims sharing ``claim_id``'s near-duplicate cluster (itself included)."""
    if "cluster_id" not in claims.columns:
        return [claim_id]
    cluster = claims.loc[claims["claim_id"] == claim_id, "cluster_id"]
    if cluster.empty or pd.isna(cluster.iloc[0]):
        return [claim_id]
    return claims.loc[claims["cluster_id"] == cluster.iloc[0], "claim_id"].tolist()
