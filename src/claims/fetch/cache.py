"""Raw page cache: bodies stored once by content hash, plus one metadata file per URL.

Keeping raw bytes lets extraction be re-run and debugged without touching the sites again,
and the stored ETag / Last-Modified let a re-crawl ask "has it changed?" instead of
downloading every page. Content addressing means two URLs serving the same page share one
body file. Every write goes to a temporary file in the same folder and is moved into place,
so a crash never leaves a half-written entry that a later run would trust.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from claims.atomic import write_bytes


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class CacheEntry:
    url: str
    final_url: str
    http_status: int
    headers: dict[str, str]
    fetched_at: str
    sha256: str

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    def validators(self) -> dict[str, str]:
        """Conditional-request headers that let the server answer 304 Not Modified."""
        conditional = {}
        if etag := self.header("ETag"):
            conditional["If-None-Match"] = etag
        if modified := self.header("Last-Modified"):
            conditional["If-Modified-Since"] = modified
        return conditional


class RawCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._bodies = self.root / "bodies"
        self._meta = self.root / "meta"

    def _meta_path(self, url: str) -> Path:
        return self._meta / f"{sha256_hex(url.encode('utf-8'))}.json"

    def lookup(self, url: str) -> CacheEntry | None:
        """The entry stored for ``url``; a missing or unreadable file is just a miss."""
        try:
            data = json.loads(self._meta_path(url).read_text(encoding="utf-8"))
            return CacheEntry(**data)
        except (OSError, ValueError, TypeError):
            return None

    def body(self, entry: CacheEntry) -> bytes | None:
        """The stored body, or None if it is gone or no longer matches its hash."""
        try:
            raw = (self._bodies / entry.sha256).read_bytes()
        except OSError:
            return None
        return raw if sha256_hex(raw) == entry.sha256 else None

    def store(self, entry: CacheEntry, raw: bytes) -> None:
        """Write the body before the metadata, so metadata never points at nothing.

        An existing body file is rewritten only if it no longer matches its hash, which
        repairs damage instead of trusting the file name.
        """
        if self.body(entry) is None:
            write_bytes(self._bodies / entry.sha256, raw)
        self.save_entry(entry)

    def save_entry(self, entry: CacheEntry) -> None:
        text = json.dumps(asdict(entry), ensure_ascii=False, indent=1, sort_keys=True)
        write_bytes(self._meta_path(entry.url), text.encode("utf-8"))
