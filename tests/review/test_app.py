"""The Streamlit app driven headlessly with AppTest: the real script, a real run folder."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from claims.review.server import APP_PATH
from claims.review.store import ReviewStore

#: Generous: the first run of the script imports pandas, pyarrow and streamlit's runtime.
TIMEOUT = 60


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch):
    def _open(out_dir: Path) -> AppTest:
        monkeypatch.setenv("CLAIMS_OUT_DIR", str(out_dir))
        app = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return _open


@pytest.fixture
def app(run_dir: Path, open_app) -> AppTest:
    return open_app(run_dir)


def shown(app: AppTest) -> list[str]:
    """Claim ids of the cards on the page, top to bottom."""
    return [m.group(1) for h in app.html if (m := re.match(r'<div class="claim-card" data-claim-id="([^"]+)"', h.value))]


def card_html(app: AppTest, claim_id: str) -> str:
    return next(h.value for h in app.html if f'data-claim-id="{claim_id}"' in h.value)


def click(app: AppTest, verdict: str, claim_id: str) -> None:
    app.button(key=f"verdict-{verdict}-{claim_id}").click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_claims_are_listed_flagged_first_by_priority(app: AppTest, review_order) -> None:
    assert shown(app) == review_order
    assert [m.value for m in app.metric] == ["6 of 6", "5", "0"]


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("f_types", ["MECHANISM"], ["c-mech"]),
        ("f_priority", ["low"], ["c-hedged"]),
        ("f_flags", ["non-addictive"], ["c-safe", "c-dup"]),
        ("f_interventions", ["vitamin drip"], ["c-hostile"]),
        ("f_articles", ["a3"], ["c-dup"]),
    ],
)
def test_each_filter_narrows_the_list(app: AppTest, key: str, values: list[str], expected: list[str]) -> None:
    app.multiselect(key=key).set_value(values).run()
    assert shown(app) == expected
    assert app.metric[0].value == f"{len(expected)} of 6"


def test_article_filter_offers_titles_as_plain_options(app: AppTest) -> None:
    articles = app.multiselect(key="f_articles")
    assert articles.options[0] == "Ketamine Infusions at Example Clinic"
    assert any("<b>bold</b> Drip Bar" in option for option in articles.options)  # text, never markup


def test_search_and_needs_citation_toggle(app: AppTest) -> None:
    app.text_input(key="query").input("nmda").run()
    assert shown(app) == ["c-mech"]
    app.text_input(key="query").input("fibromyalgia").run()
    assert shown(app) == ["c-hedged"]
    app.toggle(key="needs_only").set_value(True).run()
    assert shown(app) == []
    assert "No claims match" in app.info[0].value


def test_verdict_click_saves_the_verdict_and_note_at_once(app: AppTest, run_dir: Path) -> None:
    app.text_input(key="note-c-mech").input("receptor action is textbook").run()
    assert ReviewStore.for_run(run_dir).get("c-mech") is None  # a note alone waits for a verdict
    click(app, "supported", "c-mech")

    saved = ReviewStore.for_run(run_dir).get("c-mech")
    assert (saved.verdict, saved.note, saved.scope) == ("supported", "receptor action is textbook", "claim")
    assert "Supported</span> set" in card_html(app, "c-mech")
    assert app.metric[2].value == "1"

    app.multiselect(key="f_review").set_value(["unreviewed"]).run()
    assert "c-mech" not in shown(app) and len(shown(app)) == 5
    app.multiselect(key="f_review").set_value(["supported"]).run()
    assert shown(app) == ["c-mech"]


def test_editing_the_note_of_a_reviewed_claim_saves_it(app: AppTest, run_dir: Path) -> None:
    click(app, "needs_source", "c-vague")
    app.text_input(key="note-c-vague").input("which studies?").run()
    store = ReviewStore.for_run(run_dir)
    assert (store.get("c-vague").verdict, store.get("c-vague").note) == ("needs_source", "which studies?")
    assert store.history("c-vague")["note"].tolist() == ["", "which studies?"]


def test_reviewer_name_is_recorded(app: AppTest, run_dir: Path) -> None:
    app.text_input(key="reviewer").input("ana").run()
    click(app, "unsupported", "c-hostile")
    assert ReviewStore.for_run(run_dir).get("c-hostile").reviewer == "ana"
    assert "by ana" in card_html(app, "c-hostile")


def test_a_verdict_can_cover_the_whole_near_duplicate_cluster(app: AppTest, run_dir: Path) -> None:
    assert app.checkbox(key="cluster-c-safe").label == "Apply to all 2 near-duplicates in this cluster"
    app.text_input(key="note-c-safe").input("absolute safety wording").run()
    app.checkbox(key="cluster-c-safe").check().run()
    click(app, "unsupported", "c-safe")

    rows = ReviewStore.for_run(run_dir).all().set_index("claim_id")
    assert sorted(rows.index) == ["c-dup", "c-safe"]
    assert set(rows["scope"]) == {"cluster"} and rows["batch_id"].nunique() == 1
    assert rows.loc["c-dup", "note"] == "absolute safety wording"
    assert "for its cluster of 2 near-duplicate claims" in card_html(app, "c-dup")
    assert app.text_input(key="note-c-dup").value == "absolute safety wording"


def test_a_failed_save_is_reported_and_the_app_keeps_running(app: AppTest, run_dir: Path) -> None:
    with sqlite3.connect(run_dir / "reviews.sqlite") as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON verdicts BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    click(app, "supported", "c-mech")
    assert "was not saved" in app.error[0].value and "disk says no" in app.error[0].value
    assert len(shown(app)) == 6


def test_export_writes_reviewed_claims_with_verdicts(app: AppTest, run_dir: Path) -> None:
    click(app, "supported", "c-mech")
    click(app, "not_a_claim", "c-hedged")
    assert app.get("download_button")[0].label == "Download reviewed claims (CSV)"
    app.button(key="export").click().run()
    exported = pd.read_csv(run_dir / "reviews.csv")
    assert dict(zip(exported["claim_id"], exported["verdict"])) == {"c-mech": "supported", "c-hedged": "not_a_claim"}
    assert "Wrote 2 reviewed claims" in app.success[0].value


def test_scraped_markup_is_rendered_as_text(app: AppTest) -> None:
    hostile = card_html(app, "c-hostile")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "&lt;b&gt;bold&lt;/b&gt;" in hostile
    bodies = [h.value for h in app.html] + [m.value for m in app.markdown]
    assert not any("<script" in body or "<b>" in body for body in bodies)


def test_long_runs_are_paged(make_run, tmp_path: Path, claims_fixture, open_app) -> None:
    template = claims_fixture[0]
    many = [{**template, "claim_id": f"c{i:02d}"} for i in range(25)]
    app = open_app(make_run(tmp_path / "run", many))
    assert len(shown(app)) == 20
    app.get("pagination")[0].set_value(2).run()
    assert shown(app) == [f"c{i:02d}" for i in range(20, 25)]


def test_a_folder_without_a_run_shows_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_OUT_DIR", str(tmp_path))
    app = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    app.run()
    assert not app.exception
    assert "no dataset here" in app.error[0].value


def test_verdicts_clicked_in_the_app_follow_their_sentence_into_the_next_run(
    app: AppTest, run_dir: Path, open_app, make_run, claims_fixture
) -> None:
    """The page changed above both claims, so the next run gives them new claim_ids."""
    app.checkbox(key="cluster-c-safe").check().run()
    click(app, "unsupported", "c-safe")  # with its cluster: c-safe and c-dup
    app.text_input(key="reviewer").input("ana").run()
    click(app, "supported", "c-mech")
    renumbered = {"c-mech": "c-mech-2", "c-safe": "c-safe-2", "c-dup": "c-dup-2"}
    make_run(run_dir, [{**c, "claim_id": renumbered.get(str(c["claim_id"]), c["claim_id"])} for c in claims_fixture])

    again = open_app(run_dir)
    assert "Supported</span> set" in card_html(again, "c-mech-2")
    assert "carried over from an earlier run" in card_html(again, "c-mech-2")
    assert "Unsupported</span> set" in card_html(again, "c-dup-2")
    assert again.metric[2].value == "3"
    again.text_input(key="note-c-mech-2").input("still textbook").run()  # a note makes the verdict its own
    own = ReviewStore.for_run(run_dir).get("c-mech-2")
    assert (own.verdict, own.note, own.reviewer) == ("supported", "still textbook", "ana")
