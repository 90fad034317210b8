"""Scoring the tagger against units labelled by the spec (``docs/annotation.md``).

Researchers label their own articles and measure the tagger on them, so the report says
not only how well it did but why: each false positive comes with the sentence that carried
the wrong label and that sentence's own triggers and rules, each false negative with what
gold expected.

Matching follows the reference scorer: a gold unit is matched to the predicted sentences of
the same document that contain it or that it contains (as whole words at the start or end,
or anywhere when the shorter text has 4+ words), or that share at least 60% of its words
both ways; the unit's prediction is the union of theirs. A document is named by the file
stem of ``source`` (``seed-000.txt`` -> ``seed-000``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from claims.dataset.schema import FINDERS, found_by
from claims.goldsets import GoldSet, read_units

LABELS = ("EFFICACY", "SAFETY", "MECHANISM")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
MIN_SHARED = 0.6


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def doc_name(source: str) -> str:
    name = str(source).rstrip("/").split("/")[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def read_gold(path: str | Path) -> list[dict]:
    return read_units(Path(path))


def read_predictions(pred: str | Path) -> pd.DataFrame:
    path = Path(pred)
    if path.is_dir():
        from claims.runfolder import RunFolder

        return RunFolder(path).load("claims")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        frame = pd.read_csv(path)
        for col in ("claim_types", "rule_ids", "triggers"):
            if col in frame:
                frame[col] = frame[col].fillna("").map(lambda v: [x.strip() for x in str(v).split(";") if x.strip()])
        return frame
    if path.suffix == ".jsonl":
        return pd.DataFrame(
            [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        )
    raise ValueError(f"{pred}: give a run folder or a .parquet, .csv or .jsonl claims table")


def tag_gold_set(gold: GoldSet, tagger) -> pd.DataFrame:
    """The tagger's claim rows for every document of ``gold`` (no Prefect, no run folder)."""
    from claims.pipeline import analyse_many, read_source
    from claims.settings import Settings
    from claims.sources import Source

    settings = Settings.from_env()
    pages = [read_source(Source(str(path), "file", path), settings) for path in gold.documents.values()]
    rows = [claim for result in analyse_many(pages, tagger, "evaluate") for claim in result.claims]
    columns = ("source", "sentence", "claim_types", "needs_citation", "hedged", "rule_ids", "triggers", "reasons")
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=list(columns))


def _inside(short: str, long: str) -> bool:
    """``short`` lies in ``long`` as whole words at its start or end, or anywhere if it has
    4+ words (a two-word heading is not matched to a sentence that repeats its words)."""
    if short == long or long.startswith(short + " ") or long.endswith(" " + short):
        return True
    return short.count(" ") >= 3 and f" {short} " in f" {long} "


class Unit:
    """A text as the scorer compares it: its normalized words, joined and as a set."""

    __slots__ = ("norm", "words")

    def __init__(self, text: str):
        words = _words(text)
        self.norm, self.words = " ".join(words), set(words)

    def matches(self, other: "Unit") -> bool:
        """Whether two texts are the same unit for scoring (see the module docstring)."""
        return _matches(self.norm, self.words, other.norm, other.words)


def _matches(g_norm: str, g_words: set, p_norm: str, p_words: set) -> bool:
    if not g_norm or not p_norm:
        return False
    if _inside(g_norm, p_norm) or _inside(p_norm, g_norm):
        return True
    shared = len(g_words & p_words)
    return bool(g_words) and shared / len(g_words) >= MIN_SHARED and shared / max(len(p_words), 1) >= MIN_SHARED


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate(gold_path: str | Path, pred: str | Path) -> dict:
    """Score a run (folder or claims table) against a gold file."""
    return score(read_gold(gold_path), read_predictions(pred))


def evaluate_set(gold: GoldSet, tagger) -> dict:
    """Tag a gold set's documents and score them; the report names documents left out."""
    report = score(gold.units, tag_gold_set(gold, tagger))
    report["missing_docs"] = dict(gold.missing)
    return report


