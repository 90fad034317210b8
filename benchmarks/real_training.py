"""Would real clinic pages as training data close the gap? The in-domain test.

The classifier learns from our own words (``data/train``), and scores about 0.73 macro-F1 on
real pages. If the gap were the difference between our writing and the clinics', training on
real pages would close it. This trains the classifier, with the shipped settings, on the
articles ``data/train/sets.txt`` lists plus the real development pages of all folds but one,
and scores it on the held-out fold in the modes that use it, beside the shipped classifier
(trained on ``sets.txt`` alone; training is deterministic, so it is the same as retraining it).

The real development pages are the real parts of the lockbox batches already scored and
``data/devreal`` (texts from the git-ignored page cache; a page without one is left out).
Folds are whole sets, dealt in turn (3 folds: b01, b04, b07 / b02, b05, b08 / b03, b06,
devreal). Nothing is saved: the pages' texts are not ours (``data/train/README.md``), so a
classifier trained on them could not ship; this only asks whether it would help.

Each fold trains one classifier (about 6 minutes on two cores).

    .venv/bin/python benchmarks/real_training.py [--folds 3] [--weight 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from claims.model.classifier import TRAINED_DIR
from claims.model.train import TrainConfig, read_training_sets, save, train
from claims.settings import Settings
from claims.tagger import Tagger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_curve import own_words, real_sets  # noqa: E402
from taggers import mean_of, scores  # noqa: E402  (the tagger benchmark's scoring)

MODES = ("model", "hybrid")


def folds(sets: list[Path], count: int) -> list[list[Path]]:
    """``sets`` dealt in turn into ``count`` folds."""
    return [sets[k::count] for k in range(count)]


def fold_scores(classifier: Path | str, held_out: list[Path]) -> dict[str, list]:
    """Each held-out set's scores, per mode."""
    out = {}
    for mode in MODES:
        tagger = Tagger(Settings.from_env(tagger=mode, classifier=str(classifier)))
        out[mode] = [scores(tagger, path) for path in held_out]
    return out


def row(name: str, added: str, cells: dict[str, dict[str, list]]) -> str:
    means = [mean_of(cells[which][mode]) for which in ("shipped", "added") for mode in MODES]
    return f"| {name} | {added} | " + " | ".join(means) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--weight", type=int, default=1, help="times each real sentence is seen per epoch")
    args = parser.parse_args()
    own = own_words()
    dealt = folds(real_sets(), args.folds)
    print("| held out | real sentences added | shipped: model | hybrid | + real pages: model | hybrid |")
    print("|---|---|---|---|---|---|")
    every = {which: {mode: [] for mode in MODES} for which in ("shipped", "added")}
    for k, held_out in enumerate(dealt):
        real = read_training_sets([path for j, fold in enumerate(dealt) if j != k for path in fold])
        cells = {"shipped": fold_scores(TRAINED_DIR, held_out)}
        with tempfile.TemporaryDirectory() as folder:
            save(train(own + real * args.weight, TrainConfig(), log=lambda line: None), Path(folder))
            cells["added"] = fold_scores(folder, held_out)
        for which, by_mode in cells.items():
            for mode, found in by_mode.items():
                every[which][mode] += found
        names = ", ".join(path.parent.name if path.name == "real" else path.name for path in held_out)
        print(row(names, f"{len(real):,}", cells), flush=True)
    print(row(f"mean of the {sum(len(fold) for fold in dealt)} sets", "", every))
    return 0


if __name__ == "__main__":
    sys.exit(main())
