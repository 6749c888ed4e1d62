"""Train and evaluate the filler models (``detector train filler`` / ``detector eval filler``).

Training reads the TRAIN splits only (seed ``SEED``); the dev splits calibrate
the sentence model, choose the default sentence threshold, and check the
document model; test splits are read by ``evaluate`` and the notebook only.

Sentence labels (see ``detector/training/corpus.py`` and labels/README.md): a sentence takes its
document's label, except in the continuation sets where the human prefix is
known exactly. Training the sentence model on document labels is noisy (a
machine paraphrase keeps some human sentences nearly verbatim) but unbiased
with respect to the features we show; the noise lowers sentence AUROC, which
is why the sentence evaluation uses exact labels only (spliced documents,
continuation sets).

Steps of ``train(profile)``:
1. mine the stock-phrase list (train) and choose its flagging ratio (dev);
2. sentence table of every eligible sentence of the train sets: vector (the
   profile's encoder, cached in .cache/) + interpretable features;
3. out-of-fold sentence logits (GroupKFold by story) for the document model;
4. the sentence pipeline fitted on all of train, then calibrated on dev
   sentences with exact labels (CalibratedClassifierCV over the frozen pipeline);
5. the default sentence threshold: the lowest one at which all filler flags
   together (generic, stock phrase, residue, tautology) stay within the
   human-sentence budget on dev human news;
6. the document model over document features of the out-of-fold logits,
   calibrated with CalibratedClassifierCV (sigmoid, folds grouped by story).
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis
from ..segment import Document
from ..training import commands
from ..training.corpus import NEWS_SETS, TARGET_SETS, EmbeddingCache, corpus
from .features import FEATURE_NAMES, sentence_features
from .model import DOCUMENT_FEATURES, DocumentInput, FillerModel, document_features, eligible, sentence_design
from .phrases import StockPhraseList
from .residue import find_residue

SEED = 20261123


N_FOLDS = 5


C_SENTENCE = 0.5


# Default sentence threshold: all filler codes together flag at most this share
# of human news sentences on dev. The budget is 5%; the margin absorbs
# the difference between dev and unseen copy.
HUMAN_SENTENCE_BUDGET = 0.045


# The stock-phrase flag's own part of that budget (a phrase alone flags a sentence).
STOCK_PHRASE_BUDGET = 0.01
# filler.generic flags (after the gate: document agreement, reporting left alone) on
# human news sentences: the editor-judged target, at most 1%, held by the 95th
# percentile over bootstrap resamples of the dev articles (detector/filler/gate.py).
GENERIC_HUMAN_BUDGET = 0.01
ARTIFACT = "filler/{profile}.joblib"


@dataclass(slots=True)
class SentenceTable:
    """Every eligible sentence of a set of documents, with its vector and features."""

    docs: list
    doc: np.ndarray
    position: np.ndarray
    label: np.ndarray  # 1 machine, 0 human, -1 unknown (straddles a continuation's boundary)
    features: np.ndarray
    vectors: np.ndarray
    words: np.ndarray
    repeated: np.ndarray  # per document: sentences flagged by filler.repetition
    residue: np.ndarray  # per document: sentences with template residue
    feature_rows: list = field(default_factory=list)

    @property
    def design(self) -> np.ndarray:
        return sentence_design(self.vectors, self.features)

    def doc_labels(self) -> np.ndarray:
        return np.array([d.label for d in self.docs])

    def subset_docs(self, keep: np.ndarray) -> "SentenceTable":
        """The table restricted to documents where ``keep`` (per document) is true."""
        keep = np.asarray(keep, dtype=bool)
        new_index = np.cumsum(keep) - 1
        rows = keep[self.doc]
        return SentenceTable(
            [d for d, k in zip(self.docs, keep) if k],
            new_index[self.doc[rows]],
            self.position[rows],
            self.label[rows],
            self.features[rows],
            self.vectors[rows],
            self.words[rows],
            self.repeated[keep],
            self.residue[keep],
            [r for r, k in zip(self.feature_rows, rows) if k] if self.feature_rows else [],
        )


def _doc_sentences(doc) -> tuple[list, list[int]]:
    labels = doc.sentence_labels if hasattr(doc, "sentence_labels") else doc.labels
    return doc.sentences, [(-1 if l is None else l) for l in labels]


def build_table(docs: list, cache: EmbeddingCache, repetition=None, phrases: StockPhraseList | None = None,
                keep_rows: bool = False) -> SentenceTable:
    """Vectors (from the cache), features and repetition counts of ``docs`` (CorpusDoc or SplicedDoc)."""
    texts = [s.clean for d in docs for s in d.sentences]
    all_vectors = cache.vectors(texts, progress=len(texts) > 5000)
    doc_idx, positions, labels, rows, vectors, words, feature_rows = [], [], [], [], [], [], []
    repeated = np.zeros(len(docs))
    residue = np.zeros(len(docs))
    offset = 0
    for k, doc in enumerate(docs):
        sentences, sentence_labels = _doc_sentences(doc)
        vecs = all_vectors[offset : offset + len(sentences)]
        offset += len(sentences)
        if repetition is not None and len(sentences) > 1:
            analysis = Analysis(Document(doc.text, doc.format, sentences), np.nan_to_num(vecs), cache.profile)
            repeated[k] = len(repetition.run(analysis).flags)
        for i, sentence in enumerate(sentences):
            if sentence.kind in ("heading", "table_row") and find_residue(sentence, doc.format):
                residue[k] += 1
            if not eligible(sentence):
                continue
            feats = sentence_features(sentence, doc.format, phrases)
            residue[k] += bool(feats.residue)
            doc_idx.append(k)
            positions.append(i)
            labels.append(sentence_labels[i])
            rows.append(feats.values)
            vectors.append(vecs[i])
            words.append(feats.words)
            if keep_rows:
                feature_rows.append(feats)
    dim = all_vectors.shape[1] if len(all_vectors) else cache.encoder.dim
    return SentenceTable(
        list(docs),
        np.array(doc_idx, dtype=np.int64),
        np.array(positions, dtype=np.int64),
        np.array(labels, dtype=np.int64),
        np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES))),
        np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32),
        np.array(words, dtype=np.float64),
        repeated,
        residue,
        feature_rows,
    )


def sentence_weights(table: SentenceTable) -> np.ndarray:
    """Each data set's human and machine sentences weigh the same in total; sets weigh by sqrt(size).

    Balancing inside a set keeps its class ratio (LLMFake is 4:1 machine) from
    becoming a prior; sqrt keeps the small newsgpt set from being drowned
    without letting its 300 documents dominate either.
    """
    weights = np.zeros(len(table.label))
    datasets = np.array([table.docs[i].dataset for i in table.doc])
    labelled = table.label >= 0
    for name in np.unique(datasets):
        in_set = (datasets == name) & labelled
        total = np.sqrt(in_set.sum())
        for value in (0, 1):
            mask = in_set & (table.label == value)
            if mask.any():
                weights[mask] = total / 2 / mask.sum()
    return weights * labelled.sum() / max(weights.sum(), 1e-12)


def _sentence_pipeline(c: float = C_SENTENCE):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000, tol=1e-4))


def fit_sentence_pipeline(table: SentenceTable, c: float = C_SENTENCE):
    labelled = table.label >= 0
    weights = sentence_weights(table)
    pipeline = _sentence_pipeline(c)
    pipeline.fit(table.design[labelled], table.label[labelled], logisticregression__sample_weight=weights[labelled])
    return pipeline


def _pair_groups(docs) -> np.ndarray:
    return np.array([f"{d.dataset}:{d.pair}" for d in docs])


def out_of_fold_logits(table: SentenceTable, c: float = C_SENTENCE, folds: int = N_FOLDS, log=None) -> np.ndarray:
    """Sentence logits for every row, each from a model that never saw its story."""
    from sklearn.model_selection import GroupKFold

    groups = _pair_groups(table.docs)
    out = np.zeros(len(table.label))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    design = table.design
    doc_range = np.arange(len(table.docs))
    for fold, (train_docs, held_docs) in enumerate(splitter.split(doc_range, groups=groups)):
        train_mask = np.isin(table.doc, train_docs)
        held = np.isin(table.doc, held_docs)
        sub = train_mask & (table.label >= 0)
        weights = sentence_weights(table)
        pipeline = _sentence_pipeline(c)
        pipeline.fit(design[sub], table.label[sub], logisticregression__sample_weight=weights[sub])
        out[held] = pipeline.decision_function(design[held])
        if log:
            log(f"  out-of-fold sentence model {fold + 1}/{folds}")
    return out


def document_inputs(table: SentenceTable, logits: np.ndarray) -> list[DocumentInput]:
    order = np.argsort(table.doc, kind="stable")
    bounds = np.searchsorted(table.doc[order], np.arange(len(table.docs) + 1))
    items = []
    for k in range(len(table.docs)):
        rows = order[bounds[k] : bounds[k + 1]]
        items.append(DocumentInput(logits[rows], table.features[rows], table.words[rows], int(table.residue[k]), int(table.repeated[k])))
    return items


def document_matrix(table: SentenceTable, logits: np.ndarray, threshold_logit: float) -> np.ndarray:
    return np.vstack([document_features(item, threshold_logit) for item in document_inputs(table, logits)])


def document_weights(docs) -> np.ndarray:
    labels = np.array([d.label for d in docs])
    datasets = np.array([d.dataset for d in docs])
    weights = np.zeros(len(docs))
    for name in np.unique(datasets):
        in_set = datasets == name
        total = np.sqrt(in_set.sum())
        for value in (0, 1):
            mask = in_set & (labels == value)
            if mask.any():
                weights[mask] = total / 2 / mask.sum()
    return weights * len(docs) / weights.sum()


def fit_document_model(x: np.ndarray, docs, log=None):
    """Gradient-boosted trees over the document features, calibrated (sigmoid: it keeps the ranking, where isotonic steps tie scores) on folds grouped by story."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.array([d.label for d in docs])
    groups = _pair_groups(docs)
    folds = max(2, min(N_FOLDS, int(min(np.bincount(y, minlength=2)))))
    splits = list(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED).split(x, y, groups))
    from threadpoolctl import threadpool_limits

    base = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                          l2_regularization=1.0, random_state=SEED)
    # ensemble=False: one booster (fit on all of train) at prediction time, its calibration from the folds.
    model = CalibratedClassifierCV(base, method="sigmoid", cv=splits, ensemble=False)
    # One OpenMP thread: on a shared, oversubscribed machine more threads spin instead of working.
    with threadpool_limits(1):
        model.fit(x, y, sample_weight=document_weights(docs))
    return model


