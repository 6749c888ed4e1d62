"""Tautologies and circular sentences: statements that say their subject is itself.

"Social media has become an important part of social media", "A win is a
win", "It is what it is", "He resigned because he resigned". Such a sentence
fills space without saying anything, so it is filler whoever wrote it.

The rule is deliberately narrow (precision over recall): the sentence is cut
at its first linking verb (or at "because"); it is circular when every content
word of the first part comes back in the second and the second adds nothing
but words that carry no information of their own ("important", "part", "key").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_LINK = re.compile(
    r"\b(?:is|are|was|were|remains?|remained|(?:has|have|had) (?:always )?(?:become|been)|becomes?|became|"
    r"will (?:always )?(?:be|remain)|continues? to be|means|is considered)\b",
    re.IGNORECASE,
)
_BECAUSE = re.compile(r"\bbecause\b|\bsince\b(?=\s+\w+\s+(?:is|are|was|were|has|have)\b)", re.IGNORECASE)
_IDIOM = re.compile(
    r"\bit is what it is\b|\bwhat will be,? will be\b|\b(?:what|whatever) happens,? happens\b|"
    r"\b(?P<word>(?!(?:that|this|just|what|which|there|here|who)\b)[a-z]{3,})s? (?:is|are|will be) (?:just |simply |still )?(?:a |an )?(?P=word)s?"
    r"(?=\s*(?:[.,;:!?\"”)]|$|and\b|but\b))",
    re.IGNORECASE,
)
# Words that add no information to a predicate about a subject.
_EMPTY = frozenset(
    """important part key integral essential crucial vital significant central major big real true truly simply just always
    still really very indeed thing things aspect element component feature factor role piece matter kind sort way whole
    own more most less increasingly ever growing everyday daily life lives our us we everyone everything nothing fact
    important_part becoming become integral_part one many some all number defining main primary fundamental basic""".split()
)
_STOP = frozenset(
    """a an the this that these those it its it's they them their there here of in on at to for from by with as and or but
    is are was were be been being has have had do does did will would can could should may might must not no so than then
    also very just into onto over under about after before when while which who whom whose what where why how he she his
    her him i you your my me we our us one""".split()
)


@dataclass(frozen=True, slots=True)
class Circular:
    subject: str
    predicate: str
    message: str


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + keep
    return word


def _content(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP]


def find_circular(text: str) -> Circular | None:
    """The circular statement in ``text``, or None."""
    idiom = _IDIOM.search(text)
    if idiom and not _inside_quote(text, idiom.start()):
        return Circular(idiom.group(), idiom.group(), f'tautology "{idiom.group()}": says nothing beyond itself')
    for pattern, kind in ((_LINK, "link"), (_BECAUSE, "because")):
        match = pattern.search(text)
        if match is None or _inside_quote(text, match.start()):
            continue
        before = text[: match.start()]
        # The subject starts after the last clause break before the verb.
        before = re.split(r"[,;:—–]|--|\b(?:and|but|while|although|that|which)\b", before)[-1]
        # A relative clause stays with the predicate: "people who voted for him" is not "people".
        after = re.split(r"[,;:—–(]|--|\b(?:and|but|while|although|because)\b", text[match.end() :])[0]
        if _NEGATION.search(after):
            continue  # "is not a real body" contrasts, it does not repeat
        subject, predicate = _content(before), _content(after)
        if not subject or not predicate or len(subject) > 5:
            continue
        if kind == "because" and set(subject) != set(predicate):
            continue
        if set(subject) <= set(predicate) and set(predicate) - set(subject) <= _EMPTY:
            quoted_subject = " ".join(before.split()).strip(" ,.")
            quoted_predicate = " ".join((match.group() + after).split()).strip(" ,.")
            if kind == "because":
                message = f'circular reasoning: "{quoted_subject}" is explained by itself ("{quoted_predicate}")'
            else:
                message = f'tautology: "{quoted_subject}" is described only by itself ("{quoted_predicate}")'
            return Circular(quoted_subject, quoted_predicate, message)
    return None


_NEGATION = re.compile(r"\b(?:not|no|never|nothing like|no longer|n't)\b|n't\b", re.IGNORECASE)
_QUOTE_CHARS = re.compile(r'["“”«»]')


def _inside_quote(text: str, position: int) -> bool:
    """Inside a quotation a person is speaking; their tautologies are news, not filler."""
    return len(_QUOTE_CHARS.findall(text, 0, position)) % 2 == 1
