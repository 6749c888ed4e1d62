"""Train and evaluate the figures check from ``labels/figure_support.jsonl``.

``python -m detector.figures.train sample`` redraws the documents to label
(written to ``.cache/``); ``detector train figures`` fits the support classifier
and the document model; ``detector eval figures`` measures them on the held-out
labels and compares figure parsers on ``labels/figure_values.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import Encoder
from ..segment import segment
from ..training import commands
from ..training.data import human_text_span, read_rows, sentence_at, short_hash

if TYPE_CHECKING:  # pragma: no cover
    from .attribution import SupportContext


REPO = Path(__file__).resolve().parents[2]


LABELS = REPO / "labels" / "figure_support.jsonl"


VALUE_LABELS = REPO / "labels" / "figure_values.jsonl"


CACHE = REPO / ".cache" / "figures"


SEED = 20261123


LABEL_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect")


CANDIDATE_KINDS = ("sentence", "list_item")


# Candidates are drawn by this broad pattern, not by our parser, so that the labels
# also measure what the parser misses: any digit or number word.
CANDIDATE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|percent|per cent)\b",
    re.IGNORECASE,
)


# The second draw skips sentences whose only numbers are years, dates or clock times
# (half of the first draw was those), and adds sentences with a vague-attribution
# word, which are rare in news but are one of the three classes.
_ONLY_CALENDAR = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)s?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}[:.]\d\d\b|\b\d+(?:st|nd|rd|th)\b|"
    r"\b\d+-year-old\b"
)


VAGUE_WORDS = re.compile(
    r"\b(?:estimated|estimates?|reportedly|reports?\s+(?:say|said|suggest)|sources?|experts?|studies|research\s+shows|"
    r"analysts?|it\s+is\s+(?:believed|thought|understood|said)|according\s+to\s+(?:reports|statistics|figures|data|estimates)|"
    r"insiders?|observers|critics|some\s+say|hailed|figures\s+show|data\s+show)\b",
    re.IGNORECASE,
)


def likely_figure(text: str) -> bool:
    return bool(CANDIDATE.search(_ONLY_CALENDAR.sub(" ", text)))



def candidate_sentences(text: str, skip_chars: int = 0):
    """Sentences worth labelling: running text with a digit or a number word."""
    document = segment(text)
    return document, [
        s for s in document.sentences if s.kind in CANDIDATE_KINDS and s.start >= skip_chars and CANDIDATE.search(s.clean)
    ]


def _documents(split: str):
    for name in LABEL_SETS:
        for row in read_rows(name, split):
            if row.get("language", "en") != "en" or row.get("domain") == "wiki":
                continue
            yield row


def sample(out: Path, docs_per_split: dict[str, int] | None = None, min_candidates: int = 2, max_candidates: int = 9) -> int:
    """Draw whole documents (every candidate sentence in each), balanced over data sets and human/machine."""
    docs_per_split = docs_per_split or {"train": 175, "test": 75}
    rng = random.Random(SEED)
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for split, wanted in docs_per_split.items():
            pools: dict[tuple[str, str], list[dict]] = {}
            for row in _documents(split):
                pools.setdefault((row["dataset"], row["label"]), []).append(row)
            for pool in pools.values():
                rng.shuffle(pool)
            keys = sorted(pools)
            taken: list[tuple[dict, list]] = []
            cursor = {k: 0 for k in keys}
            seen_pairs: set[str] = set()
            while len(taken) < wanted and any(cursor[k] < len(pools[k]) for k in keys):
                for key in keys:
                    if len(taken) >= wanted:
                        break
                    while cursor[key] < len(pools[key]):
                        row = pools[key][cursor[key]]
                        cursor[key] += 1
                        if row["pair"] in seen_pairs:
                            continue  # one document per story keeps the set diverse
                        _, candidates = candidate_sentences(row["text"], human_text_span(row) if row["dataset"] == "xsum-fastdetect" else 0)
                        if min_candidates <= len(candidates) <= max_candidates:
                            seen_pairs.add(row["pair"])
                            taken.append((row, candidates))
                            break
            for row, candidates in taken:
                document = segment(row["text"])
                sentences = document.sentences
                for s in candidates:
                    prev = sentences[s.index - 1] if s.index > 0 else None
                    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
                    handle.write(json.dumps({
                        "cid": written, "split": split, "dataset": row["dataset"], "doc": row["id"], "label": row["label"],
                        "span": [s.start, s.end], "sha1": short_hash(s.clean), "text": s.clean,
                        "prev": prev.clean if prev else None, "prev_same_block": bool(prev and prev.block == s.block),
                        "next": nxt.clean if nxt else None, "next_same_block": bool(nxt and nxt.block == s.block),
                    }, ensure_ascii=False) + "\n")
                    written += 1
    return written


def sample_more(out: Path, exclude: set[str], docs_per_split: dict[str, int] | None = None,
                vague_per_split: int = 30, first_cid: int = 1000) -> int:
    """The second draw: more whole documents (calendar-only sentences skipped) and vague-cue sentences."""
    docs_per_split = docs_per_split or {"train": 45, "test": 35}
    rng = random.Random(SEED + 1)
    cid = first_cid
    with open(out, "w", encoding="utf-8") as handle:
        for split, wanted in docs_per_split.items():
            rows = [r for r in _documents(split) if r["id"] not in exclude]
            rng.shuffle(rows)
            taken_docs = 0
            vague_taken = 0
            pairs: set[str] = set()
            for row in rows:
                if row["pair"] in pairs:
                    continue
                skip = human_text_span(row) if row["dataset"] == "xsum-fastdetect" else 0
                document, candidates = candidate_sentences(row["text"], skip)
                candidates = [s for s in candidates if likely_figure(s.clean)]
                draw = None
                if taken_docs < wanted and 2 <= len(candidates) <= 8:
                    draw, taken_docs = "document", taken_docs + 1
                elif vague_taken < vague_per_split:
                    candidates = [s for s in candidates if VAGUE_WORDS.search(s.clean)][:1]
                    if candidates:
                        draw, vague_taken = "vague_cue", vague_taken + 1
                if draw is None:
                    continue
                pairs.add(row["pair"])
                sentences = document.sentences
                for s in candidates:
                    prev = sentences[s.index - 1] if s.index > 0 else None
                    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
                    handle.write(json.dumps({
                        "cid": cid, "draw": draw, "split": split, "dataset": row["dataset"], "doc": row["id"], "label": row["label"],
                        "span": [s.start, s.end], "sha1": short_hash(s.clean), "text": s.clean,
                        "prev": prev.clean if prev else None, "prev_same_block": bool(prev and prev.block == s.block),
                        "next": nxt.clean if nxt else None, "next_same_block": bool(nxt and nxt.block == s.block),
                    }, ensure_ascii=False) + "\n")
                    cid += 1
                if taken_docs >= wanted and vague_taken >= vague_per_split:
                    break
    return cid - first_cid



# ---------------------------------------------------------------------------
# Labelled items, features and the models


SUPPORT_LABELS = ("fine", "vague", "none")
# What the model learns for a sentence in which our parser finds a figure that needs a
# source: the label, with "sourced" and "no_statistic" both "fine" (nothing to flag).
MODEL_LABEL = {"sourced": "fine", "no_statistic": "fine", "vague": "vague", "none": "none"}
# Issue 11: an editor stops reading flags that are wrong half the time; the target is
# precision 0.8 of figure flags. The model confirms the rules' "no source" / "vague
# source"; its thresholds are the best-F1 ones among those that reach this precision
# with at least half of the positives on cross-validated train documents; when none
# does, the best-precision one that keeps half of the positives (an editor would rather
# see fewer flags, right more often, than every unsourced figure). Measured: among the
# sentences the rules read as unsourced, the model separates the labelled ones barely
# better than chance (cross-validated AUROC 0.56 on 71 train sentences), so the
# precision target is not reached on these labels and the fallback sets the threshold.
MIN_PRECISION = 0.80
MIN_RECALL_FALLBACK = 0.5
FOLDS = 5
C_GRID = (0.03, 0.1, 0.3)


@dataclass
class Item:
    """One labelled sentence with what the models read about it."""

    id: int
    dataset: str
    split: str
    doc: str
    draw: str
    label: str
    text: str
    statistics: int  # statistics our parser finds in the sentence
    context: "SupportContext"


def load_items() -> list[Item]:
    """The labelled sentences, re-read from the shared data and checked against their hashes."""
    from .attribution import context_for
    from .attribution_reading import read_attributions
    from .check import needs_source
    from .reading import document_figures

    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    wanted = {(r["dataset"], r["split"]) for r in rows}
    needed = {r["doc"] for r in rows}
    texts: dict[str, str] = {}
    for dataset, split in sorted(wanted):
        for doc in read_rows(dataset, split):
            if doc["id"] in needed:
                texts[doc["id"]] = doc["text"]
    documents: dict[str, tuple] = {}
    items = []
    for row in rows:
        if row["doc"] not in documents:
            document = segment(texts[row["doc"]])
            figures = document_figures(document)
            needing: dict[int, list] = {}
            for f in figures:
                if needs_source(f, document.sentences[f.sentence].kind == "table_row"):
                    needing.setdefault(f.sentence, []).append(f)
            documents[row["doc"]] = (document, needing, read_attributions(document, figures))
        document, needing, attributions = documents[row["doc"]]
        sentence = sentence_at(document, row["span"])
        if short_hash(sentence.clean) != row["sha1"]:
            raise ValueError(f"labelled sentence {row['id']}: the text no longer matches its hash")
        found = tuple(needing.get(sentence.index, ()))
        items.append(Item(row["id"], row["dataset"], row["split"], row["doc"], row.get("draw", "document"), row["label"],
                          sentence.clean, len(found),
                          context_for(document, sentence, max(len(found), 1), attributions[sentence.index], found)))
    return items


def embed(texts: list[str], encoder, profile: str) -> np.ndarray:
    """Sentence vectors, cached in .cache/figures (CPU is shared; encode each text once)."""
    path = CACHE / f"embeddings-{profile}.npz"
    cache: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            cache = dict(zip(data["keys"].tolist(), data["vectors"]))
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = [t for t, k in zip(texts, keys) if k not in cache]
    if missing:
        unique = list(dict.fromkeys(missing))
        for text, vector in zip(unique, encoder.encode(unique)):
            cache[hashlib.sha1(text.encode()).hexdigest()] = vector
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
    return np.stack([cache[k] for k in keys]) if keys else np.zeros((0, encoder.dim), dtype=np.float32)


def _model(dim: int, c: float):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    columns = ColumnTransformer([("embedding", "passthrough", slice(0, dim)), ("cues", StandardScaler(), slice(dim, None))])
    base = make_pipeline(columns, LogisticRegression(C=c, max_iter=3000, class_weight="balanced"))
    return CalibratedClassifierCV(base, method="sigmoid", cv=3)


def _folds(items: list[Item]):
    from sklearn.model_selection import GroupKFold

    groups = np.array([i.doc for i in items])
    return list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(items)), groups=groups))


def _ordered(model, x: np.ndarray) -> np.ndarray:
    raw = model.predict_proba(x)
    return raw[:, [list(model.classes_).index(c) for c in SUPPORT_LABELS]]


def model_labels(items: list[Item]) -> np.ndarray:
    return np.array([MODEL_LABEL[i.label] for i in items])


def trainable(items: list[Item]) -> np.ndarray:
    """Items the model learns from and is applied to: sentences where the parser finds a figure needing a source."""
    return np.array([i.statistics > 0 for i in items])


def cross_validated(items: list[Item], x: np.ndarray, c: float) -> np.ndarray:
    """P(fine, vague, none) for every item from a model that never saw its document."""
    out = np.full((len(items), 3), np.nan)
    labelled = trainable(items)
    y = model_labels(items)
    dim = x.shape[1] - len(_cue_names())
    for fit_idx, held_idx in _folds(items):
        fit_idx = fit_idx[labelled[fit_idx]]
        model = _model(dim, c).fit(x[fit_idx], y[fit_idx])
        out[held_idx] = _ordered(model, x[held_idx])
    return out


def _cue_names():
    from .attribution import CUE_NAMES

    return CUE_NAMES


def decide(items: list[Item], p: np.ndarray, none_threshold: float, vague_threshold: float) -> np.ndarray:
    """The check's decision per item ("fine" where the parser finds no figure needing a source)."""
    from .check import decide as check_decide

    out = np.array(["fine"] * len(items), dtype=object)
    keep = np.where(trainable(items))[0]
    if len(keep):
        out[keep] = check_decide(np.nan_to_num(p[keep]), [items[k].context for k in keep], none_threshold, vague_threshold)
    return out


