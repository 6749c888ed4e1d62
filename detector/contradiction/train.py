"""Train and evaluate contradiction.semantic and contradiction.numeric.

No public contradiction data can be brought here, so the training pairs are made
from real copy: sentences of human-written news (train split only) and
partners made by rule (``perturb``): contradicting edits
(label 1), compatible edits (label 0), and other sentences of the same article
that the candidate search pairs with it (label 0: real articles rarely contradict
themselves). Evaluation uses held-out synthetic pairs, the hand-labelled real
pairs of ``labels/contradiction_pairs.jsonl`` (never trained on), and an
insertion benchmark on test-split articles.

``detector train contradictions`` / ``detector eval contradictions``;
``python -m detector.contradiction.train sample-real`` draws real pairs for
labelling, ``sample-synthetic`` a sample of synthetic pairs for the hand check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import types
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import Encoder
from ..segment import segment
from ..training import commands
from ..training.data import read_rows, write_candidates
from .check import (
    DOCUMENT_FEATURES,
    LinearPairModel,
    candidate_pairs,
)
from .cue_pairs import CUE_FEATURES, CUE_MODEL_FEATURES, CueTable, anchored_rows, cue_model_features
from .cues import read_cues
from .model import CUE_C, EMBEDDING_WEIGHT, SEMANTIC_C, numeric_model, semantic_model, weigh_embedding_block
from .numeric import NUMERIC_FEATURES
from .pairs import (
    ANCHORED_FALSE_FLAGS_PER_ARTICLE,
    CACHE,
    CANDIDATE_FLOOR,
    FALSE_FLAGS_PER_ARTICLE,
    RELATED_FLOOR,
    SEED,
    SYNTHETIC_TEST_SHARE,
    CachedEncoder,
    Pair,
    _threshold_for_rate,
    analyses,
    binary_metrics,
    combined_decision,
    eligible,
    human_articles,
    insertion_cases,
    pair_matrix,
    pair_probabilities,
    synthetic_pairs,
)


def train(store: ArtifactStore, profile: str) -> dict:
    import joblib

    from .check import Contradictions

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


# Where the models' functions were pickled from before the contradiction family had its package.
_FORMER_MODEL_MODULE = "detector.training.contradictions"


@contextmanager
def _former_model_paths():
    """Lets pickle find ``weigh_embedding_block`` under the module path an older artifact names."""
    alias = types.ModuleType(_FORMER_MODEL_MODULE)
    alias.weigh_embedding_block = weigh_embedding_block
    previous = sys.modules.get(_FORMER_MODEL_MODULE)
    sys.modules[_FORMER_MODEL_MODULE] = alias
    try:
        yield
    finally:
        if previous is None:
            sys.modules.pop(_FORMER_MODEL_MODULE, None)
        else:
            sys.modules[_FORMER_MODEL_MODULE] = previous


def resave(store: ArtifactStore, profile: str) -> dict:
    """Re-write the shipped artifact with today's class paths: same models, no training.

    The artifact is loaded through its verified path (sha256 from the manifest),
    dumped again and re-recorded with its training record kept, so only the
    pickled module paths, the hash and the dates change.
    """
    import joblib

    name = f"contradictions/{profile}.joblib"
    with _former_model_paths():
        artifact = store.load_joblib(name)
    entry = dict(store.entry(name))
    joblib.dump(artifact, store.root / name)
    kept = {k: v for k, v in entry.items() if k not in ("sha256", "bytes", "created", "versions", "resaved")}
    resaved = {"from_sha256": entry["sha256"], "trained": entry.get("created"),
               "by": f"detector train contradictions --resave --profile {profile}"}
    fresh = store.record(name, **kept, resaved=resaved)
    return {"artifact": name, "sha256_before": entry["sha256"], "sha256_after": fresh["sha256"]}


@click.command()
@commands.train_profiles
@commands.models_directory
@click.option("--resave", "resave_only", is_flag=True,
              help="Re-write the shipped artifacts with the current code's module paths (no training; same models).")
@click.option("--cross-encoder", "cross_encoder", is_flag=True,
              help="Fine-tune the accurate profile's pair cross-encoder (VitaminC + news pairs) and fit its flag "
                   "threshold, instead of the bi-encoder models.")
@click.option("--reader-only", is_flag=True,
              help="With --cross-encoder: keep the shipped cross-encoder, re-measure it and refit its flag threshold.")
def train_command(profiles, models_dir, resave_only, cross_encoder, reader_only) -> None:
    """Fit the contradiction models on synthetic pairs from train-split human news."""
    store = ArtifactStore(models_dir)
    if cross_encoder:
        from . import train_cross_encoder as cross

        log = lambda message: click.echo(message, err=True)  # noqa: E731
        result = {} if reader_only else cross.train(store, log=log)
        result["vitaminc_test"] = cross.record_vitaminc_test(store)
        result["reader"] = cross.fit_reader(store, log=log)
        commands.echo_json(result)
        return
    for profile in commands.each_profile(profiles):
        commands.echo_json({"profile": profile, **(resave if resave_only else train)(store, profile)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.contradiction.train")
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
