"""How much text a document score needs, and what a score means at a given length.

A document model trained on whole articles reads a three-sentence snippet as
confidently as a whole article, and is wrong far more often: the sentence
scores it summarises are few and noisy. So:

- below ``min_words`` words the models can read (the filler model's eligible
  sentences), every document score is ``None`` with a note ("too short to
  judge: 3 words"), and the filler sentence model's flags are dropped too;
- above it, the filler document probability is recalibrated for length: a
  logistic regression over the model's logit, the log of the word count and
  their product, fitted on the first k sentences of the DEV split articles
  (every k), with the classes weighted equally so that a snippet the model
  cannot judge lands near the middle rather than at the training prior.

Both are fitted by ``detector train evidence`` from dev data only (stored as
JSON in ``models/evidence/``, listed in the manifest); the minimum is the
shortest length at which the dev AUROC of the recalibrated score reaches
``MIN_AUROC`` (see ``choose_min_words``). ``benchmarks/length_evidence.py``
reports the curve on the test splits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

ARTIFACT = "evidence/filler-length-{profile}.json"
# Sentences kept from the start of each article when measuring by length.
PREFIX_SENTENCES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, None)
# Word-count buckets for choosing the minimum and reporting the curve.
WORD_EDGES = (0, 10, 20, 30, 40, 50, 60, 80, 100, 130, 160, 200, 300, 100_000)
# A document score is only reported where it separates human from machine copy
# at least this well on dev data (the full-length AUROC of the fast model is 0.98).
MIN_AUROC = 0.85
FILLER_FLAG_CODES = ("filler.generic",)
# Sets whose machine texts continue a human-written opening: a short prefix of one
# is mostly human, so they would blur what length alone does to the score.
CONTINUATION_SETS = ("xsum-fastdetect",)
MIN_HUMAN_PER_BUCKET = 40
DATA_DESCRIPTION = (
    "English news dev splits (llmfake, newsgpt news, xsum-detectrl, xsum-fastdetect; the machine texts of "
    "xsum-fastdetect left out, they open with human words), "
    f"first k sentences for k in {[k for k in PREFIX_SENTENCES if k]} and whole"
)


def eligible_words(document) -> int:
    """Words in the sentences the filler models read (sentences and list items of 4+ words)."""
    from .filler import eligible

    return int(sum(s.words for s in document.sentences if eligible(s)))


@dataclass(frozen=True, slots=True)
class LengthCalibration:
    """A logit shift by length that keeps the human flag rate of whole articles, and the minimum length.

    ``shifts[i]`` is subtracted from the filler document logit at ``words[i]``
    words of running text (linear in log words between knots, 0 past the last):
    at that length, human dev articles cross 0.5 as often as whole ones do.
    """

    words: tuple[float, ...]
    shifts: tuple[float, ...]
    min_words: int
    human_rate: float  # share of whole human dev articles at >= 0.5, kept at every length

    @classmethod
    def from_dict(cls, data: dict) -> LengthCalibration:
        return cls(tuple(float(w) for w in data["words"]), tuple(float(s) for s in data["shifts"]),
                   int(data["min_words"]), float(data["human_rate"]))

    def to_dict(self) -> dict:
        return {"words": list(self.words), "shifts": list(self.shifts), "min_words": self.min_words,
                "human_rate": self.human_rate}

    def enough(self, words: int) -> bool:
        return words >= self.min_words

    def shift(self, words: int | np.ndarray) -> np.ndarray:
        if not self.words:
            return np.zeros_like(np.asarray(words, dtype=np.float64))
        x = np.log(np.maximum(np.asarray(words, dtype=np.float64), 1.0))
        return np.interp(x, np.log(self.words), self.shifts, left=self.shifts[0], right=0.0)

    def adjust(self, probability: float | np.ndarray, words: int | np.ndarray) -> np.ndarray:
        z = _logit(np.atleast_1d(np.asarray(probability, dtype=np.float64))) - np.atleast_1d(self.shift(words))
        return 1.0 / (1.0 + np.exp(-z))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def too_short_note(words: int, needed: int) -> str:
    return f"too short to judge: {words} word{'s' if words != 1 else ''} (document scores need {needed} words of running text)"


def apply(report, calibration: LengthCalibration | None) -> None:
    """The evidence rule on a finished report: null scores below the minimum, length-aware filler above it."""
    document = report.document
    if document is None:
        return
    words = eligible_words(document)
    needed = calibration.min_words if calibration is not None else 1
    if words < needed:
        report.scores = dict.fromkeys(report.scores)
        report.flags = [f for f in report.flags if f.code not in FILLER_FLAG_CODES]
        document.notes.append(too_short_note(sum(s.words for s in document.sentences), needed))
        return
    filler = report.scores.get("filler")
    if calibration is not None and filler is not None:
        report.scores["filler"] = float(calibration.adjust(filler, words)[0])


# ---------------------------------------------------------------------------
# Measuring and fitting (dev for fitting, test for reporting)


def prefix_texts(text: str, ks: Sequence[int | None] = PREFIX_SENTENCES) -> list[tuple[int | None, str]]:
    """The article cut after its first k sentences, for each k shorter than the article (None: whole)."""
    from .segment import segment

    sentences = segment(text).sentences
    out = []
    for k in ks:
        if k is None:
            out.append((None, text))
        elif k < len(sentences):
            out.append((k, text[: sentences[k - 1].end]))
    return out


def prefix_scores(detector, rows: Iterable[dict], ks: Sequence[int | None] = PREFIX_SENTENCES, batch_size: int = 32) -> list[dict]:
    """Raw filler document scores of every prefix of every row (evidence rule and recalibration off)."""
    items = []
    for row in rows:
        skip = int(row.get("prefix_chars") or 0) if row.get("label") == "machine" else 0
        text = row["text"]
        for k, prefix in prefix_texts(text, ks):
            if skip and len(prefix) <= skip:
                continue  # only the human-written opening of a continuation: not a machine text yet
            items.append({"id": row["id"], "dataset": row.get("dataset"), "label": row["label"],
                          "generator": row.get("generator"), "k": k, "text": prefix})
    out = []
    saved, detector.evidence = detector.evidence, None
    try:
        reports = list(detector.check_many((i["text"] for i in items), batch_size=batch_size, checks=["filler"]))
    finally:
        detector.evidence = saved
    for item, report in zip(items, reports):
        item = dict(item)
        text = item.pop("text")
        item["chars"] = len(text)
        item["words"] = eligible_words(report.document) if report.document is not None else 0
        item["score"] = report.scores.get("filler")
        out.append(item)
    return out


def auroc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    if len(set(labels.tolist())) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def curve(rows: list[dict], score_key: str = "score", edges: Sequence[int] = WORD_EDGES) -> list[dict]:
    """AUROC and the share of human documents scoring >= 0.5, per word-count bucket."""
    out = []
    words = np.array([r["words"] for r in rows])
    for low, high in zip(edges, edges[1:]):
        chosen = [r for r, w in zip(rows, words) if low <= w < high and r.get(score_key) is not None]
        if not chosen:
            continue
        y = np.array([r["label"] == "machine" for r in chosen], dtype=int)
        s = np.array([r[score_key] for r in chosen], dtype=np.float64)
        human = s[y == 0]
        out.append({
            "words": f"{low}-{high - 1}" if high < 100_000 else f"{low}+",
            "low": low,
            "documents": len(chosen),
            "human": int((y == 0).sum()),
            "auroc": None if auroc(y, s) is None else round(auroc(y, s), 4),
            "human_flagged": None if not len(human) else round(float(np.mean(human >= 0.5)), 4),
            "machine_flagged": None if not (y == 1).any() else round(float(np.mean(s[y == 1] >= 0.5)), 4),
        })
    return out


def measurable(rows: Iterable[dict]) -> list[dict]:
    """Prefixes that measure what length does: every human one, machine ones not continuing a human opening."""
    return [r for r in rows if r["label"] == "human" or r["dataset"] not in CONTINUATION_SETS]


def cached_prefix_scores(detector, split: str, store) -> list[dict]:
    """``prefix_scores`` of the English news of ``split``, kept in ``.cache/evidence/`` per filler model."""
    from .training.corpus import CACHE
    from .training.data import news_rows

    name = "filler/lm.joblib" if detector.profile == "lm" else f"filler/{detector.profile}.joblib"
    digest = store.entry(name)["sha256"][:16]
    path = CACHE / "evidence" / f"prefix-{detector.profile}-{split}-{digest}.jsonl"
    if path.exists():
        return [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = prefix_scores(detector, list(news_rows(split)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def fit(rows: list[dict]) -> LengthCalibration:
    """The length shift and the minimum length, from dev prefix scores."""
    from sklearn.isotonic import IsotonicRegression

    rows = measurable(r for r in rows if r["score"] is not None and r["words"] > 0)
    whole_human = np.array([r["score"] for r in rows if r["k"] is None and r["label"] == "human"])
    human_rate = float(np.mean(whole_human >= 0.5))
    centres, needed = [], []
    for low, high in zip(WORD_EDGES, WORD_EDGES[1:]):
        human = np.array([r["score"] for r in rows if r["label"] == "human" and low <= r["words"] < high])
        if len(human) < MIN_HUMAN_PER_BUCKET:
            continue
        words = np.array([r["words"] for r in rows if r["label"] == "human" and low <= r["words"] < high])
        # The logit that as many human prefixes of this length exceed as whole human articles exceed 0.
        centres.append(float(np.median(words)))
        needed.append(max(0.0, float(np.quantile(_logit(human), 1.0 - human_rate))))
    # Shorter text never needs a smaller shift: isotonic (decreasing) in length, 0 at the longest bucket.
    shifts = IsotonicRegression(increasing=False, y_min=0.0).fit_transform(np.log(centres), needed)
    shifts[-1] = 0.0
    draft = LengthCalibration(tuple(centres), tuple(float(v) for v in shifts), 0, human_rate)
    return LengthCalibration(draft.words, draft.shifts, choose_min_words(rows, "score"), human_rate)


def choose_min_words(rows: list[dict], score_key: str = "adjusted", edges: Sequence[int] = WORD_EDGES) -> int:
    """The lower edge of the shortest bucket from which on every bucket reaches ``MIN_AUROC``."""
    buckets = curve(rows, score_key, edges)
    chosen = edges[-2]
    for bucket in reversed(buckets):
        if bucket["auroc"] is None or bucket["auroc"] < MIN_AUROC:
            break
        chosen = bucket["low"]
    return int(max(chosen, 1))


def train(store, profile: str) -> dict:
    """Fit the length recalibration of ``profile`` on the dev splits and write it to the store."""
    from .pipeline import Detector

    detector = Detector.load(profile=profile, checks=["filler"], models_dir=str(store.root))
    if profile == "lm":
        from .filler.train_lm import prefix_statistics
        from .training.data import news_rows

        statistics = prefix_statistics([row["text"] for row in news_rows("dev")])
        for check in detector.checks:
            if hasattr(getattr(check, "model_", None), "statistics"):
                check.model_._statistics = statistics
    rows = cached_prefix_scores(detector, "dev", store)
    calibration = fit(rows)
    kept = measurable(r for r in rows if r["score"] is not None)
    adjusted = [dict(r, adjusted=float(calibration.adjust(r["score"], r["words"])[0])) for r in kept]
    name = ARTIFACT.format(profile=profile)
    path = store.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n", encoding="utf-8")
    metrics = {
        "dev_prefixes": len(kept),
        "min_words": calibration.min_words,
        "raw_by_words": curve(kept, "score"),
        "adjusted_by_words": curve(adjusted, "adjusted"),
    }
    store.record(name, data=DATA_DESCRIPTION, metrics=metrics,
                 command=f"detector train evidence --profile {profile}")
    return {"min_words": calibration.min_words, **calibration.to_dict(), "metrics": metrics}


def train_command():
    from .training.commands import train_command

    return train_command(train, help="Fit, on the dev splits, the least text a document score needs and the filler score's shift by length.",
                         profiles=("accurate", "fast", "lm"))

