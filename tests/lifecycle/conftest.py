"""Fixtures for the lifecycle tests: a ``claims server``, articles, a slow site, a baseline.

Runs go to a ``claims server`` of the test session's own (a private ``PREFECT_HOME``), so
each costs its imports and its work rather than a Prefect server's start; the tests of the
temporary server start their runs without it. Pages come from a local HTTP server that
trickles its bodies, so a run can be caught while it fetches.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from runprocs import ARTICLE, CLAIMS, base_env, free_port
from werkzeug import Response


@pytest.fixture(scope="session")
def lifecycle_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def claims_server(lifecycle_home, tmp_path_factory):
    """``claims server start`` in the session's own PREFECT_HOME; stopped at the end."""
    env = base_env(lifecycle_home, tmp_path_factory.mktemp("cache"))
    started = subprocess.run(
        [*CLAIMS, "server", "start", "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=300
    )
    assert started.returncode == 0, started.stdout + started.stderr
    url = re.search(r"(http://127\.0\.0\.1:\d+/api)", started.stdout).group(1)
    yield url
    subprocess.run([*CLAIMS, "server", "stop"], env=env, capture_output=True, timeout=60)


@pytest.fixture
def run_env(lifecycle_home, tmp_path) -> dict[str, str]:
    return base_env(lifecycle_home, tmp_path / "cache")


@pytest.fixture(scope="session")
def articles(tmp_path_factory) -> list[str]:
    """40 small local articles: tagging them takes a few seconds."""
    folder = tmp_path_factory.mktemp("articles")
    for i in range(40):
        (folder / f"a{i:02d}.txt").write_text(ARTICLE.format(i=i), encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


@pytest.fixture(scope="session")
def baseline(tmp_path_factory, articles, lifecycle_home, claims_server) -> Path:
    """A run folder holding one committed run (of the first three articles)."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    env = base_env(lifecycle_home, tmp_path_factory.mktemp("cache"))
    done = subprocess.run(
        [*CLAIMS, "run", *articles[:3], "--out", str(out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture
def out_with_baseline(baseline, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(baseline, out, symlinks=True)
    return out


def _trickle(request):
    """A page sent a few bytes every 0.2 s for about 3 s."""

    def body():
        yield b"<html><body><article><p>PRP injections heal torn tendons in every patient.</p>"
        for _ in range(15):
            time.sleep(0.2)
            yield b"<p>.</p>"
        yield b"</article></body></html>"

    return Response(body(), content_type="text/html")


@pytest.fixture
def slow_site():
    """A local web server whose pages trickle in over about 3 s each."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    for i in range(4):
        server.expect_request(f"/slow-{i}.html").respond_with_handler(_trickle)
    yield [server.url_for(f"/slow-{i}.html") for i in range(4)]
    server.clear()
    server.stop()


@pytest.fixture
def rng(request) -> random.Random:
    """Random points in a run, reproducible: the seed is printed with a failure."""
    seed = int(os.environ.get("CLAIMS_FAULT_SEED", time.time_ns() % 10**6))
    print(f"CLAIMS_FAULT_SEED={seed}")
    return random.Random(f"{seed}:{request.node.name}")