def score(gold: Iterable[dict], frame: pd.DataFrame) -> dict:
    gold = list(gold)
    by_doc: dict[str, list[dict]] = {}
    for row in frame.to_dict("records"):
        text = str(row.get("sentence") or row.get("text") or "")
        labels = {str(v).upper() for v in (row.get("claim_types") if row.get("claim_types") is not None else [])}
        by_doc.setdefault(doc_name(row.get("source", row.get("doc", ""))), []).append(
            {
                "norm": " ".join(_words(text)),
                "words": set(_words(text)),
                "text": text,
                "labels": labels & set(LABELS),
                "needs_citation": bool(row.get("needs_citation", False)),
                "hedged": bool(row.get("hedged", False)),
                "rule_ids": list(row.get("rule_ids", []) or []),
                "triggers": list(row.get("triggers", []) or []),
                "reasons": list(row.get("reasons", []) or []),
            }
        )
    counts = {name: [0, 0, 0] for name in LABELS + ("NEEDS_CITATION", "HEDGED")}
    by_finder = {finder: [0, 0] for finder in FINDERS}  # [right, wrong] per who found a claim type
    errors: list[dict] = []
    for unit in gold:
        g_words = set(_words(unit["text"]))
        g_norm = " ".join(_words(unit["text"]))
        hits = [p for p in by_doc.get(unit["doc"], ()) if _matches(g_norm, g_words, p["norm"], p["words"])]
        got = set().union(*(p["labels"] for p in hits)) if hits else set()
        predicted = {
            "labels": got,
            "needs_citation": any(p["needs_citation"] for p in hits),
            "hedged": any(p["hedged"] for p in hits),
        }
        want = {
            "labels": set(unit["labels"]),
            "needs_citation": bool(unit["needs_citation"]),
            "hedged": bool(unit.get("hedged", False)) and bool(unit["labels"]),
        }
        for label in LABELS:
            _count(counts[label], label in want["labels"], label in got)
            if label in got:
                finder = found_by(label, [code for p in hits for code in p["reasons"]])
                by_finder[finder][label not in want["labels"]] += 1
        _count(counts["NEEDS_CITATION"], want["needs_citation"], predicted["needs_citation"])
        _count(counts["HEDGED"], want["hedged"], predicted["hedged"])
        if want["labels"] != got or want["needs_citation"] != predicted["needs_citation"]:
            wrong = got - want["labels"]
            # a false positive is explained by the sentences that carried the wrong label
            culprits = [p for p in hits if p["labels"] & wrong] or hits
            errors.append(
                {
                    "doc": unit["doc"],
                    "i": unit.get("i"),
                    "text": unit["text"],
                    "false_positive": sorted(wrong),
                    "false_negative": sorted(want["labels"] - got),
                    "gold_needs_citation": want["needs_citation"],
                    "pred_needs_citation": predicted["needs_citation"],
                    "rule_ids": sorted({r for p in culprits for r in p["rule_ids"]}),
                    "triggers": sorted({t for p in culprits for t in p["triggers"]}),
                }
            )
    report = _scores(counts)
    report["units"] = len(gold)
    report["docs_gold"] = len({u["doc"] for u in gold})
    report["docs_predicted"] = len({u["doc"] for u in gold} & set(by_doc))
    report["errors"] = errors
    report["found_by"] = {
        finder: {"right": right, "wrong": wrong, "precision": round(right / max(right + wrong, 1), 4)}
        for finder, (right, wrong) in by_finder.items()
    }
    return report


