"""The spaCy component that runs every rule over a sentence.

It only finds evidence (which rule matched which words); what the evidence means for the
sentence (claim types, hedge scope, needs_citation) is decided in ``decide.py``, so rules and
reasoning can change independently. Matches land in ``doc.spans["claims"]`` with the rule
label as span label and the rule id as ``span.id_``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from claims.tagger.rules import RuleError, RuleSet, load_rules

SPANS_KEY = "claims"


class RuleMatcher:
    """All rules over one sentence.

    One spaCy Matcher holding hundreds of patterns tests every token against every
    pattern's first token, which costs more than the model itself. Most patterns start with
    a fixed word list (an "anchor"), so each anchored rule gets its own small Matcher that
    runs only when one of its anchor words is in the sentence; the few unanchored patterns
    share one Matcher that always runs. Results are identical, at a fraction of the cost.
    """

    def __init__(self, nlp: Language, rules: RuleSet):
        self.rules = rules
        self.always = Matcher(nlp.vocab, validate=True)
        self.anchored: dict[str, Matcher] = {}
        self.by_anchor: dict[tuple[str, str], list[str]] = {}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, re.Pattern]] = []
        self.by_id = rules.by_id()
        for rule in rules.rules:
            try:
                if isinstance(rule.pattern, str):
                    self.phrases.add(rule.id, [nlp.make_doc(rule.pattern)])
                elif isinstance(rule.pattern, list):
                    self._add_token_rule(nlp, rule.id, rule.pattern)
                elif rule.regex:
                    self.regexes.append((rule.id, re.compile(rule.regex)))
            except (ValueError, re.error) as exc:
                raise RuleError(f"{rule.source}: rule {rule.id}: bad pattern: {exc}") from None

    def _add_token_rule(self, nlp: Language, rule_id: str, pattern: list) -> None:
        patterns = pattern if pattern and isinstance(pattern[0], list) else [pattern]
        anchors = [_anchor(p) for p in patterns]
        if any(a is None for a in anchors):
            self.always.add(rule_id, patterns)
            return
        matcher = Matcher(nlp.vocab, validate=True)
        matcher.add(rule_id, patterns)
        self.anchored[rule_id] = matcher
        for key in set().union(*anchors):
            self.by_anchor.setdefault(key, []).append(rule_id)

    def __call__(self, doc: Doc) -> Doc:
        hits: set[tuple[int, int, str]] = set()
        vocab = doc.vocab.strings
        present = {("LOWER", t.lower_) for t in doc} | {("LEMMA", t.lemma_) for t in doc}
        candidates = {rid for key in present for rid in self.by_anchor.get(key, ())}
        matches = list(self.always(doc)) + list(self.phrases(doc))
        for rid in candidates:
            matches += self.anchored[rid](doc)
        for match_id, start, end in matches:
            hits.add((start, end, vocab[match_id]))
        for rid, rx in self.regexes:
            for m in rx.finditer(doc.text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None and len(span):
                    hits.add((span.start, span.end, rid))
        doc.spans[SPANS_KEY] = [
            Span(doc, start, end, label=self.by_id[rid].label, span_id=rid)
            for start, end, rid in sorted(hits)
            if not self._vetoed(doc, start, end, self.by_id[rid])
        ]
        return doc

    @staticmethod
    def _vetoed(doc: Doc, start: int, end: int, rule) -> bool:
        before = {t.lower_ for t in doc[max(0, start - 2) : start]}
        after = doc[end].lower_ if end < len(doc) else ""
        return bool(before & set(rule.unless_after)) or after in rule.unless_before


def _anchor(pattern: list[dict]) -> set[tuple[str, str]] | None:
    """The words one of which must be in a sentence for ``pattern`` to match, or None."""
    if not pattern:
        return None
    first = pattern[0]
    if first.get("OP") not in (None, "!", "+", "1"):
        return None  # the first token may be absent
    if first.get("OP") == "!":
        return None
    for attr in ("LOWER", "LEMMA"):
        value = first.get(attr)
        if isinstance(value, str):
            return {(attr, value)}
        if isinstance(value, dict) and set(value) == {"IN"}:
            return {(attr, v) for v in value["IN"]}
    return None


@Language.factory("claims_rules", default_config={"rules_dir": None})
def make_rule_matcher(nlp: Language, name: str, rules_dir: str | None) -> RuleMatcher:
    return RuleMatcher(nlp, load_rules(rules_dir))
