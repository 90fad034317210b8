"""The fact-checker's review app: run with ``claims.review.launch(out_dir)``.

Why Streamlit: it is the Python data ecosystem's usual way to put a pandas table in front of a
person, it needs no front-end build, and ``streamlit.testing.v1.AppTest`` drives the real
script headlessly, so filters, clicks and exports are tested like any other code.

The run folder comes from ``CLAIMS_OUT_DIR`` (``Settings.out_dir``), which ``launch`` sets.
Scraped text reaches the page only through ``render.claim_html`` (escaped) or as plain widget
options; never through markdown.
"""
from __future__ import annotations

import math
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

#: Claims shown per page (proposed setting ``review_page_size``).
PAGE_SIZE = 20
#: Characters of article text shown around a claim (proposed setting ``review_context_chars``).
CONTEXT_CHARS = render.DEFAULT_CONTEXT_CHARS
VERDICT_LABELS = {
    "supported": "Supported", "unsupported": "Unsupported", "needs_source": "Needs source", "not_a_claim": "Not a claim",
}
STATE_LABELS = {data.UNREVIEWED: "Unreviewed", **VERDICT_LABELS}
_SAVE_ERROR = "save_error"


@st.cache_data(show_spinner=False, max_entries=4)
def _load_claims(out_dir: str, stamp: str) -> pd.DataFrame:
    """``stamp`` (``data.stamp``) changes with each commit, so a new run is read again."""
    return data.load_claims(out_dir)


@st.cache_data(show_spinner=False, max_entries=512)
def _load_text(out_dir: str, article_id: str, stamp: str) -> Document | None:
    return data.load_article_text(out_dir, article_id)


def _note_key(claim_id: str) -> str:
    return f"note-{claim_id}"


def _save_verdict(
    store: ReviewStore, claim_id: str, verdict: str, members: list[str], anchors: dict[str, tuple[str, str]]
) -> None:
    """Button callback: saves at once, so the next rerun already shows the stored verdict."""
    note = st.session_state.get(_note_key(claim_id), "")
    reviewer = st.session_state.get("reviewer") or None
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
            reviewer = st.session_state.get("reviewer") or reviewer
            store.save(claim_id, verdict, st.session_state[_note_key(claim_id)], reviewer=reviewer, anchor=anchor)
    except sqlite3.Error as exc:
        st.session_state[_SAVE_ERROR] = f"The note on claim {claim_id} was not saved: {exc}"


def _article_labels(claims: pd.DataFrame) -> dict[str, str]:
    labels = {}
    for article_id, group in claims.groupby("article_id", sort=False):
        first = group.iloc[0]
        label = next((str(v) for v in (first["title"], first["source"]) if isinstance(v, str) and v.strip()), article_id)
        labels[str(article_id)] = label
    return labels


def _sidebar(claims: pd.DataFrame, out_dir: Path) -> data.Filters:
    bar = st.sidebar
    bar.header("Claim review")
    bar.text(f"Run folder: {out_dir}")
    run_ids = data.distinct_values(claims, "run_id")
    if run_ids:
        bar.text(f"Run: {', '.join(run_ids)}")
    bar.text_input("Reviewer (optional)", key="reviewer")
    query = bar.text_input("Search", key="query", placeholder="sentence, title, section or note")
    needs_only = bar.toggle("Needs citation only", key="needs_only")
    present = set(data.distinct_values(claims, "priority"))
    priorities = [p for p in data.PRIORITY_ORDER if p in present] + sorted(present - set(data.PRIORITY_ORDER))
    labels = _article_labels(claims)
    return data.Filters(
        claim_types=tuple(bar.multiselect("Claim type", data.distinct_values(claims, "claim_types"), key="f_types")),
        priorities=tuple(bar.multiselect("Priority", priorities, key="f_priority")),
        red_flags=tuple(bar.multiselect("Red flag", data.distinct_values(claims, "red_flags"), key="f_flags")),
        interventions=tuple(
            bar.multiselect("Intervention", data.distinct_values(claims, "interventions"), key="f_interventions")
        ),
        article_ids=tuple(bar.multiselect("Article", list(labels), format_func=labels.__getitem__, key="f_articles")),
        review_states=tuple(
            bar.multiselect("Review state", data.REVIEW_STATES, format_func=STATE_LABELS.__getitem__, key="f_review")
        ),
        query=query,
        needs_citation_only=needs_only,
    )


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
            st.success(f"Wrote {count} reviewed claims to `{target}`")


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
        f'<div class="claim-cues">Verdict: <span class="claim-badge verdict">{VERDICT_LABELS[claim["verdict"]]}</span>'
        f" set{scope}{by} · {_when(claim['updated_at'])}{carried}</div>"
    )


def _when(updated_at: str) -> str:
    """The store's UTC timestamp, to the minute: enough to tell today's clicks from last week's."""
    return escape(pd.Timestamp(updated_at).strftime("%Y-%m-%d %H:%M UTC"))


def _claim_card(claim: pd.Series, store: ReviewStore, reviewed: pd.DataFrame, out_dir: Path) -> None:
    claim_id = str(claim["claim_id"])
    article_id = str(claim["article_id"])
    doc = _load_text(str(out_dir), article_id, data.stamp(out_dir))
    members = data.cluster_members(reviewed, claim_id)
    anchors = data.anchors(reviewed, members)
    shown = None
    if claim["review_state"] != data.UNREVIEWED:
        shown = (str(claim["verdict"]), claim["reviewer"] if isinstance(claim["reviewer"], str) else None)
    with st.container(border=True):
        st.html(render.claim_html(claim, doc, CONTEXT_CHARS, footer=_verdict_line(claim, reviewed)))
        st.session_state.setdefault(_note_key(claim_id), claim["note"])
        st.text_input(
            "Note", key=_note_key(claim_id), on_change=_save_note, args=(store, claim_id, anchors[claim_id], shown),
            placeholder="Saved with the verdict",
        )
        if len(members) > 1:
            st.checkbox(f"Apply to all {len(members)} near-duplicates in this cluster", key=f"cluster-{claim_id}")
        for column, verdict in zip(st.columns(len(VERDICTS)), VERDICTS):
            column.button(
                VERDICT_LABELS[verdict],
                key=f"verdict-{verdict}-{claim_id}",
                on_click=_save_verdict,
                args=(store, claim_id, verdict, members, anchors),
                type="primary" if claim["verdict"] == verdict else "secondary",
                width="stretch",
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
    filters = _sidebar(reviewed, out_dir)
    shown = data.select_claims(reviewed, filters)

    st.title("Claims to check")
    counts = st.columns(3)
    counts[0].metric("Claims shown", f"{len(shown)} of {len(reviewed)}")
    counts[1].metric("Need a citation", int(reviewed["needs_citation"].sum()))
    counts[2].metric("Reviewed", int((reviewed["review_state"] != data.UNREVIEWED).sum()))
    _export(store, claims, out_dir)

    if shown.empty:
        st.info("No claims match these filters." if len(reviewed) else "This run found no claims.")
        return
    pages = math.ceil(len(shown) / PAGE_SIZE)
    page = st.pagination(pages, key="page") if pages > 1 else 1
    for _, claim in shown.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].iterrows():
        _claim_card(claim, store, reviewed, out_dir)


if __name__ == "__main__":
    main()
