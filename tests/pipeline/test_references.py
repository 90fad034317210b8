"""Citation markers resolved against the page's reference list, from page to dataset row."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from claims.citations import identifier_link, resolve
from claims.document import Reference
from claims.extract import extract
from claims.fetch import FetchResult
from claims.fragments import text_fragment_url
from claims.pipeline import analyse, get_tagger
from claims.settings import Settings

URL = "https://clinic.example/blog/ketamine"

#: Footnote plug-in markup: superscript markers linking to ids, the list in the footer.
FOOTNOTES_PAGE = """<html><body><article>
<h1>Ketamine for nerve pain</h1>
<p>Ketamine infusions relieved nerve pain for three months in a trial.<sup><a href="#fn-2">2</a></sup>
Most patients feel better after one visit.</p>
<p>Low doses reduced pain scores in fibromyalgia [1]. Ketamine infusions relieved nerve pain for a week in diabetic patients (Varga et al., 2019).</p>
</article>
<footer><div class="footnotes"><ol>
<li id="fn-1">Halvorsen T. Ketamine in fibromyalgia. Pain Medicine. 2018. PMID: 29912345 <a href="#ref-back">↩</a></li>
<li id="fn-2">Idris M. Ketamine infusions for neuropathic pain. <a href="https://doi.org/10.5555/kp.2020.7">doi</a></li>
<li id="fn-3">Varga E, Chen R. Single ketamine infusion for diabetic neuropathy. J Pain Res. 2019.</li>
</ol></div></footer>
</body></html>"""

#: The usual clinic blog: a numbered list under a "Sources" heading, markers in brackets.
HEADING_PAGE = """<html><body><main><article>
<h1>PRP for knee pain</h1>
<p>PRP relieved knee arthritis pain better than hyaluronic acid at one year [2].</p>
<p>Three injections helped patients walk farther than saline did. (3)</p>
<h3>Sources</h3>
<ol start="2">
<li>Moreau A. PRP compared with hyaluronic acid. <a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC8123456/">PMC</a></li>
<li>Lindahl J. Three versus one PRP injection. doi:10.5555/kos.2019.118.</li>
</ol>
</article></main></body></html>"""

TEXT_ARTICLE = """TMS for depression

TMS relieves depression in about half of patients who try it [3].

References

