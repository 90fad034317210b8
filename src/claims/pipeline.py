"""One article from source to dataset rows, as plain functions the flow's tasks call.

Nothing here knows about Prefect, so every stage is testable and benchmarkable alone. An
article that cannot be read, extracted or tagged becomes an articles row with status
``error`` or ``skipped`` and its reason; it never raises into the run. An ``ok`` article
that needed repairs to be read (invalid bytes replaced, markup flattened) says which in the
same ``error`` column.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from claims.citations import resolve
from claims.dataset import article_id, claim_id, frame_of
from claims.discover import GIVEN
from claims.document import Reference, Sentence
from claims.domains import site_of_url
from claims.extract import extract
from claims.fetch import Fetcher, FetchResult, read_file
from claims.runfolder import ArticleRow, ArticleText, ClaimRow
from claims.sentences import split_document
from claims.settings import Settings
from claims.sitereport import approval_claims
from claims.sources import Source
from claims.tagger import Tag, Tagger

log = logging.getLogger(__name__)


@dataclass
class ArticleResult:
    """What one source contributes: its articles row, its claim rows, and its text."""

    article: ArticleRow
    claims: list[ClaimRow] = field(default_factory=list)
    text: ArticleText | None = None


_TAGGER_LOCK = threading.Lock()


def get_tagger(settings: Settings) -> Tagger:
    """One tagger (one loaded model) per process and settings, shared by all tasks.

    The lock matters: tasks start in parallel threads, and an unguarded cache would let
    each of them load its own copy of the model.
    """
    with _TAGGER_LOCK:
        return _load_tagger(settings)


@lru_cache(maxsize=4)
def _load_tagger(settings: Settings) -> Tagger:
    return Tagger(settings)


#: How many models this process has loaded (checked by the scale-out tests and benchmark).
get_tagger.cache_info = _load_tagger.cache_info  # type: ignore[attr-defined]


def warm_up(settings: Settings) -> None:
    """Start loading, in a background thread, what a run on this process needs later: the
    tagger for ``settings`` (the first ``get_tagger(settings)`` then waits for that load
    instead of starting its own), the dataset checks (pandera loads its checking code on
    first use, half a second when hypothesis is installed) and the clustering code of the
    final step. A run calls this before its flow starts, whose set-up mostly waits on
    Prefect's API. A load that fails is left for the step that needs it to report."""

    def load() -> None:
        try:
            get_tagger(settings)
            frame_of([], "articles")
            import claims.clusters  # noqa: F401
        except Exception:
            pass

    threading.Thread(target=load, name="claims-warm-up", daemon=True).start()


@lru_cache(maxsize=4)
def get_fetcher(settings: Settings, refresh: bool) -> Fetcher:
    """One fetcher per process and settings, so its per-host limits cover every caller."""
    return Fetcher(settings, cache_dir=Path(settings.cache_dir), refresh=refresh)


def read_pages(
    sources: Sequence[Source], settings: Settings, refresh: bool, fresh_since: str | None = None
) -> Iterator[FetchResult]:
    """Files and invalid sources in the given order, then web pages as they arrive (one
    polite fetcher for them all, so per-host limits hold across the whole run). Pages
    cached since ``fresh_since`` (the run's start: discovery fetched them) are not
    requested again."""
    urls = []
    for source in sources:
        if source.kind == "url":
            urls.append(source.given)
        else:
            yield read_source(source, settings, refresh)
    if urls:
        with Fetcher(settings, cache_dir=Path(settings.cache_dir), refresh=refresh, fresh_since=fresh_since) as fetcher:
            yield from fetcher.fetch_many(urls)


def read_source(source: Source, settings: Settings, refresh: bool = False) -> FetchResult:
    if source.kind == "url":
        return get_fetcher(settings, refresh).fetch(source.given)
    if source.kind == "file":
        return read_file(source.path, source.given, max_bytes=settings.max_bytes)
    return FetchResult(source=source.given, status="error", error=source.error)


def analyse(fetched: FetchResult, tagger: Tagger, run_id: str, via: str = GIVEN) -> ArticleResult:
    """Extract, split and tag one fetched page; failures become a status, not an exception.
    ``via`` says how the source was found (``discovered_via``)."""
    return analyse_many([fetched], tagger, run_id, {fetched.source: via})[0]


def analyse_many(
    pages: Sequence[FetchResult], tagger: Tagger, run_id: str, vias: Mapping[str, str] | None = None
) -> list[ArticleResult]:
    """``analyse`` for several pages, whose sentences the model reads in shared batches;
    ``vias`` maps a discovered source to how it was found (the others were given)."""
    vias = vias or {}
    results = [_split(page, run_id, vias.get(page.source, GIVEN)) for page in pages]
    todo = [(page, result, sentences) for page, (result, sentences) in zip(pages, results) if sentences is not None]
    try:
        tagged = list(tagger.tag_articles((sentences, page.url) for page, _, sentences in todo))
    except Exception:  # some page breaks the shared batch: tag one by one so only it fails
        tagged = [_tag_alone(page, result, sentences, tagger) for page, result, sentences in todo]
    for (page, result, sentences), tags in zip(todo, tagged):
        if tags is not None:
            _add_claims(page, result, sentences, tags, tagger, run_id)
    return [result for result, _ in results]


