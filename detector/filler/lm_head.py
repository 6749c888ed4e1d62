"""The ``lm`` profile's filler models: the accurate profile's scores read together with a language model's.

The accurate profile's sentence and document models (trained on the train split) stay
exactly as shipped. On top of them sit two small models fitted on the dev split, which
the accurate models never saw (stacking on held-out data):

- the document head: a logistic regression over the accurate document logit and the
  document's token statistics from SmolLM2-135M (``lm_features.DOCUMENT_LM_FEATURES``:
  mean and spread of the log-probability and entropy, mean log-rank, the
  Fast-DetectGPT statistic, log-probability minus its expectation), on dev articles;
- the sentence head: a logistic regression over the accurate sentence logit and the
  same statistics over the sentence's tokens, on the sentences of spliced dev articles
  (human articles with machine sentences of the same story inserted), whose labels are
  exact, and calibrated there. Whole-article labels teach it what the document head
  already knows (an article's generator); inserted sentences teach it the sentence.

The sentence gate (``gate.py``) and the default threshold are fitted again for the
heads' scores on dev articles (document probabilities out of fold), with the same
budgets as the other profiles. Being linear, the sentence head's logit splits into
the accurate model's groups (scaled by the head's weight on the accurate logit) and
one ``predictability`` group, which the flag message explains with the sentence's
log-probability against the typical human news sentence.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .gate import SentenceGate
from .lm_features import DOCUMENT_LM_FEATURES, SENTENCE_LM_FEATURES, document_row, sentence_rows
from .model import DocumentInput, FillerModel, SentenceScores, contributions, logit

ARTIFACT = "filler/lm.joblib"
BASE_PROFILE = "accurate"
PREDICTABILITY_GROUP = "predictability"
SENTENCE_HEAD_FEATURES = ("accurate_sentence_logit",) + SENTENCE_LM_FEATURES
DOCUMENT_HEAD_FEATURES = ("accurate_document_logit",) + DOCUMENT_LM_FEATURES
# How each token statistic reads in a flag message, with the sentence's value and the median human news sentence's.
_DESCRIPTIONS = {
    "sentence_lm_log_prob_mean": "unusually predictable to a language model (log-prob {value:.1f} per token against {typical:.1f} typical for human news)",
    "sentence_lm_entropy_mean": "the language model was unusually sure of each next word (entropy {value:.1f} against {typical:.1f} typical for human news)",
    "sentence_lm_log_rank_mean": "words among a language model's first guesses (mean log-rank {value:.2f} against {typical:.2f} typical for human news)",
    "sentence_lm_fast_detectgpt": "word choices a language model itself favours (Fast-DetectGPT score {value:.1f} against {typical:.1f} typical for human news)",
    "sentence_lm_log_prob_minus_expected": "more predictable than a language model's own samples (log-prob minus expected {value:.2f} against {typical:.2f} typical for human news)",
    "sentence_lm_log_prob_std": "evenly predictable from word to word (log-prob spread {value:.1f} against {typical:.1f} typical for human news)",
    "sentence_lm_entropy_std": "an even certainty from word to word (entropy spread {value:.1f} against {typical:.1f} typical for human news)",
}


def sentence_head_design(base_logits: np.ndarray, lm_rows: np.ndarray) -> np.ndarray:
    return np.column_stack([np.asarray(base_logits, dtype=np.float64), np.asarray(lm_rows, dtype=np.float64)])


def document_head_row(base_probability: float, lm_row: np.ndarray) -> np.ndarray:
    return np.concatenate([[float(logit(base_probability))], np.asarray(lm_row, dtype=np.float64)])


Statistics = Callable[[list[str]], list]  # texts -> TokenStatistics, one per text


@dataclass(slots=True)
class LanguageModelReading:
    """The token statistics' rows for some sentences of one document, and the document's row."""

    sentences: np.ndarray
    document: np.ndarray


class LanguageModelFiller(FillerModel):
    """The accurate filler model with the sentence and document heads; same interface as ``FillerModel``.

    ``statistics`` reads texts with the language model (``language_model.LanguageModel``
    by default, loaded on first use); evaluation passes a cache of precomputed statistics.
    """

    def __init__(self, base_artifact: dict, head: dict, statistics: Statistics | None = None):
        super().__init__(base_artifact)
        self.base_gate = self.gate
        self.head = head
        self.sentence_head = head["sentence_head"]
        self.sentence_calibrated = head["sentence_calibrated"]
        self.document_head = head["document_head"]
        self.threshold = float(head["threshold"])
        self.threshold_logit = float(head["threshold_logit"])
        self.base_threshold_logit = float(base_artifact["threshold_logit"])
        self.gate = SentenceGate(**head["gate"])
        self.typical_human = dict(head["typical_human"])
        if tuple(head["sentence_features"]) != SENTENCE_HEAD_FEATURES or tuple(head["document_features"]) != DOCUMENT_HEAD_FEATURES:
            raise ValueError("the lm filler head was trained with other features than this code computes; retrain it")
        self._statistics = statistics
        self._last_table = None  # evaluation reads one table several times

    # -- the language model ---------------------------------------------------

    def statistics(self, texts: list[str]) -> list:
        if self._statistics is None:
            from .language_model import shared_language_model

            self._statistics = shared_language_model().statistics
        return self._statistics(texts)

    def read_language_model(self, text: str, spans: list[tuple[int, int]]) -> LanguageModelReading:
        stats = self.statistics([text])[0]
        return LanguageModelReading(sentence_rows(stats, spans), document_row(stats))

    # -- the heads --------------------------------------------------------------

    def head_logits(self, base_logits: np.ndarray, lm_rows: np.ndarray) -> np.ndarray:
        if not len(base_logits):
            return np.zeros(0)
        return self.sentence_head.decision_function(sentence_head_design(base_logits, lm_rows))

    def head_probabilities(self, base_logits: np.ndarray, lm_rows: np.ndarray) -> np.ndarray:
        if not len(base_logits):
            return np.zeros(0)
        return self.sentence_calibrated.predict_proba(sentence_head_design(base_logits, lm_rows))[:, 1]

    def document_head_probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.document_head.predict_proba(np.atleast_2d(rows))[:, 1]

    def probability_at(self, sentence_logit: float) -> float:
        if not np.isfinite(sentence_logit):
            return 1.0
        calibrator = self.sentence_calibrated.calibrated_classifiers_[0].calibrators[0]
        return float(calibrator.predict(np.array([sentence_logit]))[0])

    # -- one document (the check) -----------------------------------------------

    def read_document(self, text: str, spans: list[tuple[int, int]], indexes: list[int], feats: list, vectors: np.ndarray,
                      item_without_logits: Callable[[np.ndarray], DocumentInput]) -> tuple[SentenceScores, float]:
        base_scores = super().score_sentences(indexes, feats, vectors)
        base_probability = super().document_probability(item_without_logits(base_scores.logits))
        if not indexes:
            return base_scores, base_probability
        reading = self.read_language_model(text, spans)
        logits = self.head_logits(base_scores.logits, reading.sentences)
        scores = SentenceScores(indexes, logits, self.head_probabilities(base_scores.logits, reading.sentences), feats,
                                base_scores.design, reading.sentences, base_scores.logits)
        probability = float(self.document_head_probabilities(document_head_row(base_probability, reading.document))[0])
        return scores, probability

    def explain_parts(self, scores: SentenceScores) -> tuple[np.ndarray, list[str]]:
        """Per-group contributions to the head's logit: the accurate model's groups, scaled, and predictability."""
        base_parts, names = contributions(self.pipeline, scores.design, self.vector_dim)
        scaler, logistic = self.sentence_head[0], self.sentence_head[-1]
        weights = logistic.coef_[0] / scaler.scale_
        lm = np.asarray(scores.lm_rows, dtype=np.float64)
        lm_part = ((lm - scaler.mean_[1:]) * weights[1:]).sum(axis=1)
        return np.column_stack([base_parts * weights[0], lm_part]), names + [PREDICTABILITY_GROUP]

    def describe_predictability(self, lm_row: np.ndarray) -> str | None:
        """The token statistic that pushed the sentence's score up most, against its typical value in human news.

        Only a statistic on the machine side of the typical human sentence is named
        (the group can add to the score through a value that is merely less human than
        the training average); None when none is.
        """
        scaler, logistic = self.sentence_head[0], self.sentence_head[-1]
        coefficients = logistic.coef_[0][1:] / scaler.scale_[1:]
        row = np.asarray(lm_row, dtype=np.float64)
        parts = (row - scaler.mean_[1:]) * coefficients
        for j in np.argsort(parts)[::-1]:
            name = SENTENCE_LM_FEATURES[j]
            typical = self.typical_human.get(name)
            if parts[j] <= 0 or typical is None or name not in _DESCRIPTIONS:
                continue
            if (row[j] - typical) * coefficients[j] > 0:
                return _DESCRIPTIONS[name].format(value=row[j], typical=typical)
        return None

    # -- tables (training and evaluation) -----------------------------------------

    def table_reading(self, table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """See ``read_table``: the accurate model's view of ``table`` and its token statistics."""
        base_logits = FillerModel.table_logits(self, table)
        return read_table(base_logits, FillerModel.table_document_probabilities(self, table, base_logits), table, self.statistics)

    def table_scores(self, table) -> tuple[np.ndarray, np.ndarray]:
        """(head sentence logits per row, head document probability per document)."""
        if self._last_table is not None and self._last_table[0] is table:
            return self._last_table[1]
        base_logits, sentence_lm, base_p, document_lm = self.table_reading(table)
        logits = self.head_logits(base_logits, sentence_lm)
        x = document_head_matrix(base_p, document_lm)
        result = logits, self.document_head_probabilities(x)
        self._last_table = (table, result)
        return result

    def table_logits(self, table) -> np.ndarray:
        return self.table_scores(table)[0]

    def table_document_probabilities(self, table, logits: np.ndarray | None = None) -> np.ndarray:
        return self.table_scores(table)[1]


