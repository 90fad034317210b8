"""Find articles that are near-copies of each other as a whole.

Sentence clusters say which claims repeat; a whole copied article says more: one clinic
republished another's page, so its claims are not independent evidence of how widespread
they are. Articles are compared on runs of normalized tokens (so that spinner swaps folded
by the synonym list do not hide the copy), proposed by MinHash LSH and verified exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from claims.clusters.match import jaccard
from claims.clusters.normalize import Normalizer, default_normalizer
from claims.clusters.sketch import BandIndex, signatures

PAIR_COLUMNS = ("article_id_a", "article_id_b", "similarity")

#: Jaccard over token runs above which two articles count as copies. A spun copy with one
#: word in ten changed and not folded back keeps about 0.55 of its 3-token runs; two
#: different articles on the same treatment share well under 0.1.
DEFAULT_ARTICLE_THRESHOLD = 0.5
#: Tokens per shingle.
DEFAULT_SHINGLE_SIZE = 3


def article_shingles(text: str, normalizer: Normalizer, size: int) -> frozenset[str]:
    tokens = normalizer.tokens(text)
    if len(tokens) <= size:
        return frozenset({" ".join(tokens)}) if tokens else frozenset()
    return frozenset(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def near_duplicate_articles(
    texts: Mapping[str, str | None],
    threshold: float = DEFAULT_ARTICLE_THRESHOLD,
    *,
    shingle_size: int = DEFAULT_SHINGLE_SIZE,
    num_perm: int = 128,
    min_recall: float = 0.98,
    normalizer: Normalizer | None = None,
) -> pd.DataFrame:
    """Pairs of articles whose token-run Jaccard reaches ``threshold``, most similar first.

    Each pair appears once, with ``article_id_a < article_id_b``. Missing texts (None or
    NaN) and texts with no content words take part in no pair.
    """
    if not isinstance(texts, Mapping):
        raise TypeError(f"texts must be a mapping of article id to text, got {type(texts).__name__}")
    if shingle_size < 1:
        raise ValueError(f"shingle_size must be at least 1, got {shingle_size}")
    normalizer = normalizer or default_normalizer()
    ids: list[str] = []
    shingle_sets: list[frozenset[str]] = []
    for article_id, text in texts.items():
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            continue
        if not isinstance(text, str):
            raise TypeError(f"text of article {article_id!r} is {type(text).__name__}, not str")
        shingles = article_shingles(text, normalizer, shingle_size)
        if shingles:
            ids.append(str(article_id))
            shingle_sets.append(shingles)

    index = BandIndex(signatures(shingle_sets, num_perm), threshold, min_recall)
    pairs = []
    for position in range(len(ids)):
        # Each article meets only those inserted before it, so each pair is checked once.
        for other in index.query(position):
            score = jaccard(shingle_sets[position], shingle_sets[other])
            if score >= threshold:
                a, b = sorted((ids[position], ids[other]))
                pairs.append((a, b, score))
        index.insert(position)
    table = pd.DataFrame(pairs, columns=list(PAIR_COLUMNS))
    return table.sort_values(
        ["similarity", "article_id_a", "article_id_b"], ascending=[False, True, True], ignore_index=True
    )
