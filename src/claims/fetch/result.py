"""The record every fetch produces, success or not.

A crawl over hundreds of clinic pages must never stop at the first bad one, so a failure is
data (a ``FetchResult`` with status "error" or "skipped" and a short reason), not an
exception. Later stages and reports read these records instead of log lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone


def utc_now() -> str:
    """ISO-8601 UTC timestamp, second precision, so records sort and diff cleanly."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class FetchResult:
    """Outcome of fetching one URL or reading one local file.

    ``status`` is "ok" (``text`` holds the decoded body, possibly empty), "error" (the page
    could not be had: HTTP error, timeout, redirect loop...) or "skipped" (it could be had but
    we chose not to: robots.txt, unsupported or binary content, body too large). ``note``
    says what was repaired to read an ok page (invalid bytes replaced), or is None.
    """

    source: str
    status: str
    url: str | None = None
    error: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    text: str | None = None
    content_sha256: str | None = None
    fetched_at: str = field(default_factory=utc_now)
    from_cache: bool = False
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class FetchProblem(Exception):
    """Internal signal that a fetch ends without a page; turned into a ``FetchResult``.

    Raising it from deep inside the request/redirect/robots code keeps those functions
    straight-line instead of threading error tuples through every return.
    """

    def __init__(self, status: str, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.http_status = http_status

    def as_result(self, source: str, url: str | None) -> FetchResult:
        return FetchResult(source=source, url=url, status=self.status, error=self.reason, http_status=self.http_status)
