"""The two trained parts of the filler group, shared by training, evaluation and the check.

- The sentence model: a scikit-learn pipeline (StandardScaler, LogisticRegression)
  over the sentence vector and the interpretable features of ``features.py``,
  calibrated with ``CalibratedClassifierCV`` on sentences whose labels are exact.
  Being linear, its logit splits into one contribution per feature group,
  which is what the flag message names.
- The document model: a calibrated classifier over a fixed set of document
  features that summarise the sentence scores (mean, quantiles, the share over
  the threshold) and the rule-based findings (stock phrases, residue,
  repetition), none of which is the document's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..scoring import decision_function, probability_function
from .features import FEATURE_GROUPS, FEATURE_NAMES
from .gate import SentenceGate

ELIGIBLE_KINDS = ("sentence", "list_item")
MIN_WORDS = 4
WORDING_GROUP = "wording"

DOCUMENT_FEATURES = (
    "logit_mean",
    "logit_median",
    "logit_p10",
    "logit_p25",
    "logit_p75",
    "logit_p90",
    "logit_max",
    "logit_min",
    "logit_std",
    "share_over_threshold",
    "stock_phrases_per_sentence",
    "share_with_stock_phrase",
    "template_residue",
    "tautologies",
    "repetition_share",
    "quote_share",
    "attribution_share",
    "number_share",
    "named_per_sentence",
    "words_per_sentence",
    "words_per_sentence_std",
)


def eligible(sentence) -> bool:
    return sentence.kind in ELIGIBLE_KINDS and sentence.words >= MIN_WORDS


def sentence_design(vectors: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The sentence model's input: vector columns first, then the named features."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float64))  # the static encoder returns NaN for unknown-token text
    return np.hstack([vectors, np.asarray(features, dtype=np.float64)])


def column_groups(vector_dim: int) -> np.ndarray:
    return np.array([WORDING_GROUP] * vector_dim + list(FEATURE_GROUPS), dtype=object)


def linear_parts(pipeline):
    """(scaler, logistic regression) of a fitted ``make_pipeline(StandardScaler(), LogisticRegression())``."""
    return pipeline[0], pipeline[-1]


def contributions(pipeline, design: np.ndarray, vector_dim: int) -> tuple[np.ndarray, list[str]]:
    """Per-group contributions to each row's logit, relative to the average training sentence."""
    scaler, logistic = linear_parts(pipeline)
    scaled = (design - scaler.mean_) / scaler.scale_
    per_column = scaled * logistic.coef_[0]
    groups = column_groups(vector_dim)
    names = list(dict.fromkeys(groups))
    out = np.zeros((len(design), len(names)))
    for j, name in enumerate(names):
        out[:, j] = per_column[:, groups == name].sum(axis=1)
    return out, names


@dataclass(slots=True)
class DocumentInput:
    """What the document model reads about one document."""

    logits: np.ndarray  # sentence-model logits of the eligible sentences
    features: np.ndarray  # their feature rows (FEATURE_NAMES columns)
    words: np.ndarray  # their word counts
    residue: int  # sentences (any kind) with template residue
    repeated: int  # sentences flagged by filler.repetition


_COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}


def document_features(item: DocumentInput, threshold_logit: float) -> np.ndarray:
    logits, feats = item.logits, item.features
    n = len(logits)
    if n == 0:
        row = np.zeros(len(DOCUMENT_FEATURES))
        row[DOCUMENT_FEATURES.index("template_residue")] = min(item.residue, 3)
        return row
    q = np.percentile(logits, [10, 25, 50, 75, 90])
    stock_hits = np.expm1(feats[:, _COLUMN["stock_hits"]])
    values = {
        "logit_mean": logits.mean(),
        "logit_median": q[2],
        "logit_p10": q[0],
        "logit_p25": q[1],
        "logit_p75": q[3],
        "logit_p90": q[4],
        "logit_max": logits.max(),
        "logit_min": logits.min(),
        "logit_std": logits.std(),
        "share_over_threshold": float(np.mean(logits >= threshold_logit)),
        "stock_phrases_per_sentence": stock_hits.sum() / n,
        "share_with_stock_phrase": float(np.mean(stock_hits > 0)),
        "template_residue": min(item.residue, 3),
        "tautologies": min(feats[:, _COLUMN["tautology"]].sum(), 3),
        "repetition_share": item.repeated / n,
        "quote_share": feats[:, _COLUMN["quote"]].mean(),
        "attribution_share": feats[:, _COLUMN["attribution"]].mean(),
        "number_share": float(np.mean(feats[:, _COLUMN["numbers"]] > 0)),
        "named_per_sentence": np.expm1(feats[:, _COLUMN["named"]]).mean(),
        "words_per_sentence": item.words.mean(),
        "words_per_sentence_std": item.words.std(),
    }
    return np.array([values[name] for name in DOCUMENT_FEATURES], dtype=np.float64)


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


