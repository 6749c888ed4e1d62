"""Fast probabilities from fitted scikit-learn linear pipelines.

A check scores a handful of rows per document, thousands of documents a second;
``predict_proba``'s input validation then costs more than the arithmetic (a
calibrated model of three folds validates its input a dozen times per call). For
the pipelines the checks ship, StandardScaler (alone or per column block in a
ColumnTransformer) + LogisticRegression, optionally inside a sigmoid-calibrated
CalibratedClassifierCV, we read the fitted parameters once and compute the same
probabilities with a few numpy operations. The artifact stays a plain
scikit-learn estimator (notebooks can refit, grid-search or calibrate it); this
is only its fast path, checked against ``predict_proba`` when it is built, with
``predict_proba`` itself as the fallback for anything else.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.special import expit

Probabilities = Callable[[np.ndarray], np.ndarray]


def probability_function(model, n_features: int) -> Probabilities:
    """A function rows -> P(class 1) equal to ``model.predict_proba(rows)[:, 1]``."""
    probabilities = probabilities_function(model, n_features)
    return lambda rows: probabilities(rows)[:, 1]


def probabilities_function(model, n_features: int) -> Probabilities:
    """A function rows -> ``model.predict_proba(rows)`` (every class, in ``model.classes_`` order)."""
    fast = _calibrated_linear(model, n_features) or _linear_probabilities(model, n_features)
    return _verified(fast, model.predict_proba, n_features)


def _verified(fast, reference, n_features: int):
    """``fast`` where it gives what ``reference`` gives on random rows, else ``reference`` itself."""
    if fast is None:
        return reference
    probe = np.random.default_rng(0).normal(size=(16, n_features))
    try:
        agrees = np.allclose(fast(probe), reference(probe), atol=1e-9)
    except (ValueError, IndexError):
        agrees = False
    return fast if agrees else reference


def decision_function(model, n_features: int) -> Callable[[np.ndarray], np.ndarray]:
    """A function rows -> ``model.decision_function(rows)`` for a binary scaled logistic regression."""
    affine = _affine(model, n_features)
    if affine is None or affine[0].shape[1] != 1:
        return model.decision_function
    weights, bias = affine[0][:, 0], float(affine[1][0])

    def fast(rows: np.ndarray) -> np.ndarray:
        return np.asarray(rows, dtype=np.float64) @ weights + bias

    return _verified(fast, model.decision_function, n_features)


def _affine(model, n_features: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(W, b) with ``decision_function(x) == x @ W + b`` for a scaled logistic regression, else None."""
    from sklearn.compose import ColumnTransformer
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    if isinstance(model, FrozenEstimator):
        model = model.estimator
    steps = [step for _, step in model.steps] if isinstance(model, Pipeline) else [model]
    regression = steps[-1]
    if not isinstance(regression, LogisticRegression):
        return None
    columns = np.arange(n_features)
    mean, scale = np.zeros(n_features), np.ones(n_features)
    for step in steps[:-1]:
        if isinstance(step, StandardScaler):
            # x -> (x - mean) / scale, then this scaler: the means and scales compose.
            mean = mean + (step.mean_ if step.with_mean else 0) * scale
            scale = scale * (step.scale_ if step.with_std else 1)
        elif isinstance(step, ColumnTransformer) and step is steps[0]:
            order, block_mean, block_scale = [], [], []
            for _, transformer, selected in step.transformers_:
                if isinstance(transformer, str) and transformer == "drop":
                    continue
                picked = np.arange(n_features)[selected]
                if (isinstance(transformer, str) and transformer == "passthrough") or (
                    isinstance(transformer, FunctionTransformer) and transformer.func is None
                ):  # a fitted ColumnTransformer holds "passthrough" as an identity FunctionTransformer
                    block_mean.append(np.zeros(len(picked)))
                    block_scale.append(np.ones(len(picked)))
                elif isinstance(transformer, StandardScaler):
                    block_mean.append(transformer.mean_ if transformer.with_mean else np.zeros(len(picked)))
                    block_scale.append(transformer.scale_ if transformer.with_std else np.ones(len(picked)))
                else:
                    return None
                order.append(picked)
            columns = np.concatenate(order)
            mean, scale = np.concatenate(block_mean), np.concatenate(block_scale)
        else:
            return None
    coef = regression.coef_  # (k, len(columns)); k == 1 when binary
    if coef.shape[1] != len(columns):
        return None
    weights = np.zeros((n_features, coef.shape[0]))
    weights[columns] = (coef / scale).T
    bias = regression.intercept_ - (coef / scale) @ mean
    return weights, bias


def _linear_probabilities(model, n_features: int) -> Probabilities | None:
    affine = _affine(model, n_features)
    if affine is None or affine[0].shape[1] != 1:
        return None
    weights, bias = affine

    def probabilities(rows: np.ndarray) -> np.ndarray:
        p = expit(np.asarray(rows, dtype=np.float64) @ weights[:, 0] + bias[0])
        return np.column_stack([1.0 - p, p])

    return probabilities


def _calibrated_linear(model, n_features: int) -> Probabilities | None:
    from sklearn.calibration import CalibratedClassifierCV

    if not isinstance(model, CalibratedClassifierCV) or model.method != "sigmoid":
        return None
    classes = list(model.classes_)
    members = []
    for member in model.calibrated_classifiers_:
        affine = _affine(member.estimator, n_features)
        if affine is None:
            return None
        positions = [classes.index(c) for c in member.estimator.classes_]
        if len(classes) == 2:
            positions = [1]
        slopes = np.array([c.a_ for c in member.calibrators], dtype=np.float64)
        offsets = np.array([c.b_ for c in member.calibrators], dtype=np.float64)
        if affine[0].shape[1] != len(slopes):
            return None
        members.append((affine, positions, slopes, offsets))

    def probabilities(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.float64)
        total = np.zeros((len(rows), len(classes)))
        for (weights, bias), positions, slopes, offsets in members:
            proba = np.zeros_like(total)
            proba[:, positions] = expit(-(slopes * (rows @ weights + bias) + offsets))
            if len(classes) == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = proba.sum(axis=1, keepdims=True)
                proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / len(classes)), where=denominator != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        return total / len(members)

    return probabilities
