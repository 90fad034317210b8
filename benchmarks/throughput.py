"""Throughput: the tagger against bare spaCy, the flow on the local and Dask runners, peak
memory as the input grows, and polite concurrent fetching.

The corpus is generated: articles assembled at random (seeded) from the headings, paragraph
sentences and list items of the example pages in ``src/claims/examples``, written as HTML files.

1. Tagger words/s over the sentences of the smallest corpus, against bare ``nlp.pipe`` of the
   same model with the same components the tagger keeps (parser and NER excluded), all in
   this process, the three measures interleaved, best of ``--repeat``. Also shown: the
   tagger's own spaCy pipeline (with our two components) alone, so the cost splits into
   matching and deciding.
2. For each size and runner, the whole flow (``claims_run``) in a fresh child process:
   end-to-end articles/s, the tagging part's articles/s (``tag_seconds``: first fetch to last
   chunk tagged, model loading included), the flow process's peak RSS (ru_maxrss), and, from
   polling the process tree, CPU seconds of the flow process, the Dask workers and Prefect's
   temporary server, and the workers' peak RSS. Speed-up = local / Dask. The CPU split shows
   what a 2-core machine caps: the flow process and the server share the cores with the
   workers, while with the local runner they use the core tagging leaves idle.
3. ``benchmarks/fetch.py`` with its defaults (200 pages, 10 hosts, 200 ms per response).

    .venv/bin/python benchmarks/throughput.py [--sizes 200 2000] [--workers 2] [--skip-fetch]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "src" / "claims" / "examples"
GOAL_TAGGER_RATIO = 0.8
GOAL_DASK_SPEEDUP = 1.7
GOAL_RSS_GROWTH = 1.5
SEED = 7


# --- corpus ----------------------------------------------------------------------------


def example_pools() -> dict[str, list[str]]:
    """Titles, headings, paragraph sentences and list items of the example pages."""
    from claims.extract import extract
    from claims.sentences import split_document

    pools: dict[str, list[str]] = {"title": [], "heading": [], "paragraph": [], "list_item": []}
    for path in sorted(EXAMPLES.iterdir()):
        kind = "text/html" if path.suffix == ".html" else "text/plain"
        document = extract(path.read_text(encoding="utf-8"), kind, None)
        for block in document.blocks:
            if block.kind in ("title", "heading", "list_item"):
                pools[block.kind].append(document.text[block.start : block.end])
        pools["paragraph"] += [s.text for s in split_document(document) if s.block_kind == "paragraph"]
    return pools


def make_corpus(n_articles: int, folder: Path, pools: dict[str, list[str]], seed: int = SEED) -> list[Path]:
    """Write ``n_articles`` HTML pages of about the examples' length (5 sections)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_articles):
        title = rng.choice(pools["title"])
        body = [f"<h1>{html.escape(title)}</h1>"]
        for _ in range(5):
            body.append(f"<h2>{html.escape(rng.choice(pools['heading']))}</h2>")
            for _ in range(rng.randint(1, 2)):
                sentences = rng.sample(pools["paragraph"], rng.randint(3, 5))
                body.append(f"<p>{html.escape(' '.join(sentences))}</p>")
            if rng.random() < 0.4:
                items = rng.sample(pools["list_item"], rng.randint(3, 5))
                body.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
        page = (
            f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><article>{''.join(body)}</article></body></html>"
        )
        path = folder / f"article-{i:05d}.html"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


# --- 1. tagger against bare spaCy -------------------------------------------------------