@dataclass(slots=True)
class SentenceScores:
    """The sentence model's view of one document's eligible sentences."""

    indexes: list[int]  # positions in document.sentences
    logits: np.ndarray  # uncalibrated decision values
    probabilities: np.ndarray  # calibrated
    features: list  # SentenceFeatures, one per eligible sentence
    design: np.ndarray
    lm_rows: np.ndarray | None = None  # the lm profile: token statistics of each sentence
    base_logits: np.ndarray | None = None  # the lm profile: the accurate model's logits under the head's


class FillerModel:
    """The trained filler artifact: sentence model, threshold and document model.

    ``artifact`` is the dict written by ``detector train filler``; see
    ``detector/filler/train.py`` for what each entry holds.
    """

    def __init__(self, artifact: dict):
        self.artifact = artifact
        self.sentence_model = artifact["sentence_model"]  # CalibratedClassifierCV over the frozen pipeline
        self.pipeline = artifact["sentence_pipeline"]
        self.threshold = float(artifact["threshold"])
        self.threshold_logit = float(artifact["threshold_logit"])
        self.document_model = artifact["document_model"]
        self.vector_dim = int(artifact["vector_dim"])
        # When a sentence score becomes a flag (fitted on dev; absent from models refitted only for evaluation).
        self.gate = SentenceGate(**artifact["gate"]) if artifact.get("gate") else None
        if tuple(artifact["feature_names"]) != FEATURE_NAMES or tuple(artifact["document_features"]) != DOCUMENT_FEATURES:
            raise ValueError("the filler artifact was trained with other features than this code computes; retrain it")
        width = self.vector_dim + len(FEATURE_NAMES)
        self._logits = decision_function(self.pipeline, width)
        self._probabilities = probability_function(self.sentence_model, width)

    def score_sentences(self, indexes: list[int], feats: list, vectors: np.ndarray) -> SentenceScores:
        """Scores of the sentences at ``indexes`` (their features given), ``vectors`` being the document's."""
        if not indexes:
            empty = np.zeros(0)
            return SentenceScores([], empty, empty, [], np.zeros((0, self.vector_dim + len(FEATURE_NAMES))))
        design = sentence_design(vectors[indexes], np.vstack([f.values for f in feats]))
        return SentenceScores(indexes, self._logits(design), self._probabilities(design), feats, design)

    def read_document(self, text: str, spans: list[tuple[int, int]], indexes: list[int], feats: list, vectors: np.ndarray,
                      item_without_logits) -> tuple[SentenceScores, float]:
        """Sentence scores and the document probability of one document.

        ``spans`` are the eligible sentences' character spans in ``text`` (read only by
        models that read the text itself, the lm profile's); ``item_without_logits``
        makes the document model's input from the sentence logits.
        """
        scores = self.score_sentences(indexes, feats, vectors)
        return scores, self.document_probability(item_without_logits(scores.logits))

    def explain_parts(self, scores: SentenceScores) -> tuple[np.ndarray, list[str]]:
        """Per-group contributions to each sentence's logit (see ``contributions``)."""
        return contributions(self.pipeline, scores.design, self.vector_dim)

    def table_logits(self, table) -> np.ndarray:
        """Sentence logits of every row of a ``train.SentenceTable``."""
        return self.pipeline.decision_function(table.design) if len(table.label) else np.zeros(0)

    def table_document_probabilities(self, table, logits: np.ndarray | None = None) -> np.ndarray:
        """Document probabilities of every document of a ``train.SentenceTable`` (``logits``: its rows' sentence logits)."""
        from .train import document_matrix

        logits = self.table_logits(table) if logits is None else logits
        return self.document_probabilities(document_matrix(table, logits, self.threshold_logit))

    def probability_at(self, sentence_logit: float) -> float:
        """The calibrated sentence probability at a sentence logit (1.0 where no logit is enough)."""
        if not np.isfinite(sentence_logit):
            return 1.0
        calibrator = self.sentence_model.calibrated_classifiers_[0].calibrators[0]
        return float(calibrator.predict(np.array([sentence_logit]))[0])

    def document_probability(self, item: DocumentInput) -> float:
        return float(self.document_probabilities(document_features(item, self.threshold_logit).reshape(1, -1))[0])

    def document_probabilities(self, rows: np.ndarray) -> np.ndarray:
        # One OpenMP thread: the trees are small, and on a busy machine more threads spin instead of working.
        with _single_thread():
            return self.document_model.predict_proba(rows)[:, 1]


@lru_cache(maxsize=1)
def _thread_controller():
    from threadpoolctl import ThreadpoolController

    # Finding the loaded thread pools reads /proc/self/maps: do it once, not per document.
    return ThreadpoolController()


def _single_thread():
    return _thread_controller().limit(limits=1, user_api="openmp")
