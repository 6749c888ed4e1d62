"""The words and patterns figures are read with: number words, currencies, magnitudes, units, qualifiers,
the context that types a number; and the values of digit runs and spelled-out numbers.

Every pattern is bounded (no nested quantifiers; context windows of fixed width), so cost is linear in the text.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# Digit runs longer than this are identifiers (phone numbers, ids), not quantities;
# it also keeps float conversion finite for "1" * 100,000.
_MAX_DIGITS = 21


_MAX_NUMBER_WORDS = 12


_CONTEXT = 80  # characters read on either side of a figure


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
    | (?P<digits>\d+(?:,\d{3})*(?:\.\d+)?)
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


def _number_from_digits(digits: str) -> float | None:
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