def _split(fetched: FetchResult, run_id: str, via: str) -> tuple[ArticleResult, list[Sentence] | None]:
    """The page's result so far and its sentences, or None if there is nothing to tag."""
    result = ArticleResult(article_row(fetched, run_id, via))
    if fetched.status != "ok":
        return result, None
    try:
        document = extract(fetched.text or "", fetched.content_type or "text/plain", fetched.url)
        if not document.blocks:
            result.article = replace(result.article, status="skipped", error="no article text found on the page")
            return result, None
        sentences = split_document(document)
    except Exception as exc:  # a hostile page must not stop the other 999
        _failed(fetched, result, exc)
        return result, None
    result.text = ArticleText.of(result.article.article_id, fetched.source, document)
    notes = [note for note in (fetched.note, *document.notes) if note]
    result.article = replace(result.article, title=document.title, error="; ".join(notes) or None)
    return result, sentences


def _tag_alone(
    fetched: FetchResult, result: ArticleResult, sentences: list[Sentence], tagger: Tagger
) -> list[Tag] | None:
    try:
        return tagger.tag_sentences(sentences, article_url=fetched.url)
    except Exception as exc:
        _failed(fetched, result, exc)
        return None


def _failed(fetched: FetchResult, result: ArticleResult, exc: Exception) -> None:
    log.exception("could not analyse %s", fetched.source)
    result.article = replace(
        result.article, status="error", error=f"{type(exc).__name__} while analysing: {exc}", title=None
    )
    result.text = None


def _add_claims(
    fetched: FetchResult, result: ArticleResult, sentences: list[Sentence], tags: list[Tag], tagger: Tagger, run_id: str
) -> None:
    references = result.text.references if result.text is not None else ()
    result.claims = [
        claim_row(fetched, result.article, i, sentence, tag, tagger, run_id, references)
        for i, (sentence, tag) in enumerate(zip(sentences, tags))
        if tag.is_claim
    ]
    approvals = (
        approval_claims(sentence.text, tag.interventions, tag.conditions) for sentence, tag in zip(sentences, tags)
    )
    result.article = replace(
        result.article,
        n_sentences=len(sentences),
        n_claims=len(result.claims),
        n_needs_citation=sum(row.needs_citation for row in result.claims),
        fda_approval_claims=list(dict.fromkeys(claim for found in approvals for claim in found)),
    )


#: ClaimRow fields the tagger's Tag supplies under the same names (the claim types and
#: their flags, triggers, hedges, citations, red flags, priority, reasons, ...).
_TAG_ATTRIBUTES = {f.name for f in fields(Tag)} | set(dir(Tag))
_TAG_FIELDS = tuple(f.name for f in fields(ClaimRow) if f.name in _TAG_ATTRIBUTES)


def claim_row(
    fetched: FetchResult,
    article: ArticleRow,
    index: int,
    sentence: Sentence,
    tag: Tag,
    tagger: Tagger,
    run_id: str,
    references: tuple[Reference, ...] = (),
) -> ClaimRow:
    """The dataset row of one claim sentence: the tagger's fields, where the sentence is, and
    its citations resolved against the page's reference list (``references``)."""
    return ClaimRow(
        **{name: getattr(tag, name) for name in _TAG_FIELDS},
        red_flag_names=list(dict.fromkeys(tag.red_flag_codes)),
        references=resolve(tag.citations, references, fetched.url, _marker_links(sentence)),
        claim_id=claim_id(fetched.source, index, sentence.text),
        article_id=article.article_id,
        source=fetched.source,
        url=fetched.url,
        title=article.title,
        section=sentence.section,
        sentence_index=index,
        char_start=sentence.start,
        char_end=sentence.end,
        sentence=sentence.text,
        cluster_id=None,
        run_id=run_id,
        rules_version=tagger.rules_version,
        model=tagger.model,
    )


def _marker_links(sentence: Sentence) -> list[tuple[str, str]]:
    """(anchor text, href) of the sentence's links that lie inside it."""
    return [
        (sentence.text[link.start - sentence.start : link.end - sentence.start], link.href)
        for link in sentence.links
        if sentence.start <= link.start and link.end <= sentence.end
    ]


def article_row(fetched: FetchResult, run_id: str, via: str = GIVEN) -> ArticleRow:
    """The articles row of one source before analysis (also used for chunks that failed)."""
    return ArticleRow(
        article_id=article_id(fetched.source),
        source=fetched.source,
        url=fetched.url,
        status=fetched.status,
        error=fetched.error,
        title=None,
        fetched_at=_utc(fetched.fetched_at),
        content_sha256=fetched.content_sha256,
        n_sentences=0,
        n_claims=0,
        n_needs_citation=0,
        run_id=run_id,
        site=site_of_url(fetched.url) or site_of_url(fetched.source),
        discovered_via=via,
        fda_approval_claims=[],
    )


def _utc(stamp: str | None) -> datetime | None:
    """An ISO-8601 time as an aware datetime (UTC when it names no zone); None if absent or
    unreadable, as a time from an old cache entry may be."""
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
