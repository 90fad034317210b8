"""Labelled sets on disk: the units of a gold file, and the texts they were labelled on.

Three shapes, all labelled by the spec in ``docs/annotation.md``:

* a gold file (``*.jsonl``) whose documents are ``<doc>.txt`` files in an ``articles/``
  folder beside it (``data/dev``, ``data/heldout``, a lockbox batch's ``written/``);
* a folder of real web pages (``pages.jsonl`` + ``gold.jsonl``): their texts may not be
  committed, so the gold keeps character offsets, not text, and ``pages.jsonl`` keeps each
  page's URL and the SHA-256 of its text. The texts live in a git-ignored cache folder
  (``data/lockbox/cache/<doc>.txt``, found in the set's folder, beside it or beside its
  batch); a page whose cached text is missing or differs is left out and reported;
* a folder holding several of these (a lockbox batch: ``written/`` and ``real/``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

GOLD_FIELDS = {"doc", "labels", "needs_citation"}


class GoldSetError(ValueError):
    """A gold set is malformed; the message names the file and line."""


@dataclass
class GoldSet:
    name: str
    #: Units with their text, in reading order per document.
    units: list[dict] = field(default_factory=list)
    #: The text file each document was labelled on.
    documents: dict[str, Path] = field(default_factory=dict)
    #: Documents left out, with the reason (a real page whose cached text is unavailable).
    missing: dict[str, str] = field(default_factory=dict)

    def extend(self, other: "GoldSet") -> None:
        self.units += other.units
        self.documents.update(other.documents)
        self.missing.update(other.missing)


def read_units(path: Path) -> list[dict]:
    """A gold file's units, each checked for the fields scoring needs."""
    units = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            unit = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldSetError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        missing = GOLD_FIELDS - unit.keys()
        if "text" not in unit and not {"start", "end"} <= unit.keys():
            missing.add("text")
        if missing:
            raise GoldSetError(f"{path}:{number}: missing field(s) {', '.join(sorted(missing))}")
        units.append(unit)
    return units


def load_gold_set(path: str | Path, cache_dir: str | Path | None = None, articles: str | Path | None = None) -> GoldSet:
    """The gold set at ``path`` (any of the three shapes); ``cache_dir`` holds real pages'
    texts (default: ``cache/`` beside the batch folder that holds the pages), ``articles`` a
    gold file's texts (default: ``articles/`` beside it)."""
    path = Path(path)
    if path.is_file():
        return _written(path, Path(articles) if articles else None)
    if (path / "pages.jsonl").is_file():
        return _real(path, Path(cache_dir) if cache_dir else _cache_near(path))
    if (path / "gold.jsonl").is_file():
        return _written(path / "gold.jsonl")
    parts = sorted(p for p in path.iterdir() if p.is_dir() and ((p / "gold.jsonl").is_file()))
    if not path.is_dir() or not parts:
        raise GoldSetError(f"{path}: not a gold file or a folder of labelled sets")
    combined = GoldSet(path.name)
    for part in parts:
        combined.extend(load_gold_set(part, cache_dir))
    return combined


def _cache_near(folder: Path) -> Path:
    """The nearest ``cache/`` folder: in the set, beside it, or beside the batch holding it."""
    candidates = [folder / "cache", folder.parent / "cache", folder.parent.parent / "cache"]
    return next((c for c in candidates if c.is_dir()), candidates[-1])


def _written(gold: Path, articles: Path | None = None) -> GoldSet:
    found = GoldSet(gold.parent.name, read_units(gold))
    articles = articles or gold.parent / "articles"
    for doc in dict.fromkeys(u["doc"] for u in found.units):
        text = articles / f"{doc}.txt"
        if text.is_file():
            found.documents[doc] = text
        else:
            found.missing[doc] = f"{text} not found"
    found.units = [u for u in found.units if u["doc"] in found.documents]
    return found


def _real(folder: Path, cache: Path) -> GoldSet:
    found = GoldSet(folder.name)
    pages = {}
    for number, line in enumerate((folder / "pages.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            page = json.loads(line)
            if not {"doc", "url", "sha256"} <= page.keys():
                raise GoldSetError(f"{folder / 'pages.jsonl'}:{number}: needs doc, url and sha256")
            pages[page["doc"]] = page
    texts = {}
    for doc, page in pages.items():
        cached = cache / f"{doc}.txt"
        if not cached.is_file():
            found.missing[doc] = f"no cached text ({cached}); rebuild the cache from {page['url']}"
            continue
        raw = cached.read_bytes()
        if hashlib.sha256(raw).hexdigest() != page["sha256"]:
            found.missing[doc] = f"cached text of {page['url']} differs from the one labelled (SHA-256)"
            continue
        texts[doc] = raw.decode("utf-8")
        found.documents[doc] = cached
    for unit in read_units(folder / "gold.jsonl"):
        if unit["doc"] in texts:
            found.units.append({**unit, "text": texts[unit["doc"]][unit["start"] : unit["end"]]})
    return found
