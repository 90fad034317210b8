"""Give every claim a cluster of repeats, so one check covers every site that copies it.

A cluster id is derived from the smallest normalized wording among its members, never from
row order or run order: the same sentences get the same ids in every run, which lets the
``--append`` runs carry each cluster's ``first_seen`` forward.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from claims.clusters.grouping import group_by_representative
from claims.clusters.normalize import Normalizer, default_normalizer
from claims.clusters.sites import site_of
from claims.dataset.schema import CLUSTERS

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("claim_id", "article_id", "source", "url", "sentence", "claim_types", "red_flags")
#: The clusters table's columns, from the dataset contract.
CLUSTER_COLUMNS = tuple(c.name for c in CLUSTERS)

#: Verified overlap (Jaccard over tokens and adjacent pairs) needed to join a cluster.
#: Chosen on data/paraphrase/pairs.jsonl; see benchmarks/clusters.py.
DEFAULT_THRESHOLD = 0.45
#: MinHash permutations per sentence.
DEFAULT_NUM_PERM = 128
#: Chance, at the threshold, that LSH proposes a true pair for verification.
DEFAULT_MIN_RECALL = 0.98

#: Prefix of the key of a sentence that has no content words left after normalization.
_RAW_KEY_PREFIX = "\x00raw:"


#: A moment and its ISO text (a string input keeps its own spelling in the output).
Stamp = tuple[datetime, str]


def parse_time(value: object) -> Stamp:
    """An ISO timestamp string, or a datetime read back from a table, as an aware Stamp.

    Naive times are taken as UTC so that they compare with aware ones.
    """
    if isinstance(value, datetime) and not pd.isna(value):
        moment, text = value, value.isoformat()
    elif isinstance(value, str):
        try:
            moment, text = datetime.fromisoformat(value.strip()), value
        except ValueError as exc:
            raise ValueError(f"not an ISO timestamp: {value!r}") from exc
    else:
        raise ValueError(f"expected an ISO timestamp, got {value!r}")
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)), text


def cluster_id_for(key: str) -> str:
    return "c" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _labels(value: object) -> tuple[str, ...]:
    """A list-like cell (list, tuple, array, single string, missing) as a tuple of labels."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value if v is not None and str(v))
    if value is None or pd.isna(value):
        return ()
    return (str(value),)


