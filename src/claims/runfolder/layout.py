"""Every name inside a run folder, spelled once.

A run folder holds *generations*: each complete dataset a run committed lives in its own
``gen-NNNNNN/`` folder, and the ``current`` link names the one readers see. The table files
at the top of the folder (``claims.parquet``, ...) are links through ``current``, so a
reader that opens ``DIR/claims.parquet`` gets the current generation's file, and a commit
switches every table at once by replacing one link.

    DIR/
      current -> gen-000004          the committed dataset
      gen-000004/                    claims.parquet, claims.csv, articles.parquet, runs.parquet,
                                     clusters.parquet, duplicate_articles.parquet, sites.parquet,
                                     texts/<article_id>.json
      gen-000003/                    the one before (kept for readers still on it)
      claims.parquet -> current/claims.parquet   (one link per table, and texts)
      reviews.sqlite                 fact-checkers' verdicts (outlive every generation)
      reviews.csv                    the review app's export
      .lock                          held while a run commits
      .parts-<run_id>/               a run in progress: its chunks' rows and texts
"""

from __future__ import annotations

#: Table name -> file name, in the order the data dictionary lists them.
TABLE_FILES: dict[str, str] = {
    "claims": "claims.parquet",
    "articles": "articles.parquet",
    "runs": "runs.parquet",
    "clusters": "clusters.parquet",
    "duplicate_articles": "duplicate_articles.parquet",
    "sites": "sites.parquet",
}
#: The claims table again as CSV (lists joined by "; ", formula-like cells defused).
CLAIMS_CSV = "claims.csv"
#: One JSON file per article with its extracted text, for reading a claim in context.
TEXTS_DIR = "texts"
#: Everything a generation holds and the top of the folder links to.
GENERATION_ENTRIES: tuple[str, ...] = (*TABLE_FILES.values(), CLAIMS_CSV, TEXTS_DIR)

CURRENT = "current"
GENERATION_PREFIX = "gen-"
#: A generation being written (``.gen-NNNNNN.<run_id>``): never read, removed if found stale.
STAGING_PREFIX = ".gen-"
PARTS_PREFIX = ".parts-"
#: Inside a parts folder: what the run was started with (to resume it) and its owner's lock.
PARTS_MANIFEST = "manifest.json"
PARTS_OWNER = "owner.lock"
LOCK_FILE = ".lock"
REVIEWS_DB = "reviews.sqlite"
REVIEWS_EXPORT = "reviews.csv"
#: Committed generations kept: the current one and the one before it.
KEEP_GENERATIONS = 2

#: What each file holds, for the data dictionary.
DESCRIPTIONS: dict[str, str] = {
    "claims": f'one row per sentence carrying at least one claim type ({CLAIMS_CSV}: same rows, lists joined by "; ")',
    "articles": "one row per source, whatever happened to it",
    "runs": "one row per run",
    "clusters": "one row per group of sentences making the same claim",
    "duplicate_articles": "one row per pair of articles copied from one another, whole",
    "sites": "one row per site (registrable domain) of the dataset's web articles: what it claims, and how "
    "(`claims report DIR` prints it)",
}


def generation_name(number: int) -> str:
    return f"{GENERATION_PREFIX}{number:06d}"


def generation_number(name: str) -> int | None:
    """The number in ``gen-NNNNNN``, or None for any other name."""
    digits = name.removeprefix(GENERATION_PREFIX)
    if name.startswith(GENERATION_PREFIX) and digits.isdigit():
        return int(digits)
    return None
