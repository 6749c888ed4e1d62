"""Train and evaluate the repetition model from ``labels/repetition_pairs.jsonl``.

``python -m detector.filler.train_repetition sample`` redraws the candidate pairs
(for labelling, written to ``.cache/``); ``detector train repetition`` fits the
model; ``detector eval repetition`` measures it on the held-out labels and on
whole test-split news articles.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import Encoder
from ..segment import segment
from ..training import commands
from ..training.data import news_rows, read_rows, sentence_at, short_hash, write_candidates
from .repetition import (
    ELIGIBLE_KINDS,
    MIN_WORDS,
    adds_figures,
    candidate_pairs,
    is_quoted_speech,
    lowest_flaggable_cosine,
    pair_features,
    sentence_profile,
)

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "labels" / "repetition_pairs.jsonl"
SEED = 20261123
MIN_PRECISION = 0.85
SAMPLE_BINS = (0.45, 0.55, 0.65, 0.75, 0.85, 1.01)



def load_labelled_pairs() -> list[dict]:
    """The labelled pairs with their sentences' clean text, read from the shared data."""
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    wanted = {(r["dataset"], r["split"]) for r in rows}
    documents = {}
    for dataset, split in wanted:
        for doc in read_rows(dataset, split):
            documents[doc["id"]] = doc["text"]
    pairs = []
    for row in rows:
        text = documents[row["doc"]]
        document = segment(text)
        earlier, later = sentence_at(document, row["earlier"]).clean, sentence_at(document, row["later"]).clean
        if short_hash(earlier) != row["earlier_sha1"] or short_hash(later) != row["later_sha1"]:
            raise ValueError(f"labelled pair {row['pair_id']}: the text no longer matches its hash")
        pairs.append({**row, "earlier_text": earlier, "later_text": later})
    return pairs


def _features(pairs: list[dict], encoder: Encoder) -> np.ndarray:
    earlier = [p["earlier_text"] for p in pairs]
    later = [p["later_text"] for p in pairs]
    a, b = encoder.encode(earlier), encoder.encode(later)
    return pair_features(np.sum(a * b, axis=1), [sentence_profile(t) for t in earlier], [sentence_profile(t) for t in later])


def _model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))


def _pick_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold with the best F1 among those whose precision reaches MIN_PRECISION."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y, p)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = precision[:-1] >= MIN_PRECISION
    candidates = np.where(ok)[0] if ok.any() else np.arange(len(thresholds))
    best = candidates[np.argmax(f1[:-1][candidates])]
    return float(thresholds[best])


def _binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    predicted = p >= threshold
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "auroc": round(float(roc_auc_score(y, p)), 4),
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(y, predicted, zero_division=0)), 4),
    }


def train(store: ArtifactStore, profile: str) -> dict:
    import joblib
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    pairs = load_labelled_pairs()
    encoder = Encoder.load(profile, store)
    train_pairs = [p for p in pairs if p["split"] == "train"]
    test_pairs = [p for p in pairs if p["split"] == "test"]
    x_train, y_train = _features(train_pairs, encoder), np.array([p["label"] for p in train_pairs])
    x_test, y_test = _features(test_pairs, encoder), np.array([p["label"] for p in test_pairs])

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    cv_scores = cross_val_predict(_model(), x_train, y_train, cv=folds, method="predict_proba")[:, 1]
    threshold = _pick_threshold(y_train, cv_scores)
    model = _model().fit(x_train, y_train)
    floor = lowest_flaggable_cosine(model, threshold)
    metrics = {
        "train_cv": _binary_metrics(y_train, cv_scores, threshold),
        "test": _binary_metrics(y_test, model.predict_proba(x_test)[:, 1], threshold),
        "threshold": round(threshold, 4),
        "candidate_floor": round(floor, 4),
    }
    name = f"repetition/{profile}.joblib"
    (store.root / "repetition").mkdir(parents=True, exist_ok=True)
    artifact = {
        "model": model,
        "threshold": threshold,
        "candidate_floor": floor,
        "features": ["cosine", "jaccard", "overlap_min", "length_ratio"],
        "profile": profile,
    }
    joblib.dump(artifact, store.root / name)
    store.record(
        name,
        kind="model",
        check="repetition",
        profile=profile,
        estimator="StandardScaler + LogisticRegression(C=1.0) over pair features",
        data=f"labels/repetition_pairs.jsonl, split=train ({len(train_pairs)} pairs); texts from ../shared/data/ai_text",
        params={"seed": SEED, "min_precision": MIN_PRECISION},
        metrics=metrics,
        built_by=f"detector train repetition --profile {profile}",
    )
    return metrics


