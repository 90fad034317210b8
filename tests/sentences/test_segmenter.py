"""split_block: where sentences of one block start and end, to the character."""

import pytest

from claims.sentences import split_block


def sentences(text: str, **options) -> list[str]:
    spans = split_block(text, **options)
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Abbreviations stay inside their sentence.
        (
            "Dr. Okafor leads the team. Infusions are given weekly.",
            ["Dr. Okafor leads the team.", "Infusions are given weekly."],
        ),
        (
            "Some drugs (e.g. opioids) blunt the effect, i.e. they reduce relief. Tell your nurse.",
            ["Some drugs (e.g. opioids) blunt the effect, i.e. they reduce relief.", "Tell your nurse."],
        ),
        (
            "The starting dose is 0.5 mg. per kilogram of body weight.",
            ["The starting dose is 0.5 mg. per kilogram of body weight."],
        ),
        ("Take 20 mg. Then wait an hour.", ["Take 20 mg.", "Then wait an hour."]),
        (
            "Relief lasted approx. 3 weeks. Most people returned.",
            ["Relief lasted approx. 3 weeks.", "Most people returned."],
        ),
        (
            "Ketamine vs. Opioids is a common question. We compare both.",
            ["Ketamine vs. Opioids is a common question.", "We compare both."],
        ),
        # Decimals, money, URLs and e-mail addresses are not sentence ends.
        ("A session costs $425.50 at most. Plans vary.", ["A session costs $425.50 at most.", "Plans vary."]),
        (
            "Read https://clinic.example.org/faq?topic=dose. Or write to care.team@example.org. We reply fast.",
            ["Read https://clinic.example.org/faq?topic=dose.", "Or write to care.team@example.org.", "We reply fast."],
        ),
        # Citations: "et al." and reference markers stay with the claim they support.
        (
            "Pain scores fell by a third (Rivera et al., 2021). The effect faded after a month.",
            ["Pain scores fell by a third (Rivera et al., 2021).", "The effect faded after a month."],
        ),
        (
            "Work by Rivera et al. found similar results. Others disagree.",
            ["Work by Rivera et al. found similar results.", "Others disagree."],
        ),
        ("Relief came within hours.[3] Effects lasted days.", ["Relief came within hours.[3]", "Effects lasted days."]),
        (
            "Relief came within hours. [3] Effects lasted days.",
            ["Relief came within hours. [3]", "Effects lasted days."],
        ),
        (
            "Relief came within hours. [2, 5] Effects lasted days.",
            ["Relief came within hours. [2, 5]", "Effects lasted days."],
        ),
        ("Relief came within hours. [4]", ["Relief came within hours. [4]"]),
        # Questions, exclamations, quotes and ellipses.
        ("Is it safe? For most adults, yes. Ask us first!", ["Is it safe?", "For most adults, yes.", "Ask us first!"]),
        (
            'One patient told us, "It gave me my evenings back." She now walks daily.',
            ['One patient told us, "It gave me my evenings back."', "She now walks daily."],
        ),
        (
            'He said "it works." and booked again.',
            ['He said "it works." and booked again.'],
        ),
        ("The relief was... unexpected. We were glad.", ["The relief was... unexpected.", "We were glad."]),
        # Sentences glued together without a space.
        ("Rest after the session.Drink water.", ["Rest after the session.", "Drink water."]),
        ("We treated 1,000.Most improved.", ["We treated 1,000.", "Most improved."]),
        ("See e.g.The leaflet. Ask Dr.Okafor today.", ["See e.g.The leaflet.", "Ask Dr.Okafor today."]),
        # Inline numbered lists split per item.
        ("1) Eat lightly 2) Arrive early", ["1) Eat lightly", "2) Arrive early"]),
    ],
)
def test_sentence_boundaries(text, expected):
    assert sentences(text) == expected


def test_offsets_are_exact_for_repeated_sentences():
    text = "Call us. Call us.  Call us."
    assert split_block(text) == [(0, 8), (9, 17), (19, 27)]


def test_spans_exclude_surrounding_whitespace_and_line_breaks_read_as_spaces():
    text = "  The infusion\nran smoothly.\n Recovery was quick.  "
    assert split_block(text) == [(2, 28), (30, 49)]
    assert (text[2:28], text[30:49]) == ("The infusion\nran smoothly.", "Recovery was quick.")


def test_characters_pysbd_drops_stay_in_the_last_sentence():
    # pysbd returns "c]g." here and loses the final "!?"; the spans must still hold them.
    text = "dAha/2,gd);#.c]g.!?"
    assert sentences(text) == ["dAha/2,gd);#.", "c]g.!?"]


def test_block_without_any_stop_is_one_sentence():
    assert sentences("Low-Dose Ketamine for Nerve Pain") == ["Low-Dose Ketamine for Nerve Pain"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_blank_block_has_no_sentences(text):
    assert split_block(text) == []


def test_long_block_is_chunked_without_changing_the_sentences():
    parts = [
        f"Patient {n} reported less burning pain after the third session. "
        f"Dr. Okafor lowered the dose to 0.{n} mg per kilogram, e.g. for older adults. "
        f"Was the change noticed? Most said yes [{n}]. "
        for n in range(1, 40)
    ]
    text = "".join(parts).strip()
    whole = split_block(text, chunk_chars=len(text) + 1)
    assert len(whole) == 4 * 39
    assert split_block(text, chunk_chars=200) == whole


def test_a_closing_quote_left_from_an_earlier_paragraph_stays_with_its_sentence():
    text = 'Today I am down to one pill. Some days I skip it."'
    assert [text[a:b] for a, b in split_block(text)] == ["Today I am down to one pill.", 'Some days I skip it."']


def test_a_long_block_without_clear_sentence_ends_is_still_cut_into_small_pieces():
    from claims.sentences.segmenter import CHUNK_CHARS, MAX_CHUNK_FACTOR, _chunks

    text = ("word " * 15 + "and then. ") * 400  # stops, but never 'word. Capital'
    chunks = _chunks(text, CHUNK_CHARS)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert all(b == c for (_, b), (c, _) in zip(chunks, chunks[1:]))
    assert max(end - start for start, end in chunks) <= MAX_CHUNK_FACTOR * CHUNK_CHARS
    spans = split_block(text)
    assert len(spans) == 400 and all(text[a:b].endswith("then.") for a, b in spans)
