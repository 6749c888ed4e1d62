"""Train and evaluate contradiction.semantic and contradiction.numeric.

No public contradiction data can be brought here, so the training pairs are made
from real copy: sentences of human-written news (train split only) and
partners made by rule (``detector.training.perturb``): contradicting edits
(label 1), compatible edits (label 0), and other sentences of the same article
that the candidate search pairs with it (label 0: real articles rarely contradict
themselves). Evaluation uses held-out synthetic pairs, the hand-labelled real
pairs of ``labels/contradiction_pairs.jsonl`` (never trained on), and an
insertion benchmark on test-split articles.

``detector train contradictions`` / ``detector eval contradictions``;
``python -m detector.training.contradictions sample-real`` draws real pairs for
labelling, ``sample-synthetic`` a sample of synthetic pairs for the hand check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..checks.base import Analysis
from ..checks.contradiction import (
    DOCUMENT_FEATURES,
    LinearPairModel,
    candidate_pairs,
    is_statement,
    semantic_features,
    symmetric_probability,
)
from ..cues import CUE_FEATURES, CUE_MODEL_FEATURES, CueTable, anchored_rows, cue_model_features, read_cues
from ..encoders import Encoder
from ..numeric_figures import NUMERIC_FEATURES, figure_clashes, numeric_features
from ..segment import segment
from . import commands, perturb
from .data import news_rows, read_rows, stable_fraction, write_candidates

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "contradictions"
LABELS = REPO / "labels" / "contradiction_pairs.jsonl"
SEED = 20261123
CANDIDATE_FLOOR = 0.5
RELATED_FLOOR = 0.3
# Share of train-split articles whose synthetic pairs are held out for evaluation.
SYNTHETIC_TEST_SHARE = 0.15
SOURCES_PER_ARTICLE = 5
SAME_ARTICLE_PAIRS = 30
# Share of edited partners that get one or two further compatible edits (see perturb.loosen).
LOOSENED_SHARE = 0.5
SPLICED_SHARE = 0.3
MAX_SENTENCES = 30
# Thresholds keep false flags on clean dev-split human articles under this many per article.
FALSE_FLAGS_PER_ARTICLE = 0.03
ANCHORED_FALSE_FLAGS_PER_ARTICLE = 0.02
SEMANTIC_C = 0.05
EMBEDDING_WEIGHT = 0.25
# Cues such as a unanimous against a split vote are rare in news but nearly always
# mean a contradiction: weak regularisation lets their weight grow.
CUE_C = 10.0


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


# --------------------------------------------------------------------- encoding with a disk cache


class CachedEncoder:
    """The profile's encoder with a persistent cache in .cache/ (2 shared cores: encode once)."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder
        self.profile = encoder.profile
        self.path = CACHE / f"vectors-{encoder.profile}.joblib"
        self._store: dict[str, np.ndarray] | None = None
        self._dirty = False
        self._fresh = 0

    def _load(self) -> dict[str, np.ndarray]:
        if self._store is None:
            import joblib

            self._store = joblib.load(self.path) if self.path.exists() else {}
        return self._store

    def encode(self, texts: list[str]) -> np.ndarray:
        store = self._load()
        keys = [hashlib.sha1(t.encode()).hexdigest()[:20] for t in texts]
        missing = sorted(dict.fromkeys(t for t, k in zip(texts, keys) if k not in store), key=len)
        for start in range(0, len(missing), 4096):
            chunk = missing[start : start + 4096]
            vectors = self.encoder.encode(chunk, batch_size=64)
            for text, vector in zip(chunk, vectors):
                store[hashlib.sha1(text.encode()).hexdigest()[:20]] = vector
            self._dirty = True
            self._fresh += len(chunk)
            if self._fresh >= 8192:  # long runs on shared cores: keep what is done
                self.save()
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([store[k] for k in keys])

    def save(self) -> None:
        if self._dirty and self._store is not None:
            import joblib

            self.path.parent.mkdir(parents=True, exist_ok=True)
            joblib.dump(self._store, self.path)
            self._dirty = False
            self._fresh = 0


# --------------------------------------------------------------------- articles and pairs


def human_articles(split: str) -> list[dict]:
    return [r for r in news_rows(split) if r["label"] == "human"]


def eligible(document) -> list:
    return [s for s in document.sentences if is_statement(s)][:MAX_SENTENCES]


def name_pool(sentences) -> list[str]:
    import re

    pool = set()
    for s in sentences:
        for m in re.finditer(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})+", s.clean):
            pool.add(m.group(0))
    return sorted(pool)


