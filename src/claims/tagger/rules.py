"""Loading the rule files that define what the tagger finds.

Rules are data so that a researcher can read, test and extend them without touching code.
Each JSONL line is one rule::

    {"id": "EFF-relief-verb", "label": "EFFICACY", "pattern": [...spaCy token pattern...],
     "examples": {"match": ["..."], "no_match": ["..."]}}

``pattern`` is a spaCy Matcher token pattern (a list of token dicts) or a phrase (a string,
matched case-insensitively on whole tokens). A rule may instead carry ``regex`` (matched on
the sentence text) or ``link_domain`` (a link whose host ends with it). Optional keys:
``canonical`` (the name reported for interventions, conditions and red flags),
``needs_context`` (the claim only counts when the sentence names an intervention),
``direction`` (hedge scope: ``forward``, ``backward`` or ``both``), ``unless_after`` /
``unless_before`` (lower-case words that veto a match when they stand within two tokens
before / right after it: "not" before "safe", "pain" after "breakthrough"), ``note``.

A folder given with ``--rules`` overlays the shipped one file by file: a file with the same
name replaces ours, a new file is added, and a rule ``{"id": X, "disabled": true}`` in any
file removes rule X.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from claims.settings import PACKAGE_DIR

DEFAULT_RULES_DIR = PACKAGE_DIR / "tagger" / "rules" / "en"

LABELS = (
    "EFFICACY", "SAFETY", "MECHANISM", "INTERVENTION", "CONDITION", "TREATMENT_REF",
    "ANAPHOR", "HEDGE", "TERMINATOR", "CITATION", "VAGUE_AUTHORITY", "RED_FLAG", "NON_CLAIM",
)
_MATCH_KEYS = ("pattern", "regex", "link_domain")


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
    needs_context: bool = False
    direction: str = "both"
    unless_after: tuple[str, ...] = ()
    unless_before: tuple[str, ...] = ()
    examples: dict = field(default_factory=dict, hash=False, compare=False)
    source: str = ""


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
    digest = hashlib.sha256()
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    for name in sorted(files):
        raw = files[name].read_bytes()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        for lineno, line in enumerate(raw.decode("utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{files[name]}:{lineno}"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RuleError(f"{where}: not valid JSON ({exc.msg})") from None
            if entry.get("disabled"):
                disabled.add(entry.get("id", ""))
                continue
            rule = _parse(entry, where)
            if rule.id in rules:
                raise RuleError(f"{where}: duplicate rule id {rule.id!r} (also in {rules[rule.id].source})")
            rules[rule.id] = rule
    kept = tuple(r for r in rules.values() if r.id not in disabled)
    return RuleSet(rules=kept, version=digest.hexdigest()[:12])


def _parse(entry: dict, where: str) -> Rule:
    rid, label = entry.get("id"), entry.get("label")
    if not rid or not isinstance(rid, str):
        raise RuleError(f"{where}: every rule needs a string 'id'")
    if label not in LABELS:
        raise RuleError(f"{where}: rule {rid}: label {label!r} is not one of {', '.join(LABELS)}")
    present = [k for k in _MATCH_KEYS if entry.get(k)]
    if len(present) != 1:
        raise RuleError(f"{where}: rule {rid}: give exactly one of {', '.join(_MATCH_KEYS)}")
    direction = entry.get("direction", "both")
    if direction not in ("forward", "backward", "both"):
        raise RuleError(f"{where}: rule {rid}: direction must be forward, backward or both")
    return Rule(
        id=rid,
        label=label,
        pattern=entry.get("pattern"),
        regex=entry.get("regex"),
        link_domain=entry.get("link_domain"),
        canonical=entry.get("canonical"),
        needs_context=bool(entry.get("needs_context", False)),
        direction=direction,
        unless_after=tuple(entry.get("unless_after", ())),
        unless_before=tuple(entry.get("unless_before", ())),
        examples=entry.get("examples") or {},
        source=where,
    )
