"""A child started through ``claims.lifecycle.deathsig`` dies with its parent, even on SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil

PARENT = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-m", "claims.lifecycle.deathsig", str(os.getpid()), "sleep", "300"])
print(child.pid, flush=True)
time.sleep(300)
"""


def _parent_and_child():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    child = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 30
    while child.cmdline()[:1] != ["sleep"] and time.monotonic() < deadline:
        time.sleep(0.05)  # until the launcher has become the command
    return parent, child


def test_the_child_dies_when_its_parent_is_killed():
    parent, child = _parent_and_child()
    assert child.is_running() and child.cmdline()[:1] == ["sleep"]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    gone, alive = psutil.wait_procs([child], timeout=10)
    assert not alive, "the child outlived its parent"


def test_a_child_whose_parent_is_already_gone_does_not_start(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "claims.lifecycle.deathsig", "1", "touch", str(tmp_path / "ran")], timeout=30
    )
    assert done.returncode == 1 and not (tmp_path / "ran").exists()
