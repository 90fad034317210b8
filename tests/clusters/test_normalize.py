"""The canonical form must make copies meet and keep different claims apart."""

from pathlib import Path

import pytest

from claims.clusters.normalize import LEXICON_DIR, Normalizer, default_normalizer, stem


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return default_normalizer()


def test_word_forms_share_a_stem():
    assert stem("relieves") == stem("relieved") == stem("relieving") == stem("relieve")
    assert stem("therapies") == stem("therapy")
    assert stem("stress") == "stress"  # a double s is not a plural


@pytest.mark.parametrize(
    "original, spun",
    [
        ("Ketamine helps chronic pain.", "Ketamine helps continual agony."),
        ("Our treatment quickly lifts depression.", "Our remedy swiftly lifts melancholy."),
        ("CBD is non-addictive.", "CBD is not habit-forming."),
        ("TMS can't be used with metal implants.", "TMS cannot be used with metal implants."),
        ("Relief lasts six weeks.", "Relief lasts 6 weeks."),
        ("Ketamine eases complex regional pain syndrome.", "Ketamine eases CRPS."),
    ],
)
def test_spinner_swaps_fold_onto_one_form(norm, original, spun):
    assert norm.tokens(original) == norm.tokens(spun)


def test_case_punctuation_and_function_words_are_dropped(norm):
    assert norm.tokens("KETAMINE relieves PAIN, in our clinic!!") == norm.tokens("ketamine relieves pain at the clinic")


def test_claim_deciding_words_survive(norm):
    tokens = norm.tokens("It is not safe for the first 24 hours.")
    assert "not" in tokens and "24" in tokens and norm.category("24") == "number"
    assert norm.category(norm.tokens("weeks")[0]) == "time"


def test_compared_thing_is_marked(norm):
    safer = norm.tokens("Ketamine is safer than opioids.")
    reverse = norm.tokens("Opioids are safer than ketamine.")
    assert set(safer) != set(reverse)
    assert any(norm.category(t) == "compared with" for t in safer)


def _lexicon(tmp_path: Path, synonyms: str, protected: str = "[negation]\nnot\n") -> Path:
    (tmp_path / "synonyms.txt").write_text(synonyms, encoding="utf-8")
    (tmp_path / "stopwords.txt").write_text("the a of\n", encoding="utf-8")
    (tmp_path / "protected.txt").write_text(protected, encoding="utf-8")
    return tmp_path


def test_a_variant_claimed_by_two_canonicals_is_refused(tmp_path):
    with pytest.raises(ValueError, match="already maps"):
        Normalizer(_lexicon(tmp_path, "pain = ache\nhurt = aches\n"))


def test_a_variant_that_is_also_a_canonical_is_refused(tmp_path):
    with pytest.raises(ValueError, match="also canonicals"):
        Normalizer(_lexicon(tmp_path, "pain = ache\nache = soreness\n"))


def test_a_protected_entry_must_be_one_token(tmp_path):
    with pytest.raises(ValueError, match="not one token"):
        Normalizer(_lexicon(tmp_path, "pain = ache\n", "[condition]\nback pain\n"))


def test_shipped_lexicon_loads_and_protects_through_synonyms(norm):
    # "relieve" is listed under [effect] in protected.txt only through its canonical form.
    assert norm.category(norm.tokens("relieves")[0]) == "effect"
    assert norm.category(norm.tokens("lidocaine")[0]) == "intervention"
    assert (LEXICON_DIR / "synonyms.txt").is_file()
