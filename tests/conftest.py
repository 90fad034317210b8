"""Fixtures shared by every test folder."""

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
