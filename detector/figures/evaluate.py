"""``detector eval figures``: the support classifier and the document model on held-out labels, and the
figure parsers compared on ``labels/figure_values.jsonl`` (ours, quantulum3, number-parser).
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import Encoder
from ..training import commands

if TYPE_CHECKING:  # pragma: no cover
    pass
from .train import (
    VALUE_LABELS,
    Item,
    _document_rows,
    _ordered,
    classifier_metrics,
    document_metrics,
    features_for,
    flag_metrics,
    load_items,
)


def evaluate(profile: str) -> dict:
    """Held-out metrics of the shipped artifact for ``profile``."""
    from .check import Figures

    store = ArtifactStore()
    check = Figures().load(store, profile)
    encoder = Encoder.load(profile, store)
    test_items = [i for i in load_items() if i.split == "test"]
    p = _ordered(check.model_, features_for(test_items, encoder, profile))
    x_doc, y_doc, _ = _document_rows(test_items, p)
    return {
        "classifier": classifier_metrics(test_items, p, check.none_threshold_, check.vague_threshold_),
        "flags": flag_metrics(test_items, p, check.none_threshold_, check.vague_threshold_),
        "document": document_metrics(y_doc, check.document_model_.predict_proba(x_doc)[:, 1]),
        "thresholds": {"none": round(check.none_threshold_, 4), "vague": round(check.vague_threshold_, 4)},
        "command": f"detector eval figures --profile {profile}",
    }


def _quantulum_parse():
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("quantulum3").setLevel(logging.ERROR)
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False  # its pickled classifier does not load with current scikit-learn
    return parser.parse


_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


_QUANTULUM_MAX_CHARS = 2000  # quantulum3 takes seconds to minutes on long digit runs


def parser_statistics(name: str):
    """A function text -> list of (surface, value) statistics for parser ``name``."""
    from .reading import extract_figures

    if name == "ours":
        return lambda text: [(f.text, f.value) for f in extract_figures(text) if f.is_statistic]
    if name == "quantulum3":
        parse = _quantulum_parse()

        def quantulum(text: str):
            if len(text) > _QUANTULUM_MAX_CHARS:
                return []
            try:
                return [(q.surface, float(q.value)) for q in parse(text) if q.value is not None]
            except Exception:  # noqa: BLE001 - a parser failure counts as finding nothing
                return []

        return quantulum
    if name == "number-parser":
        from number_parser import parse as words_to_digits

        def number_parser(text: str):
            try:
                converted = words_to_digits(text)
            except Exception:  # noqa: BLE001
                converted = text
            out = []
            for m in _ANY_NUMBER.finditer(converted):
                try:
                    out.append((m.group(), float(m.group().replace(",", ""))))
                except ValueError:
                    pass
            return out

        return number_parser
    raise ValueError(name)


PARSERS = ("ours", "quantulum3", "number-parser")


def compare_parsers(items: list[Item] | None = None, limit: int | None = None) -> dict:
    """Does each parser find a statistic exactly where the labels say there is one? And the right values?"""
    import time

    from sklearn.metrics import precision_recall_fscore_support

    items = items if items is not None else load_items()
    if limit:
        items = items[:limit]
    gold = np.array([i.label != "no_statistic" for i in items])
    out: dict = {"n_sentences": len(items), "with_statistic": int(gold.sum()), "sentence_level": {}}
    values = _value_labels()
    for name in PARSERS:
        parse = parser_statistics(name)
        started = time.perf_counter()
        found = [parse(i.text) for i in items]
        elapsed = time.perf_counter() - started
        predicted = np.array([bool(f) for f in found])
        precision, recall, f1, _ = precision_recall_fscore_support(gold, predicted, average="binary", zero_division=0)
        out["sentence_level"][name] = {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                                       "f1": round(float(f1), 4), "ms_per_sentence": round(1000 * elapsed / max(len(items), 1), 3)}
        if values:
            out.setdefault("value_level", {})[name] = _value_scores(values, parse)
    return out


def _value_labels() -> list[dict]:
    if not VALUE_LABELS.exists():
        return []
    return [json.loads(line) for line in VALUE_LABELS.read_text().splitlines() if line.strip()]


def _value_scores(rows: list[dict], parse) -> dict:
    """Precision/recall of (value) statistics against hand-written gold values, matched by value."""
    tp = fp = fn = 0
    for row in rows:
        predicted = [v for _, v in parse(row["text"]) if v is not None]
        expected = list(row["values"])
        for v in predicted:
            match = next((e for e in expected if math.isclose(e, v, rel_tol=1e-6, abs_tol=1e-9)), None)
            if match is None:
                fp += 1
            else:
                tp += 1
                expected.remove(match)
        fn += len(expected)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4), "gold_values": tp + fn}


@click.command()
@commands.eval_profiles
@click.option("--no-parsers", is_flag=True, help="Skip the parser comparison (it needs quantulum3 from the train extra).")
def eval_command(profiles, no_parsers) -> None:
    """Support classifier and unsupported-flag precision/recall/F1 per class on the held-out labels; the parser comparison."""
    result: dict = {p: evaluate(p) for p in commands.each_profile(profiles)}
    if not no_parsers:
        test_items = [i for i in load_items() if i.split == "test"]
        result["parser_comparison"] = {"test": compare_parsers(test_items), "all_labelled": compare_parsers()}
    commands.echo_json(result)
