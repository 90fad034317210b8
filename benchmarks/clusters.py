"""Benchmark the claim clustering: pair precision/recall, then throughput at scale.

Quality: every sentence of data/paraphrase/pairs.jsonl goes into one claims table (one row
each, as the pipeline would pass it), is clustered once, and each labelled pair counts as
predicted "same" when both sentences got the same cluster. Figures are printed per kind and
per split: "dev" pairs were in view while the word lists and threshold were chosen,
"heldout" pairs were written afterwards and never tuned on.

Speed: synthetic tables of N sentences built by mutating the pair sentences (spinner swaps
from synonyms.txt, dropped and added words, spliced halves, place names) are clustered, and
the time is set against a trivial exact-hash grouping run in the same process.

Usage: python benchmarks/clusters.py [--sizes 20000,100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from claims.clusters import assign_clusters
from claims.clusters.normalize import LEXICON_DIR

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "data" / "paraphrase" / "pairs.jsonl"
SEEN_AT = "2025-01-01T00:00:00+00:00"
FILLERS = ["really", "truly", "also", "now", "today", "safely", "gently", "finally", "often"]
PLACES = [
    f"{a}{b}"
    for a in ("North", "South", "East", "West", "Lake", "Oak", "Pine", "River")
    for b in ("field", "ville", "ton", "brook", "haven", "ridge", "dale", "port")
]


def load_pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def claims_table(sentences: list[str]) -> pd.DataFrame:
    n = len(sentences)
    return pd.DataFrame(
        {
            "claim_id": [f"k{i}" for i in range(n)],
            "article_id": [f"a{i % 997}" for i in range(n)],
            "source": [f"https://clinic{i % 997 % 613}.example/page{i % 997}" for i in range(n)],
            "url": [f"https://clinic{i % 997 % 613}.example/page{i % 997}" for i in range(n)],
            "sentence": sentences,
            "claim_types": [["EFFICACY"]] * n,
            "red_flags": [[]] * n,
        }
    )


def pair_quality(pairs: list[dict]) -> None:
    sentences = sorted({s for p in pairs for s in (p["a"], p["b"])})
    started = time.perf_counter()
    ids, clusters = assign_clusters(claims_table(sentences), SEEN_AT)
    elapsed = time.perf_counter() - started
    cluster_of = dict(zip(sentences, ids))
    print(
        f"pairs: {len(pairs)} labelled pairs, {len(sentences)} distinct sentences, "
        f"{len(clusters)} clusters, clustered in {elapsed:.2f}s"
    )

    def report(label: str, subset: list[dict]) -> None:
        tp = sum(p["same"] and cluster_of[p["a"]] == cluster_of[p["b"]] for p in subset)
        fp = sum(not p["same"] and cluster_of[p["a"]] == cluster_of[p["b"]] for p in subset)
        positives = sum(p["same"] for p in subset)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / positives if positives else float("nan")
        print(
            f"  {label:<34} n={len(subset):>3}  precision={precision:.3f}  recall={recall:.3f}"
            f"  (tp={tp} fp={fp} fn={positives - tp})"
        )

    for split in ("dev", "heldout", None):
        subset = [p for p in pairs if split is None or p.get("split", "dev") == split]
        report(f"all kinds, split={split or 'both'}", subset)
    print("  by kind (both splits): share of pairs put in one cluster")
    for kind in sorted({p["kind"] for p in pairs}):
        subset = [p for p in pairs if p["kind"] == kind]
        together = sum(cluster_of[p["a"]] == cluster_of[p["b"]] for p in subset)
        expected = "should be together" if subset[0]["same"] else "should be apart"
        print(f"    {kind:<28} {together:>3}/{len(subset):<3} together  ({expected})")

    # Clusters joining sentences of different pairs are unlabelled, so they are not scored,
    # but they are where over-merging would show first: count them for inspection.
    pairs_of = defaultdict(set)
    for i, p in enumerate(pairs):
        pairs_of[p["a"]].add(i)
        pairs_of[p["b"]].add(i)
    members = defaultdict(list)
    for sentence, cid in cluster_of.items():
        members[cid].append(sentence)
    crossing = [m for m in members.values() if any(not (pairs_of[x] & pairs_of[y]) for x in m for y in m)]
    print(f"  clusters joining sentences of different pairs (unlabelled, inspect): {len(crossing)}")


def spinner_variants() -> dict[str, list[str]]:
    """canonical word -> variant words, read from the shipped synonym list (single words only)."""
    variants: dict[str, list[str]] = {}
    for line in (LEXICON_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        if "=" not in line:
            continue
        left, right = (part.strip() for part in line.split("=", 1))
        words = [v.strip() for v in right.split("|") if v.strip() and " " not in v.strip()]
        if " " not in left and words:
            variants[left] = words
    return variants


def synthetic_sentences(bases: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    variants = spinner_variants()
    out = []
    for _ in range(n):
        words = rng.choice(bases).rstrip(".!").split()
        if rng.random() < 0.5:  # a new sentence: two halves of different sentences
            other = rng.choice(bases).rstrip(".!").split()
            words = words[: max(1, len(words) // 2)] + other[len(other) // 2 :]
        if rng.random() < 0.5:  # spinner pass
            words = [
                rng.choice(variants[w.lower()]) if w.lower() in variants and rng.random() < 0.6 else w for w in words
            ]
        if rng.random() < 0.3 and len(words) > 3:
            del words[rng.randrange(len(words))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
        if rng.random() < 0.3:
            words += ["in", rng.choice(PLACES)]
        out.append(" ".join(words) + ".")
    return out


def exact_hash_baseline(claims: pd.DataFrame) -> pd.Series:
    """The trivial reference: clusters are identical lower-cased, space-collapsed sentences."""
    digests = [hashlib.sha1(" ".join(s.lower().split()).encode("utf-8")).hexdigest() for s in claims["sentence"]]
    return pd.Series(digests, index=claims.index)


def speed(pairs: list[dict], sizes: list[int], seed: int) -> None:
    bases = sorted({s for p in pairs for s in (p["a"], p["b"])})
    for n in sizes:
        claims = claims_table(synthetic_sentences(bases, n, seed))
        started = time.perf_counter()
        baseline = exact_hash_baseline(claims)
        t_base = time.perf_counter() - started
        started = time.perf_counter()
        ids, clusters = assign_clusters(claims, SEEN_AT)
        t_ours = time.perf_counter() - started
        print(
            f"speed n={n}: {claims['sentence'].nunique()} distinct sentences, "
            f"{baseline.nunique()} exact-hash groups, {len(clusters)} clusters "
            f"(largest {clusters['size'].max()})"
        )
        print(
            f"  exact-hash baseline {t_base:.2f}s ({n / t_base:,.0f} sentences/s); "
            f"clustering {t_ours:.2f}s ({n / t_ours:,.0f} sentences/s); "
            f"ratio clustering/baseline = {t_ours / t_base:.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated synthetic table sizes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pairs = load_pairs()
    pair_quality(pairs)
    speed(pairs, [int(s) for s in args.sizes.split(",") if s], args.seed)


if __name__ == "__main__":
    main()