def agreement(reference: Iterable[dict], other: Iterable[dict]) -> dict:
    """How far two labellings of the same units agree, scored as ``score`` scores the tagger
    (``other`` as the prediction): per-label and needs_citation P/R/F1, macro F1. The units
    are paired by (doc, i); both must list the same units in the same order."""
    reference, other = list(reference), list(other)
    _check_same_units(reference, other)
    counts = {name: [0, 0, 0] for name in LABELS + ("NEEDS_CITATION",)}
    for want, got in zip(reference, other):
        for label in LABELS:
            _count(counts[label], label in want["labels"], label in got["labels"])
        _count(counts["NEEDS_CITATION"], bool(want["needs_citation"]), bool(got["needs_citation"]))
    report = _scores(counts)
    report["units"] = len(reference)
    return report


def majority(labellings: list[list[dict]]) -> list[dict]:
    """The units as most of the labellings (three or more, same units) label them: a claim
    type a majority gave, needs_citation where a majority set it and a claim type remains.
    Every other field is the first labelling's."""
    if len(labellings) < 3:
        raise ValueError("a majority needs three labellings or more")
    for other in labellings[1:]:
        _check_same_units(labellings[0], other)
    need = len(labellings) // 2 + 1
    merged = []
    for units in zip(*labellings):
        unit = dict(units[0])
        unit["labels"] = [label for label in LABELS if sum(label in u["labels"] for u in units) >= need]
        unit["needs_citation"] = bool(unit["labels"]) and sum(bool(u["needs_citation"]) for u in units) >= need
        merged.append(unit)
    return merged


def _check_same_units(first: list[dict], second: list[dict]) -> None:
    if [(u["doc"], u["i"]) for u in first] != [(u["doc"], u["i"]) for u in second]:
        raise ValueError("the two labellings do not list the same units (doc, i) in the same order")


def _scores(counts: dict[str, list[int]]) -> dict:
    """P/R/F1 of each counted name ([tp, fp, fn]) and the macro F1 over the claim types."""
    report = {name: _prf(*c) for name, c in counts.items()}
    report["macro_f1"] = round(sum(report[label]["f1"] for label in LABELS) / len(LABELS), 4)
    return report


def _count(cell: list[int], want: bool, got: bool) -> None:
    cell[0] += want and got
    cell[1] += got and not want
    cell[2] += want and not got


def format_report(report: dict) -> str:
    lines = []
    for name in LABELS + ("NEEDS_CITATION", "HEDGED"):
        r = report[name]
        lines.append(
            f"{name:15} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
            f"(tp={r['tp']} fp={r['fp']} fn={r['fn']})"
        )
    lines.append(
        f"macro_f1={report['macro_f1']:.3f} needs_citation_f1={report['NEEDS_CITATION']['f1']:.3f} "
        f"units={report['units']} docs={report['docs_predicted']}/{report['docs_gold']}"
    )
    split = [(f, c) for f, c in report.get("found_by", {}).items() if c["right"] + c["wrong"]]
    if len(split) > 1:
        lines.append(
            "precision by who found the claim type: "
            + "; ".join(f"{f} {c['precision']:.3f} ({c['right']} of {c['right'] + c['wrong']})" for f, c in split)
        )
    for doc, why in report.get("missing_docs", {}).items():
        lines.append(f"left out: {doc}: {why}")
    for kind, key in (("false positives", "false_positive"), ("false negatives", "false_negative")):
        rows = [e for e in report["errors"] if e[key]]
        lines.append(f"\n{kind} ({len(rows)}):")
        for e in rows:
            lines.append(f"  {e['doc']}#{e['i']} {','.join(e[key])}: {e['text'][:160]}")
            lines.append(f"      rules={','.join(e['rule_ids']) or '-'} triggers={'; '.join(e['triggers']) or '-'}")
    flag_errors = [e for e in report["errors"] if e["gold_needs_citation"] != e["pred_needs_citation"]]
    lines.append(f"\nneeds_citation disagreements ({len(flag_errors)}):")
    for e in flag_errors:
        lines.append(
            f"  {e['doc']}#{e['i']} gold={e['gold_needs_citation']} pred={e['pred_needs_citation']}: {e['text'][:160]}"
        )
    return "\n".join(lines)
