"""Scoring against labelled units: the counts, the matching rule, the gold-set shapes, and
errors explained by the sentence that made them."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from claims.cli import main
from claims.evaluate import agreement, majority, score
from claims.goldsets import GoldSetError, load_gold_set


def _unit(doc, i, text, labels=(), needs_citation=None):
    return {
        "doc": doc,
        "i": i,
        "text": text,
        "labels": list(labels),
        "needs_citation": bool(labels) if needs_citation is None else needs_citation,
    }


def _pred(doc, sentence, types=(), triggers=(), rules=(), needs_citation=None):
    return {
        "source": f"/x/{doc}.txt",
        "sentence": sentence,
        "claim_types": list(types),
        "triggers": list(triggers),
        "rule_ids": list(rules),
        "needs_citation": bool(types) if needs_citation is None else needs_citation,
        "hedged": False,
    }


def test_counts_per_label_and_needs_citation():
    gold = [
        _unit("a", 0, "Ketamine relieves nerve pain.", ["EFFICACY"]),
        _unit("a", 1, "It is completely safe.", ["SAFETY"]),
        _unit("a", 2, "Book a visit today."),
    ]
    preds = pd.DataFrame(
        [_pred("a", "Ketamine relieves nerve pain.", ["EFFICACY"]), _pred("a", "Book a visit today.", ["SAFETY"])]
    )
    report = score(gold, preds)
    assert (report["EFFICACY"]["tp"], report["EFFICACY"]["fp"], report["EFFICACY"]["fn"]) == (1, 0, 0)
    assert (report["SAFETY"]["tp"], report["SAFETY"]["fp"], report["SAFETY"]["fn"]) == (0, 1, 1)
    assert report["macro_f1"] == pytest.approx((1 + 0 + 0) / 3, abs=1e-4)
    assert report["NEEDS_CITATION"]["tp"] == 1 and report["NEEDS_CITATION"]["fp"] == 1


def test_agreement_pairs_units_by_place_and_scores_the_second_labelling_against_the_first():
    first = [_unit("a", 0, "", ["EFFICACY"]), _unit("a", 1, "", ["SAFETY"]), _unit("a", 2, "")]
    second = [_unit("a", 0, "", ["EFFICACY", "MECHANISM"]), _unit("a", 1, ""), _unit("a", 2, "")]
    report = agreement(first, second)
    assert (report["EFFICACY"]["tp"], report["SAFETY"]["fn"], report["MECHANISM"]["fp"]) == (1, 1, 1)
    assert report["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["NEEDS_CITATION"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert agreement(first, first)["macro_f1"] == pytest.approx(2 / 3, abs=1e-4)  # no MECHANISM at all
    with pytest.raises(ValueError, match="same units"):
        agreement(first, second[::-1])


def test_majority_keeps_what_most_labellers_gave():
    one = [_unit("a", 0, "", ["EFFICACY", "SAFETY"]), _unit("a", 1, "", ["MECHANISM"])]
    two = [_unit("a", 0, "", ["EFFICACY"]), _unit("a", 1, "", ["EFFICACY"])]
    three = [_unit("a", 0, "", ["SAFETY", "EFFICACY"]), _unit("a", 1, "", ["SAFETY"])]
    merged = majority([one, two, three])
    assert [u["labels"] for u in merged] == [["EFFICACY", "SAFETY"], []]
    # every labeller set needs_citation on the second unit, but no claim type won a majority
    assert [u["needs_citation"] for u in merged] == [True, False]
    with pytest.raises(ValueError, match="three"):
        majority([one, two])


def test_precision_is_split_by_who_found_each_claim_type():
    gold = [
        _unit("a", 0, "Ketamine relieves nerve pain.", ["EFFICACY"]),
        _unit("a", 1, "Ketamine blocks NMDA receptors.", ["MECHANISM"]),
        _unit("a", 2, "The clinic opens at nine."),
    ]
    rows = [
        _pred("a", "Ketamine relieves nerve pain.", ["EFFICACY"]),
        _pred("a", "Ketamine blocks NMDA receptors.", ["EFFICACY", "MECHANISM"]),
        _pred("a", "The clinic opens at nine.", ["SAFETY"]),
    ]
    rows[0]["reasons"] = ["unhedged", "rules:EFFICACY", "model:EFFICACY"]
    rows[1]["reasons"] = ["unhedged", "model:EFFICACY", "rules:MECHANISM"]
    rows[2]["reasons"] = ["unhedged", "model:SAFETY"]
    found_by = score(gold, pd.DataFrame(rows))["found_by"]
    assert (found_by["rules and model"]["right"], found_by["rules and model"]["wrong"]) == (1, 0)
    assert (found_by["rules only"]["right"], found_by["rules only"]["wrong"]) == (1, 0)
    assert (found_by["model only"]["right"], found_by["model only"]["wrong"]) == (0, 2)
    assert found_by["model only"]["precision"] == 0.0


def test_a_short_heading_is_not_matched_to_a_sentence_that_repeats_its_words_midway():
    gold = [_unit("a", 0, "Side Effects"), _unit("a", 1, "Most people feel no side effects at all.", ["SAFETY"])]
    preds = pd.DataFrame([_pred("a", "Most people feel no side effects at all.", ["SAFETY"])])
    report = score(gold, preds)
    assert report["SAFETY"]["fp"] == 0 and report["SAFETY"]["tp"] == 1


def test_a_false_positive_shows_only_the_triggers_of_the_sentence_that_carried_it():
    # the gold unit was split in two by the tagger; only the second half claims SAFETY
    gold = [_unit("a", 0, "Infusions ease pain within hours, and patients sleep better afterwards.", ["EFFICACY"])]
    preds = pd.DataFrame(
        [
            _pred("a", "Infusions ease pain within hours,", ["EFFICACY"], ["ease pain"], ["EFF-relieve"]),
            _pred("a", "and patients sleep better afterwards.", ["SAFETY"], ["sleep"], ["SAF-odd"]),
        ]
    )
    [error] = score(gold, preds)["errors"]
    assert error["false_positive"] == ["SAFETY"]
    assert error["triggers"] == ["sleep"] and error["rule_ids"] == ["SAF-odd"]


def test_real_pages_are_read_from_the_cache_and_checked_by_hash(tmp_path):
    text = "NAD+ drips restore energy. Call us."
    batch = tmp_path / "lockbox" / "b09" / "real"
    batch.mkdir(parents=True)
    (tmp_path / "lockbox" / "cache").mkdir()
    (tmp_path / "lockbox" / "cache" / "r9-nad.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    (batch / "pages.jsonl").write_text(
        json.dumps({"doc": "r9-nad", "url": "https://nad.example/", "sha256": digest}) + "\n"
    )
    (batch / "gold.jsonl").write_text(
        json.dumps({"doc": "r9-nad", "i": 0, "start": 0, "end": 26, "labels": ["EFFICACY"], "needs_citation": True})
        + "\n"
    )
    gold = load_gold_set(batch)
    assert [u["text"] for u in gold.units] == ["NAD+ drips restore energy."] and not gold.missing
    (tmp_path / "lockbox" / "cache" / "r9-nad.txt").write_text(text + " Edited.", encoding="utf-8")
    changed = load_gold_set(batch)
    assert changed.units == [] and "differs" in changed.missing["r9-nad"]


def test_a_malformed_gold_line_names_its_place(tmp_path):
    (tmp_path / "gold.jsonl").write_text('{"doc": "a", "text": "x"}\n')
    with pytest.raises(GoldSetError, match="gold.jsonl:1: missing field"):
        load_gold_set(tmp_path / "gold.jsonl")


def test_the_command_reports_a_false_positive_with_its_own_sentences_triggers_only(tmp_path, capsys):
    """The gold unit is one sentence; the run split it in two, and only the second half
    carries the wrong label: the report names that half's rule and trigger, not the first's."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "doc": "a",
                "i": 0,
                "text": "TMS relieves depression; sessions are safe and quick.",
                "labels": ["EFFICACY"],
                "hedged": False,
                "cited": False,
                "vague_authority": False,
                "red_flags": [],
                "needs_citation": True,
            }
        )
        + "\n"
    )
    pred = tmp_path / "pred.jsonl"
    pd.DataFrame(
        [
            {
                "source": "dir/a.txt",
                "sentence": "TMS relieves depression;",
                "claim_types": ["EFFICACY"],
                "needs_citation": True,
                "rule_ids": ["EFF-relieve-problem"],
                "triggers": ["relieves depression"],
            },
            {
                "source": "dir/a.txt",
                "sentence": "sessions are safe and quick.",
                "claim_types": ["SAFETY"],
                "needs_citation": True,
                "rule_ids": ["SAF-safe"],
                "triggers": ["safe"],
            },
        ]
    ).to_json(pred, orient="records", lines=True)

    assert main(["evaluate", str(gold), "--pred", str(pred), "--json"]) == 0
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["false_positive"] == ["SAFETY"] and error["false_negative"] == []
    assert (error["rule_ids"], error["triggers"]) == (["SAF-safe"], ["safe"])
    assert main(["evaluate", str(gold), "--pred", str(pred)]) == 0
    assert "rules=SAF-safe triggers=safe" in capsys.readouterr().out