def tagger_figures(paths: list[Path], repeat: int) -> dict:
    import spacy

    from claims.extract import extract
    from claims.model.inputs import model_input
    from claims.sentences import split_document
    from claims.settings import Settings
    from claims.tagger import EXCLUDED_COMPONENTS, Tagger

    settings = Settings.from_env()  # CLAIMS_TAGGER=rules measures the rules alone
    articles = [split_document(extract(p.read_text(encoding="utf-8"), "text/html", None)) for p in paths]
    texts = [s.text for sentences in articles for s in sentences]
    words = sum(len(t.split()) for t in texts)
    tagger = Tagger(settings)
    bare = spacy.load(settings.model, exclude=list(EXCLUDED_COMPONENTS))
    # In the modes with the trained classifier, bare spaCy runs its pipeline too: like for like.
    inputs = [model_input(s) for sentences in articles for s in sentences] if tagger.classifier else []

    def bare_pipe() -> None:
        list(bare.pipe(texts, batch_size=settings.batch_size))
        if tagger.classifier is not None:
            list(tagger.classifier.nlp.pipe(inputs, batch_size=settings.batch_size))

    runs = {
        "bare": bare_pipe,
        "pipeline": lambda: list(tagger.nlp.pipe(texts, batch_size=settings.batch_size)),
        "tagger": lambda: list(tagger.tag_articles((sentences, None) for sentences in articles)),
    }
    for run in runs.values():
        run()  # warm-up: first-call allocations are not throughput
    # Interleaved, so a slower spell of the machine hits every measure alike; best kept.
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - start)
    bare_s, pipeline_s, tagger_s = (min(timings[name]) for name in runs)
    return {
        "articles": len(articles),
        "sentences": len(texts),
        "words": words,
        "bare_components": bare.pipe_names
        + (["classifier: " + "+".join(tagger.classifier.nlp.pipe_names)] if tagger.classifier else []),
        "mode": settings.tagger,
        "tagger_components": tagger.nlp.pipe_names,
        "bare_wps": words / bare_s,
        "pipeline_wps": words / pipeline_s,
        "tagger_wps": words / tagger_s,
    }


# --- 2. the flow, one child process per run ---------------------------------------------


def run_child(size: int, runner: str, corpus: Path, workers: int, chunk_size: int | None, scratch: Path) -> dict:
    result = scratch / f"{runner}-{size}.json"
    log = scratch / f"{runner}-{size}.log"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        runner,
        "--corpus",
        str(corpus),
        "--out",
        str(scratch / f"out-{runner}-{size}"),
        "--result",
        str(result),
        "--workers",
        str(workers),
        *(["--chunk-size", str(chunk_size)] if chunk_size else []),
    ]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "CLAIMS_CACHE_DIR": str(scratch / "cache")}
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=HERE.parent)
        usage = watch(process)
    if process.returncode != 0:  # the scratch folder goes with the benchmark: show the log's end now
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise SystemExit("\n".join([f"{runner} run over {size} articles failed (exit {process.returncode}):", *tail]))
    return {**json.loads(result.read_text()), **usage}


def watch(process: subprocess.Popen, every: float = 0.2) -> dict:
    """Until ``process`` ends: CPU seconds per role in its process tree, and the workers'
    peak RSS (sampled, so a peak shorter than ``every`` may be missed)."""
    root = psutil.Process(process.pid)
    seen: dict[int, tuple[str, float, int]] = {}  # pid -> (role, cpu seconds, peak rss)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for proc in tree:
            try:
                with proc.oneshot():
                    role = _role(proc, root)
                    times, rss = proc.cpu_times(), proc.memory_info().rss
            except psutil.Error:
                continue
            peak = max(rss, seen[proc.pid][2]) if proc.pid in seen else rss
            seen[proc.pid] = (role, times.user + times.system, peak)
        time.sleep(every)
    cpu: dict[str, float] = defaultdict(float)
    for role, seconds, _ in seen.values():
        cpu[role] += seconds
    workers = [peak for role, _, peak in seen.values() if role == "worker"]
    return {"cpu": dict(cpu), "worker_peak_rss_mib": max(workers) / 2**20 if workers else None}


def _role(proc: psutil.Process, root: psutil.Process) -> str:
    if proc.pid == root.pid:
        return "flow"
    command = " ".join(proc.cmdline())
    if "prefect.server" in command:
        return "server"
    return "worker" if "spawn_main" in command else "other"


def child(args: argparse.Namespace) -> int:
    """One flow run; writes wall time, tag time, counts and this process's peak RSS."""
    from claims.flow import claims_run
    from claims.runners import release_started_cluster, task_runner

    runner = task_runner(args.child, dask_workers=args.workers if args.child == "dask" else None, start_now=True)
    start = time.perf_counter()
    try:
        counts = claims_run.with_options(task_runner=runner)(
            sources=[args.corpus], out_dir=args.out, chunk_size=args.chunk_size
        )
    finally:
        release_started_cluster(runner)
    wall = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    Path(args.result).write_text(json.dumps({**counts, "wall": wall, "peak_rss_mib": peak_mib}))
    return 0


