"""Run a command that dies with the process that started it (Linux).

``python -m claims.lifecycle.deathsig PARENT_PID COMMAND [ARG...]`` asks the kernel to send
this process SIGTERM when the thread that started it ends (``prctl(PR_SET_PDEATHSIG)``,
which outlives ``exec``), checks that PARENT_PID is still its parent (it may have died
before the request was made), then becomes COMMAND. ``claims run`` starts its temporary
Prefect server this way, from its main thread, so a run killed with SIGKILL does not leave
the server behind. Where ``prctl`` is missing the command simply runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM) -> bool:
    """Ask for ``signum`` when the parent thread ends; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0


def python_module_command(module: str, *args: str) -> list[str]:
    """The command line that runs ``python -m module args`` in a process that dies with
    this one (the temporary Prefect server, the review app's Streamlit server)."""
    return [sys.executable, "-m", "claims.lifecycle.deathsig", str(os.getpid()), sys.executable, "-m", module, *args]


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit("usage: python -m claims.lifecycle.deathsig PARENT_PID COMMAND [ARG...]")
    parent, command = int(argv[0]), argv[1:]
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the request: nothing would stop us
        sys.exit(1)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
