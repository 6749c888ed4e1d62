"""contradiction.numeric: when two figures of one article disagree.

The figures come from the figures family (``detector.figures``, shared through
``analysis.memo("figures", ...)``), mapped by ``cues.as_number`` onto the few fields
this check needs (``Number``: value, unit, counted noun, approximation and bounds).
Only statistics, ages and scores count here: years and dates are the date cues' job,
identifiers and ordinals are not quantities. ``cues.read_numbers`` is kept for the
training edits, which need to rewrite a number in place.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .cue_pairs import CUE_FEATURES, CueTable
from .cues import Number

# Approximate figures ("about 1,200", "nearly 50%") reconcile within this share.
APPROXIMATE_TOLERANCE = 0.15


@dataclass(frozen=True, slots=True)
class FigureClash:
    first: Number
    second: Number
    noun: str
    unit: str
    relative_difference: float
    approximate: bool
    shared_keys: int  # how many (noun, unit) both sentences count


def _key(n: Number) -> tuple[str, str] | None:
    if n.noun:
        return (n.noun, n.unit)
    if n.unit:
        return ("", n.unit)
    return None


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def stated_precision(n: Number) -> float:
    """Half a unit of the last digit the text states: "1.2 million" -> 50,000; "1,200" -> 50."""
    match = _DIGITS.search(n.text)
    if not match:
        return 0.0
    raw = match.group(0).replace(",", "")
    base = float(raw) if raw else 0.0
    scale = n.value / base if base else 1.0
    if "." in raw:
        step = 10.0 ** -len(raw.split(".")[1])
    else:
        zeros = len(raw) - len(raw.rstrip("0"))
        step = 10.0**zeros if zeros >= 2 else 1.0
    return step * scale / 2


def _bounds(n: Number) -> tuple[float, float]:
    low = n.low if n.low is not None else -math.inf
    high = n.high if n.high is not None else math.inf
    return low, high


def reconcilable(x: Number, y: Number) -> bool:
    a, b = x.value, y.value
    if a == b:
        return True
    high = max(abs(a), abs(b))
    if x.approximate or y.approximate:
        if x.low is not None or x.high is not None or y.low is not None or y.high is not None:
            # The reader's bounds ("over 1,500": 1500..inf; "about 300": 255..345).
            (xl, xh), (yl, yh) = _bounds(x) if x.approximate else (a, a), _bounds(y) if y.approximate else (b, b)
            return xl <= yh and yl <= xh
        return abs(a - b) <= APPROXIMATE_TOLERANCE * high
    return abs(a - b) <= max(stated_precision(x), stated_precision(y))


def clash_between(first: tuple[Number, ...], second: tuple[Number, ...]) -> FigureClash | None:
    """The first figure pair counting the same thing with values nothing reconciles, if any."""
    keys_first = {k for k in map(_key, first) if k}
    keys_second = {k for k in map(_key, second) if k}
    shared = keys_first & keys_second
    for x in first:
        key = _key(x)
        if key not in shared:
            continue
        same = [y for y in second if _key(y) == key]
        if any(reconcilable(x, y) for y in same):
            continue
        for y in same:
            if any(reconcilable(z, y) for z in first if _key(z) == key):
                continue
            high = max(abs(x.value), abs(y.value)) or 1.0
            return FigureClash(x, y, key[0], key[1], abs(x.value - y.value) / high,
                               x.approximate or y.approximate, len(shared))
    return None


def figure_clashes(table: CueTable, first: np.ndarray, second: np.ndarray):
    """(pair position, clash) for candidate pairs whose figures disagree."""
    if len(first) == 0:
        return
    shared = table.shared("counted_or_unit", first, second)
    for k in np.nonzero(shared > 0)[0]:
        clash = clash_between(table.cues[first[k]].numbers, table.cues[second[k]].numbers)
        if clash is not None:
            yield int(k), clash


NUMERIC_FEATURES = (
    "log_relative_difference",
    "approximate",
    "counts_a_noun",
    "percent_or_money",
    "shared_keys",
    *(f"cue_{name}" for name in CUE_FEATURES),
)


def numeric_features(clashes: list[FigureClash], cue_features: np.ndarray) -> np.ndarray:
    rows = [
        (
            math.log10(max(c.relative_difference, 1e-4)),
            float(c.approximate),
            float(bool(c.noun)),
            float(c.unit in ("percent", "dollar", "pound", "euro", "yen")),
            float(min(c.shared_keys, 3)),
        )
        for c in clashes
    ]
    return np.hstack([np.asarray(rows, dtype=np.float64).reshape(-1, 5), cue_features])
