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
    def __init__(self, nlp: Language, rules: RuleSet):
        self.rules = rules
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, re.Pattern]] = []
        self.by_id = rules.by_id()
        for rule in rules.rules:
            try:
                if isinstance(rule.pattern, str):
                    self.phrases.add(rule.id, [nlp.make_doc(rule.pattern)])
                elif isinstance(rule.pattern, list):
                    patterns = rule.pattern if rule.pattern and isinstance(rule.pattern[0], list) else [rule.pattern]
                    self.matcher.add(rule.id, patterns)
                elif rule.regex:
                    self.regexes.append((rule.id, re.compile(rule.regex)))
            except (ValueError, re.error) as exc:
                raise RuleError(f"{rule.source}: rule {rule.id}: bad pattern: {exc}") from None

    def __call__(self, doc: Doc) -> Doc:
        hits: set[tuple[int, int, str]] = set()
        vocab = doc.vocab.strings
        for match_id, start, end in list(self.matcher(doc)) + list(self.phrases(doc)):
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


@Language.factory("claims_rules", default_config={"rules_dir": None})
def make_rule_matcher(nlp: Language, name: str, rules_dir: str | None) -> RuleMatcher:
    return RuleMatcher(nlp, load_rules(rules_dir))
