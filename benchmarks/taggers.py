"""The three tagger modes side by side: rules alone, the trained classifier alone, hybrid.

For each mode (``Settings.tagger``): macro-F1 over the claim types and needs_citation F1 (the
shared scorer's definitions, ``claims.evaluate``) on every labelled set given (by default
every lockbox batch, part by part, and the real-page development set), on the five seed
articles, the hedge F1 on BioScope (``benchmarks/hedge.py``'s measure: a sentence is
predicted uncertain when ``tag.hedged``), and speed: words/s of the tagger against bare
``nlp.pipe`` of the same components (the spaCy model's, plus the classifier's pipeline in
the modes that use it), in this process, best of three.

A lockbox batch's figure is a first-contact score only on the day it is first scored
(``data/lockbox/README.md`` logs those); later runs show where the tagger stands on it now.

    .venv/bin/python benchmarks/taggers.py [--modes rules model hybrid] [--sets DIR ...]
                                           [--skip-bioscope] [--bioscope-limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import spacy

from claims.dataset.schema import FINDERS
from claims.evaluate import evaluate_set
from claims.goldsets import load_gold_set
from claims.model.inputs import model_input
from claims.sentences import split_text
from claims.settings import Settings
from claims.tagger import EXCLUDED_COMPONENTS, MODES, Tagger

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
SEEDS_GOLD = SHARED / "annotation" / "seeds.gold.jsonl"
SEEDS_TEXTS = SHARED / "corpus" / "seeds"
BIOSCOPE = SHARED / "bench" / "hedge" / "bioscope_sentences.jsonl"
SPEED_SENTENCES = 3000


def default_sets() -> list[Path]:
    batches = sorted(p for p in (REPO / "data" / "lockbox").glob("b[0-9]*") if p.is_dir())
    return [part for batch in batches for part in (batch / "written", batch / "real")] + [REPO / "data" / "devreal"]


@dataclass(frozen=True)
class SetScore:
    macro: float
    cite: float
    missing: int = 0
    #: Right and wrong claim types by who found them (``claims.dataset.schema.FINDERS``).
    found_by: dict = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, report: dict, missing: int = 0) -> SetScore:
        """From a report of ``claims.evaluate`` (``score`` or ``agreement``)."""
        return cls(report["macro_f1"], report["NEEDS_CITATION"]["f1"], missing, report.get("found_by", {}))

    def __str__(self) -> str:
        absent = f" ({self.missing} docs absent)" if self.missing else ""
        return f"{self.macro:.3f} / {self.cite:.3f}{absent}"


def name_of(path: Path) -> str:
    """A set's path as printed: relative to the checkout when inside it."""
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def scores(tagger: Tagger, gold_path: Path, articles: Path | None = None) -> SetScore | str:
    gold = load_gold_set(gold_path, articles=articles)
    if not gold.documents:
        return "(texts absent)"
    return SetScore.of(evaluate_set(gold, tagger), len(gold.missing))


def mean_of(cells: list[SetScore | str]) -> str:
    """The unweighted mean of the sets' scores (every set counts once, whatever its size)."""
    scored = [c for c in cells if isinstance(c, SetScore)]
    if not scored:
        return "-"
    return str(SetScore(sum(c.macro for c in scored) / len(scored), sum(c.cite for c in scored) / len(scored)))


def found_by_line(cells: list[SetScore | str]) -> str | None:
    """Precision of the claim types each side found, pooled over the sets (hybrid only)."""
    pooled = {finder: [0, 0] for finder in FINDERS}
    for cell in cells:
        if isinstance(cell, SetScore):
            for finder, counts in cell.found_by.items():
                pooled[finder][0] += counts["right"]
                pooled[finder][1] += counts["wrong"]
    if sum(1 for right, wrong in pooled.values() if right + wrong) < 2:
        return None
    return "; ".join(
        f"{finder} {right / (right + wrong):.2f} ({right:,} of {right + wrong:,})"
        for finder, (right, wrong) in pooled.items()
        if right + wrong
    )


