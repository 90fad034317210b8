"""The dataset contract: every column of every output file, its type and its meaning.

This module is the single source of truth for the README's data dictionary, the Parquet
schema written, the dtypes ``claims.load`` returns, the typed rows code builds and the
pandera checks run on write and on load. Change a column here and all five follow.

Column kinds, and what each is in Parquet / in pandas:

* ``str``, ``int``, ``bool``, ``float``: string / ``string``, int64, bool, float64;
* ``list``: a list of strings / a Python list of str per cell;
* ``category``: one of ``Col.levels``, lowest first: a dictionary-encoded string / an ordered
  ``Categorical``, so sorting and ``max`` follow the levels;
* ``datetime``: a UTC timestamp (microseconds) / ``datetime64[us, UTC]``;
* ``records``: a list of structs of string fields (``Col.fields``) / a list of dicts per cell.

Code older than the ``category`` and ``datetime`` kinds reads these files too: Arrow casts
both to strings when asked for its string schema, and it ignores columns it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass
from datetime import datetime

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow

#: Priorities in review order, the most urgent first.
PRIORITIES = ("high", "medium", "low")
STATUSES = ("ok", "error", "skipped")
CLAIM_TYPES = ("EFFICACY", "SAFETY", "MECHANISM")
#: The fields of each resolved reference (the ``references`` column).
REFERENCE_FIELDS = ("marker", "text", "link", "entry_link")
DISCOVERED_VIA = ("given", "sitemap", "feed", "link")


#: ``Col.fill`` of a column every file has had since the table existed.
REQUIRED = object()


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # "str" | "int" | "bool" | "float" | "list" | "counts" | "category" | "datetime" | "records"
    nullable: bool
    doc: str
    #: For a column added after files were written without it: the value those files' rows
    #: read as (their table is otherwise a valid one), or a function of such a file's frame
    #: giving the column (``red_flag_names`` derives from the reason codes).
    fill: object = REQUIRED
    #: ``category``: the allowed values, lowest first.
    levels: tuple[str, ...] = ()
    #: ``records``: the string fields of each record.
    fields: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        """The column's type as the data dictionary shows it."""
        if self.kind == "category":
            return f"category ({' < '.join(self.levels)})"
        if self.kind == "datetime":
            return "datetime (UTC)"
        if self.kind == "records":
            return f"list of {{{', '.join(self.fields)}}}"
        return self.kind


def _red_flag_names_of_older_rows(frame: pd.DataFrame) -> list[list[str]]:
    """``red_flag_names`` for a claims table written before the column: the reason codes
    (``red_flag:<name>``) name the red flags, except on cited rows, whose only reason is
    ``cited``; there the words as written stand in, lower-cased."""
    if "reasons" not in frame.columns or "red_flags" not in frame.columns:
        return [[] for _ in range(len(frame))]

    def names(reasons, red_flags) -> list[str]:
        coded = [str(r).split(":", 1)[1] for r in _items(reasons) if str(r).startswith("red_flag:")]
        return coded or list(dict.fromkeys(str(f).lower() for f in _items(red_flags)))

    return [names(r, f) for r, f in zip(frame["reasons"], frame["red_flags"])]


def _items(value) -> list:
    return [] if value is None or isinstance(value, str) else list(value)


#: Who found a claim type, as a row's reason codes say ("rules:<TYPE>", "model:<TYPE>"). On
#: real pages a type both found is right far more often than one either found alone (README,
#: 'How good is it'), so reviewers and ``claims evaluate`` tell them apart.
FINDERS = ("rules and model", "rules only", "model only")


def found_by(label: str, reasons) -> str:
    """Who found claim type ``label`` (one of ``FINDERS``), from a row's ``reasons``; a row
    without these codes (the rules tagger alone, or a table written before them) counts as
    the rules'."""
    sides = {str(code).split(":", 1)[0] for code in _items(reasons) if str(code).endswith(f":{label}")}
    if {"rules", "model"} <= sides:
        return FINDERS[0]
    return FINDERS[2] if sides == {"model"} else FINDERS[1]


