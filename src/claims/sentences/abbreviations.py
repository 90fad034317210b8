"""Abbreviations the sentence repairs consult, on top of pysbd's own list.

pysbd's English list is general-purpose (titles, months, US states). Clinic articles add
units and citation shorthand that pysbd does not know, so it cuts after them ("approx. 3
weeks", "0.5 mg. per kg"). Entries are lowercase and without the final period.
"""

from __future__ import annotations

from pysbd.lang.english import English

#: Abbreviations that announce more text and practically never end a sentence, such as
#: titles before a name: a cut right after one of them is always undone.
NEVER_FINAL = frozenset(
    {
        "approx",
        "cf",
        "dr",
        "drs",
        "e.g",
        "eg",
        "esp",
        "fig",
        "figs",
        "i.e",
        "ie",
        "incl",
        "messrs",
        "mr",
        "mrs",
        "prof",
        "viz",
        "vs",
    }
)

#: Units, counts and shorthand common in health writing. They can end a sentence ("a dose of
#: 50 mg."), so a cut after them is undone only when the next text starts in lowercase.
CLINICAL = frozenset(
    {
        "appt",
        "avg",
        "dept",
        "est",
        "hrs",
        "kg",
        "lb",
        "lbs",
        "max",
        "mcg",
        "mg",
        "mins",
        "ml",
        "mos",
        "oz",
        "pt",
        "pts",
        "tab",
        "tabs",
        "wk",
        "wks",
        "yr",
        "yrs",
    }
)

#: Every abbreviation: before a lowercase continuation, a period after one of these is not
#: a sentence end.
ALL = frozenset(English.Abbreviation.ABBREVIATIONS) | NEVER_FINAL | CLINICAL

_OPENERS = "\"'“‘«([{"


def key(word: str) -> str:
    """The form a word takes in these lists: no opening quote or bracket, no final period."""
    return word.lstrip(_OPENERS).removesuffix(".").lower()
