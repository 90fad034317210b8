"""A real Prefect server (prefect_test_harness) and a real local web server for flow tests."""

from __future__ import annotations

import os

import pytest
from pytest_httpserver import HTTPServer

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_server():
    import prefect.main  # noqa: F401  (configures Prefect's logging on import)
    from prefect.testing.utilities import prefect_test_harness

    # Prefect configures its logging the first time `prefect.main` is imported, and its console
    # handler keeps the sys.stderr of that moment. Imported here, that is the session's stream;
    # imported by the first test to run a flow, under capsys, it was that test's stream, closed
    # when the test ended, and every later flow run in the process failed to log.
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def fast_fetching(monkeypatch, tmp_path):
    """Settings the flow reads from the environment: quick retries, a private cache."""
    for name, value in {
        "CLAIMS_RETRIES": "3",
        "CLAIMS_BACKOFF": "0.05",
        "CLAIMS_HOST_DELAY": "0",
        "CLAIMS_READ_TIMEOUT": "3",
        "CLAIMS_CONNECT_TIMEOUT": "3",
        "CLAIMS_CACHE_DIR": str(tmp_path / "cache"),
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def site():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


from clinicsites import clinic_sites, resolve_test_names  # noqa: E402,F401  (fixtures for test_site_run)
