"""The two per-site facts that read sentences: a harm stated, and an FDA approval claimed.
Each case is a sentence with the tagger's fields as `claims tag` gives them, labelled by hand."""

from __future__ import annotations

import pytest

from claims.sitereport import approval_claims, misstated, states_harm

S = ["SAFETY"]


@pytest.mark.parametrize(
    "sentence, triggers, red_flags, interventions, harm",
    [
        (
            "Common side effects include nausea, dizziness and a temporary rise in blood pressure.",
            ["side effects"],
            [],
            [],
            True,
        ),
        (
            "Patients with uncontrolled high blood pressure should not receive ketamine.",
            ["should not receive"],
            [],
            ["ketamine"],
            True,
        ),
        (
            "Ketamine, unlike opioids, carries a small risk of bladder irritation.",
            ["risk"],
            [],
            ["ketamine", "opioids"],
            True,
        ),
        ("Ketamine is not suitable for everyone.", ["not suitable for everyone"], [], ["ketamine"], True),
        (
            "Ketamine is non-addictive and has no side effects.",
            ["non-addictive", "side effects"],
            ["non-addictive", "no side effects"],
            ["ketamine"],
            False,
        ),
        (
            "Unlike opioids, which carry a real risk of addiction, ketamine is safe.",
            ["risk", "addiction", "safe"],
            ["safe"],
            ["opioids", "ketamine"],
            False,
        ),
        ("Opioids carry a real risk of dependence.", ["risk", "dependence"], [], ["opioids"], False),
        ("Ketamine has fewer side effects than opioids.", ["side effects"], [], ["ketamine", "opioids"], False),
        ("Our treatment is free of side effects.", ["side effects"], ["free of side effects"], [], False),
        ("There is a low risk of addiction with ketamine.", ["risk", "addiction"], [], ["ketamine"], False),
        ("Ketamine infusions are completely safe.", ["safe"], ["completely safe"], ["ketamine"], False),
    ],
)
def test_a_safety_claim_states_a_harm_or_only_reassures(sentence, triggers, red_flags, interventions, harm):
    assert states_harm(S, triggers, red_flags, sentence, interventions) is harm


def test_only_safety_claims_can_state_a_harm():
    assert not states_harm(["EFFICACY"], ["side effects"], [], "Side effects include nausea.", [])


@pytest.mark.parametrize(
    "sentence, interventions, conditions, claims, wrong",
    [
        (
            "IV ketamine is an FDA-approved treatment for chronic pain.",
            ["IV infusion", "ketamine"],
            ["chronic pain"],
            ["ketamine for chronic pain"],
            ["ketamine for chronic pain"],
        ),
        (
            "Ketamine was approved by the FDA as an anesthetic in 1970.",
            ["ketamine", "anesthetics"],
            [],
            ["ketamine for anesthesia"],
            [],
        ),
        (
            "Spravato is FDA-approved for treatment-resistant depression.",
            ["esketamine"],
            ["depression"],
            ["esketamine for depression"],
            [],
        ),
        (
            "Ketamine is FDA approved for depression and anxiety.",
            ["ketamine"],
            ["depression", "anxiety"],
            ["ketamine for depression", "ketamine for anxiety"],
            ["ketamine for depression", "ketamine for anxiety"],
        ),
        ("Ketamine is FDA-approved and safe.", ["ketamine"], [], ["ketamine"], []),
        ("Our TMS device is FDA-cleared for depression.", ["TMS"], ["depression"], ["TMS for depression"], []),
        ("Our infusions use FDA approved medicines.", ["IV infusion"], [], ["IV infusion"], []),
        (
            "This therapy is approved by the U.S. Food and Drug Administration for migraine.",
            [],
            ["migraine"],
            ["unnamed treatment for migraine"],
            [],
        ),
        ("Ketamine is not FDA-approved for depression, so its use is off-label.", ["ketamine"], ["depression"], [], []),
        ("Ketamine has not been approved by the FDA for chronic pain.", ["ketamine"], ["chronic pain"], [], []),
        ("FDA approval for this use is pending.", [], [], [], []),
        ("Ketamine relieves pain within hours.", ["ketamine"], ["chronic pain"], [], []),
    ],
)
def test_fda_approval_claims_and_the_misstated_ones(sentence, interventions, conditions, claims, wrong):
    found = approval_claims(sentence, interventions, conditions)
    assert found == claims
    assert misstated(found) == wrong
