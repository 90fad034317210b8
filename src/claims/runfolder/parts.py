"""A run in progress: each chunk's rows and texts, written as they are tagged.

Tagging tasks never send their rows back to the flow: each writes its chunk into the run's
private ``.parts-<run_id>/`` folder (two Parquet files and the chunk's article texts), so the
flow's memory does not grow with the number of articles and a task on another machine
returns only a receipt. Nothing here is visible to readers of the run folder until the run
commits (``RunFolder.commit``), which turns the parts into a new generation.

``RunParts`` is only a path, so it travels to Dask workers as a task argument.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from claims.atomic import atomic_write
from claims.dataset import arrow_schema_of, frame_of, read_arrow, to_arrow, validate
from claims.runfolder.layout import TEXTS_DIR
from claims.runfolder.records import ArticleRow, ArticleText, ClaimRow

_PART = "part-{index:06d}.{table}.parquet"
#: Times ``remove`` tries before it leaves the folder for the next run to clean.
REMOVE_ATTEMPTS = 20


@dataclass(frozen=True)
class RunParts:
    path: Path

    @property
    def texts(self) -> Path:
        return self.path / TEXTS_DIR

    def write_chunk(
        self, index: int, articles: list[ArticleRow], claims: list[ClaimRow], texts: list[ArticleText] = ()
    ) -> None:
        """Write one chunk: its texts first, then its rows, each file atomically and checked
        against the contract. Rewriting the same index replaces the chunk, so a retried
        chunk is not counted twice. A parts folder that is gone (the run was cancelled while
        a task still ran) is not made again: the chunk fails, and nothing is left behind."""
        if texts:
            self.texts.mkdir(exist_ok=True)  # FileNotFoundError once the parts folder is gone
        for text in texts:
            text.write(self.texts / f"{text.article_id}.json", make_folder=False)
        for table, rows in (("articles", articles), ("claims", claims)):
            arrow = to_arrow(frame_of(list(rows), table), table)
            atomic_write(
                self.path / _PART.format(index=index, table=table),
                lambda tmp, arrow=arrow: pq.write_table(arrow, tmp),
                make_folder=False,
            )

    def chunk_indexes(self) -> list[int]:
        return sorted(int(p.name.split("-")[1].split(".")[0]) for p in self.path.glob("part-*.articles.parquet"))

    def read(self) -> tuple[pd.DataFrame, pa.Table]:
        """This run's articles (pandas: one small row per source) and claims (Arrow)."""
        articles = [read_arrow(p, "articles") for p in sorted(self.path.glob("part-*.articles.parquet"))]
        claims = [read_arrow(p, "claims") for p in sorted(self.path.glob("part-*.claims.parquet"))]
        articles_table = pa.concat_tables(articles) if articles else arrow_schema_of("articles").empty_table()
        claims_table = pa.concat_tables(claims) if claims else arrow_schema_of("claims").empty_table()
        return validate(articles_table.to_pandas(), "articles"), claims_table

    def remove(self) -> None:
        """Remove the parts; again if a task still running wrote a file meanwhile (once the
        folder is gone, ``write_chunk`` cannot make it again)."""
        for _ in range(REMOVE_ATTEMPTS):
            shutil.rmtree(self.path, ignore_errors=True)
            if not self.path.exists():
                return
            time.sleep(0.1)
