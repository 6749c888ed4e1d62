"""filler.generic: a trained classifier's probability that a sentence is machine-written padding.

It also returns ``scores.filler``, the calibrated probability that the whole
document is machine-written or templated (document model over the sentence
scores, the rule findings and the repetition flags).

The sentence model is linear over the sentence vector and named features, so
its logit splits into contributions per feature group; the message names the
groups that pushed the score up, with the words behind them.
"""

from __future__ import annotations

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from .analysis import eligible_features, residue_by_sentence
from .features import SentenceFeatures, construction_label
from .model import WORDING_GROUP, DocumentInput, FillerModel, contributions
from .repetition import MEMO_KEY as REPETITION_MEMO_KEY
from .repetition import Repetition

# A group is named in the message when it adds at least this much to the logit.
MIN_CONTRIBUTION = 0.15
MAX_REASONS = 3
_CONSTRUCTION_LABELS = {"this_noun_opener": '"This <noun> ..." opener'}


@register
class Generic(Check):
    name = "generic"
    group = "filler"
    codes = {"filler.generic": "A sentence that reads as generic, machine-written padding (trained model)."}
    scores_document = True

    def load(self, store: ArtifactStore, profile: str) -> "Generic":
        self.model_ = FillerModel(store.load_joblib(f"filler/{profile}.joblib"))
        # Repetition is one of the document model's inputs, whether or not its check runs.
        self.repetition_ = Repetition().load(store, profile)
        return self

    def run(self, analysis: Analysis) -> CheckResult:
        features = eligible_features(analysis)
        indexes = sorted(features)
        vectors = np.nan_to_num(analysis.vectors)
        scores = self.model_.score_sentences(indexes, [features[i] for i in indexes], vectors)
        flags = []
        if indexes:
            parts, names = contributions(self.model_.pipeline, scores.design, self.model_.vector_dim)
            for row, (index, probability) in enumerate(zip(indexes, scores.probabilities)):
                if probability < self.model_.threshold:
                    continue
                reasons = explain(parts[row], names, features[index])
                message = "Reads as generic, machine-written copy: " + "; ".join(r for _, r in reasons)
                flags.append(
                    self.flag(
                        index,
                        "filler.generic",
                        probability,
                        message,
                        drivers=[{"group": g, "contribution": round(float(c), 3)} for g, c in _top(parts[row], names)],
                        threshold=round(self.model_.threshold, 4),
                    )
                )
        residue = len(residue_by_sentence(analysis))
        repeated = len(analysis.memo(REPETITION_MEMO_KEY, self.repetition_.find))
        item = DocumentInput(
            scores.logits,
            np.vstack([features[i].values for i in indexes]) if indexes else np.zeros((0, len(self.model_.artifact["feature_names"]))),
            np.array([features[i].words for i in indexes], dtype=np.float64),
            residue,
            repeated,
        )
        return CheckResult(flags, score=self.model_.document_probability(item))


def _top(parts: np.ndarray, names: list[str]) -> list[tuple[str, float]]:
    order = np.argsort(parts)[::-1]
    return [(names[j], float(parts[j])) for j in order if parts[j] >= MIN_CONTRIBUTION]


def explain(parts: np.ndarray, names: list[str], feats: SentenceFeatures) -> list[tuple[str, str]]:
    """The groups that pushed the score up, each as a short phrase with its evidence."""
    reasons = []
    for group, _ in _top(parts, names):
        text = _describe(group, feats)
        if text:
            reasons.append((group, text))
        if len(reasons) >= MAX_REASONS:
            break
    if not reasons:
        reasons.append((WORDING_GROUP, "wording typical of machine-written news"))
    return reasons


def _quoted(words: list[str], limit: int = 3) -> str:
    return ", ".join(f'"{w}"' for w in list(dict.fromkeys(words))[:limit])


def _describe(group: str, feats: SentenceFeatures) -> str | None:
    if group == WORDING_GROUP:
        return "wording typical of machine-written news"
    if group == "stock" and feats.stock:
        best = max(feats.stock, key=lambda h: h.phrase.ratio)
        return f'stock phrase "{best.phrase.phrase}" ({best.phrase.ratio:.0f}x more common in machine-written news)'
    if group == "specificity":
        s = feats.specific
        missing = [label for key, label in (("names", "names"), ("numbers", "numbers"), ("dates", "dates"), ("quotes", "quotes"))
                   if not s.get(key)]
        if not s.get("attributions"):
            missing.append("attribution")
        if len(missing) >= 4:
            return "nothing specific (no " + ", ".join(missing[:-1]) + " or " + missing[-1] + ")"
        if missing:
            return "few specifics (no " + " or ".join(missing) + ")"
        return "general, common vocabulary"
    if group == "hedges" and feats.hedges:
        return f"hedging ({_quoted(feats.hedges)})"
    if group == "intensifiers" and feats.intensifiers:
        return f"intensifiers ({_quoted(feats.intensifiers)})"
    if group == "abstraction" and feats.abstract:
        return f"abstract nouns ({_quoted(feats.abstract)})"
    if group == "construction" and feats.constructions:
        return "construction " + ", ".join(_CONSTRUCTION_LABELS.get(c) or construction_label(c) for c in feats.constructions[:2])
    if group == "length":
        # The model learns which lengths machine copy favours; it is not "too long".
        return f"a length typical of machine-written sentences ({feats.words} words)"
    if group == "template":
        if feats.residue:
            return f"template residue ({feats.residue[0].message})"
        if feats.circular is not None:
            return "circular statement"
    return None
