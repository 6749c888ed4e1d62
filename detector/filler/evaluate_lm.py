"""What the language model adds to the filler check, feature by feature, and on generators it never saw.

Used by notebooks/filler.ipynb. The ablation fits the two heads (``lm_head``) with a subset of
the token statistics on the dev split (and spliced dev articles) and scores the test split: documents of the target sets
and spliced test articles (exact sentence labels). Leave-one-generator-out retrains the
accurate models without one generator (``train.retrain``, capped training data) and fits the
heads on dev without that generator, then scores its test texts against the human ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lm_features import SENTENCE_LM_FEATURES
from .lm_head import LanguageModelFiller, fit_head, read_with
from .model import FillerModel, logit
from .train import TARGET_SETS, binary_metrics, document_weights

ABLATION = {
    "accurate alone": (),
    "+ log-prob": ("lm_log_prob_mean", "lm_log_prob_std"),
    "+ entropy": ("lm_entropy_mean", "lm_entropy_std"),
    "+ log-rank": ("lm_log_rank_mean",),
    "+ Fast-DetectGPT": ("lm_fast_detectgpt",),
    "+ log-prob minus expected": ("lm_log_prob_minus_expected",),
    "all token statistics": tuple(name.removeprefix("sentence_") for name in SENTENCE_LM_FEATURES),
}


@dataclass(slots=True)
class Reading:
    """A table as the heads read it (see ``LanguageModelFiller.table_reading``)."""

    table: object
    base_logits: np.ndarray
    sentence_lm: np.ndarray
    base_p: np.ndarray
    document_lm: np.ndarray


def read(model: FillerModel, table, statistics) -> Reading:
    return Reading(table, *read_with(model, table, statistics))


def _columns(names: tuple[str, ...]) -> list[int]:
    return [SENTENCE_LM_FEATURES.index(f"sentence_{n}") for n in names]


def _fit_lr(x, y, w):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y, logisticregression__sample_weight=w)


def heads_with(columns: list[int], dev: Reading, spliced_dev: Reading, model_sets: tuple[str, ...], use_base: bool = True):
    """The two heads over the accurate logit (unless ``use_base`` is false) and some token statistics, as ``fit_head`` fits them."""
    table = dev.table

    def sentence_x(r: Reading):
        return np.hstack(([r.base_logits[:, None]] if use_base else []) + [r.sentence_lm[:, columns]])

    def document_x(r: Reading):
        return np.hstack(([logit(r.base_p)[:, None]] if use_base else []) + [r.document_lm[:, columns]])

    labelled = spliced_dev.table.label >= 0
    y = spliced_dev.table.label[labelled]
    balance = np.where(y == 1, 0.5 / max((y == 1).sum(), 1), 0.5 / max((y == 0).sum(), 1)) * len(y)
    docs = np.array([d.dataset in model_sets for d in table.docs])
    sentence = _fit_lr(sentence_x(spliced_dev)[labelled], y, balance)
    document = _fit_lr(document_x(dev)[docs], table.doc_labels()[docs], document_weights([d for d, k in zip(table.docs, docs) if k]))

    def score(r: Reading):
        return sentence.decision_function(sentence_x(r)), document.predict_proba(document_x(r))[:, 1]

    return score


def ablation(dev: Reading, spliced_dev: Reading, test: Reading, spliced: Reading, model_sets: tuple[str, ...]) -> list[dict]:
    from sklearn.metrics import roc_auc_score

    y = test.table.doc_labels()
    target = np.array([d.dataset in TARGET_SETS for d in test.table.docs])
    labelled = spliced.table.label >= 0
    rows = []
    variants = [(name, _columns(cols), True) for name, cols in ABLATION.items()]
    variants.append(("token statistics without the accurate model", _columns(ABLATION["all token statistics"]), False))
    for name, columns, use_base in variants:
        score = heads_with(columns, dev, spliced_dev, model_sets, use_base)
        _, p = score(test)
        spliced_logits, _ = score(spliced)
        metrics = binary_metrics(y[target], p[target])
        rows.append({
            "variant": name,
            "document_auroc": metrics.get("auroc"),
            "tpr_at_1pct_fpr": metrics.get("tpr_at_1pct_fpr"),
            "tpr_at_5pct_fpr": metrics.get("tpr_at_5pct_fpr"),
            "spliced_sentence_auroc": round(float(roc_auc_score(spliced.table.label[labelled], spliced_logits[labelled])), 4),
        })
    return rows


def leave_one_generator_out(generators, train_table, dev_table, spliced_dev, test_table, statistics, model_sets,
                            retrain, capped, log=lambda message: None) -> list[dict]:
    """Per generator: accurate models retrained without it, heads fitted on dev without it, its test texts vs human ones."""
    y = test_table.doc_labels()
    datasets = np.array([d.dataset for d in test_table.docs])
    test_generators = np.array([d.generator for d in test_table.docs])
    train_generators = np.array([d.generator for d in train_table.docs])
    dev_generators = np.array([d.generator for d in dev_table.docs])
    rows = []
    for generator in generators:
        base = retrain(capped(train_table, train_generators != generator), spliced_dev)
        dev = dev_table.subset_docs(dev_generators != generator)
        head = fit_head(base.artifact, dev, spliced_dev, statistics, model_sets, log=log)
        head.pop("_oof")
        model = LanguageModelFiller(base.artifact, head, statistics)
        p_lm = model.table_document_probabilities(test_table)
        p_base = base.table_document_probabilities(test_table)
        for name in dict.fromkeys(datasets[test_generators == generator]):
            keep = (datasets == name) & ((test_generators == generator) | (y == 0))
            lm_metrics, base_metrics = binary_metrics(y[keep], p_lm[keep]), binary_metrics(y[keep], p_base[keep])
            rows.append({
                "held out": generator, "test": f"{name}/{generator}", "n": lm_metrics.get("n"),
                "accurate_auroc": base_metrics.get("auroc"), "lm_auroc": lm_metrics.get("auroc"),
                "accurate_tpr_at_1pct_fpr": base_metrics.get("tpr_at_1pct_fpr"), "lm_tpr_at_1pct_fpr": lm_metrics.get("tpr_at_1pct_fpr"),
            })
        log(f"without {generator}: done")
    return rows
