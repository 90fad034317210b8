"""Reading .txt articles into blocks: line-per-paragraph pages and hard-wrapped files."""

import textwrap

from claims.extract.plaintext import BLOCK_SEPARATOR, extract_text, text_blocks

LINE_PER_PARAGRAPH = """\
Low-Dose Ketamine for Nerve Pain
Many of our patients arrive after trying several painkillers without lasting relief. Ketamine works on a different pathway.
How Is an Infusion Given?
Does it hurt?
A nurse sets up a drip in a quiet room. The session usually takes under an hour.
Possible Side Effects
• Brief dizziness
- Mild nausea
* A floating feeling
1. Rest afterwards.
a) Ask someone to drive you home.
"""

HARD_WRAPPED = """\
Our clinic has offered ketamine infusions for several years. Most
patients come to us after long stretches of nerve pain that did not
respond to other medicines, and a typical course runs over two weeks.

The dose is set by weight and adjusted by the supervising physician,
who watches blood pressure throughout the session and stops early if
needed.
"""


def kinds(text: str) -> list[str]:
    return [kind for _, _, kind in text_blocks(text)]


def test_line_per_paragraph_page_gets_title_headings_paragraphs_and_list_items():
    doc = extract_text(LINE_PER_PARAGRAPH)
    assert [b.kind for b in doc.blocks] == [
        "title",
        "paragraph",
        "paragraph",
        "paragraph",
        "paragraph",
        "heading",
        "list_item",
        "list_item",
        "list_item",
        "list_item",
        "list_item",
    ]
    assert doc.title == "Low-Dose Ketamine for Nerve Pain"
    assert doc.block_text(doc.blocks[2]) == "How Is an Infusion Given?"
    assert doc.block_text(doc.blocks[6]) == "• Brief dizziness"


def test_document_text_is_block_texts_joined_by_the_separator():
    doc = extract_text(LINE_PER_PARAGRAPH)
    assert doc.text == BLOCK_SEPARATOR.join(doc.block_text(b) for b in doc.blocks)
    for block, following in zip(doc.blocks, doc.blocks[1:]):
        assert following.start == block.end + len(BLOCK_SEPARATOR)


def test_heading_like_line_after_body_text_is_a_heading_not_the_title():
    doc = extract_text("Ketamine can ease some kinds of chronic pain.\nWhat We Offer\nInfusions and follow-up care.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "paragraph"]
    assert doc.title is None


def test_lines_that_cannot_be_headings():
    # Too long, ends in a colon, has a sentence end inside, starts in lowercase.
    text = (
        "Intro\n"
        "This Line Has Far Too Many Words To Be A Heading In Any Normal Article Layout Here\n"
        "Common reactions include:\n"
        "Your details stay private. Fields marked with a star are required\n"
        "see our pricing page\n"
    )
    assert kinds(text) == ["title", "paragraph", "paragraph", "paragraph", "paragraph"]


def test_hard_wrapped_paragraphs_become_one_block_each_with_line_breaks_read_as_spaces():
    doc = extract_text(HARD_WRAPPED)
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]
    first = doc.block_text(doc.blocks[0])
    assert "\n" not in first
    assert "years. Most patients come to us after long stretches of nerve pain that did not respond" in first


def test_wrapped_file_rejoins_lines_that_start_with_a_capital_mid_sentence():
    paragraphs = [
        "Before the first session we ask every patient to list the medicines they take, "
        "because some of them, Lamotrigine and Benzodiazepines in particular, can blunt "
        "the effect of Ketamine and may need a change in timing agreed with the NMDA clinic "
        "team at St Mary's on a Monday or Thursday morning.",
        "Patients who live far away can book a video call with Nurse Okafor, who explains "
        "the Monday schedule, the parking options near the Riverside entrance and the "
        "Aftercare leaflet that every patient receives at the end of the first week.",
    ]
    text = "\n\n".join(textwrap.fill(p, width=64) for p in paragraphs)
    lines = text.splitlines()
    assert any(line[:1].isupper() and not above.endswith(".") for above, line in zip(lines, lines[1:]) if above)
    doc = extract_text(text)
    assert [doc.block_text(b) for b in doc.blocks] == paragraphs


def test_text_blocks_point_into_the_original_input():
    spans = text_blocks(HARD_WRAPPED)
    assert len(spans) == 2
    start, end, _ = spans[1]
    assert HARD_WRAPPED[start:end].startswith("The dose is set by weight")
    assert HARD_WRAPPED[start:end].endswith("stops early if\nneeded.")


def test_broken_hyphen_joins_without_a_space_and_comma_joins_a_capitalised_line():
    doc = extract_text(
        "Patients reported a well-\nknown tingling, which\nfaded quickly.\nSome felt calm,\nOthers sleepy.\n"
    )
    assert [doc.block_text(b) for b in doc.blocks] == [
        "Patients reported a well-known tingling, which faded quickly.",
        "Some felt calm, Others sleepy.",
    ]


def test_stack_of_short_lowercase_lines_stays_one_block_per_line():
    assert [b for *_, b in text_blocks("services\nfirst visit\nfollow-up care\n")] == ["paragraph"] * 3
    joined = text_blocks("The treatment was\nwell tolerated by most people.\n")
    assert len(joined) == 1


def test_blank_line_always_separates_even_a_lowercase_line():
    spans = text_blocks("The session ended early,\n\nand the patient went home.\n")
    assert len(spans) == 2


def test_indented_line_continues_the_list_item_above():
    text = "Side effects:\n- vivid dreams that\n  fade within the hour\n- mild nausea\n"
    doc = extract_text(text)
    assert [(b.kind, doc.block_text(b)) for b in doc.blocks] == [
        ("paragraph", "Side effects:"),
        ("list_item", "- vivid dreams that fade within the hour"),
        ("list_item", "- mild nausea"),
    ]


def test_wrapped_heading_in_wrapped_file_is_not_glued_to_the_paragraph():
    text = (
        "After Your Infusion\n"
        "Plan to rest for the remainder of the day and avoid driving until the\n"
        "next morning, because reaction times can stay slower for some hours.\n"
    )
    assert kinds(text) == ["title", "paragraph"]


def test_windows_line_endings_and_nbsp_padding():
    doc = extract_text("Aftercare\u00a0\r\n\r\nDrink water and rest.\r\nWhy Rest Matters\r\n")
    assert [(b.kind, doc.block_text(b)) for b in doc.blocks] == [
        ("title", "Aftercare"),
        ("paragraph", "Drink water and rest."),
        ("heading", "Why Rest Matters"),
    ]


def test_empty_and_blank_input_give_an_empty_document():
    for text in ("", "  \n\n\t\n"):
        doc = extract_text(text)
        assert doc.text == "" and doc.blocks == [] and doc.title is None


def test_seed_articles_keep_one_block_per_line(shared_dir):
    seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
    assert seeds, "no seed articles found"
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        spans = text_blocks(text)
        assert [text[s:e] for s, e, _ in spans] == lines, path.name
        assert any(kind == "heading" for _, _, kind in spans), path.name
