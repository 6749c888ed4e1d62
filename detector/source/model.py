"""The document score: P(the copy distorts its source) from aggregate features of the reading.

A small scikit-learn pipeline (scaled features, logistic regression, sigmoid
calibration) over what ``read_against`` measured; ``detector train source`` fits it.
"""

from __future__ import annotations

import numpy as np

from .reading import SourceReading

# Evidence of distortion only. How much of the copy is the source word for word, how much of
# the source it covers and how long it is are left out on purpose: in LLMFake the faithful
# copies are summaries and the manipulated ones mostly verbatim, and a model that learnt
# "verbatim = distorted" would score a lightly edited wire story as a distortion.
FEATURES = (
    "copy_sentences_log",
    "unsupported_claims",
    "unsupported_claim_share",
    "unsupported_figures",
    "unsupported_figure_share",
    "unsupported_names",
    "unsupported_name_share",
    "contradicted",
    "max_contradiction_nli",
    "best_similarity_min",
    "best_similarity_p10",
    "coverage_min",
    "coverage_p10",
)


def reading_features(reading: SourceReading) -> np.ndarray:
    """One row of ``FEATURES`` for a reading."""
    findings = reading.findings
    alignment = reading.alignment
    n = max(1, len(alignment.best))
    best = alignment.best if len(alignment.best) else np.zeros(1)
    coverage = alignment.coverage if len(alignment.coverage) else np.zeros(1)

    def count(code: str, what: str | None = None) -> int:
        return sum(1 for f in findings if f.code == code and (what is None or f.what == what))

    claims = count("source.unsupported", "claim")
    figures = count("source.unsupported", "figure")
    names = count("source.unsupported", "name")
    nli = [f.nli for f in findings if f.code == "source.contradicted" and f.nli is not None]
    return np.array([
        np.log1p(n),
        np.log1p(claims),
        claims / n,
        np.log1p(figures),
        figures / n,
        np.log1p(names),
        names / n,
        np.log1p(count("source.contradicted")),
        max(nli) if nli else 0.0,
        float(np.min(best)),
        float(np.percentile(best, 10)),
        float(np.min(coverage)),
        float(np.percentile(coverage, 10)),
    ], dtype=np.float64)


def document_model(c: float = 1.0, seed: int = 0):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    base = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed))
    return CalibratedClassifierCV(base, method="sigmoid", cv=5)
