"""The fact-checker's review app: run with ``claims.review.launch(out_dir)``.

Why Streamlit: it is the Python data ecosystem's usual way to put a pandas table in front of a
person, it needs no front-end build, and ``streamlit.testing.v1.AppTest`` drives the real
script headlessly, so filters, clicks and exports are tested like any other code.

Built for a shift of work through hundreds of claims: it opens on the claims that need a
citation, highest priority first (one switch shows them all), one claim at a time, with the
keyboard doing the work (Streamlit's own button shortcuts): J / K for the next and previous
claim, N for the next one without a verdict, 1-4 for the verdicts. Counts and progress
follow the filters. The reviewer's name is remembered in the run's review store.

The run folder comes from ``CLAIMS_OUT_DIR`` (``Settings.out_dir``), which ``launch`` sets.
Scraped text reaches the page only through ``render`` (escaped), as plain widget options and
table cells, or inside ``st.code``; never through markdown.
"""

from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st

from claims.document import Document
from claims.review import data, render
from claims.review.store import VERDICTS, ReviewStore
from claims.runfolder import RunFolder
from claims.settings import Settings
from claims.spreadsheet import to_csv

STATE_LABELS = {data.UNREVIEWED: "Unreviewed", **render.VERDICT_LABELS}
#: One key per verdict, in the order of ``VERDICTS``.
VERDICT_KEYS = dict(zip(VERDICTS, ("1", "2", "3", "4")))
#: Keys that move through the list: previous, next, next without a verdict.
PREVIOUS_KEY, NEXT_KEY, NEXT_UNREVIEWED_KEY = "K", "J", "N"
#: Session keys: the claim on screen, and the ids the queue table lists (for its selection).
CURRENT = "current_claim"
QUEUE_IDS = "queue_ids"
_SAVE_ERROR = "save_error"
_REVIEWER = "reviewer"


@st.cache_data(show_spinner=False, max_entries=4)
def _load_claims(out_dir: str, stamp: str) -> pd.DataFrame:
    """``stamp`` (``data.stamp``) changes with each commit, so a new run is read again."""
    return data.load_claims(out_dir)


@st.cache_data(show_spinner=False, max_entries=512)
def _load_text(out_dir: str, article_id: str, stamp: str) -> Document | None:
    return data.load_article_text(out_dir, article_id)


def _note_key(claim_id: str) -> str:
    return f"note-{claim_id}"


def _go(claim_id: str | None) -> None:
    if claim_id is not None:
        st.session_state[CURRENT] = claim_id


def _save_verdict(
    store: ReviewStore,
    claim_id: str,
    verdict: str,
    members: list[str],
    anchors: dict[str, tuple[str, str]],
    upcoming: tuple[str, ...],
) -> None:
    """Button callback: saves at once, so the next rerun already shows the stored verdict;
    then, when the reviewer asked to, moves on to the first of ``upcoming`` (the claims after
    this one without a verdict) that this click did not decide."""
    note = st.session_state.get(_note_key(claim_id), "")
    reviewer = st.session_state.get(_REVIEWER) or None
    whole_cluster = len(members) > 1 and st.session_state.get(f"cluster-{claim_id}", False)
    try:
        if whole_cluster:
            store.save_many(members, verdict, note, scope="cluster", reviewer=reviewer, anchors=anchors)
            for member in members:
                st.session_state[_note_key(member)] = note
        else:
            store.save(claim_id, verdict, note, reviewer=reviewer, anchor=anchors[claim_id])
    except sqlite3.Error as exc:
        st.session_state[_SAVE_ERROR] = f"The verdict on claim {claim_id} was not saved: {exc}"
        return
    decided = set(members) if whole_cluster else {claim_id}
    if st.session_state.get("advance", True):
        _go(next((c for c in upcoming if c not in decided), None))