def _check_claims(claims: object) -> None:
    if not isinstance(claims, pd.DataFrame):
        raise TypeError(f"claims must be a pandas DataFrame, got {type(claims).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in claims.columns]
    if missing:
        raise ValueError(f"claims table lacks columns {missing}")


def _sentence_keys(sentences: pd.Series, normalizer: Normalizer) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """Per row, the normalized key; and per key, its tokens (normalizing each text once)."""
    texts = sentences.where(sentences.notna(), "").astype(str)
    codes, uniques = pd.factorize(texts)
    tokens_of: dict[str, tuple[str, ...]] = {}
    key_of_unique = []
    for text in uniques:
        tokens = normalizer.tokens(text)
        key = " ".join(tokens) if tokens else _RAW_KEY_PREFIX + " ".join(text.lower().split())
        tokens_of[key] = tokens
        key_of_unique.append(key)
    return np.asarray(key_of_unique, dtype=object)[codes], tokens_of


def _earliest_previous(
    previous: pd.DataFrame | None, normalizer: Normalizer
) -> tuple[dict[str, Stamp], dict[str, Stamp], dict[str, Stamp]]:
    """Earliest previous first_seen by cluster id, by claim id and by representative key."""
    by_cluster: dict[str, Stamp] = {}
    by_claim: dict[str, Stamp] = {}
    by_key: dict[str, Stamp] = {}
    if previous is None:
        return by_cluster, by_claim, by_key
    if not isinstance(previous, pd.DataFrame):
        raise TypeError(f"previous must be a pandas DataFrame, got {type(previous).__name__}")
    missing = [c for c in ("cluster_id", "first_seen") if c not in previous.columns]
    if missing:
        raise ValueError(f"previous table lacks columns {missing}")

    def keep_earliest(store: dict[str, Stamp], name: object, stamp: Stamp) -> None:
        if isinstance(name, str) and (name not in store or stamp[0] < store[name][0]):
            store[name] = stamp

    for row in previous.itertuples(index=False):
        try:
            moment = parse_time(row.first_seen)
        except ValueError as exc:
            log.warning("previous cluster %s: first_seen ignored: %s", row.cluster_id, exc)
            continue
        keep_earliest(by_cluster, row.cluster_id, moment)
        keep_earliest(by_claim, getattr(row, "claim_id", None), moment)
        representative = getattr(row, "representative", None)
        if isinstance(representative, str):
            tokens = normalizer.tokens(representative)
            if tokens:
                keep_earliest(by_key, " ".join(tokens), moment)
    return by_cluster, by_claim, by_key


def assign_clusters(
    claims: pd.DataFrame,
    seen_at: str,
    previous: pd.DataFrame | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    min_recall: float = DEFAULT_MIN_RECALL,
    file_site: str = "file",
    normalizer: Normalizer | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Cluster repeated claims; return the cluster id per row and the clusters table.

    ``previous`` is an earlier clusters table (``cluster_id``, ``first_seen``, optionally
    ``representative``) or an earlier claims table with ``cluster_id``, ``first_seen`` and
    ``claim_id``. A cluster inherits the earliest ``first_seen`` of any previous entry with
    the same cluster id, one of its claim ids, or a representative worded like one of its
    members, so a cluster keeps its history even when a new member changes its id.
    """
    _check_claims(claims)
    seen = parse_time(seen_at)
    normalizer = normalizer or default_normalizer()
    history = _earliest_previous(previous, normalizer)

    row_keys, tokens_of = _sentence_keys(claims["sentence"], normalizer)
    key_counts = Counter(row_keys.tolist())
    # Most repeated wording first, so that the common form becomes the representative;
    # the key breaks ties, so the order never depends on row order.
    ordered = sorted(key_counts, key=lambda k: (-key_counts[k], k))
    leader_pos = group_by_representative(
        [tokens_of[k] for k in ordered],
        normalizer,
        threshold=threshold,
        num_perm=num_perm,
        min_recall=min_recall,
    )
    leader_key = {key: ordered[pos] for key, pos in zip(ordered, leader_pos)}
    smallest_key: dict[str, str] = {}
    for key in ordered:
        leader = leader_key[key]
        smallest_key[leader] = min(key, smallest_key.get(leader, key))
    id_of_key = {key: cluster_id_for(smallest_key[leader_key[key]]) for key in ordered}

    cluster_ids = pd.Series([id_of_key[k] for k in row_keys], index=claims.index, name="cluster_id", dtype=object)
    table = _cluster_table(claims, row_keys, cluster_ids.to_numpy(), leader_key, file_site)
    table = _add_times(table, claims, cluster_ids.to_numpy(), row_keys, history, seen)
    return cluster_ids, table


def _sites(claims: pd.DataFrame, file_site: str) -> list[str]:
    """Site per row, parsing each distinct (url, source) once: articles share them."""
    known: dict[tuple[object, object], str] = {}
    sites = []
    for url, source in zip(claims["url"].to_numpy(), claims["source"].to_numpy()):
        pair = (url if isinstance(url, str) else None, source if isinstance(source, str) else None)
        if pair not in known:
            known[pair] = site_of(pair[0], pair[1], file_site)
        sites.append(known[pair])
    return sites


def _cluster_table(
    claims: pd.DataFrame,
    row_keys: np.ndarray,
    row_clusters: np.ndarray,
    leader_key: dict[str, str],
    file_site: str,
) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "cluster_id": row_clusters,
            "key": row_keys,
            "sentence": claims["sentence"].where(claims["sentence"].notna(), "").astype(str).to_numpy(),
            "site": _sites(claims, file_site),
        }
    )
    if rows.empty:
        return pd.DataFrame(columns=[c for c in CLUSTER_COLUMNS if c not in ("first_seen", "last_seen")])
    grouped = rows.groupby("cluster_id", sort=True)
    table = pd.DataFrame({"size": grouped.size(), "n_sites": grouped["site"].nunique()})

    # The representative is the commonest raw wording of the representative's key.
    is_leader = rows["key"].map(leader_key).to_numpy() == row_keys
    wording = rows[is_leader].groupby(["cluster_id", "sentence"]).size().rename("n").reset_index()
    wording = wording.sort_values(["cluster_id", "n", "sentence"], ascending=[True, False, True])
    table["representative"] = wording.drop_duplicates("cluster_id").set_index("cluster_id")["sentence"]

    for column in ("claim_types", "red_flags"):
        labels = (
            pd.DataFrame({"cluster_id": row_clusters, column: [_labels(v) for v in claims[column].to_numpy()]})
            .explode(column)
            .dropna()
        )
        union = labels.groupby("cluster_id")[column].agg(lambda s: sorted(set(s)))
        table[column] = union.reindex(table.index).map(lambda v: v if isinstance(v, list) else [])
    table = table.reset_index()
    table = table.sort_values(["size", "cluster_id"], ascending=[False, True], ignore_index=True)
    return table[[c for c in CLUSTER_COLUMNS if c in table.columns]]


def _add_times(
    table: pd.DataFrame,
    claims: pd.DataFrame,
    row_clusters: np.ndarray,
    row_keys: np.ndarray,
    history: tuple[dict[str, Stamp], dict[str, Stamp], dict[str, Stamp]],
    seen: Stamp,
) -> pd.DataFrame:
    """first_seen: the earliest of this run and any matching previous entry; last_seen: now."""
    by_cluster, by_claim, by_key = history
    earliest: dict[str, Stamp] = {}

    def consider(cluster: str, stamp: Stamp | None) -> None:
        if stamp is not None and (cluster not in earliest or stamp[0] < earliest[cluster][0]):
            earliest[cluster] = stamp

    for cluster in table["cluster_id"]:
        consider(cluster, by_cluster.get(cluster))
    if by_claim or by_key:
        for cluster, claim_id, key in zip(row_clusters, claims["claim_id"].to_numpy(), row_keys):
            consider(cluster, by_claim.get(claim_id) if isinstance(claim_id, str) else None)
            consider(cluster, by_key.get(key))

    table = table.copy()
    table["first_seen"] = [
        earliest[c][1] if c in earliest and earliest[c][0] < seen[0] else seen[1] for c in table["cluster_id"]
    ]
    table["last_seen"] = seen[1]
    return table[list(CLUSTER_COLUMNS)]