def rules_only(items: list[Item]) -> np.ndarray:
    """The decision of the rules alone: the attribution they read, wherever a figure needs a source."""
    return np.array([{"named": "fine", "vague": "vague", "none": "none"}[i.context.attribution.support] if i.statistics else "fine"
                     for i in items], dtype=object)


def flag_metrics(items: list[Item], decided: np.ndarray) -> dict:
    """The flags end to end against the labels: our parser must find a figure that needs a source, the rules and
    the model must decide "none" / "vague". "figures (any)" counts a flag of either code on a sentence labelled
    none or vague as right, as an editor reading the flag would."""
    from sklearn.metrics import precision_recall_fscore_support

    gold = np.array([i.label for i in items])
    out = {}
    for code, labels in (("figure.no_source", ("none",)), ("figure.vague_source", ("vague",)), ("figures (any)", ("none", "vague"))):
        predicted = np.isin(decided, labels)
        actual = np.isin(gold, labels)
        precision, recall, f1, _ = precision_recall_fscore_support(actual, predicted, average="binary", zero_division=0)
        out[code] = {"n": int(len(items)), "positives": int(actual.sum()), "flagged": int(predicted.sum()),
                     "precision": round(float(precision), 4), "recall": round(float(recall), 4), "f1": round(float(f1), 4)}
    return out


