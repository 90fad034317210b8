"""How the classifier's scores grow with its training data: would more of our own words help?

Trains the classifier (``claims.model.train``, the shipped settings) on a share of the
articles ``data/train/sets.txt`` lists (whole articles, drawn with a fixed seed; the full list
last), and scores each on the real development pages in the modes that use it: the real parts
of the lockbox batches and ``data/devreal`` (their texts come from the git-ignored page cache;
a set without them is skipped), macro-F1 / needs_citation F1, mean over the sets. A curve that
still climbs at the full corpus says more data would help, and by how much per doubling.

Each point trains a classifier (about 2 to 8 minutes on two cores).

    .venv/bin/python benchmarks/learning_curve.py [--fractions 0.25 0.5 1] [--sets DIR ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from claims.model.train import TrainConfig, default_sets, read_training_sets, save, train
from claims.settings import Settings
from claims.tagger import Tagger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from taggers import REPO, SetScore, mean_of, scores  # noqa: E402  (the tagger benchmark's scoring)


def real_sets() -> list[Path]:
    return sorted((REPO / "data" / "lockbox").glob("b[0-9]*/real")) + [REPO / "data" / "devreal"]


def own_words() -> list:
    """The labelled sentences of every set ``data/train/sets.txt`` lists: the shipped classifier's data."""
    return read_training_sets(default_sets(REPO / "data" / "train" / "sets.txt"))


def share(examples: list, fraction: float, seed: int = 7) -> list:
    """The examples of ``fraction`` of the articles, drawn with ``seed``."""
    docs = sorted({e.doc for e in examples})
    random.Random(seed).shuffle(docs)
    keep = set(docs[: round(len(docs) * fraction)])
    return [e for e in examples if e.doc in keep]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fractions", nargs="+", type=float, default=[0.25, 0.5, 1.0])
    parser.add_argument("--sets", nargs="+", type=Path, default=None, help="labelled sets to score on")
    args = parser.parse_args()
    sets = args.sets or real_sets()
    examples = own_words()
    print("| share of the articles | sentences | model | hybrid |")
    print("|---|---|---|---|")
    for fraction in sorted(args.fractions):
        chosen = share(examples, fraction)
        with tempfile.TemporaryDirectory() as folder:
            save(train(chosen, TrainConfig(), log=lambda line: None), Path(folder))
            per_set = {}
            for mode in ("model", "hybrid"):
                tagger = Tagger(Settings.from_env(tagger=mode, classifier=folder))
                per_set[mode] = [scores(tagger, path) for path in sets]
        means = {mode: mean_of(cells) for mode, cells in per_set.items()}
        print(f"| {fraction:.0%} | {len(chosen):,} | {means['model']} | {means['hybrid']} |", flush=True)
    present = sum(isinstance(cell, SetScore) for cell in per_set["hybrid"])
    print(f"\nmean over the {present} of {len(sets)} sets whose texts are here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
