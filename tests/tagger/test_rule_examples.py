"""Every shipped rule carries example sentences; a rule that stops matching its own positive
example, or starts matching its negative one, fails here with the rule id in the test name."""

import pytest

from claims.tagger.decide import _citation_link_rule
from claims.tagger.matcher import SPANS_KEY
from claims.tagger.ruleset import load_rules

RULES = load_rules().rules


def test_every_rule_has_a_positive_and_a_negative_example():
    lacking = [r.id for r in RULES if not r.examples.get("match") or not r.examples.get("no_match")]
    assert lacking == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_matches_its_examples(rule, tagger):
    by_id = tagger.rules.by_id()
    if rule.link_domain:
        for href in rule.examples["match"]:
            assert getattr(_citation_link_rule(href, by_id, None), "id", None) == rule.id, href
        for href in rule.examples["no_match"]:
            assert _citation_link_rule(href, by_id, None) is None, href
        return
    for sentence in rule.examples["match"]:
        assert rule.id in _fired(tagger, sentence), f"{rule.id} should match: {sentence!r}"
    for sentence in rule.examples["no_match"]:
        assert rule.id not in _fired(tagger, sentence), f"{rule.id} should not match: {sentence!r}"


def _fired(tagger, sentence: str) -> set[str]:
    doc = tagger.nlp(sentence)
    return {span.id_ for span in doc.spans[SPANS_KEY]}
