"""From rule matches to a sentence's tags, following the annotation guide (GUIDE.md).

The guide's reasoning lives here, once: which matches make a claim, whether a hedge reaches
the claim (ConText-style scope that stops at clause terminators such as "but" or "however"),
what counts as a citation, and how ``needs_citation``, ``priority`` and ``reasons`` follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from spacy.tokens import Doc, Span

from claims.tagger.matcher import SPANS_KEY
from claims.tagger.ruleset import Rule

CLAIM_LABELS = ("EFFICACY", "SAFETY", "MECHANISM")
#: Block kinds that usually name a topic rather than assert something.
NON_ASSERTIVE_BLOCKS = frozenset({"title", "heading"})
#: Penn tags of a finite verb: a heading with one states something.
FINITE_VERB_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})


@dataclass
class Tag:
    claim_types: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    hedged: bool = False
    hedge_cues: list[str] = field(default_factory=list)
    cited: bool = False
    citations: list[str] = field(default_factory=list)
    vague_authority: bool = False
    red_flags: list[str] = field(default_factory=list)
    #: Canonical names of the red flags, for reason codes ("red_flag:non-addictive").
    red_flag_codes: list[str] = field(default_factory=list)
    needs_citation: bool = False
    priority: str | None = None
    reasons: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    #: Claim words in a list item too bare to assert anything ("nausea and dizziness"): the
    #: line introducing the list carries them (GUIDE.md). (label, phrase, rule id) triples.
    unasserted: list[tuple[str, str, str]] = field(default_factory=list)
    #: The sentence is about an intervention: it names one, or an earlier sentence of the
    #: article did. Claims that need context require it.
    topic: bool = False
    #: Which side found each claim type: "rules", "model" or both (reason codes
    #: "rules:<TYPE>" and "model:<TYPE>").
    decided_by: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_claim(self) -> bool:
        return bool(self.claim_types)

    @property
    def efficacy(self) -> bool:
        return "EFFICACY" in self.claim_types

    @property
    def safety(self) -> bool:
        return "SAFETY" in self.claim_types

    @property
    def mechanism(self) -> bool:
        return "MECHANISM" in self.claim_types

    def add_citations(self, citations: list[str], rule_ids: list[str]) -> None:
        self.citations += citations
        self.rule_ids = list(dict.fromkeys(self.rule_ids + rule_ids))
        self.cited = bool(self.citations)
        self.finish()

    def add_claims(self, found: list[tuple[str, str, str]]) -> None:
        labels = {label for label, _, _ in found} | set(self.claim_types)
        for label in labels - set(self.claim_types):
            self.decided_by[label] = ("rules",)
        self.claim_types = [lab for lab in CLAIM_LABELS if lab in labels]
        self.triggers = list(dict.fromkeys(self.triggers + [text for _, text, _ in found]))
        self.rule_ids = list(dict.fromkeys(self.rule_ids + [rid for _, _, rid in found]))
        self.finish()

    def finish(self) -> None:
        """Derive needs_citation, priority and reasons from the other fields (GUIDE.md)."""
        self.reasons = []
        if not self.is_claim:
            self.needs_citation, self.priority = False, None
            return
        flags = [f"red_flag:{name}" for name in dict.fromkeys(self.red_flag_codes)]
        found_by = [f"{side}:{label}" for label in self.claim_types for side in self.decided_by.get(label, ("rules",))]
        if self.cited:
            self.needs_citation, self.priority = False, "low"
            self.reasons = ["cited", *found_by]
            return
        self.needs_citation = (not self.hedged) or bool(flags) or self.vague_authority
        self.reasons = flags + (["vague_authority"] if self.vague_authority else [])
        self.reasons.append("hedged" if self.hedged else "unhedged")
        if self.needs_citation:
            self.reasons.append("no_citation")
        if flags or self.vague_authority:
            self.priority = "high"
        elif not self.hedged:
            self.priority = "medium"
        else:
            self.priority = "low"
        self.reasons += found_by


def decide(
    doc: Doc,
    rules: dict[str, Rule],
    *,
    block_kind: str = "paragraph",
    links: tuple[str, ...] = (),
    article_url: str | None = None,
    prior_topic: bool = False,
    text: str | None = None,
    model_types: frozenset[str] | None = None,
    rules_decide: bool = True,
) -> Tag:
    """Decide one sentence's tags from its rule matches.

    ``text`` is the sentence as written, which ``doc`` may have been made from a re-cased
    copy of (Title Case headings, same length); reported phrases are taken from it.

    ``model_types``: the claim types the classifier gave the sentence, when one runs. With
    ``rules_decide`` (hybrid) a type either side finds is claimed; without (model alone) the
    classifier's types are, plus the rules' where the sentence has a red flag. Either way the
    rules supply the triggers (for a type only the classifier found: the words of that type
    the rules matched anywhere in the sentence), hedges, citations and red flags. A question
    claims nothing, whoever decides.
    """
    text = doc.text if text is None else text

    def said(span: Span) -> str:
        return text[span.start_char : span.end_char]

    spans = _longest_per_label(doc.spans[SPANS_KEY])
    by_label: dict[str, list[Span]] = {}
    for span in spans:
        by_label.setdefault(span.label_, []).append(span)
    tag = Tag()
    tag.interventions = _canonical(by_label.get("INTERVENTION", ()), rules)
    tag.conditions = _canonical(by_label.get("CONDITION", ()), rules)
    red = by_label.get("RED_FLAG", [])
    tag.red_flags = list(dict.fromkeys(said(s) for s in red))
    tag.red_flag_codes = [rules[s.id_].canonical or s.text.lower() for s in red]
    vague = by_label.get("VAGUE_AUTHORITY", [])
    tag.vague_authority = bool(vague)
    for span in by_label.get("CITATION", []):
        tag.citations.append(said(span))
        tag.rule_ids.append(span.id_)
    for href in links:
        rule = _citation_link_rule(href, rules, article_url)
        if rule is not None:
            tag.citations.append(href)
            tag.rule_ids.append(rule.id)
    tag.cited = bool(tag.citations)
    tag.rule_ids += [s.id_ for s in red + vague]

    # Once the article has named a treatment it is about one: later sentences ("Side effects
    # are rare") need not name it again.
    tag.topic = bool(by_label.get("INTERVENTION") or by_label.get("TREATMENT_REF")) or prior_topic
    names = by_label.get("INTERVENTION", ())
    # "It reduces swelling" is about the treatment when an earlier sentence named one
    sentence_topic = bool(names or by_label.get("TREATMENT_REF")) or (
        prior_topic and len(doc) > 0 and doc[0].lower_ in _REFERRING_OPENERS
    )
    candidates = [
        span
        for label in CLAIM_LABELS
        for span in by_label.get(label, ())
        # a list item is about what the line introducing the list is about
        if _in_context(rules[span.id_].needs_context, tag.topic, sentence_topic or block_kind == "list_item")
        # "nerve" in "nerve block" names the treatment, claims nothing
        and not any(n.start <= span.start and span.end <= n.end for n in names)
    ]
    clauses = _clauses(doc, by_label.get("TERMINATOR", ()), rules)
    asserts = _asserts(doc, text, block_kind)
    non_claims = by_label.get("NON_CLAIM", ())
    triggers = _outside_calls_to_action(candidates, non_claims, clauses) if asserts else []
    if block_kind == "list_item" and not asserts:
        tag.unasserted = [(s.label_, said(s), s.id_) for s in candidates]
    found = {s.label_ for s in triggers} if rules_decide or (model_types is not None and red) else set()
    model_found = (
        set(model_types or ())
        if not (_is_question(text) or (not asserts and _is_label(text)) or _voids_sentence(non_claims, clauses))
        else set()
    )
    if model_types is not None:
        model_only = model_found - found
        triggers = [t for t in triggers if t.label_ in found | model_found] + [
            span
            for label in sorted(model_only)
            for span in by_label.get(label, ())
            if not any(n.start <= span.start and span.end <= n.end for n in names)
        ]
    tag.decided_by = {
        lab: tuple(side for side, types in (("rules", found), ("model", model_found)) if lab in types)
        for lab in CLAIM_LABELS
        if lab in found | model_found
    }
    tag.claim_types = list(tag.decided_by)
    tag.triggers = list(dict.fromkeys(said(s) for s in triggers))
    tag.rule_ids += [s.id_ for s in triggers]
    tag.rule_ids = list(dict.fromkeys(tag.rule_ids))

    hedges = by_label.get("HEDGE", [])
    if triggers:
        scoped = [h for h in hedges if any(_covers(h, t, rules[h.id_].direction, clauses) for t in triggers)]
        tag.hedged = all(any(_covers(h, t, rules[h.id_].direction, clauses) for h in hedges) for t in triggers)
        tag.hedge_cues = list(dict.fromkeys(said(h) for h in scoped))
    else:
        tag.hedged = bool(hedges)
        tag.hedge_cues = list(dict.fromkeys(said(h) for h in hedges))
    if tag.hedge_cues:
        tag.rule_ids = list(dict.fromkeys(tag.rule_ids + [h.id_ for h in hedges if said(h) in tag.hedge_cues]))
    tag.finish()
    return tag


#: A sentence opening with one of these refers to what the article is about.
_REFERRING_OPENERS = frozenset({"it", "its", "this", "these", "they", "their"})


def _in_context(needs: bool | str, article_topic: bool, sentence_topic: bool) -> bool:
    """Whether a claim rule's ``needs_context`` is met (see ``ruleset``)."""
    if needs == "sentence":
        return sentence_topic
    return article_topic or not needs