def _save_note(
    store: ReviewStore, claim_id: str, anchor: tuple[str, str], shown: tuple[str, str | None] | None
) -> None:
    """A changed note is saved with the claim's current verdict (or ``shown``, the verdict
    and reviewer carried over from an earlier run when the claim has none of its own yet);
    before any verdict it waits in the field and is saved with the first verdict click."""
    try:
        current = store.get(claim_id)
        verdict, reviewer = (current.verdict, current.reviewer) if current is not None else shown or (None, None)
        if verdict is not None:
            reviewer = st.session_state.get(_REVIEWER) or reviewer
            store.save(claim_id, verdict, st.session_state[_note_key(claim_id)], reviewer=reviewer, anchor=anchor)
    except sqlite3.Error as exc:
        st.session_state[_SAVE_ERROR] = f"The note on claim {claim_id} was not saved: {exc}"


def _remember_reviewer(store: ReviewStore) -> None:
    try:
        store.remember(_REVIEWER, st.session_state.get(_REVIEWER, "").strip())
    except sqlite3.Error as exc:
        st.session_state[_SAVE_ERROR] = f"The reviewer's name was not remembered: {exc}"


def _jump_from_queue() -> None:
    """The queue table's selection callback: the selected row becomes the current claim."""
    rows = st.session_state["queue"]["selection"]["rows"]
    ids = st.session_state.get(QUEUE_IDS, [])
    if rows and rows[0] < len(ids):
        _go(ids[rows[0]])


def _article_labels(claims: pd.DataFrame) -> dict[str, str]:
    labels = {}
    for article_id, group in claims.groupby("article_id", sort=False):
        first = group.iloc[0]
        label = next(
            (str(v) for v in (first["title"], first["source"]) if isinstance(v, str) and v.strip()), article_id
        )
        labels[str(article_id)] = label
    return labels


def _sidebar(claims: pd.DataFrame, out_dir: Path, store: ReviewStore) -> data.Filters:
    bar = st.sidebar
    bar.header("Claim review")
    bar.text(f"Run folder: {out_dir}")
    run_ids = data.distinct_values(claims, "run_id")
    if run_ids:
        bar.text(f"Run: {', '.join(run_ids)}")
    if _REVIEWER not in st.session_state:
        st.session_state[_REVIEWER] = store.preference(_REVIEWER) or ""
    bar.text_input(
        "Reviewer",
        key=_REVIEWER,
        on_change=_remember_reviewer,
        args=(store,),
        help="Saved with each verdict, and remembered for the next session",
    )
    st.session_state.setdefault("needs_only", True)
    needs_only = bar.toggle(
        "Needs citation only", key="needs_only", help="Off: every claim of the run, cited and hedged ones too"
    )
    st.session_state.setdefault("advance", True)
    bar.toggle("After a verdict, go to the next unreviewed claim", key="advance")
    query = bar.text_input("Search", key="query", placeholder="sentence, title, section or note")
    present = set(data.distinct_values(claims, "priority"))
    priorities = [p for p in data.PRIORITY_ORDER if p in present] + sorted(present - set(data.PRIORITY_ORDER))
    labels = _article_labels(claims)
    filters = data.Filters(
        claim_types=tuple(bar.multiselect("Claim type", data.distinct_values(claims, "claim_types"), key="f_types")),
        priorities=tuple(bar.multiselect("Priority", priorities, key="f_priority")),
        red_flags=tuple(bar.multiselect("Red flag", data.distinct_values(claims, "red_flag_names"), key="f_flags")),
        interventions=tuple(
            bar.multiselect("Intervention", data.distinct_values(claims, "interventions"), key="f_interventions")
        ),
        article_ids=tuple(bar.multiselect("Article", list(labels), format_func=labels.__getitem__, key="f_articles")),
        review_states=tuple(
            bar.multiselect("Review state", data.REVIEW_STATES, format_func=STATE_LABELS.__getitem__, key="f_review")
        ),
        found_by=tuple(
            bar.multiselect(
                "Found by",
                data.finder_options(claims),
                key="f_found",
                help="Who found a claim type: on real clinic pages, one both found was right about 9 times in 10, "
                "one the rules or the classifier found alone about half the time",
            )
        ),
        query=query,
        needs_citation_only=needs_only,
    )
    bar.caption(
        f"Keys: {NEXT_KEY} next, {PREVIOUS_KEY} previous, {NEXT_UNREVIEWED_KEY} next unreviewed, "
        + ", ".join(f"{key} {render.VERDICT_LABELS[v].lower()}" for v, key in VERDICT_KEYS.items())
        + " (not while typing in a field)"
    )
    return filters


