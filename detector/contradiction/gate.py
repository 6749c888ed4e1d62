"""Which candidate pairs speak of the same thing, so that a clash between them is a contradiction.

An article does not contradict itself when its two sentences are about two people
("one man died at the scene" / "another man died in hospital"), or when it reports
two sides ("police said he was armed" / '"He was not armed," his family said'). These
are rules on the two sentences' text, cheap enough to run on every candidate pair
before any model reads it; ``gate_reason`` returns why a pair is left out, or None.

- different instances: one sentence marks a further instance of the same kind
  ("another", "a second", "the other", "also", "separately", ...);
- different subjects: each sentence names someone the other does not, and the rest
  of the two sentences is not a near-copy (a near-copy with one name changed is one
  event told two ways, which is a contradiction);
- reported disagreement: the two sentences are attributed to different speakers, or
  one is a quote or an attributed denial and the other is not attributed to the same
  speaker: the article reports a dispute, it does not assert both sides.
- different times: each sentence is dated (a year, or a month and day) and the dates
  differ, and the rest is not a near-copy: timelines and background paragraphs tell
  different events ("settled a lawsuit in 2011" / "a lawsuit filed in 2014 alleges").
  A near-copy with only its date changed is kept, since that is one event dated twice;
- no shared subject: the sentences share no name, no counted noun and no content word.
"""

from __future__ import annotations

import re

from .cues import SentenceCues

# Share of non-name content words two sentences must share to be one statement told twice.
NEAR_COPY = 0.6

_FURTHER_INSTANCE = re.compile(
    r"\b(another|a (?:second|third|fourth|fifth)|the (?:other|second|third)|others|also|as well|too|separately|"
    r"in a separate|elsewhere|a further|more than one|both)\b",
    re.IGNORECASE,
)
_SAY = (r"said|says|say|told|tells|stated|added|argued|insisted|claimed|claims|alleged|alleges|denied|denies|"
        r"rejected|disputed|disputes|dismissed|maintained|maintains|countered|responded|replied|warned|wrote|"
        r"tweeted|according to")
_ATTRIBUTION = re.compile(rf"\b({_SAY})\b", re.IGNORECASE)
_REBUTTAL = re.compile(
    r"\b(denied|denies|deny|rejected|rejects|disputed|disputes|dismissed|dismisses|refuted|rebutted|countered|"
    r"insisted|insists|not true|untrue|false|baseless|unfounded|wrong|nonsense|lies?)\b",
    re.IGNORECASE,
)
_MONTH = (r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?")
_DATE = re.compile(rf"\b(?:(1[89]\d\d|20\d\d)|({_MONTH})\.?\s+(\d{{1,2}})(?!\d))\b")
_QUOTE = re.compile(r"[\"“”]")
_NAME_WORDS = r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*"
_SPEAKER_NEAR_VERB = re.compile(
    rf"(?:\b({_NAME_WORDS})(?:,[^,]{{0,60}},)?\s+(?i:{_SAY})\b)|"
    rf"(?:\b(?i:{_SAY})\s+(?:by\s+)?(?:the\s+)?({_NAME_WORDS}))|"
    rf"(?:\b(?i:the|a|an|his|her|their|its)\s+(?:[a-z\-]+\s+){{0,2}}?(?!(?:was|were|is|are|be|been|has|have|had)\b)([a-z]+)\s+(?i:{_SAY})\b)|"
    rf"(?:\b((?i:he|she|they|we|i))\s+(?i:{_SAY})\b)"
)


_NOT_SPEAKERS = frozenset("it this that the but and was were is are has have had been be being which who".split())


def speakers(text: str) -> frozenset[str]:
    """Who a sentence is attributed to (lower-cased names or pronouns); empty when no one."""
    found = set()
    for match in _SPEAKER_NEAR_VERB.finditer(text):
        name = next((g for g in match.groups() if g), "")
        name = re.sub(r"^(?:the\s+)", "", name.lower()).strip()
        if name and name not in _NOT_SPEAKERS:
            found.add(name.split()[-1])  # "Mayor Ellen Park" and "Park" are one speaker
    return frozenset(found)


def is_attributed(text: str) -> bool:
    return bool(_ATTRIBUTION.search(text) or _QUOTE.search(text))


def reported_disagreement(a: str, b: str) -> bool:
    attributed_a, attributed_b = is_attributed(a), is_attributed(b)
    if not (attributed_a or attributed_b):
        return False
    who_a, who_b = speakers(a), speakers(b)
    if who_a and who_b:
        return not (who_a & who_b)
    if attributed_a != attributed_b:
        # A claim stated plainly against a quote or a denial from someone: the article reports the dispute.
        attributed = a if attributed_a else b
        return bool(_QUOTE.search(attributed) or _REBUTTAL.search(attributed))
    # Both attributed, at most one speaker known: a quote against a denial is still two sides.
    return bool(_REBUTTAL.search(a) or _REBUTTAL.search(b)) and who_a != who_b


def dates(text: str) -> frozenset[str]:
    """The years and month-days a sentence is anchored to ("2014", "oct 3"); empty when undated."""
    found = set()
    for year, month, day in _DATE.findall(text):
        found.add(year if year else f"{month[:3].lower()} {int(day)}")
    return frozenset(found)


def _share(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / max(1, min(len(x), len(y)))


def _name_words(cues: SentenceCues) -> frozenset[str]:
    return frozenset(w.lower() for name in cues.names for w in name.split())


def gate_reason(a: str, b: str, cues_a: SentenceCues, cues_b: SentenceCues) -> str | None:
    """Why the pair (a, b) is not two statements about the same thing, or None where it may be."""
    names_a, names_b = _name_words(cues_a), _name_words(cues_b)
    rest_a = frozenset(w for w in cues_a.content if w not in names_a)
    rest_b = frozenset(w for w in cues_b.content if w not in names_b)
    near_copy = _share(rest_a, rest_b) >= NEAR_COPY and abs(len(rest_a) - len(rest_b)) <= 4
    if (_FURTHER_INSTANCE.search(a) or _FURTHER_INSTANCE.search(b)) and not near_copy:
        return "different instances"
    if names_a - names_b and names_b - names_a and not (names_a & names_b) and not near_copy:
        return "different subjects"
    dates_a, dates_b = dates(a), dates(b)
    other_names = bool(names_a - names_b and names_b - names_a)
    if dates_a and dates_b and not (dates_a & dates_b) and (not near_copy or other_names):
        # A near-copy with both its date and its people changed is a timeline's next entry.
        return "different times"
    if reported_disagreement(a, b):
        return "reported disagreement"
    shared_subject = bool(names_a & names_b) or bool(cues_a.counted_nouns & cues_b.counted_nouns)
    if not shared_subject and not (cues_a.content & cues_b.content):
        return "no shared subject"
    return None
