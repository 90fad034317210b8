"""The ``claims`` command line.

``claims run`` runs the Prefect flow (``--site`` discovers sites' articles first); the other
commands list a site's articles (``discover``), run single stages so a researcher can see
what each stage makes of a page (``extract``, ``sentences``, ``tag``), score a run against
labelled articles (``evaluate``), print the per-site table (``report``) or review flagged
claims (``review``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path

#: The example pages `claims run` reads when given no source: package data, so any install has them.
EXAMPLES = Path(__file__).resolve().parent / "examples"
TAGGERS = ("rules", "model", "hybrid")
TAGGER_HELP = (
    "who decides the claim types: rules, model (the trained classifier) or hybrid (either); "
    "default: hybrid, or CLAIMS_TAGGER"
)

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
    from claims import __version__

    parser = argparse.ArgumentParser(
        prog="claims",
        description="Find the efficacy, safety and mechanism claims in health-clinic web articles "
        "and flag those that need a citation.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version of claims and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    run = sub.add_parser("run", help="tag sources and write the dataset (a Prefect flow)")
    run.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="http(s) URL, .html/.htm/.txt file, folder, or @FILE listing sources "
        "(default: the example pages bundled with claims, in claims/examples)",
    )
    run.add_argument("--out", default=None, help="output folder (default: data/processed)")
    run.add_argument("--append", action="store_true", help="add to an existing output instead of replacing it")
    run.add_argument("--refresh", action="store_true", help="ignore the page cache and fetch again")
    run.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    run.add_argument("--tagger", choices=TAGGERS, default=None, help=TAGGER_HELP)
    run.add_argument(
        "--chunk-size",
        type=int,
        default=None,
        help="most articles per task (default: by runner, see CHUNK_SIZE in claims/scheduling.py)",
    )
    run.add_argument(
        "--runner",
        choices=("local", "dask"),
        default="local",
        help="where tagging tasks run: threads of this process (default) or Dask workers",
    )
    run.add_argument(
        "--dask-address",
        default=None,
        metavar="ADDRESS",
        help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(default with --runner dask: a local cluster)",
    )
    run.add_argument(
        "--dask-workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the local Dask cluster (default: one per core)",
    )
    run.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="SITE",
        dest="sites",
        help="also read the articles discovered on this site (home page URL or @FILE of them; "
        "repeatable): see `claims discover`",
    )
    _discovery_options(run)
    run.set_defaults(handler=_run)

    disc = sub.add_parser(
        "discover",
        help="list the article URLs of sites (sitemaps, feeds, then links)",
        description="List each site's article URLs: from the sitemaps its robots.txt names and "
        "/sitemap.xml, the feeds its home page links to, then links followed from the "
        "home page. Every request is polite (robots.txt, Crawl-delay, per-host limits, "
        "the raw cache). Prints one URL per line, with how it was found; what was "
        "dropped and why follows as comments, so the output is an @FILE for "
        "`claims run`. A summary per site goes to standard error.",
    )
    disc.add_argument(
        "sites",
        nargs="+",
        metavar="SITE",
        help="home page URL (https://clinic.example/, or clinic.example) or @FILE listing one per line",
    )
    _discovery_options(disc)
    disc.add_argument("--out", default=None, metavar="FILE", help="write the list to FILE instead of standard output")
    disc.add_argument("--refresh", action="store_true", help="ignore the page cache and fetch again")
    disc.set_defaults(handler=_discover)

    rep = sub.add_parser("report", help="print the per-site table of a run's output (sites.parquet)")
    rep.add_argument("dir", nargs="?", default=None, metavar="DIR", help="run output folder (default: data/processed)")
    rep.add_argument(
        "--format",
        choices=("table", "md", "csv"),
        default="table",
        help="aligned text (default), a markdown table, or CSV with every column",
    )
    rep.set_defaults(handler=_report)

    ext = sub.add_parser("extract", help="print the main text of one source (blocks separated by blank lines)")
    ext.add_argument("source", metavar="SOURCE", help="http(s) URL or .html/.htm/.txt file")
    ext.set_defaults(handler=_extract)

    sen = sub.add_parser("sentences", help="split text into sentences, one JSON object per line")
    sen.add_argument("file", nargs="?", help="text file (default: standard input)")
    sen.set_defaults(handler=_sentences)

    tag = sub.add_parser("tag", help="tag plain text, one JSON object per sentence")
    tag.add_argument("file", nargs="?", help="text file (default: standard input)")
    tag.add_argument("--lines", action="store_true", help="treat each input line as its own document")
    tag.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    tag.add_argument("--tagger", choices=TAGGERS, default=None, help=TAGGER_HELP)
    tag.set_defaults(handler=_tag)

    ev = sub.add_parser("evaluate", help="score the tagger against labelled units (docs/annotation.md)")
    ev.add_argument(
        "gold",
        metavar="GOLD",
        help="a gold .jsonl file (its texts in articles/ beside it), a folder of real pages "
        "(pages.jsonl + gold.jsonl), or a folder holding several such sets",
    )
    ev.add_argument(
        "--pred", default=None, help="score this run folder or claims table instead of tagging the gold set's texts"
    )
    ev.add_argument(
        "--articles",
        default=None,
        metavar="DIR",
        help="folder of the gold file's <doc>.txt texts, when not articles/ beside it",
    )
    ev.add_argument("--rules", default=None, metavar="DIR", help="folder of rule files extending or replacing ours")
    ev.add_argument("--tagger", choices=TAGGERS, default=None, help=TAGGER_HELP)
    ev.add_argument("--json", action="store_true", help="print the full report as JSON")
    ev.set_defaults(handler=_evaluate)

    tr = sub.add_parser("train", help="train the claim classifier on labelled sets (data/train/README.md)")
    tr.add_argument(
        "sets", nargs="*", metavar="SET", help="labelled sets to train on (default: those data/train/sets.txt lists)"
    )
    tr.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="where to save the trained classifier (default: the package's own, claims/model/trained)",
    )
    tr.add_argument("--seed", type=int, default=0, help="random seed: the same data and seed give the same model")
    tr.add_argument("--epochs", type=int, default=None, help="passes over the data (default: see TrainConfig)")
    tr.set_defaults(handler=_train)

    rev = sub.add_parser("review", help="open the review app on a run's output (binds 127.0.0.1)")
    rev.add_argument(
        "dir",
        nargs="?",
        default="data/processed",
        metavar="DIR",
        help="the run's output folder (default: data/processed)",
    )
    rev.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    rev.set_defaults(handler=_review)

    srv = sub.add_parser(
        "server",
        help="start, check or stop a local Prefect server that runs reuse",
        description="A local Prefect server (API, UI, services) on 127.0.0.1 that every "
        "`claims run` without PREFECT_API_URL finds and uses, instead of starting "
        "a temporary one of its own.",
    )
    srv.add_argument(
        "action",
        choices=("start", "status", "stop"),
        help="start it (once; a second start reports the running one), report it, or stop it",
    )
    srv.add_argument("--port", type=int, default=None, help="port for start (default 4200)")
    srv.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long start waits for the server to answer (default: CLAIMS_PREFECT_STARTUP_TIMEOUT, 120)",
    )
    srv.set_defaults(handler=_server)
    return parser


def _discovery_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-pages",
        type=int,
        default=None,
        metavar="N",
        help="most pages requested per site while discovering (default 200, CLAIMS_MAX_PAGES); "
        "what is left unchecked is reported",
    )
    parser.add_argument(
        "--max-depth",
        type=int,
        default=None,
        metavar="N",
        help="follow links at most N clicks from the home page (default 5, CLAIMS_MAX_DEPTH)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="PATTERN",
        help="keep only URLs this regular expression matches (searched in the URL; repeatable)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="drop URLs this regular expression matches, unfetched (repeatable)",
    )


def _site_arguments(args, command: str) -> list[str] | None:
    """The SITE arguments with @FILE lists expanded, checked; None (after saying why) if
    one cannot be used."""
    if not (args.sites or args.include or args.exclude or args.max_pages is not None or args.max_depth is not None):
        return []  # nothing to check: discovery (and trafilatura) need not import before the run
    from claims.discover import Options, home_url
    from claims.settings import Settings
    from claims.sources import read_list

    sites = []
    try:
        for arg in args.sites:
            sites += read_list(arg[1:]) if arg.startswith("@") else [arg]
        for site in sites:
            home_url(site)
        Options.from_settings(
            Settings.from_env(), args.include, args.exclude, max_pages=args.max_pages, max_depth=args.max_depth
        ).check()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"claims {command}: {exc}", file=sys.stderr)
        return None
    return sites


def _run(args) -> int:
    """Usage checks first, with light modules only; then the Prefect API, the flow."""
    from claims.lifecycle.signals import RunCancelled, cancel_on_signals
    from claims.settings import Settings
    from claims.usage import run_problems

    settings = Settings.from_env()
    out_dir = args.out or settings.out_dir
    with cancel_on_signals():  # first: a signal while the checks import is a cancellation too
        try:
            sites = _site_arguments(args, "run")
            if sites is None:
                return EXIT_USAGE
            sources = args.sources or ([] if sites else [_examples_dir()])
            problems = run_problems(
                sources,
                out_dir,
                args.rules,
                args.chunk_size,
                args.runner,
                args.dask_address,
                args.dask_workers,
                sites=bool(sites),
            )
            for problem in problems:
                print(f"claims run: {problem}", file=sys.stderr)
            if problems:
                return EXIT_USAGE
            return _run_flow(args, sources, sites, out_dir, settings)
        except RunCancelled as stop:
            print(f"claims run: {stop}; {out_dir} keeps its last committed run", file=sys.stderr)
            return stop.exit_code


def _heartbeats_as_configured():
    """Prefect's flow-run heartbeats, only where the user configured them.

    A heartbeat lets a Prefect automation mark a run whose process died as crashed; Prefect
    sends one every 180 s by default, from a thread that takes up to a second to stop when
    the run ends, a sixth of a one-page run. ``claims run`` needs no heartbeat to recover
    from a killed run (its run folder does), so it sends none unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set, in the environment or a Prefect profile.
    Deployments run by a worker keep Prefect's default: they do not pass through here."""
    from prefect.settings import get_current_settings, temporary_settings

    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        return contextlib.nullcontext()
    return temporary_settings(updates={"flows.heartbeat_frequency": None})