@dataclass(slots=True)
class Pair:
    a: str
    b: str
    label: int
    kind: str  # the edit, or "same_article"
    doc: str
    dataset: str
    held_out: bool


def synthetic_pairs(articles: list[dict], encoder: CachedEncoder, seed: int = SEED) -> list[Pair]:
    """Edited partners of sampled sentences, plus same-article candidate pairs.

    Each article has its own random stream, so the pairs of an article do not
    depend on which other articles are drawn (evaluation regenerates the held-out
    ones alone).
    """
    pairs: list[Pair] = []
    segmented = {row["id"]: [s for s in eligible(segment(row["text"])) if s.words >= 6] for row in articles}
    # One encoder call for every sentence: long batches sorted by length are several
    # times faster than an article at a time on two shared cores.
    encoder.encode([s.clean for sentences in segmented.values() for s in sentences])
    for row in articles:
        rng = random.Random(f"{seed}:{row['id']}")
        sentences = segmented[row["id"]]
        if len(sentences) < 2:
            continue
        held_out = stable_fraction(row["id"], "contradiction-synthetic") < SYNTHETIC_TEST_SHARE
        pool = name_pool(sentences)
        sources = rng.sample(sentences, min(SOURCES_PER_ARTICLE, len(sentences)))
        for s in sources:
            kinds = list(perturb.CONTRADICTING)
            rng.shuffle(kinds)
            made = 0
            for kind in kinds:
                out = perturb.apply(kind, s.clean, rng, pool)
                if out and rng.random() < LOOSENED_SHARE:
                    out = perturb.loosen(out, s.clean, rng)
                if out and rng.random() < SPLICED_SHARE:
                    out = perturb.splice(out, s.clean, rng.choice(sentences).clean, rng) or out
                if out:
                    pairs.append(Pair(s.clean, out, 1, kind, row["id"], row["dataset"], held_out))
                    made += 1
                    if made == 2:
                        break
            kinds = list(perturb.COMPATIBLE)
            rng.shuffle(kinds)
            made = 0
            for kind in kinds:
                out = perturb.apply(kind, s.clean, rng)
                if out and rng.random() < LOOSENED_SHARE:
                    out = perturb.loosen(out, s.clean, rng)
                if out and rng.random() < SPLICED_SHARE:
                    out = perturb.splice(out, s.clean, rng.choice(sentences).clean, rng) or out
                if out and out != s.clean:
                    pairs.append(Pair(s.clean, out, 0, kind, row["id"], row["dataset"], held_out))
                    made += 1
                    if made == 2:
                        break
        # Votes: a split tally against "unanimously" contradicts; either against the bare verb does not.
        for s in sources:
            split, unanimous = perturb.vote_tally(s.clean, rng), perturb.vote_unanimous(s.clean, rng)
            if split and unanimous:
                if rng.random() < LOOSENED_SHARE:
                    unanimous = perturb.loosen(unanimous, s.clean, rng)
                pairs.append(Pair(split, unanimous, 1, "quantifier", row["id"], row["dataset"], held_out))
                pairs.append(Pair(s.clean, rng.choice((split, unanimous)), 0, "added_detail", row["id"], row["dataset"], held_out))
        # Real pairs of the same article that the candidate search would score.
        vectors = encoder.encode([s.clean for s in sentences])
        table = CueTable([read_cues(s.clean) for s in sentences])
        first, second, _ = candidate_pairs(vectors, table, CANDIDATE_FLOOR, RELATED_FLOOR)
        order = list(range(len(first)))
        rng.shuffle(order)
        for k in order[:SAME_ARTICLE_PAIRS]:
            a, b = sentences[first[k]].clean, sentences[second[k]].clean
            if a != b:
                pairs.append(Pair(a, b, 0, "same_article", row["id"], row["dataset"], held_out))
    return pairs


@dataclass(slots=True)
class PairMatrix:
    """Features of a list of pairs, in both the semantic and the numeric model's terms."""

    semantic_forward: np.ndarray
    semantic_backward: np.ndarray
    cues: np.ndarray
    numeric_rows: np.ndarray  # positions of pairs whose figures clash
    numeric: np.ndarray
    u: np.ndarray
    v: np.ndarray


