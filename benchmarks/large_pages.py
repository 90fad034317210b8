"""Large pages: time and peak memory of one article of 1, 2, 4 and 8 MB, stage by stage.

Each page is one generated HTML article (seeded: sections of headings, paragraphs and lists
drawn from the example pages, as ``throughput.py`` makes them) of about the given size. Each
size runs in a fresh child process, which loads the model, then takes the page the way a run
does: ``read_file`` (decoding), ``pipeline.analyse`` (extraction, sentence splitting, tagging,
rows) and a commit into a run folder (Parquet, CSV, texts). The child polls its own resident
memory every few milliseconds; "memory" is the peak above what it held with the model loaded
and before reading the page, so it is what the page costs.

Prints, per size, the CPU seconds (this process's, all threads: a busy machine moves them
less than wall time) and memory of each stage and in all, then the ratio of each to the size
before it: a cost that grows linearly with the page doubles when the page doubles (ratio
2.0); one that grows with the square quadruples.

    .venv/bin/python benchmarks/large_pages.py [--sizes 1 2 4 8]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from throughput import example_pools  # noqa: E402  (the same sentence pools as the throughput corpus)

SEED = 11
MB = 1024 * 1024
STAGES = ("read", "extract", "split", "tag", "rows", "commit")
POLL_SECONDS = 0.005


def make_page(size_bytes: int, pools: dict[str, list[str]], seed: int = SEED) -> str:
    """One HTML article of at least ``size_bytes`` bytes (UTF-8), sections until it is."""
    rng = random.Random(seed)
    title = rng.choice(pools["title"])
    parts = [
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>{html.escape(title)}</h1>"
    ]
    size = len(parts[0])
    while size < size_bytes:
        section = [f"<h2>{html.escape(rng.choice(pools['heading']))}</h2>"]
        for _ in range(rng.randint(1, 3)):
            sentences = rng.sample(pools["paragraph"], rng.randint(3, 6))
            section.append(f"<p>{html.escape(' '.join(sentences))}</p>")
        if rng.random() < 0.4:
            items = rng.sample(pools["list_item"], rng.randint(3, 5))
            section.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
        text = "".join(section)
        parts.append(text)
        size += len(text.encode("utf-8"))
    parts.append("</article></body></html>")
    return "".join(parts)


class MemoryPoll:
    """This process's resident memory, polled in a thread; ``peak`` since the last ``reset``."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def reset(self) -> int:
        self.peak = self.now()
        return self.peak

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.peak = max(self.peak, self.now())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def measure_one(megabytes: float) -> dict:
    """Run one page through every stage in this process; seconds and peak bytes per stage."""
    import claims.pipeline as pipeline
    from claims.fetch import read_file
    from claims.runfolder import RunFolder, RunInfo
    from claims.settings import Settings
    from claims.tagger import Tagger

    settings = Settings(max_bytes=64 * MB)
    tagger = Tagger(settings)
    tagger.tag_texts(["Ketamine relieves pain."])  # first-call allocations are not the page's
    poll = MemoryPoll()
    seconds: dict[str, float] = {stage: 0.0 for stage in STAGES}
    peaks: dict[str, int] = {stage: 0 for stage in STAGES}

    @contextmanager
    def stage(name: str):
        start = time.process_time()
        poll.peak = poll.now()
        try:
            yield
        finally:
            seconds[name] += time.process_time() - start
            peaks[name] = max(peaks[name], poll.peak)

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            with stage(name):
                return function(*args, **kwargs)

        return wrapper

    # The stages as analyse() calls them, each timed where it is looked up.
    pipeline.extract = timed("extract", pipeline.extract)
    pipeline.split_document = timed("split", pipeline.split_document)
    tag_articles = tagger.tag_articles
    tagger.tag_articles = timed("tag", lambda articles: list(tag_articles(articles)))
    pipeline._add_claims = timed("rows", pipeline._add_claims)

    with tempfile.TemporaryDirectory(prefix="claims-large-") as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(make_page(int(megabytes * MB), example_pools()), encoding="utf-8")
        size = path.stat().st_size
        gc_collect()
        baseline = poll.reset()
        started, wall = time.process_time(), time.perf_counter()
        with stage("read"):
            page = read_file(path, str(path), max_bytes=settings.max_bytes)
        result = pipeline.analyse(page, tagger, "bench")
        with stage("commit"):
            now = pipeline.now_iso()
            folder = RunFolder(Path(tmp) / "out")
            begun = folder.begin("bench", {"sources": [str(path)]})
            begun.parts.write_chunk(0, [result.article], result.claims, [result.text] if result.text else [])
            folder.commit(begun, RunInfo("bench", now, now, [str(path)], False, tagger.model, tagger.rules_version))
        total, wall = time.process_time() - started, time.perf_counter() - wall
    poll.stop()
    return {
        "mb": megabytes,
        "bytes": size,
        "status": result.article.status,
        "sentences": result.article.n_sentences,
        "claims": result.article.n_claims,
        "seconds": seconds,
        "total_seconds": total,
        "wall_seconds": wall,
        "peak_bytes": {name: max(0, peak - baseline) for name, peak in peaks.items()},
        "total_peak_bytes": max(0, max(peaks.values()) - baseline),
        "model_bytes": baseline,
    }


def gc_collect() -> None:
    import gc

    gc.collect()


def child(megabytes: float) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(megabytes)], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(runs: list[dict]) -> None:
    head = f"{'page':>8} {'sentences':>9} " + " ".join(f"{s:>8}" for s in STAGES) + f" {'total':>8}"
    print("CPU seconds per stage (wall: elapsed time of the whole page)")
    print(head + f" {'wall':>8}")
    for run in runs:
        print(
            f"{run['bytes'] / MB:>6.1f}MB {run['sentences']:>9} "
            + " ".join(f"{run['seconds'][s]:>8.2f}" for s in STAGES)
            + f" {run['total_seconds']:>8.2f} {run['wall_seconds']:>8.2f}"
        )
    print("\npeak memory above the loaded model, MB, per stage")
    print(head)
    for run in runs:
        print(
            f"{run['bytes'] / MB:>6.1f}MB {run['sentences']:>9} "
            + " ".join(f"{run['peak_bytes'][s] / MB:>8.0f}" for s in STAGES)
            + f" {run['total_peak_bytes'] / MB:>8.0f}"
        )
    print(f"(model loaded: {runs[0]['model_bytes'] / MB:.0f} MB resident before the page)")
    print("\nratio to the page half its size (2.0 = linear)")
    print(f"{'page':>8} {'bytes':>6} {'time':>6} {'memory':>6}   per stage (time)")
    for before, run in zip(runs, runs[1:]):
        stages = " ".join(f"{s} {run['seconds'][s] / max(before['seconds'][s], 1e-9):.2f}" for s in STAGES[1:5])
        print(
            f"{run['bytes'] / MB:>6.1f}MB {run['bytes'] / before['bytes']:>6.2f} "
            f"{run['total_seconds'] / before['total_seconds']:>6.2f} "
            f"{run['total_peak_bytes'] / max(before['total_peak_bytes'], 1):>6.2f}   {stages}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8], help="page sizes in MB")
    parser.add_argument("--child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure_one(args.child)))
        return 0
    runs = []
    for megabytes in args.sizes:
        run = child(megabytes)
        print(
            f"{megabytes:g} MB: {run['total_seconds']:.1f} CPU s, {run['total_peak_bytes'] / MB:.0f} MB, "
            f"status {run['status']}",
            flush=True,
        )
        runs.append(run)
    print()
    report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