def _run_flow(args, sources: list[str], sites: list[str], out_dir: str, settings) -> int:
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
            warm_up(Settings.from_env(rules_dir=args.rules, out_dir=out_dir, tagger=args.tagger))

    try:
        with api_for_run(settings.prefect_startup_timeout, meanwhile) as api:
            print(f"claims run: Prefect API at {api.url} ({api.origin})", file=sys.stderr)
            from claims.dataset import DatasetError
            from claims.flow import claims_run

            try:
                with _heartbeats_as_configured():
                    counts = claims_run.with_options(task_runner=started["runner"])(
                        sources=sources,
                        out_dir=out_dir,
                        append=args.append,
                        refresh=args.refresh,
                        rules_dir=args.rules,
                        chunk_size=args.chunk_size,
                        sites=sites,
                        max_pages=args.max_pages,
                        max_depth=args.max_depth,
                        include=args.include,
                        exclude=args.exclude,
                        tagger=args.tagger,
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
    if counts["run_id"] is None:
        print(f"claims run: discovery found no article to read; {out_dir} is left as it was", file=sys.stderr)
        return EXIT_ALL_FAILED
    print(
        f"wrote {out_dir}: {counts['n_articles']} articles ({counts['n_ok']} ok, {counts['n_error']} error, "
        f"{counts['n_skipped']} skipped), {counts['n_claims']} claim sentences, "
        f"{counts['n_needs_citation']} need a citation"
    )
    failed_all = counts["n_articles"] > 0 and counts["n_ok"] == 0
    return EXIT_ALL_FAILED if failed_all else 0


def _discover(args) -> int:
    from claims.atomic import write_text
    from claims.discover import Options, discover_sites
    from claims.fetch import Fetcher
    from claims.settings import Settings

    sites = _site_arguments(args, "discover")
    if sites is None:
        return 2
    settings = Settings.from_env(max_pages=args.max_pages, max_depth=args.max_depth)
    options = Options.from_settings(settings, args.include, args.exclude)
    with Fetcher(settings, refresh=args.refresh) as fetcher:
        found = discover_sites(
            fetcher, sites, options, on_done=lambda site: print(site.summary(options.max_pages), file=sys.stderr)
        )
    lines = []
    for site in found:
        lines.append(f"# {site.summary(options.max_pages)}")
        lines += [f"{a.url}  # {a.via}" + (f", lastmod {a.lastmod}" if a.lastmod else "") for a in site.articles]
        lines += [f"# dropped {d.url}: {d.reason}" for d in site.dropped]
        lines += [f"# note: {note}" for note in site.notes]
    text = "\n".join(_one_line(line) for line in lines) + "\n"
    if args.out:
        write_text(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0 if any(site.articles for site in found) else 1


def _one_line(text: str) -> str:
    """A line of the list: a URL or reason from a page never spills onto a line of its own."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _report(args) -> int:
    from claims.dataset import DatasetError
    from claims.report import format_sites, load_sites
    from claims.runfolder import RunFolder
    from claims.settings import Settings

    folder = RunFolder(args.dir or Settings.from_env().out_dir)
    try:
        sites = load_sites(folder)
    except DatasetError as exc:
        print(f"claims report: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(format_sites(sites, args.format))
    return 0


def _examples_dir() -> str:
    try:
        return os.path.relpath(EXAMPLES)
    except ValueError:  # another drive on Windows
        return str(EXAMPLES)


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


class InputError(Exception):
    """The input file cannot be read; the message is the whole story."""


def _read_input(file: str | None) -> str:
    """The text to read, decoded as web pages are (a byte-order mark says UTF-16 or UTF-8 and
    is not part of the text; without one, UTF-8 or the encoding the bytes look like)."""
    from claims.fetch.decode import decode_text

    if file is None:
        buffer = getattr(sys.stdin, "buffer", None)  # None when stdin is already text
        return decode_text(buffer.read(), html=False) if buffer is not None else sys.stdin.read().removeprefix("\ufeff")
    path = Path(file)
    try:
        return decode_text(path.read_bytes(), html=False)
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{file}: is a folder; give a text file, or use `claims run` for a folder") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror or type(exc).__name__})") from None


def _sentences(args) -> int:
    from claims.sentences import split_text

    try:
        text = _read_input(args.file)
    except InputError as exc:
        print(f"claims sentences: {exc}", file=sys.stderr)
        return 2
    for start, end in split_text(text):
        print(json.dumps({"start": start, "end": end, "text": text[start:end]}, ensure_ascii=False))
    return 0


def _tag(args) -> int:
    from claims.extract.plaintext import extract_text
    from claims.sentences import split_document
    from claims.settings import Settings
    from claims.tagger import Tagger
    from claims.tagger.ruleset import RuleError, load_rules

    try:  # mistakes are reported before the model loads: the rules, then the input
        load_rules(args.rules)
        text = _read_input(args.file)
        tagger = Tagger(Settings.from_env(rules_dir=args.rules, tagger=args.tagger))
    except (InputError, RuleError) as exc:
        print(f"claims tag: {exc}", file=sys.stderr)
        return 2
    documents = text.splitlines() if args.lines else [text]
    for number, document_text in enumerate(documents):
        if args.lines and not document_text.strip():
            continue
        doc = extract_text(document_text)
        sentences = split_document(doc)
        for sentence, tag in zip(sentences, tagger.tag_sentences(sentences)):
            record = {
                "document": number,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "section": sentence.section,
            }
            fields = asdict(tag)
            for private in ("topic", "red_flag_codes", "decided_by"):
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
            gold = load_gold_set(args.gold, articles=args.articles)
            if not gold.documents:
                raise ValueError(f"{args.gold}: none of its texts is here to tag; give a run with --pred")
            report = evaluate_set(gold, Tagger(Settings.from_env(rules_dir=args.rules, tagger=args.tagger)))
    except (OSError, ValueError, DatasetError) as exc:
        print(f"claims evaluate: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def _train(args) -> int:
    from dataclasses import replace

    from claims.goldsets import GoldSetError
    from claims.model.train import TRAINED_DIR, TrainConfig, default_sets, read_training_sets, save, train

    sets = [Path(s) for s in args.sets] or default_sets()
    if not sets:
        print(
            "claims train: no labelled sets given and no data/train/sets.txt here (run it from the checkout)",
            file=sys.stderr,
        )
        return 2
    config = replace(TrainConfig(seed=args.seed), **({"epochs": args.epochs} if args.epochs else {}))
    try:
        examples = read_training_sets(sets)
    except (OSError, GoldSetError) as exc:
        print(f"claims train: {exc}", file=sys.stderr)
        return 2
    print(f"training on {len(examples)} sentences from {len(sets)} sets", flush=True)
    nlp = train(examples, config, log=lambda line: print(line, flush=True))
    target = Path(args.out) if args.out else TRAINED_DIR
    save(nlp, target)
    print(f"saved {nlp.meta['name']}-{nlp.meta['version']} to {target}")
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
        print(
            f"Prefect server {'started' if now else 'already running'} at {note.url} (pid {note.pid}); "
            f"`claims run` uses it. UI: {note.url.removesuffix('/api')}\n"
            f"For Prefect's own commands and workers: export PREFECT_API_URL={note.url}"
        )
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
    a finished run time for nothing. Everything a run writes is closed and synced by
    then; ``logging.shutdown`` flushes the log handlers (Prefect's included)."""
    try:
        code = main()
    except BrokenPipeError:  # the reader went away (`claims evaluate ... | head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE  # what a shell reports for a tool SIGPIPE ended, as GNU tools end
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe: nothing left to tell
            pass
    os._exit(code)


if __name__ == "__main__":
    console_main()