def bioscope_f1(tagger: Tagger, limit: int | None) -> str:
    if not BIOSCOPE.is_file():
        return "(absent)"
    records = [json.loads(line) for line in BIOSCOPE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        records = records[:: max(1, len(records) // limit)][:limit]
    tp = fp = fn = 0
    for start in range(0, len(records), 1000):
        batch = records[start : start + 1000]
        for record, tag in zip(batch, tagger.tag_texts([r["text"] for r in batch])):
            tp += tag.hedged and record["is_uncertain"]
            fp += tag.hedged and not record["is_uncertain"]
            fn += record["is_uncertain"] and not tag.hedged
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return f"{2 * p * r / max(p + r, 1e-9):.3f}"


def speed(tagger: Tagger, texts: list[str]) -> str:
    """Tagger words/s against bare nlp.pipe of the same components, best of three each."""
    words = sum(len(t.split()) for t in texts)
    bare_nlp = spacy.load(tagger.settings.model, exclude=list(EXCLUDED_COMPONENTS))
    sentences = tagger_sentences(texts)
    inputs = [model_input(s) for s in sentences]

    def bare() -> None:
        for _ in bare_nlp.pipe(texts, batch_size=tagger.settings.batch_size):
            pass
        if tagger.classifier is not None:
            for _ in tagger.classifier.nlp.pipe(inputs, batch_size=tagger.settings.batch_size):
                pass

    def ours() -> None:
        tagger.tag_sentences(sentences)

    best = {"bare": float("inf"), "ours": float("inf")}
    for _ in range(3):
        for name, run in (("bare", bare), ("ours", ours)):
            began = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - began)
    return f"{words / best['ours']:,.0f} vs {words / best['bare']:,.0f} w/s ({best['bare'] / best['ours']:.2f})"


def tagger_sentences(texts: list[str]):
    from claims.document import Sentence

    return [Sentence(0, len(t), t, i, "paragraph") for i, t in enumerate(texts)]


def speed_texts() -> list[str]:
    """Sentences of the training corpus's articles: varied clinic prose, always present."""
    texts = []
    for path in sorted((REPO / "data" / "train").glob("*/articles/*.txt")):
        text = path.read_text(encoding="utf-8")
        texts += [text[s:e] for s, e in split_text(text)]
        if len(texts) >= SPEED_SENTENCES:
            break
    return texts[:SPEED_SENTENCES]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--sets", nargs="+", type=Path, default=None, help="labelled sets (default: lockbox parts, devreal)"
    )
    parser.add_argument("--skip-bioscope", action="store_true")
    parser.add_argument("--bioscope-limit", type=int, default=None, help="score only N BioScope sentences")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    sets = args.sets or default_sets()
    taggers = {mode: Tagger(Settings.from_env(tagger=mode)) for mode in args.modes}
    rows: list[tuple[str, dict[str, str]]] = []
    for path in sets:
        rows.append((name_of(path), {m: scores(t, path) for m, t in taggers.items()}))
        print(f"{rows[-1][0]}: " + ", ".join(f"{m} {c}" for m, c in rows[-1][1].items()), file=sys.stderr, flush=True)
    per_set = list(rows)
    if len(sets) > 1:
        rows.append(
            (f"mean of the {len(sets)} sets above", {m: mean_of([cells[m] for _, cells in rows]) for m in taggers})
        )
    if SEEDS_GOLD.is_file():
        rows.append(("seeds (shared)", {m: scores(t, SEEDS_GOLD, SEEDS_TEXTS) for m, t in taggers.items()}))
    if not args.skip_bioscope:
        rows.append(("BioScope hedge F1", {m: bioscope_f1(t, args.bioscope_limit) for m, t in taggers.items()}))
    if not args.skip_speed:
        texts = speed_texts()
        rows.append(("speed: tagger vs bare (ratio)", {m: speed(t, texts) for m, t in taggers.items()}))
    print(
        f"\nmacro-F1 / needs_citation F1 by mode (rules {next(iter(taggers.values())).rules_version}; "
        f"{', '.join(f'{m}: {t.model}' for m, t in taggers.items())})\n"
    )
    print("| set | " + " | ".join(args.modes) + " |")
    print("|---|" + "---|" * len(args.modes))
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(str(cells[m]) for m in args.modes) + " |")
    line = found_by_line([cells["hybrid"] for _, cells in per_set]) if "hybrid" in taggers else None
    if line:
        print(f"\nhybrid, precision of the claim types by who found them, over the {len(per_set)} sets: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
