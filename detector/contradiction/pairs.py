"""The pairs the contradiction models learn from and are measured on.

Real copy only: sentences of human-written news (train split for training) and
partners made by rule (``perturb``): contradicting edits (label 1), compatible
edits (label 0), and other sentences of the same article that the candidate
search pairs with it (label 0). Also the hand-labelled real pairs of
``labels/contradiction_pairs.jsonl``, the planted-contradiction cases of the
insertion benchmark, and the pair features both commands compute.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..checks import Analysis
from ..encoders import Encoder
from ..segment import segment
from ..training.data import news_rows, read_rows, short_hash, stable_fraction
from . import perturb
from .check import (
    candidate_pairs,
    is_statement,
    semantic_features,
    symmetric_probability,
)
from .cue_pairs import CueTable, anchored_rows, cue_model_features
from .cues import read_cues
from .numeric import NUMERIC_FEATURES, figure_clashes, numeric_features

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
