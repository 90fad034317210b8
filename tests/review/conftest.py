"""A tiny run-folder generator, so the review app is tested without the pipeline.

It commits what ``claims run`` commits for the app (claims, articles and texts) through the
run folder's own API, from a few invented articles. Claims name their sentence by text; the
generator finds its offsets, so the fixture cannot drift out of step with the article texts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from runhelpers import article_row, claim_row, commit_run

from claims.document import Block
from claims.runfolder import ArticleText

HOSTILE_SENTENCE = "<script>alert(1)</script> Our drip cures <b>bold</b> fatigue for good."
HOSTILE_TITLE = "<b>bold</b> Drip Bar<script>window.__pwned = 1; document.title = 'pwned'</script>"

#: article_id -> (title, url, blocks as (kind, text)); "a3" gets no text file.
ARTICLES: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "a1": (
        "Ketamine Infusions at Example Clinic",
        "https://clinic.example/ketamine",
        [
            ("title", "Ketamine Infusions at Example Clinic"),
            ("heading", "How it works"),
            (
                "paragraph",
                "Our infusions calm overactive pain pathways. Ketamine blocks NMDA receptors in the "
                "spinal cord. Many visitors feel lighter after one visit.",
            ),
            ("heading", "Safety"),
            (
                "paragraph",
                "The treatment is non-addictive and has no side effects. Studies show it beats opioids "
                "for nerve pain. It may help some patients with fibromyalgia [1].",
            ),
        ],
    ),
    "a2": (
        HOSTILE_TITLE,
        "javascript:alert(2)",
        [("heading", "<script>alert(1)</script>"), ("paragraph", "Welcome in. " + HOSTILE_SENTENCE)],
    ),
    "a3": ("Pain Relief Notes", "https://notes.example/pain", [("paragraph", "unused")]),
}


#: What "[1]" in c-hedged resolves to: its entry in the page's reference list.
CITED_REFERENCE = {
    "marker": "[1]",
    "text": "Halvorsen T. Ketamine in fibromyalgia: a randomized trial. Pain Med. 2018.",
    "link": "https://doi.org/10.5555/pm.2018.12",
    "entry_link": "https://clinic.example/ketamine#ref-1",
}


def _claim(claim_id: str, article_id: str, sentence: str, **fields: object) -> dict[str, object]:
    types = list(fields.pop("claim_types", ["EFFICACY"]))
    row: dict[str, object] = {
        "claim_id": claim_id,
        "article_id": article_id,
        "sentence": sentence,
        "claim_types": types,
        "efficacy": "EFFICACY" in types,
        "safety": "SAFETY" in types,
        "mechanism": "MECHANISM" in types,
        "triggers": [],
        "rule_ids": ["r1"],
        "hedged": False,
        "hedge_cues": [],
        "cited": False,
        "citations": [],
        "references": [],
        "vague_authority": False,
        "red_flags": [],
        "red_flag_names": [],
        "needs_citation": True,
        "priority": "medium",
        "reasons": ["unhedged", "no_citation"],
        "section": None,
        "interventions": ["ketamine"],
        "conditions": [],
        "cluster_id": None,
    }
    row.update(fields)
    return row


CLAIMS: list[dict[str, object]] = [
    _claim(
        "c-mech",
        "a1",
        "Ketamine blocks NMDA receptors in the spinal cord.",
        claim_types=["MECHANISM"],
        triggers=["NMDA receptors"],
        reasons=["unhedged", "no_citation", "model:MECHANISM"],  # the classifier alone found it
        section="How it works",
    ),
    _claim(
        "c-safe",
        "a1",
        "The treatment is non-addictive and has no side effects.",
        claim_types=["SAFETY"],
        triggers=["side effects"],
        red_flags=["non-addictive", "no side effects"],
        red_flag_names=["non-addictive", "no side effects"],
        priority="high",
        reasons=["red_flag:non-addictive", "red_flag:no side effects", "no_citation"],
        section="Safety",
        cluster_id="k1",
    ),
    _claim(
        "c-vague",
        "a1",
        "Studies show it beats opioids for nerve pain.",
        triggers=["beats opioids"],
        vague_authority=True,
        reasons=["vague_authority", "no_citation", "rules:EFFICACY", "model:EFFICACY"],  # both found it
        section="Safety",
        interventions=["ketamine", "opioids"],
        conditions=["nerve pain"],
    ),
    _claim(
        "c-hedged",
        "a1",
        "It may help some patients with fibromyalgia [1].",
        hedged=True,
        hedge_cues=["may", "some patients"],
        cited=True,
        citations=["[1]"],
        references=[CITED_REFERENCE],
        needs_citation=False,
        priority="low",
        reasons=[],
        section="Safety",
        conditions=["fibromyalgia"],
    ),
    _claim(
        "c-hostile",
        "a2",
        HOSTILE_SENTENCE,
        triggers=["cures"],
        red_flags=["cures"],
        red_flag_names=["cure"],
        priority="high",
        section="<script>alert(1)</script>",
        interventions=["vitamin drip"],
    ),
    _claim(
        "c-dup",
        "a3",
        "This treatment is non-addictive and has no side effects.",
        claim_types=["SAFETY"],
        red_flags=["non-addictive"],
        red_flag_names=["non-addictive"],
        priority="high",
        cluster_id="k1",
    ),
]
#: The order the app must show CLAIMS in: needs_citation first, then priority, then reading order.
REVIEW_ORDER = ["c-safe", "c-hostile", "c-dup", "c-mech", "c-vague", "c-hedged"]


def build_run(
    out_dir: Path,
    claims: list[dict[str, object]] | None = None,
    *,
    run_id: str = "run-1",
    articles: dict[str, tuple[str, str, list[tuple[str, str]]]] | None = None,
) -> Path:
    """Commit a run through the run folder; every article but "a3" gets its text (to test a
    missing one). Each call is a new plain run, as ``claims run`` would make."""
    articles = ARTICLES if articles is None else articles
    claims = CLAIMS if claims is None else claims
    texts = {}
    stored = []
    for article_id, (title, url, blocks) in articles.items():
        text, spans, position = "", [], 0
        for kind, block in blocks:
            if text:
                text += "\n\n"
                position += 2
            spans.append(Block(kind, position, position + len(block)))
            text += block
            position += len(block)
        texts[article_id] = text
        if article_id != "a3":
            stored.append(ArticleText(article_id, url, text, tuple(spans), title))
    rows = []
    for index, claim in enumerate(claims):
        title, url, _ = articles[str(claim["article_id"])]
        start = texts[str(claim["article_id"])].find(str(claim["sentence"]))
        rows.append(
            claim_row(
                url,
                index,
                str(claim["sentence"]),
                **{
                    "url": url,
                    "title": title,
                    "char_start": max(start, 0),
                    "char_end": max(start, 0) + len(str(claim["sentence"])),
                    "run_id": run_id,
                    "rules_version": "test-rules",
                    "model": "none",
                    **{name: value for name, value in claim.items() if name != "sentence"},
                },
            )
        )
    article_rows = [
        article_row(url, article_id=a, url=url, title=title, run_id=run_id) for a, (title, url, _) in articles.items()
    ]
    commit_run(out_dir, [(article_rows, rows)], run_id=run_id, texts=stored)
    return out_dir


@pytest.fixture
def make_run() -> Callable[..., Path]:
    return build_run


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return build_run(tmp_path / "run")


@pytest.fixture
def claims_fixture() -> list[dict[str, object]]:
    """A fresh copy of the default claims, to alter in one test."""
    return [dict(c) for c in CLAIMS]


@pytest.fixture
def review_order() -> list[str]:
    return list(REVIEW_ORDER)
