"""A small hand-labelled set of clinic sites: their articles and claim rows as the pipeline
records them (claim fields as `claims tag` gives them), and each site's expected row of
sites.parquet. Used by the per-site table and report tests."""

from __future__ import annotations

from runhelpers import article_row, claim_row

A, B, C = "https://www.ketamine-a.example", "https://ketamine-b.example", "https://tms-c.example"


def rows():
    """Three sites as the pipeline would record them (claim fields as `claims tag` gives them)."""

    def safety(source, index, sentence, triggers, red_flags=(), priority="medium", interventions=(), **fields):
        flags = [f"red_flag:{n}" for n in fields.pop("canonical", [])]
        return claim_row(
            source,
            index,
            sentence,
            claim_types=["SAFETY"],
            efficacy=False,
            safety=True,
            triggers=list(triggers),
            red_flags=list(red_flags),
            priority=priority,
            reasons=flags + ["unhedged", "no_citation"],
            interventions=list(interventions),
            **fields,
        )

    a1, b1, c1 = f"{A}/blog/ketamine", f"{B}/risks", f"{C}/tms"
    articles = [
        article_row(a1, url=a1, site="ketamine-a.example", fda_approval_claims=["ketamine for chronic pain"]),
        article_row(f"{A}/gone", url=None, site="ketamine-a.example", status="error", error="HTTP 404"),
        article_row(
            b1,
            url=b1,
            site="ketamine-b.example",
            fda_approval_claims=["ketamine for anesthesia", "esketamine for depression"],
        ),
        article_row(c1, url=c1, site="tms-c.example"),
        article_row(f"{C}/private", url=None, site="tms-c.example", status="skipped", error="robots.txt disallows"),
        article_row("saved/page.html", fda_approval_claims=["ketamine for chronic pain"]),  # a local file: no site
    ]
    claims = [
        safety(
            a1,
            0,
            "Ketamine is non-addictive and has no side effects.",
            ["non-addictive", "side effects"],
            ["non-addictive", "no side effects"],
            "high",
            ["ketamine"],
            canonical=["non-addictive", "no side effects"],
        ),
        safety(
            a1,
            1,
            "Unlike opioids, which carry a real risk of addiction, ketamine is safe.",
            ["risk", "addiction", "safe"],
            ["safe"],
            "high",
            ["opioids", "ketamine"],
            canonical=["safe"],
        ),
        claim_row(
            a1,
            2,
            "Ketamine relieves chronic pain (Smith et al., 2020).",
            cited=True,
            needs_citation=False,
            priority="low",
            red_flags=[],
            reasons=["cited"],
        ),
        safety(
            b1,
            0,
            "Common side effects include nausea, dizziness and a temporary rise in blood pressure.",
            ["side effects"],
        ),
        safety(
            b1,
            1,
            "Patients with uncontrolled high blood pressure should not receive ketamine.",
            ["should not receive"],
            interventions=["ketamine"],
        ),
        safety(
            b1,
            2,
            "Most clients have few side effects.",
            ["side effects"],
            ["few side effects"],
            "high",
            canonical=["no side effects"],
        ),
        safety(
            b1,
            3,
            "Ketamine has fewer side effects than opioids.",
            ["side effects"],
            interventions=["ketamine", "opioids"],
        ),
        safety(
            "saved/page.html",
            0,
            "It is non-addictive.",
            ["non-addictive"],
            ["non-addictive"],
            "high",
            canonical=["non-addictive"],
        ),
    ]
    return articles, claims


EXPECTED = {
    "ketamine-a.example": dict(
        n_articles=2,
        n_ok=1,
        n_failed=1,
        n_claims=3,
        n_needs_citation=2,
        share_needs_citation=2 / 3,
        n_high_priority=2,
        share_cited=1 / 3,
        red_flags={"no side effects": 1, "non-addictive": 1, "safe": 1},
        n_harm_statements=0,
        states_harm=False,
        says_non_addictive=True,
        says_no_side_effects=True,
        claims_fda_approval=True,
        fda_approval_claims=["ketamine for chronic pain"],
        fda_approval_misstated=["ketamine for chronic pain"],
    ),
    "ketamine-b.example": dict(
        n_articles=1,
        n_ok=1,
        n_failed=0,
        n_claims=4,
        n_needs_citation=4,
        share_needs_citation=1.0,
        n_high_priority=1,
        share_cited=0.0,
        red_flags={"no side effects": 1},
        n_harm_statements=2,
        states_harm=True,
        says_non_addictive=False,
        says_no_side_effects=False,
        claims_fda_approval=True,
        fda_approval_claims=["esketamine for depression", "ketamine for anesthesia"],
        fda_approval_misstated=[],
    ),
    "tms-c.example": dict(
        n_articles=2,
        n_ok=1,
        n_failed=1,
        n_claims=0,
        n_needs_citation=0,
        share_needs_citation=None,
        n_high_priority=0,
        share_cited=None,
        red_flags={},
        n_harm_statements=0,
        states_harm=False,
        says_non_addictive=False,
        says_no_side_effects=False,
        claims_fda_approval=False,
        fda_approval_claims=[],
        fda_approval_misstated=[],
    ),
}
