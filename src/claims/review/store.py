"""Fact-checkers' verdicts on claims, kept in a SQLite file in the run folder.

Why SQLite: a reviewer's clicks must survive a browser refresh, a crashed server and the next
run of the pipeline. Each save is its own committed transaction (WAL journal, ``synchronous=FULL``),
so once ``save`` returns the verdict is on disk and any other connection sees it. Verdicts are
keyed by ``claim_id``, which the pipeline keeps stable across runs, so a re-run that rewrites
``claims.parquet`` leaves earlier verdicts attached to the same sentences. A claim_id also
encodes the sentence's position in its article, so when a page changes above a claim (or the
extractor finds one more heading) the claim comes back under a new id; each verdict therefore
also records its claim's article and sentence, and ``verdicts_for`` carries a verdict whose
claim is gone over to the same sentence of the same article.

The store also remembers the app's preferences for the next session (``preferences``: the
reviewer's name), so a restarted app greets its reviewer by name.

Every change is also appended to ``history`` (guarded by triggers against UPDATE and DELETE), so
an overwritten verdict is never lost. A verdict may be applied to several claims at once (for
example a cluster of near-duplicate sentences); the rows written together share a ``batch_id``
and record the ``scope`` they were applied with, so the app can say "set for its cluster of 4".
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from claims.atomic import write_text
from claims.spreadsheet import csv_cell, to_csv

#: The decisions a fact-checker can record, in the order the app shows them.
VERDICTS: tuple[str, ...] = ("supported", "unsupported", "needs_source", "not_a_claim")
#: How widely one click was applied: to one claim, or to every claim of its cluster.
SCOPES: tuple[str, ...] = ("claim", "cluster")
#: Columns of ``ReviewStore.all()``; an export adds these and ``carried_from`` to each claim.
VERDICT_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "verdict",
    "note",
    "reviewer",
    "scope",
    "batch_id",
    "updated_at",
)
#: What a verdict records of its claim, to find the sentence again under a new claim_id.
ANCHOR_COLUMNS: tuple[str, ...] = ("article_id", "sentence")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    claim_id   TEXT PRIMARY KEY,
    verdict    TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    reviewer   TEXT,
    scope      TEXT NOT NULL DEFAULT 'claim',
    batch_id   TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    article_id TEXT,
    sentence   TEXT
);
CREATE TABLE IF NOT EXISTS history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id   TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    note       TEXT NOT NULL,
    reviewer   TEXT,
    scope      TEXT NOT NULL,
    batch_id   TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    article_id TEXT,
    sentence   TEXT
);
CREATE INDEX IF NOT EXISTS history_by_claim ON history (claim_id);
CREATE TABLE IF NOT EXISTS preferences (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
"""


@dataclass(frozen=True)
class Verdict:
    """The current decision on one claim."""

    claim_id: str
    verdict: str
    note: str
    reviewer: str | None
    scope: str
    batch_id: str
    updated_at: str


