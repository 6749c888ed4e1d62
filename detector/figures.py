"""Figures in copy: every number with its exact span, normalised value, unit and what it counts.

The API other checks use (the contradiction check among them) is three names:

``Figure``
    One figure. ``sentence`` is the index of its ``Sentence``; ``start``/``end`` are
    offsets into the document's input, so ``document.text[f.start:f.end] == f.text``.
    ``value`` is the normalised number ("1.2 million" -> 1200000.0, "45%" -> 45.0,
    "$45bn" -> 45e9, "a dozen" -> 12.0); ``low``/``high`` are the bounds its wording
    allows ("over 1,500" -> low 1500, high None = unbounded; "about 300" -> 255..345;
    "10-15" -> 10..15; exact figures have low == high == value). ``unit`` is "%",
    an ISO currency code ("USD", "GBP", ...), a measure ("km", "months") or None;
    ``noun`` is what a count counts ("suspects"), ``label`` the table row/column it
    sits under ("Suspects Repatriated"). ``kind`` is a statistic kind (count,
    percent, money, measure, duration, ratio, number) or a non-statistic (year,
    date, time, age, address, ordinal, period, score, identifier, other: a bare
    spelled-out number such as "the two" or a list marker);
    ``is_statistic`` says which. ``approx`` names the qualifier (over, at_least,
    under, at_most, nearly, about, range, vague, or None for exact). ``support``
    and ``source`` are filled in by the figures check ("sourced" | "vague" |
    "none", and the cue it found), None before.

``document_figures(document) -> list[Figure]``
    Every figure of a segmented ``Document``, in reading order.

``analysis_figures(analysis) -> list[Figure]``
    The same, computed once per document through ``analysis.memo("figures", ...)``:
    any check may call it and pays nothing if another already did.

``extract_figures(text)`` reads a bare string (sentence 0, offsets into ``text``);
``Figure.to_dict()`` is the report's JSON form (``Report.figures``);
``compatible(a, b)`` says whether two figures' bounds can describe one quantity.

How: a scanner of our own finds number cores (digits with separators and
decimals, spelled-out numbers) and reads the words around them for currency,
magnitude, percent, units, ranges, qualifiers and the counted noun; number-parser
turns spelled-out numbers into values. The well-kept general parsers
(quantulum3, number-parser alone) were compared with this one on our labelled
sentences (``detector eval figures``): they do not type years, dates, ages or
identifiers, which in news are most numbers, and quantulum3 takes seconds on a
long digit run. Every pattern here is bounded (no nested quantifiers; context
windows of fixed width), so cost is linear in the text: a 50,000-character
sentence, a 100,000-digit number or markup soup cannot hang it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .checks.base import Analysis
    from .segment import Document, Sentence

# A statistic is a figure that needs a source (labels/README.md, "The definition"); a
# duration does not, and neither do the kinds ``detector.source_needed`` gives a
# figure by the sentence around it (record, event, price, dimension).
STATISTIC_KINDS = ("count", "percent", "money", "measure", "ratio", "number")
OTHER_KINDS = ("duration", "year", "date", "time", "age", "address", "ordinal", "period", "score", "identifier", "record",
               "event", "price", "dimension", "other")
KINDS = STATISTIC_KINDS + OTHER_KINDS
APPROXIMATIONS = ("over", "at_least", "under", "at_most", "nearly", "about", "range", "vague")
SUPPORT_LABELS = ("sourced", "vague", "none")

# Digit runs longer than this are identifiers (phone numbers, ids), not quantities;
# it also keeps float conversion finite for "1" * 100,000.
_MAX_DIGITS = 21
_MAX_NUMBER_WORDS = 12
_CONTEXT = 80  # characters read on either side of a figure


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure in the copy; see the module docstring for the meaning of each field."""

    sentence: int
    start: int
    end: int
    text: str
    value: float | None
    kind: str
    unit: str | None = None
    noun: str | None = None
    approx: str | None = None
    low: float | None = None
    high: float | None = None
    label: str | None = None
    support: str | None = None
    source: str | None = None

    @property
    def is_statistic(self) -> bool:
        return self.kind in STATISTIC_KINDS and self.value is not None

    @property
    def noun_key(self) -> str | None:
        """The counted noun folded for matching: lower case, singular ("suspects" -> "suspect")."""
        return singular(self.noun) if self.noun else None

    def with_support(self, support: str, source: str | None) -> "Figure":
        return replace(self, support=support, source=source)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["statistic"] = self.is_statistic
        for key in ("value", "low", "high"):
            if out[key] is not None and not math.isfinite(out[key]):
                out[key] = None
        return out


def singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return {"people": "person", "men": "man", "women": "woman", "children": "child"}.get(word, word)


def compatible(a: Figure, b: Figure, rounding: bool = True) -> bool:
    """Whether the ranges a and b allow overlap (a round exact figure covers its rounding)."""
    la, ha = _bounds(a, rounding)
    lb, hb = _bounds(b, rounding)
    return la <= hb and lb <= ha


def _bounds(f: Figure, rounding: bool) -> tuple[float, float]:
    low = f.low if f.low is not None else (-math.inf if f.approx in ("under", "at_most") and f.value is not None and f.value < 0 else 0.0)
    high = f.high if f.high is not None else math.inf
    if rounding and f.approx is None and f.value is not None and f.value == f.low == f.high:
        step = _rounding_step(f.text)
        low, high = f.value - step / 2, f.value + step / 2
    return low, high


def _rounding_step(text: str) -> float:
    """1,500 may stand for anything that rounds to it; 1,523 for itself."""
    digits = re.sub(r"[^\d.]", "", text.split(".")[0] if "." not in text else text)
    if "." in digits:
        return 0.0
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    return float(10**zeros) if zeros >= 2 and stripped else 0.0


# ---------------------------------------------------------------------------
# Vocabulary

_UNITS_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORD = "|".join(_UNITS_WORDS + _TENS_WORDS + list(_SCALE_WORDS) + ["dozen"])
_SMALL_WORD = "|".join(_UNITS_WORDS[1:] + _TENS_WORDS)
_WORD_SEQUENCE = re.compile(
    rf"""\b(?:(?:an?|one|half\s+an?)\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?
    (?:{_NUMBER_WORD})
    (?:(?:[ \t-]+|\s+and\s+(?=(?:{_SMALL_WORD})\b)(?:(?<=hundred and )|(?<=thousand and )|(?<=million and )|(?<=billion and ))?)(?:{_NUMBER_WORD}))*\b""",
    re.IGNORECASE | re.VERBOSE,
)
_VAGUE_PLURAL = re.compile(
    r"\b(?:(?P<tens>tens|hundreds|dozens)\s+of\s+)?(?P<word>dozens|scores|hundreds|thousands|millions|billions)(?:\s+of\b|(?=\s+(?:have|had|were|are|was|in|more|protested|marched|died|fled|gathered|attended|turned|lined|took|of)\b|[\s,.;]*$|\s*[,.;]))",
    re.IGNORECASE,
)
_VAGUE_SCALE = {"tens": 10.0, "dozens": 12.0, "scores": 20.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTION = re.compile(
    r"\b(?P<num>half|a\s+third|one\s+third|a\s+quarter|one\s+quarter|a\s+fifth|one\s+fifth|two[\s-]thirds|three[\s-]quarters)\s+of\b",
    re.IGNORECASE,
)
_FRACTION_VALUES = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "two thirds": 200 / 3, "three quarters": 75.0}
_HALF_POSITION = re.compile(r"\b(?:first|second|front|rear|back|other|top|bottom|latter|former|early|late|upper|lower|northern|southern|eastern|western)\s+$", re.IGNORECASE)
_ORDINAL_WORDS = re.compile(
    r"\b(?:first|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|"
    r"sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|hundredth|thousandth)\b",
    re.IGNORECASE,
)
_ONE_IN = re.compile(r"\b(?P<a>one|\d+)\s+in\s+(?P<b>(?:" + _SMALL_WORD + r")|\d+)\b", re.IGNORECASE)

