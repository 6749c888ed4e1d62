"""Interpretable sentence features for ``filler.generic``, each with words an editor can read.

The trained model sees the sentence vector plus these features; when it flags a
sentence, the features that pushed the score up are named in the message with
the words that triggered them ("intensifiers: crucial, significant", "nothing
specific: no names, numbers, dates or quotes").

Word lists here are descriptive categories (what counts as a hedge, a month, an
attribution verb), not verdicts: how much each matters is learned from data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .phrases import StockPhraseList, shipped_phrases
from .residue import find_residue
from .tautology import find_circular

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d\d\b", re.IGNORECASE)
_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE_MARKS = re.compile(r'["“”«»]|(?:^|\s)[‘\'][A-Z]')
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|reported|reports|announced|stated|added|explained|confirmed|wrote|"
    r"tweeted|posted|testified|argued|claimed|alleged|insisted|noted|recalled|replied|asked)\b",
    re.IGNORECASE,
)
HEDGES = frozenset(
    """may might could possibly potentially perhaps likely unlikely seemingly apparently arguably somewhat relatively
    generally typically often suggests suggest suggested appear appears seem seems allegedly reportedly presumably
    probably maybe rather fairly""".split()
)
INTENSIFIERS = frozenset(
    """very highly truly incredibly extremely significant significantly crucial vital essential key major remarkable
    remarkably unprecedented profound profoundly deeply greatly immense immensely tremendous tremendously undeniable
    undeniably undoubtedly indeed clearly particularly especially notably paramount pivotal critical critically
    substantial substantially dramatic dramatically enormous enormously utmost absolutely entirely completely totally
    fundamentally vastly invaluable unparalleled exceptional extraordinary incredible powerful robust seamless
    seamlessly vibrant groundbreaking transformative innovative comprehensive""".split()
)
# Nominalisations: abstract nouns made from verbs and adjectives.
_ABSTRACT_SUFFIX = re.compile(r"(?:tion|sion|ment|ness|ity|ance|ence|ism|ship|ability|ibility)s?$")
_ABSTRACT_NOUNS = frozenset(
    """importance impact significance commitment effort efforts approach landscape role community communities
    challenge challenges future potential journey realm framework initiative initiatives strategy strategies
    cooperation collaboration development developments concern concerns issue issues aspect aspects factor factors
    measure measures stakeholders stakeholder outcome outcomes solution solutions resilience integrity dedication
    innovation progress growth awareness engagement transparency accountability opportunity opportunities""".split()
)
_PRONOUN_FIRST = frozenset("i me my mine we us our ours".split())
_PRONOUN_SECOND = frozenset("you your yours".split())

CONSTRUCTIONS: dict[str, tuple[re.Pattern, str]] = {
    "not_only_but_also": (re.compile(r"\bnot only\b.{1,200}?\bbut(?: also| as well)?\b", re.IGNORECASE), '"not only ... but also"'),
    "only_when_can": (
        re.compile(r"^(?:only (?:when|if|by|through|then|after|once)\b).{1,200}?\b(?:can|will|could|would|do|does|is|are|may)\b",
                   re.IGNORECASE),
        '"only when ... can"',
    ),
    "participle_tail": (
        re.compile(r",\s+(?:highlighting|underscoring|showcasing|emphasizing|emphasising|reflecting|demonstrating|signaling|"
                   r"signalling|ensuring|paving|fostering|marking|solidifying|cementing|reinforcing|illustrating|"
                   r"underlining|sparking|raising|leaving|making|further|adding to)\b",
                   re.IGNORECASE),
        '", highlighting ..." tail',
    ),
    "it_is_adjective": (
        re.compile(r"\bit (?:is|was|remains|will be) (?:important|essential|crucial|vital|critical|clear|evident|"
                   r"worth noting|imperative|necessary|undeniable|noteworthy|interesting) (?:to|that)\b", re.IGNORECASE),
        '"it is important to ..."',
    ),
    "as_continues": (re.compile(r"^as (?:the |this |these )?(?:\w+[ -]){0,5}continues? to\b", re.IGNORECASE), '"as ... continues to"'),
    "this_noun_opener": (
        re.compile(r"^(?:this|these|such) (?:\w+ )?(?:move|development|decision|incident|situation|event|initiative|news|"
                   r"announcement|effort|efforts|approach|trend|case|shift|step|revelation|collaboration|operation|"
                   r"partnership|achievement|milestone|discovery|elements|measures|findings|changes)\b", re.IGNORECASE),
        '"This development ..." opener',
    ),
    "serves_as": (re.compile(r"\bserves? as (?:a|an)\b|\bstands? as (?:a|an)\b|\bacts? as a testament\b", re.IGNORECASE),
                  '"serves as a ..."'),
    "time_will_tell": (re.compile(r"\bonly time will tell\b|\bremains to be seen\b|\bthe future (?:looks|remains)\b", re.IGNORECASE),
                       '"remains to be seen"'),
    "in_todays": (re.compile(r"\bin today's\b|\bin today’s\b|\bin an era\b|\bin the (?:ever[- ])?(?:changing|evolving)\b|"
                             r"\bin an increasingly\b", re.IGNORECASE), '"in today\'s ..."'),
    "triad": (re.compile(r"\b\w+(?: \w+)?, \w+(?: \w+)?,? and \w+(?: \w+)?\b"), "a list of three"),
}


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    name: str
    group: str


# The columns of the feature matrix, in order, with the group each explains.
FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("stock_hits", "stock"),
    FeatureSpec("stock_log_ratio", "stock"),
    FeatureSpec("named", "specificity"),
    FeatureSpec("numbers", "specificity"),
    FeatureSpec("dates", "specificity"),
    FeatureSpec("quote", "specificity"),
    FeatureSpec("attribution", "specificity"),
    FeatureSpec("rare_words", "specificity"),
    FeatureSpec("mean_zipf", "specificity"),
    FeatureSpec("nothing_specific", "specificity"),
    FeatureSpec("hedges", "hedges"),
    FeatureSpec("intensifiers", "intensifiers"),
    FeatureSpec("abstract_share", "abstraction"),
    FeatureSpec("abstract_nouns", "abstraction"),
    *(FeatureSpec(name, "construction") for name in CONSTRUCTIONS),
    FeatureSpec("colon", "punctuation"),
    FeatureSpec("dash", "punctuation"),
    FeatureSpec("parentheses", "punctuation"),
    FeatureSpec("question_or_exclamation", "punctuation"),
    FeatureSpec("first_person", "voice"),
    FeatureSpec("second_person", "voice"),
    FeatureSpec("log_words", "length"),
    FeatureSpec("mean_word_length", "length"),
    FeatureSpec("template_residue", "template"),
    FeatureSpec("tautology", "template"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
FEATURE_GROUPS = tuple(f.group for f in FEATURES)


@dataclass(slots=True)
class SentenceFeatures:
    """One sentence's feature values and the words behind them."""

    values: np.ndarray
    words: int
    stock: list = field(default_factory=list)  # PhraseHit
    hedges: list[str] = field(default_factory=list)
    intensifiers: list[str] = field(default_factory=list)
    abstract: list[str] = field(default_factory=list)
    constructions: list[str] = field(default_factory=list)
    specific: dict[str, int] = field(default_factory=dict)
    residue: list = field(default_factory=list)
    circular: object | None = None