CLAIMS = (
    Col("claim_id", "str", False, "Stable id: same source + sentence position + sentence text gives the same id."),
    Col("article_id", "str", False, "Stable id of the article (hash of `source`); joins to articles.parquet."),
    Col("source", "str", False, "The source exactly as given on the command line: URL or file path."),
    Col("url", "str", True, "Final URL after redirects; null for local files."),
    Col("title", "str", True, "Article title."),
    Col("section", "str", True, "Nearest heading above the sentence; null before the first heading."),
    Col("sentence_index", "int", False, "Position of the sentence among all sentences of the article (0-based)."),
    Col("char_start", "int", False, "Start offset of the sentence in the article's extracted text."),
    Col("char_end", "int", False, "End offset (exclusive): `text[char_start:char_end] == sentence`."),
    Col("sentence", "str", False, "The sentence text."),
    Col("claim_types", "list", False, "Claim types carried: EFFICACY, SAFETY, MECHANISM (in that order)."),
    Col("efficacy", "bool", False, "The sentence makes an efficacy claim."),
    Col("safety", "bool", False, "The sentence makes a safety claim."),
    Col("mechanism", "bool", False, "The sentence makes a mechanism claim."),
    Col("triggers", "list", False, "The phrases that made it a claim."),
    Col("rule_ids", "list", False, "Ids of the rules that fired (claim, hedge, citation, red flag, authority)."),
    Col("hedged", "bool", False, "Every claim in the sentence is qualified by uncertainty (docs/annotation.md)."),
    Col("hedge_cues", "list", False, "The hedge words whose scope covers a claim."),
    Col(
        "cited",
        "bool",
        False,
        "The sentence carries a specific source (link to a study, [1], author-year, named journal).",
    ),
    Col(
        "citations",
        "list",
        False,
        "The citations found as written: reference markers ('[3]', '(3)', author-year) and link URLs.",
    ),
    Col(
        "references",
        "records",
        False,
        "The citations resolved: per reference, the `marker` as in `citations`, the `text` of its entry in the "
        "page's reference list (null when there is none), its DOI or PubMed `link` (else the entry's own link) "
        "and `entry_link`, the entry on the page (null for local files).",
        fields=REFERENCE_FIELDS,
        fill=[],
    ),
    Col("vague_authority", "bool", False, "Leans on unnamed evidence ('studies show', 'experts agree')."),
    Col(
        "red_flags",
        "list",
        False,
        "Exact phrases of absolute or promotional certainty, as written ('non-addictive', 'zero side effects').",
    ),
    Col(
        "red_flag_names",
        "list",
        False,
        "The same red flags by canonical name, one per kind ('no side effects' for 'zero side effects'): "
        "count and group by these.",
        fill=_red_flag_names_of_older_rows,
    ),
    Col("needs_citation", "bool", False, "Claim, not cited, and unhedged or red-flagged or vague authority."),
    Col(
        "priority",
        "category",
        False,
        "high (red flag or vague authority, uncited), medium (unhedged uncited), low (hedged uncited, or cited); "
        "ordered, so sorting descending puts high first.",
        levels=tuple(reversed(PRIORITIES)),
    ),
    Col(
        "reasons",
        "list",
        False,
        "Codes behind the priority: red_flag:<name>, vague_authority, unhedged, hedged, no_citation, cited; "
        "then who found each claim type: rules:<TYPE>, model:<TYPE> (both, on real pages, right about 9 times "
        "in 10; one alone, about half the time: README, 'How good is it').",
    ),
    Col("interventions", "list", False, "Interventions named in the sentence (canonical names)."),
    Col("conditions", "list", False, "Conditions named in the sentence (canonical names)."),
    Col("cluster_id", "str", True, "Group of sentences making the same claim across articles (clusters.parquet)."),
    Col("run_id", "str", False, "The run that wrote the row (runs.parquet)."),
    Col("rules_version", "str", False, "Hash of the rule files used."),
    Col("model", "str", False, "spaCy pipeline name and version."),
)