_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# One scanner for every number core; the first alternative that matches at a position wins.
_CORE = re.compile(
    r"""(?P<numdate>\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b)
    | (?P<clock>\b\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\b\.?)|\b\d{1,2}:\d{2}(?::\d{2})?(?!\d)|\b\d{1,2}[.:]\d{2}(?=\s?(?:BST|GMT|UTC|ET|EST|EDT|PST|PDT|CET|CEST|local\s+time|hrs)\b))
    | (?P<slash>\b\d{1,4}/\d{1,4}\b(?!/))
    | (?P<ampm>\b\d{1,2}\s?[ap]\.?m\b\.?)
    | (?P<version>\b\d+\.\d+\.\d+(?:\.\d+)*\b)
    | (?P<digits>\d+(?:,\d{3})*(?:\.\d+)?[½¼¾]?)
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CURRENCY_BEFORE = re.compile(
    r"(?P<cur>(?:US|A|AU|C|CA|NZ|HK|S|R)?\$|£|€|¥|₹|₩|\bRs\.?|\b(?:USD|GBP|EUR|CNY|RMB|JPY|INR|AUD|CAD|CHF)|\bNaira|₦)\s?(?P<sign>[-−])?$"
)
_CURRENCY_CODES = {"$": "USD", "US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD",
                   "S$": "SGD", "R$": "BRL", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW", "Rs": "INR", "Rs.": "INR",
                   "RMB": "CNY", "₦": "NGN", "Naira": "NGN"}
_CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "euros": "EUR", "euro": "EUR",
                   "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "yen": "JPY", "pesos": "MXN", "roubles": "RUB",
                   "rubles": "RUB", "naira": "NGN", "rand": "ZAR", "francs": "CHF", "cents": "USD", "pence": "GBP", "p": "GBP"}
_MAGNITUDE = re.compile(
    r"^(?P<gap>\s?)(?P<mag>million|billion|trillion|thousand|hundred|mln|bln|mn|bn|tn|trn|m|b|k|K)(?![\w])",
)
_MAGNITUDES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "K": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
               "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_PERCENT = re.compile(r"^\s?(?:%|per\s?cent\b|percent(?:age\s+points?)?\b|pc\b|percentage\s+points?\b|pct\b)", re.IGNORECASE)
_BASIS_POINTS = re.compile(r"^\s?(?:basis\s+points|bps|bp)\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^(?:\s?[-–—]\s?|\s+to\s+|\s+and\s+)", re.IGNORECASE)
_PLUS = re.compile(r"^\+(?!\d)")
_OR_MORE = re.compile(r"^\s+(?:or\s+(?:more|over|above)|and\s+(?:up|above|over)|plus)\b", re.IGNORECASE)
_OR_SO = re.compile(r"^\s+(?:or\s+so|odd)\b", re.IGNORECASE)
_ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_DECADE = re.compile(r"^'?s\b")
_AGE_AFTER = re.compile(r"^(?:[-\s]years?[-\s]olds?\b|[-\s](?:month|week|day)s?[-\s]olds?\b|\s+years?\s+of\s+age\b|[-\s]yo\b|[-\s](?:month|year|week)s?\s+(?:birthday|anniversary|celebration)\b)", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?:\baged?|\bages|\bat\s+the\s+age\s+of|\bage\s+of)\s+$", re.IGNORECASE)
_AGE_APPOSITION_BEFORE = re.compile(r"\b[A-Z][a-z'’-]+,\s$|\b[A-Z][a-z'’-]+\s\($")
_AGE_APPOSITION_AFTER = re.compile(r"^(?:,|\))")
_STREET = re.compile(
    r"^\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St\b\.?|Avenue|Ave\b\.?|Road|Rd\b\.?|Boulevard|Blvd\b\.?|Lane|Drive|Way|Place|Square|"
    r"Court|Terrace|Parkway|Crescent|Close)\b"
)
_IDENTIFIER_BEFORE = re.compile(
    r"\b(?:Section|Article|Chapter|Proposition|Prop\.?|Amendment|Route|Highway|Interstate|Flight|Room|No\.|Nos\.|Number|Vol\.?|"
    r"Volume|Page|pp?\.|Episode|Season|Game|Week|Phase|Level|Category|Grade|Title|Rule|Bill|Act|Resolution|Ward|District|"
    r"Gate|Terminal|Platform|Channel|Apollo|Windows|iPhone|Galaxy|Formula|Bowl|Tier|Stage|Lot|Unit|Suite|Box|Form|Code|"
    r"Model|Version|Issue|Part|Figure|Table|Class|Division|League|Precinct|Region|Zone|Post|Battalion|Brigade|Squadron|"
    r"Paragraph|Para\.?|Clause|Item|Line|Bus|Tram|Pier|Exit|Berth|Sector)\s?#?$"
)
# The same labels as copy writes them in lower case ("bus route 12", "under section 230"):
# a number right after one names the thing, whatever word follows it ("12 runs" is no cricket score).
_LOWER_IDENTIFIER_BEFORE = re.compile(
    r"\b(?:route|flight|bus|paragraph|clause|chapter|platform|terminal|exit|highway|interstate|section|article)\s#?$"
)
_HASH_BEFORE = re.compile(r"(?:#|№)\s?$")
_TOP_BEFORE = re.compile(r"\b(?:top|number|No\.|last|high|final|best|worst)\s$", re.IGNORECASE)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those|both|latter|former)\s+$", re.IGNORECASE)
_REFERENCE_BEFORE = re.compile(r"\b(?:the|these|those|latter|former|number|us|we|you)\s+(?:\w+\s+)?$", re.IGNORECASE)
_SERIES_BEFORE = re.compile(r"\b(?:season|series|episode|chapter|race|round|stage|game|week|day|level|phase|grade|tier|part|act|book|volume|year|pages?|row|seat|gate|room|unit)\s$", re.IGNORECASE)
_CAPITALISED_NAME_BEFORE = re.compile(r"(?:[^.!?:;\s\"“]\s|[,(]\s?)([A-Z][\w'’.&-]*)\s$")
_EMERGENCY = re.compile(r"\b(?:call(?:ed|ing|s)?|dial(?:led|ed|ing)?|ring|phone|on)\s+$", re.IGNORECASE)
_LIST_MARKER_AFTER = re.compile(r"^\.\s+[“\"']?[A-Z]")
_TURNS_AGE_BEFORE = re.compile(r"\b(?:turns?|turned|turning)\s+$|\b(?:was|is|aged|been|be|being)\s+$", re.IGNORECASE)
_AGE_SUBJECT_BEFORE = re.compile(r"\b(?:(?:he|she|I|who|[A-Z][\w'’-]+),?\s+(?:was|is|would\s+have\s+been|will\s+be|had\s+been)|turns|turned|turning|turn)\s+$")
_AGE_CONTEXT_AFTER = re.compile(r"^\s*(?:when|this\s+year|at\s+the\s+time|on\b|in\b)|^\s*[.,;!)]|^\s*$", re.IGNORECASE)
_YEAR_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|from|until|till|of|during|before|after|early|late|mid|circa|year|season|around|between|through|"
    r"fiscal|FY|class\s+of|spring|summer|autumn|fall|winter|" + _MONTHS + r")\s*[-,]?\s?|\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r",?\s|[(’'])$",
    re.IGNORECASE,
)
_MONTH_BEFORE = re.compile(r"\b" + _MONTHS + r"\.?\s(?:the\s)?$")
_MONTH_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"\b")
_WEEKDAY_BEFORE = re.compile(r"\b" + _WEEKDAYS + r",?\s(?:the\s)?$")
_SCORE_CONTEXT = re.compile(
    r"\b(?:win|wins|won|victory|victories|defeat|defeated|beat|beats|beaten|lost|loss|lose|draw|drew|lead|led|score|scored|"
    r"scoreline|vote|voted|votes|margin|ruled|ruling|decision|game|match|final|half|set|sets|league|cup|innings|nil|goals?|"
    r"tie|tied|series|record|aggregate|triumph|thrash\w*|rout\w*|edge\w*|came\s+back)\b",
    re.IGNORECASE,
)
_DURATION_UNITS = {
    "second": "seconds", "seconds": "seconds", "secs": "seconds", "minute": "minutes", "minutes": "minutes", "mins": "minutes",
    "hour": "hours", "hours": "hours", "hrs": "hours", "day": "days", "days": "days", "week": "weeks", "weeks": "weeks",
    "month": "months", "months": "months", "year": "years", "years": "years", "yrs": "years", "decade": "decades",
    "decades": "decades", "century": "centuries", "centuries": "centuries", "fortnight": "weeks", "nights": "nights",
    "night": "nights",
}
_MEASURE_UNITS = {
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "miles": "miles", "mile": "miles",
    "mi": "miles", "m": "m", "metres": "m", "meters": "m", "metre": "m", "meter": "m", "cm": "cm", "centimetres": "cm",
    "centimeters": "cm", "mm": "mm", "millimetres": "mm", "millimeters": "mm", "ft": "ft", "feet": "ft", "foot": "ft",
    "inches": "in", "inch": "in", "yards": "yd", "yard": "yd", "kg": "kg", "kilograms": "kg", "kilogrammes": "kg", "kilos": "kg",
    "g": "g", "grams": "g", "grammes": "g", "mg": "mg", "milligrams": "mg", "lb": "lb", "lbs": "lb", "tonnes": "t", "tons": "t",
    "tonne": "t", "ton": "t", "ounces": "oz", "oz": "oz", "in": "in", "stone": "st", "litres": "l", "liters": "l", "litre": "l",
    "liter": "l", "gallons": "gal", "gallon": "gal", "barrels": "bbl", "barrel": "bbl", "acres": "acres", "acre": "acres",
    "hectares": "ha", "hectare": "ha", "mph": "mph", "km/h": "km/h", "kmh": "km/h", "kph": "km/h", "knots": "knots",
    "degrees": "degrees", "degree": "degrees", "°c": "°C", "°f": "°F", "c": "°C", "f": "°F", "°": "degrees", "mw": "MW",
    "gw": "GW", "kw": "kW", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "gb": "GB", "tb": "TB", "mb": "MB", "calories": "kcal",
    "kcal": "kcal", "sq": "sq", "square": "sq", "cubic": "cubic", "storeys": "storeys", "floors": "floors", "points": "points",
    "pts": "points", "goals": "goals", "runs": "runs", "wickets": "wickets", "laps": "laps", "votes": "votes", "seats": "seats",
}
# Glued suffixes that make "100m", "5km", "3kg" one token.
_GLUED_UNIT = re.compile(r"^(?:km/h|kmh|kph|km|mph|cm|mm|kg|mg|lbs?|ft|in|mw|gw|kwh|kw|gb|tb|mb|°[cf]|°|m|g|t|c|f)\b", re.IGNORECASE)
_PERIOD_AFTER = re.compile(r"^\s+(?:ago|later|earlier|before|after|prior|previously|since|on|old|away|from\s+now|into)\b", re.IGNORECASE)
_PERIOD_BEFORE = re.compile(
    r"\b(?:past|last|next|previous|coming|first|final|recent|every|each|per|for\s+the\s+(?:first|second|third)\s+time\s+in)\s+(?:just\s+|only\s+|about\s+|around\s+|almost\s+|nearly\s+|over\s+|more\s+than\s+|less\s+than\s+)?$",
    re.IGNORECASE,
)
_APPROX_BEFORE = [
    ("over", re.compile(r"\b(?:more\s+than|over|above|upwards\s+of|upward\s+of|in\s+excess\s+of|north\s+of|exceeding|exceeded|greater\s+than|higher\s+than|beyond|surpass(?:ed|ing)?|topp(?:ed|ing))\s+$", re.IGNORECASE)),
    ("at_least", re.compile(r"\b(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|not\s+less\s+than|a\s+record)\s+$", re.IGNORECASE)),
    ("under", re.compile(r"\b(?:less\s+than|fewer\s+than|under|below|lower\s+than|short\s+of)\s+$", re.IGNORECASE)),
    ("at_most", re.compile(r"\b(?:up\s+to|at\s+most|no\s+more\s+than|as\s+many\s+as|as\s+much\s+as|a\s+maximum\s+of|not\s+more\s+than|as\s+high\s+as)\s+$", re.IGNORECASE)),
    ("nearly", re.compile(r"\b(?:nearly|almost|just\s+under|close\s+to|approaching|just\s+shy\s+of|shy\s+of|not\s+quite|almost\s+exactly)\s+$", re.IGNORECASE)),
    ("about", re.compile(r"(?:\b(?:about|around|approximately|approx\.?|roughly|some|an\s+estimated|estimated|circa|c\.|ca\.|nearly\s+about|upwards|in\s+the\s+region\s+of|something\s+like|a\s+reported|reportedly)\s+|~\s?|≈\s?)$", re.IGNORECASE)),
]
_APPROX_WORD = re.compile(r"(?:Exactly|Precisely|About|Around|Over|Nearly|Almost|Some|Roughly|Approximately|Between|From|Only|Just|Under|Below|Up|More|Less|Fewer|At|By|To|Since|Until|With|Of|And|Or|The|A|An|All|Each|Every|Another|Another|Total|Overall|Estimated)", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
_NEGATIVE_BEFORE = re.compile(r"(?:^|[\s(])[-−]$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NOUN_STOP = frozenset(
    """a an the of in on at to for from by with and or but nor as than then that which who whom whose what when where why how
    is are was were be been being has have had do does did will would shall should can could may might must not no
    it its he she they them their his her our we you your i this these those there here each per every all some any
    more most less fewer over under about around nearly almost into onto upon across against between among within
    during after before since until up down out off so such only also just said says say told according while whereas
    because if though although yet still even ever than via including included plus minus last next ago later earlier""".split()
)
_COLLECTIVE = frozenset("people children men women police staff personnel cattle livestock youth folk clergy crew troops data".split())
_PARTITIVE = re.compile(r"^\s+of\s+(?:the\s+|these\s+|those\s+|its\s+|their\s+|his\s+|her\s+|our\s+|all\s+|them\b)?", re.IGNORECASE)
_LABEL_NOISE = re.compile(r"^(?:number|no\.|total|count|amount)\s+of\s+|^(?:total|number)\s+", re.IGNORECASE)

# Markup that must not be read as numbers ("&#8220;", "<h2>", "](http://x/2019/05)").
_MARKUP = re.compile(
    r"<!--.{0,2000}?-->|<[A-Za-z/!][^<>]{0,1000}>|&#?[A-Za-z0-9]{1,10};|\]\([^()\s]{0,2000}\)|\b(?:https?|ftp)://[^\s<>\"']{1,2000}|"
    r"\bwww\.[^\s<>\"']{1,2000}|[\w.+-]{1,100}@[\w-]{1,100}\.[\w.]{1,100}|\{\{.{0,200}?\}\}",
    re.DOTALL,
)


def mask_markup(text: str) -> str:
    """``text`` with tags, entities, link targets, URLs and e-mail addresses blanked (same length)."""
    return _MARKUP.sub(lambda m: " " * (m.end() - m.start()), text)


# ---------------------------------------------------------------------------
# Parsing


_VULGAR_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}


def _number_from_digits(digits: str) -> float | None:
    if digits[-1:] in _VULGAR_FRACTIONS:  # "6½"
        whole = _number_from_digits(digits[:-1])
        return None if whole is None else whole + _VULGAR_FRACTIONS[digits[-1]]
    plain = digits.replace(",", "")
    if len(plain.replace(".", "")) > _MAX_DIGITS:
        return None
    try:
        value = float(plain)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@lru_cache(maxsize=4096)
def words_value(phrase: str) -> float | None:
    """The value of a spelled-out number ("ten thousand", "a dozen", "half a million")."""
    words = re.split(r"[\s-]+", phrase.lower().strip())
    if not words or len(words) > _MAX_NUMBER_WORDS:
        return None
    factor = 1.0
    if words[:2] in (["half", "a"], ["half", "an"]):
        factor, words = 0.5, ["one", *words[2:]]
    elif words[0] in ("a", "an"):
        words = ["one", *words[1:]]
    if words[-1] == "dozen":
        head = words[:-1] or ["one"]
        base = words_value(" ".join(head)) if head != ["one"] else 1.0
        return None if base is None else base * 12 * factor
    from number_parser import parse_number

    try:
        value = parse_number(" ".join(words))
    except Exception:  # noqa: BLE001 - a library failure on odd input is "not a number"
        value = None
    if value is None and len(words) == 1 and words[0] in _SCALE_WORDS:
        value = _SCALE_WORDS[words[0]]
    return None if value is None else float(value) * factor


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    value: float | None
    kind: str = "number"
    unit: str | None = None
    noun: str | None = None
    approx: str | None = None
    low: float | None = None
    high: float | None = None
    spelled: bool = False


def extract_figures(text: str) -> list[Figure]:
    """Figures in one string, read as one sentence (sentence index 0), offsets into it."""
    from .source_needed import retype_sentence

    return retype_sentence(text, [Figure(sentence=0, text=text[d.start : d.end], **_figure_fields(d)) for d in _scan(mask_markup(text))])


def _figure_fields(d: _Draft) -> dict[str, Any]:
    low, high = d.low, d.high
    if d.value is not None and d.approx is None and low is None and high is None:
        low = high = d.value
    return {"start": d.start, "end": d.end, "value": d.value, "kind": d.kind, "unit": d.unit, "noun": d.noun,
            "approx": d.approx, "low": low, "high": high}


def _scan(masked: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    taken = bytearray(len(masked))  # characters already inside a figure

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def keep(d: _Draft) -> None:
        drafts.append(d)
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)

    for match in _VAGUE_PLURAL.finditer(masked):
        scale = _VAGUE_SCALE[match.group("word").lower()]
        if match.group("tens"):
            scale *= _VAGUE_SCALE[match.group("tens").lower()]
        low, high = 2 * scale, 10 * scale
        start, end = match.start(), match.start("word") + len(match.group("word"))
        d = _Draft(start, end, low, "count", approx="vague", low=low, high=high, spelled=True)
        d.noun = _counted_noun(masked, end)
        keep(d)
    for match in _FRACTION.finditer(masked):
        if not free(match.start(), match.end()) or _HALF_POSITION.search(masked[max(0, match.start() - 12) : match.start()]):
            continue
        key = re.sub(r"^(?:a|one)\s+", "", match.group("num").lower()).replace("-", " ")
        key = re.sub(r"\s+", " ", key)
        value = _FRACTION_VALUES.get(key)
        if value is None:
            continue
        d = _Draft(match.start(), match.start("num") + len(match.group("num")), value, "percent", unit="%", approx="about",
                   low=value * 0.9, high=value * 1.1, spelled=True)
        d.noun = _counted_noun(masked, d.end)
        keep(d)
    for match in _ONE_IN.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        a = _number_from_digits(match.group("a")) if match.group("a")[0].isdigit() else 1.0
        b = _number_from_digits(match.group("b")) if match.group("b")[0].isdigit() else words_value(match.group("b"))
        if a and b and b > a:
            value = 100.0 * a / b
            keep(_Draft(match.start(), match.end(), value, "ratio", unit="%", low=value, high=value,
                        noun=_counted_noun(masked, match.end())))

    for match in _CORE.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        group = match.lastgroup
        if group == "numdate":
            keep(_Draft(match.start(), match.end(), None, "date"))
        elif group in ("clock", "ampm"):
            keep(_Draft(match.start(), match.end(), None, "time"))
        elif group == "version":
            keep(_Draft(match.start(), match.end(), None, "identifier"))  # "2.3.1": a software version
        elif group == "slash":
            keep(_Draft(match.start(), match.end(), None, "identifier"))  # "24/7", "18/30", "9/11"
        else:
            d = _read_digits(masked, match.start(), match.end())
            if d is not None and free(d.start, d.end):
                keep(d)
    for match in _WORD_SEQUENCE.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        d = _read_words(masked, match)
        if d is not None and free(d.start, d.end):
            keep(d)
    for match in _ORDINAL_WORDS.finditer(masked):
        if free(match.start(), match.end()):
            keep(_Draft(match.start(), match.end(), words_value_ordinal(match.group()), "ordinal"))
    drafts.sort(key=lambda d: d.start)
    return drafts


_ORDINAL_VALUES = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_ORDINAL_VALUES.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "thousandth": 1000})


def words_value_ordinal(word: str) -> float | None:
    value = _ORDINAL_VALUES.get(word.lower())
    return None if value is None else float(value)


def _read_digits(masked: str, start: int, end: int) -> _Draft | None:
    digits = masked[start:end]
    before = masked[max(0, start - _CONTEXT) : start]
    prev = masked[start - 1] if start else ""
    nxt = masked[end] if end < len(masked) else ""
    # "G20", "COVID-19", "F-35", "H1N1": a number glued to letters names a thing.
    if prev in "-–/" and start >= 2 and masked[start - 2].isdigit():
        return None  # the second half of a score or code whose first half was read already
    if prev.isalpha() or (prev in "-_/" and start >= 2 and masked[start - 2].isalpha()) or prev == "_":
        end = _glued_end(masked, end)
        return _Draft(start, end, None, "identifier")
    if digits.endswith("."):
        digits, end = digits[:-1], end - 1
    after = masked[end : end + _CONTEXT]
    if (prev == "." and (start < 2 or not masked[start - 2].isalnum())) or (prev == "[" and after[:1] == "]") or (
        len(digits) > 1 and digits[0] == "0" and digits[1:2].isdigit()
    ) or re.search(r"[\"']\w+[\"']\s*:\s*$", before) or re.match(r"^-\d+-\d", after):
        return _Draft(start, _glued_end(masked, end), None, "identifier")  # ".45", "[13]", "007", JSON ids, "1-2-3"
    if _LIST_MARKER_AFTER.match(after) and (not before.strip() or re.search(r"[.!?:\"“”']\s*$", before)):
        return _Draft(start, end, None, "other")  # a list marker: "1. This is ..."
    if digits in ("911", "999", "101", "112", "111") and (_EMERGENCY.search(before) or re.match(r"^\s+call", after)):
        return _Draft(start, end, None, "identifier")
    name = _CAPITALISED_NAME_BEFORE.search(before)
    if name and not name.group(1).endswith((".", "'s", "’s")) and not _CURRENCY_BEFORE.search(before) and name.group(1).lower() not in _NOUN_STOP and not re.fullmatch(
        _MONTHS + r"\.?|" + _WEEKDAYS, name.group(1)
    ) and not _APPROX_WORD.fullmatch(name.group(1)):
        return _Draft(start, _glued_end(masked, end) if nxt.isalpha() else end, None, "identifier")  # "Maroon 5", "London 2012"
    value = _number_from_digits(digits)
    if value is None:
        return _Draft(start, _glued_end(masked, end), None, "identifier")
    if (_IDENTIFIER_BEFORE.search(before) or _LOWER_IDENTIFIER_BEFORE.search(before)) and "," not in digits:
        return _Draft(start, end, value, "identifier")  # "Route 12 runs", "Paragraph 3 covers": a label, not a count
    after = masked[end : end + _CONTEXT]
    suffix = _ORDINAL_SUFFIX.match(after)
    if suffix:
        if _MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before):
            return _Draft(start, end + suffix.end(), None, "date")
        return _Draft(start, end + suffix.end(), value, "ordinal")
    if nxt.isalpha() and not _GLUED_UNIT.match(after) and not _MAGNITUDE.match(after) and not re.match(r"^'?s\b", after):
        # "4G", "3D", "2nd" handled; anything else glued is a code.
        return _Draft(start, _glued_end(masked, end), None, "identifier")

    d = _Draft(start, end, value)
    _read_around(masked, d, spelled=False, digits=digits)
    return d


_DIGITS = re.compile(r"\d+(?:\.\d+)*")


def labelled_identifiers(text: str) -> frozenset[str]:
    """The numbers a label word names a thing with: "Route 12", "paragraph 3", "Section 230"."""
    found = set()
    for match in _DIGITS.finditer(text):
        before = text[max(0, match.start() - _CONTEXT) : match.start()]
        if _IDENTIFIER_BEFORE.search(before) or _LOWER_IDENTIFIER_BEFORE.search(before):
            found.add(match.group())
    return frozenset(found)


def _glued_end(masked: str, end: int) -> int:
    limit = min(len(masked), end + 40)
    while end < limit and (masked[end].isalnum() or (masked[end] in "-_/." and end + 1 < limit and masked[end + 1].isalnum())):
        end += 1
    return end


def _read_words(masked: str, match: re.Match) -> _Draft | None:
    phrase = match.group()
    words = re.split(r"[\s-]+", phrase.lower().strip())
    if words == ["one"] or words == ["zero"]:
        after = masked[match.end() : match.end() + 20]
        if not re.match(r"^\s+in\s+\w", after):
            return None  # "one of the largest", "no one": a pronoun, not a count
    if words in (["second"],):
        return None
    value = words_value(phrase)
    if value is None:
        return _Draft(match.start(), match.end(), None, "other", spelled=True)
    before = masked[max(0, match.start() - _CONTEXT) : match.start()]
    after = masked[match.end() : match.end() + _CONTEXT]
    mid_sentence = bool(before.strip()) and not re.search(r"[.!?:\"“‘(]\s*$", before)
    if phrase[:1].isupper() and mid_sentence:
        return _Draft(match.start(), match.end(), None, "identifier", spelled=True)  # "Six Flags", "Fifty Shades", "BBC Two"
    if _IDENTIFIER_BEFORE.search(before) or _SERIES_BEFORE.search(before):
        return _Draft(match.start(), match.end(), None, "identifier", spelled=True)  # "season two", "race eight"
    if _TOP_BEFORE.search(before):
        return _Draft(match.start(), match.end(), value, "ordinal", spelled=True)  # "top five", "the last eight"
    d = _Draft(match.start(), match.end(), value, spelled=True)
    _read_around(masked, d, spelled=True, digits=None)
    if d.approx is None and d.value is not None and d.value <= 10 and (
        (d.kind == "number" and _REFERENCE_BEFORE.search(before)) or (d.kind in ("number", "count") and _DEFINITE_BEFORE.search(before))
    ):
        d.kind = "other"  # "the two", "these two", "baby number two": a reference, not a count
    return d


def _read_around(masked: str, d: _Draft, *, spelled: bool, digits: str | None) -> None:
    """Extend a number core with the words around it and decide its kind."""
    start, end, value = d.start, d.end, d.value
    before = masked[max(0, start - _CONTEXT) : start]
    after = masked[end : end + _CONTEXT]

    # Currency before ("$", "US$", "£", "Rs").
    currency = None
    cur = _CURRENCY_BEFORE.search(before)
    if cur:
        currency = _CURRENCY_CODES.get(cur.group("cur").strip(), cur.group("cur").strip().upper())
        start -= len(cur.group())
        if cur.group("sign"):
            value = -value
        before = masked[max(0, start - _CONTEXT) : start]
    elif digits is not None and _NEGATIVE_BEFORE.search(masked[max(0, start - 2) : start]):
        value, start = -value, start - 1
        before = masked[max(0, start - _CONTEXT) : start]

    # Magnitude ("1.2 million", "$45bn", "3m").
    mag = _MAGNITUDE.match(after)
    if mag and not spelled:
        word = mag.group("mag")
        short = word in ("m", "b", "k", "K")
        glued = not mag.group("gap")
        plural_follows = re.match(r"^\s+[a-z]+s\b", after[mag.end() :]) is not None
        if not short or (currency is not None and (glued or word != "b")) or (
            word == "m" and glued and ("." in (digits or "") or plural_follows) and not re.match(r"^\s+(?:race|sprint|freestyle|hurdles|relay|dash|butterfly|backstroke|breaststroke|medley|high|deep|long|wide|tall)\b", after[mag.end():], re.IGNORECASE)
        ) or (word in ("k", "K") and glued):
            value *= _MAGNITUDES[word]
            end += mag.end()
            after = masked[end : end + _CONTEXT]
    elif mag and spelled and mag.group("mag") in ("million", "billion", "trillion", "thousand"):
        # "five million" is one phrase already; "a hundred thousand" too.
        pass

    # Prefix qualifiers.
    approx = None
    for name, pattern in _APPROX_BEFORE:
        found = pattern.search(before)
        if found:
            approx = name
            start -= len(found.group())
            break
    between = _BETWEEN_BEFORE.search(before) if approx is None else None

    # Ranges: "10-15", "10 to 15", "between 10 and 15", "$1m-$2m".
    low = high = None
    join = _RANGE_JOIN.match(after)
    if join and (join.group().strip() not in ("and",) or between):
        rest = after[join.end() :]
        second = re.match(r"^(?:(?:US|A|C)?\$|£|€|¥)?\s?(\d+(?:,\d{3})*(?:\.\d+)?)(?!\d)(?![/.:]\d)", rest)
        second_value = None
        second_len = 0
        if second and not spelled:
            second_value = _number_from_digits(second.group(1))
            second_len = second.end()
            tail = rest[second_len:]
            mag2 = _MAGNITUDE.match(tail)
            if second_value is not None and mag2 and (mag2.group("mag") not in ("m", "b", "k", "K") or currency):
                second_value *= _MAGNITUDES[mag2.group("mag")]
                second_len += mag2.end()
            elif second_value is not None and mag and mag.group("mag") in _MAGNITUDES and value >= 1000 and second_value < 1000:
                second_value *= _MAGNITUDES[mag.group("mag")]
        elif spelled:
            second = re.match(r"^(?:" + _NUMBER_WORD + r")(?:[\s-]+(?:" + _NUMBER_WORD + r"))*\b", rest, re.IGNORECASE)
            if second:
                second_value = words_value(second.group())
                second_len = second.end()
        if second_value is not None:
            is_dash = join.group().strip() in ("-", "–", "—")
            score_like = (
                is_dash
                and digits is not None
                and "," not in digits
                and "." not in digits
                and value < 200
                and second_value < 200
                and (second_value <= value or _SCORE_CONTEXT.search(masked[max(0, start - 60) : min(len(masked), end + second_len + join.end() + 40)]))
                and not _PERCENT.match(rest[second_len:])
                and not re.match(r"^\s?(?:[a-z]+\s+)?(?:" + "|".join(sorted(_DURATION_UNITS)) + r")\b", rest[second_len:])
                and not (second_value > value and _counted_noun(rest, second_len) is not None)
            )
            if score_like:
                d.start, d.end, d.value, d.kind = start, end + join.end() + second_len, None, "score"
                d.low, d.high = value, second_value
                return
            if digits is not None and len(digits) == 4 and 1500 <= value <= 2100 and (
                (is_dash and second_value <= 99) or (1500 <= second_value <= 2100 and float(second_value).is_integer())
            ):
                d.start, d.end, d.value, d.kind = start, end + join.end() + second_len, value, "year"
                return
            if second_value > value or between:
                low, high = value, second_value
                end += join.end() + second_len
                if between:
                    start -= len(between.group())
                approx = "range"
                after = masked[end : end + _CONTEXT]
                value = (low + high) / 2

    # Suffix qualifiers: "1,500+", "1,000 or more", "100 or so".
    plus = _PLUS.match(after)
    if plus and approx is None:
        approx, end = "at_least", end + 1
        after = masked[end : end + _CONTEXT]
    else:
        more = _OR_MORE.match(after)
        if more and approx is None:
            approx, end = "at_least", end + more.end()
            after = masked[end : end + _CONTEXT]
        so = _OR_SO.match(after)
        if so and approx is None:
            approx, end = "about", end + so.end()
            after = masked[end : end + _CONTEXT]

    kind, unit = "number", currency
    if currency is not None:
        kind = "money"
    pct = _PERCENT.match(after)
    bps = _BASIS_POINTS.match(after)
    if pct and currency is None:
        kind, unit = "percent", "%"
        if "point" in pct.group().lower():
            unit = "percentage points"
        end += pct.end()
        after = masked[end : end + _CONTEXT]
    elif bps and currency is None:
        kind, unit = "percent", "bp"
        end += bps.end()
        after = masked[end : end + _CONTEXT]

    if kind == "number":
        word_match = re.match(r"^(\s?|-)([A-Za-z°][A-Za-z°/]*)", after)
        if word_match:
            gap, word = word_match.group(1), word_match.group(2)
            lower = word.lower()
            if lower in _CURRENCY_WORDS and not re.match(r"^\s?pounds?\s+of\b", after, re.IGNORECASE) and (gap or lower == "p"):
                if lower in ("cents", "pence", "p"):
                    value = value / 100.0 if value is not None else None
                kind, unit = "money", _CURRENCY_WORDS[lower]
                end += word_match.end()
                after = masked[end : end + _CONTEXT]
            elif lower in _DURATION_UNITS and gap and not (gap == "-" and re.match(r"^-\w+-old", after)):
                kind, unit = "duration", _DURATION_UNITS[lower]
                end += word_match.end()
                after = masked[end : end + _CONTEXT]
            elif gap == "-" and lower not in _MEASURE_UNITS:
                pass
            elif (gap and lower in _MEASURE_UNITS and not (lower in ("m", "g", "t", "c", "f", "mi", "sq", "square", "cubic", "in") and gap)) or (
                not gap and _GLUED_UNIT.match(after)
            ):
                if not gap:
                    glued = _GLUED_UNIT.match(after)
                    lower = glued.group().lower()
                    end += glued.end()
                else:
                    end += word_match.end()
                kind, unit = "measure", _MEASURE_UNITS.get(lower, lower)
                after = masked[end : end + _CONTEXT]

    # Years, dates, ages, addresses, identifiers: numbers that are not statistics.
    integer = value is not None and float(value).is_integer()
    plain_digits = digits is not None and "," not in digits and "." not in digits
    if kind == "number" and plain_digits and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        d.start, d.end, d.value, d.kind = (d.start, end, value, "year" if len(digits) == 4 else "date")
        return
    if kind == "number" and plain_digits and approx is None:
        if _DECADE.match(after) and len(digits) in (2, 4):
            d.start, d.end, d.value, d.kind = start, end + _DECADE.match(after).end(), value, "year"
            return
        if _MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after) or _WEEKDAY_BEFORE.search(before):
            d.start, d.end, d.value, d.kind = start, end, value, ("year" if len(digits) == 4 else "date")
            return
        if len(digits) == 4 and 1600 <= value <= 2100 and not _counts_something(after):
            d.start, d.end, d.value, d.kind = start, end, value, "year"
            return
        if len(digits) == 4 and 1600 <= value <= 2100 and _YEAR_CONTEXT_BEFORE.search(before):
            d.start, d.end, d.value, d.kind = start, end, value, "year"
            return
        if _STREET.match(masked[end : end + 60]):
            d.start, d.end, d.value, d.kind = start, end, value, "address"
            return
        if _IDENTIFIER_BEFORE.search(before) or _HASH_BEFORE.search(before) or (
            _SERIES_BEFORE.search(before) and _counted_noun(masked, end) is None
        ):
            d.start, d.end, d.value, d.kind = start, end, value, "identifier"
            return
        if _TOP_BEFORE.search(before) and value <= 100:
            d.start, d.end, d.value, d.kind = start, end, value, "ordinal"
            return
    if kind in ("number", "duration") and approx is None and integer and value is not None and 0 < value < 125:
        age_after = _AGE_AFTER.match(masked[d.end : d.end + 40])
        if age_after:
            d.start, d.end, d.value, d.kind = start, d.end + age_after.end(), value, "age"
            return
        apposition = _AGE_APPOSITION_BEFORE.search(before) or (
            (word := re.search(r"\b([^\W\d_][^\W\d_'’-]*),\s(?:then\s|now\s)?$", before)) is not None and word.group(1).lower() not in _NOUN_STOP
        )
        if kind == "number" and (_AGE_BEFORE.search(before) or (
            apposition and (_AGE_APPOSITION_AFTER.match(after) or re.match(r"^[.!]?\s*$", after[:3])) and plain_digits
        ) or (_AGE_SUBJECT_BEFORE.search(before) and _AGE_CONTEXT_AFTER.match(after) and plain_digits)):
            d.start, d.end, d.value, d.kind = start, end, value, "age"
            return
    if kind == "duration" and (_PERIOD_AFTER.match(after) or _PERIOD_BEFORE.search(masked[max(0, start - _CONTEXT) : start])):
        kind = "period"
    if kind == "duration" and re.match(r"^\s?(?:birthday|anniversary|celebration)\b", after, re.IGNORECASE):
        kind = "age"
    if kind == "duration" and re.search(r"[A-Z]", masked[d.end : end]) and not masked[d.end : end].isupper():
        kind = "identifier"  # "12 Years a Slave", "How to Lose a Guy in 10 Days": a title
    if kind == "duration" and re.match(r"^[-\s]old\b", after, re.IGNORECASE):
        kind = "age"

    noun = None
    if kind in ("number", "percent", "money", "measure", "ratio"):
        noun = _counted_noun(masked, end)
        if kind == "number" and noun is not None:
            kind = "count"
    d.start, d.end, d.value, d.kind, d.unit, d.noun, d.approx = start, end, value, kind, unit, noun, approx
    if approx is not None and value is not None:
        d.low, d.high = _approx_bounds(approx, value, low, high)


def _counts_something(after: str) -> bool:
    """Whether a plural noun follows ("2000 people"), which makes a 4-digit number a count, not a year."""
    word = re.match(r"^\s+(?:[a-z][a-z-]*\s+){0,2}([a-z]+)\b", after)
    return bool(word and (word.group(1).endswith("s") or word.group(1) in _COLLECTIVE) and word.group(1) not in _NOUN_STOP)


def _approx_bounds(approx: str, value: float, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    if approx == "range":
        return low, high
    magnitude = abs(value)
    if approx in ("over", "at_least"):
        return value, None
    if approx in ("under", "at_most"):
        return (0.0 if value >= 0 else None), value
    if approx == "nearly":
        return value - 0.15 * magnitude, value
    if approx == "about":
        return value - 0.15 * magnitude, value + 0.15 * magnitude
    return low, high


def _counted_noun(masked: str, end: int) -> str | None:
    """The noun a number counts: the head of the words right after it ("1,500 telecom fraud suspects")."""
    after = masked[end : end + _CONTEXT]
    partitive = _PARTITIVE.match(after)
    if partitive:
        after = after[partitive.end() :]
    words: list[str] = []
    position = 0
    for match in _WORD.finditer(after):
        between = after[position : match.start()]
        if between.strip(" \t-") or (words and "\n" in between):
            break  # punctuation ends the phrase
        if words and len(between) > 2:
            break
        if not words and between and not between.isspace() and between != "-":
            break
        word = match.group().strip("'’-")
        lower = word.lower()
        if lower in _NOUN_STOP or not word:
            break
        words.append(word)
        position = match.end()
        if len(words) >= 4:
            break
    if not words:
        return None
    for word in words:
        lower = word.lower()
        if lower in _COLLECTIVE or lower.endswith("men") or (lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 2):
            return lower
    head = words[0].lower()
    if head.endswith(("ed", "ing", "ly")) or head in _MEASURE_UNITS or head in _DURATION_UNITS:
        return None
    return head


# ---------------------------------------------------------------------------
# Documents


def document_figures(document: "Document") -> list[Figure]:
    """Every figure of a segmented document, in reading order, offsets into ``document.text``."""
    from .source_needed import retype_sentence

    figures: list[Figure] = []
    for sentence in document.sentences:
        if sentence.kind == "heading":
            # Headlines restate body figures; counting them would double every figure.
            drafts = _scan(mask_markup(sentence.text))
            figures.extend(_to_figures(sentence, drafts, None))
            continue
        drafts = _scan(mask_markup(sentence.text))
        table = _table_context(sentence) if sentence.kind == "table_row" else None
        found = _to_figures(sentence, drafts, table)
        figures.extend(found if table is not None else retype_sentence(sentence.text, found, sentence.start))
    return figures


def analysis_figures(analysis: "Analysis") -> list[Figure]:
    """The document's figures, computed once per document for every check that asks."""
    return analysis.memo("figures", lambda a: document_figures(a.document))


def _to_figures(sentence: "Sentence", drafts: list[_Draft], table: "_TableContext | None") -> list[Figure]:
    out = []
    for d in drafts:
        fields = _figure_fields(d)
        fields["start"] += sentence.start
        fields["end"] += sentence.start
        label = None
        if table is not None:
            label, noun = table.label_for(d.start)
            if fields["kind"] == "number":
                fields["kind"] = "count" if noun else "number"
            if fields["noun"] is None and fields["kind"] in STATISTIC_KINDS:
                fields["noun"] = noun
        out.append(Figure(sentence=sentence.index, text=sentence.text[d.start : d.end], label=label, **fields))
    return out


class _TableContext:
    """Which cell a position in a table row falls in, and the row and column labels of that cell."""

    def __init__(self, sentence: "Sentence"):
        self.text = sentence.text
        self.cells = sentence.cells or ()
        self.header = sentence.header or ()
        self.html = "<" in self.text and re.search(r"<t[dh]\b", self.text, re.IGNORECASE) is not None

    def cell_index(self, offset: int) -> int:
        head = self.text[:offset]
        if self.html:
            return max(0, len(re.findall(r"<t[dh]\b", head, re.IGNORECASE)) - 1)
        pipes = len(re.findall(r"(?<!\\)\|", head))
        return max(0, pipes - (1 if self.text.lstrip().startswith("|") else 0))

    def label_for(self, offset: int) -> tuple[str | None, str | None]:
        index = self.cell_index(offset)
        row_label = self.cells[0] if self.cells and index > 0 else None
        column = self.header[index] if index < len(self.header) else None
        if column and _generic_column(column):
            column = None
        label = " / ".join(x for x in (row_label, column) if x) or None
        noun = None
        for candidate in (row_label, column):
            if candidate:
                noun = _label_noun(candidate)
                if noun:
                    break
        return label, noun


def _generic_column(name: str) -> bool:
    return name.strip().lower() in ("value", "values", "figure", "figures", "number", "count", "total", "amount", "result", "results", "data")


def _label_noun(label: str) -> str | None:
    """The counted noun in a row label: "Number of Call Centers Raided" -> "centers"."""
    text = _LABEL_NOISE.sub("", label.strip())
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if w not in _NOUN_STOP]
    for word in words:
        if word in _COLLECTIVE or (word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2):
            return word
    return None


