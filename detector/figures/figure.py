"""One figure as the family reads it, and whether two figures can describe one quantity."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

STATISTIC_KINDS = ("count", "percent", "money", "measure", "duration", "ratio", "number")


OTHER_KINDS = ("year", "date", "time", "age", "address", "ordinal", "period", "score", "identifier", "other")


KINDS = STATISTIC_KINDS + OTHER_KINDS


APPROXIMATIONS = ("over", "at_least", "under", "at_most", "nearly", "about", "range", "vague")


SUPPORT_LABELS = ("sourced", "vague", "none")


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