@lru_cache(maxsize=1)
def _zipf_table() -> dict[str, float]:
    """English word frequencies on the Zipf scale (wordfreq's shipped data, read once)."""
    from wordfreq import get_frequency_dict

    return {w: math.log10(f) + 9 for w, f in get_frequency_dict("en").items() if f > 0}


def zipf(word: str, table: dict[str, float] | None = None) -> float:
    table = table if table is not None else _zipf_table()
    return table.get(word.lower().replace("’", "'"), 0.0)


def sentence_features(sentence, document_format: str = "markdown", phrases: StockPhraseList | None = None) -> SentenceFeatures:
    """Features of one segmented sentence (``detector.segment.Sentence``)."""
    phrases = phrases if phrases is not None else shipped_phrases()
    text = sentence.clean
    words = _WORD.findall(text)
    lower = [w.lower().replace("’", "'") for w in words]
    n = max(len(words), 1)
    table = _zipf_table()

    stock = phrases.find(text)
    named = sum(1 for i, w in enumerate(words) if i > 0 and w[:1].isupper() and not w.isupper() or (len(w) > 1 and w.isupper()))
    numbers = len(_NUMBER_TOKEN.findall(text))
    dates = int(bool(_YEAR.search(text) or _CLOCK.search(text) or any(w in _MONTHS or w in _WEEKDAYS for w in lower if w != "may")))
    if "may" in lower:  # the month, not the hedge, when a day number sits next to it
        dates = dates or int(bool(re.search(r"\bMay \d|\d May\b", text)))
    quote = int(bool(_QUOTE_MARKS.search(text)))
    attribution = int(bool(_ATTRIBUTION.search(text)))
    content = [w for w, original in zip(lower, words) if w.isalpha() and len(w) > 2 and not original[:1].isupper()]
    zipfs = [zipf(w, table) for w in content]
    rare = sum(1 for z in zipfs if z < 3.0) / max(len(content), 1)
    mean_zipf = float(np.mean(zipfs)) if zipfs else 5.0
    hedges = [w for w in lower if w in HEDGES and not (w == "may" and dates)]
    intensifiers = [w for w in lower if w in INTENSIFIERS]
    abstract = [w for w in content if (len(w) > 6 and _ABSTRACT_SUFFIX.search(w)) or w in _ABSTRACT_NOUNS]
    constructions = [name for name, (pattern, _) in CONSTRUCTIONS.items() if pattern.search(text)]
    residue = find_residue(sentence, document_format)
    circular = find_circular(text)
    specific = {"names": named, "numbers": numbers, "dates": dates, "quotes": quote, "attributions": attribution}
    nothing_specific = int(named == 0 and numbers == 0 and dates == 0 and quote == 0)

    row = {
        "stock_hits": math.log1p(len(stock)),
        "stock_log_ratio": max((math.log(h.phrase.ratio) for h in stock), default=0.0),
        "named": math.log1p(named),
        "numbers": math.log1p(numbers),
        "dates": dates,
        "quote": quote,
        "attribution": attribution,
        "rare_words": rare,
        "mean_zipf": mean_zipf,
        "nothing_specific": nothing_specific,
        "hedges": math.log1p(len(hedges)),
        "intensifiers": math.log1p(len(intensifiers)),
        "abstract_share": len(abstract) / max(len(content), 1),
        "abstract_nouns": math.log1p(len(abstract)),
        **{name: int(name in constructions) for name in CONSTRUCTIONS},
        "colon": int(":" in text),
        "dash": int(bool(re.search(r"—|–| - ", text))),
        "parentheses": int("(" in text),
        "question_or_exclamation": int(bool(re.search(r"[?!]", text))),
        "first_person": math.log1p(sum(1 for w in lower if w in _PRONOUN_FIRST)),
        "second_person": math.log1p(sum(1 for w in lower if w in _PRONOUN_SECOND)),
        "log_words": math.log1p(len(words)),
        "mean_word_length": sum(len(w) for w in words) / n,
        "template_residue": int(bool(residue)),
        "tautology": int(circular is not None),
    }
    values = np.array([row[name] for name in FEATURE_NAMES], dtype=np.float64)
    return SentenceFeatures(values, len(words), stock, hedges, intensifiers, abstract, constructions, specific, residue, circular)


def feature_matrix(sentences, document_format: str = "markdown", phrases: StockPhraseList | None = None) -> np.ndarray:
    rows = [sentence_features(s, document_format, phrases).values for s in sentences]
    return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))


def construction_label(name: str) -> str:
    return CONSTRUCTIONS[name][1]
