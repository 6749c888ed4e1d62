"""figures.support and figures.consistency: who vouches for each statistic, and whether they fit together.

Support: every sentence (or table row) that carries a statistic gets the
probability that it is sourced, vaguely sourced or unsourced from a trained
scikit-learn model over the sentence embedding and attribution cues found by
rules in the sentence and around it (the sentences before and after in the same
paragraph, the paragraph as a whole, and for a table row the lines just above
and below the table, where a caption or a "Source:" line would be). Rules only
propose cues; the model decides. Thresholds come from the artifact.

Consistency is arithmetic over the figures of the whole article
(``detector.figures.consistency_issues``); its flags carry a fixed rule
confidence, not a trained probability.
"""

from __future__ import annotations

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..scoring import probabilities_function
from .attribution import SUPPORT_CLASSES, SupportContext, context_for, source_cue, support_features, vague_cue
from .consistency import consistency_issues
from .figure import Figure
from .reading import analysis_figures


def _quote_figures(figures: list[Figure], limit: int = 3) -> str:
    parts = []
    for f in figures[:limit]:
        what = f.label or f.noun
        parts.append(f'"{f.text}"' + (f" ({what})" if what else ""))
    more = len(figures) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


@register
class Figures(Check):
    name = "figures"
    group = "figures"
    scores_document = True
    codes = {
        "figure.no_source": "A statistic that nothing in or around the sentence attributes to anyone.",
        "figure.vague_source": "A statistic attributed only vaguely ('experts say', 'it is estimated', 'reportedly').",
        "figure.inconsistent": "A figure that does not fit the others in the article (magnitude, sums, approximations, shares).",
    }

    def load(self, store: ArtifactStore, profile: str) -> "Figures":
        artifact = store.load_joblib(f"figures/{profile}.joblib")
        self.model_ = artifact["model"]
        self.classes_ = tuple(artifact["classes"])
        self.none_threshold_ = float(artifact["none_threshold"])
        self.vague_threshold_ = float(artifact["vague_threshold"])
        self.document_model_ = artifact.get("document_model")
        self.support_probabilities_ = probabilities_function(self.model_, self.model_.n_features_in_)
        self.document_probabilities_ = (
            probabilities_function(self.document_model_, self.document_model_.n_features_in_)
            if self.document_model_ is not None else None
        )
        return self

    def support(self, analysis: Analysis) -> tuple[list[int], list[SupportContext], np.ndarray]:
        """Sentences with a statistic, their contexts, and P(sourced, vague, none) for each (memoised)."""
        return analysis.memo("figures.support", self._support)

    def _support(self, analysis: Analysis):
        figures = analysis_figures(analysis)
        by_sentence: dict[int, int] = {}
        for f in figures:
            if f.is_statistic:
                by_sentence[f.sentence] = by_sentence.get(f.sentence, 0) + 1
        document = analysis.document
        indexes = [i for i in sorted(by_sentence) if document.sentences[i].kind != "heading"]
        if not indexes:
            return [], [], np.zeros((0, len(SUPPORT_CLASSES)))
        contexts = [context_for(document, document.sentences[i], by_sentence[i]) for i in indexes]
        features = support_features(analysis.vectors[indexes], contexts)
        raw = self.support_probabilities_(features)
        order = [list(self.classes_).index(c) for c in SUPPORT_CLASSES]
        return indexes, contexts, raw[:, order]

    def decide(self, probabilities: np.ndarray) -> list[str]:
        """Support label per row of P(sourced, vague, none), by the artifact's thresholds."""
        labels = []
        for p_sourced, p_vague, p_none in probabilities:
            if p_none >= self.none_threshold_:
                labels.append("none")
            elif p_vague >= self.vague_threshold_:
                labels.append("vague")
            else:
                labels.append("sourced")
        return labels

    def run(self, analysis: Analysis) -> CheckResult:
        figures = analysis_figures(analysis)
        indexes, contexts, probabilities = self.support(analysis)
        decisions = self.decide(probabilities) if len(indexes) else []
        support_of = {i: (d, c, p) for i, d, c, p in zip(indexes, decisions, contexts, probabilities)}
        document = analysis.document
        flags = []
        supported: list[Figure] = []
        for f in figures:
            entry = support_of.get(f.sentence)
            if f.is_statistic and entry is not None:
                decision, context, _ = entry
                cue = vague_cue(context) if decision == "vague" else source_cue(context) if decision == "sourced" else None
                supported.append(f.with_support(decision, cue))
            else:
                supported.append(f)
        for index, (decision, context, p) in support_of.items():
            stats = [f for f in supported if f.sentence == index and f.is_statistic]
            evidence = {
                "figures": [f.to_dict() for f in stats],
                "probabilities": {c: round(float(v), 4) for c, v in zip(SUPPORT_CLASSES, p)},
            }
            sentence = document.sentences[index]
            if decision == "none":
                if context.in_table:
                    reason = "the table has no source line or caption that says where these numbers come from"
                else:
                    reason = "no attribution in this sentence or the ones around it"
                flags.append(self.flag(index, "figure.no_source", p[2], f"No source for {_quote_figures(stats)}: {reason}.", **evidence))
            elif decision == "vague":
                cue = vague_cue(context)
                said = f'"{cue}" does not say who' if cue else "the attribution does not say who"
                flags.append(self.flag(index, "figure.vague_source", p[1], f"Vague source for {_quote_figures(stats)}: {said}.",
                                       cue=cue, **evidence))
            del sentence
        for issue in consistency_issues(supported, document):
            flags.append(self.flag(issue.sentence, "figure.inconsistent", issue.score, issue.message, related=issue.related,
                                   **issue.evidence))
        score = self._document_score(probabilities)
        return CheckResult(flags, score, {"figures": [f.to_dict() for f in supported]})

    def _document_score(self, probabilities: np.ndarray) -> float | None:
        if self.document_model_ is None:
            return None
        features = document_features(probabilities[:, 2] if len(probabilities) else np.zeros(0))
        return float(self.document_probabilities_(features.reshape(1, -1))[0, 1])


def document_features(p_none: np.ndarray) -> np.ndarray:
    """Features of a document for its unsupported-figure probability: from its sentences' P(none)."""
    if len(p_none) == 0:
        return np.zeros(4)
    top = np.sort(p_none)[::-1]
    noisy_or = 1.0 - float(np.prod(1.0 - np.clip(top[:20], 0.0, 0.999)))
    return np.array([float(top[0]), float(np.mean(top)), float(np.log1p(len(top))), noisy_or])
