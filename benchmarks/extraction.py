"""Main-text extraction benchmark: ``extract_html`` against trafilatura's defaults.

Usage:
    .venv/bin/python benchmarks/extraction.py ../shared/bench/extraction [--bootstrap 1000]

BENCH_DIR holds ``html/<id>.html.gz``, ``ground-truth.json`` and ``score.py`` (see its
README). The text scored for our extractor is ``Document.text``, exactly what
``claims extract`` produces, title block included. Its ground truth holds article bodies
without titles, so the title block is scored as surplus text; the body-only figure (title
block left out) is printed beside it to show what that costs.

trafilatura with default options runs in the same process on the same pages as the baseline;
speed is pages per second of one process, and the ratio to the baseline is what carries over
to another machine.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import trafilatura

from claims.document import Document
from claims.extract import extract_html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench_dir", type=Path, help="the extraction benchmark folder")
    parser.add_argument("--bootstrap", type=int, default=0, help="resamples for std estimates")
    args = parser.parse_args(argv)

    bench = args.bench_dir
    missing = [p for p in ("html", "ground-truth.json", "score.py") if not (bench / p).exists()]
    if missing:
        print(
            f"error: {bench} is not the extraction benchmark folder (missing: {', '.join(missing)}).\n"
            "It ships in the shared data folder beside the checkout: ../shared/bench/extraction",
            file=sys.stderr,
        )
        return 2
    logging.disable(logging.WARNING)  # trafilatura logs every page it finds no article in
    scorer = _load_scorer(bench / "score.py")
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        path.name.split(".")[0]: gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in sorted((bench / "html").glob("*.html.gz"))
    }
    urls = {pid: (truth.get(pid) or {}).get("url") for pid in pages}
    print(f"{len(pages)} pages from {bench}\n")

    baseline, baseline_rate = _run(pages, lambda pid, html: trafilatura.extract(html) or "", "")
    documents, rate = _run(pages, lambda pid, html: extract_html(html, urls[pid]), Document(text="", blocks=[]))
    ours = {pid: doc.text for pid, doc in documents.items()}
    body_only = {pid: _without_title(doc) for pid, doc in documents.items()}

    print("== claims.extract.extract_html, Document.text (score.py output)")
    _score_with_script(bench, ours, args.bootstrap)
    print("\n== trafilatura 2.x defaults, same process (score.py output)")
    _score_with_script(bench, baseline, args.bootstrap)

    body, _ = scorer.score(truth, body_only)
    print(
        "\n== extract_html without the title block (ground truth has no titles): "
        f"P {body['precision']:.3f}  R {body['recall']:.3f}  F1 {body['f1']:.3f}  "
        f"accuracy {body['accuracy']:.3f}"
    )
    blocks = sum(len(doc.blocks) for doc in documents.values())
    links = sum(len(b.links) for doc in documents.values() for b in doc.blocks)
    print(f"   {blocks} blocks, {links} links kept over {len(documents)} pages")
    print(
        f"\nspeed: extract_html {rate:.1f} pages/s, trafilatura defaults {baseline_rate:.1f} pages/s "
        f"(ratio {rate / baseline_rate:.2f})"
    )
    return 0


def _run(pages: dict[str, str], extract: Callable[[str, str], object], empty: object) -> tuple[dict, float]:
    """Extract every page (after one warm-up call); returns results and pages per second.

    A page that raises is reported and scored as empty rather than ending the run.
    """
    extract(*next(iter(pages.items())))
    results: dict = {}
    started = time.perf_counter()
    for pid, html in pages.items():
        try:
            results[pid] = extract(pid, html)
        except Exception as exc:  # noqa: BLE001 - one bad page must not hide the others' scores
            print(f"error on page {pid}: {exc!r}", file=sys.stderr)
            results[pid] = empty
    return results, len(pages) / (time.perf_counter() - started)


def _without_title(doc: Document) -> str:
    return "\n\n".join(doc.block_text(b) for b in doc.blocks if b.kind != "title")


def _score_with_script(bench: Path, predictions: dict[str, str], bootstrap: int) -> None:
    """Write predictions to a temp file and let the benchmark's own score.py print its figures."""
    handle, path = tempfile.mkstemp(suffix=".json", prefix="extraction-predictions-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(predictions, out, ensure_ascii=False)
        command = [sys.executable, str(bench / "score.py"), path]
        if bootstrap:
            command += ["--bootstrap", str(bootstrap)]
        subprocess.run(command, check=True)
    finally:
        os.unlink(path)


def _load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("extraction_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
