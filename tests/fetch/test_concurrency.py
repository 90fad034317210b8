"""fetch_many and concurrent fetch calls keep per-host and global limits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from werkzeug import Request, Response


class InFlight:
    """Server-side counter of requests being handled, per host and overall."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.total = 0
        self.peak_total = 0
        self.starts: list[float] = []

    def handler(self, host: str, seconds: float):
        def handle(request: Request) -> Response:
            with self.lock:
                self.starts.append(time.monotonic())
                self.now[host] = self.now.get(host, 0) + 1
                self.total += 1
                self.peak[host] = max(self.peak.get(host, 0), self.now[host])
                self.peak_total = max(self.peak_total, self.total)
            time.sleep(seconds)
            with self.lock:
                self.now[host] -= 1
                self.total -= 1
            return Response(f"<html><body><p>{request.path}</p></body></html>", content_type="text/html")

        return handle


def test_fetch_many_respects_host_and_global_limits(server, other_server, make_fetcher):
    counter = InFlight()
    urls = []
    for name, srv in (("a", server), ("b", other_server)):
        for i in range(6):
            srv.expect_request(f"/p{i}").respond_with_handler(counter.handler(name, 0.15))
            urls.append(srv.url_for(f"/p{i}"))
    results = list(make_fetcher(host_concurrency=2, global_concurrency=3).fetch_many(urls))
    assert sorted(r.source for r in results) == sorted(urls)
    assert all(r.status == "ok" for r in results)
    assert max(counter.peak.values()) <= 2
    assert counter.peak_total <= 3
    assert counter.peak_total >= 2  # it really ran in parallel


def test_direct_fetch_from_many_threads_respects_the_host_limit(server, make_fetcher):
    counter = InFlight()
    for i in range(8):
        server.expect_request(f"/t{i}").respond_with_handler(counter.handler("a", 0.1))
    fetcher = make_fetcher(host_concurrency=2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetcher.fetch, [server.url_for(f"/t{i}") for i in range(8)]))
    assert [r.status for r in results] == ["ok"] * 8
    assert counter.peak["a"] == 2


def test_host_delay_spaces_request_starts(server, make_fetcher):
    """The gate lets the k-th request to a host start no earlier than k delays after the
    first could. A busy machine only makes requests later, never earlier, so the bound holds
    however loaded it is (gaps between arrivals would not: a late first request shrinks the
    gap to the next)."""
    counter = InFlight()
    for i in range(4):
        server.expect_request(f"/d{i}").respond_with_handler(counter.handler("a", 0.0))
    fetcher = make_fetcher(host_concurrency=2, host_delay=0.2, obey_robots=False)
    began = time.monotonic()
    list(fetcher.fetch_many([server.url_for(f"/d{i}") for i in range(4)]))
    starts = sorted(counter.starts)
    assert len(starts) == 4
    assert all(start - began >= k * 0.2 for k, start in enumerate(starts)), [s - began for s in starts]


def test_results_come_in_completion_order(server, other_server, make_fetcher):
    counter = InFlight()
    server.expect_request("/slow").respond_with_handler(counter.handler("a", 0.6))
    other_server.expect_request("/fast").respond_with_handler(counter.handler("b", 0.0))
    order = [r.source for r in make_fetcher().fetch_many([server.url_for("/slow"), other_server.url_for("/fast")])]
    assert order == [other_server.url_for("/fast"), server.url_for("/slow")]


def test_fetch_many_yields_one_result_per_input_even_for_bad_ones(server, make_fetcher):
    server.expect_request("/ok").respond_with_data("<p>fine</p>", content_type="text/html")
    server.expect_request("/gone").respond_with_data("", status=410)
    urls = [
        "nonsense",
        "http://[::1",
        server.url_for("/ok"),
        server.url_for("/gone"),
        "ftp://127.0.0.1/x",
        server.url_for("/ok"),
    ]
    results = list(make_fetcher().fetch_many(urls))
    assert sorted(r.source for r in results) == sorted(urls)
    by_status = sorted((r.source, r.status) for r in results)
    assert by_status.count((server.url_for("/ok"), "ok")) == 2
    assert (server.url_for("/gone"), "error") in by_status
    assert ("nonsense", "error") in by_status


def test_a_site_listed_first_does_not_hold_every_worker(server, other_server, make_fetcher):
    counter = InFlight()
    first_starts: dict[str, float] = {}

    def timed(name: str):
        inner = counter.handler(name, 0.2)

        def handle(request: Request) -> Response:
            first_starts.setdefault(name, time.monotonic())
            return inner(request)

        return handle

    for i in range(6):
        server.expect_request(f"/a{i}").respond_with_handler(timed("a"))
        other_server.expect_request(f"/b{i}").respond_with_handler(timed("b"))
    urls = [server.url_for(f"/a{i}") for i in range(6)] + [other_server.url_for(f"/b{i}") for i in range(6)]
    results = list(make_fetcher(host_concurrency=2, global_concurrency=2, obey_robots=False).fetch_many(urls))
    assert len(results) == 12
    # with both workers given to the first site, the second would wait for three of its pages
    assert abs(first_starts["b"] - first_starts["a"]) < 0.15


def test_localhost_and_127_0_0_1_share_one_hosts_limit(server, make_fetcher):
    # one server, named two ways: it must see no more than the per-host limit at once
    counter = InFlight()
    urls = []
    for i in range(6):
        server.expect_request(f"/n{i}").respond_with_handler(counter.handler("one", 0.15))
        url = server.url_for(f"/n{i}")
        urls.append(url if i % 2 else url.replace("127.0.0.1", "localhost"))
    assert any("localhost" in u for u in urls) and any("127.0.0.1" in u for u in urls)
    results = list(make_fetcher(host_concurrency=1, global_concurrency=4).fetch_many(urls))
    assert [r.status for r in results] == ["ok"] * 6
    assert counter.peak["one"] == 1
