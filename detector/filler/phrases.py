"""Stock phrases: n-grams that machine-written news uses far more often than human news.

The list is data, mined from the training splits by
``detector.filler.train_phrases`` and shipped as ``stock_phrases.json`` beside
this module, each phrase with the counts and the ratio it was kept for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PHRASE_FILE = "stock_phrases.json"
PHRASE_SCHEMA = "detector.stock_phrases/1"
MAX_N = 4
# Letters and digits, with an inner apostrophe ("today's", "don't"); ’ is folded to '.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.translate(_APOSTROPHES).lower())


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Tokens with their character offsets in ``text`` (folding keeps the length)."""
    folded = text.translate(_APOSTROPHES).lower()
    if len(folded) != len(text):  # a few characters change length when lower-cased
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_APOSTROPHES))
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


@dataclass(frozen=True, slots=True)
class StockPhrase:
    phrase: str
    ratio: float  # machine document rate / human document rate, smoothed
    machine_docs: int
    human_docs: int
    q_value: float  # Benjamini-Hochberg adjusted p of the one-sided Fisher test

    @property
    def machine_probability(self) -> float:
        """P(machine | phrase) with equal priors: ratio / (ratio + 1)."""
        return self.ratio / (self.ratio + 1.0)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    phrase: StockPhrase
    start: int  # offsets into the text that was matched
    end: int


class StockPhraseList:
    """A phrase list with a matcher; ``find`` returns the maximal hits in a text."""

    def __init__(self, phrases: list[StockPhrase], meta: dict | None = None):
        self.phrases = {p.phrase: p for p in phrases}
        self.meta = meta or {}
        self.max_n = max((len(p.split()) for p in self.phrases), default=0)

    @classmethod
    def from_json(cls, payload: dict) -> "StockPhraseList":
        if payload.get("schema") != PHRASE_SCHEMA:
            raise ValueError(f"not a stock phrase list (schema {payload.get('schema')!r})")
        phrases = [
            StockPhrase(p["phrase"], float(p["ratio"]), int(p["machine_docs"]), int(p["human_docs"]), float(p["q_value"]))
            for p in payload["phrases"]
        ]
        return cls(phrases, {k: v for k, v in payload.items() if k != "phrases"})

    def __len__(self) -> int:
        return len(self.phrases)

    def find(self, text: str) -> list[PhraseHit]:
        """Listed phrases in ``text``; where hits overlap, the longest (then highest-ratio) one."""
        if not self.phrases:
            return []
        spans = token_spans(text)
        words = [t for t, _, _ in spans]
        found: list[tuple[int, int, StockPhrase]] = []
        for i in range(len(words)):
            for n in range(min(self.max_n, len(words) - i), 0, -1):
                entry = self.phrases.get(" ".join(words[i : i + n]))
                if entry is not None:
                    found.append((i, i + n, entry))
                    break
        found.sort(key=lambda f: (-(f[1] - f[0]), -f[2].ratio, f[0]))
        taken: set[int] = set()
        hits = []
        for a, b, entry in found:
            if taken.intersection(range(a, b)):
                continue
            taken.update(range(a, b))
            hits.append(PhraseHit(entry, spans[a][1], spans[b - 1][2]))
        hits.sort(key=lambda h: h.start)
        return hits


@lru_cache(maxsize=1)
def shipped_phrases() -> StockPhraseList:
    """The list shipped in the package (empty if it was never mined)."""
    try:
        text = resources.files("detector.filler").joinpath(PHRASE_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return StockPhraseList([])
    return StockPhraseList.from_json(json.loads(text))
