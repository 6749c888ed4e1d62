"""figures.support and figures.consistency: who vouches for each statistic, and whether they fit together.

Support: the figures that need a source (``detector.figures.source_needed`` types
the rest apart: records, counts of the reported event, prices, dimensions,
durations) are read for attribution by rules as a reader reads them
(``detector.figures.attribution_reading``: in the sentence, at its end, in the next
sentence, through a paragraph of reported speech or findings, a quotation's
speaker, a table's caption or source line). Where the rules find no source or a
vague one, a trained scikit-learn model over the sentence embedding and the cues
(``detector.figures.attribution``) gives P(fine, vague, none) and confirms the flag
by the artifact's thresholds; it never flags a sentence the rules find sourced. A
table row without a source line or caption is flagged by the rules alone.

Consistency is arithmetic over the figures of the whole article
(``detector.figures.consistency_issues``); its flags carry a fixed rule
confidence, not a trained probability.
"""

from __future__ import annotations

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..scoring import probabilities_function
from .attribution import SUPPORT_CLASSES, SupportContext, context_for, support_features
from .attribution_reading import NAMED, NONE, VAGUE, read_attributions
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
        """Sentences with a figure that needs a source, their contexts, and P(fine, vague, none) for each (memoised)."""
        return analysis.memo("figures.support", self._support)

    def _support(self, analysis: Analysis):
        figures = analysis_figures(analysis)
        document = analysis.document
        by_sentence: dict[int, list[Figure]] = {}
        for f in figures:
            if needs_source(f, document.sentences[f.sentence].kind == "table_row"):
                by_sentence.setdefault(f.sentence, []).append(f)
        indexes = [i for i in sorted(by_sentence) if document.sentences[i].kind != "heading"]
        if not indexes:
            return [], [], np.zeros((0, len(SUPPORT_CLASSES)))
        attributions = read_attributions(document, figures)
        contexts = [context_for(document, document.sentences[i], len(by_sentence[i]), attributions[i], tuple(by_sentence[i]))
                    for i in indexes]
        features = support_features(analysis.vectors[indexes], contexts)
        raw = self.support_probabilities_(features)
        order = [list(self.classes_).index(c) for c in SUPPORT_CLASSES]
        return indexes, contexts, raw[:, order]

    def decide(self, probabilities: np.ndarray, contexts: list[SupportContext]) -> list[str]:
        """Per sentence: "none" or "vague" (a flag) or "fine", by the rules' reading and the artifact's thresholds."""
        return decide(probabilities, contexts, self.none_threshold_, self.vague_threshold_)

    def run(self, analysis: Analysis) -> CheckResult:
        figures = analysis_figures(analysis)
        indexes, contexts, probabilities = self.support(analysis)
        decisions = self.decide(probabilities, contexts) if len(indexes) else []
        support_of = {i: (d, c, p) for i, d, c, p in zip(indexes, decisions, contexts, probabilities)}
        document = analysis.document
        flags = []
        supported: list[Figure] = []
        for f in figures:
            entry = support_of.get(f.sentence)
            if f.is_statistic and entry is not None:
                _, context, _ = entry
                reading = context.attribution
                support = {NAMED: "sourced", VAGUE: "vague", NONE: "none"}[reading.support]
                supported.append(f.with_support(support, reading.cue))
            else:
                supported.append(f)
        for index, (decision, context, p) in support_of.items():
            stats = [f for f in supported if f.sentence == index and needs_source(f, context.in_table)]
            evidence = {
                "figures": [f.to_dict() for f in stats],
                "probabilities": {c: round(float(v), 4) for c, v in zip(SUPPORT_CLASSES, p)},
            }
            if decision == "none":
                if context.in_table:
                    reason = "the table has no source line or caption that says where these numbers come from"
                else:
                    reason = "no attribution in this sentence, the next one, or the reported speech or findings it continues"
                flags.append(self.flag(index, "figure.no_source", _flag_score(p, context, "none"),
                                       f"No source for {_quote_figures(stats)}: {reason}.", **evidence))
            elif decision == "vague":
                cue = context.attribution.cue
                said = f'"{cue}" does not say who' if cue else "the attribution does not say who"
                flags.append(self.flag(index, "figure.vague_source", _flag_score(p, context, "vague"),
                                       f"Vague source for {_quote_figures(stats)}: {said}.", cue=cue, **evidence))
        for issue in consistency_issues(supported, document):
            flags.append(self.flag(issue.sentence, "figure.inconsistent", issue.score, issue.message, related=issue.related,
                                   **issue.evidence))
        score = self._document_score(probabilities, contexts)
        return CheckResult(flags, score, {"figures": [f.to_dict() for f in supported]})

    def _document_score(self, probabilities: np.ndarray, contexts: list[SupportContext]) -> float | None:
        if self.document_model_ is None:
            return None
        features = document_features(unsupported_probability(probabilities, contexts))
        return float(self.document_probabilities_(features.reshape(1, -1))[0, 1])


def needs_source(figure: Figure, in_table: bool) -> bool:
    """A statistic in running text; in a table, every quantity (a table is data, and says where it is from or not)."""
    if figure.is_statistic:
        return True
    return in_table and figure.value is not None and figure.kind in ("duration", "record", "event", "price", "dimension")


def decide(probabilities: np.ndarray, contexts: list[SupportContext], none_threshold: float, vague_threshold: float) -> list[str]:
    """The flag per sentence. The rules read who vouches; the model only confirms a missing or vague source
    (P(none) or P(vague) + P(none) at least the threshold): it never flags a sentence the rules find sourced.
    A table row with no source line or caption is flagged by the rules alone: a table is data."""
    labels = []
    for (p_fine, p_vague, p_none), context in zip(probabilities, contexts):
        reading = context.attribution.support
        if context.in_table:
            labels.append("none" if reading == NONE else "vague" if reading == VAGUE else "fine")
        elif reading == NONE and p_none >= none_threshold:
            labels.append("none")
        elif reading == VAGUE and p_vague + p_none >= vague_threshold:
            labels.append("vague")
        else:
            labels.append("fine")
    return labels


def unsupported_probability(probabilities: np.ndarray, contexts: list[SupportContext]) -> np.ndarray:
    """Per sentence, the probability that it carries a figure nobody identifiable vouches for: the model's
    P(none) (+ P(vague) where the source is vague) where the rules found no source; 0 where they found one."""
    out = np.zeros(len(contexts))
    for k, (row, context) in enumerate(zip(probabilities, contexts)):
        if context.attribution.support == NONE:
            out[k] = 1.0 if context.in_table else row[2]
        elif context.attribution.support == VAGUE:
            out[k] = row[1] + row[2]
    return out


def _flag_score(p: np.ndarray, context: SupportContext, decision: str) -> float:
    if context.in_table:
        return float(max(p[2], 0.5))
    return float(p[2] if decision == "none" else p[1] + p[2])


def document_features(p_none: np.ndarray) -> np.ndarray:
    """Features of a document for its unsupported-figure probability: from its sentences' probability of an
    unsupported figure (``unsupported_probability``)."""
    if len(p_none) == 0:
        return np.zeros(4)
    top = np.sort(p_none)[::-1]
    noisy_or = 1.0 - float(np.prod(1.0 - np.clip(top[:20], 0.0, 0.999)))
    return np.array([float(top[0]), float(np.mean(top)), float(np.log1p(len(top))), noisy_or])
