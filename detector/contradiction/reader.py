"""The accurate profile's reading of candidate pairs with the cross-encoder.

The cross-encoder costs about 25 ms a pair on two cores, far more than the rest of
the contradiction stage, so it reads only a budget of pairs per document: pairs the
gate (``detector.contradiction.gate``) lets through, ranked by what the cheap
detectors already see (their probabilities and the two sentences' cosine, so that
near-copies with one word changed come first), at most ``PAIRS_PER_SENTENCE`` per
sentence and ``PAIR_SHARE`` pairs per eligible sentence in all. Each pair is read
in the article's order, and in the reverse order too where the first reading gives
the contradiction any weight; its probability is the smaller of the two: a
contradiction holds whichever sentence comes first, while a restatement that adds a
detail ("we are outraged because we have been gaslighted" / "... because we were
silenced") reads as a clash one way only. Taking the smaller reading dropped 16 of the
20 pairs the cross-encoder alone flagged on test articles (all 20 wrong for an editor)
and 0.10 of the planted entity swaps (README).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .gate import gate_reason

PAIRS_PER_SENTENCE = 2
PAIR_SHARE = 0.25
MIN_PAIRS = 4
# Below this the forward reading already rules the pair out; the reverse order is not read.
REVERSE_FLOOR = 0.05
READER_ARTIFACT = "contradictions/accurate-cross-encoder.json"


def gate_pairs(texts: dict[int, str], cues: dict, first: np.ndarray, second: np.ndarray) -> list[str | None]:
    """For each pair (sentence indexes), why it is not about one thing, or None."""
    return [gate_reason(texts[int(a)], texts[int(b)], cues[int(a)], cues[int(b)]) for a, b in zip(first, second)]


def select_pairs(first: np.ndarray, second: np.ndarray, rank: np.ndarray, allowed: np.ndarray, eligible: int,
                 per_sentence: int = PAIRS_PER_SENTENCE, share: float = PAIR_SHARE, minimum: int = MIN_PAIRS) -> np.ndarray:
    """Indexes of the pairs to read: best ranked first, within the per-sentence and per-document budgets."""
    budget = max(minimum, math.ceil(share * eligible))
    used: dict[int, int] = {}
    chosen = []
    for k in np.argsort(-rank, kind="stable"):
        if not allowed[k]:
            continue
        a, b = int(first[k]), int(second[k])
        if used.get(a, 0) >= per_sentence or used.get(b, 0) >= per_sentence:
            continue
        chosen.append(int(k))
        used[a] = used.get(a, 0) + 1
        used[b] = used.get(b, 0) + 1
        if len(chosen) >= budget:
            break
    return np.array(sorted(chosen), dtype=np.int64)


def read_both_orders(pairs: list[tuple[str, str]], score, reverse_floor: float = REVERSE_FLOOR) -> np.ndarray:
    """P(contradiction) of each pair: the smaller over both orders (the reverse read only where it can matter)."""
    if not pairs:
        return np.zeros(0)
    forward = score(pairs)[:, 0]
    again = [k for k in range(len(pairs)) if forward[k] >= reverse_floor]
    out = forward.astype(np.float64).copy()
    if again:
        backward = score([(pairs[k][1], pairs[k][0]) for k in again])[:, 0]
        out[again] = np.minimum(out[again], backward)
    return out


@dataclass
class PairReader:
    """Reads a document's candidate pairs with the cross-encoder; ``threshold`` flags a pair."""

    threshold: float
    store: object = None
    per_sentence: int = PAIRS_PER_SENTENCE
    share: float = PAIR_SHARE

    @classmethod
    def load(cls, store, even_if_off: bool = False) -> "PairReader | None":
        """The shipped reader; None where the artifact says it stays out of the pipeline, unless ``even_if_off``."""
        if not store.has(READER_ARTIFACT):
            return None
        params = store.load_json(READER_ARTIFACT)
        if not params.get("in_pipeline", True) and not even_if_off:
            return None  # measured and left out of the pipeline (see the artifact's "why")
        return cls(float(params["threshold"]), store, int(params.get("per_sentence", PAIRS_PER_SENTENCE)),
                   float(params.get("share", PAIR_SHARE)))

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        from .cross_encoder import score_pairs

        return score_pairs(pairs, "accurate", store=self.store)

    def read(self, texts: dict[int, str], first, second, rank, allowed, eligible: int) -> np.ndarray:
        """P(contradiction) by the cross-encoder for each pair; NaN where the pair was not read."""
        out = np.full(len(first), np.nan)
        chosen = select_pairs(first, second, rank, allowed, eligible, self.per_sentence, self.share)
        if len(chosen):
            out[chosen] = read_both_orders([(texts[int(first[k])], texts[int(second[k])]) for k in chosen], self.score)
        return out
