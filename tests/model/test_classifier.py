"""The trained claim classifier: training is reproducible, the model loads, and the three
tagger modes decide as documented and say who decided in every row's reasons."""

from __future__ import annotations

import json

import pytest

from claims.document import Sentence
from claims.model.classifier import ClaimClassifier, ClassifierMissing
from claims.model.inputs import model_input
from claims.model.train import TrainConfig, read_training_sets, save, train
from claims.settings import Settings
from claims.tagger import Tagger
from claims.tagger.decide import decide

SMALL = {
    "drip-page": [
        ("Our vitamin drip restores your energy within a day.", ["EFFICACY"]),
        ("Book online or call the front desk.", []),
        ("Mild bruising at the needle site can happen.", ["SAFETY"]),
        ("The clinic opened in 2015.", []),
        ("Vitamin C helps enzymes rebuild collagen.", ["MECHANISM"]),
    ],
    "stretch-page": [
        ("Daily stretching eases stiff shoulders for most people.", ["EFFICACY"]),
        ("Parking is free behind the building.", []),
        ("Overdoing it may strain a tendon.", ["SAFETY"]),
        ("Stretching lengthens muscle fibres and raises blood flow.", ["MECHANISM"]),
    ],
}


@pytest.fixture
def small_set(tmp_path):
    articles = tmp_path / "set" / "articles"
    articles.mkdir(parents=True)
    lines = []
    for doc, units in SMALL.items():
        (articles / f"{doc}.txt").write_text("\n\n".join(text for text, _ in units) + "\n", encoding="utf-8")
        for i, (text, labels) in enumerate(units):
            lines.append(
                json.dumps({"doc": doc, "i": i, "text": text, "labels": labels, "needs_citation": bool(labels)})
            )
    (tmp_path / "set" / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "set"


def test_training_on_a_small_corpus_is_reproducible_and_loads(small_set, tmp_path):
    examples = read_training_sets([small_set])
    assert len(examples) == 9 and sum(bool(e.labels) for e in examples) == 6
    config = TrainConfig(epochs=3, seed=7)
    first, again = train(examples, config, log=lambda _: None), train(examples, config, log=lambda _: None)
    texts = [e.text for e in examples]
    assert [d.cats for d in first.pipe(texts)] == [d.cats for d in again.pipe(texts)]
    assert first.meta["version"] == again.meta["version"]
    save(first, tmp_path / "model")
    loaded = ClaimClassifier(tmp_path / "model")
    assert loaded.labels == ("EFFICACY", "SAFETY", "MECHANISM")
    assert loaded.version == f"claims_classifier-{first.meta['version']}"
    other = train(examples, TrainConfig(epochs=3, seed=8), log=lambda _: None)
    assert other.meta["version"] != first.meta["version"]  # the seed is part of the model's identity


def test_a_missing_classifier_says_how_to_make_one(tmp_path):
    with pytest.raises(ClassifierMissing, match="claims train"):
        ClaimClassifier(tmp_path)


@pytest.fixture(scope="module")
def rules_tagger():
    return Tagger(Settings(tagger="rules"))


def _decide(tagger, text, **kwargs):
    doc = tagger.nlp(text)
    return decide(doc, tagger._by_id, text=text, prior_topic=True, **kwargs)


def test_each_mode_decides_as_documented(rules_tagger):
    found_by_rules = "Ketamine infusions relieve nerve pain within hours."
    rules = _decide(rules_tagger, found_by_rules)
    assert rules.claim_types == ["EFFICACY"] and "rules:EFFICACY" in rules.reasons
    # hybrid: a type either side finds; the rules' triggers stay
    hybrid = _decide(rules_tagger, found_by_rules, model_types=frozenset({"EFFICACY", "SAFETY"}))
    assert hybrid.claim_types == ["EFFICACY", "SAFETY"]
    assert {"rules:EFFICACY", "model:EFFICACY", "model:SAFETY"} <= set(hybrid.reasons)
    assert "relieve nerve pain" in " ".join(hybrid.triggers)
    # model alone: the classifier's types only; the rules' claim is dropped
    alone = _decide(rules_tagger, found_by_rules, model_types=frozenset({"MECHANISM"}), rules_decide=False)
    assert alone.claim_types == ["MECHANISM"] and alone.reasons[-1] == "model:MECHANISM"
    assert not any(r.startswith("rules:") for r in alone.reasons)
    # ... unless a red flag makes the rules' claim stand
    flagged = _decide(
        rules_tagger, "It is completely safe and non-addictive.", model_types=frozenset(), rules_decide=False
    )
    assert flagged.claim_types == ["SAFETY"] and "rules:SAFETY" in flagged.reasons
    # a question claims nothing, whoever decides
    question = _decide(rules_tagger, "Does ketamine relieve nerve pain?", model_types=frozenset({"EFFICACY"}))
    assert question.claim_types == []


def test_the_shipped_classifier_decides_in_model_and_hybrid_modes():
    text = "After my third session the burning in my feet was gone and I slept through the night."
    sentence = Sentence(0, len(text), text, 0, "paragraph")
    model = Tagger(Settings(tagger="model"))
    assert model.classifier.types([model_input(sentence)]) == [frozenset({"EFFICACY"})]
    [tag] = model.tag_sentences([sentence])
    assert tag.claim_types == ["EFFICACY"] and "model:EFFICACY" in tag.reasons
    assert "+claims_classifier-" in model.model  # rows name the classifier's version
    assert "+claims_classifier-" not in Tagger(Settings(tagger="rules")).model


def test_every_claim_row_of_a_hybrid_run_says_who_decided(examples_dir):
    from claims.pipeline import analyse_many, read_source
    from claims.sources import resolve_sources

    settings = Settings(tagger="hybrid")
    pages = [read_source(source, settings) for source in resolve_sources([str(examples_dir)])]
    rows = [row for result in analyse_many(pages, Tagger(settings), "r") for row in result.claims]
    assert rows
    for row in rows:
        sides = {reason.split(":")[0] for reason in row.reasons if reason.split(":")[0] in ("rules", "model")}
        decided = {reason.split(":")[1] for reason in row.reasons if reason.split(":")[0] in ("rules", "model")}
        assert sides and decided == set(row.claim_types), row.reasons


def test_the_default_training_sets_exist_and_hold_only_our_own_words(tmp_path):
    """``claims train`` with no SET trains on what data/train/sets.txt lists: each entry
    must load, and none may be a folder of real pages (their texts are not ours to ship)."""
    from pathlib import Path

    from claims.model.train import default_sets

    listing = Path(__file__).resolve().parents[2] / "data" / "train" / "sets.txt"
    sets = default_sets(listing)
    assert sets and all(s.exists() for s in sets), [s for s in sets if not s.exists()]
    assert not [s for s in sets if "real" in s.parts or "devreal" in s.parts]
    assert all(read_training_sets([s]) for s in sets)  # each one holds labelled sentences
    # comments and blank lines are not sets; a missing listing gives none
    (tmp_path / "sets.txt").write_text("# a comment\n\nx  # trailing\n", encoding="utf-8")
    assert default_sets(tmp_path / "sets.txt") == [tmp_path / "x"]
    assert default_sets(tmp_path / "missing.txt") == []