def classifier_metrics(items: list[Item], p: np.ndarray) -> dict:
    """The support model alone, on the sentences it is applied to (argmax over fine / vague / none)."""
    from sklearn.metrics import classification_report, confusion_matrix

    keep = trainable(items)
    gold = model_labels(items)[keep]
    probabilities = p[keep]
    predicted = np.array(SUPPORT_LABELS)[np.argmax(probabilities, axis=1)]
    report = classification_report(gold, predicted, labels=list(SUPPORT_LABELS), output_dict=True, zero_division=0)
    return {
        "n": int(keep.sum()),
        "per_class": {c: {k: round(float(v), 4) for k, v in report[c].items()} for c in SUPPORT_LABELS},
        "macro_f1_argmax": round(float(report["macro avg"]["f1-score"]), 4),
        "log_loss": round(_log_loss(gold, probabilities), 4),
        "confusion_matrix": {"labels": list(SUPPORT_LABELS),
                             "rows_gold_columns_predicted": confusion_matrix(gold, predicted, labels=list(SUPPORT_LABELS)).tolist()},
    }


def _log_loss(gold: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log probability of the gold class; columns of ``p`` in SUPPORT_LABELS order."""
    index = np.array([SUPPORT_LABELS.index(g) for g in gold])
    return float(-np.mean(np.log(np.clip(p[np.arange(len(gold)), index], 1e-9, 1.0))))


def _document_rows(items: list[Item], p: np.ndarray):
    """Per whole-document draw: features from the unsupported probability of its sentences, and whether any
    sentence is labelled unsourced or vaguely sourced."""
    from .check import document_features, unsupported_probability

    docs: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        if item.draw == "document":
            docs.setdefault(item.doc, []).append(k)
    x, y, names = [], [], []
    for doc, members in docs.items():
        kept = [k for k in members if items[k].statistics > 0 and not np.isnan(p[k, 2])]
        unsupported = unsupported_probability(p[kept], [items[k].context for k in kept]) if kept else np.zeros(0)
        x.append(document_features(unsupported))
        y.append(int(any(items[k].label in ("none", "vague") for k in members)))
        names.append(doc)
    return np.array(x), np.array(y), names


def _document_model():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), method="sigmoid", cv=5)


def document_metrics(y: np.ndarray, score: np.ndarray) -> dict:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    return {"n": int(len(y)), "positives": int(y.sum()),
            "auroc": round(float(roc_auc_score(y, score)), 4) if 0 < y.sum() < len(y) else None,
            "brier": round(float(brier_score_loss(y, score)), 4)}


def features_for(items: list[Item], encoder, profile: str) -> np.ndarray:
    from .attribution import support_features

    return support_features(embed([i.text for i in items], encoder, profile), [i.context for i in items])


def _pick_threshold_for_precision(positive: np.ndarray, score: np.ndarray) -> float:
    """The threshold with the best F1 among those reaching ``MIN_PRECISION`` with ``MIN_RECALL_FALLBACK`` of the
    positives; if none does, the one with the best precision that keeps ``MIN_RECALL_FALLBACK`` of them."""
    from sklearn.metrics import precision_recall_curve

    if not positive.any():
        return 1.0
    precision, recall, thresholds = precision_recall_curve(positive, score)
    precision, recall = precision[:-1], recall[:-1]
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = np.where((precision >= MIN_PRECISION) & (recall >= MIN_RECALL_FALLBACK))[0]
    if len(ok):
        return float(thresholds[ok[np.argmax(f1[ok])]])
    ok = np.where(recall >= MIN_RECALL_FALLBACK)[0]
    return float(thresholds[ok[np.argmax(precision[ok])]])


def pick_thresholds(items: list[Item], p: np.ndarray) -> tuple[float, float]:
    """Thresholds on P(none) and P(vague) + P(none) for the sentences the rules read as unsourced / vaguely sourced."""
    gold_flag = np.array([i.label in ("none", "vague") for i in items])
    keep = trainable(items)
    reading = np.array([i.context.attribution.support for i in items])
    none_rows = keep & (reading == "none") & ~np.array([i.context.in_table for i in items])
    vague_rows = keep & (reading == "vague")
    none_threshold = _pick_threshold_for_precision(gold_flag[none_rows], p[none_rows, 2])
    vague_threshold = _pick_threshold_for_precision(gold_flag[vague_rows], p[vague_rows, 1] + p[vague_rows, 2])
    return none_threshold, vague_threshold


def train(store: ArtifactStore, profile: str) -> dict:
    import joblib

    items = load_items()
    encoder = Encoder.load(profile, store)
    train_items = [i for i in items if i.split == "train"]
    test_items = [i for i in items if i.split == "test"]
    x_train = features_for(train_items, encoder, profile)
    x_test = features_for(test_items, encoder, profile)
    dim = x_train.shape[1] - len(_cue_names())

    # Regularisation by cross-validated log loss over held-out documents of the train split.
    best_c, best_loss, cv_p = None, np.inf, None
    labelled = trainable(train_items)
    gold = model_labels(train_items)
    for c in C_GRID:
        p = cross_validated(train_items, x_train, c)
        loss = _log_loss(gold[labelled], p[labelled])
        if loss < best_loss:
            best_c, best_loss, cv_p = c, loss, p
    none_threshold, vague_threshold = pick_thresholds(train_items, cv_p)

    model = _model(dim, best_c).fit(x_train[labelled], gold[labelled])
    test_p = _ordered(model, x_test)

    x_doc, y_doc, _ = _document_rows(train_items, cv_p)
    document_model = _document_model().fit(x_doc, y_doc)
    x_doc_test, y_doc_test, _ = _document_rows(test_items, test_p)

    metrics = {
        "train_cv": {"classifier": classifier_metrics(train_items, cv_p),
                     "flags": flag_metrics(train_items, decide(train_items, cv_p, none_threshold, vague_threshold))},
        "test": {"classifier": classifier_metrics(test_items, test_p),
                 "flags": flag_metrics(test_items, decide(test_items, test_p, none_threshold, vague_threshold)),
                 "flags_rules_only": flag_metrics(test_items, rules_only(test_items)),
                 "document": document_metrics(y_doc_test, document_model.predict_proba(x_doc_test)[:, 1])},
        "C": best_c,
        "none_threshold": round(none_threshold, 4),
        "vague_threshold": round(vague_threshold, 4),
    }
    name = f"figures/{profile}.joblib"
    (store.root / "figures").mkdir(parents=True, exist_ok=True)
    artifact = {
        "model": model,
        "classes": list(model.classes_),
        "none_threshold": none_threshold,
        "vague_threshold": vague_threshold,
        "document_model": document_model,
        "features": ["embedding", *_cue_names()],
        "profile": profile,
    }
    joblib.dump(artifact, store.root / name)
    store.record(
        name,
        kind="model",
        check="figures",
        profile=profile,
        estimator=f"CalibratedClassifierCV(sigmoid) over LogisticRegression(C={best_c}, balanced) on [embedding, scaled cue and "
                  "attribution-reading features], classes fine/vague/none; it confirms the rules' reading (no source / vague "
                  "source). Document model: calibrated LogisticRegression over per-sentence unsupported probabilities",
        data=f"labels/figure_support.jsonl (editor's definition, relabelled), split=train ({int(labelled.sum())} sentences with a "
             f"figure that needs a source, {len(train_items)} in all, {len(set(i.doc for i in train_items))} documents); "
             "texts from ../shared/data/ai_text",
        params={"seed": SEED, "min_precision": MIN_PRECISION, "min_recall_fallback": round(MIN_RECALL_FALLBACK, 4), "folds": FOLDS,
                "grouped_by": "document", "C_grid": list(C_GRID)},
        metrics=metrics,
        built_by=f"detector train figures --profile {profile}",
    )
    return metrics


train_command = commands.train_command(train, "Fit the figure support classifier and document model on labels/figure_support.jsonl (train split).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.figures.train")
    parser.add_argument("command", choices=["sample", "sample-more"])
    parser.add_argument("--out", type=Path, default=CACHE / "candidates.jsonl")
    args = parser.parse_args(argv)
    if args.command == "sample":
        print(f"{sample(args.out)} candidate sentences written to {args.out}", file=sys.stderr)
    else:
        first = [json.loads(line) for line in (CACHE / "candidates.jsonl").read_text().splitlines() if line.strip()]
        out = CACHE / "candidates2.jsonl"
        print(f"{sample_more(out, {r['doc'] for r in first})} candidate sentences written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
