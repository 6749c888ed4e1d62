"""filler.repetition: the same point made again inside one article.

Candidate pairs come from the sentence vectors (one matrix product per window);
a small trained model turns each pair's features into the probability that the
later sentence restates the earlier one. The labelled pairs it learns from, and
how they were labelled, are described in ``detector/data/repetition_guide.md``.
"""

from __future__ import annotations

import re

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..scoring import probability_function

ELIGIBLE_KINDS = ("sentence", "list_item")
MEMO_KEY = "filler.repetition_flags"
MIN_WORDS = 5
# Each sentence is compared with at most this many earlier ones: articles are far
# shorter, and it keeps a 10 MB document linear instead of quadratic.
WINDOW = 1000
_CHUNK = 256
# A sentence rarely restates more than a handful of earlier ones; the closest few
# are enough to find them and bound the work on pathological input.
MAX_CANDIDATES = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


_STOP = _stop_words()


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP)


def sentence_profile(text: str) -> tuple[frozenset[str], int]:
    """What the pair features need of one sentence: its content words and its length."""
    return content_words(text), len(text.split())


def pair_features(cosine, earlier: list[tuple[frozenset[str], int]], later: list[tuple[frozenset[str], int]]) -> np.ndarray:
    """Features of sentence pairs: cosine, content-word overlap, and length balance.

    Embedding similarity alone confuses "about the same topic" with "the same
    point"; shared content words and similar length separate the two.
    """
    rows = []
    for cos, (words_a, length_a), (words_b, length_b) in zip(cosine, earlier, later):
        overlap = len(words_a & words_b)
        union = len(words_a | words_b) or 1
        shorter, longer = sorted((length_a, length_b))
        rows.append((float(cos), overlap / union, overlap / (min(len(words_a), len(words_b)) or 1), shorter / max(longer, 1)))
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


def lowest_flaggable_cosine(model, threshold: float) -> float:
    """The cosine below which no pair can reach ``threshold``, whatever its other features.

    The other features lie in [0, 1]; the best case for each is the end its
    coefficient favours. Pairs under this cosine are skipped without loss.
    """
    coefficients = model[-1].coef_[0] / model[0].scale_
    best_case = [1.0 if c > 0 else 0.0 for c in coefficients[1:]]
    grid = np.linspace(0.0, 1.0, 1001)
    probability = model.predict_proba(np.column_stack([grid, np.tile(best_case, (len(grid), 1))]))[:, 1]
    reachable = np.nonzero(probability >= threshold)[0]
    return float(grid[reachable[0]]) if len(reachable) else 1.0


def candidate_pairs(
    vectors: np.ndarray, floor: float, window: int = WINDOW, per_sentence: int = MAX_CANDIDATES
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(earlier, later, cosine) for the closest earlier sentences of each sentence.

    Each sentence is compared with the ``window`` sentences before it; of those
    whose cosine reaches ``floor`` it keeps the ``per_sentence`` closest. Work
    stays linear in the document's length.
    """
    n = len(vectors)
    earlier, later, cosines = [], [], []
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        low = max(0, start - window)
        sims = vectors[start:stop] @ vectors[low:stop].T
        rows = np.arange(start, stop)[:, None]
        cols = np.arange(low, stop)[None, :]
        sims = np.where((cols < rows) & (rows - cols <= window), sims, -np.inf)
        if sims.shape[1] > per_sentence:
            top = np.argpartition(-sims, per_sentence - 1, axis=1)[:, :per_sentence]
        else:
            top = np.broadcast_to(np.arange(sims.shape[1]), sims.shape)
        picked = np.take_along_axis(sims, top, axis=1)
        r, k = np.nonzero(picked >= floor)
        later.append(r + start)
        earlier.append(top[r, k] + low)
        cosines.append(picked[r, k])
    if not later:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    earlier_all, later_all, cos_all = np.concatenate(earlier), np.concatenate(later), np.concatenate(cosines)
    order = np.lexsort((earlier_all, later_all))
    return earlier_all[order], later_all[order], cos_all[order]


@register
class Repetition(Check):
    name = "repetition"
    group = "filler"
    codes = {"filler.repetition": "A sentence that makes the same point as an earlier one."}

    def load(self, store: ArtifactStore, profile: str) -> "Repetition":
        artifact = store.load_joblib(f"repetition/{profile}.joblib")
        self.model_ = artifact["model"]
        self.probability_ = probability_function(self.model_, n_features=4)
        self.threshold_ = float(artifact["threshold"])
        self.candidate_floor_ = float(artifact["candidate_floor"])
        return self

    def pair_probabilities(self, analysis: Analysis) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
        """Eligible sentence indexes and, for candidate pairs among them, (earlier, later, probability)."""
        eligible = [s.index for s in analysis.sentences if s.kind in ELIGIBLE_KINDS and s.words >= MIN_WORDS]
        if len(eligible) < 2:
            empty = np.zeros(0, dtype=np.int64)
            return eligible, empty, empty, np.zeros(0)
        vectors = analysis.vectors[eligible]
        earlier, later, cosines = candidate_pairs(vectors, self.candidate_floor_)
        if len(later) == 0:
            return eligible, earlier, later, np.zeros(0)
        involved = np.union1d(earlier, later)
        profiles = {int(i): sentence_profile(analysis.sentences[eligible[i]].clean) for i in involved}
        features = pair_features(cosines, [profiles[int(i)] for i in earlier], [profiles[int(j)] for j in later])
        return eligible, earlier, later, self.probability_(features)

    def run(self, analysis: Analysis) -> CheckResult:
        # The filler document model reads these flags too; the memo finds them once.
        return CheckResult(analysis.memo(MEMO_KEY, self.find))

    def find(self, analysis: Analysis) -> list:
        eligible, earlier, later, probability = self.pair_probabilities(analysis)
        document = analysis.document
        matches: dict[int, list[tuple[int, float]]] = {}
        for i, j, p in zip(earlier, later, probability):
            if p >= self.threshold_:
                matches.setdefault(eligible[j], []).append((eligible[i], float(p)))
        flags = []
        for sentence, found in sorted(matches.items()):
            found.sort()
            first, _ = found[0]
            best_index, best_p = max(found, key=lambda item: item[1])
            line, _ = document.line_col(document.sentences[first].start)
            quoted = _quote(document.sentences[first].clean)
            times = len(found) + 1
            if times == 2:
                message = f'Makes the same point as line {line}: "{quoted}"'
            else:
                lines = ", ".join(str(document.line_col(document.sentences[i].start)[0]) for i, _ in found)
                message = f'Makes the same point for the {_ordinal(times)} time (lines {lines}): "{quoted}"'
            flags.append(
                self.flag(
                    sentence,
                    "filler.repetition",
                    best_p,
                    message,
                    related=[i for i, _ in found],
                    earlier=first,
                    most_similar=best_index,
                    times=times,
                )
            )
        return flags


def _quote(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