# --- report -----------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000], help="corpus sizes (articles)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--chunk-size", type=int, default=None, help="most articles per task (default: the flow's)")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats of the tagger measure (best kept)")
    parser.add_argument("--skip-fetch", action="store_true")
    parser.add_argument("--skip-flow", action="store_true", help="only the tagger measure (1)")
    parser.add_argument("--child", choices=("local", "dask"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    sizes = sorted(set(args.sizes))
    print(f"machine: {os.cpu_count()} cores, {_memory_gib():.0f} GiB RAM, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="claims-throughput-") as tmp:
        scratch = Path(tmp)
        pools = example_pools()
        corpora = {n: scratch / f"corpus-{n}" for n in sizes}
        for n, folder in corpora.items():
            make_corpus(n, folder, pools)

        t = tagger_figures(sorted(corpora[sizes[0]].iterdir()), args.repeat)
        ratio = t["tagger_wps"] / t["bare_wps"]
        print(
            f"\n1. tagger, {t['articles']} articles, {t['sentences']} sentences, {t['words']} words "
            f"(best of {args.repeat})"
        )
        print(f"   tagger mode {t['mode']}; bare nlp.pipe {t['bare_components']}: {t['bare_wps']:,.0f} words/s")
        added = sorted(set(t["tagger_components"]) - set(t["bare_components"]))
        print(f"   tagger's pipeline alone (+ {', '.join(added)}): {t['pipeline_wps']:,.0f} words/s")
        print(f"   Tagger.tag_articles (pipeline + decisions): {t['tagger_wps']:,.0f} words/s")
        print(
            f"   ratio tagger / bare = {ratio:.2f} (goal >= {GOAL_TAGGER_RATIO}: {verdict(ratio >= GOAL_TAGGER_RATIO)})"
        )

        if args.skip_flow:
            return 0
        chunks = f"at most {args.chunk_size}" if args.chunk_size else "the flow's default number of"
        print(f"\n2. flow, chunks of {chunks} articles, Dask: local cluster of {args.workers} worker processes")
        print(
            f"   {'articles':>8} {'runner':>6} {'wall s':>8} {'art/s':>7} {'tag s':>7} {'tag art/s':>9} "
            f"{'claims':>7} {'RSS MiB flow':>12} {'worker':>6}   CPU s flow/workers/server"
        )
        rows: dict[tuple[int, str], dict] = {}
        for n in sizes:
            for runner in ("local", "dask"):
                r = rows[n, runner] = run_child(n, runner, corpora[n], args.workers, args.chunk_size, scratch)
                worker_rss = f"{r['worker_peak_rss_mib']:.0f}" if r["worker_peak_rss_mib"] else "-"
                cpu = "/".join(f"{r['cpu'].get(role, 0):.0f}" for role in ("flow", "worker", "server"))
                print(
                    f"   {n:>8} {runner:>6} {r['wall']:>8.1f} {n / r['wall']:>7.1f} {r['tag_seconds']:>7.1f} "
                    f"{n / r['tag_seconds']:>9.1f} {r['n_claims']:>7} {r['peak_rss_mib']:>12.0f} {worker_rss:>6}   "
                    f"{cpu}",
                    flush=True,
                )
        for n in sizes:
            local, dask = rows[n, "local"], rows[n, "dask"]
            tag_speedup = local["tag_seconds"] / dask["tag_seconds"]
            same = local["n_claims"] == dask["n_claims"]
            print(
                f"   {n} articles: Dask speed-up end-to-end {local['wall'] / dask['wall']:.2f}x, tagging part "
                f"{tag_speedup:.2f}x (goal >= {GOAL_DASK_SPEEDUP}x: {verdict(tag_speedup >= GOAL_DASK_SPEEDUP)}); "
                f"same claim count: {same}"
            )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            for runner, key in (("local", "peak_rss_mib"), ("dask", "peak_rss_mib"), ("dask", "worker_peak_rss_mib")):
                growth = rows[large, runner][key] / rows[small, runner][key]
                what = f"{runner} {'worker' if key.startswith('worker') else 'flow'} process"
                print(
                    f"   peak RSS, {what}: {large} vs {small} articles = {growth:.2f}x "
                    f"(goal <= {GOAL_RSS_GROWTH}x: {verdict(growth <= GOAL_RSS_GROWTH)})"
                )

    if not args.skip_fetch:
        print("\n3. fetch (benchmarks/fetch.py)", flush=True)
        subprocess.run([sys.executable, str(HERE / "fetch.py")], check=False)
    return 0


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


if __name__ == "__main__":
    sys.exit(main())
