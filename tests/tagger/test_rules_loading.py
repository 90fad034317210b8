import json

import pytest

from claims.settings import Settings
from claims.tagger import Tagger
from claims.tagger.ruleset import DEFAULT_RULES_DIR, RuleError, load_rules


def _write(folder, name, *rules):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rules))


def test_overlay_adds_replaces_and_disables(tmp_path):
    shipped = load_rules()
    extra = tmp_path / "rules"
    _write(
        extra,
        "my_red_flags.jsonl",
        {"id": "RF-detox", "label": "RED_FLAG", "canonical": "detox", "pattern": [{"LOWER": "detox"}]},
        {"id": "RF-miracle", "disabled": True},
    )
    _write(extra, "conditions.jsonl", {"id": "COND-only-lyme", "label": "CONDITION", "pattern": [{"LOWER": "lyme"}]})
    mine = load_rules(extra)
    ids = {r.id for r in mine.rules}
    assert "RF-detox" in ids and "RF-miracle" not in ids
    assert "COND-only-lyme" in ids and "COND-fibromyalgia" not in ids  # file replaced whole
    assert "EFF-relieve-problem" in ids  # other shipped files untouched
    assert mine.version != shipped.version
    assert load_rules(extra).version == mine.version


def test_user_rules_drive_the_tagger(tmp_path):
    extra = tmp_path / "rules"
    _write(
        extra,
        "red_flags_extra.jsonl",
        {"id": "RF-detox", "label": "RED_FLAG", "canonical": "detox", "pattern": [{"LOWER": "detox"}]},
    )
    tagger = Tagger(Settings(rules_dir=str(extra), tagger="rules"))
    [tag] = tagger.tag_texts(["Our IV detox relieves migraine pain within hours."])
    assert "detox" in tag.red_flags
    assert "red_flag:detox" in tag.reasons
    assert tag.priority == "high"


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"label": "RED_FLAG", "pattern": "x"}, "needs a string 'id'"),
        ({"id": "X", "label": "SPARKLE", "pattern": "x"}, "label 'SPARKLE'"),
        ({"id": "X", "label": "HEDGE"}, "exactly one of"),
        ({"id": "X", "label": "HEDGE", "pattern": "x", "direction": "sideways"}, "direction"),
    ],
)
def test_malformed_rules_are_reported_with_their_place(tmp_path, entry, message):
    _write(tmp_path / "r", "bad.jsonl", entry)
    with pytest.raises(RuleError, match=message) as err:
        load_rules(tmp_path / "r")
    assert "bad.jsonl:1" in str(err.value)


def test_duplicate_ids_and_bad_json_are_errors(tmp_path):
    shipped_id = json.loads((DEFAULT_RULES_DIR / "red_flags.jsonl").read_text().splitlines()[0])["id"]
    _write(tmp_path / "r", "extra.jsonl", {"id": shipped_id, "label": "RED_FLAG", "pattern": "x"})
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules(tmp_path / "r")
    (tmp_path / "r" / "extra.jsonl").write_text("{not json\n")
    with pytest.raises(RuleError, match="not valid JSON"):
        load_rules(tmp_path / "r")
    with pytest.raises(RuleError, match="not a folder"):
        load_rules(tmp_path / "missing")


def test_an_invalid_spacy_pattern_names_the_rule(tmp_path):
    _write(tmp_path / "r", "extra.jsonl", {"id": "EFF-typo", "label": "EFFICACY", "pattern": [{"LOWERR": "x"}]})
    with pytest.raises(RuleError, match="EFF-typo"):
        Tagger(Settings(rules_dir=str(tmp_path / "r"), tagger="rules"))


