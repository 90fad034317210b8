"""``claims review`` stops its Streamlit server however it is stopped: SIGTERM and SIGHUP as
Ctrl-C (SIGINT), and SIGKILL too (the server dies with the command)."""

from __future__ import annotations

import os
import signal

import pytest
from runprocs import Run, free_port, port_is_free, survivors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_the_streamlit_server_stops_with_claims_review(signum, run_dir, tmp_path):
    port = free_port()
    env = {**os.environ, "BROWSER": "true"}  # webbrowser.open runs `true` instead of a browser
    review = Run.start(["review", str(run_dir), "--port", str(port)], env)
    review.wait_for(r"review app for .* at http", timeout=120)
    children = review.children()
    assert any("streamlit" in " ".join(c.cmdline()) for c in children), review.output

    code, took, _ = review.signal_and_time(signum)
    assert code == (-signal.SIGKILL if signum == signal.SIGKILL else 0), review.output
    assert took < 10 and not survivors(children), review.output
    assert port_is_free(port)
