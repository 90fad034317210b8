"""The spaCy component that runs every rule over a sentence.

It only finds evidence (which rule matched which words); what the evidence means for the
sentence (claim types, hedge scope, needs_citation) is decided in ``decide.py``, so rules and
reasoning can change independently. Matches land in ``doc.spans["claims"]`` with the rule
label as span label and the rule id as ``span.id_``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from claims.tagger.ruleset import RuleError, RuleSet, _parse

SPANS_KEY = "claims"
#: Token-pattern quantifiers spaCy accepts, as (fewest, most) repetitions; None = unbounded.
_QUANTIFIERS = {None: (1, 1), "1": (1, 1), "!": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}
_RANGE = re.compile(r"\{(\d*)(,?)(\d*)\}")
#: Where a token's word of each kind sits in the interleaved (lower, lemma) hash list.
_ATTRS = {"LOWER": 0, "LEMMA": 1}


@dataclass(frozen=True)
class _Gate:
    """Where in a sentence one token pattern can match.

    The pattern's first token that has a fixed word list (lower-case forms or lemmas) and
    cannot be skipped is its anchor: a match contains one of ``anchor`` words, with at most
    ``before`` tokens before it and ``after`` tokens from it on (None: unbounded).
    ``required``: for each other token the pattern cannot skip, the words one of which must
    be somewhere in the sentence.
    """

    anchor: frozenset[int]
    before: int | None
    after: int | None
    required: tuple[frozenset[int], ...]


class RuleMatcher:
    """All rules over one sentence.

    One spaCy Matcher holding hundreds of patterns tests every token against every
    pattern, and every Matcher call walks its whole input in Python, so both one big
    Matcher and many small ones over whole sentences cost more than the model itself.
    Instead, one pass over the sentence's words does the cheap part: a pattern that is just
    a sequence of word lists ("respiratory depression", "fall short") is matched there and
    then; any other pattern needs some fixed words, so its rule's own small spaCy Matcher
    runs only when the sentence holds them, and only over the few tokens around them where
    a match can lie. Patterns with no fixed word share one Matcher that always runs. The
    rule language stays spaCy's, and the result is what one Matcher over whole sentences
    finds (``tests/tagger/test_rules_loading.py`` checks that on every example).
    """

    def __init__(self, nlp: Language, rules: RuleSet | None = None):
        self.nlp = nlp
        self.set_rules(rules or RuleSet(rules=(), version="none"))

    def set_rules(self, rules: RuleSet) -> None:
        """Compile ``rules`` (parsed once by the caller) into this component's matchers."""
        nlp = self.nlp
        self.rules = rules
        self.always = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, re.Pattern]] = []
        #: Per rule with token patterns that need a Matcher: that Matcher.
        self.gated: dict[str, Matcher] = {}
        #: A word (lower-case form or lemma hash) -> the gated patterns it anchors.
        self.by_anchor: dict[int, list[tuple[str, _Gate]]] = {}
        #: First word of a word-list sequence -> (rule id, the sequence's other tokens as
        #: (0 lower / 1 lemma, words)); index 0 holds lower-case forms, 1 lemmas.
        self.by_first_word: tuple[dict, dict] = ({}, {})
        #: Rule id -> hashes of its (unless_after, unless_before) words, for rules with any.
        self.vetoes: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
        #: Rule id -> hashes of its label and id, as spans store them.
        self.span_keys = {r.id: (nlp.vocab.strings.add(r.label), nlp.vocab.strings.add(r.id)) for r in rules.rules}
        for rule in rules.rules:
            if rule.unless_after or rule.unless_before:
                self.vetoes[rule.id] = (
                    frozenset(nlp.vocab.strings.add(w) for w in rule.unless_after),
                    frozenset(nlp.vocab.strings.add(w) for w in rule.unless_before),
                )
            try:
                if isinstance(rule.pattern, str):
                    self.phrases.add(rule.id, [nlp.make_doc(rule.pattern)])
                elif isinstance(rule.pattern, list):
                    self._add_token_rule(nlp.vocab, rule.id, rule.pattern)
                elif rule.regex:
                    self.regexes.append((rule.id, re.compile(rule.regex)))
            except (ValueError, re.error) as exc:
                raise RuleError(f"{rule.source}: rule {rule.id}: bad pattern: {exc}") from None

    def _add_token_rule(self, vocab: Vocab, rule_id: str, pattern: list) -> None:
        patterns = pattern if pattern and isinstance(pattern[0], list) else [pattern]
        Matcher(vocab, validate=True).add(rule_id, patterns)  # spaCy's own check of the rule
        gates = [_gate(vocab, p) for p in patterns]
        if any(g is None for g in gates):
            self.always.add(rule_id, patterns)
            return
        needs_matcher = []
        for p, gate in zip(patterns, gates):
            sequence = _word_sequence(vocab, p)
            if sequence is None:
                needs_matcher.append(p)
                for word in gate.anchor:
                    self.by_anchor.setdefault(word, []).append((rule_id, gate))
                continue
            (attr, first), rest = sequence[0], sequence[1:]
            for word in first:
                self.by_first_word[attr].setdefault(word, []).append((rule_id, rest))
        if needs_matcher:
            self.gated[rule_id] = Matcher(vocab)
            self.gated[rule_id].add(rule_id, needs_matcher)

    def __call__(self, doc: Doc) -> Doc:
        # lower-case form and lemma hashes of every token, interleaved: one C call
        words = doc.to_array([LOWER, LEMMA]).ravel().tolist()
        hits, windows = self._scan(words)
        strings = doc.vocab.strings
        # The pipeline has run the lemmatizer, so spaCy's per-call check of every token for
        # missing annotation (a Python loop per Matcher call) is skipped.
        matches = list(self.phrases(doc))
        if len(self.always):
            matches += self.always(doc, allow_missing=True)
        for match_id, start, end in matches:
            hits.add((start, end, strings[match_id]))
        for rule_id, (start, end) in windows.items():
            for _, first, last in self.gated[rule_id](doc[start:end], allow_missing=True):
                hits.add((start + first, start + last, rule_id))
        text = doc.text  # joined from the tokens on every access
        for rule_id, rx in self.regexes:
            for m in rx.finditer(text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None and len(span):
                    hits.add((span.start, span.end, rule_id))
        lowers = words[0::2]
        doc.spans[SPANS_KEY] = [
            Span(doc, start, end, label=self.span_keys[rule_id][0], span_id=self.span_keys[rule_id][1])
            for start, end, rule_id in sorted(hits)
            if not self.vetoed(lowers, start, end, rule_id)
        ]
        return doc

    def _scan(self, words: list[int]) -> tuple[set[tuple[int, int, str]], dict[str, tuple[int, int]]]:
        """One pass over a sentence's interleaved (lower-case form, lemma) hashes: the
        word-sequence matches, and for each gated rule that can match, the token range its
        matches lie in."""
        present = set(words)
        disjoint = present.isdisjoint
        n = len(words) >> 1
        hits: set[tuple[int, int, str]] = set()
        windows: dict[str, tuple[int, int]] = {}
        for k, word in enumerate(words):
            i = k >> 1
            for rule_id, rest in self.by_first_word[k & 1].get(word, ()):
                end = i + 1 + len(rest)
                if end <= n and all(words[2 * (i + 1 + j) + attr] in ws for j, (attr, ws) in enumerate(rest)):
                    hits.add((i, end, rule_id))
            if k & 1 and word == words[k - 1]:
                continue  # the lemma is the lower-case form: its gates are done
            for rule_id, gate in self.by_anchor.get(word, ()):
                if any(map(disjoint, gate.required)):
                    continue
                start = 0 if gate.before is None else max(0, i - gate.before)
                end = n if gate.after is None else min(n, i + gate.after)
                if rule_id in windows:
                    first, last = windows[rule_id]
                    start, end = min(first, start), max(last, end)
                windows[rule_id] = (start, end)
        return hits, windows

    def vetoed(self, lowers: list[int], start: int, end: int, rule_id: str) -> bool:
        """Whether a word of the rule's ``unless_after`` stands within two tokens before
        the match or one of its ``unless_before`` right after it (``lowers``: the
        sentence's lower-case word hashes)."""
        veto = self.vetoes.get(rule_id)
        if veto is None:
            return False
        after, before = veto
        return not after.isdisjoint(lowers[max(0, start - 2) : start]) or (end < len(lowers) and lowers[end] in before)

    def to_disk(self, path, exclude=()) -> None:
        """Save the rules with the pipeline (``nlp.to_disk``), as spaCy's SpanRuler does:
        one JSONL line per rule, lexicons expanded, and the rule set's version."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(rule.to_json(), ensure_ascii=False) for rule in self.rules.rules]
        (folder / RULES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / VERSION_FILE).write_text(self.rules.version, encoding="utf-8")

    def from_disk(self, path, exclude=()) -> "RuleMatcher":
        folder = Path(path)
        rules = [
            _parse(json.loads(line), f"{folder / RULES_FILE}:{n}", {})
            for n, line in enumerate((folder / RULES_FILE).read_text(encoding="utf-8").splitlines(), 1)
            if line
        ]
        self.set_rules(RuleSet(tuple(rules), (folder / VERSION_FILE).read_text(encoding="utf-8").strip()))
        return self


def _gate(vocab: Vocab, pattern: list[dict]) -> _Gate | None:
    """Where ``pattern`` can match (see ``_Gate``), or None if no token of it has a fixed
    word list that must be there."""
    counts = [_QUANTIFIERS.get(t.get("OP")) or _range(t["OP"]) for t in pattern]
    fixed = [
        None if fewest < 1 or token.get("OP") == "!" else _words(vocab, token)
        for token, (fewest, _) in zip(pattern, counts)
    ]
    k = next((k for k, words in enumerate(fixed) if words is not None), None)
    if k is None:
        return None
    required = tuple(words for j, words in enumerate(fixed) if words is not None and j != k)
    return _Gate(fixed[k], _most(counts[:k]), _most(counts[k:]), required)


def _most(counts: list[tuple[int, int | None]]) -> int | None:
    """The most tokens a run of pattern tokens can span (None: unbounded)."""
    return None if any(most is None for _, most in counts) else sum(most for _, most in counts)


def _word_sequence(vocab: Vocab, pattern: list[dict]) -> list[tuple[int, frozenset[int]]] | None:
    """``pattern`` as (0 lower / 1 lemma, words) per token, if each of its tokens is just
    one word list (no quantifier, no other constraint)."""
    sequence = []
    for token in pattern:
        if len(token) != 1 or next(iter(token)) not in _ATTRS:
            return None
        attr = next(iter(token))
        sequence.append((_ATTRS[attr], _words(vocab, token)))
    return sequence if all(words is not None for _, words in sequence) else None


def _words(vocab: Vocab, token: dict) -> frozenset[int] | None:
    """Hashes of the lower-case forms or lemmas one of which ``token`` must be, if fixed."""
    for attr in _ATTRS:
        value = token.get(attr)
        if isinstance(value, str):
            return frozenset({vocab.strings.add(value)})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return frozenset(vocab.strings.add(v) for v in value["IN"])
    return None


def _range(op: str) -> tuple[int, int | None]:
    """'{2}', '{1,5}', '{,3}', '{2,}' -> (fewest, most)."""
    match = _RANGE.fullmatch(op)
    if match is None:
        raise ValueError(f"unknown OP {op!r}")
    low, comma, high = match.groups()
    fewest = int(low) if low else 0
    most = int(high) if high else (None if comma else fewest)
    return fewest, most


#: What ``to_disk`` writes in the component's folder.
RULES_FILE, VERSION_FILE = "rules.jsonl", "version.txt"


@Language.factory("claims_rules")
def make_rule_matcher(nlp: Language, name: str) -> RuleMatcher:
    """An empty rule component: give it a parsed rule set with ``set_rules`` (rules are
    parsed once, by ``ruleset.load_rules``), or load saved ones with ``from_disk``."""
    return RuleMatcher(nlp)
