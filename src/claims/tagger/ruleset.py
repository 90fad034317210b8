"""Loading the rule files that define what the tagger finds.

Rules are data so that a researcher can read, test and extend them without touching code.
Each JSONL line of a rule file is one rule::

    {"id": "EFF-relief-verb", "label": "EFFICACY", "pattern": [...spaCy token pattern...],
     "examples": {"match": ["..."], "no_match": ["..."]}}

``pattern`` is a spaCy Matcher token pattern (a list of token dicts, or a list of such
lists) or a phrase (a string, matched case-insensitively on whole tokens). A rule may
instead carry ``regex`` (matched on the sentence text) or ``link_domain`` (a link whose
host ends with it). Optional keys: ``canonical`` (the name reported for interventions,
conditions and red flags), ``needs_context`` (``true``: the claim only counts once the
article is about an intervention, this sentence or an earlier one naming one;
``"sentence"``: only when this sentence names one, or opens with "it"/"this"/"they" after
one was named), ``direction`` (hedge scope: ``forward``, ``backward`` or ``both``),
``unless_after`` / ``unless_before`` (lower-case words that veto a match when they stand
within two tokens before / right after it), ``note``. Any other key is an error, reported
with its file and line, so a misspelt key never silently does nothing.

Word lists live once, as named lexicons: a line ``{"lexicon": NAME, "words": [...], "note":
...}`` in any rule file (ours are in ``lexicons.jsonl``) defines one, for the rules of every
file. A pattern refers to one as ``"@NAME"``, either as a token attribute's whole value
(``{"LEMMA": "@relief_verbs"}``) or inside an ``IN`` list beside other words
(``{"LEMMA": {"IN": ["@relief_verbs", "tame"]}}``), and so may a rule's ``unless_after`` and
``unless_before`` lists.

A folder given with ``--rules`` overlays the shipped one file by file: a file with the same
name replaces ours, a new file is added, and a rule ``{"id": X, "disabled": true}`` in any
file removes rule X. Loading is cached per process on the files' contents, so the command
line's check, the flow and the tagger share one parsed rule set.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from claims.settings import PACKAGE_DIR

DEFAULT_RULES_DIR = PACKAGE_DIR / "tagger" / "rules" / "en"

LABELS = (
    "EFFICACY",
    "SAFETY",
    "MECHANISM",
    "INTERVENTION",
    "CONDITION",
    "TREATMENT_REF",
    "HEDGE",
    "TERMINATOR",
    "CITATION",
    "VAGUE_AUTHORITY",
    "RED_FLAG",
    "NON_CLAIM",
)
_MATCH_KEYS = ("pattern", "regex", "link_domain")
RULE_KEYS = frozenset(
    {
        "id",
        "label",
        *_MATCH_KEYS,
        "canonical",
        "needs_context",
        "direction",
        "unless_after",
        "unless_before",
        "note",
        "examples",
        "disabled",
    }
)
LEXICON_KEYS = frozenset({"lexicon", "words", "note"})


class RuleError(ValueError):
    """A rule file is malformed; the message names the file, line and problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    pattern: list | str | None = None
    regex: str | None = None
    link_domain: str | None = None
    canonical: str | None = None
    needs_context: bool | str = False
    direction: str = "both"
    unless_after: tuple[str, ...] = ()
    unless_before: tuple[str, ...] = ()
    examples: dict = field(default_factory=dict, hash=False, compare=False)
    source: str = ""

    def to_json(self) -> dict:
        """The rule as a JSONL line holds it (lexicons already expanded)."""
        entry = {"id": self.id, "label": self.label}
        for key in ("pattern", "regex", "link_domain", "canonical"):
            if getattr(self, key) is not None:
                entry[key] = getattr(self, key)
        if self.needs_context:
            entry["needs_context"] = self.needs_context
        if self.direction != "both":
            entry["direction"] = self.direction
        for key in ("unless_after", "unless_before"):
            if getattr(self, key):
                entry[key] = list(getattr(self, key))
        return entry


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def with_label(self, *labels: str) -> list[Rule]:
        return [r for r in self.rules if r.label in labels]


def load_rules(extra_dir: str | Path | None = None) -> RuleSet:
    """Shipped rules overlaid with ``extra_dir``'s files; version hashes what was loaded."""
    files = {p.name: p for p in sorted(DEFAULT_RULES_DIR.glob("*.jsonl"))}
    if extra_dir is not None:
        extra = Path(extra_dir)
        if not extra.is_dir():
            raise RuleError(f"--rules {extra}: not a folder of .jsonl rule files")
        files.update({p.name: p for p in sorted(extra.glob("*.jsonl"))})
    contents = tuple((name, files[name], files[name].read_bytes()) for name in sorted(files))
    return _parse_files(contents)


