"""``claims evaluate`` explains each false positive by the sentence that made it."""
import json

import pandas as pd

from claims.cli import main


def test_a_false_positive_is_reported_with_its_own_sentences_triggers_only(tmp_path, capsys):
    """The gold unit is one sentence; the run split it in two, and only the second half
    carries the wrong label: the report names that half's rule and trigger, not the first's."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({
        "doc": "a", "i": 0, "text": "TMS relieves depression; sessions are safe and quick.", "labels": ["EFFICACY"],
        "hedged": False, "cited": False, "vague_authority": False, "red_flags": [], "needs_citation": True,
    }) + "\n")
    pred = tmp_path / "pred.jsonl"
    pd.DataFrame([
        {"source": "dir/a.txt", "sentence": "TMS relieves depression;", "claim_types": ["EFFICACY"],
         "needs_citation": True, "rule_ids": ["EFF-relieve-problem"], "triggers": ["relieves depression"]},
        {"source": "dir/a.txt", "sentence": "sessions are safe and quick.", "claim_types": ["SAFETY"],
         "needs_citation": True, "rule_ids": ["SAF-safe"], "triggers": ["safe"]},
    ]).to_json(pred, orient="records", lines=True)

    assert main(["evaluate", str(gold), "--pred", str(pred), "--json"]) == 0
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["false_positive"] == ["SAFETY"] and error["false_negative"] == []
    assert (error["rule_ids"], error["triggers"]) == (["SAF-safe"], ["safe"])
    assert main(["evaluate", str(gold), "--pred", str(pred)]) == 0
    assert "rules=SAF-safe triggers=safe" in capsys.readouterr().out