def pair_matrix(pairs_a: list[str], pairs_b: list[str], encoder: CachedEncoder) -> PairMatrix:
    texts = list(dict.fromkeys(pairs_a + pairs_b))
    index = {t: i for i, t in enumerate(texts)}
    vectors = encoder.encode(texts)
    table = CueTable([read_cues(t[:1500]) for t in texts])
    i = np.array([index[t] for t in pairs_a], dtype=np.int64)
    j = np.array([index[t] for t in pairs_b], dtype=np.int64)
    u, v = vectors[i], vectors[j]
    cosine = np.sum(u * v, axis=1)
    cues = table.features(i, j, cosine)
    clashes = list(figure_clashes(table, i, j))
    rows = np.array([k for k, _ in clashes], dtype=np.int64)
    numeric = numeric_features([c for _, c in clashes], cues[rows]) if clashes else np.zeros((0, len(NUMERIC_FEATURES)))
    return PairMatrix(semantic_features(u, v, cues), semantic_features(v, u, cues), cues, rows, numeric, u, v)


# --------------------------------------------------------------------- models


def semantic_model(groups: np.ndarray, dim: int):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    # Scaling the standardised embedding block down is a stronger L2 penalty on its
    # weights than on the cues': 4*dim embedding columns would otherwise learn what
    # near-copies look like rather than what makes two statements disagree.
    weigh = FunctionTransformer(weigh_embedding_block, kw_args={"columns": 4 * dim, "weight": EMBEDDING_WEIGHT})
    base = make_pipeline(StandardScaler(), weigh, LogisticRegression(C=SEMANTIC_C, max_iter=400))
    folds = list(GroupKFold(n_splits=3).split(np.zeros(len(groups)), groups=groups))
    return CalibratedClassifierCV(base, method="sigmoid", cv=folds)


def weigh_embedding_block(x: np.ndarray, columns: int, weight: float) -> np.ndarray:
    x = np.array(x, dtype=np.float32, copy=True)
    x[:, :columns] *= weight
    return x


def numeric_model(groups: np.ndarray, c: float = 1.0):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    base = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
    n_splits = min(3, len(set(groups)))
    folds = list(GroupKFold(n_splits=n_splits).split(np.zeros(len(groups)), groups=groups))
    return CalibratedClassifierCV(base, method="sigmoid", cv=folds)


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

    y = np.asarray(y, dtype=int)
    predicted = np.asarray(p) >= threshold
    out = {
        "n": int(len(y)),
        "contradicting": int(y.sum()),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 4),
        "f1_contradiction": round(float(f1_score(y, predicted, zero_division=0)), 4),
    }
    if 0 < y.sum() < len(y):
        out["auroc"] = round(float(roc_auc_score(y, p)), 4)
    return out


def pair_probabilities(matrix: PairMatrix, check) -> tuple[np.ndarray, np.ndarray]:
    """(semantic, numeric) probabilities; the semantic one already decided by either path
    (rescaled so that it passes the semantic threshold exactly when the check would flag)."""
    sem = symmetric_probability(check.semantic_model_, matrix.u, matrix.v, matrix.cues)
    rows = anchored_rows(matrix.cues)
    if len(rows):
        cue = check.cue_model_.predict_proba(cue_model_features(matrix.cues[rows]))[:, 1]
        passes = cue >= check.anchored_threshold_
        sem[rows] = np.where(passes & (sem[rows] < check.semantic_threshold_), np.maximum(check.semantic_threshold_, sem[rows]), sem[rows])
    num = np.zeros(len(sem))
    if len(matrix.numeric_rows):
        num[matrix.numeric_rows] = check.numeric_model_.predict_proba(matrix.numeric)[:, 1]
    return sem, num


def combined_decision(sem, num, has_clash, semantic_threshold, numeric_threshold) -> np.ndarray:
    """The check's decision per pair as a score: flagged pairs score >= 1 (for thresholded metrics)."""
    flagged = (sem >= semantic_threshold) | (has_clash & (num >= numeric_threshold))
    return np.where(flagged, 1.0, 0.0)


# --------------------------------------------------------------------- document runs


def analyses(texts: list[str], encoder: CachedEncoder) -> list[Analysis]:
    documents = [segment(t) for t in texts]
    flat = [s.clean for d in documents for s in d.sentences]
    vectors = encoder.encode(flat) if flat else np.zeros((0, encoder.encoder.dim), dtype=np.float32)
    out, offset = [], 0
    for d in documents:
        n = len(d.sentences)
        out.append(Analysis(d, vectors[offset : offset + n], encoder.profile))
        offset += n
    return out


def _threshold_for_rate(values: np.ndarray, articles: int, rate: float, floor: float = 0.5) -> float:
    """The lowest threshold (at least ``floor``) whose count of values at or above stays under rate * articles."""
    allowed = int(rate * articles)
    ranked = np.sort(values)[::-1]
    if len(ranked) <= allowed:
        return floor
    return float(max(floor, np.nextafter(ranked[allowed], 1.0)))


# --------------------------------------------------------------------- train


