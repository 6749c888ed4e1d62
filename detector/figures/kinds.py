"""Typing a number: the words around it say what it is (money, a percent, a count of suspects,
an age, a year, a street number...), how exact it is and what it counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import (
    _AGE_AFTER,
    _AGE_APPOSITION_AFTER,
    _AGE_APPOSITION_BEFORE,
    _AGE_BEFORE,
    _AGE_CONTEXT_AFTER,
    _AGE_SUBJECT_BEFORE,
    _APPROX_BEFORE,
    _BASIS_POINTS,
    _BETWEEN_BEFORE,
    _COLLECTIVE,
    _CONTEXT,
    _CURRENCY_BEFORE,
    _CURRENCY_CODES,
    _CURRENCY_WORDS,
    _DECADE,
    _DURATION_UNITS,
    _GLUED_UNIT,
    _HASH_BEFORE,
    _IDENTIFIER_BEFORE,
    _MAGNITUDE,
    _MAGNITUDES,
    _MEASURE_UNITS,
    _MONTH_AFTER,
    _MONTH_BEFORE,
    _NEGATIVE_BEFORE,
    _NOUN_STOP,
    _NUMBER_WORD,
    _OR_MORE,
    _OR_SO,
    _PARTITIVE,
    _PERCENT,
    _PERIOD_AFTER,
    _PERIOD_BEFORE,
    _PLUS,
    _RANGE_JOIN,
    _SCORE_CONTEXT,
    _SERIES_BEFORE,
    _STREET,
    _TOP_BEFORE,
    _WEEKDAY_BEFORE,
    _WORD,
    _YEAR_CONTEXT_BEFORE,
    _number_from_digits,
    words_value,
)


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
