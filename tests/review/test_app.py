"""The Streamlit app driven headlessly with AppTest: the real script, a real run folder."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from runhelpers import article_row, claim_row, commit_run
from streamlit.testing.v1 import AppTest

from claims.review.app import CURRENT, QUEUE_IDS
from claims.review.server import APP_PATH
from claims.review.store import ReviewStore
from claims.runfolder import ArticleText

#: Generous: the first run of the script imports pandas, pyarrow and streamlit's runtime.
TIMEOUT = 60
#: The default view: claims needing a citation, highest priority first (REVIEW_ORDER less c-hedged).
NEEDING = ["c-safe", "c-hostile", "c-dup", "c-mech", "c-vague"]


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


def queue(app: AppTest) -> list[str]:
    """Claim ids of the claims in view, in the order the reviewer works through them."""
    return list(app.session_state[QUEUE_IDS]) if QUEUE_IDS in app.session_state else []


def current(app: AppTest) -> str:
    """The claim on screen (its card's data-claim-id)."""
    [card] = [
        m.group(1) for h in app.html if (m := re.match(r'<div class="claim-card" data-claim-id="([^"]+)"', h.value))
    ]
    return card


def card_html(app: AppTest) -> str:
    return next(h.value for h in app.html if h.value.startswith('<div class="claim-card"'))


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_claim(app: AppTest, claim_id: str) -> None:
    app.session_state[CURRENT] = claim_id
    rerun(app)
    assert current(app) == claim_id


def all_claims(app: AppTest) -> None:
    app.toggle(key="needs_only").set_value(False)
    rerun(app)


def click(app: AppTest, key: str) -> None:
    app.button(key=key).click()
    rerun(app)


def verdict(app: AppTest, verdict_name: str, claim_id: str) -> None:
    if current(app) != claim_id:
        open_claim(app, claim_id)
    click(app, f"verdict-{verdict_name}")


def test_opens_on_claims_needing_a_citation_highest_priority_first(app: AppTest, review_order) -> None:
    assert queue(app) == NEEDING and current(app) == "c-safe"
    assert [m.value for m in app.metric] == ["5 of 6", "5", "0 of 5"]
    all_claims(app)  # one click shows every claim
    assert queue(app) == review_order
    assert [m.value for m in app.metric] == ["6 of 6", "5", "0 of 6"]


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("f_types", ["MECHANISM"], ["c-mech"]),
        ("f_priority", ["low"], ["c-hedged"]),
        ("f_flags", ["non-addictive"], ["c-safe", "c-dup"]),
        ("f_flags", ["cure"], ["c-hostile"]),  # red flags are offered by canonical name
        ("f_interventions", ["vitamin drip"], ["c-hostile"]),
        ("f_articles", ["a3"], ["c-dup"]),
        ("f_found", ["rules and model"], ["c-vague"]),
    ],
)
def test_each_filter_narrows_the_list_and_the_counts_follow(app: AppTest, key, values, expected) -> None:
    all_claims(app)
    app.multiselect(key=key).set_value(values)
    rerun(app)
    assert queue(app) == expected and current(app) == expected[0]
    needing = sum(c != "c-hedged" for c in expected)
    assert [m.value for m in app.metric] == [f"{len(expected)} of 6", str(needing), f"0 of {len(expected)}"]


def test_the_card_and_the_queue_say_who_found_each_claim_type(app: AppTest) -> None:
    app.multiselect(key="f_types").set_value(["MECHANISM"])
    rerun(app)
    assert current(app) == "c-mech"
    assert 'MECHANISM <span class="found-by">model only</span>' in card_html(app)
    assert app.dataframe[0].value["found by"].tolist() == ["model only"]


def test_progress_counts_verdicts_in_the_current_view(app: AppTest) -> None:
    verdict(app, "supported", "c-mech")
    assert app.metric[2].value == "1 of 5"
    assert app.get("progress")[0].proto.text == "1 of 5 reviewed in this view"
    app.multiselect(key="f_priority").set_value(["high"])
    rerun(app)
    assert app.metric[2].value == "0 of 3"  # c-mech is medium: not in this view


def test_article_filter_offers_titles_as_plain_options(app: AppTest) -> None:
    articles = app.multiselect(key="f_articles")
    assert articles.options[0] == "Ketamine Infusions at Example Clinic"
    assert any("<b>bold</b> Drip Bar" in option for option in articles.options)  # text, never markup


def test_search_and_needs_citation_toggle(app: AppTest) -> None:
    app.text_input(key="query").input("nmda")
    rerun(app)
    assert queue(app) == ["c-mech"]
    app.text_input(key="query").input("fibromyalgia")
    rerun(app)
    assert queue(app) == [] and "No claims match" in app.info[0].value
    all_claims(app)
    assert queue(app) == ["c-hedged"]