def train(store: ArtifactStore, profile: str) -> dict:
    import joblib

    from ..checks.contradiction import Contradictions

    encoder = CachedEncoder(Encoder.load(profile, store))
    articles = human_articles("train")
    pairs = synthetic_pairs(articles, encoder)
    encoder.save()
    train_pairs = [p for p in pairs if not p.held_out]
    test_pairs = [p for p in pairs if p.held_out]

    m = pair_matrix([p.a for p in train_pairs], [p.b for p in train_pairs], encoder)
    y = np.array([p.label for p in train_pairs])
    groups = np.array([int(hashlib.sha1(p.doc.encode()).hexdigest()[:8], 16) for p in train_pairs])
    x = np.vstack([m.semantic_forward, m.semantic_backward])
    semantic = semantic_model(np.concatenate([groups, groups]), m.u.shape[1]).fit(x, np.concatenate([y, y]))
    del x

    ny = y[m.numeric_rows]
    numeric = numeric_model(groups[m.numeric_rows]).fit(m.numeric, ny)
    anchored = anchored_rows(m.cues)
    cue = numeric_model(groups[anchored], c=CUE_C).fit(cue_model_features(m.cues[anchored]), y[anchored])

    # Thresholds: false flags on clean dev-split human articles stay under the rate.
    check = Contradictions()
    check.use_models(LinearPairModel(semantic, m.u.shape[1]), numeric, cue)
    check.semantic_threshold_ = check.numeric_threshold_ = check.anchored_threshold_ = 2.0
    check.candidate_floor_, check.related_floor_ = CANDIDATE_FLOOR, RELATED_FLOOR
    dev = human_articles("dev")
    sem_dev, num_dev, anchored_dev, scored_dev = [], [], [], []
    for analysis in analyses([r["text"] for r in dev], encoder):
        scored = check.score_pairs(analysis)
        sem_dev.extend(scored.semantic.tolist())
        anchored_dev.extend(scored.anchored[scored.anchored > 0].tolist())
        num_dev.extend(scored.numeric[list(scored.clashes)].tolist())
        scored_dev.append(scored)
    encoder.save()
    semantic_threshold = _threshold_for_rate(np.array(sem_dev), len(dev), FALSE_FLAGS_PER_ARTICLE)
    numeric_threshold = _threshold_for_rate(np.array(num_dev), len(dev), FALSE_FLAGS_PER_ARTICLE)
    # The anchored path gets what is left of the false-flag budget after the semantic one.
    anchored_threshold = _threshold_for_rate(
        np.array(anchored_dev)[np.array(anchored_dev) > 0], len(dev), ANCHORED_FALSE_FLAGS_PER_ARTICLE, floor=0.3)

    check.semantic_threshold_, check.numeric_threshold_ = semantic_threshold, numeric_threshold
    check.anchored_threshold_ = anchored_threshold
    clean_dev = np.vstack([check.document_features(scored) for scored in scored_dev])
    document, document_dev = document_model(dev, clean_dev, check, encoder)
    t = pair_matrix([p.a for p in test_pairs], [p.b for p in test_pairs], encoder)
    ty = np.array([p.label for p in test_pairs])
    sem, num = pair_probabilities(t, check)
    encoder.save()
    has_clash = np.zeros(len(ty), dtype=bool)
    has_clash[t.numeric_rows] = True
    metrics = {
        "pairs": {"train": len(train_pairs), "held_out": len(test_pairs),
                  "by_kind": _count_kinds(pairs)},
        "synthetic_test_semantic": binary_metrics(ty, sem, semantic_threshold),
        "synthetic_test_numeric_clash_pairs": binary_metrics(ty[t.numeric_rows], num[t.numeric_rows], numeric_threshold)
        if len(t.numeric_rows) else {},
        "synthetic_test_combined": binary_metrics(
            ty, combined_decision(sem, num, has_clash, semantic_threshold, numeric_threshold), 0.5),
        "semantic_threshold": round(semantic_threshold, 4),
        "numeric_threshold": round(numeric_threshold, 4),
        "anchored_threshold": round(anchored_threshold, 4),
        "anchored_train_pairs": int(len(anchored)),
        "dev_articles": len(dev),
        "document_model_dev": document_dev,
    }
    name = f"contradictions/{profile}.joblib"
    (store.root / "contradictions").mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {
            "semantic_model": semantic,
            "numeric_model": numeric,
            "cue_model": cue,
            "document_model": document,
            "document_features": list(DOCUMENT_FEATURES),
            "anchored_threshold": anchored_threshold,
            "semantic_threshold": semantic_threshold,
            "numeric_threshold": numeric_threshold,
            "candidate_floor": CANDIDATE_FLOOR,
            "related_floor": RELATED_FLOOR,
            "semantic_features": ["u", "v", "|u-v|", "u*v", *CUE_FEATURES],
            "numeric_features": list(NUMERIC_FEATURES),
            "cue_model_features": list(CUE_MODEL_FEATURES),
            "profile": profile,
        },
        store.root / name,
    )
    store.record(
        name,
        kind="model",
        check="contradictions",
        profile=profile,
        estimator=(
            f"semantic: CalibratedClassifierCV(sigmoid, 3 group folds) of StandardScaler + LogisticRegression(C={SEMANTIC_C}) "
            "over [u, v, |u-v|, u*v, cues]; numeric: the same calibration of StandardScaler + LogisticRegression(C=1) "
            "over figure-clash features; document: the same calibration of StandardScaler + LogisticRegression over "
            "each detector's strongest pair, fitted on dev articles, half of them with one planted contradiction"
        ),
        data=(
            f"synthetic pairs from human news of ../shared/data/ai_text (llmfake, newsgpt, xsum-*), split=train, "
            f"{len(train_pairs)} pairs ({SYNTHETIC_TEST_SHARE:.0%} of articles held out); thresholds from clean "
            f"dev-split human articles ({len(dev)})"
        ),
        params={"seed": SEED, "embedding_weight": EMBEDDING_WEIGHT, "candidate_floor": CANDIDATE_FLOOR, "related_floor": RELATED_FLOOR,
                "false_flags_per_article": FALSE_FLAGS_PER_ARTICLE, "semantic_C": SEMANTIC_C, "cue_C": CUE_C},
        metrics=metrics,
        built_by=f"detector train contradictions --profile {profile}",
    )
    return metrics


