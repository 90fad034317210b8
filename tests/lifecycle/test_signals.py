"""Signals held back over a block that must not be split, then handled."""

from __future__ import annotations

import signal

import pytest

from claims.lifecycle.signals import RunCancelled, cancel_on_signals, deferred


def test_a_signal_inside_deferred_is_handled_when_the_block_ends():
    order = []

    def handler(signum, frame):
        order.append("handled")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with deferred():
            signal.raise_signal(signal.SIGTERM)
            order.append("block done")
        order.append("after")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert order == ["block done", "handled", "after"]


def test_the_first_signal_cancels_the_run():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(RunCancelled) as stopped, cancel_on_signals():
        signal.raise_signal(signal.SIGTERM)
    assert stopped.value.exit_code == 143 and "SIGTERM" in str(stopped.value)
    assert signal.getsignal(signal.SIGTERM) is before  # put back


def test_a_signal_the_process_ignores_stays_ignored():
    # a run started by nohup, or in the background of a script, ignores Ctrl-C meant for others
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with cancel_on_signals():
            signal.raise_signal(signal.SIGINT)  # nothing happens
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        with pytest.raises(RunCancelled), cancel_on_signals():
            signal.raise_signal(signal.SIGTERM)  # the other still cancels
    finally:
        signal.signal(signal.SIGINT, before)
