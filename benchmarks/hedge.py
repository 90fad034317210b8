"""Hedge detection against BioScope's uncertain-sentence labels (CoNLL-2010 task 1).

Usage: python benchmarks/hedge.py [BIOSCOPE_JSONL] [--split dev|test|all] [--limit N]

BIOSCOPE_JSONL defaults to ../shared/bench/hedge/bioscope_sentences.jsonl beside the checkout.
Every sentence goes through the real ``Tagger`` (``tag_texts`` in batches, in file order, as
one article would) and the sentence counts as predicted uncertain when ``tag.hedged`` is
true. That is the pipeline's own notion: a sentence without claims is hedged when any hedge
cue matches; a claim sentence only when a hedge's scope reaches every claim trigger. So the
figures measure the cue lexicon and the scope logic together.

BioScope has no official split. Documents are assigned to "dev" or "test" by a hash of their
id (about half each, stable across runs and machines): tune the rules on dev and quote test,
which was never looked at while tuning. "all" is both. Every figure is printed with the split
it comes from. Error lists (missed gold cues, cue words behind false alarms) are printed for
the split that was run; with ``--split all`` they come from all of it, test included, so use
``--split dev`` while writing rules.

Speed: sentences per second of the whole run, and, on a sample, the rate of the bare spaCy
pipeline (the same model and components, no rules, no decisions) run in the same process,
so the ratio shows what the rules cost.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import spacy

from claims.settings import Settings
from claims.tagger import EXCLUDED_COMPONENTS, Tagger
from claims.tagger.matcher import SPANS_KEY

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BIOSCOPE = REPO.parent / "shared" / "bench" / "hedge" / "bioscope_sentences.jsonl"
SUBSETS = ("abstracts", "full_papers")
#: Sentences handed to one ``tag_texts`` call: big enough for ``nlp.pipe`` to batch well,
#: small enough for regular progress lines.
CHUNK = 1000


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        self.n += 1
        self.tp += gold and predicted
        self.fp += predicted and not gold
        self.fn += gold and not predicted

    def line(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return (
            f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}   "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, {self.n} sentences, {self.tp + self.fn} uncertain)"
        )


def split_of(record: dict) -> str:
    """dev or test, by document, so that sentences of one abstract never straddle the split."""
    key = f"{record['subset']}:{record['doc_id']}".encode()
    return "dev" if hashlib.sha256(key).digest()[0] % 2 == 0 else "test"


def gold_cues(record: dict) -> list[str]:
    """The record's hedge cues in lower case; a discontinuous cue ("either ... or") is one cue."""
    parts: dict[str, list[str]] = defaultdict(list)
    for cue in sorted(record["hedge_cues"], key=lambda c: c["start"]):
        parts[cue["ref"]].append(cue["text"].lower())
    return [" … ".join(words) for words in parts.values()]


def spread(records: list[dict], limit: int | None) -> list[dict]:
    """``limit`` records taken at even steps, so a quick run still sees both subsets."""
    if limit is None or limit >= len(records):
        return records
    step = len(records) / limit
    return [records[int(i * step)] for i in range(limit)]


def tag_all(tagger: Tagger, texts: list[str]) -> tuple[list[bool], list[list[str]], float]:
    hedged: list[bool] = []
    cues: list[list[str]] = []
    began = time.perf_counter()
    for start in range(0, len(texts), CHUNK):
        for tag in tagger.tag_texts(texts[start : start + CHUNK]):
            hedged.append(tag.hedged)
            cues.append(tag.hedge_cues)
        done = len(hedged)
        elapsed = time.perf_counter() - began
        print(f"  tagged {done:,}/{len(texts):,}  ({done / elapsed:,.0f} sentences/s)", file=sys.stderr, flush=True)
    return hedged, cues, time.perf_counter() - began


def bare_rate(model: str, texts: list[str], batch_size: int) -> float:
    """Sentences/s of the spaCy model alone: the floor any rule-based tagger on it pays."""
    nlp = spacy.load(model, exclude=list(EXCLUDED_COMPONENTS))
    began = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return len(texts) / (time.perf_counter() - began)