def document_model(dev: list[dict], clean_features: np.ndarray, check, encoder: CachedEncoder):
    """P(the article holds a contradiction) from its strongest pairs.

    Fitted on the clean dev articles and as many dev articles with one planted
    contradiction (one case per article, its kind drawn with the fixed seed), so the
    probability is calibrated for a prior of one half; the flags keep their own
    thresholds. Returns the model and its cross-validated AUROC / Brier score on dev.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = random.Random(f"{SEED}:document")
    by_article: dict[str, list[dict]] = {}
    for case in insertion_cases(dev, SEED):
        by_article.setdefault(case["doc"], []).append(case)
    planted = [rng.choice(cases) for _, cases in sorted(by_article.items())]
    planted_features = [check.document_features(check.score_pairs(a)) for a in analyses([c["text"] for c in planted], encoder)]
    encoder.save()
    x = np.vstack([clean_features, *planted_features])
    y = np.concatenate([np.zeros(len(clean_features)), np.ones(len(planted_features))])

    def model():
        return CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression()), method="sigmoid", cv=5)

    held_out = cross_val_predict(model(), x, y, cv=5, method="predict_proba")[:, 1]
    metrics = {"clean": len(clean_features), "planted": len(planted_features),
               "auroc_cv": round(float(roc_auc_score(y, held_out)), 4),
               "brier_cv": round(float(brier_score_loss(y, held_out)), 4)}
    return model().fit(x, y), metrics


def _count_kinds(pairs: list[Pair]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------- hand-labelled real pairs


def load_labelled_pairs() -> list[dict]:
    """The hand-labelled real pairs with their sentences' clean text, read from the shared data."""
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    wanted = {(r["dataset"], r["split"]) for r in rows}
    documents = {}
    for dataset, split in wanted:
        for doc in read_rows(dataset, split):
            documents[doc["id"]] = doc["text"]
    segmented: dict[str, dict[int, str]] = {}
    out = []
    for row in rows:
        texts = []
        for side in ("a", "b"):
            doc = row[f"{side}_doc"]
            if doc not in segmented:
                segmented[doc] = {s.start: s.clean for s in segment(documents[doc]).sentences}
            text = segmented[doc][row[side][0]]
            if short_hash(text) != row[f"{side}_sha1"]:
                raise ValueError(f"labelled pair {row['pair_id']}: the text no longer matches its hash")
            texts.append(text)
        out.append({**row, "a_text": texts[0], "b_text": texts[1]})
    return out


# --------------------------------------------------------------------- insertion benchmark


