from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.fetch.backoff import backoff_delay, parse_retry_after

NOW = datetime(2025, 1, 6, 10, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Mon, 06 Jan 2025 10:00:30 GMT", 30.0),
        ("Mon, 06 Jan 2025 09:59:00 GMT", 0.0),  # a date in the past means "now"
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


@given(base=st.floats(0.01, 5.0), attempt=st.integers(1, 6))
def test_backoff_grows_and_stays_within_its_jitter_band(base, attempt):
    full = base * 2 ** (attempt - 1)
    assert full / 2 <= backoff_delay(base, attempt) <= full