class ReviewStore:
    """Verdicts for one run folder. Cheap to create; opens a short connection per call.

    A connection per call keeps the store safe to use from Streamlit's per-session threads
    and from several reviewers' sessions at once (writers queue on SQLite's lock for up to
    ``busy_timeout`` seconds instead of failing).
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"cannot create review store {self.path}: folder {self.path.parent} does not exist")
        self.busy_timeout = busy_timeout
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            _add_anchor_columns(conn)

    @classmethod
    def for_run(cls, out_dir: str | os.PathLike[str]) -> "ReviewStore":
        """The store of a run folder (it outlives every run committed there)."""
        from claims.runfolder import RunFolder

        return cls(RunFolder(out_dir).reviews_db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        finally:
            conn.close()

    def save(
        self,
        claim_id: str,
        verdict: str,
        note: str = "",
        *,
        reviewer: str | None = None,
        anchor: tuple[str, str] | None = None,
    ) -> Verdict:
        """Record (or overwrite) the verdict on one claim; durable when this returns.

        ``anchor``: the claim's (article_id, sentence), which lets the verdict follow the
        sentence should a later run give it a new claim_id.
        """
        anchors = {claim_id: anchor} if anchor else {}
        return self._write([claim_id], verdict, note, reviewer, scope="claim", anchors=anchors)[0]

    def save_many(
        self,
        claim_ids: Iterable[str],
        verdict: str,
        note: str = "",
        *,
        scope: str = "cluster",
        reviewer: str | None = None,
        anchors: Mapping[str, tuple[str, str]] | None = None,
    ) -> list[Verdict]:
        """Apply one verdict to several claims in a single transaction: all are saved or none.

        The rows share a ``batch_id`` so the app can show which claims were decided together.
        ``anchors`` maps claim ids to their (article_id, sentence), as for ``save``.
        """
        return self._write(list(dict.fromkeys(claim_ids)), verdict, note, reviewer, scope=scope, anchors=anchors or {})

    def _write(
        self,
        claim_ids: list[str],
        verdict: str,
        note: str | None,
        reviewer: str | None,
        *,
        scope: str,
        anchors: Mapping[str, tuple[str, str]],
    ) -> list[Verdict]:
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")
        if not claim_ids:
            raise ValueError("no claim ids given")
        bad = [c for c in claim_ids if not isinstance(c, str) or not c]
        if bad:
            raise ValueError(f"claim ids must be non-empty strings, got {bad[:3]!r}")
        batch_id = uuid.uuid4().hex
        now = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        rows = [Verdict(c, verdict, note or "", reviewer, scope, batch_id, now) for c in claim_ids]
        unknown = (None, None)
        values = [
            (
                v.claim_id,
                v.verdict,
                v.note,
                v.reviewer,
                v.scope,
                v.batch_id,
                v.updated_at,
                *anchors.get(v.claim_id, unknown),
            )
            for v in rows
        ]
        stored = "claim_id, verdict, note, reviewer, scope, batch_id, {when}, article_id, sentence"
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    f"INSERT INTO verdicts ({stored.format(when='updated_at')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,"
                    " reviewer = excluded.reviewer, scope = excluded.scope, batch_id = excluded.batch_id,"
                    " updated_at = excluded.updated_at, article_id = coalesce(excluded.article_id, article_id),"
                    " sentence = coalesce(excluded.sentence, sentence)",
                    values,
                )
                conn.executemany(
                    f"INSERT INTO history ({stored.format(when='changed_at')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return rows

    def preference(self, name: str) -> str | None:
        """A remembered preference ("reviewer"), or None."""
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM preferences WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def remember(self, name: str, value: str) -> None:
        """Keep a preference for the next session (an empty value forgets it)."""
        with self._connect() as conn:
            if value:
                conn.execute(
                    "INSERT INTO preferences (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, value),
                )
            else:
                conn.execute("DELETE FROM preferences WHERE name = ?", (name,))

    def get(self, claim_id: str) -> Verdict | None:
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {', '.join(VERDICT_COLUMNS)} FROM verdicts WHERE claim_id = ?", (claim_id,)
            ).fetchone()
        return Verdict(*row) if row else None

    def all(self) -> pd.DataFrame:
        """Every current verdict, one row per claim (columns: ``VERDICT_COLUMNS``)."""
        return self._current(VERDICT_COLUMNS)

    def _current(self, columns: tuple[str, ...]) -> pd.DataFrame:
        """These columns of every current verdict, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM verdicts ORDER BY updated_at").fetchall()
        return pd.DataFrame(rows, columns=list(columns))

    def verdicts_for(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The current verdict of each claim in ``claims`` that has one (``VERDICT_COLUMNS``
        plus ``carried_from``).

        A claim's own verdict comes first. A claim without one takes the latest verdict saved
        on the same sentence of the same article under a claim_id this table no longer has
        (the sentence moved within its page), and ``carried_from`` names that claim_id.
        """
        verdicts = self._current((*VERDICT_COLUMNS, *ANCHOR_COLUMNS))
        present = verdicts["claim_id"].isin(claims["claim_id"])
        self._fill_anchors(claims, verdicts[present & verdicts["article_id"].isna()]["claim_id"])
        own = verdicts[present].drop(columns=list(ANCHOR_COLUMNS)).assign(carried_from=None)
        orphans = verdicts[~present].dropna(subset=list(ANCHOR_COLUMNS))
        orphans = orphans.drop_duplicates(list(ANCHOR_COLUMNS), keep="last")  # the latest per sentence
        unreviewed = claims.loc[~claims["claim_id"].isin(own["claim_id"]), ["claim_id", *ANCHOR_COLUMNS]]
        carried = unreviewed.merge(orphans.rename(columns={"claim_id": "carried_from"}), on=list(ANCHOR_COLUMNS)).drop(
            columns=list(ANCHOR_COLUMNS)
        )
        return pd.concat([own, carried[own.columns]], ignore_index=True)

    def _fill_anchors(self, claims: pd.DataFrame, claim_ids: pd.Series) -> None:
        """Record the sentence of verdicts saved without one (before stores kept it), while
        their claims are still in the run, so that they too can follow it later."""
        if claim_ids.empty:
            return
        rows = claims.loc[claims["claim_id"].isin(claim_ids), ["article_id", "sentence", "claim_id"]]
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "UPDATE verdicts SET article_id = ?, sentence = ? WHERE claim_id = ? AND article_id IS NULL",
                [tuple(map(str, row)) for row in rows.itertuples(index=False)],
            )
            conn.execute("COMMIT")

    def history(self, claim_id: str | None = None) -> pd.DataFrame:
        """Every change ever saved, oldest first; only one claim's when ``claim_id`` is given."""
        query = "SELECT claim_id, verdict, note, reviewer, scope, batch_id, changed_at FROM history"
        params: tuple[str, ...] = ()
        if claim_id is not None:
            query, params = query + " WHERE claim_id = ?", (claim_id,)
        with self._connect() as conn:
            cursor = conn.execute(query + " ORDER BY id", params)
            columns = [d[0] for d in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=columns)

    def export_frame(self, claims: pd.DataFrame) -> pd.DataFrame:
        """Reviewed claims with their verdicts, flattened and made safe to open in a spreadsheet.

        Only claims present in ``claims`` are exported; verdicts on claims a later run no longer
        produces stay in the store (and its history) untouched.
        """
        missing = [c for c in ("claim_id", *ANCHOR_COLUMNS) if c not in claims.columns]
        if missing:
            raise ValueError(f"claims table has no {', '.join(missing)} column")
        merged = claims.merge(self.verdicts_for(claims), on="claim_id", how="inner", suffixes=("", "_review"))
        return merged.apply(lambda column: column.map(csv_cell))

    def export_csv(self, claims: pd.DataFrame, path: str | os.PathLike[str]) -> int:
        """Write ``export_frame(claims)`` to ``path`` atomically; returns the number of rows."""
        frame = self.export_frame(claims)
        write_text(Path(path), to_csv(frame))
        return len(frame)


def _add_anchor_columns(conn: sqlite3.Connection) -> None:
    """Stores written before verdicts recorded their sentence get the columns (filled in
    by ``verdicts_for`` for the claims it sees)."""
    for table in ("verdicts", "history"):
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column in ANCHOR_COLUMNS:
            if column not in have:
                try:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
                except sqlite3.OperationalError as exc:  # another session added it just now
                    if "duplicate column" not in str(exc):
                        raise