def insertion_cases(articles: list[dict], seed: int = SEED, kinds=perturb.INSERTION_KINDS) -> list[dict]:
    """One case per article and kind where the kind applies: a contradiction of one sentence inserted later on."""
    rng = random.Random(seed)
    cases = []
    for row in articles:
        document = segment(row["text"])
        sentences = [s for s in eligible(document) if s.words >= 6]
        if len(sentences) < 3:
            continue
        pool = name_pool(sentences)
        for kind in kinds:
            order = list(range(len(sentences) - 1))
            rng.shuffle(order)
            for k in order:
                source = sentences[k]
                edited = perturb.apply(kind, source.clean, rng, pool)
                if not edited:
                    continue
                later = [s for s in sentences if s.index > source.index + 1] or [sentences[-1]]
                after = rng.choice(later)
                # A paragraph of its own, so that segmentation cannot glue it to a neighbour.
                text = row["text"][: after.end] + "\n\n" + edited + "\n\n" + row["text"][after.end :].lstrip()
                cases.append({"doc": row["id"], "dataset": row["dataset"], "kind": kind, "text": text,
                              "source_start": source.start, "inserted_start": after.end + 2,
                              "source": source.clean, "edited": edited})
                break
    return cases


def insertion_benchmark(detector, articles: list[dict], seed: int = SEED) -> dict:
    """Pair recall per inserted kind, and false contradiction pairs per clean article."""
    cases = insertion_cases(articles, seed)
    hits: dict[str, list[int]] = {}
    planted_scores, clean_scores = [], []
    reports = detector.check_many([c["text"] for c in cases], batch_size=16, checks=["contradiction"])
    for case, report in zip(cases, reports):
        planted_scores.append(report.scores.get("contradiction") or 0.0)
        by_start = {s.start: s.index for s in report.sentences}
        source, inserted = by_start.get(case["source_start"]), by_start.get(case["inserted_start"])
        found = any(f.sentence == inserted and source in f.related for f in report.flags)
        numeric = any(f.sentence == inserted and source in f.related and f.code == "contradiction.numeric" for f in report.flags)
        counts = hits.setdefault(case["kind"], [0, 0, 0])
        counts[0] += 1
        counts[1] += int(found)
        counts[2] += int(numeric)
    clean_pairs, clean_articles, with_flag = 0, 0, 0
    for report in detector.check_many([r["text"] for r in articles], batch_size=16, checks=["contradiction"]):
        pairs = {tuple(f.evidence["pair"]) for f in report.flags}
        clean_scores.append(report.scores.get("contradiction") or 0.0)
        clean_pairs += len(pairs)
        clean_articles += 1
        with_flag += int(bool(pairs))
    return {
        "recall": {k: round(h / max(n, 1), 4) for k, (n, h, _) in sorted(hits.items())},
        "cases": {k: n for k, (n, _, _) in sorted(hits.items())},
        "caught_as_numeric": {k: round(m / max(n, 1), 4) for k, (n, _, m) in sorted(hits.items())},
        "clean_articles": clean_articles,
        "false_pairs_per_clean_article": round(clean_pairs / max(clean_articles, 1), 4),
        "clean_articles_with_a_flag": round(with_flag / max(clean_articles, 1), 4),
        "document_score": _document_score_metrics(np.array(clean_scores), np.array(planted_scores)),
    }


def _document_score_metrics(clean: np.ndarray, planted: np.ndarray) -> dict:
    """How ``scores.contradiction`` separates clean articles from the same articles with a planted contradiction."""
    from sklearn.metrics import roc_auc_score

    if not len(clean) or not len(planted):
        return {}
    y = np.concatenate([np.zeros(len(clean)), np.ones(len(planted))])
    return {"auroc": round(float(roc_auc_score(y, np.concatenate([clean, planted]))), 4),
            "clean_median": round(float(np.median(clean)), 4), "planted_median": round(float(np.median(planted)), 4),
            "clean_at_least_half": round(float((clean >= 0.5).mean()), 4),
            "planted_at_least_half": round(float((planted >= 0.5).mean()), 4)}


def test_articles(limit: int | None = None) -> list[dict]:
    articles = human_articles("test")
    articles.sort(key=lambda r: stable_fraction(r["id"], "contradiction-benchmark"))
    return articles[:limit] if limit else articles


# --------------------------------------------------------------------- evaluate


