"""The run folder as one unit: readers see a whole dataset, writers replace it whole.

A run writes its rows into a private parts folder while it works (``begin``), then commits
(``commit``): under the folder's lock it builds a complete new generation beside the current
one and switches the ``current`` link to it with one atomic rename. A reader resolves
``current`` once and reads every table from that generation, so it sees the whole old
dataset or the whole new one, never a mix, whatever happens to the writer (kill -9
included). Two runs committing into one folder take turns on the lock, and each merges
onto whatever the other committed (``--append``), so neither loses rows.

A run that is cancelled (SIGINT, SIGTERM) drops its parts (``abandon``) and a signal that
arrives while ``commit`` switches the link waits until the switch is done, so the folder
holds the last committed run and nothing else. A run that died (SIGKILL) leaves its parts
folder behind. The next run into the folder finds it (its owner's lock is free) and either
resumes it, when it was started with the same sources and settings, or removes it; ``begin``
says which.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from claims.dataset import DatasetError
from claims.lifecycle.signals import deferred
from claims.runfolder import layout
from claims.runfolder.generation import Committed, Generation, RunInfo, build_generation
from claims.runfolder.parts import RunParts
from claims.runfolder.precheck import folder_problem
from claims.runfolder.records import ArticleText

log = logging.getLogger(__name__)


class FolderError(DatasetError):
    """The folder cannot hold a run's output (it is a file, or half of an old dataset)."""


@dataclass
class Begun:
    """A run's parts folder, and what became of parts that earlier runs left behind."""

    parts: RunParts
    #: Run id whose finished chunks this run took over, and the sources they hold.
    resumed_from: str | None = None
    done_sources: set[str] = field(default_factory=set)
    #: Parts folders of dead runs that were removed.
    removed: list[str] = field(default_factory=list)
    _owner: int | None = None

    def messages(self) -> list[str]:
        said = [
            f"removed {name}, left by a run that did not finish (started with other sources or settings)"
            for name in self.removed
        ]
        if self.resumed_from:
            said.append(f"resuming run {self.resumed_from}: {len(self.done_sources)} sources already done are kept")
        return said

    def release(self) -> None:
        """Let go of the parts folder's owner lock (it then counts as left behind)."""
        if self._owner is not None:
            os.close(self._owner)
            self._owner = None