@lru_cache(maxsize=8)
def _parse_files(contents: tuple[tuple[str, Path, bytes], ...]) -> RuleSet:
    digest = hashlib.sha256()
    for name, _, raw in contents:
        digest.update(name.encode() + b"\0" + raw + b"\0")
    lexicons = _lexicons([(path, raw) for _, path, raw in contents])
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    for _, path, raw in contents:
        for where, entry in _entries(path, raw):
            if "lexicon" in entry:
                continue
            if entry.get("disabled"):
                disabled.add(entry.get("id", ""))
                continue
            rule = _parse(entry, where, lexicons)
            if rule.id in rules:
                raise RuleError(f"{where}: duplicate rule id {rule.id!r} (also in {rules[rule.id].source})")
            rules[rule.id] = rule
    kept = tuple(r for r in rules.values() if r.id not in disabled)
    return RuleSet(rules=kept, version=digest.hexdigest()[:12])


def _entries(path: Path, raw: bytes):
    for lineno, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path}:{lineno}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(entry, dict):
            raise RuleError(f"{where}: each line must be one JSON object")
        yield where, entry


def _lexicons(files: list[tuple[Path, bytes]]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path, raw in files:
        for where, entry in _entries(path, raw):
            if "lexicon" not in entry:
                continue
            _reject_unknown_keys(entry, LEXICON_KEYS, where, f"lexicon {entry.get('lexicon')!r}")
            name, words = entry.get("lexicon"), entry.get("words")
            if not isinstance(name, str) or not name:
                raise RuleError(f"{where}: every lexicon needs a string 'lexicon' name")
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
                raise RuleError(f"{where}: lexicon {name!r}: 'words' must be a non-empty list of strings")
            if name in found:
                raise RuleError(f"{where}: lexicon {name!r} is defined twice")
            found[name] = tuple(dict.fromkeys(words))
    return found


def _reject_unknown_keys(entry: dict, allowed: frozenset[str], where: str, what: str) -> None:
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RuleError(f"{where}: {what}: unknown key {key!r}{hint}")


def _parse(entry: dict, where: str, lexicons: dict[str, tuple[str, ...]]) -> Rule:
    rid, label = entry.get("id"), entry.get("label")
    if not rid or not isinstance(rid, str):
        raise RuleError(f"{where}: every rule needs a string 'id'")
    _reject_unknown_keys(entry, RULE_KEYS, where, f"rule {rid}")
    if label not in LABELS:
        raise RuleError(f"{where}: rule {rid}: label {label!r} is not one of {', '.join(LABELS)}")
    present = [k for k in _MATCH_KEYS if entry.get(k)]
    if len(present) != 1:
        raise RuleError(f"{where}: rule {rid}: give exactly one of {', '.join(_MATCH_KEYS)}")
    needs_context = entry.get("needs_context", False)
    if needs_context not in (True, False, "sentence"):
        raise RuleError(f'{where}: rule {rid}: needs_context must be true, false or "sentence"')
    direction = entry.get("direction", "both")
    if direction not in ("forward", "backward", "both"):
        raise RuleError(f"{where}: rule {rid}: direction must be forward, backward or both")
    pattern = entry.get("pattern")
    if isinstance(pattern, list):
        pattern = _expand(pattern, lexicons, f"{where}: rule {rid}")
    return Rule(
        id=rid,
        label=label,
        pattern=pattern,
        regex=entry.get("regex"),
        link_domain=entry.get("link_domain"),
        canonical=entry.get("canonical"),
        needs_context=needs_context,
        direction=direction,
        unless_after=_words(entry.get("unless_after", []), lexicons, f"{where}: rule {rid}"),
        unless_before=_words(entry.get("unless_before", []), lexicons, f"{where}: rule {rid}"),
        examples=entry.get("examples") or {},
        source=where,
    )


def _expand(value, lexicons: dict[str, tuple[str, ...]], where: str):
    """A pattern with every "@name" lexicon reference replaced by the lexicon's words."""
    if isinstance(value, list):
        if any(isinstance(v, str) and v.startswith("@") for v in value):  # an IN list
            words: list[str] = []
            for v in value:
                words += _lexicon(v, lexicons, where) if isinstance(v, str) and v.startswith("@") else [v]
            return list(dict.fromkeys(words))
        return [_expand(v, lexicons, where) for v in value]
    if isinstance(value, dict):
        expanded = {}
        for key, v in value.items():
            if isinstance(v, str) and v.startswith("@") and key not in ("OP", "TEXT"):
                expanded[key] = {"IN": list(_lexicon(v, lexicons, where))}
            else:
                expanded[key] = _expand(v, lexicons, where)
        return expanded
    return value


def _words(words: list[str], lexicons: dict[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    """A rule's plain word list (``unless_after``, ``unless_before``), lexicon references expanded."""
    return tuple(_expand(list(words), lexicons, where))


def _lexicon(reference: str, lexicons: dict[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    name = reference[1:]
    if name not in lexicons:
        close = difflib.get_close_matches(name, sorted(lexicons), n=1)
        hint = f" (did you mean '@{close[0]}'?)" if close else ""
        raise RuleError(f"{where}: unknown lexicon {reference!r}{hint}")
    return lexicons[name]