def read_table(base_logits: np.ndarray, base_p: np.ndarray, table, statistics: Statistics):
    """(accurate logit per row, sentence LM rows, accurate document probability per document, document LM rows)."""
    stats = statistics([d.text for d in table.docs])
    sentence_lm = np.zeros((len(table.label), len(SENTENCE_LM_FEATURES)))
    document_lm = np.zeros((len(table.docs), len(DOCUMENT_LM_FEATURES)))
    for k, (doc, st) in enumerate(zip(table.docs, stats)):
        rows = np.flatnonzero(table.doc == k)
        if len(rows):
            sentence_lm[rows] = sentence_rows(st, [(doc.sentences[i].start, doc.sentences[i].end) for i in table.position[rows]])
        document_lm[k] = document_row(st)
    return base_logits, sentence_lm, base_p, document_lm


def read_with(base: FillerModel, table, statistics: Statistics):
    """``read_table`` with the logits and document probabilities of ``base`` (an accurate FillerModel)."""
    logits = base.table_logits(table)
    return read_table(logits, base.table_document_probabilities(table, logits), table, statistics)


def document_head_matrix(base_p: np.ndarray, document_lm: np.ndarray) -> np.ndarray:
    return np.column_stack([logit(base_p), np.asarray(document_lm, dtype=np.float64)])


