"""Per-document filler findings, computed once per document and shared by the filler checks (``Analysis.memo``)."""

from __future__ import annotations

from ..checks import Analysis
from .features import SentenceFeatures, sentence_features
from .model import eligible
from .residue import Residue, find_residue


def eligible_features(analysis: Analysis) -> dict[int, SentenceFeatures]:
    """Features of every sentence the sentence model scores, by sentence index."""

    def compute(a: Analysis) -> dict[int, SentenceFeatures]:
        fmt = a.document.format
        return {s.index: sentence_features(s, fmt) for s in a.sentences if eligible(s)}

    return analysis.memo("filler.features", compute)


def residue_by_sentence(analysis: Analysis) -> dict[int, list[Residue]]:
    """Template residue of every sentence that has some, headings and short lines included."""

    def compute(a: Analysis) -> dict[int, list[Residue]]:
        features = eligible_features(a)
        out = {}
        for s in a.sentences:
            found = features[s.index].residue if s.index in features else find_residue(s, a.document.format)
            if found:
                out[s.index] = found
        return out

    return analysis.memo("filler.residue", compute)