def _table_context(sentence: "Sentence") -> _TableContext:
    return _TableContext(sentence)


# ---------------------------------------------------------------------------
# Consistency across the article


@dataclass(frozen=True, slots=True)
class Issue:
    """A figure that does not fit the others: where, which sentences it conflicts with, and why."""

    sentence: int
    related: tuple[int, ...]
    score: float
    message: str
    kind: str
    evidence: dict[str, Any]


# Rule confidences, not trained probabilities: arithmetic facts score higher than
# judgements of scale. They order flags; they are not tuned to any data.
_SCORE_SUM = 0.9
_SCORE_SHARE = 0.9
_SCORE_APPROX = 0.8
_SCORE_MAGNITUDE = 0.7
_OUT_OF_LINE = 10.0  # an order of magnitude from the others
_SAME_SCALE = 3.0  # figures within this factor plausibly count the same thing
_GENERIC_NOUNS = frozenset("people persons individuals men women total in all".split())
_TOTAL_BEFORE = re.compile(r"\b(?:a\s+total\s+of|in\s+total|in\s+all|altogether|total(?:ling|ing)?|overall|combined)\s+(?:of\s+)?$", re.IGNORECASE)
_TOTAL_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:in\s+total|in\s+all|altogether|combined)\b", re.IGNORECASE)
_INCLUDING_AFTER = re.compile(r"^[^.;]{0,60}?(?:,\s*|\s+)(?P<how>including|among\s+them|of\s+whom|of\s+which|:|—|–)\s", re.IGNORECASE)
_GROWTH = re.compile(r"\b(?:rose|rise|rises|risen|increase[sd]?|up|grew|grow|growth|jump(?:ed|s)?|surge[sd]?|higher|more|gain(?:ed|s)?|"
                     r"soar(?:ed|s)?|climb(?:ed|s)?|fell|fall|drop(?:ped|s)?|decline[sd]?|down|lower|cut|increase|boost(?:ed)?|than|times)\b",
                     re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:while|whereas|compared|versus|vs\.?|against|than|but)\b", re.IGNORECASE)


