"""One HTTP exchange done carefully: host slot, timeouts, a total deadline, retries, a capped
streamed body.

Redirects are followed by hand (``follow_redirects``) rather than by requests, so each hop
passes the robots.txt check and the host limits, and a loop is reported as such instead of
as a generic "too many redirects".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NameResolutionError, ReadTimeoutError

from claims.fetch.backoff import RETRY_STATUSES, backoff_delay, parse_retry_after
from claims.fetch.deadline import Deadline, DeadlineAdapter
from claims.fetch.decode import parse_content_type
from claims.fetch.hosts import HostGate, host_key
from claims.fetch.result import FetchProblem
from claims.settings import Settings

#: Bytes per read from the socket while streaming a body.
CHUNK_BYTES = 64 * 1024

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Reply:
    """What came back for one request to ``url`` (as asked, so it compares equal to the
    URLs the redirect loop tracks); ``body`` is None when it was not read (3xx, 4xx, 304)."""

    url: str
    status: int
    headers: CaseInsensitiveDict
    body: bytes | None


class Transport:
    """A shared ``requests.Session`` (connection reuse) behind the per-host gate."""

    def __init__(self, settings: Settings, gate: HostGate) -> None:
        self._settings = settings
        self._gate = gate
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers["Accept"] = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
        # Retries are ours (they must respect the host gate); urllib3's are switched off.
        adapter = DeadlineAdapter(
            pool_connections=max(1, settings.global_concurrency),
            pool_maxsize=max(1, settings.host_concurrency),
            max_retries=0,
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        accept_types: Collection[str] | None = None,
        max_bytes: int,
        truncate: bool = False,
    ) -> Reply:
        """GET ``url`` once (plus retries), reading the body only for a 2xx answer.

        A 2xx whose media type is not in ``accept_types`` is refused before its body is read.
        A body beyond ``max_bytes`` is refused, or cut there when ``truncate`` (robots.txt).
        Each attempt, from connecting to the body's last byte, must end within the settings'
        ``request_deadline``; one that does not is an error and is not retried.
        Failures raise ``FetchProblem``.
        """
        host = host_key(url)
        attempts = max(1, self._settings.retries)
        for attempt in range(1, attempts + 1):
            final_attempt = attempt == attempts
            with self._gate.slot(host), Deadline(self._settings.request_deadline).running() as deadline:
                try:
                    with self.session.get(
                        url, headers=headers, stream=True, allow_redirects=False, timeout=self._timeout()
                    ) as response:
                        if response.status_code in RETRY_STATUSES and not final_attempt:
                            wait = self._wait_before_retry(response, host, attempt)
                        else:
                            body = None
                            if 200 <= response.status_code < 300:
                                body = _read_body(response, accept_types, max_bytes, truncate)
                            if deadline.expired:  # the body may have ended early when its socket was shut
                                raise FetchProblem("error", _missed(deadline))
                            return Reply(url, response.status_code, response.headers, body)
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                    if deadline.expired:
                        raise FetchProblem("error", _missed(deadline)) from exc
                    if _is_read_timeout(exc) or final_attempt:
                        raise FetchProblem("error", describe_error(exc)) from exc
                    wait = backoff_delay(self._settings.backoff, attempt)
                except requests.RequestException as exc:
                    reason = _missed(deadline) if deadline.expired else describe_error(exc)
                    raise FetchProblem("error", reason) from exc
            time.sleep(wait)
        raise AssertionError("unreachable: the final attempt returns or raises")

    def _timeout(self) -> tuple[float, float]:
        """Connect and read timeouts; neither may outlast the request's deadline."""
        deadline = self._settings.request_deadline
        return min(self._settings.connect_timeout, deadline), min(self._settings.read_timeout, deadline)

    def _wait_before_retry(self, response: requests.Response, host: str, attempt: int) -> float:
        """Seconds to sleep before the next attempt.

        A Retry-After is the server asking the whole host to slow down, so it is applied to
        the host gate (every worker waits) and this thread needs no extra sleep.
        """
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None:
            return backoff_delay(self._settings.backoff, attempt)
        if retry_after > self._settings.max_retry_after:
            raise FetchProblem(
                "error",
                f"HTTP {response.status_code} with Retry-After {retry_after:.0f} s "
                f"(more than max_retry_after {self._settings.max_retry_after:g} s)",
                response.status_code,
            )
        self._gate.defer(host, retry_after)
        return 0.0


def _read_body(
    response: requests.Response, accept_types: Collection[str] | None, max_bytes: int, truncate: bool
) -> bytes:
    media_type, _ = parse_content_type(response.headers.get("Content-Type"))
    if accept_types is not None and media_type is not None and media_type not in accept_types:
        raise FetchProblem("skipped", f"content-type {media_type} not accepted", response.status_code)
    too_large = FetchProblem("skipped", f"body larger than {max_bytes} bytes", response.status_code)
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            if truncate:
                return bytes(body[:max_bytes])
            raise too_large
    return bytes(body)


def redirect_target(reply: Reply) -> str | None:
    """Absolute URL a 3xx points to (fragment dropped), or None when it is not a redirect."""
    location = reply.headers.get("Location")
    if reply.status not in REDIRECT_STATUSES or not location:
        return None
    return urldefrag(urljoin(reply.url, location)).url


def follow_redirects(url: str, max_redirects: int, request: Callable[[str], Reply]) -> Reply:
    """Call ``request`` on ``url`` and each redirect target until a non-redirect answer."""
    seen = {url}
    current = url
    for _ in range(max_redirects + 1):
        reply = request(current)
        target = redirect_target(reply)
        if target is None:
            return reply
        if target in seen:
            raise FetchProblem("error", "redirect loop", reply.status)
        seen.add(target)
        current = target
    raise FetchProblem("error", f"more than {max_redirects} redirects", reply.status)


def _missed(deadline: Deadline) -> str:
    return f"took longer than the {deadline.seconds:g} s deadline (request_deadline)"


def _is_read_timeout(exc: Exception) -> bool:
    """requests reports a body-phase read timeout as ConnectionError wrapping ReadTimeoutError."""
    return isinstance(exc, requests.ReadTimeout) or any(isinstance(arg, ReadTimeoutError) for arg in exc.args)


def describe_error(exc: Exception) -> str:
    """A short reason for a report; full urllib3 messages are paragraphs about pool objects."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    if _is_read_timeout(exc):
        return "read timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken while reading body"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "body could not be decompressed"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return "invalid URL"
    if isinstance(exc, requests.ConnectionError):
        # requests wraps urllib3's MaxRetryError, whose .reason is the real failure
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, NameResolutionError):
            return "host not found"
        if isinstance(getattr(reason, "__cause__", None), ConnectionRefusedError):
            return "connection refused"
        return "connection failed"
    return f"request failed ({type(exc).__name__})"
