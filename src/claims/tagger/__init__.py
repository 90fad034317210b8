"""Claim tagging: spaCy rules (data files) plus the guide's reasoning (``decide``).

The model loads once per ``Tagger`` (and so once per worker process); sentences go through
``nlp.pipe`` in batches. Only the components the rules read (tokens, POS, lemmas) run: the
parser and NER are excluded, which roughly doubles throughput.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import spacy

from claims.document import Sentence
from claims.settings import Settings
from claims.tagger import hyphens as _hyphens  # noqa: F401  (registers "merge_hyphenated")
from claims.tagger import matcher as _matcher  # noqa: F401  (registers the "claims_rules" factory)
from claims.tagger.decide import Tag, decide
from claims.tagger.rules import RuleSet, load_rules

__all__ = ["Tag", "Tagger"]

#: Pipeline components the rules never read.
EXCLUDED_COMPONENTS = ("parser", "ner")
#: A sentence that is only a reference ("[4]", "(Lee, 2019)") cites the sentence before it.
_WORDY = re.compile(r"[A-Za-z]{3,}")


class Tagger:
    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        self.settings = settings
        self.rules: RuleSet = load_rules(settings.rules_dir)
        self.nlp = spacy.load(settings.model, exclude=list(EXCLUDED_COMPONENTS))
        self.nlp.add_pipe("merge_hyphenated")
        self.nlp.add_pipe("claims_rules", config={"rules_dir": settings.rules_dir})
        self._by_id = self.rules.by_id()
        # spaCy pipelines are not documented as thread-safe; tasks in threads take turns.
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        meta = self.nlp.meta
        return f"{self.settings.model}-{meta.get('version', '?')}"

    @property
    def rules_version(self) -> str:
        return self.rules.version

    def tag_texts(
        self,
        texts: Sequence[str],
        *,
        kinds: Sequence[str] | None = None,
        links: Sequence[tuple[str, ...]] | None = None,
        blocks: Sequence[int] | None = None,
        article_url: str | None = None,
    ) -> list[Tag]:
        """Tag sentences of one text in reading order ("it" may refer to the sentence before)."""
        kinds = kinds or ["paragraph"] * len(texts)
        recased = [_sentence_case(t) if k in ("heading", "title") else t for t, k in zip(texts, kinds)]
        with self._lock:
            docs = list(self.nlp.pipe(recased, batch_size=self.settings.batch_size))
        tags: list[Tag] = []
        topic = False
        for i, doc in enumerate(docs):
            tag = decide(
                doc,
                self._by_id,
                block_kind=kinds[i],
                links=links[i] if links else (),
                article_url=article_url,
                prior_topic=topic,
                # a list continues the paragraph that introduces it
                same_block=i > 0 and bool(blocks) and (blocks[i] == blocks[i - 1] or kinds[i] == "list_item"),
                original=texts[i] if recased[i] is not texts[i] else None,
            )
            topic = tag.topic
            tags.append(tag)
        return tags

    def tag_sentences(self, sentences: Sequence[Sentence], article_url: str | None = None) -> list[Tag]:
        """Tag one article's sentences, then let a bare closing reference cite its sentence."""
        tags = self.tag_texts(
            [s.text for s in sentences],
            kinds=[s.block_kind for s in sentences],
            links=[tuple(link.href for link in s.links) for s in sentences],
            blocks=[s.block_index for s in sentences],
            article_url=article_url,
        )
        for i in range(1, len(sentences)):
            here, before = sentences[i], sentences[i - 1]
            if tags[i].cited and here.block_index == before.block_index and _only_reference(here.text, tags[i]):
                cite_ids = [r for r in tags[i].rule_ids if self._by_id[r].label == "CITATION"]
                tags[i - 1].add_citations(tags[i].citations, cite_ids)
        _lift_list_claims(sentences, tags)
        return tags


def _lift_list_claims(sentences: Sequence[Sentence], tags: list[Tag]) -> None:
    """A line ending in ':' carries the claims of the bare list items under it (GUIDE.md)."""
    for i, sentence in enumerate(sentences):
        if not sentence.text.rstrip().endswith(":") or sentence.block_kind in ("heading", "title"):
            continue
        items = []
        for later in range(i + 1, len(sentences)):
            if sentences[later].block_kind != "list_item":
                break
            items += tags[later].unasserted
        if items:
            tags[i].add_claims(items)


def _sentence_case(text: str) -> str:
    """'Nerve Blocks Relieve Pain' -> 'Nerve blocks relieve pain' (same length).

    The tagger reads Title Case words as proper nouns, so a heading's verbs would escape the
    rules. Acronyms (TMS, CRPS) and the first word keep their case.
    """
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if len(words) < 2 or sum(w[0].isupper() for w in words) < 0.6 * len(words):
        return text
    def lower(match: re.Match) -> str:
        word = match.group(0)
        return word if match.start() == 0 or word.isupper() else word.lower()
    return re.sub(r"[A-Za-z][\w'’-]*", lower, text)


def _only_reference(text: str, tag: Tag) -> bool:
    rest = text
    for citation in tag.citations:
        rest = rest.replace(citation, " ")
    return not _WORDY.search(rest)
