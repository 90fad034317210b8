"""The ``claims`` command line.

``claims run`` runs the Prefect flow; the other commands run single stages so a researcher
can see what each stage makes of a page (``extract``, ``sentences``, ``tag``), score a run
against labelled articles (``evaluate``) or review flagged claims (``review``).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

REPO_EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "raw" / "examples"

#: Exit statuses of ``claims run`` (a cancelled run: 128 + the signal's number).
EXIT_ALL_FAILED = 1  # every source failed
EXIT_USAGE = 2  # a usage mistake, reported before anything started
EXIT_STARTUP = 3  # no Prefect API could be reached or started
# 130, 143: cancelled by SIGINT, SIGTERM (claims.lifecycle.signals)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    return args.handler(args) or 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claims", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="tag sources and write the dataset (a Prefect flow)")
    run.add_argument("sources", nargs="*", metavar="SOURCE",
                     help="http(s) URL, .html/.htm/.txt file, folder, or @FILE listing sources "
                          "(default: the bundled examples in data/raw/examples)")
    run.add_argument("--out", default=None, help="output folder (default: data/processed)")
    run.add_argument("--append", action="store_true", help="add to an existing output instead of replacing it")
    run.add_argument("--refresh", action="store_true", help="ignore the page cache and fetch again")
    run.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    run.add_argument("--chunk-size", type=int, default=None, help="most articles per task (default: by runner, see CHUNK_SIZE in claims/scheduling.py)")
    run.add_argument("--runner", choices=("local", "dask"), default="local",
                     help="where tagging tasks run: threads of this process (default) or Dask workers")
    run.add_argument("--dask-address", default=None, metavar="ADDRESS",
                     help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                          "(default with --runner dask: a local cluster)")
    run.add_argument("--dask-workers", type=int, default=None, metavar="N",
                     help="worker processes of the local Dask cluster (default: one per core)")
    run.set_defaults(handler=_run)

    ext = sub.add_parser("extract", help="print the main text of one source (blocks separated by blank lines)")
    ext.add_argument("source", metavar="SOURCE")
    ext.set_defaults(handler=_extract)

    sen = sub.add_parser("sentences", help="split text into sentences, one JSON object per line")
    sen.add_argument("file", nargs="?", help="text file (default: standard input)")
    sen.set_defaults(handler=_sentences)

    tag = sub.add_parser("tag", help="tag plain text, one JSON object per sentence")
    tag.add_argument("file", nargs="?", help="text file (default: standard input)")
    tag.add_argument("--lines", action="store_true", help="treat each input line as its own document")
    tag.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    tag.set_defaults(handler=_tag)

    ev = sub.add_parser("evaluate", help="score the tagger against labelled units (docs/annotation.md)")
    ev.add_argument("gold", metavar="GOLD",
                    help="a gold .jsonl file (its texts in articles/ beside it), a folder of real pages "
                         "(pages.jsonl + gold.jsonl), or a folder holding several such sets")
    ev.add_argument("--pred", default=None,
                    help="score this run folder or claims table instead of tagging the gold set's texts")
    ev.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    ev.add_argument("--json", action="store_true", help="print the full report as JSON")
    ev.set_defaults(handler=_evaluate)

    rev = sub.add_parser("review", help="open the review app on a run's output (binds 127.0.0.1)")
    rev.add_argument("dir", nargs="?", default="data/processed")
    rev.add_argument("--port", type=int, default=None)
    rev.set_defaults(handler=_review)

    srv = sub.add_parser("server", help="start, check or stop a local Prefect server that runs reuse",
                         description="A local Prefect server (API, UI, services) on 127.0.0.1 that every "
                                     "`claims run` without PREFECT_API_URL finds and uses, instead of starting "
                                     "a temporary one of its own.")
    srv.add_argument("action", choices=("start", "status", "stop"),
                     help="start it (once; a second start reports the running one), report it, or stop it")
    srv.add_argument("--port", type=int, default=None,
                     help="port for start (default 4200)")
    srv.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                     help="how long start waits for the server to answer (default: CLAIMS_PREFECT_STARTUP_TIMEOUT, 120)")
    srv.set_defaults(handler=_server)
    return parser


def _run(args) -> int:
    """Usage checks first, with light modules only; then the Prefect API, the flow."""
    from claims.lifecycle.signals import RunCancelled, cancel_on_signals
    from claims.settings import Settings
    from claims.usage import run_problems

    settings = Settings.from_env()
    sources = args.sources or [_examples_dir()]
    out_dir = args.out or settings.out_dir
    with cancel_on_signals():
        try:
            problems = run_problems(sources, out_dir, args.rules, args.chunk_size, args.runner, args.dask_address,
                                    args.dask_workers)
            for problem in problems:
                print(f"claims run: {problem}", file=sys.stderr)
            if problems:
                return EXIT_USAGE
            return _run_flow(args, sources, out_dir, settings)
        except RunCancelled as stop:
            print(f"claims run: {stop}; {out_dir} keeps its last committed run", file=sys.stderr)
            return stop.exit_code


def _run_flow(args, sources: list[str], out_dir: str, settings) -> int:
    """The flow on a Prefect API found or started for it; a temporary server starts while the
    flow's modules import."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from claims.lifecycle.apiserver import ApiUnavailable, api_for_run
    from claims.settings import Settings

    started: dict = {}

    def meanwhile() -> None:
        """While a temporary Prefect server starts: the flow's imports, and a local Dask
        cluster (its workers start now too, with the server's address) or, for the local
        runner, the tagger's model and the final step's code (they load while the flow run
        is set up)."""
        from claims.pipeline import warm_up
        from claims.runners import task_runner

        started["runner"] = task_runner(args.runner, args.dask_address, args.dask_workers, start_now=True)
        if args.runner == "local":
            warm_up(Settings.from_env(rules_dir=args.rules, out_dir=out_dir))

    try:
        with api_for_run(settings.prefect_startup_timeout, meanwhile) as api:
            print(f"claims run: Prefect API at {api.url} ({api.origin})", file=sys.stderr)
            from claims.dataset import DatasetError
            from claims.flow import claims_run

            try:
                counts = claims_run.with_options(task_runner=started["runner"])(
                    sources=sources, out_dir=out_dir, append=args.append, refresh=args.refresh,
                    rules_dir=args.rules, chunk_size=args.chunk_size,
                )
            except DatasetError as exc:
                print(f"claims run: {exc}", file=sys.stderr)
                return EXIT_ALL_FAILED
    except ApiUnavailable as exc:
        print(f"claims run: could not start: {exc}", file=sys.stderr)
        return EXIT_STARTUP
    finally:
        if "runner" in started:  # a local cluster the run did not take over (it failed first) is closed
            from claims.lifecycle.signals import RunCancelled
            from claims.runners import release_started_cluster

            release_started_cluster(started["runner"], wait=not isinstance(sys.exc_info()[1], RunCancelled))
    print(
        f"wrote {out_dir}: {counts['n_articles']} articles ({counts['n_ok']} ok, {counts['n_error']} error, "
        f"{counts['n_skipped']} skipped), {counts['n_claims']} claim sentences, "
        f"{counts['n_needs_citation']} need a citation"
    )
    failed_all = counts["n_articles"] > 0 and counts["n_ok"] == 0
    return EXIT_ALL_FAILED if failed_all else 0