def _export(store: ReviewStore, claims: pd.DataFrame, out_dir: Path) -> None:
    download, write = st.columns(2)
    download.download_button(
        "Download reviewed claims (CSV)",
        data=lambda: to_csv(store.export_frame(claims)),
        file_name=RunFolder(out_dir).reviews_export.name,
        mime="text/csv",
        key="download",
    )
    target = RunFolder(out_dir).reviews_export
    if write.button(f"Save {target.name} in the run folder", key="export"):
        try:
            count = store.export_csv(claims, target)
        except (OSError, sqlite3.Error) as exc:
            st.error(f"Export failed: {exc}")
        else:
            st.success(f"Wrote {count} reviewed claims to {target}")


def _counts(shown: pd.DataFrame, everything: pd.DataFrame) -> None:
    """Counts of the claims the filters show, and the reviewer's progress through them."""
    reviewed = int((shown["review_state"] != data.UNREVIEWED).sum())
    counts = st.columns(3)
    counts[0].metric("Claims in view", f"{len(shown)} of {len(everything)}")
    counts[1].metric("Need a citation", int(shown["needs_citation"].sum()))
    counts[2].metric("Reviewed", f"{reviewed} of {len(shown)}")
    st.progress(reviewed / len(shown) if len(shown) else 0.0, text=f"{reviewed} of {len(shown)} reviewed in this view")


def _verdict_line(claim: pd.Series, reviewed: pd.DataFrame) -> str:
    if claim["review_state"] == data.UNREVIEWED:
        return '<div class="claim-cues">Not reviewed yet.</div>'
    scope = ""
    if claim["scope"] == "cluster":
        together = int((reviewed["batch_id"] == claim["batch_id"]).sum())
        scope = f" for its cluster of {together} near-duplicate claims"
    by = f" by {escape(str(claim['reviewer']))}" if isinstance(claim["reviewer"], str) and claim["reviewer"] else ""
    carried = ""
    if isinstance(claim.get("carried_from"), str):
        carried = " · carried over from an earlier run, where this sentence stood elsewhere in its article"
    return (
        f'<div class="claim-cues">Verdict: {render.verdict_badge(str(claim["verdict"]))}'
        f" set{scope}{by} · {_when(claim['updated_at'])}{carried}</div>"
    )


def _when(updated_at: str) -> str:
    """The store's UTC timestamp, to the minute: enough to tell today's clicks from last week's."""
    return escape(pd.Timestamp(updated_at).strftime("%Y-%m-%d %H:%M UTC"))


def _navigation(where: data.Position) -> None:
    back, place, forward, unreviewed = st.columns([1, 1, 1, 1.4])
    back.button(
        "Previous",
        key="previous",
        on_click=_go,
        args=(where.previous,),
        shortcut=PREVIOUS_KEY,
        disabled=where.previous is None,
        width="stretch",
    )
    place.markdown(f"**Claim {where.index + 1} of {where.total}**")
    forward.button(
        "Next",
        key="next",
        on_click=_go,
        args=(where.next,),
        shortcut=NEXT_KEY,
        disabled=where.next is None,
        width="stretch",
    )
    unreviewed.button(
        "Next unreviewed",
        key="next_unreviewed",
        on_click=_go,
        args=(where.next_unreviewed,),
        shortcut=NEXT_UNREVIEWED_KEY,
        disabled=where.next_unreviewed is None,
        width="stretch",
    )


