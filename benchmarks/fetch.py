"""Fetch throughput: one-at-a-time versus ``Fetcher.fetch_many``, against slow local hosts.

Starts ``--hosts`` HTTP servers on 127.0.0.1 (one port each, so each is its own host for the
politeness limits), every response delayed ``--delay-ms`` like a slow clinic CMS, and fetches
``--pages`` pages spread round-robin over them: first sequentially, then with fetch_many,
each with a fresh cache. Prints wall times, the speed-up, and the most requests any single
host had in flight (must not exceed host_concurrency).

    .venv/bin/python benchmarks/fetch.py [--pages 200] [--hosts 10] [--delay-ms 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from claims.fetch import Fetcher
from claims.settings import Settings

GOAL_SPEEDUP = 5.0


class SlowHost(ThreadingHTTPServer):
    """One "site": answers every request after a delay and records its peak in-flight count."""

    daemon_threads = True

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _SlowHandler)
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def reset_peak(self) -> None:
        with self.lock:
            self.peak = self.in_flight


class _SlowHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is part of the measure
    server: SlowHost

    def do_GET(self) -> None:
        host = self.server
        with host.lock:
            host.in_flight += 1
            host.peak = max(host.peak, host.in_flight)
        time.sleep(host.delay)
        # Count the request as finished before answering: the client may send its next one
        # the moment the answer arrives, and must not be charged with an overlap that is
        # only this thread being slow to update the counter.
        with host.lock:
            host.in_flight -= 1
        if self.path == "/robots.txt":
            self._send(404, b"", "text/plain")
        else:
            page = f"<html><body><h1>Page {self.path}</h1><p>Benchmark body.</p></body></html>"
            self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep the figures readable
        pass


def run(mode: str, settings: Settings, urls: list[str], hosts: list[SlowHost], cache_root: Path) -> dict:
    for host in hosts:
        host.reset_peak()
    start = time.perf_counter()
    with Fetcher(settings, cache_dir=cache_root / mode) as fetcher:
        if mode == "sequential":
            results = [fetcher.fetch(url) for url in urls]
        else:
            results = list(fetcher.fetch_many(urls))
    wall = time.perf_counter() - start
    return {
        "mode": mode,
        "wall": wall,
        "ok": sum(r.status == "ok" for r in results),
        "peak_host": max(host.peak for host in hosts),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--delay-ms", type=int, default=200, help="server delay per response")
    parser.add_argument("--host-concurrency", type=int, default=2)
    parser.add_argument("--global-concurrency", type=int, default=16)
    parser.add_argument("--host-delay", type=float, default=0.1, help="seconds between request starts per host")
    args = parser.parse_args(argv)

    settings = Settings(
        host_concurrency=args.host_concurrency,
        global_concurrency=args.global_concurrency,
        host_delay=args.host_delay,
    )
    hosts = [SlowHost(args.delay_ms / 1000) for _ in range(args.hosts)]
    for host in hosts:
        threading.Thread(target=host.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{hosts[i % len(hosts)].server_port}/page/{i}" for i in range(args.pages)]
    try:
        with tempfile.TemporaryDirectory(prefix="claims-fetch-bench-") as tmp:
            rows = [run(mode, settings, urls, hosts, Path(tmp)) for mode in ("sequential", "fetch_many")]
    finally:
        for host in hosts:
            host.shutdown()
            host.server_close()

    print(
        f"{args.pages} pages over {args.hosts} hosts, {args.delay_ms} ms per response; "
        f"host_concurrency={settings.host_concurrency} host_delay={settings.host_delay:g}s "
        f"global_concurrency={settings.global_concurrency}"
    )
    print(f"{'mode':<12}{'wall s':>9}{'pages/s':>9}{'ok':>6}{'max in-flight/host':>20}")
    for row in rows:
        print(
            f"{row['mode']:<12}{row['wall']:>9.2f}{args.pages / row['wall']:>9.1f}{row['ok']:>6}{row['peak_host']:>20}"
        )
    speedup = rows[0]["wall"] / rows[1]["wall"]
    within_limit = rows[1]["peak_host"] <= settings.host_concurrency
    print(f"speed-up {speedup:.1f}x (goal >= {GOAL_SPEEDUP:g}x: {'met' if speedup >= GOAL_SPEEDUP else 'NOT met'})")
    print(f"per-host limit {'respected' if within_limit else 'EXCEEDED'}")
    return 0 if within_limit and all(row["ok"] == args.pages for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
