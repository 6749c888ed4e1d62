"""``detector eval contradictions``: held-out synthetic pairs, the hand-labelled real pairs of
``labels/contradiction_pairs.jsonl`` (never trained on), and the insertion benchmark on test-split articles.
"""

from __future__ import annotations

import click
import numpy as np

from ..training import commands
from ..training.data import stable_fraction
from .pairs import (
    LABELS,
    SEED,
    SYNTHETIC_TEST_SHARE,
    CachedEncoder,
    Pair,
    binary_metrics,
    combined_decision,
    human_articles,
    insertion_cases,
    load_labelled_pairs,
    pair_matrix,
    pair_probabilities,
    synthetic_pairs,
)


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


def evaluate(profile: str, max_articles: int | None = None, skip_synthetic: bool = False, reader: str = "shipped") -> dict:
    """``reader``: "shipped" reads pairs with the cross-encoder where its artifact says so, "on" / "off" force it."""
    from ..pipeline import Detector

    detector = Detector.load(profile=profile, checks=["contradiction"])
    check = detector.checks[0].use_cross_encoder({"shipped": None, "on": True, "off": False}[reader])
    encoder = CachedEncoder(detector.encoder)
    result: dict = {"profile": profile}

    # Held-out synthetic pairs (articles of the train split never trained on).
    if not skip_synthetic:
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
            from .train_cross_encoder import labelled_pair_metrics

            result["hand_labelled_cross_encoder"] = labelled_pair_metrics(check, check.pair_reader_, labelled)
    encoder.save()
    result["insertion"] = insertion_benchmark(detector, test_articles(max_articles))
    result["thresholds"] = {"semantic": check.semantic_threshold_, "numeric": check.numeric_threshold_}
    if getattr(check, "pair_reader_", None) is not None:
        result["thresholds"]["cross_encoder"] = check.pair_reader_.threshold
    result["cross_encoder_reading"] = getattr(check, "pair_reader_", None) is not None
    result["command"] = f"detector eval contradictions --profile {profile}" + (
        f" --reader {reader}" if reader != "shipped" else "") + (
        f" --max-articles {max_articles}" if max_articles else "") + (" --skip-synthetic" if skip_synthetic else "")
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


@click.command()
@commands.eval_profiles
@click.option("--max-articles", type=int, default=None, help="Use the first N test articles (and fewer synthetic pairs).")
@click.option("--skip-synthetic", is_flag=True, help="Leave out the held-out synthetic pairs (the slowest part).")
@click.option("--reader", type=click.Choice(["shipped", "on", "off"]), default="shipped", show_default=True,
              help="Accurate profile: read candidate pairs with the cross-encoder as shipped, or force it on or off.")
def eval_command(profiles, max_articles, skip_synthetic, reader) -> None:
    """Accuracy/F1 on held-out synthetic and hand-labelled pairs, and the insertion benchmark; prints JSON."""
    commands.echo_json({p: evaluate(p, max_articles, skip_synthetic, reader) for p in commands.each_profile(profiles)})