def test_next_previous_and_next_unreviewed_move_through_the_view(app: AppTest) -> None:
    assert app.button(key="previous").disabled  # nothing before the first claim
    click(app, "next")
    assert current(app) == "c-hostile"
    click(app, "next")
    click(app, "previous")
    assert current(app) == "c-hostile"
    app.toggle(key="advance").set_value(False)
    rerun(app)
    verdict(app, "supported", "c-dup")
    verdict(app, "unsupported", "c-mech")
    open_claim(app, "c-hostile")
    click(app, "next_unreviewed")  # c-dup and c-mech have verdicts now
    assert current(app) == "c-vague"
    click(app, "next_unreviewed")  # round to the top
    assert current(app) == "c-safe"
    assert app.button(key="next_unreviewed").proto.shortcut and app.button(key="next").proto.shortcut


def test_a_verdict_saves_at_once_and_moves_on_to_the_next_unreviewed(app: AppTest, run_dir: Path) -> None:
    app.text_input(key="note-c-safe").input("absolute safety wording")
    rerun(app)
    assert ReviewStore.for_run(run_dir).get("c-safe") is None  # a note alone waits for a verdict
    click(app, "verdict-unsupported")
    saved = ReviewStore.for_run(run_dir).get("c-safe")
    assert (saved.verdict, saved.note, saved.scope) == ("unsupported", "absolute safety wording", "claim")
    assert current(app) == "c-hostile"
    open_claim(app, "c-safe")
    html = card_html(app)
    assert 'class="claim-badge verdict verdict-unsupported">Unsupported</span> set' in html
    assert app.metric[2].value == "1 of 5"

    app.multiselect(key="f_review").set_value(["unreviewed"])
    rerun(app)
    assert "c-safe" not in queue(app) and len(queue(app)) == 4
    app.multiselect(key="f_review").set_value(["unsupported"])
    rerun(app)
    assert queue(app) == ["c-safe"]


def test_each_verdict_has_its_own_key_and_badge_colour(app: AppTest) -> None:
    keys = {b.key: b.proto.shortcut for b in app.button if b.key and b.key.startswith("verdict-")}
    assert len(set(keys.values())) == 4 and all(keys.values())
    for name in ("supported", "unsupported", "needs_source", "not_a_claim"):
        verdict(app, name, "c-safe")
        open_claim(app, "c-safe")  # the verdict moved the view on to the next unreviewed claim
        assert f'verdict-{name}">' in card_html(app)
    assert "verdict-supported" not in card_html(app)


def test_editing_the_note_of_a_reviewed_claim_saves_it(app: AppTest, run_dir: Path) -> None:
    verdict(app, "needs_source", "c-vague")
    open_claim(app, "c-vague")
    app.text_input(key="note-c-vague").input("which studies?")
    rerun(app)
    store = ReviewStore.for_run(run_dir)
    assert (store.get("c-vague").verdict, store.get("c-vague").note) == ("needs_source", "which studies?")
    assert store.history("c-vague")["note"].tolist() == ["", "which studies?"]


def test_reviewer_name_is_recorded_and_remembered_by_the_next_session(app: AppTest, run_dir: Path, open_app) -> None:
    app.text_input(key="reviewer").input("ana")
    rerun(app)
    verdict(app, "unsupported", "c-hostile")
    assert ReviewStore.for_run(run_dir).get("c-hostile").reviewer == "ana"
    open_claim(app, "c-hostile")
    assert "by ana" in card_html(app)
    again = open_app(run_dir)  # a restarted app: a new session
    assert again.text_input(key="reviewer").value == "ana"


def test_a_verdict_can_cover_the_whole_near_duplicate_cluster(app: AppTest, run_dir: Path) -> None:
    verdict(app, "supported", "c-hostile")  # so that c-dup comes next after c-safe
    open_claim(app, "c-safe")
    assert app.checkbox(key="cluster-c-safe").label == "Apply to all 2 near-duplicates in this cluster"
    app.text_input(key="note-c-safe").input("absolute safety wording")
    app.checkbox(key="cluster-c-safe").check()
    rerun(app)
    click(app, "verdict-unsupported")
    assert current(app) == "c-mech"  # c-dup got its verdict with the cluster: skipped

    rows = ReviewStore.for_run(run_dir).all().set_index("claim_id").drop(index="c-hostile")
    assert sorted(rows.index) == ["c-dup", "c-safe"]
    assert set(rows["scope"]) == {"cluster"} and rows["batch_id"].nunique() == 1
    assert rows.loc["c-dup", "note"] == "absolute safety wording"
    open_claim(app, "c-dup")
    assert "for its cluster of 2 near-duplicate claims" in card_html(app)
    assert app.text_input(key="note-c-dup").value == "absolute safety wording"


