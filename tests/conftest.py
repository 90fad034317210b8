"""Fixtures shared by every test folder."""

import signal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder beside the checkout (benchmarks, seeds, gold); skip where absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: it sits beside the checkout in CI, not in a user's own clone")
    return SHARED


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return REPO / "src" / "claims" / "examples"


@pytest.fixture
def ctrl_c_listened():
    """SIGINT handled as in a terminal (KeyboardInterrupt) for the test, whatever this test
    process inherited: started in the background of a script, it ignores SIGINT, and the code
    under test rightly leaves an ignored signal alone."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)
