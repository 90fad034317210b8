"""The ``Tagger``: spaCy rules (data files), the trained classifier, and the guide's
reasoning (``decide``), over an article's sentences.

The model loads once per ``Tagger`` (and so once per worker process); sentences go through
``nlp.pipe`` in batches. Only the components the rules read (tokens, POS, lemmas) run: the
parser and NER are excluded, which roughly doubles throughput.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import spacy
from spacy.util import get_model_meta, get_package_path, is_package

from claims.document import Sentence
from claims.model.classifier import ClaimClassifier, classifier_version
from claims.model.inputs import model_input
from claims.sentences.casing import as_read
from claims.settings import Settings
from claims.tagger import hyphens as _hyphens  # noqa: F401  (registers "merge_hyphenated")
from claims.tagger import matcher as _matcher  # noqa: F401  (registers the "claims_rules" factory)
from claims.tagger.decide import Tag, decide
from claims.tagger.ruleset import RuleSet, load_rules

__all__ = ["EXCLUDED_COMPONENTS", "MODES", "Tag", "Tagger", "model_label"]

#: Pipeline components the rules never read.
EXCLUDED_COMPONENTS = ("parser", "ner")
#: Sentences piped together: a few of ``Settings.batch_size`` batches, so every batch is
#: full but little is held at once.
GROUP_BATCHES = 4
#: A sentence that is only a reference ("[4]", "(Lee, 2019)") cites the sentence before it.
_WORDY = re.compile(r"[A-Za-z]{3,}")


#: Who may decide a sentence's claim types (``Settings.tagger``).
MODES = ("rules", "model", "hybrid")


class Tagger:
    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        if settings.tagger not in MODES:
            raise ValueError(f"unknown tagger {settings.tagger!r} (choose from {', '.join(MODES)})")
        self.settings = settings
        self.rules: RuleSet = load_rules(settings.rules_dir)
        self.nlp = spacy.load(settings.model, exclude=list(EXCLUDED_COMPONENTS))
        self.nlp.add_pipe("merge_hyphenated")
        self.nlp.add_pipe("claims_rules").set_rules(self.rules)
        self.classifier = ClaimClassifier(settings.classifier) if settings.tagger != "rules" else None
        self._by_id = self.rules.by_id()
        # spaCy pipelines are not documented as thread-safe; tasks in threads take turns.
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        """The language model's name and version, and the classifier's when it decides."""
        name = f"{self.settings.model}-{self.nlp.meta.get('version', '?')}"
        return f"{name}+{self.classifier.version}" if self.classifier is not None else name

    @property
    def rules_version(self) -> str:
        return self.rules.version

    def tag_articles(self, articles: Iterable[tuple[Sequence[Sentence], str | None]]) -> Iterator[list[Tag]]:
        """Tag many articles, each given as (its sentences, its URL), yielding each one's tags.

        The sentences of several articles go through ``nlp.pipe`` together: the model is
        faster on full batches than on one article's few dozen sentences.
        """
        group: list[tuple[Sequence[Sentence], str | None]] = []
        size = 0
        for article in articles:
            group.append(article)
            size += len(article[0])
            if size >= GROUP_BATCHES * self.settings.batch_size:
                yield from self._tag_group(group)
                group, size = [], 0
        yield from self._tag_group(group)

    def tag_sentences(self, sentences: Sequence[Sentence], article_url: str | None = None) -> list[Tag]:
        """Tag one article's sentences."""
        return next(self.tag_articles([(sentences, article_url)]))

    def tag_texts(self, texts: Sequence[str], *, kinds: Sequence[str] | None = None) -> list[Tag]:
        """Tag loose sentences in order, each its own paragraph (or block of ``kinds``)."""
        kinds = kinds or ["paragraph"] * len(texts)
        return self.tag_sentences([Sentence(0, len(t), t, i, k) for i, (t, k) in enumerate(zip(texts, kinds))])

    def _tag_group(self, group: list[tuple[Sequence[Sentence], str | None]]) -> Iterator[list[Tag]]:
        texts = [as_read(s) for sentences, _ in group for s in sentences]
        if not texts:
            yield from ([] for _ in group)
            return
        with self._lock:
            types = (
                self.classifier.types(
                    [model_input(s) for sentences, _ in group for s in sentences],
                    self.settings.batch_size,
                    hybrid=self.settings.tagger == "hybrid",
                )
                if self.classifier is not None
                else None
            )
            # each sentence is decided as its Doc comes out of the pipe, and the Doc dropped:
            # holding every Doc of a long page until the page was decided made memory grow
            # with the page several times faster (benchmarks/large_pages.py)
            docs = iter(self.nlp.pipe(texts, batch_size=self.settings.batch_size))
            tagged, start = [], 0
            for sentences, url in group:
                end = start + len(sentences)
                tagged.append(
                    self._decide_article(
                        sentences, islice(docs, len(sentences)), url, types[start:end] if types else None
                    )
                )
                start = end
        yield from tagged

    def _decide_article(
        self,
        sentences: Sequence[Sentence],
        docs: Iterable,
        article_url: str | None,
        model_types: list[frozenset[str]] | None = None,
    ) -> list[Tag]:
        """Decide each sentence in reading order (a treatment named earlier makes it the topic), then
        let a bare closing reference cite its sentence and a list's intro carry its claims."""
        tags: list[Tag] = []
        topic = False
        for i, (sentence, doc) in enumerate(zip(sentences, docs)):
            tag = decide(
                doc,
                self._by_id,
                block_kind=sentence.block_kind,
                links=tuple(link.href for link in sentence.links),
                article_url=article_url,
                prior_topic=topic,
                text=sentence.text,
                model_types=model_types[i] if model_types is not None else None,
                rules_decide=self.settings.tagger != "model",
            )
            topic = tag.topic
            tags.append(tag)
        for i in range(1, len(sentences)):
            here, before = sentences[i], sentences[i - 1]
            if tags[i].cited and here.block_index == before.block_index and _only_reference(here.text, tags[i]):
                cite_ids = [r for r in tags[i].rule_ids if self._by_id[r].label == "CITATION"]
                tags[i - 1].add_citations(tags[i].citations, cite_ids)
        _lift_list_claims(sentences, tags)
        return tags


def model_label(settings: Settings) -> str:
    """``Tagger(settings).model`` without loading any model: read from their meta.json."""
    try:
        where = get_package_path(settings.model) if is_package(settings.model) else settings.model
        version = get_model_meta(where).get("version", "?")
    except (OSError, ValueError):
        version = "?"
    name = f"{settings.model}-{version}"
    return f"{name}+{classifier_version(settings.classifier)}" if settings.tagger != "rules" else name


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


def _only_reference(text: str, tag: Tag) -> bool:
    rest = text
    for citation in tag.citations:
        rest = rest.replace(citation, " ")
    return not _WORDY.search(rest)
