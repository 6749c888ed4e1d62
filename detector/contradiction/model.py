"""The contradiction models' recipes: calibrated linear classifiers, the embedding block weighed down.

``weigh_embedding_block`` is pickled inside the shipped semantic models (a ``FunctionTransformer``'s
function): moving or renaming it means re-saving them (``detector train contradictions --resave``).
"""

from __future__ import annotations

import numpy as np

SEMANTIC_C = 0.05


EMBEDDING_WEIGHT = 0.25


# Cues such as a unanimous against a split vote are rare in news but nearly always
# mean a contradiction: weak regularisation lets their weight grow.
CUE_C = 10.0


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
