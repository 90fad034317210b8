"""Tagging decisions that depend on the sentence's place in its article."""

from claims.document import Link, Sentence


def _sentences(*items):
    """items: (text, block_index, kind[, links])"""
    out = []
    for text, block, kind, *links in items:
        out.append(
            Sentence(0, len(text), text, block, kind, None, tuple(Link(0, 1, h) for h in (links[0] if links else ())))
        )
    return out


def test_a_bare_closing_reference_cites_the_sentence_before_it(tagger):
    tags = tagger.tag_sentences(
        _sentences(
            ("PRP eases knee pain for a year.", 0, "paragraph"),
            ("[4]", 0, "paragraph"),
            ("It also lowers swelling.", 1, "paragraph"),
        )
    )
    assert tags[0].cited and not tags[0].needs_citation and tags[0].priority == "low"
    assert "CIT-reference-marker" in tags[0].rule_ids
    assert not tags[2].cited  # another paragraph: not covered


def test_links_to_studies_cite_but_links_to_the_clinic_do_not(tagger):
    url = "https://www.painfree-clinic.example/blog/prp"
    [study, own, news] = tagger.tag_sentences(
        _sentences(
            ("PRP eases knee pain for a year.", 0, "paragraph", ["https://pubmed.ncbi.nlm.nih.gov/12345678/"]),
            ("PRP eases knee pain for a year.", 1, "paragraph", [url.replace("blog/prp", "book-now")]),
            ("PRP eases knee pain for a year.", 2, "paragraph", ["https://news.example.com/prp-story"]),
        ),
        article_url=url,
    )
    assert study.cited and study.citations == ["https://pubmed.ncbi.nlm.nih.gov/12345678/"]
    assert not own.cited and own.needs_citation
    assert not news.cited and news.needs_citation


def test_list_items_that_are_bare_phrases_give_their_claims_to_the_line_above(tagger):
    tags = tagger.tag_sentences(
        _sentences(
            ("After a TMS session some people notice:", 0, "paragraph"),
            ("Mild dizziness", 1, "list_item"),
            ("Better sleep", 2, "list_item"),
            ("Book online.", 3, "paragraph"),
        )
    )
    assert tags[0].claim_types == ["EFFICACY", "SAFETY"]
    assert tags[1].claim_types == [] and tags[2].claim_types == []


def test_topical_headings_assert_nothing_but_headings_with_a_verb_do(tagger):
    topical, claim = tagger.tag_texts(
        ["Safety and Side Effects of Nerve Blocks", "Nerve Blocks Relieve CRPS Pain in Minutes"],
        kinds=["heading", "heading"],
    )
    assert topical.claim_types == []
    assert claim.claim_types == ["EFFICACY"] and claim.needs_citation


def test_context_starts_where_the_article_first_names_a_treatment(tagger):
    tags = tagger.tag_sentences(
        _sentences(
            ("Leg pain often eases with rest.", 0, "paragraph"),
            ("Chronic pain has many causes.", 1, "paragraph"),
            ("Our clinic offers spinal cord stimulation.", 2, "paragraph"),
            ("Most patients report less leg pain.", 2, "paragraph"),
            ("It is safe.", 3, "paragraph"),
            ("Leg pain often eases within weeks.", 4, "paragraph"),
        )
    )
    assert tags[0].claim_types == []  # no treatment named yet: about the condition
    assert tags[3].claim_types == ["EFFICACY"]
    assert tags[4].claim_types == ["SAFETY"]
    assert tags[5].claim_types == ["EFFICACY"]  # the article is about the treatment from here on


def test_questions_and_calls_to_action_assert_nothing(tagger):
    question, cta = tagger.tag_texts(
        ["Is ketamine safe for everyone?", "Call our office to see if ketamine can relieve your pain."]
    )
    assert question.claim_types == [] and cta.claim_types == []
    assert question.red_flags == ["safe"]  # the wording is still reported
