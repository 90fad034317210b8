"""Hand-labelled sentences per rule family (tests/tagger/cases/*.jsonl, see its README).

Each case states, by the annotation guide, every tagging field of one sentence; the tagger must
give exactly that. Cases the tagger still gets wrong are listed in KNOWN_GAPS with the reason:
they run as strict xfails, so fixing one makes the suite say so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.document import Link, Sentence

CASES_DIR = Path(__file__).parent / "cases"
ARTICLE_URL = "https://www.example-clinic.com/blog/post"

KNOWN_GAPS = {
    "hedge_scope:PRP calms inflammation in the joint, and it might slow": "'slow cartilage loss' reads as a harm, not a benefit",
    "mechanism:Electroconvulsive therapy triggers a brief, controlled": "a seizure caused on purpose reads as a harm",
    "non_claims:Ketamine was first synthesized in 1962 by a chemist": "'safer' in history reads as a safety claim",
    "vague_authority:Decades of research support chiropractic care for": "'support X for Y' names no benefit verb",
}


def _cases():
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                key = f"{path.stem}:{case['text']}"
                gap = next((why for prefix, why in KNOWN_GAPS.items() if key.startswith(prefix)), None)
                marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                yield pytest.param(case, id=key[:70], marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case, tagger):
    links = tuple(Link(0, 1, href) for href in case.get("links", []))
    sentence = Sentence(0, len(case["text"]), case["text"], 0, "paragraph", None, links)
    [tag] = tagger.tag_sentences([sentence], article_url=ARTICLE_URL)
    got = {
        "claim_types": tag.claim_types,
        "hedged": tag.hedged,
        "cited": tag.cited,
        "vague_authority": tag.vague_authority,
        "needs_citation": tag.needs_citation,
        "priority": tag.priority,
        "red_flags": sorted(f.lower() for f in tag.red_flags),
    }
    want = {key: case[key] for key in got}
    want["claim_types"] = [t for t in ("EFFICACY", "SAFETY", "MECHANISM") if t in case["claim_types"]]
    want["red_flags"] = sorted(f.lower() for f in case["red_flags"])
    assert got == want, f"triggers={tag.triggers} rules={tag.rule_ids}"


def test_every_known_gap_names_a_case():
    keys = [
        f"{p.stem}:{json.loads(line)['text']}"
        for p in CASES_DIR.glob("*.jsonl")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert all(any(k.startswith(prefix) for k in keys) for prefix in KNOWN_GAPS)