#: Most words of a label line ("Potential Risks:", "Mechanism of Action:") that introduces
#: what follows: a line like it with a finite verb ("Side effects include:") asserts.
LABEL_MAX_WORDS = 6


def _is_label(text: str) -> bool:
    stripped = text.rstrip()
    return stripped.endswith(":") and len(stripped.split()) <= LABEL_MAX_WORDS


def _is_question(text: str) -> bool:
    return text.rstrip().rstrip("\"'”’)").endswith("?")


def _asserts(doc: Doc, text: str, block_kind: str) -> bool:
    """Questions and verbless headings or list items assert nothing.

    A topical heading ("Safety and Side Effects") names what follows; one with a finite or
    imperative verb ("TMS Works When Nothing Else Has") makes a claim like any sentence.
    """
    if _is_question(text):
        return False
    if block_kind in NON_ASSERTIVE_BLOCKS or block_kind == "list_item" or _is_label(text):
        words = [t for t in doc if t.is_alpha]
        return any(t.tag_ in FINITE_VERB_TAGS for t in words) or (bool(words) and words[0].tag_ == "VB")
    return True


@dataclass
class _Clauses:
    """Clause number of every token, and which clause starts let an earlier hedge through."""

    of_token: list[int]
    open_starts: set[int]
    #: The sentence opens with a condition ("If ...,", "Even if ...,"); a concessive opening
    #: ("While it is safe, ...") asserts, so it does not count.
    opened_by_condition: bool = False