def _examples_dir() -> str:
    try:
        return os.path.relpath(REPO_EXAMPLES)
    except ValueError:  # another drive on Windows
        return str(REPO_EXAMPLES)


def _extract(args) -> int:
    from claims.extract import extract
    from claims.pipeline import read_source
    from claims.settings import Settings
    from claims.sources import resolve_sources

    sources = resolve_sources([args.source])
    if not sources:
        print(f"claims extract: {args.source}: nothing to read", file=sys.stderr)
        return 1
    for source in sources:
        page = read_source(source, Settings.from_env())
        if page.status != "ok":
            print(f"claims extract: {source.given}: {page.status}: {page.error}", file=sys.stderr)
            return 1
        doc = extract(page.text or "", page.content_type or "text/plain", page.url)
        print(doc.text)
    return 0


def _read_input(file: str | None) -> str:
    """The text to read; a byte-order mark is not part of it."""
    if file is None:
        return sys.stdin.read().removeprefix("\ufeff")
    return Path(file).read_text(encoding="utf-8-sig", errors="replace")


def _sentences(args) -> int:
    from claims.sentences import split_text

    text = _read_input(args.file)
    for start, end in split_text(text):
        print(json.dumps({"start": start, "end": end, "text": text[start:end]}, ensure_ascii=False))
    return 0