def calibrate_sentences(pipeline, table: SentenceTable):
    """CalibratedClassifierCV (sigmoid) over the frozen pipeline, on exactly labelled dev sentences, classes balanced."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    labelled = table.label >= 0
    y = table.label[labelled]
    weights = np.where(y == 1, 0.5 / max((y == 1).sum(), 1), 0.5 / max((y == 0).sum(), 1)) * len(y)
    model = CalibratedClassifierCV(FrozenEstimator(pipeline), method="sigmoid")
    with warnings.catch_warnings():
        # The weights are meant for the calibration alone: the pipeline is frozen.
        warnings.filterwarnings("ignore", message="Since FrozenEstimator does not appear to accept sample_weight")
        model.fit(table.design[labelled], y, sample_weight=weights)
    return model


def _flag_rules(table: SentenceTable, phrase_min_ratio: float) -> np.ndarray:
    """Whether a rule-based filler code (stock phrase, residue, tautology) flags each row."""
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    residue = table.features[:, col["template_residue"]] > 0
    circular = table.features[:, col["tautology"]] > 0
    strong = table.features[:, col["stock_log_ratio"]] >= np.log(phrase_min_ratio)
    return residue | circular | strong


def choose_phrase_ratio(table: SentenceTable, human_rows: np.ndarray, budget: float = STOCK_PHRASE_BUDGET) -> float:
    """The lowest phrase ratio whose phrases alone flag at most ``budget`` of human news sentences."""
    col = FEATURE_NAMES.index("stock_log_ratio")
    best = table.features[human_rows, col]
    candidates = np.unique(np.round(np.exp(best[best > 0]), 2))
    for ratio in np.sort(np.concatenate([candidates, [1e9]])):
        if np.mean(best >= np.log(ratio) - 1e-9) <= budget:
            return float(ratio)
    return 1e9


def choose_threshold(logits: np.ndarray, rule_flags: np.ndarray, budget: float = HUMAN_SENTENCE_BUDGET) -> float:
    """The lowest logit threshold at which generic-or-rule flags stay within ``budget`` of these (human) rows."""
    order = np.sort(np.unique(logits))[::-1]
    chosen = float(order[0]) + 1e-6
    for value in order:
        if np.mean(rule_flags | (logits >= value)) > budget:
            break
        chosen = float(value)
    return chosen


def tpr_at_fpr(y: np.ndarray, p: np.ndarray, fpr: float) -> float:
    """Share of machine texts caught at the strictest threshold whose false-positive rate is at most ``fpr``."""
    negatives = np.sort(p[y == 0])[::-1]
    if not len(negatives) or not (y == 1).any():
        return float("nan")
    allowed = int(np.floor(fpr * len(negatives)))
    # Scores strictly above the (allowed+1)-th highest human score keep FPR <= fpr.
    cut = negatives[allowed] if allowed < len(negatives) else -np.inf
    return float(np.mean(p[y == 1] > cut))


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict:
    from sklearn.metrics import f1_score, roc_auc_score

    y = np.asarray(y)
    p = np.asarray(p)
    out = {"n": int(len(y)), "machine": int(y.sum()), "human": int((y == 0).sum())}
    if len(np.unique(y)) < 2:
        return out
    out.update(
        auroc=round(float(roc_auc_score(y, p)), 4),
        f1=round(float(f1_score(y, p >= threshold)), 4),
        tpr_at_1pct_fpr=round(tpr_at_fpr(y, p, 0.01), 4),
        tpr_at_5pct_fpr=round(tpr_at_fpr(y, p, 0.05), 4),
    )
    return out


def _log(message: str) -> None:
    click.echo(f"[{time.strftime('%H:%M:%S')}] {message}", err=True)


def _phrase_list_digest(phrases: StockPhraseList) -> str:
    payload = json.dumps(sorted((p.phrase, p.ratio) for p in phrases.phrases.values()))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def fit(train: SentenceTable, dev: SentenceTable, phrases: StockPhraseList, phrase_min_ratio: float,
        c: float = C_SENTENCE, folds: int = N_FOLDS, log=_log, dev_documents: SentenceTable | None = None) -> dict:
    """Fit every trained part on ``train``, calibrate and choose thresholds on ``dev``; returns the artifact dict.

    With ``dev_documents`` (the dev split's articles) the sentence gate is fitted
    too (``detector/filler/gate.py``); without it the artifact has none and
    serves evaluation only (leave-one-generator-out, transfer).
    """
    log(f"sentence model on {int((train.label >= 0).sum())} labelled train sentences")
    oof = out_of_fold_logits(train, c, folds=folds, log=log)
    pipeline = fit_sentence_pipeline(train, c)
    calibrated = calibrate_sentences(pipeline, dev)

    dev_logits = pipeline.decision_function(dev.design)
    human_news = _human_news_rows(dev)
    threshold_logit = choose_threshold(dev_logits[human_news], _flag_rules(dev, phrase_min_ratio)[human_news])
    threshold = _calibrated_at(calibrated, threshold_logit)

    log("document model")
    x_train = document_matrix(train, oof, threshold_logit)
    document_model = fit_document_model(x_train, train.docs, log=log)
    gate, gate_table = None, None
    if dev_documents is not None:
        log("sentence gate on dev articles")
        gate, gate_table = fit_sentence_gate(pipeline, document_model, threshold_logit, dev_documents)
    return {
        "sentence_pipeline": pipeline,
        "sentence_model": calibrated,
        "threshold": threshold,
        "threshold_logit": threshold_logit,
        "document_model": document_model,
        "feature_names": list(FEATURE_NAMES),
        "document_features": list(DOCUMENT_FEATURES),
        "vector_dim": int(train.vectors.shape[1]),
        "phrase_min_ratio": phrase_min_ratio,
        "phrase_list": _phrase_list_digest(phrases),
        "_oof_train_logits": oof,
        "gate": gate.to_dict() if gate else None,
        "gate_grid": gate_table,
    }


def reporting_rows(table: SentenceTable) -> np.ndarray:
    """Whether each row is specific reporting (a quote, an attribution, a figure or date, named people): never generic filler."""
    from .gate import reporting_reason

    return np.array([reporting_reason(table.docs[d].sentences[i].clean) is not None
                     for d, i in zip(table.doc, table.position)], dtype=bool)


def row_document_probabilities(pipeline, document_model, threshold_logit: float, table: SentenceTable) -> np.ndarray:
    """Each row's document filler probability, as the check computes it."""
    logits = pipeline.decision_function(table.design)
    x = document_matrix(table, logits, threshold_logit)
    with _single_openmp_thread():
        p_doc = document_model.predict_proba(x)[:, 1]
    return p_doc[table.doc]


def _single_openmp_thread():
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def fit_sentence_gate(pipeline, document_model, threshold_logit: float, dev: SentenceTable):
    """The gate (detector/filler/gate.py) on dev articles: human news sentences within budget, most machine sentences caught."""
    from .gate import fit_gate

    logits = pipeline.decision_function(dev.design)
    p_rows = row_document_probabilities(pipeline, document_model, threshold_logit, dev)
    human, machine = _article_rows(dev)
    return fit_gate(logits, p_rows, ~reporting_rows(dev), human, machine, dev.doc, GENERIC_HUMAN_BUDGET,
                    sentence_min=threshold_logit)


def _article_rows(table: SentenceTable) -> tuple[np.ndarray, np.ndarray]:
    """Rows of human news articles, and rows of machine-written articles of the target sets (by the article's label:
    the human prefix of a machine continuation is part of a machine article)."""
    datasets = np.array([table.docs[i].dataset for i in table.doc])
    article_label = table.doc_labels()[table.doc]
    return (article_label == 0) & np.isin(datasets, NEWS_SETS), (article_label == 1) & np.isin(datasets, TARGET_SETS)


def _calibrated_at(calibrated, threshold_logit: float) -> float:
    """The calibrated probability at a given logit (the calibration is monotone in the logit)."""
    calibrator = calibrated.calibrated_classifiers_[0].calibrators[0]
    return float(calibrator.predict(np.array([threshold_logit]))[0])


def _human_news_rows(table: SentenceTable) -> np.ndarray:
    news = np.array([table.docs[i].dataset in NEWS_SETS for i in table.doc])
    return news & (table.label == 0)


# Sets the models learn from: English news by instruction-tuned generators. The
# continuation sets (xsum-fastdetect, seqxgpt-sent: 2019-2022 base models
# continuing a human prefix) are evaluation only: their text is not the padding
# this check is for, and training on it lowered dev AUROC on the target sets.
MODEL_SETS = ("llmfake", "newsgpt", "xsum-detectrl")


def load_tables(profile: str, splits=("train", "dev"), sets=MODEL_SETS, store: ArtifactStore | None = None, log=_log) -> dict:
    from .phrases import shipped_phrases
    from .repetition import Repetition

    store = store or ArtifactStore()
    repetition = Repetition().load(store, profile)
    cache = EmbeddingCache(profile)
    tables = {}
    for split in splits:
        tables[split] = cached_table(f"{profile}-{split}-{'+'.join(sets)}",
                                     lambda: build_table(corpus(split, sets), cache, repetition, shipped_phrases()), log)
    return tables


def _code_digest() -> str:
    """Changes whenever the feature code, the phrase list or the repetition model changes."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    feature_code = ("features.py", "phrases.py", "residue.py", "tautology.py", "stock_phrases.json")
    for path in [root / "filler" / name for name in feature_code] + [root / "segment.py", root / "filler" / "repetition.py",
                                                                      Path(__file__).with_name("splice.py")]:
        digest.update(path.read_bytes())
    models = ArtifactStore().manifest.get("artifacts", {})
    digest.update(json.dumps({k: v.get("sha256") for k, v in models.items() if k.startswith("repetition/")}).encode())
    return digest.hexdigest()[:12]


def cached_table(name: str, build, log=_log) -> SentenceTable:
    """A sentence table from .cache/tables/ if the code that made it is unchanged, else built and stored."""
    import pickle

    from ..training.corpus import CACHE

    path = CACHE / "tables" / f"{name}-{_code_digest()}.pkl"
    if path.exists():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    log(f"building sentence table {name}")
    table = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return table


def spliced_table(split: str, profile: str, store: ArtifactStore | None = None, limit: int | None = None,
                  sets: tuple[str, ...] = MODEL_SETS) -> SentenceTable:
    from .phrases import shipped_phrases
    from .repetition import Repetition
    from .splice import spliced_documents

    store = store or ArtifactStore()
    return cached_table(
        f"{profile}-spliced-{split}-{'+'.join(sets)}-{limit}",
        lambda: build_table(spliced_documents(split, sets=sets, limit=limit), EmbeddingCache(profile),
                            Repetition().load(store, profile), shipped_phrases()),
    )


def train(store: ArtifactStore, profile: str, log=_log) -> dict:
    import joblib

    from .phrases import shipped_phrases

    tables = load_tables(profile, store=store, log=log)
    spliced_dev = spliced_table("dev", profile, store)
    phrases = shipped_phrases()
    phrase_min_ratio = float(phrases.meta["flag_min_ratio"])
    # Calibration and threshold read exactly labelled sentences: the spliced dev articles.
    artifact = fit(tables["train"], spliced_dev, phrases, phrase_min_ratio, log=log, dev_documents=gate_dev_table(profile, store, log))
    artifact.pop("_oof_train_logits")  # training-time diagnostics, not shipped
    model = FillerModel(artifact)
    metrics = {"dev": dev_metrics(model, tables["dev"], spliced_dev, gate_dev_table(profile, store, log))}
    name = ARTIFACT.format(profile=profile)
    (store.root / "filler").mkdir(parents=True, exist_ok=True)
    joblib.dump({**artifact, "profile": profile, "seed": SEED}, store.root / name)
    n_train = int((tables["train"].label >= 0).sum())
    store.record(
        name,
        kind="model",
        check="generic",
        profile=profile,
        estimator=(
            "sentence: CalibratedClassifierCV(sigmoid) over frozen StandardScaler+LogisticRegression(C="
            f"{C_SENTENCE}) on [sentence vector, {len(FEATURE_NAMES)} named features]; document: "
            "CalibratedClassifierCV(sigmoid, 5 folds grouped by story, ensemble=False) over HistGradientBoostingClassifier "
            f"on {len(DOCUMENT_FEATURES)} document features of out-of-fold sentence logits" + GATE_ESTIMATOR
        ),
        data=(
            f"../shared/data/ai_text {', '.join(f'{s}-train' for s in MODEL_SETS)} (English news; {len(tables['train'].docs)} documents, "
            f"{n_train} sentences labelled by their document); calibration and threshold on spliced dev articles "
            f"({len(spliced_dev.docs)}; detector/filler/splice.py); stock phrases detector/filler/stock_phrases.json"
        ),
        params={
            "seed": SEED,
            "folds": N_FOLDS,
            "C_sentence": C_SENTENCE,
            "human_sentence_budget": HUMAN_SENTENCE_BUDGET,
            "threshold": round(artifact["threshold"], 4),
            "threshold_logit": round(artifact["threshold_logit"], 4),
            "phrase_min_ratio": phrase_min_ratio,
            "generic_human_budget": GENERIC_HUMAN_BUDGET,
            "gate": {k: round(v, 4) for k, v in artifact["gate"].items()},
        },
        metrics=metrics,
        built_by=f"detector train filler --profile {profile}",
    )
    return metrics


def gate_dev_table(profile: str, store: ArtifactStore | None = None, log=_log) -> SentenceTable:
    """Dev articles of every English news set: the human copy the gate must leave alone, the machine copy it should flag."""
    return load_tables(profile, splits=("dev",), sets=NEWS_SETS, store=store, log=log)["dev"]


GATE_ESTIMATOR = "; sentence gate (detector/filler/gate.py) fitted on dev articles of the English news sets"


def refit_gate(store: ArtifactStore, profile: str, log=_log) -> dict:
    """Fit only the sentence gate on dev, over the shipped sentence and document models, and rewrite the artifact.

    The sentence and document models stay exactly as shipped (their test
    metrics do not move); ``train`` fits the same gate after fitting them.
    """
    import joblib

    name = ARTIFACT.format(profile=profile)
    artifact = dict(store.load_joblib(name))
    dev_documents = gate_dev_table(profile, store, log)
    log("sentence gate on dev articles (shipped sentence and document models)")
    gate, grid = fit_sentence_gate(artifact["sentence_pipeline"], artifact["document_model"], float(artifact["threshold_logit"]),
                                   dev_documents)
    artifact.update(gate=gate.to_dict(), gate_grid=grid)
    model = FillerModel(artifact)
    tables = load_tables(profile, splits=("dev",), store=store, log=log)
    metrics = {"dev": dev_metrics(model, tables["dev"], spliced_table("dev", profile, store), dev_documents)}
    joblib.dump(artifact, store.root / name)
    entry = store.entry(name)
    params = {**entry.get("params", {}), "generic_human_budget": GENERIC_HUMAN_BUDGET,
              "gate": {k: round(v, 4) for k, v in gate.to_dict().items()}}
    store.record(
        name,
        kind=entry.get("kind", "model"),
        check=entry.get("check", "generic"),
        profile=profile,
        estimator=entry.get("estimator", "").split(GATE_ESTIMATOR)[0] + GATE_ESTIMATOR,
        data=entry.get("data", ""),
        params=params,
        metrics=metrics,
        built_by=f"detector train filler --profile {profile} --gate-only",
    )
    return metrics


def flagged_rows(model: FillerModel, table: SentenceTable) -> dict[str, np.ndarray]:
    """Per row, what the checks flag: generic (gated), stock phrase (above the document floor), any filler rule or generic."""
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    logits = model.table_logits(table)
    with _single_openmp_thread():
        p_rows = model.table_document_probabilities(table, logits)[table.doc]
    generic = model.gate.allows_rows(logits, p_rows) & ~reporting_rows(table)
    stock = (table.features[:, col["stock_log_ratio"]] >= np.log(model.artifact["phrase_min_ratio"])) & (p_rows >= model.gate.document_floor)
    rules = (table.features[:, col["template_residue"]] > 0) | (table.features[:, col["tautology"]] > 0) | stock
    return {"logits": logits, "generic": generic, "stock_phrase": stock, "any": generic | rules,
            "over_threshold": logits >= model.threshold_logit}


def dev_metrics(model: FillerModel, dev: SentenceTable, spliced: SentenceTable, news_dev: SentenceTable | None = None) -> dict:
    """Document metrics on dev (target sets), sentence metrics on spliced dev articles, the gate's flags on dev articles."""
    from sklearn.metrics import roc_auc_score

    p = model.table_document_probabilities(dev)
    y = dev.doc_labels()
    datasets = np.array([d.dataset for d in dev.docs])
    target = np.isin(datasets, TARGET_SETS)
    spliced_flags = flagged_rows(model, spliced)
    news_dev = news_dev if news_dev is not None else dev
    dev_flags = flagged_rows(model, news_dev)
    labelled = spliced.label >= 0
    human = spliced.label == 0
    dev_human, dev_machine = _article_rows(news_dev)
    return {
        "documents_llmfake_newsgpt": binary_metrics(y[target], p[target]),
        "spliced_sentence_auroc": round(float(roc_auc_score(spliced.label[labelled], spliced_flags["logits"][labelled])), 4),
        "spliced_human_sentences_flagged_generic": round(float(np.mean(spliced_flags["generic"][human])), 4),
        "spliced_human_sentences_flagged_any": round(float(np.mean(spliced_flags["any"][human])), 4),
        "dev_human_news_sentences_flagged_generic": round(float(np.mean(dev_flags["generic"][dev_human])), 4),
        "dev_human_news_sentences_flagged_stock_phrase": round(float(np.mean(dev_flags["stock_phrase"][dev_human])), 4),
        "dev_machine_sentences_flagged_generic_llmfake_newsgpt": round(float(np.mean(dev_flags["generic"][dev_machine])), 4),
    }


FILLER_PROFILES = ("accurate", "fast", "lm")


@click.command()
@click.option("--profile", "profiles", type=click.Choice(FILLER_PROFILES), multiple=True,
              help="Profiles to train (default: accurate and fast; lm fits its heads over the shipped accurate models).")
@commands.models_directory
@click.option("--skip-phrases", is_flag=True, help="Keep the shipped stock-phrase list instead of mining it again.")
@click.option("--gate-only", is_flag=True,
              help="Refit only the sentence gate on dev over the shipped sentence and document models (keeps the phrase list).")
def train_command(profiles, models_dir, skip_phrases, gate_only) -> None:
    """Mine the stock phrases and fit the filler sentence and document models (train split, fixed seed)."""
    from . import train_phrases

    if gate_only:
        store = ArtifactStore(models_dir)
        for profile in commands.each_profile(profiles):
            click.echo(json.dumps({"profile": profile, **refit_gate(store, profile)}, indent=2))
        return
    if not skip_phrases and set(commands.each_profile(profiles)) != {"lm"}:
        path = train_phrases.write(train_phrases.mine())
        _log(f"stock phrases written to {path}")
    store = ArtifactStore(models_dir)
    for profile in commands.each_profile(profiles):
        if profile == "lm":
            from . import train_lm

            click.echo(json.dumps({"profile": profile, **train_lm.train(store)}, indent=2))
            continue
        click.echo(json.dumps({"profile": profile, **train(store, profile)}, indent=2))


def retrain(train_table: SentenceTable, dev_spliced: SentenceTable, folds: int = 3, log=None) -> FillerModel:
    """The same recipe as ``train`` on another training table (leave-one-generator-out, transfer); nothing is saved."""
    from .phrases import shipped_phrases

    phrases = shipped_phrases()
    artifact = fit(train_table, dev_spliced, phrases, float(phrases.meta["flag_min_ratio"]), folds=folds,
                   log=log or (lambda message: None))
    artifact.pop("_oof_train_logits")
    return FillerModel(artifact)
