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
    with pytest.raises(RunCancelled) as stopped, cancel_on_signals():
        signal.raise_signal(signal.SIGINT)
    assert stopped.value.exit_code == 130 and "SIGINT" in str(stopped.value)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
