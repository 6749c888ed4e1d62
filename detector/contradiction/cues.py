"""Lexical cues that two statements about the same thing disagree.

Each sentence is read once into a ``SentenceCues`` record (negations, antonym
poles, weekdays, months, years, names, numbers, quantifiers, modal verbs); pair
features are then set and bit operations on those records, vectorised over all
candidate pairs of a document (``cue_pairs``, used by the contradiction check).

The antonym list is ours and curated (no PyPI package that ships an English
lexical resource with antonyms works offline here: ``wn`` and NLTK's WordNet
download their data at run time). It holds only oppositions that news copy uses
to report states and outcomes, where swapping one pole for the other makes a
statement false rather than merely different; see labels/README.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..figures import analysis_figures, extract_figures, labelled_identifiers

if TYPE_CHECKING:
    pass


# Group name -> (one pole, the other pole). Inflected forms are listed because
# the check reads raw tokens; a lemmatiser would be a model load for 300 words.
ANTONYMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "open": (("open", "opened", "opens", "reopen", "reopened", "reopens", "reopening"),
             ("closed", "close", "closes", "shut", "shuttered", "remains closed", "closure")),
    "rise": (("rose", "risen", "rises", "rising", "increased", "increase", "increases", "grew", "grown", "growing",
              "climbed", "gained", "surged", "jumped"),
             ("fell", "fall", "falls", "fallen", "falling", "decreased", "decrease", "decreases", "declined",
              "declines", "dropped", "drops", "shrank", "plunged", "slumped")),
    "win": (("won", "win", "wins", "winning", "victory", "victorious", "beat"),
            ("lost", "lose", "loses", "losing", "defeat", "defeated")),
    "approve": (("approved", "approve", "approves", "accepted", "accept", "accepts", "passed", "granted", "endorsed"),
                ("rejected", "reject", "rejects", "vetoed", "refused", "denied", "turned down", "blocked")),
    "guilty": (("guilty", "convicted"), ("innocent", "acquitted", "cleared")),
    "alive": (("alive", "survived", "survivor", "survivors"), ("dead", "died", "killed", "dies")),
    "support": (("supported", "supports", "support", "backed", "favour", "favor", "endorsed"),
                ("opposed", "opposes", "oppose", "against", "criticised", "criticized")),
    "true": (("true", "correct", "accurate"), ("false", "incorrect", "inaccurate", "untrue")),
    "legal": (("legal", "lawful", "allowed", "permitted", "legalised", "legalized"),
              ("illegal", "unlawful", "banned", "prohibited", "forbidden", "outlawed")),
    "confirm": (("confirmed", "confirms", "admitted", "admits"), ("denied", "denies", "disputed", "rejected")),
    "success": (("succeeded", "success", "successful", "successfully"), ("failed", "failure", "unsuccessful", "fails")),
    "more": (("more", "higher", "larger", "bigger", "greater", "most", "highest", "largest"),
             ("fewer", "less", "lower", "smaller", "least", "lowest", "smallest")),
    "first": (("first", "earliest"), ("last", "latest", "final")),
    "start": (("began", "begins", "started", "starts", "launched", "opened"),
              ("ended", "ends", "finished", "halted", "stopped", "scrapped", "cancelled", "canceled")),
    "hire": (("hired", "appointed", "elected", "promoted"), ("fired", "sacked", "dismissed", "ousted", "resigned")),
    "arrest": (("arrested", "detained", "jailed", "imprisoned", "charged"), ("released", "freed", "acquitted")),
    "public": (("public",), ("private", "secret")),
    "majority": (("majority",), ("minority",)),
    "positive": (("positive",), ("negative",)),
    "agree": (("agreed", "agree", "agrees", "agreement"), ("disagreed", "disagree", "disagrees", "refused")),
    "present": (("present", "attended", "attending"), ("absent", "missed", "skipped")),
    "early": (("early", "earlier", "ahead"), ("late", "later", "delayed", "behind")),
    "safe": (("safe", "safely", "unharmed", "uninjured"), ("injured", "hurt", "wounded", "harmed")),
    "increase_verb": (("raised", "raise", "raises", "expanded", "extended", "added"),
                      ("cut", "cuts", "reduced", "reduces", "lowered", "slashed", "removed")),
    "full": (("full", "packed", "crowded"), ("empty", "deserted")),
    "strong": (("strong", "stronger", "strongest", "robust"), ("weak", "weaker", "weakest", "fragile")),
}


GROUPS = tuple(ANTONYMS)


# States and outcomes (open/closed, guilty/innocent): one pole rules the other out.
# The rest are trends and comparisons (rose/fell, more/fewer) that two true
# statements about different things often carry.
STATE_GROUPS = ("open", "win", "approve", "guilty", "alive", "true", "legal", "confirm", "success", "start", "hire",
                "arrest", "agree", "present", "safe", "full", "public")


_STATE_MASK = sum(1 << GROUPS.index(g) for g in STATE_GROUPS)


SPLIT_VOTE = frozenset(("unanimous", "unanimously"))


assert len(GROUPS) <= 63


NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot n't nowhere hardly".split()
)


# "no one" / "all": one side says every member, the other says none or only some.
# Only words that claim every member or none: "always"/"never", "whole" and "every"
# are as often figures of speech as claims, and "never" is a negation already.
UNIVERSAL = frozenset("all everyone everybody everything unanimous unanimously".split())


NONE_WORDS = frozenset("none nobody nothing".split())


MODALS_HEDGED = frozenset("may might could possibly perhaps likely unlikely probably reportedly allegedly expected".split())


MODALS_CERTAIN = frozenset("will must definitely certainly confirmed".split())


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")


_MONTH_ABBR = {m[:3]: i for i, m in enumerate(MONTHS)} | {"sept": 8}


RELATIVE_DAYS = ("yesterday", "today", "tomorrow", "tonight")


NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}


SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9, "k": 1e3}


APPROXIMATORS = ("about", "around", "nearly", "almost", "roughly", "approximately", "some", "more than", "over",
                 "less than", "under", "at least", "up to", "an estimated", "estimated", "close to", "just over",
                 "just under", "upwards of", "as many as", "as much as", "~")


CURRENCIES = {"$": "dollar", "£": "pound", "€": "euro", "¥": "yen"}


UNIT_WORDS = {"percent": "percent", "per cent": "percent", "%": "percent", "pc": "percent", "dollars": "dollar",
              "pounds": "pound", "euros": "euro", "points": "point", "years": "year", "km": "km", "miles": "mile",
              "metres": "metre", "meters": "metre", "kg": "kg", "tonnes": "tonne", "tons": "tonne",
              "degrees": "degree", "hours": "hour", "minutes": "minute", "days": "day", "weeks": "week",
              "months": "month"}


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)*")


_CAPITALISED = re.compile(r"\b([A-Z][a-zA-Z'’\-]+(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][a-zA-Z'’\-]+)*)")


# A number with optional currency before it and scale/unit after it.
_NUMBER = re.compile(
    r"(?P<cur>[$£€¥])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|per\s?cent|percent|pc\b))?",
    re.IGNORECASE,
)


_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)


_TALLY = re.compile(r"\b(\d{1,3})\s?(?:-|–|to)\s?(\d{1,3})\b(?!\s?(?:percent|per cent|%|years|am|pm|p\.m|a\.m))")


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


_FOLLOWING_WORD = re.compile(r"\s*[a-z]{3,}", re.IGNORECASE)


_WORDS_AFTER = re.compile(r"[a-z][a-z\-]*|[^\sa-z]", re.IGNORECASE)


_MODIFIERS = frozenset("new more other additional extra further young old local foreign".split())


_STOP = frozenset(
    """a an the of to in on at for by with from and or but as is was are were be been being has have had do does did
    it its this that these those there their they them he she his her him we our you your i me my which who whom whose
    what when where why how than then so such also into over under about after before up down out more most some any
    each other said says say new one two would could should will may might can just very""".split()
)


# Words that open sentences or titles and are not names.
_NOT_NAMES = frozenset(
    """The A An In On At For By With From And Or But As It This That These Those There Their They He She His Her We
    Our You Your I If When While After Before Since During Mr Mrs Ms Dr However Meanwhile Also According Yet Still
    Last Next Earlier Later Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December Some Many Most All No Not One
    Two Three Four Five Six Seven Eight Nine Ten What Who Where Why How Its Both Each Every Several Other Such
    Although Though Despite Because So Then Now Here Only Even Just Over Under Among Between Around About""".split()
)


@dataclass(frozen=True, slots=True)
class Number:
    """A number read from a sentence: value, unit, the noun it counts, and any approximation."""

    value: float
    unit: str  # "" when the number is a bare count
    noun: str  # the word it counts ("people", "jobs"), "" when none follows
    approximate: bool
    text: str
    start: int
    end: int
    low: float | None = None  # the bounds its wording allows, where the reader gives them
    high: float | None = None


@dataclass(slots=True)
class SentenceCues:
    words: tuple[str, ...]
    content: frozenset[str]
    negations: int
    negation_words: tuple[str, ...]
    pole_a: int
    pole_b: int
    weekdays: int
    months: int
    years: frozenset[int]
    names: frozenset[str]
    numbers: tuple[Number, ...]
    universal: bool
    none_word: bool
    tally: tuple[int, int] | None
    hedged: bool
    certain: bool
    antonym_words: dict[str, str] = field(default_factory=dict)
    # Content words near each kind of cue: a clash counts most when both sentences
    # put it next to the same word ("the bridge reopened" / "the bridge remains closed").
    anchors: dict[str, frozenset[str]] = field(default_factory=dict)
    labelled_numbers: frozenset[str] = frozenset()  # numbers a label word names a thing with ("Route 12")

    @property
    def counted_nouns(self) -> frozenset[str]:
        return frozenset(n.noun for n in self.numbers if n.noun)

    @property
    def values(self) -> frozenset[float]:
        return frozenset(round(n.value, 6) for n in self.numbers)


def normalise_noun(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s", "e")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix strip ("voted", "votes", "vote" -> "vot"): enough to see two sentences share a word."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Negation words that negate nothing here: "not only ... but also" adds, "no doubt" affirms.
_NOT_NEGATING_NEXT = {
    "not": frozenset(("only", "just", "merely", "simply", "least", "solely")),
    "no": frozenset(("doubt", "matter", "sooner", "wonder")),
    "nothing": frozenset(("but",)),
    "never": frozenset(("mind",)),
}


def negating(tokens: list[str]) -> list[bool]:
    """For each token, whether it is a negation that negates (not "not only", "whether or not", "no doubt")."""
    out = []
    for i, t in enumerate(tokens):
        if t not in NEGATIONS:
            out.append(False)
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[max(0, i - 2):i]
        idiom = (
            following in _NOT_NEGATING_NEXT.get(t, ())
            or (t == "not" and before[-1:] == ["or"] and "whether" in before)  # "whether or not"
            or (t == "not" and before[-1:] == ["if"])  # "if not"
            or (t == "not" and following == "to" and tokens[i + 2:i + 3] == ["mention"])
        )
        out.append(not idiom)
    return out


def _tokens(text: str) -> list[str]:
    lowered = text.lower().replace("’", "'")
    lowered = re.sub(r"n't\b", " not", lowered)
    lowered = lowered.replace("no one", "nobody").replace("no-one", "nobody")
    return [t.strip("'-") for t in _TOKEN.findall(lowered)]


def _finite(value: float) -> bool:
    return math.isfinite(value) and abs(value) < 1e15


def read_numbers(text: str) -> tuple[Number, ...]:
    """Numbers with their unit, counted noun and approximation (years and tallies are left to other cues)."""
    found: list[Number] = []
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    for match in _NUMBER.finditer(text):
        raw = match.group("num")
        if _YEAR.fullmatch(raw) and not match.group("cur") and not match.group("unit") and not match.group("scale"):
            continue
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            continue
        scale = (match.group("scale") or "").lower()
        value *= SCALES.get(scale, 1.0)
        if not _finite(value):
            continue
        unit = CURRENCIES.get(match.group("cur") or "", "")
        if match.group("unit"):
            unit = "percent"
        start, end = match.start("num") if not match.group("cur") else match.start(), match.end()
        taken.append((start, end))
        found.append(_with_context(text, lowered, value, unit, start, end))
    for match in _NUMBER_WORD.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        word = match.group(1).lower()
        if word == "one" and not _FOLLOWING_WORD.match(text, match.end()):
            continue
        value = float(NUMBER_WORDS[word])
        end = match.end()
        scale_match = re.match(r"\s+(thousand|million|billion|trillion|hundred)\b", text[end:], re.IGNORECASE)
        if scale_match:
            value *= SCALES.get(scale_match.group(1).lower(), 100.0)
            end += scale_match.end()
        found.append(_with_context(text, lowered, value, "", match.start(), end))
    found.sort(key=lambda n: n.start)
    return tuple(found)


def _with_context(text: str, lowered: str, value: float, unit: str, start: int, end: int) -> Number:
    before = lowered[max(0, start - 20) : start].rstrip()
    approximate = any(before.endswith(a) for a in APPROXIMATORS)
    noun = ""
    # The counted noun is the next word, or the one after a single modifier ("300 new jobs").
    for k, word in enumerate(_WORDS_AFTER.findall(text[end : end + 40].lower())[:2]):
        if word in UNIT_WORDS:
            unit = unit or UNIT_WORDS[word]
            break
        if word in ("percent", "cent", "pc"):
            unit = "percent"
            break
        if word in _MODIFIERS and k == 0:
            continue
        if len(word) >= 3 and word not in _STOP and word not in SCALES:
            noun = normalise_noun(word)
        break
    if not noun and not unit:
        noun = context_noun(text, start, end)
    return Number(value, unit, noun, approximate, text[start:end], start, end)


def context_noun(text: str, start: int, end: int) -> str:
    """A bare number's context: the word before it ("aged 36", "scored 250") or its
    hyphenated tail ("36-year-old"), marked "~" so it never matches a counted noun."""
    before_words = _WORDS_AFTER.findall(text[max(0, start - 30) : start])
    before_words = [w for w in before_words if w.replace("-", "").isalpha() and w.islower() and len(w) >= 3 and w not in _STOP]
    after_word = re.match(r"-([a-z]+(?:-[a-z]+)*)", text[end : end + 20].lower())
    if after_word:
        return "~" + after_word.group(1)
    if before_words and not (before_words[-1] in MONTHS or before_words[-1] in WEEKDAYS):
        return "~" + stem(before_words[-1])
    return ""


def read_names(text: str) -> frozenset[str]:
    names = set()
    for match in _CAPITALISED.finditer(text):
        phrase = match.group(1)
        words = [w for w in phrase.split() if w not in _NOT_NAMES and w.lower() not in ("of", "de", "the")]
        if not words:
            continue
        at_start = match.start() == 0 or text[: match.start()].strip() in ('"', "“", "'", "(")
        if at_start and len(phrase.split()) == 1 and phrase in _NOT_NAMES:
            continue
        for word in words:
            if word.isupper() and len(word) > 5:
                continue  # shouted words in scraped copy are not names
            names.add(word.lower().strip("'’"))
    return frozenset(names)


_POLE_A = {w: i for i, (a, _) in enumerate(ANTONYMS.values()) for w in a}


_POLE_B = {w: i for i, (_, b) in enumerate(ANTONYMS.values()) for w in b}


def read_cues(text: str, numbers: tuple[Number, ...] | None = None) -> SentenceCues:
    """Everything the pair features need from one sentence, read once.

    ``numbers`` are the sentence's figures where the caller has them already
    (``figures_by_sentence`` below); otherwise they are read here.
    """
    tokens = _tokens(text)
    joined = " ".join(tokens)
    pole_a = pole_b = 0
    antonym_words: dict[str, str] = {}
    candidates = tokens + [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
    for token in candidates:
        if token in _POLE_A:
            pole_a |= 1 << _POLE_A[token]
            antonym_words.setdefault(f"a{_POLE_A[token]}", token)
        if token in _POLE_B:
            pole_b |= 1 << _POLE_B[token]
            antonym_words.setdefault(f"b{_POLE_B[token]}", token)
    negation_words = tuple(t for t, negates in zip(tokens, negating(tokens)) if negates)
    weekdays = months = 0
    for t in tokens:
        if t in WEEKDAYS:
            weekdays |= 1 << WEEKDAYS.index(t)
        elif t in RELATIVE_DAYS:
            weekdays |= 1 << (7 + RELATIVE_DAYS.index(t))
    for i, t in enumerate(tokens):
        if t in MONTHS and not (t == "may" and not (i + 1 < len(tokens) and tokens[i + 1][:1].isdigit())):
            months |= 1 << MONTHS.index(t)
        elif t in _MONTH_ABBR and i + 1 < len(tokens) and tokens[i + 1][:1].isdigit():
            months |= 1 << _MONTH_ABBR[t]
    tally_match = _TALLY.search(text)
    tally = (int(tally_match.group(1)), int(tally_match.group(2))) if tally_match else None
    if tally and (tally[0] > 100 or tally[1] > 100 or tally == (0, 0)):
        tally = None
    token_set = set(tokens)
    anchors = _anchors(text, tally_match is not None)
    return SentenceCues(
        words=tuple(tokens),
        content=frozenset(stem(t) for t in tokens if len(t) > 2 and t not in _STOP and not t[:1].isdigit()),
        negations=len(negation_words),
        negation_words=negation_words,
        pole_a=pole_a,
        pole_b=pole_b,
        weekdays=weekdays,
        months=months,
        years=frozenset(int(y) for y in _YEAR.findall(text)),
        names=read_names(text),
        numbers=_default_figures(text) if numbers is None else tuple(numbers),
        universal=bool(token_set & UNIVERSAL),
        none_word=bool(token_set & NONE_WORDS) or "nobody" in joined,
        tally=tally,
        hedged=bool(token_set & MODALS_HEDGED),
        certain=bool(token_set & MODALS_CERTAIN),
        antonym_words=antonym_words,
        anchors=anchors,
        labelled_numbers=labelled_identifiers(text),
    )


def _default_figures(text: str) -> tuple[Number, ...]:
    return figures_in_text(text)


ANCHOR_WINDOW = 4


ANCHOR_KINDS = ("antonym", "negation", "quantifier", "date")


# A cue anchors only on words of its own clause: table cells arrive joined by "; ", and
# "Reduces victim susceptibility; Telecom Companies" says nothing about telecom reducing.
_CLAUSE_BREAK = re.compile(r"\s*(?:[;|]|(?<!\d):(?!\d)|\s[–—]\s|—)\s*")


def _anchors(text: str, has_tally: bool) -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {k: set() for k in ANCHOR_KINDS}
    for clause in _CLAUSE_BREAK.split(text):
        for kind, words in _clause_anchors(_tokens(clause), has_tally).items():
            kinds[kind] |= words
    return {k: frozenset(v) for k, v in kinds.items()}


def _clause_anchors(tokens: list[str], has_tally: bool) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {k: set() for k in ANCHOR_KINDS}
    content = [stem(t) if len(t) > 2 and t not in _STOP and not t[:1].isdigit() else None for t in tokens]
    negates = negating(tokens)
    for i, t in enumerate(tokens):
        pair = " ".join(tokens[i : i + 2])
        if t in _POLE_A or t in _POLE_B or pair in _POLE_A or pair in _POLE_B:
            kind = "antonym"
        elif negates[i]:
            kind = "negation"
        elif t in UNIVERSAL or t in NONE_WORDS or (has_tally and t[:1].isdigit()):
            kind = "quantifier"
        elif t in WEEKDAYS or t in MONTHS or t in RELATIVE_DAYS:
            kind = "date"
        else:
            continue
        for j in range(max(0, i - ANCHOR_WINDOW), min(len(tokens), i + ANCHOR_WINDOW + 1)):
            if j != i and content[j]:
                kinds[kind].add(content[j])
    return kinds


# ---------------------------------------------------------------------------
# Quantities, read by the figures family (``detector.figures``) and mapped onto ``Number``

_KINDS = ("count", "percent", "money", "measure", "duration", "ratio", "number", "age", "score")
_UNITS = {"%": "percent"}


def as_number(figure, text: str) -> Number | None:
    """One ``detector.figures.Figure`` in this check's terms, or None if it is not a quantity."""
    value = figure.value
    if value is None or figure.kind not in _KINDS or not math.isfinite(value) or abs(value) >= 1e15:
        return None
    unit = _UNITS.get(figure.unit, (figure.unit or "").lower())
    noun = normalise_noun(figure.noun.split()[-1]) if figure.noun else ""
    if not noun and figure.kind in ("age", "score"):
        noun = "~" + figure.kind
    if not noun and not unit:
        noun = context_noun(text, figure.start, figure.end)
    return Number(value, unit, noun, figure.approx is not None, figure.text, figure.start, figure.end,
                  figure.low, figure.high)


def figures_by_sentence(analysis) -> dict[int, tuple[Number, ...]]:
    """The quantities of each sentence, from the figures every check shares."""
    def compute(a) -> dict[int, tuple[Number, ...]]:
        text = a.document.text
        out: dict[int, list[Number]] = {}
        for figure in analysis_figures(a):
            number = as_number(figure, text)
            if number is not None:
                out.setdefault(figure.sentence, []).append(number)
        return {k: tuple(v) for k, v in out.items()}

    return analysis.memo("contradiction.figures", compute)


def figures_in_text(text: str) -> tuple[Number, ...]:
    """The quantities of one bare sentence (training pairs have no Document)."""
    numbers = (as_number(f, text) for f in extract_figures(text[:1500]))
    return tuple(n for n in numbers if n is not None)