def consistency_issues(figures: list[Figure], document: "Document | None" = None) -> list[Issue]:
    """Figures that do not fit the rest of the article (see the module docstring of the figures check)."""
    quantities = (_as_quantity(f) for f in figures)
    stats = [f for f in quantities if f.is_statistic and f.value is not None and math.isfinite(f.value)]
    issues: list[Issue] = []
    issues += _out_of_line(stats, document)
    issues += _incompatible_approximations(stats, document)
    issues += _sums(stats, document)
    issues += _shares(stats, document)
    # One issue per sentence and kind is enough for an editor.
    seen: set[tuple[int, str]] = set()
    unique = []
    for issue in issues:
        key = (issue.sentence, issue.kind)
        if key not in seen:
            seen.add(key)
            unique.append(issue)
    return unique


def _as_quantity(f: Figure) -> Figure:
    """A figure retyped by the sentence around it (``detector.source_needed``) as the quantity it is: whether six
    leaders and four suspects need a source, they still have to add up to the total."""
    if f.value is None or f.kind not in ("event", "price", "dimension", "record"):
        return f
    if f.kind == "price" or (f.kind == "record" and f.unit is not None and len(f.unit) == 3 and f.unit.isupper()):
        kind = "money"
    elif f.kind == "dimension" or (f.kind == "record" and f.unit is not None and f.unit not in ("%",)):
        kind = "measure"
    elif f.unit in ("%", "bp", "percentage points"):
        kind = "percent"
    else:
        kind = "count" if f.noun else "number"
    return replace(f, kind=kind)


