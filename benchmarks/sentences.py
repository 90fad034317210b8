"""Sentence splitting: accuracy on the English Golden Rules and speed, against bare pysbd.

Usage: python benchmarks/sentences.py [RULES_JSONL] [--repeat N]

RULES_JSONL defaults to ../shared/bench/sentences/golden_rules_en.jsonl beside the
checkout. A rule is right only when the sentences, each stripped and with empty ones
dropped, equal the expected list exactly (the scoring of eval_golden_rules.py).

Ours is scored as the pipeline reads a .txt file: ``extract_text`` then ``split_document``,
whose sentence texts read a wrapped line break as a space. ``split_text`` spans point into
the raw input instead, so a wrapped sentence keeps its line break; its line is scored with
each whitespace run read as one space. The baseline is pysbd ``clean=False``, run in the
same process on the same texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pysbd

from claims.extract.plaintext import extract_text
from claims.sentences import split_block, split_document, split_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RULES = REPO.parent / "shared" / "bench" / "sentences" / "golden_rules_en.jsonl"

Splitter = Callable[[str], list[str]]


def ours(text: str) -> list[str]:
    return [s.text for s in split_document(extract_text(text))]


def ours_raw_offsets(text: str) -> list[str]:
    return [" ".join(text[start:end].split()) for start, end in split_text(text)]


def normalize(sentences: list[str]) -> list[str]:
    return [s.strip() for s in sentences if s.strip()]


def score(name: str, split: Splitter, rules: list[dict]) -> None:
    failed = [r["id"] for r in rules if normalize(split(r["text"])) != r["sentences"]]
    subset = [r for r in rules if r.get("in_pysbd_48")]
    subset_ok = sum(r["id"] not in failed for r in subset)
    all_ok = len(rules) - len(failed)
    print(
        f"{name:<44} all {all_ok}/{len(rules)} = {all_ok / len(rules):.1%}   "
        f"pysbd-48 {subset_ok}/{len(subset)} = {subset_ok / len(subset):.1%}   failed {failed}"
    )


def sentences_per_second(systems: dict[str, tuple[Callable[[str], list], str]], rounds: int = 5) -> dict:
    """Best rate of each system over ``rounds``; rounds interleave the systems, so a busy
    moment on a shared machine slows all of them rather than skewing one ratio."""
    counts = {name: len(split(text)) for name, (split, text) in systems.items()}  # also warms up
    best = dict.fromkeys(systems, float("inf"))
    for _ in range(rounds):
        for name, (split, text) in systems.items():
            began = time.perf_counter()
            split(text)
            best[name] = min(best[name], time.perf_counter() - began)
    return {name: (counts[name] / best[name], counts[name]) for name in systems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules", nargs="?", default=str(DEFAULT_RULES), help="golden rules JSONL")
    parser.add_argument("--repeat", type=int, default=20, help="copies of the rule texts in the speed text")
    args = parser.parse_args()
    rules_path = Path(args.rules)
    if not rules_path.is_file():
        print(
            f"Golden rules not found at {rules_path}. Pass the path to golden_rules_en.jsonl "
            "(it ships in ../shared/bench/sentences/ beside the checkout).",
            file=sys.stderr,
        )
        return 2
    rules = [json.loads(line) for line in rules_path.read_text(encoding="utf-8").splitlines() if line.strip()]

    segmenter = pysbd.Segmenter(language="en", clean=False)
    baseline: Splitter = segmenter.segment

    print(f"Accuracy on {len(rules)} rules from {rules_path}")
    score("ours: extract_text + split_document", ours, rules)
    score("ours: split_text (whitespace runs as space)", ours_raw_offsets, rules)
    score("baseline: pysbd clean=False", baseline, rules)

    paragraphs = [r["text"].strip() for r in rules] * args.repeat
    text = "\n\n".join(paragraphs)
    print(f"\nSpeed on {len(paragraphs)} paragraphs ({len(text):,} characters), best of 5 interleaved rounds:")
    one_block = text.replace("\n\n", " ")
    rates = sentences_per_second(
        {
            "ours: split_text": (split_text, text),
            "pysbd clean=False, paragraph by paragraph": (
                lambda t: [s for p in t.split("\n\n") for s in segmenter.segment(p)],
                text,
            ),
            "ours: split_block, all of it as one block": (split_block, one_block),
            "pysbd clean=False, the same one block": (baseline, one_block),
        }
    )
    for name, (rate, count) in rates.items():
        print(f"  {name:<44} {rate:>9,.0f} sentences/s  ({count} sentences)")
    names = list(rates)
    print(
        f"  ratio, paragraph by paragraph: {rates[names[0]][0] / rates[names[1]][0]:.2f}x pysbd; "
        f"one long block: {rates[names[2]][0] / rates[names[3]][0]:.2f}x pysbd"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
