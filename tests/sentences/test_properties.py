"""Properties that must hold for any input: no crash, exact spans, nothing visible lost."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extract.plaintext import extract_text, text_blocks
from claims.sentences import split_block, split_document, split_text

# Pieces of clinic-like text that exercise the tricky paths: stops, abbreviations, lists,
# references, links, quotes, ellipses, line breaks of every kind.
PIECES = [
    "Ketamine",
    "pain",
    "relief",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\u00a0",
    "\u2028",
    ".",
    "!",
    "?",
    "...",
    "…",
    ",",
    ":",
    ";",
    "-",
    "—",
    '"',
    "“",
    "”",
    "'",
    "(",
    ")",
    "[3]",
    "[1, 2]",
    "Dr.",
    "e.g.",
    "i.e.",
    "mg.",
    "et al.",
    "approx.",
    "U.S.",
    "a.m.",
    "0.5",
    "1,000",
    "$40.00",
    "https://example.org/a?b=1",
    "care@example.org",
    "• ",
    "- ",
    "1. ",
    "a) ",
    "2) ",
    "Is it safe?",
    "The",
    "patients",
    "improved",
    "It",
    "works",
]
clinic_text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
any_text = st.one_of(clinic_text, st.text(max_size=300))
lenient = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_exact_cover(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are ordered, disjoint, trimmed, non-empty, and cover every visible character."""
    covered = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        covered.update(range(start, end))
        previous_end = end
    assert {i for i, c in enumerate(text) if not c.isspace()} <= covered


@lenient
@given(any_text)
def test_split_block_covers_the_block_exactly(text):
    assert_exact_cover(text, split_block(text))


@lenient
@given(clinic_text)
def test_chunking_keeps_the_cover_exact(text):
    assert_exact_cover(text, split_block(text, chunk_chars=30))


@lenient
@given(any_text)
def test_split_text_covers_the_input_exactly(text):
    assert_exact_cover(text, split_text(text))


@lenient
@given(any_text)
def test_text_blocks_cover_the_input_exactly(text):
    blocks = text_blocks(text)
    assert_exact_cover(text, [(start, end) for start, end, _ in blocks])
    assert all(kind in {"title", "heading", "paragraph", "list_item"} for *_, kind in blocks)


@lenient
@given(any_text)
def test_document_sentences_slice_back_and_cover_each_block(text):
    doc = extract_text(text)
    assert doc.text == "\n\n".join(doc.block_text(b) for b in doc.blocks)
    assert "".join(doc.text.split()) == "".join(text.split())  # only whitespace changed
    sentences = split_document(doc)
    for index, block in enumerate(doc.blocks):
        own = [s for s in sentences if s.block_index == index]
        assert all(s.text == doc.text[s.start : s.end] and s.block_kind == block.kind for s in own)
        assert_exact_cover(doc.block_text(block), [(s.start - block.start, s.end - block.start) for s in own])
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
