"""SIGTERM and SIGINT at a random point of real ``claims run`` processes (local and Dask
runners): the run stops within 10 s with 130 / 143, no child process survives, its flow run
is Cancelled in Prefect, and the run folder holds the last committed run and nothing else.

A run reads 40 local articles in chunks of 5, then 4 pages that trickle in over about 3 s
each, so it can be caught starting, tagging, fetching or writing; the point is drawn at
random (``CLAIMS_FAULT_SEED`` replays it) after the log line that opens that phase.
"""

from __future__ import annotations

import signal
import time

import pytest
from runprocs import STOP_WITHIN, Run, dataset, flow_run_state, leftovers, survivors

pytestmark = pytest.mark.slow

PHASES = {
    # phase: (log line that opens it, seconds drawn after it: least, most). Starting: from
    # 0.5 s, since before its first lines of Python run (about 0.1 s) no program can catch a
    # signal, and the interpreter dies of it.
    "starting": (None, 0.5, 3.0),
    "tagging": (r"\[1-5/44\]", 0, 1.5),
    "fetching": (r"\[36-40/44\]", 0, 2.0),
    "writing": (r"\[41-44/44\]", 0, 0.3),
}


@pytest.mark.parametrize(
    "runner, signum",
    [
        ("local", signal.SIGTERM),
        ("local", signal.SIGINT),
        ("dask", None),  # Dask: either, drawn (a Dask run costs more)
    ],
)
def test_a_signal_stops_the_run_and_leaves_the_last_committed_run(
    runner, signum, claims_server, run_env, articles, slow_site, out_with_baseline, baseline, rng
):
    signum = signum or rng.choice([signal.SIGTERM, signal.SIGINT])
    phase = rng.choice(list(PHASES))
    marker, least, most = PHASES[phase]
    print(f"{signal.Signals(signum).name} while {phase}")
    before = dataset(baseline)
    sources = [*articles, *slow_site]
    options = ["--runner", "dask", "--dask-workers", "1"] if runner == "dask" else []
    run = Run.start(["run", *sources, "--out", str(out_with_baseline), "--chunk-size", "5", *options], run_env)
    if marker is not None and run.wait_for(marker) is None:
        pytest.fail(f"the run ended before {phase}:\n{run.output}")
    time.sleep(rng.uniform(least, most))

    if run.process.poll() is not None:  # it finished first: nothing to cancel
        assert run.process.returncode == 0, run.output
        return
    code, took, children = run.signal_and_time(signum)

    after = dataset(out_with_baseline)
    committed = set(after[1]) == set(sources)
    assert code == 128 + signum or (committed and code == 0), run.output
    assert took < STOP_WITHIN, f"took {took:.1f} s to stop:\n{run.output}"
    assert not survivors(children), run.output
    assert not leftovers(out_with_baseline), run.output
    if not committed:
        assert after == before, run.output  # the last committed run, unchanged
        assert "keeps its last committed run" in run.output
    state = flow_run_state(claims_server, run.output)
    assert state in (None, "CANCELLED") or (committed and state == "COMPLETED"), (state, run.output)