def evaluate(profile: str, max_articles: int | None = None) -> dict:
    from ..pipeline import Detector

    detector = Detector.load(profile=profile, checks=["contradiction"])
    check = detector.checks[0]
    encoder = CachedEncoder(detector.encoder)
    result: dict = {"profile": profile}

    # Held-out synthetic pairs (articles of the train split never trained on).
    held_out = [r for r in human_articles("train") if stable_fraction(r["id"], "contradiction-synthetic") < SYNTHETIC_TEST_SHARE]
    if max_articles:
        held_out = held_out[:max_articles]
    pairs = [p for p in synthetic_pairs(held_out, encoder) if p.held_out]
    result["synthetic_test"] = _pair_set_metrics(
        [p.a for p in pairs], [p.b for p in pairs], np.array([p.label for p in pairs]), check, encoder
    )
    result["synthetic_test"]["articles"] = len(held_out)
    result["synthetic_test"]["recall_by_kind"] = _recall_by_kind(pairs, check, encoder)
    if LABELS.exists():
        labelled = load_labelled_pairs()
        result["hand_labelled"] = _pair_set_metrics(
            [p["a_text"] for p in labelled], [p["b_text"] for p in labelled],
            np.array([p["label"] for p in labelled]), check, encoder,
        )
        result["hand_labelled"]["by_source"] = {}
        for source in sorted({p["source"] for p in labelled}):
            keep = [k for k, p in enumerate(labelled) if p["source"] == source]
            result["hand_labelled"]["by_source"][source] = _pair_set_metrics(
                [labelled[k]["a_text"] for k in keep], [labelled[k]["b_text"] for k in keep],
                np.array([labelled[k]["label"] for k in keep]), check, encoder,
            )["combined"]
        if getattr(check, "pair_reader_", None) is not None:
            from .cross_encoder import labelled_pair_metrics

            result["hand_labelled_cross_encoder"] = labelled_pair_metrics(check, check.pair_reader_, labelled)
    encoder.save()
    result["insertion"] = insertion_benchmark(detector, test_articles(max_articles))
    result["thresholds"] = {"semantic": check.semantic_threshold_, "numeric": check.numeric_threshold_}
    if getattr(check, "pair_reader_", None) is not None:
        result["thresholds"]["cross_encoder"] = check.pair_reader_.threshold
    result["command"] = f"detector eval contradictions --profile {profile}" + (
        f" --max-articles {max_articles}" if max_articles else "")
    return result


def _recall_by_kind(pairs: list[Pair], check, encoder: CachedEncoder) -> dict:
    """Share of pairs the check flags, per edit (recall for contradicting edits, false-flag rate for the others)."""
    m = pair_matrix([p.a for p in pairs], [p.b for p in pairs], encoder)
    sem, num = pair_probabilities(m, check)
    has_clash = np.zeros(len(pairs), dtype=bool)
    has_clash[m.numeric_rows] = True
    flagged = combined_decision(sem, num, has_clash, check.semantic_threshold_, check.numeric_threshold_)
    out: dict[str, dict] = {}
    for kind in sorted({p.kind for p in pairs}):
        keep = [k for k, p in enumerate(pairs) if p.kind == kind]
        out[kind] = {"n": len(keep), "label": pairs[keep[0]].label, "flagged": round(float(flagged[keep].mean()), 4)}
    return out


def _pair_set_metrics(a: list[str], b: list[str], y: np.ndarray, check, encoder: CachedEncoder) -> dict:
    m = pair_matrix(a, b, encoder)
    sem, num = pair_probabilities(m, check)
    has_clash = np.zeros(len(y), dtype=bool)
    has_clash[m.numeric_rows] = True
    decision = combined_decision(sem, num, has_clash, check.semantic_threshold_, check.numeric_threshold_)
    out = {
        "combined": binary_metrics(y, decision, 0.5),
        "semantic": binary_metrics(y, sem, check.semantic_threshold_),
    }
    if len(m.numeric_rows):
        out["numeric_on_clashing_figures"] = binary_metrics(y[m.numeric_rows], num[m.numeric_rows], check.numeric_threshold_)
    score = np.maximum(sem, np.where(has_clash, num, 0))
    if 0 < y.sum() < len(y):
        from sklearn.metrics import roc_auc_score

        out["auroc_max_probability"] = round(float(roc_auc_score(y, score)), 4)
    return out


# --------------------------------------------------------------------- sampling for labels and hand checks


def sample_synthetic(out: Path, n: int = 200) -> int:
    """A random sample of synthetic training pairs, for the hand check of the edits."""
    encoder = CachedEncoder(Encoder.load("fast"))
    pairs = synthetic_pairs(human_articles("train"), encoder)
    rng = random.Random(SEED + 1)
    edited = [p for p in pairs if p.kind != "same_article"]
    chosen = rng.sample(edited, min(n, len(edited)))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for i, p in enumerate(chosen):
            handle.write(json.dumps({"sid": i, "kind": p.kind, "label": p.label, "a": p.a, "b": p.b}) + "\n")
    return len(chosen)


_MANIPULATED = ("hallucination", "information_manipulation")