ARTICLES = (
    Col("article_id", "str", False, "Stable id of the article (hash of `source`)."),
    Col("source", "str", False, "The source exactly as given."),
    Col("url", "str", True, "Final URL after redirects; null for files and failed fetches."),
    Col("status", "str", False, "ok, error or skipped."),
    Col(
        "error",
        "str",
        True,
        "Why the article is error or skipped (e.g. 'HTTP 404', 'robots.txt disallows ...'); "
        "for an ok article, what was wrong with the page but repaired to read it (e.g. '2 invalid UTF-8 byte "
        "sequences replaced with U+FFFD'), else null.",
    ),
    Col("title", "str", True, "Article title."),
    Col("fetched_at", "datetime", True, "When the page was fetched or the file read."),
    Col("content_sha256", "str", True, "SHA-256 of the raw page bytes."),
    Col("n_sentences", "int", False, "Sentences in the extracted text."),
    Col("n_claims", "int", False, "Sentences carrying at least one claim type."),
    Col("n_needs_citation", "int", False, "Claim sentences flagged as needing a citation."),
    Col("run_id", "str", False, "The run that last processed the article."),
    Col(
        "site",
        "str",
        True,
        "Registrable domain of the article's URL (`clinic.co.uk` for "
        "`https://www.clinic.co.uk/blog/x`, by the Public Suffix List); null for local files.",
        fill=None,
    ),
    Col(
        "discovered_via",
        "str",
        False,
        "How the source was found: given (named on the command line or in an @FILE), "
        "or by `--site` discovery: sitemap, feed or link.",
        fill="given",
    ),
    Col(
        "fda_approval_claims",
        "list",
        False,
        "FDA approvals the page claims, one per treatment and use, from every "
        "sentence (not only claim rows): 'ketamine for chronic pain', or 'ketamine' when no use is named "
        "(sitereport/facts.py).",
        fill=[],
    ),
)

RUNS = (
    Col("run_id", "str", False, "Run id."),
    Col("started_at", "datetime", False, "Start time."),
    Col("finished_at", "datetime", False, "End time."),
    Col("sources", "list", False, "The SOURCE arguments of the run."),
    Col("append", "bool", False, "Whether the run added to an existing output."),
    Col("n_articles", "int", False, "Articles processed."),
    Col("n_ok", "int", False, "Articles with status ok."),
    Col("n_error", "int", False, "Articles with status error."),
    Col("n_skipped", "int", False, "Articles with status skipped."),
    Col("n_claims", "int", False, "Claim rows written by the run."),
    Col("n_needs_citation", "int", False, "Of those, flagged as needing a citation."),
    Col("model", "str", False, "spaCy pipeline name and version."),
    Col("rules_version", "str", False, "Hash of the rule files."),
    Col("package_version", "str", False, "Version of the claims package."),
    Col(
        "sites", "list", False, "The --site arguments of the run (home pages whose articles were discovered).", fill=[]
    ),
)

_ARROW = {
    "str": pa_arrow.string(),
    "int": pa_arrow.int64(),
    "bool": pa_arrow.bool_(),
    "float": pa_arrow.float64(),
    "list": pa_arrow.list_(pa_arrow.string()),
    "category": pa_arrow.dictionary(pa_arrow.int8(), pa_arrow.string(), ordered=True),
    "datetime": pa_arrow.timestamp("us", tz="UTC"),
}
_PANDAS = {
    "str": "string",
    "int": "int64",
    "bool": "bool",
    "float": "float64",
    "list": "object",
    "datetime": pd.DatetimeTZDtype("us", "UTC"),
    "records": "object",
}
_PYTHON = {
    "str": str,
    "int": int,
    "bool": bool,
    "float": float,
    "list": list,
    "category": str,
    "datetime": datetime,
    "records": list,
}


