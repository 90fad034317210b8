"""When to try a request again, and how long to wait first.

Only failures that are likely to pass are retried: the connection could not be made, the
server said it is overloaded (429) or broke (5xx). A read timeout is not retried: the server
accepted us and went silent, and asking again multiplies a long wait on a struggling host.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def backoff_delay(base: float, attempt: int) -> float:
    """Exponential delay for the given retry (1 = first), with "equal jitter".

    Half of the delay is fixed so waits really grow; the other half is random so many
    workers that failed together do not come back together.
    """
    delay = base * 2 ** (attempt - 1)
    return delay / 2 + random.uniform(0, delay / 2)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT; a zone-less one is read as such
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
