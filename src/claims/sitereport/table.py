"""The per-site table (sites.parquet): one row per registrable domain of the dataset's web
articles, from its articles rows and claim rows. Each column's exact definition is its doc
in ``dataset/schema.py``; ``harms`` and ``fda`` hold the two that need reading sentences."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from claims.dataset import validate
from claims.dataset.schema import SITES, empty_frame
from claims.domains import site_of_url
from claims.sitereport.fda import misstated
from claims.sitereport.harms import states_harm

#: Claim columns the table reads.
CLAIM_COLUMNS = (
    "article_id",
    "claim_types",
    "triggers",
    "red_flags",
    "reasons",
    "sentence",
    "interventions",
    "needs_citation",
    "priority",
    "cited",
)
NON_ADDICTIVE = frozenset({"non-addictive", "no risk of addiction"})
NO_SIDE_EFFECTS = "no side effects"
#: Words by which a no-side-effects red flag says none, rather than few.
NONE_WORDS = frozenset("no zero without free none never".split())
_RED_FLAG = "red_flag:"


def fill_sites(articles: pd.DataFrame) -> pd.DataFrame:
    """Rows kept from files written before articles had a site get theirs from their URL."""
    missing = articles["site"].isna()
    if not missing.any():
        return articles
    derived = [
        site_of_url(url) or site_of_url(source)
        for url, source in zip(articles.loc[missing, "url"], articles.loc[missing, "source"])
    ]
    articles = articles.copy()
    articles.loc[missing, "site"] = pd.array(derived, dtype="string")
    return articles


def site_table(articles: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """``claims`` needs the ``CLAIM_COLUMNS``; articles without a site are left out."""
    articles = articles[articles["site"].notna()]
    if articles.empty:
        return validate(empty_frame(SITES), "sites")
    site_of = dict(zip(articles["article_id"], articles["site"]))
    claims = claims[claims["article_id"].isin(site_of.keys())]
    claims = claims.assign(site=claims["article_id"].map(site_of))
    rows = []
    for site, group in articles.groupby("site", sort=True):
        rows.append(_row(str(site), group, claims[claims["site"] == site]))
    return validate(pd.DataFrame(rows), "sites")


def _row(site: str, articles: pd.DataFrame, claims: pd.DataFrame) -> dict:
    n_claims = len(claims)
    flags: Counter[str] = Counter()
    for reasons in claims["reasons"]:
        flags.update({r.removeprefix(_RED_FLAG) for r in reasons if r.startswith(_RED_FLAG)})
    harms = sum(
        states_harm(*row)
        for row in zip(
            claims["claim_types"], claims["triggers"], claims["red_flags"], claims["sentence"], claims["interventions"]
        )
    )
    approvals = sorted({claim for listed in articles["fda_approval_claims"] for claim in listed})
    n_ok = int((articles["status"] == "ok").sum())
    return {
        "site": site,
        "n_articles": len(articles),
        "n_ok": n_ok,
        "n_failed": len(articles) - n_ok,
        "n_claims": n_claims,
        "n_needs_citation": int(claims["needs_citation"].sum()),
        "share_needs_citation": float(claims["needs_citation"].mean()) if n_claims else None,
        "n_high_priority": int((claims["priority"] == "high").sum()),
        "share_cited": float(claims["cited"].mean()) if n_claims else None,
        "red_flags": dict(sorted(flags.items(), key=lambda item: (-item[1], item[0]))),
        "n_harm_statements": harms,
        "states_harm": harms > 0,
        "says_non_addictive": bool(NON_ADDICTIVE & set(flags)),
        "says_no_side_effects": any(_says_none(phrase) for phrases in claims["red_flags"] for phrase in phrases),
        "claims_fda_approval": bool(approvals),
        "fda_approval_claims": approvals,
        "fda_approval_misstated": misstated(approvals),
    }


def _says_none(phrase: str) -> bool:
    """A red-flag phrase saying there are no side effects at all ("free of side effects")."""
    words = phrase.lower().replace("-", " ").split()
    return "side" in words and bool(NONE_WORDS.intersection(words))