def test_a_failed_save_is_reported_and_the_app_keeps_running(app: AppTest, run_dir: Path) -> None:
    with sqlite3.connect(run_dir / "reviews.sqlite") as conn:
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON verdicts BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    click(app, "verdict-supported")
    assert "was not saved" in app.error[0].value and "disk says no" in app.error[0].value
    assert current(app) == "c-safe" and len(queue(app)) == 5  # it did not move on


def test_export_writes_reviewed_claims_with_verdicts(app: AppTest, run_dir: Path) -> None:
    verdict(app, "supported", "c-mech")
    all_claims(app)
    verdict(app, "not_a_claim", "c-hedged")
    assert app.get("download_button")[0].label == "Download reviewed claims (CSV)"
    click(app, "export")
    exported = pd.read_csv(run_dir / "reviews.csv")
    assert dict(zip(exported["claim_id"], exported["verdict"])) == {"c-mech": "supported", "c-hedged": "not_a_claim"}
    assert "Wrote 2 reviewed claims" in app.success[0].value


def test_scraped_markup_is_rendered_as_text(app: AppTest) -> None:
    open_claim(app, "c-hostile")
    hostile = card_html(app)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "&lt;b&gt;bold&lt;/b&gt;" in hostile
    bodies = [h.value for h in app.html] + [m.value for m in app.markdown]
    assert not any("<script" in body or "<b>" in body for body in bodies)


def test_the_card_links_to_the_sentence_on_its_page_and_citations_to_their_references(app: AppTest) -> None:
    open_claim(app, "c-mech")
    assert (
        'href="https://clinic.example/ketamine#:~:text=Ketamine%20blocks%20NMDA%20receptors%20in%20the%20spinal%20cord"'
    ) in card_html(app)
    all_claims(app)
    open_claim(app, "c-hedged")
    html = card_html(app)
    assert '<a class="cite" href="https://clinic.example/ketamine#ref-1"' in html
    assert '<a class="ref-link" href="https://doi.org/10.5555/pm.2018.12"' in html
    assert "Halvorsen T. Ketamine in fibromyalgia" in html


def test_a_local_source_file_can_be_read_in_the_app(tmp_path: Path, open_app, monkeypatch) -> None:
    page = tmp_path / "pages" / "clinic.html"
    page.parent.mkdir()
    page.write_text("<html><body><p>Our drip <em>cures</em> fatigue.</p></body></html>")
    monkeypatch.chdir(tmp_path)  # the run was given the path relative to here
    source, sentence = "pages/clinic.html", "Our drip cures fatigue."
    text = ArticleText("a-local", source, sentence, (), None)
    commit_run(
        tmp_path / "run",
        [
            (
                [article_row(source, article_id="a-local")],
                [claim_row(source, 0, sentence, article_id="a-local", char_end=len(sentence))],
            )
        ],
        texts=[text],
    )
    app = open_app(tmp_path / "run")
    assert "local file pages/clinic.html" in card_html(app)
    assert app.code[0].value == page.read_text()
    page.unlink()
    assert any("cannot be read from here" in t.value for t in open_app(tmp_path / "run").text)


def test_long_runs_are_listed_whole_and_worked_through_one_claim_at_a_time(
    make_run, tmp_path, claims_fixture, open_app
) -> None:
    template = claims_fixture[0]
    many = [{**template, "claim_id": f"c{i:03d}"} for i in range(120)]
    app = open_app(make_run(tmp_path / "run", many))
    assert queue(app) == [f"c{i:03d}" for i in range(120)] and len(app.dataframe[0].value) == 120
    for _ in range(3):
        click(app, "next")
    assert current(app) == "c003" and "Claim 4 of 120" in app.markdown[0].value


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
    app.checkbox(key="cluster-c-safe").check()
    rerun(app)
    verdict(app, "unsupported", "c-safe")  # with its cluster: c-safe and c-dup
    app.text_input(key="reviewer").input("ana")
    rerun(app)
    verdict(app, "supported", "c-mech")
    renumbered = {"c-mech": "c-mech-2", "c-safe": "c-safe-2", "c-dup": "c-dup-2"}
    make_run(run_dir, [{**c, "claim_id": renumbered.get(str(c["claim_id"]), c["claim_id"])} for c in claims_fixture])

    again = open_app(run_dir)
    open_claim(again, "c-mech-2")
    assert "Supported</span> set" in card_html(again)
    assert "carried over from an earlier run" in card_html(again)
    open_claim(again, "c-dup-2")
    assert "Unsupported</span> set" in card_html(again)
    assert again.metric[2].value == "3 of 5"
    open_claim(again, "c-mech-2")
    again.text_input(key="note-c-mech-2").input("still textbook")  # a note makes the verdict its own
    rerun(again)
    own = ReviewStore.for_run(run_dir).get("c-mech-2")
    assert (own.verdict, own.note, own.reviewer) == ("supported", "still textbook", "ana")
