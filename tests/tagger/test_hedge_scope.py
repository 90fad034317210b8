"""How far a hedge reaches, with the shipped hedge and terminator rules and the real model.

A claim sentence is hedged only when every claim in it lies in some hedge's scope, and scope
ends at clause breaks (GUIDE.md: a hedged claim with no red flag needs no citation, so a hedge
that leaks into the next clause hides a flat claim). Sentences without claims are hedged by
any cue, which is what the BioScope benchmark (benchmarks/hedge.py) measures.
"""

from __future__ import annotations

import pytest

from claims.tagger import Tag, Tagger


def tag(tagger: Tagger, text: str) -> Tag:
    [result] = tagger.tag_texts([text])
    return result


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Acupuncture may ease tension headaches, but it often causes bruising at the needle sites.", "may"),
        ("PRP injections relieve knee pain; however, they might raise the risk of infection.", "might"),
        (
            "Nerve blocks might ease the burning pain for a while; the relief ends when the anaesthetic wears off.",
            "might",
        ),
        ("While TMS may cause a mild headache, it lifts depression in most patients.", "may"),
        ("Botox works within days, while physical therapy might take weeks to help.", "might"),
        ("Ibuprofen reduces the swelling, and it might also shorten recovery.", "might"),
        (
            "Gabapentin relieves nerve pain, although its benefit in sciatica has not been well studied.",
            "not been well studied",
        ),
    ],
)
def test_a_hedge_stays_in_its_clause(tagger, text, cue):
    result = tag(tagger, text)
    assert result.is_claim, result.triggers
    assert result.hedge_cues == [cue], "the hedge is found and qualifies the claim in its own clause"
    assert not result.hedged, f"a claim in the other clause is flat: triggers {result.triggers}"
    assert result.needs_citation


@pytest.mark.parametrize(
    ("broken", "joined"),
    [
        (
            "Ibuprofen reduces the swelling, and it might also shorten recovery.",
            "Ibuprofen reduces the swelling and might also shorten recovery.",
        ),
        (
            "Nerve blocks might ease the burning pain; they also lower opioid use.",
            "Nerve blocks might ease the burning pain and also lower opioid use.",
        ),
    ],
)
def test_the_clause_break_is_what_stops_the_hedge(tagger, broken, joined):
    assert not tag(tagger, broken).hedged
    assert tag(tagger, joined).hedged


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("It is thought that ketamine blocks NMDA receptors and reduces pain.", ["is thought"]),
        ("CBD oil may calm anxiety and might improve sleep.", ["may", "might"]),
        ("Nerve blocks might ease the burning pain, and they may also lower opioid use.", ["might", "may"]),
        ("Acupuncture seems to reduce migraine days.", ["seems"]),
        ("Ketamine appears to relieve nerve pain within hours.", ["appears to"]),
        ("Gabapentin has the potential to relieve nerve pain.", ["potential to"]),
        ("Spinal cord stimulation could lower opioid use after back surgery.", ["could"]),
        ("Some patients report less pain after a single acupuncture session.", ["Some patients"]),
        ("Dr. Reyes believes that TMS strengthens mood circuits.", ["believes"]),
    ],
)
def test_a_hedge_over_the_whole_sentence_hedges_it(tagger, text, cues):
    result = tag(tagger, text)
    assert result.is_claim, result.triggers
    assert result.hedged
    assert result.hedge_cues == cues
    assert not result.needs_citation
    assert result.priority == "low"


@pytest.mark.parametrize(
    "text",
    [
        "Physical therapy can relieve knee pain.",
        "Ketamine can cause dizziness.",
    ],
)
def test_can_does_not_hedge(tagger, text):
    result = tag(tagger, text)
    assert result.is_claim
    assert (result.hedged, result.hedge_cues) == (False, [])
    assert result.needs_citation


@pytest.mark.parametrize(
    "text",
    [
        "Opioids could not control her back pain.",  # past inability, not doubt
        "Bupivacaine is not known to cause dependence.",  # a confident denial
        "Unlike opioids, the patch carries no potential for abuse.",  # a risk denied, not a guess
        "Most patients report less pain after a single acupuncture session.",  # 'most' is no limit
        "The relief from ketamine appears within hours.",  # 'appears' as 'shows up'
        "Dr. Lin suggested a follow-up scan because TMS relieved her depression.",  # a recommendation
    ],
)
def test_negated_and_look_alike_forms_do_not_hedge(tagger, text):
    result = tag(tagger, text)
    assert result.is_claim, result.triggers
    assert (result.hedged, result.hedge_cues) == (False, [])


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("These findings suggest that the kinase phosphorylates the repressor.", ["suggest that"]),
        ("Whether the enhancer is active in resting T cells remains unclear.", ["Whether", "unclear"]),
        ("The mutant protein is likely to bind the promoter only weakly.", ["likely"]),
        ("We propose that the two factors compete for the same site.", ["We propose that"]),
        ("A putative zinc finger lies near the carboxyl end of the protein.", ["putative"]),
        ("How the repressor reaches the nucleus is not fully understood.", ["not fully understood"]),
        ("Our blots indicate that the repressor is cleaved within minutes.", ["indicate that"]),
    ],
)
def test_scientific_cues_hedge_sentences_without_claims(tagger, text, cues):
    result = tag(tagger, text)
    assert not result.is_claim, result.triggers
    assert result.hedged
    assert result.hedge_cues == cues


@pytest.mark.parametrize(
    "text",
    [
        "The transcription factor binds the promoter in stimulated cells.",
        "Binding could be detected in nuclear extracts from stimulated cells.",  # an observation
        "We book your visit as soon as possible.",
        "Take the tablets as indicated on the label.",
    ],
)
def test_statements_without_cues_stay_unhedged(tagger, text):
    result = tag(tagger, text)
    assert (result.hedged, result.hedge_cues) == (False, [])


def test_a_hedge_reaches_into_a_relative_clause_but_not_back_out(tagger):
    into, out = tagger.tag_texts(
        [
            "PRP may ease knee pain, which can be life-changing for runners.",
            "PRP eases knee pain, which may last for several months.",
        ]
    )
    assert into.hedged and "may" in into.hedge_cues
    assert not out.hedged and out.needs_citation