def arrow_type(col: Col) -> pa_arrow.DataType:
    if col.kind == "records":
        return pa_arrow.list_(pa_arrow.struct([(name, pa_arrow.string()) for name in col.fields]))
    return _ARROW[col.kind]


def pandas_dtype(col: Col):
    if col.kind == "category":
        return pd.CategoricalDtype(list(col.levels), ordered=True)
    return _PANDAS[col.kind]


# "counts": a name -> count mapping (an Arrow map, a dict in pandas), e.g. red flags by name.
_ARROW["counts"] = pa_arrow.map_(pa_arrow.string(), pa_arrow.int64())
_PANDAS["counts"] = "object"
_PYTHON["counts"] = dict


def record_type(name: str, cols: tuple[Col, ...]) -> type:
    """A frozen dataclass with one field per column, in contract order: the typed row that
    code builds instead of a dict spelling the columns again."""
    return make_dataclass(
        name,
        [(c.name, _PYTHON[c.kind] | None if c.nullable else _PYTHON[c.kind]) for c in cols],
        frozen=True,
        slots=True,
    )


def arrow_schema(cols: tuple[Col, ...]) -> pa_arrow.Schema:
    return pa_arrow.schema([pa_arrow.field(c.name, arrow_type(c), nullable=c.nullable) for c in cols])


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_record_list(value, names: tuple[str, ...]) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, dict) and tuple(v) == names and all(x is None or isinstance(x, str) for x in v.values())
        for v in value
    )


def _is_counts(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in value.items()
    )


def _checks(col: Col, table: str) -> list[pa.Check]:
    checks = []
    if col.kind == "list":
        checks.append(pa.Check(lambda s: s.map(_is_str_list), element_wise=False, error="must be a list of strings"))
    if col.kind == "records":
        checks.append(
            pa.Check(
                lambda s, names=col.fields: s.map(lambda v: _is_record_list(v, names)),
                element_wise=False,
                error=f"must be a list of {col.type_label}",
            )
        )
    if col.kind == "counts":
        checks.append(
            pa.Check(lambda s: s.map(_is_counts), element_wise=False, error="must map names to counts of 0 or more")
        )
    if table == "articles" and col.name == "discovered_via":
        checks.append(pa.Check.isin(DISCOVERED_VIA))
    if col.name.startswith("share_"):
        checks.append(pa.Check.in_range(0.0, 1.0))
    if table == "articles" and col.name == "status":
        checks.append(pa.Check.isin(STATUSES))
    if col.name == "claim_types":
        checks.append(pa.Check(lambda s: s.map(lambda v: set(v) <= set(CLAIM_TYPES) and len(v) > 0)))
    if col.name in ("char_start", "char_end", "sentence_index") or col.name.startswith("n_"):
        checks.append(pa.Check.ge(0))
    return checks


def pandera_schema(cols: tuple[Col, ...], table: str, unique: str | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: pa.Column(pandas_dtype(c), checks=_checks(c, table), nullable=c.nullable) for c in cols},
        strict=True,
        ordered=True,
        unique=[unique] if unique else None,
        name=table,
    )


def empty_frame(cols: tuple[Col, ...]) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=pandas_dtype(c)) for c in cols})


CLUSTERS = (
    Col("cluster_id", "str", False, "Cluster id (stable for the same member wordings); joins to claims.cluster_id."),
    Col("representative", "str", False, "The most repeated wording in the cluster."),
    Col("size", "int", False, "Claim sentences in the cluster."),
    Col("n_sites", "int", False, "Distinct sites (URL hosts; each local file counts as one)."),
    Col("claim_types", "list", False, "Union of the members' claim types."),
    Col("red_flags", "list", False, "Union of the members' red flags."),
    Col("first_seen", "datetime", False, "First run time a member was seen (carried over with --append)."),
    Col("last_seen", "datetime", False, "Latest run time a member was seen."),
)

