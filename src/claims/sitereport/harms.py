"""Whether a claim sentence states a harm of the treatment, or only reassures.

A SAFETY claim sentence *states a harm* when one of its triggers names a harm (``HARM``)
that is

* not inside one of the sentence's red-flag phrases ("no side effects", "non-addictive"),
* not negated or played down by one of ``PLAYED_DOWN`` among the three words before it
  ("free of side effects", "fewer side effects", "low risk of addiction"), and
* not said of a comparator only: when the sentence names a comparator treatment (the
  tagger's ``COMPARATORS`` interventions), the clause holding the harm (with the clause a
  "which"/"that"/"who" clause hangs on) must not name one (``COMPARATOR_WORDS``):
  "Unlike opioids, which carry a real risk of addiction, ketamine is safe" states no harm
  of ketamine; "Ketamine, unlike opioids, carries a small risk of bladder irritation" does.

The tagger's triggers and red flags are read as they are; nothing here changes the tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HARM = re.compile(
    r"\b(?:side[\s-]?effects?|adverse|risks?|complications?|contraindicat\w*|drawbacks?|downsides?|addict\w*|"
    r"dependen(?:ce|cy)|abuse|misuse|overdos\w*|withdrawal|danger\w*|harm(?:s|ful)?|toxic\w*|unsafe|hazard\w*|"
    r"nausea|nauseous|vomit\w*|dizz\w*|drows\w*|sedat\w*|confus\w*|disorient\w*|dissociat\w*|hallucinat\w*|"
    r"blood pressure|heart rate|headaches?|bruis\w*|bleed\w*|infections?|seizures?|allerg\w*|bladder|cystitis|"
    r"psychoactive|hallucinogenic|(?:not|n't)\s+(?:suitable|suited|appropriate|recommended|advised|safe|right)|"
    r"(?:should|must)\s+not|(?:should|must)n't)\b",
    re.IGNORECASE,
)
PLAYED_DOWN = frozenset(
    "no not n't never without zero free non none nor fewer less lower low reduced minimal negligible little".split()
)
#: The tagger's canonical names of treatments a clinic compares its own with.
COMPARATORS = frozenset(
    {
        "opioids",
        "NSAIDs",
        "acetaminophen",
        "antidepressants",
        "gabapentinoids",
        "corticosteroids",
        "surgery",
        "migraine medicines",
    }
)
COMPARATOR_WORDS = re.compile(
    r"\b(?:opioids?|opiates?|narcotics?|morphine|oxycodone|hydrocodone|fentanyl|codeine|tramadol|methadone|"
    r"nsaids?|ibuprofen|naproxen|aspirin|acetaminophen|tylenol|paracetamol|antidepressants?|ssris?|snris?|"
    r"steroids?|corticosteroids?|cortisone|surgery|surgeries|surgical|gabapentin|pregabalin|triptans?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]")
_RELATIVE = re.compile(r"\s*(?:which|that|who)\b", re.IGNORECASE)


def states_harm(
    claim_types: Sequence[str],
    triggers: Sequence[str],
    red_flags: Sequence[str],
    sentence: str,
    interventions: Sequence[str],
) -> bool:
    """See the module docstring."""
    if "SAFETY" not in claim_types:
        return False
    lowered = sentence.lower()
    flagged = [
        (m.start(), m.end()) for flag in red_flags if flag for m in re.finditer(re.escape(flag.lower()), lowered)
    ]
    comparator = bool(COMPARATORS.intersection(interventions))
    for trigger in triggers:
        offset = lowered.find(trigger.lower())
        if offset < 0:
            continue
        for harm in HARM.finditer(trigger):
            start, end = offset + harm.start(), offset + harm.end()
            if any(a <= start and end <= b for a, b in flagged):
                continue
            if PLAYED_DOWN.intersection(w.lower() for w in _WORD.findall(sentence[:start])[-3:]):
                continue
            if comparator and COMPARATOR_WORDS.search(_clause_of(sentence, start)):
                continue
            return True
    return False


def _clause_of(sentence: str, position: int) -> str:
    """The clause holding ``position``, with the one before it when it is a relative clause."""
    bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence) + 1]
    for index in range(len(bounds) - 1):
        if bounds[index] <= position < bounds[index + 1]:
            clause = sentence[bounds[index] : bounds[index + 1]]
            if index and _RELATIVE.match(clause):
                return sentence[bounds[index - 1] : bounds[index + 1]]
            return clause
    return sentence