def evaluate(profile: str, max_articles: int | None = None) -> dict:
    """Held-out pair metrics and the flag rate on whole test-split news articles."""
    from ..pipeline import Detector

    detector = Detector.load(profile=profile, checks=["repetition"])
    check = detector.checks[0]
    pairs = [p for p in load_labelled_pairs() if p["split"] == "test"]
    x = _features(pairs, detector.encoder)
    y = np.array([p["label"] for p in pairs])
    p = check.model_.predict_proba(x)[:, 1]
    # As the check flags: a later sentence that adds a figure, or quoted speech, never makes the same point.
    adds = np.array([adds_figures(q["earlier_text"], q["later_text"]) or is_quoted_speech(q["earlier_text"])
                     or is_quoted_speech(q["later_text"]) for q in pairs], dtype=bool)
    result = {"pairs_test": _binary_metrics(y, np.where(adds, 0.0, p), check.threshold_),
              "pairs_test_model_alone": _binary_metrics(y, p, check.threshold_)}

    rates: dict[str, list[int]] = {}
    rows = [r for r in news_rows("test") if r["dataset"] != "xsum-fastdetect"]
    if max_articles:
        rows = rows[:max_articles]
    texts = [r["text"] for r in rows]
    for row, report in zip(rows, detector.check_many(texts, batch_size=64)):
        eligible = sum(1 for s in report.sentences if s.kind in ELIGIBLE_KINDS and s.words >= MIN_WORDS)
        counts = rates.setdefault(row["label"], [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += eligible
        counts[2] += len(report.flags)
        counts[3] += 1 if report.flags else 0
    result["articles_test"] = {
        label: {
            "articles": a,
            "sentences": s,
            "flagged_sentence_share": round(f / max(s, 1), 4),
            "flags_per_article": round(f / max(a, 1), 4),
            "articles_with_a_flag": round(w / max(a, 1), 4),
        }
        for label, (a, s, f, w) in sorted(rates.items())
    }
    result["threshold"] = check.threshold_
    result["command"] = f"detector eval repetition --profile {profile}"
    return result


def sample(out: Path, per_bin: dict[str, int] | None = None) -> int:
    """Draw candidate pairs for labelling, stratified by cosine (see labels/README.md)."""
    per_bin = per_bin or {"train": 50, "test": 22}
    rng = random.Random(SEED)
    encoder = Encoder.load("accurate")
    rows = [(split, r) for split in ("train", "test") for r in news_rows(split) if r["dataset"] != "xsum-fastdetect"]
    rng.shuffle(rows)
    bins = len(SAMPLE_BINS) - 1
    got: dict[tuple[str, int], list[dict]] = {(s, b): [] for s in per_bin for b in range(bins)}
    for split, row in rows:
        if all(len(got[(split, b)]) >= per_bin[split] for b in range(bins)):
            continue
        eligible = [s for s in segment(row["text"]).sentences if s.kind in ELIGIBLE_KINDS and s.words >= MIN_WORDS]
        if len(eligible) < 3:
            continue
        vectors = encoder.encode([s.clean for s in eligible])
        earlier, later, cosines = candidate_pairs(vectors, SAMPLE_BINS[0], per_sentence=len(eligible))
        if not len(cosines):
            continue
        k = rng.randrange(len(cosines))  # one pair per document keeps the set diverse
        b = int(np.searchsorted(SAMPLE_BINS, cosines[k], side="right") - 1)
        if len(got[(split, b)]) >= per_bin[split]:
            k = int(np.argmax(cosines))  # high bins fill slowly: offer the document's closest pair
            b = int(np.searchsorted(SAMPLE_BINS, cosines[k], side="right") - 1)
            if len(got[(split, b)]) >= per_bin[split]:
                continue
        a, c = eligible[earlier[k]], eligible[later[k]]
        got[(split, b)].append(
            {"split": split, "dataset": row["dataset"], "doc": row["id"], "a": [a.start, a.end], "b": [c.start, c.end],
             "cos": round(float(cosines[k]), 3), "text_a": a.clean, "text_b": c.clean}
        )
    drawn = [p for v in got.values() for p in v]
    rng.shuffle(drawn)
    return write_candidates(out, drawn)


train_command = commands.train_command(train, "Fit the repetition model on the labelled pairs in labels/repetition_pairs.jsonl.")


@click.command()
@commands.eval_profiles
@click.option("--max-articles", type=int, default=None, help="Evaluate on the first N test articles only.")
def eval_command(profiles, max_articles) -> None:
    """Precision/recall of filler.repetition on held-out labelled pairs, and its flag rate on test news articles."""
    commands.echo_json({p: evaluate(p, max_articles) for p in commands.each_profile(profiles)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.filler.train_repetition")
    parser.add_argument("command", choices=["sample"])
    parser.add_argument("--out", type=Path, default=REPO / ".cache" / "repetition_candidates.jsonl")
    args = parser.parse_args(argv)
    print(f"{sample(args.out)} pairs written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