class RunFolder:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    # --- reading ---------------------------------------------------------------------

    def current(self) -> Generation | None:
        """The committed dataset readers see, or None before the first commit."""
        link = self.path / layout.CURRENT
        if link.is_symlink() or link.is_dir():
            target = link.resolve()
            if not target.is_dir():
                raise DatasetError(f"{link} points to {target.name}, which is missing")
            return Generation(target)
        if (self.path / layout.TABLE_FILES["claims"]).is_file():  # written before generations
            return Generation(self.path)
        return None

    def load(self, table: str = "claims") -> pd.DataFrame:
        """One table of the current dataset, after checking the tables agree."""
        return self.load_tables(table)[table]

    def load_tables(self, *tables: str) -> dict[str, pd.DataFrame]:
        """Tables of one generation (resolved once), checked against the contract and
        against each other: every claim's article and run exist, and each article's claim
        count is its number of claim rows."""
        for attempt in range(2):
            generation = self.current()
            if generation is None:
                raise DatasetError(f"{self.path}: no dataset here (has `claims run` written to it?)")
            try:
                frames = {
                    name: generation.load(name) for name in dict.fromkeys(("claims", "articles", "runs", *tables))
                }
                break
            except DatasetError:
                if attempt or self.current() == generation:
                    raise
                # two commits happened while reading: the generation was pruned; read the new one
        _check_agree(self.path, frames["claims"], frames["articles"], frames["runs"])
        return {name: frames[name] for name in tables}

    def text(self, article_id: str) -> ArticleText | None:
        generation = self.current()
        return generation.text(article_id) if generation is not None else None

    def text_path(self, article_id: str) -> Path | None:
        generation = self.current()
        return generation.text_path(article_id) if generation is not None else None

    @property
    def reviews_db(self) -> Path:
        return self.path / layout.REVIEWS_DB

    @property
    def reviews_export(self) -> Path:
        return self.path / layout.REVIEWS_EXPORT

    # --- writing ---------------------------------------------------------------------

    def check_writable(self) -> None:
        """Raise FolderError now if a run could not commit here at the end."""
        problem = folder_problem(self.path)
        if problem:
            raise FolderError(problem)

    def begin(self, run_id: str, manifest: dict) -> Begun:
        """Make the run's parts folder and hold its owner lock for the run's life.

        ``manifest`` says what the run was started with (sources, settings): a dead run's
        parts with the same manifest are resumed, others removed.
        """
        self.check_writable()
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"{layout.PARTS_PREFIX}{run_id}"
        begun = Begun(RunParts(target))
        with self._locked():
            for stale in self._left_behind():
                if begun.resumed_from is None and _manifest(stale) == manifest:
                    begun.resumed_from = stale.name.removeprefix(layout.PARTS_PREFIX)
                    stale.rename(target)
                    begun.done_sources = set(begun.parts.read()[0]["source"])
                else:
                    shutil.rmtree(stale, ignore_errors=True)
                    begun.removed.append(stale.name)
            target.mkdir(exist_ok=True)
            (target / layout.PARTS_MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
            begun._owner = _hold(target / layout.PARTS_OWNER)
        return begun

    def abandon(self, begun: Begun) -> None:
        """Drop a run's parts (it was cancelled): the folder keeps its last committed run."""
        begun.parts.remove()
        begun.release()

    def commit(self, begun: Begun, run: RunInfo) -> Committed:
        """Turn the run's parts into the current generation."""
        with self._locked():
            self._adopt_old_layout()
            previous = self.current()
            number = 1 + max(
                (n for n in map(layout.generation_number, os.listdir(self.path)) if n is not None), default=0
            )
            name = layout.generation_name(number)
            staging = self.path / f"{layout.STAGING_PREFIX}{number:06d}.{run.run_id}"
            try:
                committed = build_generation(staging, previous, begun.parts, run)
                _sync_tree(staging)
            except BaseException:  # a cancelled run stops here too, leaving no staging folder
                shutil.rmtree(staging, ignore_errors=True)
                raise
            with deferred():  # a signal now waits until the switch and its tidying are done
                staging.rename(self.path / name)
                self._point_current(name)
                self._link_tables()
                self._prune()
        begun.parts.remove()
        begun.release()
        return committed

    # --- housekeeping ----------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The folder's writer lock: one run commits (or starts) at a time."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / layout.LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("waiting for another run to finish writing %s", self.path)
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _left_behind(self) -> list[Path]:
        """Parts folders of runs that are not running any more, and stale staging folders
        (only a run holding the lock writes one, and the caller holds it)."""
        found = []
        for entry in sorted(self.path.iterdir()):
            if entry.name.startswith(layout.STAGING_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)
            elif (
                entry.name.startswith(layout.PARTS_PREFIX)
                and entry.is_dir()
                and not _is_held(entry / layout.PARTS_OWNER)
            ):
                found.append(entry)
        return found

    def _point_current(self, name: str) -> None:
        link = self.path / layout.CURRENT
        temporary = self.path / f".{layout.CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(name)
        os.replace(temporary, link)
        _sync_dir(self.path)

    def _link_tables(self) -> None:
        """The top-level names as links through ``current`` (made once per folder)."""
        for entry in layout.GENERATION_ENTRIES:
            path = self.path / entry
            target = f"{layout.CURRENT}/{entry}"
            if path.is_symlink() and os.readlink(path) == target:
                continue
            temporary = self.path / f".{entry}.link.{os.getpid()}"
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(target)
            os.replace(temporary, path)

    def _adopt_old_layout(self) -> None:
        """A folder written before generations becomes generation 0, so that the commit
        that follows works on it like on any other."""
        if (self.path / layout.CURRENT).exists() or not (self.path / layout.TABLE_FILES["claims"]).is_file():
            return
        first = self.path / layout.generation_name(0)
        first.mkdir()
        for entry in layout.GENERATION_ENTRIES:
            if (self.path / entry).exists() and not (self.path / entry).is_symlink():
                (self.path / entry).rename(first / entry)
        self._point_current(first.name)

    def _prune(self) -> None:
        """Keep the current generation and the one before it; remove the rest."""
        current = self.current()
        numbers = sorted(n for n in map(layout.generation_number, os.listdir(self.path)) if n is not None)
        now = layout.generation_number(current.path.name) if current is not None else None
        keep = {n for n in numbers if now is not None and n <= now}
        keep = set(sorted(keep)[-layout.KEEP_GENERATIONS :])
        for number in numbers:
            if number not in keep:
                shutil.rmtree(self.path / layout.generation_name(number), ignore_errors=True)


def _check_agree(path: Path, claims: pd.DataFrame, articles: pd.DataFrame, runs: pd.DataFrame) -> None:
    known = set(articles["article_id"])
    orphans = set(claims["article_id"]) - known
    if orphans:
        raise DatasetError(
            f"{path}: {int(claims['article_id'].isin(orphans).sum())} claims belong to no "
            "article in the articles table; the dataset is inconsistent"
        )
    counted = claims.groupby("article_id").size()
    stated = articles.set_index("article_id")["n_claims"]
    wrong = [a for a, n in stated.items() if int(counted.get(a, 0)) != int(n)]
    if wrong:
        raise DatasetError(
            f"{path}: {len(wrong)} articles state a claim count their claim rows do not have; "
            "the dataset is inconsistent"
        )
    runs_known = set(runs["run_id"])
    unknown = (set(claims["run_id"]) | set(articles["run_id"])) - runs_known
    if unknown and len(runs):
        raise DatasetError(f"{path}: rows name run(s) missing from the runs table: {', '.join(sorted(unknown)[:3])}")


def _manifest(parts: Path) -> dict | None:
    try:
        return json.loads((parts / layout.PARTS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _hold(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _is_held(path: Path) -> bool:
    """Whether a live process holds the lock file (a dead one's lock is released)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(root: Path) -> None:
    """Folders' entries on disk before the rename that publishes them (files are synced
    as they are written)."""
    for folder, _, _ in os.walk(root):
        _sync_dir(Path(folder))
