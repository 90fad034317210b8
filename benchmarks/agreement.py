"""How far independent labellers agree with the gold and with each other, and how the tagger
scores against each of them.

A part of a lockbox batch may hold, beside its ``gold.jsonl``, other labellings of the same
units (``relabel-*.jsonl``, same format and units, labelled blind by someone who saw neither
the gold nor the tagger). For each such part this prints, with ``claims.evaluate.agreement``
(the scorer's own per-label and needs_citation F1, one labelling taken as the reference):

- every pair of labellings, gold included: how reproducible the labels are;
- each tagger mode scored against each labelling and against their majority (with three or
  more): whether a low score comes from the gold or from the tagger. This part needs the
  parts' texts (a real part's cached pages); without them it says so.

    .venv/bin/python benchmarks/agreement.py [--parts DIR ...] [--modes rules model hybrid]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from claims.evaluate import agreement, majority, score, tag_gold_set
from claims.goldsets import load_gold_set, read_units
from claims.settings import Settings
from claims.tagger import MODES, Tagger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from taggers import REPO, SetScore, name_of  # noqa: E402  (the tagger benchmark's paths and cells)


def parts_with_relabels() -> list[Path]:
    return sorted({p.parent for p in (REPO / "data" / "lockbox").glob("b*/*/relabel-*.jsonl")})


def labellings(part: Path) -> dict[str, list[dict]]:
    found = {"gold": read_units(part / "gold.jsonl")}
    for path in sorted(part.glob("relabel-*.jsonl")):
        found[path.stem] = read_units(path)
    if len(found) >= 3:
        found["majority"] = majority(list(found.values()))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", type=Path, default=None, help="parts with relabel-*.jsonl files")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=["hybrid"])
    args = parser.parse_args()
    parts = args.parts or parts_with_relabels()
    if not parts:
        print("no part has a relabel-*.jsonl file", file=sys.stderr)
        return 1
    taggers = {mode: Tagger(Settings.from_env(tagger=mode)) for mode in args.modes}

    print("Agreement between labellings, macro-F1 / needs_citation F1 (the first named is the reference)\n")
    print("| part | pair | units | agreement |")
    print("|---|---|---|---|")
    found = {part: labellings(part) for part in parts}
    for part, labelled in found.items():
        people = [name for name in labelled if name != "majority"]
        for a, b in itertools.combinations(people, 2):
            pair = SetScore.of(agreement(labelled[a], labelled[b]))
            print(f"| {name_of(part)} | {a} ~ {b} | {len(labelled[a])} | {pair} |")

    print(f"\nThe tagger scored against each labelling (rules {next(iter(taggers.values())).rules_version})\n")
    print("| part | labelling | " + " | ".join(args.modes) + " |")
    print("|---|---|" + "---|" * len(args.modes))
    for part, labelled in found.items():
        gold = load_gold_set(part)
        if not gold.documents:
            print(f"| {name_of(part)} | (texts absent) |" + " |" * len(args.modes))
            continue
        texts = {(u["doc"], u["i"]): u["text"] for u in gold.units}
        frames = {mode: tag_gold_set(gold, tagger) for mode, tagger in taggers.items()}
        absent = f" ({len(gold.missing)} docs absent)" if gold.missing else ""
        for name, units in labelled.items():
            present = [{**u, "text": texts[(u["doc"], u["i"])]} for u in units if (u["doc"], u["i"]) in texts]
            cells = [str(SetScore.of(score(present, frames[mode]))) for mode in args.modes]
            print(f"| {name_of(part)} | {name}{absent} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
