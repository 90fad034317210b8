"""The run folder as one unit: generations, the current link, agreement checks, left-behind
parts, folders from before generations, and the rule that only the run folder names files."""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from runhelpers import article_row, claim_row, commit_run

from claims import load
from claims.dataset import DatasetError
from claims.runfolder import RunFolder, layout

SRC = Path(__file__).resolve().parents[2] / "src" / "claims"


def _one(out, source="a.html", sentence="PRP heals tendons.", run_id="r1", append=False):
    return commit_run(
        out,
        [([article_row(source, run_id=run_id)], [claim_row(source, 0, sentence, run_id=run_id)])],
        run_id=run_id,
        append=append,
    )


def test_each_commit_is_a_new_generation_and_the_tables_follow_the_current_link(tmp_path):
    _one(tmp_path)
    first = os.readlink(tmp_path / layout.CURRENT)
    _one(tmp_path, "b.html", "TMS lifts mood.", run_id="r2", append=True)
    second = os.readlink(tmp_path / layout.CURRENT)
    assert first != second
    assert (tmp_path / "claims.parquet").resolve().parent.name == second
    assert sorted(pd.read_parquet(tmp_path / "claims.parquet")["sentence"]) == ["PRP heals tendons.", "TMS lifts mood."]
    assert (tmp_path / first).is_dir()  # the previous generation stays for readers still on it


def test_only_the_current_and_the_previous_generation_are_kept(tmp_path):
    for n in range(4):
        _one(tmp_path, f"{n}.html", f"Claim number {n} heals.", run_id=f"r{n}", append=True)
    generations = sorted(p.name for p in tmp_path.iterdir() if layout.generation_number(p.name) is not None)
    assert generations == [layout.generation_name(3), layout.generation_name(4)]
    assert len(load(tmp_path)) == 4


def test_load_refuses_tables_that_do_not_agree(tmp_path):
    _one(tmp_path)
    generation = RunFolder(tmp_path).current()
    # claims from one dataset beside articles from another: what a torn, non-atomic write leaves
    other = tmp_path / "other"
    _one(other, "z.html", "Cupping cures gout.")
    shutil.copyfile(RunFolder(other).current().file("claims"), generation.file("claims"))
    with pytest.raises(DatasetError, match="belong to no article"):
        load(tmp_path)


def test_load_refuses_a_claim_count_its_rows_do_not_have(tmp_path):
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", i, f"Claim {i} heals.") for i in range(2)])])
    generation = RunFolder(tmp_path).current()
    articles = pd.read_parquet(generation.file("articles"))
    articles["n_claims"] = 5
    articles.to_parquet(generation.file("articles"))
    with pytest.raises(DatasetError, match="claim count"):
        load(tmp_path)


def test_a_dead_runs_parts_are_removed_when_the_next_run_has_other_sources(tmp_path):
    folder = RunFolder(tmp_path)
    dead = folder.begin("dead", {"sources": ["a.html"]})
    dead.parts.write_chunk(0, [article_row("a.html")], [])
    dead.release()  # what a kill -9 does to its lock
    begun = folder.begin("next", {"sources": ["b.html"]})
    assert begun.removed == [f"{layout.PARTS_PREFIX}dead"] and begun.resumed_from is None
    assert not dead.parts.path.exists()
    assert "did not finish" in begun.messages()[0]
    folder.abandon(begun)


def test_a_dead_runs_parts_are_resumed_by_a_run_with_the_same_manifest(tmp_path):
    folder = RunFolder(tmp_path)
    manifest = {"sources": ["a.html", "b.html"]}
    dead = folder.begin("dead", manifest)
    dead.parts.write_chunk(0, [article_row("a.html", n_claims=1)], [claim_row("a.html", 0, "PRP heals tendons.")])
    dead.release()
    begun = folder.begin("next", manifest)
    assert begun.resumed_from == "dead" and begun.done_sources == {"a.html"}
    assert begun.parts.chunk_indexes() == [0]
    assert "resuming run dead" in begun.messages()[0]
    folder.abandon(begun)


def test_a_resumed_runs_commit_owns_the_rows_it_took_over(tmp_path):
    from claims.runfolder import RunInfo

    folder = RunFolder(tmp_path)
    manifest = {"sources": ["a.html", "b.html"]}
    dead = folder.begin("dead", manifest)
    dead.parts.write_chunk(
        0,
        [article_row("a.html", n_claims=1, run_id="dead")],
        [claim_row("a.html", 0, "PRP heals tendons.", run_id="dead")],
    )
    dead.release()
    begun = folder.begin("next", manifest)
    begun.parts.write_chunk(1, [article_row("b.html", run_id="next")], [])
    folder.commit(
        begun,
        RunInfo(
            "next", "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00", ["a.html", "b.html"], False, "m1", "v1"
        ),
    )
    assert set(folder.load("articles")["run_id"]) == {"next"}  # load checks every row's run is in runs.parquet
    assert list(folder.load()["run_id"]) == ["next"]


def test_parts_of_a_live_run_are_left_alone(tmp_path):
    folder = RunFolder(tmp_path)
    live = folder.begin("live", {"sources": ["a.html"]})
    begun = folder.begin("next", {"sources": ["a.html"]})
    assert begun.removed == [] and begun.resumed_from is None and live.parts.path.is_dir()
    folder.abandon(begun)
    folder.abandon(live)


def test_a_folder_written_before_generations_becomes_generation_zero(tmp_path):
    _one(tmp_path)
    generation = RunFolder(tmp_path).current()
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for entry in layout.GENERATION_ENTRIES:
        source = generation.path / entry
        if source.is_dir():
            shutil.copytree(source, legacy / entry)
        elif source.exists():
            shutil.copyfile(source, legacy / entry)
    assert RunFolder(legacy).current().path == legacy
    assert list(load(legacy)["sentence"]) == ["PRP heals tendons."]
    _one(legacy, "b.html", "TMS lifts mood.", run_id="r2", append=True)
    assert os.readlink(legacy / layout.CURRENT) == layout.generation_name(1)
    assert sorted(load(legacy)["sentence"]) == ["PRP heals tendons.", "TMS lifts mood."]
    assert (legacy / layout.generation_name(0) / "claims.parquet").is_file()


def test_a_missing_generation_is_an_error_not_an_empty_dataset(tmp_path):
    _one(tmp_path)
    shutil.rmtree(RunFolder(tmp_path).current().path)
    with pytest.raises(DatasetError, match="missing"):
        load(tmp_path)


def test_no_module_but_the_run_folders_spells_a_file_name_of_the_run_folder():
    """A string literal naming a run folder entry (not prose that mentions one) outside
    ``claims/runfolder`` means a second module knows the layout."""
    names = {*layout.GENERATION_ENTRIES, layout.REVIEWS_DB, layout.REVIEWS_EXPORT, layout.CURRENT, layout.LOCK_FILE}
    spelled = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "runfolder":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = set(re.split(r"[/\\]", node.value.strip()))
                if words & names or any(
                    node.value.startswith(p) for p in (layout.PARTS_PREFIX, layout.GENERATION_PREFIX)
                ):
                    spelled.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    assert spelled == []
