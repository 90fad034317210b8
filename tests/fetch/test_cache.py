"""RawCache on its own: round trip, damage tolerance, atomic writes."""

from __future__ import annotations

from claims.fetch.cache import CacheEntry, RawCache, sha256_hex


def entry_for(url: str, raw: bytes) -> CacheEntry:
    return CacheEntry(
        url,
        url,
        200,
        {"ETag": '"x"', "Last-Modified": "Mon, 06 Jan 2025 10:00:00 GMT"},
        "2025-01-06T10:00:00+00:00",
        sha256_hex(raw),
    )


def test_round_trip_and_validators(tmp_path):
    cache = RawCache(tmp_path)
    raw = b"<p>body</p>"
    cache.store(entry_for("http://127.0.0.1/a", raw), raw)
    found = cache.lookup("http://127.0.0.1/a")
    assert found == entry_for("http://127.0.0.1/a", raw)
    assert cache.body(found) == raw
    assert found.validators() == {"If-None-Match": '"x"', "If-Modified-Since": "Mon, 06 Jan 2025 10:00:00 GMT"}
    assert cache.lookup("http://127.0.0.1/b") is None


def test_same_body_for_two_urls_is_stored_once(tmp_path):
    cache = RawCache(tmp_path)
    raw = b"<p>shared</p>"
    cache.store(entry_for("http://127.0.0.1/a", raw), raw)
    cache.store(entry_for("http://127.0.0.1/b", raw), raw)
    assert len(list((tmp_path / "bodies").iterdir())) == 1
    assert len(list((tmp_path / "meta").iterdir())) == 2


def test_damaged_files_read_as_misses(tmp_path):
    cache = RawCache(tmp_path)
    raw = b"<p>body</p>"
    entry = entry_for("http://127.0.0.1/a", raw)
    cache.store(entry, raw)
    (tmp_path / "bodies" / entry.sha256).write_bytes(b"truncated")
    assert cache.body(entry) is None
    (meta,) = (tmp_path / "meta").iterdir()
    meta.write_text("{not json")
    assert cache.lookup("http://127.0.0.1/a") is None
    meta.write_text('{"unexpected": 1}')
    assert cache.lookup("http://127.0.0.1/a") is None
    assert not list(tmp_path.rglob("*.tmp"))
