"""What ``claims run`` refuses before anything heavy starts: usage mistakes.

Each check uses the standard library and the project's light modules only (no Prefect, no
spaCy, no pandas), so a mistyped path comes back in a fraction of a second with exit status
2 instead of after Prefect's start. A mistake is something typed on the command line that
cannot work: a SOURCE that is missing or cannot be read, an @list or folder that names
nothing to read, a rules folder with a bad rule, an output folder that cannot take a run,
options that do not fit together. Sources named inside an @list stay data: one that cannot
be read becomes an error row in ``articles.parquet`` like a page that cannot be fetched.
"""

from __future__ import annotations

from claims.sources import resolve_sources

RUNNERS = ("local", "dask")


def run_problems(
    sources: list[str],
    out_dir: str,
    rules_dir: str | None,
    chunk_size: int | None,
    runner: str,
    dask_address: str | None,
    dask_workers: int | None,
    sites: bool = False,
) -> list[str]:
    """Every usage mistake in a ``claims run`` command line, as messages (none: it may run).
    With ``sites`` to discover, no SOURCE is needed."""
    from claims.runfolder.precheck import folder_problem

    problems = source_problems(sources) if sources or not sites else []
    rule_problem = rules_problem(rules_dir)
    problems += [rule_problem] if rule_problem else []
    out_problem = folder_problem(out_dir)
    problems += [out_problem] if out_problem else []
    if chunk_size is not None and chunk_size < 1:
        problems.append(f"--chunk-size must be at least 1, got {chunk_size}")
    runner_problem = runner_options_problem(runner, dask_address, dask_workers)
    problems += [runner_problem] if runner_problem else []
    return problems


def source_problems(args: list[str]) -> list[str]:
    """SOURCE arguments that cannot be read as given, and a command line naming nothing."""
    problems, found = [], 0
    for arg in args:
        resolved = resolve_sources([arg])
        found += len(resolved)
        own = [s for s in resolved if s.kind == "invalid" and s.given == arg.strip()]
        problems += [f"{s.given}: {s.error}" for s in own]
        if not resolved and arg.strip().startswith("@"):
            problems.append(f"{arg}: the list names nothing to read")
    if not problems and not found:
        problems.append("the sources name nothing to read (an empty @list?)")
    return problems


def rules_problem(rules_dir: str | None) -> str | None:
    """What is wrong with the rule files (ours overlaid with ``rules_dir``), if anything."""
    from claims.tagger.ruleset import RuleError, load_rules  # a light module: no spaCy

    try:
        load_rules(rules_dir)
    except RuleError as exc:
        return str(exc)
    return None


def runner_options_problem(runner: str, dask_address: str | None, dask_workers: int | None) -> str | None:
    """Why these task-runner options do not fit together, if they do not."""
    if runner not in RUNNERS:
        return f"unknown runner {runner!r} (choose from {', '.join(RUNNERS)})"
    if runner == "local" and (dask_address or dask_workers is not None):
        return "a Dask address or worker count needs runner 'dask'"
    if dask_address and dask_workers is not None:
        return "a Dask cluster given by address has its own workers; drop the worker count"
    if dask_workers is not None and dask_workers < 1:
        return f"need at least one Dask worker, got {dask_workers}"
    return None
