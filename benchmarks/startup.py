"""How long ``claims run`` takes to say no, and to tag one page, with and without a server.

Runs the real command in subprocesses, in a private PREFECT_HOME, and prints the median
wall time of each case (and each against the interpreter's own start, measured the same
way, and the one-page runs against each other):

* usage mistakes (missing file, missing @list, empty @list, bad rules folder, bad option):
  goal under 2 s, exit 2;
* a one-page run against a running Prefect server, reached through ``PREFECT_API_URL`` and
  through ``claims server start``: goal under 6 s;
* a one-page run with no server, which starts a temporary one of its own.

Timings on a shared 2-core machine depend on what else runs: the load average is printed
with them, and each case's CPU seconds (the run and the processes it waited for, a
temporary server included), which move much less with the load and approach the wall time
of a run on an idle machine (a run is mostly one busy thread).

    .venv/bin/python benchmarks/startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLAIMS = [sys.executable, "-m", "claims.cli"]
PAGE = sorted((REPO / "src" / "claims" / "examples").iterdir())[0]
USAGE_GOAL, RUN_GOAL = 2.0, 6.0


def timed(command: list[str], env: dict[str, str], expect: int) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the process and the children it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expect:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}, expected {expect}\n{done.stdout}{done.stderr}")
    return took, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def median_of(repeat: int, command: list[str], env: dict[str, str], expect: int = 0) -> tuple[float, float]:
    walls, cpus = zip(*(timed(command, env, expect) for _ in range(repeat)))
    return statistics.median(walls), statistics.median(cpus)


def report(name: str, measured: tuple[float, float], interpreter: float, goal: float | None, note: str = "") -> None:
    wall, cpu = measured
    verdict = f"< {goal:g} s: {'met' if wall < goal else 'NOT met'}" if goal else note
    print(f"{name:44} {wall:7.2f}s {cpu:7.2f}s {wall / interpreter:8.1f}x  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median is reported")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="claims-startup-") as scratch:
        scratch = Path(scratch)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            PREFECT_HOME=str(scratch / "prefect"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            CLAIMS_CACHE_DIR=str(scratch / "cache"),
        )
        (scratch / "empty.txt").write_text("# nothing yet\n")
        (scratch / "rules").mkdir()
        (scratch / "rules" / "x.jsonl").write_text('{"id": "X", "label": "SPARKLE", "pattern": "x"}\n')
        out = ["--out", str(scratch / "out")]

        interpreter = median_of(args.repeat, [sys.executable, "-c", "pass"], env)[0]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; python start {interpreter:.2f} s\n")
        print(f"{'case (medians)':44} {'wall':>8} {'CPU':>8} {'x python':>9}  goal (wall)")
        mistakes = {
            "missing file": ["run", str(scratch / "missing.html"), *out],
            "missing @list": ["run", f"@{scratch / 'missing.txt'}", *out],
            "empty @list": ["run", f"@{scratch / 'empty.txt'}", *out],
            "bad rules folder": ["run", str(PAGE), "--rules", str(scratch / "rules"), *out],
            "bad option (--runner spark)": ["run", str(PAGE), "--runner", "spark", *out],
        }
        for name, command in mistakes.items():
            report(
                f"usage mistake: {name}",
                median_of(args.repeat, [*CLAIMS, *command], env, expect=2),
                interpreter,
                USAGE_GOAL,
            )

        run = [*CLAIMS, "run", str(PAGE), *out]
        server = subprocess.run(
            [*CLAIMS, "server", "start", "--port", _free_port()], env=env, capture_output=True, text=True, timeout=600
        )
        if server.returncode != 0:
            sys.exit(f"claims server start failed:\n{server.stdout}{server.stderr}")
        url = re.search(r"(http://\S+/api)", server.stdout).group(1)
        try:
            timed(run, env, 0)  # the server's first run creates the flow and its records
            configured = median_of(args.repeat, run, {**env, "PREFECT_API_URL": url})
            reused = median_of(args.repeat, run, env)
        finally:
            subprocess.run([*CLAIMS, "server", "stop"], env=env, capture_output=True, timeout=120)
        temporary = median_of(args.repeat, run, env)
        report("one page, PREFECT_API_URL set", configured, interpreter, RUN_GOAL)
        report("one page, claims server", reused, interpreter, RUN_GOAL)
        report(
            "one page, temporary server",
            temporary,
            interpreter,
            None,
            f"({temporary[0] / reused[0]:.1f}x the claims server run)",
        )


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


if __name__ == "__main__":
    main()