DUPLICATES = (
    Col("article_id_a", "str", False, "One article of a near-duplicate pair (the smaller id)."),
    Col("article_id_b", "str", False, "The other article."),
    Col("similarity", "float", False, "Jaccard similarity of their normalized 3-word runs (0.5 and up)."),
)

SITES = (
    Col("site", "str", False, "Registrable domain (articles.site); local files belong to no site and are left out."),
    Col("n_articles", "int", False, "Articles of the site in articles.parquet."),
    Col("n_ok", "int", False, "Of those, read and tagged (status ok)."),
    Col("n_failed", "int", False, "Of those, not read: status error or skipped (articles.parquet says why)."),
    Col("n_claims", "int", False, "Claim sentences in the site's articles."),
    Col("n_needs_citation", "int", False, "Claim sentences needing a citation."),
    Col("share_needs_citation", "float", True, "n_needs_citation / n_claims; null without claims."),
    Col("n_high_priority", "int", False, "Claim sentences of priority high."),
    Col("share_cited", "float", True, "Claim sentences that are cited / n_claims; null without claims."),
    Col(
        "red_flags",
        "counts",
        False,
        "Red flags by canonical name (the tagger's `red_flag:<name>` reasons) -> claim sentences carrying it.",
    ),
    Col(
        "n_harm_statements",
        "int",
        False,
        "SAFETY claim sentences that name a harm of the treatment: a trigger "
        "naming a harm (side effects, risk, addiction, nausea, 'should not receive' ...) that is neither inside one of "
        "the sentence's red-flag phrases nor negated or played down by a word just before it (no, not, without, "
        "free of, fewer, less, lower, minimal ...), and not said only of a comparator (its clause, or the clause a "
        "'which'/'that' clause hangs on, names opioids, NSAIDs, surgery or another comparator). Exact lists in "
        "sitereport/facts.py.",
    ),
    Col(
        "states_harm", "bool", False, "n_harm_statements > 0: the site states some harm or risk, not only reassurance."
    ),
    Col(
        "says_non_addictive",
        "bool",
        False,
        "A claim sentence carries the red flag non-addictive or no risk of addiction.",
    ),
    Col(
        "says_no_side_effects",
        "bool",
        False,
        "A claim sentence carries a no-side-effects red flag whose phrase "
        "says none ('no', 'zero', 'without', 'free of', 'none', 'never'), not 'few' or 'minimal'.",
    ),
    Col("claims_fda_approval", "bool", False, "Some article claims an FDA approval (articles.fda_approval_claims)."),
    Col("fda_approval_claims", "list", False, "The FDA approvals claimed, over the site's articles, sorted."),
    Col(
        "fda_approval_misstated",
        "list",
        False,
        "Those claiming a use the FDA did not approve, for treatments "
        "whose approved uses sitereport/fda_labels.json lists (ketamine: anesthesia; esketamine: depression, "
        "i.e. treatment-resistant or with suicidal thoughts). 'ketamine for chronic pain' is one.",
    ),
)

#: Every table of a run folder by name: its columns and its pandera check (``unique`` names
#: the key column whose values may not repeat).
TABLES: dict[str, tuple[tuple[Col, ...], pa.DataFrameSchema]] = {
    name: (cols, pandera_schema(cols, name, unique=unique))
    for name, cols, unique in (
        ("claims", CLAIMS, "claim_id"),
        ("articles", ARTICLES, "article_id"),
        ("runs", RUNS, "run_id"),
        ("clusters", CLUSTERS, "cluster_id"),
        ("duplicate_articles", DUPLICATES, None),
        ("sites", SITES, "site"),
    )
}
