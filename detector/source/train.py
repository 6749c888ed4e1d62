"""``detector train source``: thresholds and the document model, from LLMFake copies and their sources.

Data (``../shared/data/ai_text/llmfake-{train,dev,test}.jsonl``): each human story
has a ``pair`` id, and the machine texts of that pair were made from it. A copy
that keeps the facts is a ``paraphrase_generation`` or ``rewrite_generation``; a
copy that distorts them is an ``information_manipulation_*`` text (see
ai_text/SOURCES.md). The source is the human text of the same pair.

1. Thresholds (``SourceThresholds``) from the faithful copies of the train split:
   a claim is unsupported below the 5th percentile of faithful sentences' best
   similarity *and* their 5th percentile of word coverage; two sentences are
   aligned (tell one fact) above the faithful sentences' median best similarity.
2. Rule confidence per finding kind: the share of that kind's train findings that
   sit in distorting copies, the two classes weighted equally.
3. The document model (``detector.source.model``) on train, its C chosen by AUROC
   on dev. Test is only read by ``detector eval source``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Against, Analysis
from ..segment import segment, sniff_format
from ..training import commands
from ..training.data import read_rows
from .check import ARTIFACT
from .model import FEATURES, document_model, reading_features
from .reading import SourceReading, SourceThresholds, align, read_against, score_contradictions

log = logging.getLogger(__name__)

SEED = 13
FAITHFUL = ("paraphrase_generation", "rewrite_generation")
DISTORTING = "information_manipulation_"
C_GRID = (0.01, 0.1, 1.0, 10.0)
CLAIM_PERCENTILE = 5.0
ALIGNED_PERCENTILE = 50.0
# A negation flip or a changed name stands only where the cross-encoder finds contradiction more likely than not.
MIN_NLI = 0.5
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "source"


@dataclass(slots=True)
class Pair:
    id: str
    pair: str
    method: str
    generator: str
    distorts: int
    copy: str
    source: str
    analysis: Analysis | None = None
    reading: SourceReading | None = None


def pairs(split: str) -> list[Pair]:
    """Faithful and distorting LLMFake copies of ``split`` with the human story they were made from."""
    rows = list(read_rows("llmfake", split))
    humans = {r["pair"]: r for r in rows if r["label"] == "human"}
    out = []
    for r in rows:
        method = r.get("method") or ""
        if r["label"] != "machine" or r["pair"] not in humans:
            continue
        if method in FAITHFUL or method.startswith(DISTORTING):
            out.append(Pair(r["id"], r["pair"], method, r.get("generator", ""), int(method.startswith(DISTORTING)),
                            r["text"], humans[r["pair"]]["text"]))
    return out


class VectorCache:
    """Sentence vectors by text, kept in .cache/source per profile (the CPU is shared: encode each sentence once)."""

    def __init__(self, encoder, profile: str):
        import joblib

        self.encoder = encoder
        self.path = CACHE / f"vectors-{profile}.joblib"
        self.vectors: dict[str, np.ndarray] = joblib.load(self.path) if self.path.exists() else {}
        self.dirty = False

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self.vectors}.items())
        if missing:
            vectors = self.encoder.encode([t for _, t in missing])
            for (k, _), v in zip(missing, vectors):
                self.vectors[k] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def save(self) -> None:
        import joblib

        if self.dirty:
            CACHE.mkdir(parents=True, exist_ok=True)
            joblib.dump(self.vectors, self.path)
            self.dirty = False


def prepare(items: list[Pair], cache: VectorCache, profile: str) -> None:
    """Segment and encode every copy and source (the product's segmentation of a plain string)."""
    sources: dict[str, Against] = {}
    for n, item in enumerate(items):
        against = sources.get(item.pair)
        if against is None:
            document = segment(item.source, sniff_format(item.source))
            against = Against(document, cache.encode([s.clean for s in document.sentences]), item.pair)
            sources[item.pair] = against
        document = segment(item.copy, sniff_format(item.copy))
        item.analysis = Analysis(document, cache.encode([s.clean for s in document.sentences]), profile, against=against)
        if n % 200 == 199:
            log.info("encoded %d/%d copies", n + 1, len(items))
            cache.save()
    cache.save()


def choose_thresholds(items: list[Pair]) -> SourceThresholds:
    best, coverage = [], []
    probe = SourceThresholds(claim_similarity=0.0, claim_coverage=0.0, aligned=1.0)
    for item in items:
        if item.distorts:
            continue
        alignment, _ = align(item.analysis)
        keep = alignment.words >= probe.min_claim_words
        best.extend(alignment.best[keep])
        coverage.extend(alignment.coverage[keep])
    return SourceThresholds(
        claim_similarity=round(float(np.percentile(best, CLAIM_PERCENTILE)), 4),
        claim_coverage=round(float(np.percentile(coverage, CLAIM_PERCENTILE)), 4),
        aligned=round(float(np.percentile(best, ALIGNED_PERCENTILE)), 4),
        min_nli=MIN_NLI,
    )


class PairCache:
    """The cross-encoder's answers by pair, kept in .cache/source (training reads the same pairs again and again)."""

    def __init__(self, profile: str, store: ArtifactStore):
        import joblib

        from ..contradiction import pair_model_sha256

        self.profile, self.store = profile, store
        # Keyed by the model too: answers of a cross-encoder since retrained must not be read back.
        model = pair_model_sha256(store)[:12]
        self.path = CACHE / f"pairs-{profile}-{model}.joblib"
        self.answers: dict[str, np.ndarray] = joblib.load(self.path) if self.path.exists() else {}
        self.dirty = 0

    def __call__(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        from ..contradiction import score_pairs

        keys = [hashlib.sha1(f"{a}\x00{b}".encode()).hexdigest() for a, b in pairs]
        missing = [(k, p) for k, p in zip(keys, pairs) if k not in self.answers]
        if missing:
            scored = score_pairs([p for _, p in missing], profile=self.profile, store=self.store)
            for (k, _), row in zip(missing, scored):
                self.answers[k] = row
            self.dirty += len(missing)
            if self.dirty > 2000:
                self.save()
        return np.stack([self.answers[k] for k in keys])

    def save(self) -> None:
        import joblib

        if self.dirty:
            CACHE.mkdir(parents=True, exist_ok=True)
            joblib.dump(self.answers, self.path)
            self.dirty = 0


def read_all(items: list[Pair], thresholds: SourceThresholds, profile: str, store: ArtifactStore,
             pair_cache: PairCache | None = None) -> None:
    scorer = pair_cache or PairCache(profile, store)
    for n, item in enumerate(items):
        item.reading = read_against(item.analysis, thresholds)
        score_contradictions(item.reading, item.analysis, profile, store, thresholds.min_nli, scorer)
        if n % 200 == 199:
            log.info("read %d/%d copies", n + 1, len(items))
    scorer.save()


def rule_confidence(items: list[Pair]) -> dict[str, float]:
    """P(the copy distorts | a finding of this kind in it), classes weighted equally, per finding kind (add-one smoothed)."""
    positives = sum(i.distorts for i in items) or 1
    negatives = (len(items) - sum(i.distorts for i in items)) or 1
    counts: dict[str, list[int]] = {}
    for item in items:
        for f in item.reading.findings:
            counts.setdefault(f"{f.code}:{f.what}", [0, 0])[item.distorts] += 1
    out = {}
    for key, (neg, pos) in sorted(counts.items()):
        # One pseudo-finding per class: a kind seen a handful of times gets no 0 or 1.
        rate_pos, rate_neg = (pos + 1) / (positives + 2), (neg + 1) / (negatives + 2)
        out[key] = round(rate_pos / (rate_pos + rate_neg), 4)
    return out


def matrix(items: list[Pair]) -> tuple[np.ndarray, np.ndarray]:
    x = np.stack([reading_features(i.reading) for i in items])
    y = np.array([i.distorts for i in items])
    return x, y


def load_split(split: str, profile: str, store: ArtifactStore, cache: VectorCache) -> list[Pair]:
    items = pairs(split)
    prepare(items, cache, profile)
    return items


def train(store: ArtifactStore, profile: str) -> dict:
    import joblib
    from sklearn.metrics import roc_auc_score

    from ..encoders import Encoder

    cache = VectorCache(Encoder.load(profile, store), profile)
    train_items = load_split("train", profile, store, cache)
    dev_items = load_split("dev", profile, store, cache)
    thresholds = choose_thresholds(train_items)
    read_all(train_items, thresholds, profile, store)
    read_all(dev_items, thresholds, profile, store)
    confidence = rule_confidence(train_items)
    x_train, y_train = matrix(train_items)
    x_dev, y_dev = matrix(dev_items)
    scores = {}
    for c in C_GRID:
        model = document_model(c, SEED).fit(x_train, y_train)
        scores[c] = float(roc_auc_score(y_dev, model.predict_proba(x_dev)[:, 1]))
    best_c = max(C_GRID, key=lambda c: (scores[c], -c))
    model = document_model(best_c, SEED).fit(x_train, y_train)
    metrics = {
        "dev_auroc_by_C": {str(c): round(v, 4) for c, v in scores.items()},
        "C": best_c,
        "dev_auroc": round(scores[best_c], 4),
        "train": {"faithful": int((y_train == 0).sum()), "distorting": int(y_train.sum())},
        "dev": {"faithful": int((y_dev == 0).sum()), "distorting": int(y_dev.sum())},
        "thresholds": thresholds.to_dict(),
        "confidence": confidence,
    }
    name = ARTIFACT.format(profile=profile)
    (store.root / "source").mkdir(parents=True, exist_ok=True)
    joblib.dump({
        "model": model,
        "features": list(FEATURES),
        "thresholds": thresholds.to_dict(),
        "confidence": confidence,
        "profile": profile,
    }, store.root / name)
    store.record(
        name,
        kind="model",
        check="source",
        profile=profile,
        estimator=f"CalibratedClassifierCV(sigmoid, cv=5) over StandardScaler + LogisticRegression(C={best_c}, balanced) on "
                  f"{len(FEATURES)} aggregate features of the copy read against its source; thresholds from the faithful "
                  "copies of train; rule confidence per finding kind",
        data="../shared/data/ai_text/llmfake-train.jsonl: paraphrase_generation/rewrite_generation (keeps facts, 0) vs "
             "information_manipulation_* (distorts, 1), source = the human text of the same pair; C chosen on llmfake-dev",
        params={"seed": SEED, "C_grid": list(C_GRID), "claim_percentile": CLAIM_PERCENTILE,
                "aligned_percentile": ALIGNED_PERCENTILE, "min_nli": MIN_NLI},
        metrics=metrics,
        built_by=f"detector train source --profile {profile}",
    )
    return metrics


train_command = commands.train_command(
    train, "Fit the source thresholds and document model on LLMFake copies and their sources (train split; C on dev)."
)
