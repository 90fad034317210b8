"""split_document and split_text: sentences located in a document or in the raw input."""

import json

from claims.document import Block, Document, Link
from claims.extract.plaintext import extract_text
from claims.sentences import split_document, split_text


def build(blocks: list[tuple[str, str]], links: dict[int, list[tuple[str, str]]] | None = None) -> Document:
    """A Document from (kind, text) pairs; ``links`` maps a block index to (anchor, href) pairs."""
    text, made = "", []
    for index, (kind, block_text) in enumerate(blocks):
        if text:
            text += "\n\n"
        start = len(text)
        text += block_text
        block_links = tuple(
            Link(start + block_text.index(anchor), start + block_text.index(anchor) + len(anchor), href)
            for anchor, href in (links or {}).get(index, [])
        )
        made.append(Block(kind, start, len(text), block_links))
    return Document(text=text, blocks=made, title=blocks[0][1] if blocks[0][0] == "title" else None)


def test_sentences_carry_block_kind_and_never_cross_blocks():
    doc = build(
        [
            ("title", "Ketamine Care at Our Clinic"),
            ("paragraph", "We see adults with long-term pain. Referrals are welcome"),
            ("list_item", "Bring a list of medicines"),
            ("paragraph", "Most visits take an hour. Is parking free? It is."),
        ]
    )
    found = split_document(doc)
    assert [(s.text, s.block_index, s.block_kind) for s in found] == [
        ("Ketamine Care at Our Clinic", 0, "title"),
        ("We see adults with long-term pain.", 1, "paragraph"),
        ("Referrals are welcome", 1, "paragraph"),
        ("Bring a list of medicines", 2, "list_item"),
        ("Most visits take an hour.", 3, "paragraph"),
        ("Is parking free?", 3, "paragraph"),
        ("It is.", 3, "paragraph"),
    ]
    for sentence in found:
        block = doc.blocks[sentence.block_index]
        assert block.start <= sentence.start < sentence.end <= block.end
        assert doc.text[sentence.start : sentence.end] == sentence.text


def test_section_is_the_nearest_heading_above_and_a_heading_gets_the_previous_one():
    doc = build(
        [
            ("title", "Infusion Guide"),
            ("paragraph", "This page explains the treatment."),
            ("heading", "Before Your Visit"),
            ("paragraph", "Eat a light meal. Arrange a ride."),
            ("heading", "Afterwards"),
            ("list_item", "Rest for the day."),
        ]
    )
    sections = [(s.text, s.section) for s in split_document(doc)]
    assert sections == [
        ("Infusion Guide", None),
        ("This page explains the treatment.", None),
        ("Before Your Visit", None),
        ("Eat a light meal.", "Before Your Visit"),
        ("Arrange a ride.", "Before Your Visit"),
        ("Afterwards", "Before Your Visit"),
        ("Rest for the day.", "Afterwards"),
    ]


def test_links_go_to_the_sentences_they_overlap():
    doc = build(
        [("paragraph", "Our trial summary is online. The consent form is here too. No link in this one.")],
        links={0: [("trial summary", "https://example.org/trial"), ("consent form", "/consent")]},
    )
    found = split_document(doc)
    assert [[link.href for link in s.links] for s in found] == [["https://example.org/trial"], ["/consent"], []]
    link = found[0].links[0]
    assert doc.text[link.start : link.end] == "trial summary"


def test_plain_text_page_headings_list_items_and_questions_are_their_own_sentences():
    text = (
        "Living With Nerve Pain\n"
        "What Happens During a Session\n"
        "You rest in a recliner. Can you bring music? Yes, headphones help.\n"
        "Typical reactions include:\n"
        "• a light, floating feeling\n"
        "• mild nausea\n"
    )
    found = split_document(extract_text(text))
    assert [(s.block_kind, s.text) for s in found] == [
        ("title", "Living With Nerve Pain"),
        ("heading", "What Happens During a Session"),
        ("paragraph", "You rest in a recliner."),
        ("paragraph", "Can you bring music?"),
        ("paragraph", "Yes, headphones help."),
        ("paragraph", "Typical reactions include:"),
        ("list_item", "• a light, floating feeling"),
        ("list_item", "• mild nausea"),
    ]
    assert {s.section for s in found[2:]} == {"What Happens During a Session"}


def test_split_text_offsets_point_into_the_raw_input():
    text = "Aftercare\n\nRest today, and\ndrink plenty of water. Call us if dizzy.\r\n- Avoid driving\n"
    spans = split_text(text)
    assert [text[start:end] for start, end in spans] == [
        "Aftercare",
        "Rest today, and\ndrink plenty of water.",
        "Call us if dizzy.",
        "- Avoid driving",
    ]


def test_golden_rules_through_the_plain_text_path(shared_dir):
    path = shared_dir / "bench" / "sentences" / "golden_rules_en.jsonl"
    rules = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    failed = [r["id"] for r in rules if [s.text for s in split_document(extract_text(r["text"]))] != r["sentences"]]
    # 40-42 need the newline rules, 52 the glued-stop repair; 18 (a.m. before a name) is open.
    assert not {40, 41, 42, 52} & set(failed)
    assert len(rules) - len(failed) >= 0.96 * len(rules), failed