[3] Okafor B, Lindqvist H. Response and remission with TMS. Brain Stimulation. 2019. https://doi.org/10.5555/bs.2019.3
"""


def _rows(page: FetchResult) -> dict[str, list[dict]]:
    result = analyse(page, get_tagger(Settings()), run_id="r1")
    assert result.article.status == "ok", result.article.error
    return {row.sentence: row for row in result.claims}


def _html(text: str, url: str | None = URL) -> FetchResult:
    return FetchResult(source=url or "pages/a.html", status="ok", url=url, content_type="text/html", text=text)


def test_footnote_markers_link_to_their_entry_by_id_and_to_its_doi_or_pubmed_link():
    rows = _rows(_html(FOOTNOTES_PAGE))
    trial = rows["Ketamine infusions relieved nerve pain for three months in a trial.[2]"]
    assert trial.citations == ["trial.[2]"]  # the citation as the tagger reports it stays
    assert trial.references == [
        {
            "marker": "trial.[2]",
            "text": "Idris M. Ketamine infusions for neuropathic pain. doi",
            "link": "https://doi.org/10.5555/kp.2020.7",
            "entry_link": f"{URL}#fn-2",
        }
    ]
    [fibro] = rows["Low doses reduced pain scores in fibromyalgia [1]."].references
    assert fibro["text"].startswith("Halvorsen T.") and "↩" not in fibro["text"]
    assert fibro["link"] == "https://pubmed.ncbi.nlm.nih.gov/29912345/"  # from "PMID: ..." in its text
    assert fibro["entry_link"] == f"{URL}#fn-1"
    [by_author] = rows[
        "Ketamine infusions relieved nerve pain for a week in diabetic patients (Varga et al., 2019)."
    ].references
    assert by_author["text"].startswith("Varga E, Chen R.") and by_author["link"] is None
    assert by_author["entry_link"] == f"{URL}#fn-3"


def test_bracket_and_closing_markers_resolve_by_number_in_a_list_under_a_sources_heading():
    rows = _rows(_html(HEADING_PAGE))
    [knee] = rows["PRP relieved knee arthritis pain better than hyaluronic acid at one year [2]."].references
    assert knee["text"].startswith("Moreau A.")  # <ol start="2">: the first entry is number 2
    assert knee["link"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC8123456/"
    assert knee["entry_link"].startswith(f"{URL}#:~:text=Moreau%20A.")  # no id: a text fragment
    [walk] = rows["Three injections helped patients walk farther than saline did."].references
    assert walk["marker"] == "(3)" and walk["link"] == "https://doi.org/10.5555/kos.2019.118"


def test_a_local_text_file_resolves_its_references_without_page_links(tmp_path):
    page = FetchResult(source="pages/tms.txt", status="ok", url=None, content_type="text/plain", text=TEXT_ARTICLE)
    [ref] = _rows(page)["TMS relieves depression in about half of patients who try it [3]."].references
    assert ref["text"].startswith("Okafor B, Lindqvist H.") and ref["link"] == "https://doi.org/10.5555/bs.2019.3"
    assert ref["entry_link"] is None  # nothing on the web to open


def test_markers_without_a_list_keep_their_citation_and_resolve_to_nothing():
    rows = _rows(_html("<html><body><article><p>Ketamine relieves nerve pain [4].</p></article></body></html>"))
    row = rows["Ketamine relieves nerve pain [4]."]
    assert row.cited and row.citations == ["[4]"] and row.references == []


def test_resolve_ranges_lists_superscripts_links_and_identifiers():
    refs = [Reference(f"Entry {n}. 2020.", n) for n in range(1, 13)]
    markers = [r["text"] for r in resolve(["[2, 5]", "[7-9]"], refs, None)]
    assert markers == ["Entry 2. 2020.", "Entry 5. 2020.", "Entry 7. 2020.", "Entry 8. 2020.", "Entry 9. 2020."]
    assert [r["text"] for r in resolve(["¹²"], refs, None)] == ["Entry 12. 2020."]
    assert [r["text"] for r in resolve(["¹²"], refs[:3], None)] == ["Entry 1. 2020.", "Entry 2. 2020."]
    reading = [Reference("Further reading 1.", 1)]
    assert [r["text"] for r in resolve(["[1]"], refs + reading, None)] == ["Entry 1. 2020."]
    [link] = resolve(["https://pubmed.ncbi.nlm.nih.gov/31457802/"], refs, URL)
    assert link == {
        "marker": "https://pubmed.ncbi.nlm.nih.gov/31457802/",
        "text": None,
        "link": "https://pubmed.ncbi.nlm.nih.gov/31457802/",
        "entry_link": None,
    }
    [written] = resolve(["(https://doi.org/10.5555/hkw.2021.0093)."], refs, URL)  # as written in the text
    assert written["link"] == "https://doi.org/10.5555/hkw.2021.0093"
    [wiki] = resolve(["https://en.wikipedia.org/wiki/Ketamine_(drug)."], refs, URL)
    assert wiki["link"] == "https://en.wikipedia.org/wiki/Ketamine_(drug)"
    held = Reference("Lee K. Trial. doi:10.1000/abc.", 1)
    [doi] = resolve(["doi:10.1000/abc"], [held], URL)
    assert doi["text"] == held.text and doi["link"] == "https://doi.org/10.1000/abc"


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Smith J. Title. doi:10.1016/j.pain.2019.01.002.", "https://doi.org/10.1016/j.pain.2019.01.002"),
        ("Smith J. Title. PMID: 12345678", "https://pubmed.ncbi.nlm.nih.gov/12345678/"),
        ("Smith J. Title. PMCID: PMC7654321", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7654321/"),
        ("Registered as NCT01234567.", "https://clinicaltrials.gov/study/NCT01234567"),
        ("Smith J. Title. Pain. 2019.", None),
    ],
)
def test_identifiers_in_an_entry_become_links(text, link):
    assert identifier_link(text) == link


def test_the_reference_list_is_read_even_where_extraction_drops_it():
    doc = extract(FOOTNOTES_PAGE, "text/html", URL)
    assert "Halvorsen" not in doc.text  # the footer is not article text ...
    assert [r.number for r in doc.references] == [1, 2, 3]  # ... but its entries are known
    assert [r.anchor for r in doc.references] == ["fn-1", "fn-2", "fn-3"]


def test_a_related_posts_list_is_not_a_reference_list():
    page = (
        "<html><body><article><h1>T</h1><p>TMS relieves depression [1].</p><h3>Related posts</h3>"
        "<ol><li><a href='/a'>TMS myths</a></li></ol></article></body></html>"
    )
    assert extract(page, "text/html", URL).references == ()


def test_text_fragment_links_leave_out_markers_and_encode_what_the_syntax_reserves():
    short = text_fragment_url(URL + "#top", "It is non-addictive, safe & fast.[2]")
    assert short == f"{URL}#:~:text=It%20is%20non%2Daddictive%2C%20safe%20%26%20fast"
    long = text_fragment_url(
        URL,
        "Ketamine infusions relieved nerve pain for three months in a randomized trial "
        "of adults [2] with complex regional pain syndrome.",
    )
    start, end = long.split("#:~:text=")[1].split(",")
    assert unquote(start) == "Ketamine infusions relieved nerve pain"
    assert unquote(end) == "with complex regional pain syndrome"
    assert text_fragment_url(None, "x") is None and text_fragment_url("pages/a.html", "x") is None
