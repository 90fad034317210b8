"""SIGKILL at a random point of real ``claims run`` processes, alone and while another run
appends to the same folder: ``claims.load`` then returns a consistent dataset equal to the
last committed run, no child process outlives the run (its temporary Prefect server
included), and the next run resumes or removes what the dead one left, and says which."""

from __future__ import annotations

import signal
import time

import pytest
from runprocs import Run, dataset, leftovers, survivors

pytestmark = pytest.mark.slow

#: Seconds after the start at which a run may be killed: from its start to its commit.
KILL_WINDOW = (0.0, 30.0)


def test_sigkill_leaves_the_last_committed_run_and_the_next_run_cleans_up(
    claims_server, run_env, articles, slow_site, out_with_baseline, baseline, rng
):
    before = dataset(baseline)
    sources = [*articles, *slow_site]
    command = ["run", *sources, "--out", str(out_with_baseline), "--chunk-size", "5"]
    run = Run.start(command, run_env)
    run.wait_for(r"Prefect API at")
    time.sleep(rng.uniform(*KILL_WINDOW))
    children = run.children()
    run.process.send_signal(signal.SIGKILL)
    run.process.wait()

    assert not survivors(children), run.output
    after = dataset(out_with_baseline)
    committed = set(after[1]) == set(sources)
    assert committed or after == before, run.output
    left = [name for name in leftovers(out_with_baseline) if name.startswith(".parts-")]

    again = Run.start(command, run_env)
    assert again.finish() == 0, again.output
    if left:
        assert "resuming run" in again.output or "removed .parts-" in again.output, again.output
    assert not leftovers(out_with_baseline), again.output
    claims, statuses, runs = dataset(out_with_baseline)
    assert set(statuses) == set(sources) and set(statuses.values()) == {"ok"}


def test_concurrent_appends_land_whole_when_one_of_them_is_killed(
    claims_server, run_env, articles, out_with_baseline, baseline, rng
):
    before = dataset(baseline)
    first, second = articles[3:20], articles[20:]
    runs = [
        Run.start(["run", *part, "--out", str(out_with_baseline), "--append", "--chunk-size", "4"], run_env)
        for part in (first, second)
    ]
    victim = rng.randrange(2)
    runs[victim].wait_for(r"Prefect API at")
    time.sleep(rng.uniform(0.0, 15.0))
    children = runs[victim].children()
    runs[victim].process.send_signal(signal.SIGKILL)
    runs[victim].process.wait()
    survivor = runs[1 - victim]
    assert survivor.finish() == 0, survivor.output
    assert not survivors(children)

    claims, statuses, run_ids = dataset(out_with_baseline)
    sources = set(statuses)
    assert set(before[1]) | set((first, second)[1 - victim]) <= sources  # the survivor's rows all landed
    killed = set((first, second)[victim])
    assert killed <= sources or not killed & sources, "the killed run landed in part"
    assert before[0] <= claims  # earlier rows kept
    assert len(run_ids) == len(before[2]) + 1 + (killed <= sources)


def test_runs_starting_together_on_temporary_servers_finish_and_a_killed_one_leaves_no_server(
    run_env, articles, tmp_path, rng
):
    """No ``claims server`` in this PREFECT_HOME: each run starts a server of its own. Two
    start together on a new PREFECT_HOME (both servers would create its database); one is
    killed once its server answers, while it still runs (all 40 articles: a few seconds of
    tagging, where a second is the most it waits); the other finishes."""
    run_env = {**run_env, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    runs = [Run.start(["run", *articles, "--out", str(tmp_path / f"out-{i}")], run_env) for i in range(2)]
    victim = runs[rng.randrange(2)]
    victim.wait_for(r"Prefect API at .*\(temporary\)")
    time.sleep(rng.uniform(0.0, 1.0))
    children = victim.children()
    assert any("prefect.server.api.server:create_app" in " ".join(c.cmdline()) for c in children), victim.output
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait()
    assert not survivors(children), victim.output
    for run in runs:
        if run is not victim:
            assert run.finish() == 0, run.output
            assert "(temporary)" in run.output
