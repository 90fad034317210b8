"""Turn a sentence into the tokens that carry its claim, so that copies compare equal.

Clinics copy each other's text and run it through "spinners" that swap words for rough
synonyms. Comparing raw strings misses those copies; comparing meaning needs a model we
cannot afford for 100k sentences. The middle road is a cheap canonical form: case, accents,
punctuation, contractions, number words and word endings are folded away, spinner swaps are
mapped back through a shipped synonym list, and function words are dropped. Two copies of
one claim then share nearly all their tokens, while the words that decide the claim (see
``protected.txt``) survive for the matcher to check.

The word lists are data files beside this module so that a reviewer can extend them without
touching code; every entry goes through the same pipeline as the sentences, which keeps the
lists and the text in step whatever the stemmer does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent

#: Categories of protected.txt whose words must agree by presence, not only by swap.
PRESENCE_CATEGORIES = frozenset({"negation"})
#: Category given to digit tokens; they need no listing.
NUMBER_CATEGORY = "number"
#: Marks the thing a comparison is made against ("than opioids"); such tokens form a
#: category of their own.
COMPARED_PREFIX = "than:"
COMPARED_CATEGORY = "compared with"

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_CONTRACTIONS = (
    (re.compile(r"\bcan(?:['’]t|not)\b"), "can not"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"n['’]t\b"), " not"),
    (re.compile(r"['’]s\b"), ""),
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip the common English endings so "relieves", "relieved" and "relieving" meet.

    A light suffix stripper rather than a real lemmatizer: it only has to map the forms of one
    word onto the same string, never to produce a dictionary word, and it runs per distinct
    word (cached) instead of per sentence through a tagger.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, keep in (("ing", 3), ("ed", 3), ("ly", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _surface_tokens(text: str) -> list[str]:
    """Lower-cased, accent-free word and number tokens, before stemming."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _THOUSANDS.sub("", text).replace("%", " percent ")
    return _TOKEN.findall(text)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in _surface_tokens(text))


@dataclass(frozen=True)
class Lexicon:
    """The three word lists, already in stemmed form."""

    #: Stemmed variant phrase -> stemmed canonical phrase.
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    stopwords: frozenset[str]
    #: Canonical token -> category name.
    protected: dict[str, str]


def _content_lines(path: Path) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append((number, line))
    return lines


def _read_synonyms(path: Path) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Parse ``canonical = variant | variant``; refuse a variant claimed twice.

    A variant that also appears as another entry's canonical would make the result depend
    on the order of substitution, so that is refused as well.
    """
    mapping: dict[tuple[str, ...], tuple[str, ...]] = {}
    canonicals: set[tuple[str, ...]] = set()
    for number, line in _content_lines(path):
        if "=" not in line:
            raise ValueError(f"{path.name}:{number}: expected 'canonical = variant | ...'")
        left, right = line.split("=", 1)
        canonical = _stems(left)
        if not canonical:
            raise ValueError(f"{path.name}:{number}: empty canonical")
        canonicals.add(canonical)
        for variant_text in right.split("|"):
            variant = _stems(variant_text)
            if not variant or variant == canonical:
                continue
            if variant in mapping and mapping[variant] != canonical:
                raise ValueError(
                    f"{path.name}:{number}: {variant_text.strip()!r} already maps to {' '.join(mapping[variant])!r}"
                )
            mapping[variant] = canonical
    clashes = sorted(" ".join(v) for v in mapping if v in canonicals)
    if clashes:
        raise ValueError(f"{path.name}: variants that are also canonicals: {clashes}")
    # A canonical phrase maps to itself so that its words are not rewritten one by one
    # ("side effect" must not become "side result").
    mapping.update({c: c for c in canonicals if len(c) > 1})
    return mapping


def _read_stopwords(path: Path) -> frozenset[str]:
    return frozenset(token for _, line in _content_lines(path) for token in _stems(line))


def _read_protected(path: Path, normalizer: "Normalizer") -> dict[str, str]:
    protected: dict[str, str] = {}
    category = None
    for number, line in _content_lines(path):
        if line.startswith("["):
            category = line.strip("[] ").lower()
            continue
        if category is None:
            raise ValueError(f"{path.name}:{number}: words before the first [category]")
        for entry in filter(None, (part.strip() for part in line.split(","))):
            tokens = normalizer.canonical_tokens(entry)
            if len(tokens) != 1:
                raise ValueError(f"{path.name}:{number}: {entry!r} normalizes to {tokens}, not one token")
            token = tokens[0]
            if protected.get(token, category) != category:
                raise ValueError(f"{path.name}:{number}: {entry!r} is already in [{protected[token]}]")
            protected[token] = category
    return protected


class Normalizer:
    """Sentence -> canonical content tokens, with the protected-word categories at hand."""

    def __init__(self, lexicon_dir: Path | str = LEXICON_DIR):
        lexicon_dir = Path(lexicon_dir)
        synonyms = _read_synonyms(lexicon_dir / "synonyms.txt")
        stopwords = _read_stopwords(lexicon_dir / "stopwords.txt")
        self._longest_variant = max((len(variant) for variant in synonyms), default=1)
        # Most words start no multi-word variant; knowing which do skips the long lookups.
        self._phrase_starts = frozenset(variant[0] for variant in synonyms if len(variant) > 1)
        # Protected words are read through the synonyms (canonical_tokens), so the synonyms
        # must be in place first; the protected set itself is filled in afterwards.
        self.lexicon = Lexicon(synonyms, stopwords, {})
        protected = _read_protected(lexicon_dir / "protected.txt", self)
        self.lexicon = Lexicon(synonyms, stopwords - protected.keys(), protected)

    def canonical_tokens(self, text: str) -> tuple[str, ...]:
        """Stemmed tokens with spinner variants replaced, function words kept."""
        stems = _stems(text)
        synonyms = self.lexicon.synonyms
        longest = self._longest_variant
        out: list[str] = []
        i = 0
        while i < len(stems):
            widest = min(longest, len(stems) - i) if stems[i] in self._phrase_starts else 1
            for size in range(widest, 0, -1):
                canonical = synonyms.get(stems[i : i + size])
                if canonical is not None:
                    out.extend(canonical)
                    i += size
                    break
            else:
                out.append(stems[i])
                i += 1
        return tuple(out)

    def tokens(self, text: str) -> tuple[str, ...]:
        """The claim-bearing tokens of ``text``, in reading order.

        The word after "than" is repeated as a marked token: "safer than opioids" and
        "opioids are safer than ketamine" share every word, and only what is compared
        against tells them apart.
        """
        stopwords = self.lexicon.stopwords
        out: list[str] = []
        after_than = False
        for token in self.canonical_tokens(text):
            if token == "than":
                after_than = True
            elif token not in stopwords:
                out.append(token)
                if after_than:
                    out.append(COMPARED_PREFIX + token)
                    after_than = False
        return tuple(out)

    def category(self, token: str) -> str | None:
        """The protected category of a canonical token, or None for an ordinary word."""
        if token[:1].isdigit():
            return NUMBER_CATEGORY
        if token.startswith(COMPARED_PREFIX):
            return COMPARED_CATEGORY
        return self.lexicon.protected.get(token)


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    """The normalizer over the shipped word lists, built once per process."""
    return Normalizer()