def report_errors(tagger: Tagger, records: list[dict], hedged: list[bool], cues: list[list[str]], top: int) -> None:
    missed: Counter[str] = Counter()
    false_alarms: Counter[str] = Counter()
    missed_texts = []
    for record, predicted, found in zip(records, hedged, cues):
        if record["is_uncertain"] and not predicted:
            missed.update(gold_cues(record))
            missed_texts.append(record["text"])
        elif predicted and not record["is_uncertain"]:
            false_alarms.update(cue.lower() for cue in found)
    print(f"\nMost frequent gold cues in missed sentences (top {top}):")
    print("  " + ", ".join(f"{cue} {n}" for cue, n in missed.most_common(top)))
    out_of_scope = out_of_scope_cues(tagger, missed_texts)
    print(
        f"  {sum(out_of_scope.values())} cues of ours matched in missed sentences but their scope did not "
        "reach every claim trigger (a terminator or scope question, not a lexicon one):"
    )
    print("  " + ", ".join(f"{cue} {n}" for cue, n in out_of_scope.most_common(top)))
    print(f"\nMost frequent cue words of ours in false-alarm sentences (top {top}):")
    print("  " + ", ".join(f"{cue} {n}" for cue, n in false_alarms.most_common(top)))


def out_of_scope_cues(tagger: Tagger, texts: list[str]) -> Counter[str]:
    """Hedge matches in sentences the tagger still left unhedged.

    ``Tag.hedge_cues`` lists only the cues whose scope reaches a claim, so the matches are read
    from the spans the rule component leaves on each doc.
    """
    found: Counter[str] = Counter()
    for doc in tagger.nlp.pipe(texts, batch_size=tagger.settings.batch_size):
        found.update(s.text.lower() for s in doc.spans[SPANS_KEY] if s.label_ == "HEDGE")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bioscope", nargs="?", default=str(DEFAULT_BIOSCOPE), help="bioscope_sentences.jsonl")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all", help="documents to run (default all)")
    parser.add_argument("--limit", type=int, default=None, help="run only N sentences, spread over the split")
    parser.add_argument("--top", type=int, default=25, help="cues listed per error list")
    parser.add_argument("--speed-sample", type=int, default=2000, help="sentences timed for the bare-spaCy baseline")
    args = parser.parse_args()
    path = Path(args.bioscope)
    if not path.is_file():
        print(
            f"BioScope sentences not found at {path}; nothing to measure. Pass the path to "
            "bioscope_sentences.jsonl (it ships in ../shared/bench/hedge/ beside the checkout)."
        )
        return 0
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        record["split"] = split_of(record)
    if args.split != "all":
        records = [r for r in records if r["split"] == args.split]
    records = spread(records, args.limit)

    settings = Settings.from_env()
    tagger = Tagger(settings)
    print(
        f"Tagging {len(records):,} BioScope sentences (split {args.split}) "
        f"with rules {tagger.rules_version}, model {tagger.model}"
    )
    texts = [r["text"] for r in records]
    hedged, cues, seconds = tag_all(tagger, texts)

    table: dict[tuple[str, str], Counts] = defaultdict(Counts)
    for record, predicted in zip(records, hedged):
        for split in (record["split"], "all"):
            for subset in (record["subset"], "both"):
                table[split, subset].add(record["is_uncertain"], predicted)
    print("\nhedged vs is_uncertain (sentence level)")
    splits = ("dev", "test", "all") if args.split == "all" else (args.split,)
    for split in splits:
        for subset in (*SUBSETS, "both"):
            if (split, subset) in table:
                print(f"  split {split:<4} {subset:<11}  {table[split, subset].line()}")

    report_errors(tagger, records, hedged, cues, args.top)

    sample = texts[: args.speed_sample]
    baseline = bare_rate(settings.model, sample, settings.batch_size)
    began = time.perf_counter()
    tagger.tag_texts(sample)
    ours = len(sample) / (time.perf_counter() - began)
    print(f"\nSpeed: whole run {len(texts) / seconds:,.0f} sentences/s ({seconds:.1f} s for {len(texts):,}).")
    print(
        f"  Same {len(sample):,}-sentence sample, same process: Tagger {ours:,.0f} sentences/s, "
        f"bare spaCy {baseline:,.0f} sentences/s, ratio {ours / baseline:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