def sample_real(out: Path, cross_per_story: int = 4, within: int = 140) -> int:
    """Real pairs for labelling: a human article's sentence beside the closest sentence of a
    machine-manipulated version of the same story (llmfake, dev and test splits), and
    candidate pairs inside human test-split articles."""
    rng = random.Random(SEED + 2)
    encoder = CachedEncoder(Encoder.load("accurate"))
    drawn = []
    for split in ("dev", "test"):
        rows = list(read_rows("llmfake", split))
        humans = {r["pair"]: r for r in rows if r["label"] == "human"}
        for row in rows:
            if row["label"] != "machine" or not row["method"].startswith(_MANIPULATED) or row["pair"] not in humans:
                continue
            human = humans[row["pair"]]
            hs = eligible(segment(human["text"]))
            ms = eligible(segment(row["text"]))
            if not hs or not ms:
                continue
            hv, mv = encoder.encode([s.clean for s in hs]), encoder.encode([s.clean for s in ms])
            sims = mv @ hv.T
            best = sims.argmax(axis=1)
            order = np.argsort(-sims.max(axis=1))
            taken = 0
            for k in order:
                score = float(sims[k, best[k]])
                if score < 0.55 or score > 0.985:
                    continue
                h, m = hs[best[k]], ms[k]
                drawn.append({"source": "llmfake_manipulated", "method": row["method"], "split": split,
                              "dataset": "llmfake", "a_doc": human["id"], "a": [h.start, h.end], "b_doc": row["id"],
                              "b": [m.start, m.end], "cos": round(score, 3), "a_text": h.clean, "b_text": m.clean})
                taken += 1
                if taken >= cross_per_story:
                    break
    articles = human_articles("test")
    rng.shuffle(articles)
    inside = []
    for row in articles:
        if len(inside) >= within:
            break
        sentences = eligible(segment(row["text"]))
        if len(sentences) < 3:
            continue
        vectors = encoder.encode([s.clean for s in sentences])
        table = CueTable([read_cues(s.clean) for s in sentences])
        first, second, cos = candidate_pairs(vectors, table, CANDIDATE_FLOOR, RELATED_FLOOR)
        if not len(first):
            continue
        k = rng.randrange(len(first))
        a, b = sentences[first[k]], sentences[second[k]]
        inside.append({"source": "within_article", "method": "", "split": "test", "dataset": row["dataset"],
                       "a_doc": row["id"], "a": [a.start, a.end], "b_doc": row["id"], "b": [b.start, b.end],
                       "cos": round(float(cos[k]), 3), "a_text": a.clean, "b_text": b.clean})
    encoder.save()
    drawn += inside
    return write_candidates(out, drawn)


# --------------------------------------------------------------------- CLI

@click.command()
@commands.train_profiles
@commands.models_directory
@click.option("--cross-encoder", "cross_encoder", is_flag=True,
              help="Fine-tune the accurate profile's pair cross-encoder (VitaminC + news pairs) and fit its flag "
                   "threshold, instead of the bi-encoder models.")
@click.option("--reader-only", is_flag=True, help="With --cross-encoder: refit only the flag threshold of the shipped model.")
def train_command(profiles, models_dir, cross_encoder, reader_only) -> None:
    """Fit the contradiction models on synthetic pairs from train-split human news."""
    store = ArtifactStore(models_dir)
    if cross_encoder:
        from . import cross_encoder as cross

        log = lambda message: click.echo(message, err=True)  # noqa: E731
        result = {} if reader_only else cross.train(store, log=log)
        result["vitaminc_test"] = cross.record_vitaminc_test(store)
        result["reader"] = cross.fit_reader(store, log=log)
        commands.echo_json(result)
        return
    for profile in commands.each_profile(profiles):
        commands.echo_json({"profile": profile, **train(store, profile)})


@click.command()
@commands.eval_profiles
@click.option("--max-articles", type=int, default=None, help="Use the first N test articles (and fewer synthetic pairs).")
def eval_command(profiles, max_articles) -> None:
    """Accuracy/F1 on held-out synthetic and hand-labelled pairs, and the insertion benchmark; prints JSON."""
    commands.echo_json({p: evaluate(p, max_articles) for p in commands.each_profile(profiles)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.training.contradictions")
    parser.add_argument("command", choices=["sample-real", "sample-synthetic"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sample-real":
        out = args.out or CACHE / "real_candidates.jsonl"
        print(f"{sample_real(out)} pairs written to {out}", file=sys.stderr)
    else:
        out = args.out or CACHE / "synthetic_sample.jsonl"
        print(f"{sample_synthetic(out)} pairs written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
