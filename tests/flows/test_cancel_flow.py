"""A flow run told to stop, in process: its chunks stop, its parts go, the folder keeps its
last committed run, and Prefect records the flow run as Cancelled (not Crashed)."""

from __future__ import annotations

import signal

import pytest

from claims import load
from claims.flow import claims_run
from claims.lifecycle.signals import RunCancelled, cancel_on_signals

pytestmark = pytest.mark.slow


def _pages(tmp_path, n):
    files = []
    for i in range(n):
        files.append(tmp_path / f"page-{i}.txt")
        files[-1].write_text(f"Page {i}\n\nKetamine infusions ease nerve pain within hours.\n", encoding="utf-8")
    return [str(f) for f in files]


def _flow_run_state(flow_run_id):
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state.type.value


def test_sigterm_during_tagging_cancels_the_flow_run_and_keeps_the_last_commit(prefect_server, tmp_path, monkeypatch):
    from prefect.runtime import flow_run

    import claims.flow as claims_flow

    pages = _pages(tmp_path, 6)
    out = tmp_path / "out"
    claims_run(sources=pages[:1], out_dir=str(out))
    before = load(out)
    seen = {}
    real_analyse = claims_flow.analyse_many

    def terminated_at_the_third_chunk(chunk, tagger, run_id, *vias):
        if chunk[0].source == pages[2]:
            seen["flow_run"] = flow_run.id
            signal.raise_signal(signal.SIGTERM)  # handled in the main thread, wherever it waits
        return real_analyse(chunk, tagger, run_id, *vias)

    monkeypatch.setattr(claims_flow, "analyse_many", terminated_at_the_third_chunk)
    with cancel_on_signals(), pytest.raises(RunCancelled) as stopped:
        claims_run(sources=pages, out_dir=str(out), chunk_size=1)

    assert stopped.value.exit_code == 143
    assert _flow_run_state(seen["flow_run"]) == "CANCELLED"
    assert not list(out.glob(".parts-*")) and not list(out.glob(".gen-*"))
    assert load(out).equals(before)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_a_library_wraps_in_its_own_error_still_cancels(
    prefect_server, tmp_path, monkeypatch, signum, ctrl_c_listened
):
    """pydantic turns an exception raised inside a serializer (Prefect's, as it sends a task
    to Dask) into its own error; a signal that lands there still cancels the run: parts
    removed, last commit kept, RunCancelled with the signal's exit code."""
    import claims.flow as claims_flow

    pages = _pages(tmp_path, 3)
    out = tmp_path / "out"
    claims_run(sources=pages[:1], out_dir=str(out))
    before = load(out)
    real_write = claims_flow.write_dataset

    def signalled_inside_a_library(*args, **kwargs):
        try:
            signal.raise_signal(signum)  # handled here, in the main thread
        except BaseException as exc:  # what pydantic does with an error in a serializer
            raise ValueError(f"Error calling function `_ser_model`: {type(exc).__name__}") from None
        return real_write(*args, **kwargs)

    monkeypatch.setattr(claims_flow, "write_dataset", signalled_inside_a_library)
    with cancel_on_signals(), pytest.raises(RunCancelled) as stopped:
        claims_run(sources=pages, out_dir=str(out), chunk_size=1)

    assert stopped.value.exit_code == 128 + signum
    assert not list(out.glob(".parts-*")) and not list(out.glob(".gen-*"))
    assert load(out).equals(before)