def _outside_calls_to_action(triggers: list[Span], calls: list[Span], clauses: _Clauses) -> list[Span]:
    """Claims survive a call to action only in another clause ("X interacts with warfarin, so
    talk to your pharmacist"). A call in the main clause, or right after an opening
    condition ("If traditional treatments have not helped, consult ..."), voids the sentence.
    """
    if not calls:
        return triggers
    if _voids_sentence(calls, clauses):
        return []
    voided = {clauses.of_token[c.start] for c in calls}
    return [t for t in triggers if clauses.of_token[t.start] not in voided]


def _voids_sentence(calls: list[Span], clauses: _Clauses) -> bool:
    """A non-claim (call to action, "is used to treat") in the main clause, or right after an
    opening condition, leaves the sentence asserting nothing: nor may the classifier claim it."""
    voided = {clauses.of_token[c.start] for c in calls}
    return 0 in voided or (1 in voided and clauses.opened_by_condition)


def _clauses(doc: Doc, terminators, rules: dict[str, Rule]) -> _Clauses:
    """Split a sentence into clauses at its terminators, for hedge scope.

    A terminator inside the sentence starts a new clause ("..., but it is safe"); one that
    opens the sentence ("While it may help some, ...") closes its clause at the first comma.
    A terminator whose rule says ``direction: forward`` (a relative clause: "may help, which
    can be beneficial") lets a hedge before it reach the clause it opens, but not back.
    """
    cuts: dict[int, bool] = {}
    opened = any(term.start == 0 for term in terminators) and _opens_with_condition(doc)
    for term in terminators:
        passable = rules[term.id_].direction == "forward"
        if term.start == 0:
            comma = next((t.i for t in doc if t.text in (",", ";")), None)
            if comma is not None:
                cuts[comma + 1] = cuts.get(comma + 1, True) and passable
        else:
            cuts[term.start] = cuts.get(term.start, True) and passable
    of_token, open_starts, done = [], set(), 0
    starts = sorted(cut for cut in cuts if cut < len(doc))
    for clause, cut in enumerate(starts, start=1):
        of_token += [clause - 1] * (cut - done)
        done = cut
        if cuts[cut]:
            open_starts.add(clause)
    of_token += [len(starts)] * (len(doc) - done)
    return _Clauses(of_token, open_starts, opened)


def _opens_with_condition(doc: Doc) -> bool:
    """'If ...' or 'Even if ...': what the opening clause says is supposed, not asserted."""
    words = [t.lower_ for t in doc[:2]]
    return words[:1] == ["if"] or words == ["even", "if"]


def _covers(hedge: Span, trigger: Span, direction: str, clauses: _Clauses) -> bool:
    here, there = clauses.of_token[hedge.start], clauses.of_token[trigger.start]
    if here < there and direction != "backward":
        return all(k in clauses.open_starts for k in range(here + 1, there + 1))
    if here != there:
        return False
    if direction == "forward":
        return trigger.end > hedge.start
    if direction == "backward":
        return trigger.start < hedge.end
    return True


def _longest_per_label(spans) -> list[Span]:
    """Drop a match that lies inside a longer match of the same label."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: s.end - s.start, reverse=True):
        if not any(k.label_ == span.label_ and k.start <= span.start and span.end <= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))


def _canonical(spans, rules: dict[str, Rule]) -> list[str]:
    return list(dict.fromkeys(rules[s.id_].canonical or s.text.lower() for s in spans))


def _citation_link_rule(href: str, rules: dict[str, Rule], article_url: str | None) -> Rule | None:
    host = (urlsplit(href).hostname or "").lower()
    if not host or (article_url and host == (urlsplit(article_url).hostname or "").lower()):
        return None
    for rule in rules.values():
        domain = rule.link_domain
        if rule.label == "CITATION" and domain and (host == domain or host.endswith("." + domain)):
            return rule
    return None
