"""assign_clusters: which rows share a cluster, the clusters table, ids and history."""

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from claims.clusters import CLUSTER_COLUMNS, assign_clusters
from claims.clusters.match import similarity
from claims.clusters.normalize import default_normalizer

PAIRS = Path(__file__).resolve().parents[2] / "data" / "paraphrase" / "pairs.jsonl"
T1 = "2024-03-01T09:00:00+00:00"
T2 = "2024-06-01T09:00:00+00:00"


def table(sentences, urls=None, sources=None, claim_types=None, red_flags=None, ids=None):
    n = len(sentences)
    urls = urls or [f"https://clinic{i}.example/a" for i in range(n)]
    return pd.DataFrame(
        {
            "claim_id": ids or [f"k{i}" for i in range(n)],
            "article_id": [f"a{i}" for i in range(n)],
            "source": sources or urls,
            "url": urls,
            "sentence": sentences,
            "claim_types": claim_types or [["EFFICACY"]] * n,
            "red_flags": red_flags or [[]] * n,
        }
    )


def test_exact_duplicates_share_a_cluster():
    claims = table(
        ["Ketamine eases nerve pain fast.", "A different claim about TMS and mood.", "Ketamine eases nerve pain fast."]
    )
    ids, clusters = assign_clusters(claims, T1)
    assert ids.iloc[0] == ids.iloc[2] != ids.iloc[1]
    assert list(clusters.columns) == list(CLUSTER_COLUMNS)
    assert dict(zip(clusters["cluster_id"], clusters["size"])) == {ids.iloc[0]: 2, ids.iloc[1]: 1}


@pytest.mark.parametrize(
    "original, spun",
    [
        (
            "Ketamine infusions bring fast relief for chronic pain.",
            "Ketamine infusions bring swift alleviation for continual agony.",
        ),
        (
            "Our TMS treatment can quickly reduce symptoms of depression.",
            "Our TMS remedy can rapidly decrease signs of melancholy.",
        ),
        (
            "PRP injections are a safe option for athletes with tendon injuries.",
            "PRP shots are a secure choice for athletes with tendon injuries.",
        ),
    ],
)
def test_spun_copies_share_a_cluster(original, spun):
    ids, _ = assign_clusters(table([original, spun]), T1)
    assert ids.iloc[0] == ids.iloc[1]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Ketamine reduces nerve pain within hours.", "Ketamine reduces nerve pain within weeks."),
        ("Ketamine infusions are safe.", "Ketamine infusions are not safe for pregnant patients."),
        ("Ketamine infusions calm chronic pain quickly.", "Lidocaine infusions calm chronic pain quickly."),
        ("Ketamine is safer than opioids for chronic pain.", "Opioids are safer than ketamine for chronic pain."),
        ("Stem cell shots regrow cartilage in the knee.", "Stem cell shots regrow cartilage in the hip."),
    ],
)
def test_hard_negatives_stay_apart(a, b):
    ids, _ = assign_clusters(table([a, b]), T1)
    assert ids.iloc[0] != ids.iloc[1]


def test_members_must_match_the_representative_not_only_each_other():
    norm = default_normalizer()
    lead, middle, far = (
        "alpha beta gamma delta epsilon zeta",
        "gamma delta epsilon zeta eta theta",
        "epsilon zeta eta theta iota kappa",
    )
    # The chain that plain transitive grouping would follow:
    assert similarity(norm.tokens(lead), norm.tokens(middle), norm) >= 0.45
    assert similarity(norm.tokens(middle), norm.tokens(far), norm) >= 0.45
    assert similarity(norm.tokens(lead), norm.tokens(far), norm) < 0.45
    # Repeats set the order: lead first, then middle (which joins it), then far.
    ids, _ = assign_clusters(table([lead] * 3 + [middle] * 2 + [far]), T1)
    assert ids.iloc[0] == ids.iloc[3]
    assert ids.iloc[5] != ids.iloc[0]


def test_ids_are_stable_across_calls_and_row_order():
    sentences = [json.loads(line)["a"] for line in PAIRS.read_text(encoding="utf-8").splitlines()[:60]]
    claims = table(sentences)
    first, clusters_first = assign_clusters(claims, T1)
    shuffled = claims.sample(frac=1.0, random_state=random.Random(3).randrange(1000))
    second, clusters_second = assign_clusters(shuffled, T1)
    assert second.index.equals(shuffled.index)
    assert first.to_dict() == second.reindex(first.index).to_dict()
    pd.testing.assert_frame_equal(clusters_first, clusters_second)


def test_first_seen_is_carried_from_previous_run():
    old = table(["Ketamine infusions give fast relief for chronic pain.", "TMS sessions need no anesthesia."])
    _, clusters_1 = assign_clusters(old, T1)
    new = pd.concat([old, table(["Botox can lower the number of migraine days."], ids=["k9"])], ignore_index=True)
    ids, clusters_2 = assign_clusters(new, T2, previous=clusters_1)
    by_id = clusters_2.set_index("cluster_id")
    assert by_id.loc[ids.iloc[0], "first_seen"] == T1
    assert by_id.loc[ids.iloc[1], "first_seen"] == T1
    assert by_id.loc[ids.iloc[2], "first_seen"] == T2
    assert set(by_id["last_seen"]) == {T2}