def _tag(args) -> int:
    from claims.extract.plaintext import extract_text
    from claims.sentences import split_document
    from claims.settings import Settings
    from claims.tagger import Tagger

    from claims.tagger.rules import RuleError

    try:
        tagger = Tagger(Settings.from_env(rules_dir=args.rules))
    except RuleError as exc:
        print(f"claims tag: {exc}", file=sys.stderr)
        return 2
    text = _read_input(args.file)
    documents = text.splitlines() if args.lines else [text]
    for number, document_text in enumerate(documents):
        if args.lines and not document_text.strip():
            continue
        doc = extract_text(document_text)
        sentences = split_document(doc)
        for sentence, tag in zip(sentences, tagger.tag_sentences(sentences)):
            record = {"document": number, "start": sentence.start, "end": sentence.end, "text": sentence.text,
                      "section": sentence.section}
            fields = asdict(tag)
            for private in ("topic", "red_flag_codes"):
                fields.pop(private)
            print(json.dumps({**record, **fields}, ensure_ascii=False))
    return 0


def _evaluate(args) -> int:
    from claims.dataset import DatasetError
    from claims.evaluate import evaluate, evaluate_set, format_report
    from claims.goldsets import load_gold_set
    from claims.settings import Settings
    from claims.tagger import Tagger

    try:
        if args.pred is not None:
            report = evaluate(args.gold, args.pred)
        else:
            gold = load_gold_set(args.gold)
            if not gold.documents:
                raise ValueError(f"{args.gold}: none of its texts is here to tag; give a run with --pred")
            report = evaluate_set(gold, Tagger(Settings.from_env(rules_dir=args.rules)))
    except (OSError, ValueError, DatasetError) as exc:
        print(f"claims evaluate: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def _review(args) -> int:
    from claims.review import LaunchError, launch
    from claims.review.server import stop_on_signals

    with stop_on_signals():
        try:
            server = launch(args.dir, port=args.port, open_browser=True)
        except LaunchError as exc:
            print(f"claims review: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:  # stopped while starting: launch stopped the server
            return 0
        print(f"review app for {args.dir} at {server.url} (Ctrl-C stops it)")
        with server:
            try:
                server.wait()
            except KeyboardInterrupt:
                pass
    return 0


def _server(args) -> int:
    from claims.lifecycle import localserver
    from claims.lifecycle.apiserver import ApiUnavailable
    from claims.settings import Settings

    if args.action == "start":
        timeout = args.timeout if args.timeout is not None else Settings.from_env().prefect_startup_timeout
        try:
            note, now = localserver.start(args.port or localserver.DEFAULT_PORT, timeout)
        except ApiUnavailable as exc:
            print(f"claims server: could not start: {exc}", file=sys.stderr)
            return EXIT_STARTUP
        print(f"Prefect server {'started' if now else 'already running'} at {note.url} (pid {note.pid}); "
              f"`claims run` uses it. UI: {note.url.removesuffix('/api')}\n"
              f"For Prefect's own commands and workers: export PREFECT_API_URL={note.url}")
        return 0
    if args.port is not None or args.timeout is not None:
        print(f"claims server {args.action}: --port and --timeout are for start", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "status":
        note = localserver.running()
        if note is None:
            print("no claims server is running (`claims server start` starts one)")
            return 1
        print(f"Prefect server running at {note.url} (pid {note.pid})")
        return 0
    note = localserver.stop()
    print(f"stopped the Prefect server at {note.url} (pid {note.pid})" if note else "no claims server was running")
    return 0


def console_main() -> None:
    """The ``claims`` command. Once a command is done and its output flushed, the process
    ends without the interpreter's teardown: a cancelled run's abandoned fetches would
    hold that teardown until their timeouts, and unloading spaCy, pandas and Prefect costs
    a finished run about half a second. Everything a run writes is closed and synced by
    then; ``logging.shutdown`` flushes the log handlers (Prefect's included)."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe: nothing left to tell
            pass
    os._exit(code)


if __name__ == "__main__":
    console_main()