def load(store, statistics: Statistics | None = None) -> LanguageModelFiller:
    """The lm filler model of ``store``; the heads must have been fitted over the accurate model it holds."""
    from ..errors import ArtifactError

    base_name = f"filler/{BASE_PROFILE}.joblib"
    if not store.has(ARTIFACT):
        raise ArtifactError(f"the 'lm' profile needs {ARTIFACT}; train it with: detector train filler --profile lm")
    if statistics is None:
        from .language_model import gguf_path

        gguf_path()  # a missing extra is an error at load time, not on the first document
    head = store.load_joblib(ARTIFACT)
    if head.get("base_sha256") != store.entry(base_name)["sha256"]:
        raise ArtifactError(f"{ARTIFACT} was fitted over another {base_name}; retrain it: detector train filler --profile lm")
    return LanguageModelFiller(store.load_joblib(base_name), head, statistics)


# ---------------------------------------------------------------------------
# Fitting (``detector train filler --profile lm``)


def _logistic(c: float = 1.0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))


SEED = 20261204
FOLDS = 5


def fit_head(base_artifact: dict, dev, spliced_dev, statistics: Statistics, model_sets: tuple[str, ...], log=print) -> dict:
    """The heads, threshold and gate, from ``dev`` (articles of the English news sets) and spliced dev articles.

    The document head learns from the articles of ``model_sets`` (the sets the accurate
    models learned from); each of them gets an out-of-fold probability (folds grouped by
    story), every other article the full head's, and the gate is chosen on those.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import GroupKFold

    from .gate import fit_gate
    from .train import (
        GENERIC_HUMAN_BUDGET,
        _article_rows,
        _calibrated_at,
        _flag_rules,
        _human_news_rows,
        _pair_groups,
        choose_threshold,
        document_weights,
        reporting_rows,
    )

    base = FillerModel(base_artifact)

    log("document head on dev articles")
    base_logits, sentence_lm, base_p, document_lm = read_with(base, dev, statistics)
    y_doc = dev.doc_labels()
    in_model_sets = np.array([d.dataset in model_sets for d in dev.docs])
    x_document = document_head_matrix(base_p, document_lm)

    def fit_document(docs):
        model = _logistic()
        weights = document_weights([dev.docs[k] for k in np.flatnonzero(docs)])
        return model.fit(x_document[docs], y_doc[docs], logisticregression__sample_weight=weights)

    document_head = fit_document(in_model_sets)
    oof_p = document_head.predict_proba(x_document)[:, 1]
    fit_docs = np.flatnonzero(in_model_sets)
    groups = _pair_groups(dev.docs)
    for train_docs, held_docs in GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(fit_docs, groups=groups[fit_docs]):
        mask = np.zeros(len(dev.docs), bool)
        mask[fit_docs[train_docs]] = True
        oof_p[fit_docs[held_docs]] = fit_document(mask).predict_proba(x_document[fit_docs[held_docs]])[:, 1]

    log("sentence head on spliced dev articles")
    spliced_base_logits, spliced_lm, _, _ = read_with(base, spliced_dev, statistics)
    labelled = spliced_dev.label >= 0
    y = spliced_dev.label[labelled]
    balance = np.where(y == 1, 0.5 / max((y == 1).sum(), 1), 0.5 / max((y == 0).sum(), 1)) * len(y)
    x_spliced = sentence_head_design(spliced_base_logits, spliced_lm)[labelled]
    sentence_head = _logistic().fit(x_spliced, y, logisticregression__sample_weight=balance)
    calibrated = CalibratedClassifierCV(FrozenEstimator(sentence_head), method="sigmoid")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Since FrozenEstimator does not appear to accept sample_weight")
        calibrated.fit(x_spliced, y, sample_weight=balance)

    log("threshold and sentence gate on dev articles")
    logits = sentence_head.decision_function(sentence_head_design(base_logits, sentence_lm))
    human_news = _human_news_rows(dev)
    threshold_logit = choose_threshold(logits[human_news], _flag_rules(dev, base_artifact["phrase_min_ratio"])[human_news])
    human, machine = _article_rows(dev)
    gate, grid = fit_gate(logits, oof_p[dev.doc], ~reporting_rows(dev), human, machine, dev.doc, GENERIC_HUMAN_BUDGET,
                          sentence_min=threshold_logit)
    return {
        "sentence_head": sentence_head,
        "sentence_calibrated": calibrated,
        "document_head": document_head,
        "threshold_logit": threshold_logit,
        "threshold": _calibrated_at(calibrated, threshold_logit),
        "gate": gate.to_dict(),
        "gate_grid": grid,
        "typical_human": {name: float(np.median(sentence_lm[human_news, j])) for j, name in enumerate(SENTENCE_LM_FEATURES)},
        "sentence_features": list(SENTENCE_HEAD_FEATURES),
        "document_features": list(DOCUMENT_HEAD_FEATURES),
        "base_sha256": None,
        "_oof": {"document_probabilities": oof_p},
    }