def test_first_seen_survives_a_member_that_changes_the_id():
    old = table(["Ketamine infusions provide fast relief for chronic pain."])
    old_ids, clusters_1 = assign_clusters(old, T1)
    # This wording normalizes to a key that sorts before the old one, so it renames the cluster.
    grown = pd.concat(
        [old, table(["Clinics say ketamine infusions provide fast relief for chronic pain."], ids=["k7"])],
        ignore_index=True,
    )
    ids, clusters_2 = assign_clusters(grown, T2, previous=clusters_1)
    assert ids.iloc[0] == ids.iloc[1] != old_ids.iloc[0]
    assert clusters_2.set_index("cluster_id").loc[ids.iloc[0], "first_seen"] == T1
    # The same history also flows from an earlier claims table, matched by claim id.
    previous_claims = old.assign(cluster_id=old_ids, first_seen=T1)
    _, clusters_3 = assign_clusters(grown, T2, previous=previous_claims)
    assert clusters_3.set_index("cluster_id").loc[ids.iloc[0], "first_seen"] == T1


def test_history_read_back_as_timestamps_and_bad_rows_are_skipped(caplog):
    old = table(["Ketamine infusions give fast relief for chronic pain.", "TMS sessions need no anesthesia."])
    _, clusters_1 = assign_clusters(old, T1)
    # A parquet round trip may hand first_seen back as timestamps; one row is damaged.
    previous = clusters_1.assign(first_seen=[pd.Timestamp(T1), "not a time"])
    _, clusters_2 = assign_clusters(old, T2, previous=previous)
    first_seen = dict(zip(clusters_2["cluster_id"], clusters_2["first_seen"]))
    assert first_seen[clusters_1["cluster_id"].iloc[0]] == pd.Timestamp(T1).isoformat()
    assert first_seen[clusters_1["cluster_id"].iloc[1]] == T2
    assert "first_seen ignored" in caplog.text


def test_n_sites_counts_distinct_hosts_and_labels_are_unioned():
    claim = "Ketamine infusions give fast relief for chronic pain."
    claims = table(
        [claim] * 5,
        urls=["https://www.one.example/a", "http://one.example:8080/b", "https://two.example/c", None, None],
        sources=[
            "https://www.one.example/a",
            "http://one.example:8080/b",
            "https://two.example/c",
            "saved/seed-001.txt",
            "saved/seed-002.txt",
        ],
        claim_types=[["EFFICACY"], ["SAFETY", "EFFICACY"], [], None, ("MECHANISM",)],
        red_flags=[["fast"], [], ["pain-free", "fast"], [], []],
    )
    _, clusters = assign_clusters(claims, T1)
    row = clusters.iloc[0]
    assert row["size"] == 5
    assert row["n_sites"] == 4  # one.example, two.example and two saved files
    assert row["claim_types"] == ["EFFICACY", "MECHANISM", "SAFETY"]
    assert row["red_flags"] == ["fast", "pain-free"]
    _, by_folder = assign_clusters(claims, T1, file_site="folder")
    assert by_folder.iloc[0]["n_sites"] == 3


def test_representative_is_the_commonest_wording():
    claims = table(
        [
            "Ketamine gives fast relief for chronic pain!",
            "Ketamine gives fast relief for chronic pain.",
            "Ketamine gives fast relief for chronic pain.",
        ]
    )
    _, clusters = assign_clusters(claims, T1)
    assert clusters.iloc[0]["representative"] == "Ketamine gives fast relief for chronic pain."


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="lacks columns"):
        assign_clusters(table(["x"]).drop(columns=["url"]), T1)
    with pytest.raises(ValueError, match="ISO timestamp"):
        assign_clusters(table(["x"]), "last tuesday")
    with pytest.raises(TypeError):
        assign_clusters([{"sentence": "x"}], T1)
    with pytest.raises(ValueError, match="previous table lacks"):
        assign_clusters(table(["x"]), T1, previous=pd.DataFrame({"cluster_id": ["c1"]}))
    with pytest.raises(TypeError, match="previous must be"):
        assign_clusters(table(["x"]), T1, previous=[{"cluster_id": "c1"}])


def test_missing_and_empty_sentences_do_not_break_the_run():
    claims = table(["Ketamine eases pain.", None, "", "!!!", "!!!"])
    ids, clusters = assign_clusters(claims, T1)
    assert ids.notna().all()
    assert ids.iloc[3] == ids.iloc[4] != ids.iloc[0]
    assert clusters["size"].sum() == 5


def test_empty_table():
    ids, clusters = assign_clusters(table([]), T1)
    assert ids.empty and clusters.empty
    assert list(clusters.columns) == list(CLUSTER_COLUMNS)


def test_quality_floor_on_the_labelled_pairs():
    """Guards the word lists and threshold against edits that trade one kind for another."""
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    sentences = sorted({s for p in pairs for s in (p["a"], p["b"])})
    ids, _ = assign_clusters(table(sentences), T1)
    cluster_of = dict(zip(sentences, ids))
    together = [cluster_of[p["a"]] == cluster_of[p["b"]] for p in pairs]
    tp = sum(t and p["same"] for t, p in zip(together, pairs))
    fp = sum(t and not p["same"] for t, p in zip(together, pairs))
    assert tp / (tp + fp) >= 0.95
    assert tp / sum(p["same"] for p in pairs) >= 0.88
    assert all(t for t, p in zip(together, pairs) if p["kind"] == "exact")