def _token_rule_texts(tagger) -> list[str]:
    """Every rule example and test case, and the sentences of our labelled articles."""
    import json
    from pathlib import Path

    from claims.sentences import split_text

    root = Path(__file__).resolve().parents[2]
    texts = [text for rule in tagger.rules.rules for texts in rule.examples.values() for text in texts]
    for path in sorted((root / "tests" / "tagger" / "cases").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    for path in sorted(root.glob("data/*/articles/*.txt")):
        article = path.read_text(encoding="utf-8")
        texts += [article[start:end] for start, end in split_text(article)]
    return texts


def test_gated_matching_finds_the_same_spans_as_one_big_matcher(tagger):
    """Running each rule only where its words are, over a window, is an optimisation: it
    must find what one Matcher holding every token pattern finds over whole sentences."""
    from spacy.matcher import Matcher

    from claims.tagger.matcher import SPANS_KEY

    rules = [r for r in tagger.rules.rules if isinstance(r.pattern, list)]
    one = Matcher(tagger.nlp.vocab)
    for rule in rules:
        one.add(rule.id, rule.pattern if isinstance(rule.pattern[0], list) else [rule.pattern])
    texts = _token_rule_texts(tagger)
    assert len(texts) > 1000
    ruler = tagger.nlp.get_pipe("claims_rules")
    token_rules = {r.id for r in rules}
    found = 0
    for doc in tagger.nlp.pipe(texts):
        expected = {(s, e, doc.vocab.strings[m]) for m, s, e in one(doc)}
        lowers = [t.lower for t in doc]
        expected = {h for h in expected if not ruler.vetoed(lowers, h[0], h[1], h[2])}
        got = {(s.start, s.end, s.id_) for s in doc.spans[SPANS_KEY] if s.id_ in token_rules}
        assert got == expected, doc.text
        found += len(got)
    assert found > len(texts)


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            {"id": "X", "label": "HEDGE", "pattern": "may", "unles_before": ["not"]},
            "unknown key 'unles_before' .*'unless_before'",
        ),
        ({"id": "X", "label": "EFFICACY", "pattern": "cures", "needs_contex": True}, "unknown key 'needs_contex'"),
        ({"id": "X", "label": "EFFICACY", "pattern": [{"LEMMA": "@no_such_list"}]}, "unknown lexicon '@no_such_list'"),
    ],
)
def test_unknown_keys_and_lexicons_are_errors_with_their_place(tmp_path, entry, message):
    _write(tmp_path / "r", "bad.jsonl", entry)
    with pytest.raises(RuleError, match=message) as err:
        load_rules(tmp_path / "r")
    assert "bad.jsonl:1" in str(err.value)


def test_patterns_name_lexicons_instead_of_repeating_word_lists(tmp_path):
    _write(tmp_path / "r", "my_lexicons.jsonl", {"lexicon": "soothing_verbs", "words": ["soothe", "calm"]})
    _write(
        tmp_path / "r",
        "mine.jsonl",
        {"id": "EFF-soothe", "label": "EFFICACY", "pattern": [{"LEMMA": "@soothing_verbs"}, {"LOWER": "pain"}]},
        {
            "id": "EFF-soothe-more",
            "label": "EFFICACY",
            "pattern": [{"LEMMA": {"IN": ["@soothing_verbs", "tame"]}}, {"LOWER": "aches"}],
        },
    )
    rules = load_rules(tmp_path / "r").by_id()
    assert rules["EFF-soothe"].pattern[0] == {"LEMMA": {"IN": ["soothe", "calm"]}}
    assert rules["EFF-soothe-more"].pattern[0] == {"LEMMA": {"IN": ["soothe", "calm", "tame"]}}


def test_veto_word_lists_name_lexicons_too(tmp_path):
    _write(tmp_path / "r", "my_lexicons.jsonl", {"lexicon": "lowering", "words": ["lowers", "cuts"]})
    _write(
        tmp_path / "r",
        "mine.jsonl",
        {"id": "SAF-x", "label": "SAFETY", "pattern": "risk", "unless_after": ["@lowering", "reduces"]},
        {"id": "SAF-y", "label": "SAFETY", "pattern": "harm", "unless_before": ["@no_such_list"]},
    )
    with pytest.raises(RuleError, match="mine.jsonl:2: rule SAF-y: unknown lexicon '@no_such_list'"):
        load_rules(tmp_path / "r")
    _write(
        tmp_path / "r",
        "mine.jsonl",
        {"id": "SAF-x", "label": "SAFETY", "pattern": "risk", "unless_after": ["@lowering", "reduces"]},
    )
    assert load_rules(tmp_path / "r").by_id()["SAF-x"].unless_after == ("lowers", "cuts", "reduces")


def test_rules_are_parsed_once_per_process_and_again_when_a_file_changes(tmp_path):
    _write(tmp_path / "r", "mine.jsonl", {"id": "RF-zap", "label": "RED_FLAG", "pattern": "zap"})
    first = load_rules(tmp_path / "r")
    assert load_rules(tmp_path / "r") is first
    _write(tmp_path / "r", "mine.jsonl", {"id": "RF-zap", "label": "RED_FLAG", "pattern": "zapped"})
    assert load_rules(tmp_path / "r").version != first.version


def test_the_rules_are_saved_with_the_pipeline(tmp_path):
    import spacy

    tagger = Tagger(Settings(tagger="rules"))
    tagger.nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline").get_pipe("claims_rules")
    assert loaded.rules.version == tagger.rules_version
    assert [r.id for r in loaded.rules.rules] == [r.id for r in tagger.rules.rules]
    text = "Ketamine is non-addictive and relieves pain."
    saved, fresh = spacy.load(tmp_path / "pipeline")(text), tagger.nlp(text)
    assert [(s.label_, s.id_, s.start, s.end) for s in saved.spans["claims"]] == [
        (s.label_, s.id_, s.start, s.end) for s in fresh.spans["claims"]
    ]