def _where(document: "Document | None", sentence: int) -> str:
    if document is None or sentence >= len(document.sentences):
        return f"sentence {sentence + 1}"
    return f"line {document.line_col(document.sentences[sentence].start)[0]}"


def _describe(f: Figure) -> str:
    what = f.label or f.noun
    return f'"{f.text}"' + (f" {what}" if what and what.lower() not in f.text.lower() else "")


def _countable(f: Figure) -> bool:
    return f.kind in ("count", "number") and f.noun_key is not None and f.value is not None and f.value > 0


def _out_of_line(stats: list[Figure], document) -> list[Issue]:
    groups: dict[str, list[Figure]] = {}
    for f in stats:
        if _countable(f):
            groups.setdefault(f.noun_key, []).append(f)
    issues = []
    for noun, group in groups.items():
        if len({f.sentence for f in group}) < 3:
            continue
        for f in group:
            others = [g for g in group if g.sentence != f.sentence]
            values = sorted(g.value for g in others)
            if len(values) < 2 or values[-1] / values[0] > _SAME_SCALE:
                continue
            middle = values[len(values) // 2]
            ratio = max(f.value / middle, middle / f.value)
            if ratio >= _OUT_OF_LINE:
                related = tuple(sorted({g.sentence for g in others}))
                shown = ", ".join(_describe(g) for g in others[:3])
                issues.append(Issue(
                    f.sentence, related, _SCORE_MAGNITUDE,
                    f"{_describe(f)} is {ratio:,.0f} times off the other figures for {noun}s in the article ({shown}).",
                    "magnitude", {"figure": f.to_dict(), "others": [g.to_dict() for g in others[:5]], "ratio": round(ratio, 2)},
                ))
    return issues


def _incompatible_approximations(stats: list[Figure], document) -> list[Issue]:
    issues = []
    for i, later in enumerate(stats):
        for earlier in stats[:i]:
            if earlier.sentence == later.sentence or earlier.noun_key is None or earlier.noun_key != later.noun_key:
                continue
            if earlier.kind != later.kind or earlier.unit != later.unit:
                continue
            if earlier.approx is None and later.approx is None:
                continue  # two exact figures that differ are the contradiction check's business
            if "vague" in (earlier.approx, later.approx):
                continue
            scale = max(earlier.value, later.value) / max(min(earlier.value, later.value), 1e-9)
            if scale > _SAME_SCALE or compatible(earlier, later):
                continue
            issues.append(Issue(
                later.sentence, (earlier.sentence,), _SCORE_APPROX,
                f"{_describe(later)} cannot be the same figure as {_describe(earlier)} at {_where(document, earlier.sentence)}.",
                "approximation", {"figure": later.to_dict(), "other": earlier.to_dict()},
            ))
            break
    return issues


def _coordinated_parts(sentence_stats: list[Figure], text_of) -> list[list[Figure]]:
    """Runs of counts joined by "and" or commas in one sentence: "six leaders and four suspects"."""
    counts = [f for f in sentence_stats if f.kind == "count" and f.approx is None]
    runs: list[list[Figure]] = []
    current: list[Figure] = []
    for f in counts:
        if current:
            gap = text_of(current[-1].end, f.start)
            words = gap.split()
            joined = (
                len(words) <= 4
                and re.search(r"(?:^|\s|,)(?:and|,)(?:\s|$)|,", gap)
                and not re.search(r"[.;:—–]|\b(?:including|among|of\s+whom|of\s+which|out\s+of|of)\b", gap)
            )
            if joined:
                current.append(f)
                continue
            if len(current) >= 2:
                runs.append(current)
        current = [f]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _sums(stats: list[Figure], document) -> list[Issue]:
    if document is None:
        return []
    text = document.text

    def text_of(a: int, b: int) -> str:
        return text[a:b] if 0 <= a <= b and b - a <= 400 else " . "

    by_sentence: dict[int, list[Figure]] = {}
    for f in stats:
        by_sentence.setdefault(f.sentence, []).append(f)
    issues = []
    for sentence, group in by_sentence.items():
        for parts in _coordinated_parts(group, text_of):
            total_of_parts = sum(p.value for p in parts)
            nouns = {p.noun_key for p in parts if p.noun_key}
            candidates: list[tuple[Figure, bool]] = []  # (total, whether the parts may be a subset)
            for f in group:
                if f in parts or f.kind != "count" or f.start > parts[0].start:
                    continue
                after = text_of(f.end, parts[0].start)
                including = _INCLUDING_AFTER.match(after + " ")
                if including:
                    candidates.append((f, including.group("how").lower() in ("including", "among them")))
            for other in range(max(0, sentence - 3), sentence + 4):
                if other == sentence:
                    continue
                for f in by_sentence.get(other, []):
                    if f.kind != "count" or f.value <= max(p.value for p in parts):
                        continue
                    flagged_total = _TOTAL_BEFORE.search(text_of(max(0, f.start - 30), f.start)) or _TOTAL_AFTER.match(text_of(f.end, f.end + 60))
                    same_thing = f.noun_key in nouns or (f.noun_key in _GENERIC_NOUNS) or f.noun_key is None
                    close = 0.5 <= total_of_parts / f.value <= 2.0
                    if same_thing and (flagged_total or close) and not _in_coordination(f, by_sentence.get(other, []), text_of):
                        candidates.append((f, False))
            for total, subset_ok in candidates[:1]:
                if total.approx is not None:
                    fits = (total.low is None or total_of_parts >= total.low * 0.999) and (total.high is None or total_of_parts <= total.high * 1.001)
                else:
                    fits = abs(total_of_parts - total.value) <= max(_rounding_step(total.text) / 2, 1e-9)
                if subset_ok:
                    fits = total_of_parts <= (total.high if total.high is not None else total.value * 1.001)
                if fits:
                    continue
                shown = " + ".join(f'"{p.text}"' for p in parts)
                where = "" if total.sentence == sentence else f" at {_where(document, total.sentence)}"
                relation = "more than" if subset_ok else "not"
                issues.append(Issue(
                    sentence, tuple(sorted({total.sentence} - {sentence})), _SCORE_SUM,
                    f"The parts {shown} add up to {total_of_parts:,.0f}, {relation} the total {_describe(total)}{where}.",
                    "sum", {"parts": [p.to_dict() for p in parts], "total": total.to_dict(), "sum": total_of_parts},
                ))
    return issues


def _in_coordination(f: Figure, group: list[Figure], text_of) -> bool:
    return any(f in run for run in _coordinated_parts(group, text_of))


def _shares(stats: list[Figure], document) -> list[Issue]:
    text = document.text if document is not None else None
    issues = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in stats:
        if f.kind == "percent" and f.unit == "%" and f.approx not in ("vague",):
            by_sentence.setdefault(f.sentence, []).append(f)
    for sentence, shares in by_sentence.items():
        sentence_text = document.sentences[sentence].text if document is not None else ""
        for f in shares:
            before = text[max(0, f.start - 40) : f.start] if text is not None else ""
            after = text[f.end : f.end + 12] if text is not None else ""
            if f.value > 100 and re.match(r"^\s+of\b", after) and not _GROWTH.search(before):
                issues.append(Issue(
                    sentence, (), _SCORE_SHARE, f"{_describe(f)} is a share of more than 100%.", "share",
                    {"figure": f.to_dict()},
                ))
        if len(shares) >= 2 and not _GROWTH.search(sentence_text) and not _CONTRAST.search(sentence_text):
            nouns = {f.noun_key for f in shares}
            total = sum(f.value for f in shares)
            if len(nouns) == 1 and total > 100.5:
                shown = " + ".join(f'"{f.text}"' for f in shares)
                issues.append(Issue(
                    sentence, (), _SCORE_SHARE, f"The shares {shown} add up to {total:g}%, more than the whole.", "share_sum",
                    {"figures": [f.to_dict() for f in shares], "sum": total},
                ))
    return issues
