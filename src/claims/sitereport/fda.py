"""FDA approvals a page claims, and which of them name a use the FDA did not approve.

A sentence claims an approval when it says "FDA-approved", "FDA cleared", "FDA approval",
"approved by the FDA" or "Food and Drug Administration approved" with no negation among the
four words before it ("not", "never", "no", "n't", "without", "yet to") and no "off-label"
or "pending" in the sentence. Every sentence of the page is read, not only claim sentences:
the annotation guide does not count "is approved for" as a claim, so such sentences are
seldom claim rows. What is claimed comes from the tagger's lexicons for that sentence: one
entry per treatment and use named ("ketamine for chronic pain"), the use being a condition
named, or anesthesia when the sentence calls it an anesthetic; "ketamine" alone when no use
is named; "unnamed treatment" when no treatment is.

``fda_labels.json`` lists, for a few treatments, the uses the FDA approved, in the tagger's
condition names. A claim for one of them naming another use is misstated: ketamine is
approved as an anesthetic, so "IV ketamine is an FDA-approved treatment for chronic pain"
is; esketamine (Spravato) is approved for treatment-resistant depression, which the tagger
names "depression". Treatments the file does not list are reported, not judged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

APPROVAL = re.compile(
    r"\bFDA[\s-]*(?:approved|cleared|approval|clearance|authori[sz]ed)\b|"
    r"\b(?:approved|cleared)\s+by\s+the\s+(?:U\.?\s?S\.?\s+)?(?:FDA|Food\s+and\s+Drug\s+Administration)\b|"
    r"\bFood\s+and\s+Drug\s+Administration[\s-]*(?:approved|cleared)\b",
    re.IGNORECASE,
)
NEGATION = frozenset({"not", "never", "no", "n't", "without", "yet", "nor"})
NOT_A_CLAIM = re.compile(r"\boff[\s-]label\b|\bpending\b|\bnot\s+yet\b", re.IGNORECASE)
ANESTHESIA = re.compile(r"\ban(?:a)?esthe(?:tic|sia)s?\b|\bsedation\b", re.IGNORECASE)
#: Intervention names that say how or as what a treatment is given, not which one it is.
_ROUTES = {"IV infusion", "anesthetics"}
_WORD = re.compile(r"[\w']+|n't")
LABELS_FILE = Path(__file__).with_name("fda_labels.json")


def approval_claims(sentence: str, interventions: Sequence[str], conditions: Sequence[str]) -> list[str]:
    """The approvals ``sentence`` claims (empty when it claims none); see the module docstring."""
    match = next(
        (
            m
            for m in APPROVAL.finditer(sentence)
            if not NEGATION.intersection(w.lower() for w in _WORD.findall(sentence[: m.start()])[-4:])
        ),
        None,
    )
    if match is None or NOT_A_CLAIM.search(sentence):
        return []
    treatments = (
        [t for t in dict.fromkeys(interventions) if t not in _ROUTES]
        or [t for t in dict.fromkeys(interventions) if t == "IV infusion"]
        or ["unnamed treatment"]
    )
    uses = [c for c in dict.fromkeys(conditions) if c]
    if "anesthetics" in interventions or ANESTHESIA.search(sentence):
        uses.append("anesthesia")
    if not uses:
        return treatments
    return [f"{treatment} for {use}" for treatment in treatments for use in uses]


def misstated(claims: Iterable[str]) -> list[str]:
    """The claims naming a use the FDA did not approve for a treatment ``fda_labels.json`` lists."""
    labels = approved_uses()
    wrong = []
    for claim in claims:
        treatment, _, use = claim.partition(" for ")
        if use and treatment in labels and use not in labels[treatment]:
            wrong.append(claim)
    return wrong


@lru_cache(maxsize=1)
def approved_uses() -> dict[str, frozenset[str]]:
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return {treatment: frozenset(entry["uses"]) for treatment, entry in data["treatments"].items()}
