"""HostGate on its own: concurrency cap, start spacing, Retry-After deferral."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from claims.fetch.hosts import HostGate, host_key


def test_host_key_is_the_site_and_a_non_default_port():
    assert host_key("https://Clinic.Example:8443/a?b") == "clinic.example:8443"
    assert host_key("http://127.0.0.1:5000/x") != host_key("http://127.0.0.1:5001/x")
    # one site however its host is written
    same = [
        "https://www.clinic.co.uk/a",
        "http://clinic.co.uk/b",
        "https://blog.clinic.co.uk:443/c",
        "https://WWW.Clinic.co.uk./d",
    ]
    assert {host_key(url) for url in same} == {"clinic.co.uk"}
    assert host_key("http://www.clinic.co.uk:8080/") == "clinic.co.uk:8080"
    # one machine: every loopback name and address
    loop = [
        "http://localhost:5000/",
        "http://127.0.0.1:5000/",
        "http://[::1]:5000/",
        "http://app.localhost:5000/",
        "http://127.0.0.2:5000/",
        "http://[::ffff:127.0.0.1]:5000/",
    ]
    assert {host_key(url) for url in loop} == {"loopback:5000"}
    # different registrable sites stay apart, including under a shared public suffix
    assert host_key("https://a.github.io/") != host_key("https://b.github.io/")
    assert host_key("https://clinic-a.com/") != host_key("https://clinic-b.com/")
    assert host_key("http://[::1") == ""


def test_slots_cap_concurrency_per_host_only():
    gate = HostGate(concurrency=2, delay=0.0)
    lock = threading.Lock()
    now: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}

    def work(host: str) -> None:
        with gate.slot(host):
            with lock:
                now[host] += 1
                peak[host] = max(peak[host], now[host])
            time.sleep(0.05)
            with lock:
                now[host] -= 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, ["a", "b"] * 6))
    assert peak == {"a": 2, "b": 2}


def test_starts_are_spaced_and_defer_pushes_them_back():
    gate = HostGate(concurrency=4, delay=0.1)
    starts = []
    for _ in range(3):
        with gate.slot("h"):
            starts.append(time.monotonic())
    assert starts[1] - starts[0] >= 0.09 and starts[2] - starts[1] >= 0.09
    gate.defer("h", 0.3)
    before = time.monotonic()
    with gate.slot("h"):
        assert time.monotonic() - before >= 0.29
    with gate.slot("other"):  # other hosts are not held back
        assert time.monotonic() - before < 0.5


def test_slow_down_lengthens_one_hosts_spacing_and_never_shortens_it():
    gate = HostGate(concurrency=4, delay=0.0)
    gate.slow_down("h", 0.2)
    gate.slow_down("h", 0.05)  # a smaller ask does not undo a larger one
    starts = []
    for _ in range(2):
        with gate.slot("h"):
            starts.append(time.monotonic())
    assert starts[1] - starts[0] >= 0.19
    before = time.monotonic()
    for _ in range(2):
        with gate.slot("other"):
            pass
    assert time.monotonic() - before < 0.1