def _claim_card(
    claim: pd.Series, where: data.Position, store: ReviewStore, reviewed: pd.DataFrame, out_dir: Path
) -> None:
    claim_id = str(claim["claim_id"])
    doc = _load_text(str(out_dir), str(claim["article_id"]), data.stamp(out_dir))
    members = data.cluster_members(reviewed, claim_id)
    anchors = data.anchors(reviewed, members)
    shown = None
    if claim["review_state"] != data.UNREVIEWED:
        shown = (str(claim["verdict"]), claim["reviewer"] if isinstance(claim["reviewer"], str) else None)
    with st.container(border=True):
        st.html(render.claim_html(claim, doc, footer=_verdict_line(claim, reviewed)))
        st.session_state.setdefault(_note_key(claim_id), claim["note"])
        st.text_input(
            "Note",
            key=_note_key(claim_id),
            on_change=_save_note,
            args=(store, claim_id, anchors[claim_id], shown),
            placeholder="Saved with the verdict",
        )
        if len(members) > 1:
            st.checkbox(f"Apply to all {len(members)} near-duplicates in this cluster", key=f"cluster-{claim_id}")
        # one key per verdict whatever the claim: a key bound to each claim's own button would
        # stay bound to the claim before while the page changes, and record on both
        for column, verdict in zip(st.columns(len(VERDICTS)), VERDICTS):
            column.button(
                render.VERDICT_LABELS[verdict],
                key=f"verdict-{verdict}",
                on_click=_save_verdict,
                args=(store, claim_id, verdict, members, anchors, where.unreviewed_after),
                type="primary" if claim["verdict"] == verdict else "secondary",
                shortcut=VERDICT_KEYS[verdict],
                width="stretch",
            )
    if doc is not None:
        with st.expander("Whole article (extracted text)"):
            st.html(render.article_html(doc, claim))
    if not isinstance(claim["url"], str) and isinstance(claim["source"], str):
        with st.expander("Source file as written"):
            text, note = data.source_file(claim["source"])
            st.text(note)
            if text is not None:
                st.code(text, language="html" if claim["source"].lower().endswith((".html", ".htm")) else None)


def _queue(shown: pd.DataFrame, current: str) -> None:
    """The claims in view as a table; selecting a row opens that claim."""
    st.subheader("In this view")
    st.session_state[QUEUE_IDS] = shown["claim_id"].astype(str).tolist()
    table = pd.DataFrame(
        {
            "": ["▶" if c == current else "" for c in shown["claim_id"]],
            "priority": shown["priority"].astype(str).to_numpy(),
            "state": shown["review_state"].map(STATE_LABELS).to_numpy(),
            "found by": shown["found_by"].map(lambda found: ", ".join(dict.fromkeys(found))).to_numpy(),
            "sentence": shown["sentence"].astype(str).to_numpy(),
            "article": shown["title"].fillna(shown["source"]).astype(str).to_numpy(),
        }
    )
    st.dataframe(
        table, key="queue", on_select=_jump_from_queue, selection_mode="single-row", hide_index=True, width="stretch"
    )


def main() -> None:
    st.set_page_config(page_title="Claim review", layout="wide")
    out_dir = Path(Settings.from_env().out_dir)
    try:
        claims = _load_claims(str(out_dir), data.stamp(out_dir))
        store = ReviewStore.for_run(out_dir)
        reviewed = data.with_verdicts(claims, store.verdicts_for(claims))
    except (data.RunDataError, FileNotFoundError, sqlite3.Error) as exc:
        st.error(f"Cannot open the run: {exc}")
        st.stop()
    st.html(render.STYLE)
    if message := st.session_state.pop(_SAVE_ERROR, None):
        st.error(message)
    filters = _sidebar(reviewed, out_dir, store)
    shown = data.select_claims(reviewed, filters)

    st.title("Claims to check")
    if shown.empty:
        st.session_state[QUEUE_IDS] = []
        st.info("No claims match these filters." if len(reviewed) else "This run found no claims.")
        _export(store, claims, out_dir)
        return
    _counts(shown, reviewed)
    where = data.position(shown, st.session_state.get(CURRENT))
    st.session_state[CURRENT] = where.claim_id
    _navigation(where)
    _claim_card(shown.iloc[where.index], where, store, reviewed, out_dir)
    _queue(shown, where.claim_id)
    _export(store, claims, out_dir)


if __name__ == "__main__":
    main()
