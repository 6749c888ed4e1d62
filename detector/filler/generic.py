"""filler.generic: a trained classifier's probability that a sentence is machine-written padding.

It also returns ``scores.filler``, the calibrated probability that the whole
document is machine-written or templated (document model over the sentence
scores, the rule findings and the repetition flags).

The sentence model is linear over the sentence vector and named features, so
its logit splits into contributions per feature group; the message names the
groups that pushed the score up, with the words behind them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..encoders import models_profile
from ..errors import ArtifactError
from .analysis import eligible_features, residue_by_sentence
from .features import CONSTRUCTIONS, SentenceFeatures, zipf
from .gate import reporting_reason
from .lm_head import PREDICTABILITY_GROUP
from .model import WORDING_GROUP, DocumentInput, FillerModel, SentenceScores
from .repetition import MEMO_KEY as REPETITION_MEMO_KEY
from .repetition import Repetition

# A group is named in the message when it adds at least this much to the logit.
MIN_CONTRIBUTION = 0.15
MAX_REASONS = 3


def load_filler_model(store: ArtifactStore, profile: str) -> FillerModel:
    if profile == "lm":
        from . import lm_head

        return lm_head.load(store)
    name = f"filler/{profile}.joblib"
    model = FillerModel(store.load_joblib(name))
    if model.gate is None:
        raise ArtifactError(f"{name} has no sentence gate (trained by an older version); run: detector train filler")
    return model


@register
class Generic(Check):
    name = "generic"
    group = "filler"
    codes = {"filler.generic": "A sentence that reads as generic, machine-written padding (trained model)."}
    scores_document = True
    own_profiles = ("lm",)

    def load(self, store: ArtifactStore, profile: str) -> "Generic":
        self.model_ = load_filler_model(store, profile)
        # Repetition is one of the document model's inputs, whether or not its check runs.
        self.repetition_ = Repetition().load(store, models_profile(profile))
        return self

    def run(self, analysis: Analysis) -> CheckResult:
        reading = filler_reading(analysis, self.model_, self.repetition_)
        features, scores = reading.features, reading.scores
        flags = []
        gate = self.model_.gate
        if scores.indexes:
            parts, names = self.model_.explain_parts(scores)
            cut = gate.sentence_cut(reading.document_probability)
            passing = gate.allows(scores.logits, reading.document_probability)
            for row, (index, probability) in enumerate(zip(scores.indexes, scores.probabilities)):
                if not passing[row] or reporting_reason(analysis.sentences[index].clean):
                    continue
                text = analysis.sentences[index].clean
                described = {}
                lm_reason = self.model_.describe_predictability(scores.lm_rows[row]) if scores.lm_rows is not None else None
                if lm_reason:
                    described[PREDICTABILITY_GROUP] = lm_reason
                reasons = explain(parts[row], names, features[index], text, described)
                message = "Reads as generic, machine-written copy: " + "; ".join(r for _, r in reasons)
                flags.append(
                    self.flag(
                        index,
                        "filler.generic",
                        probability,
                        message,
                        drivers=[{"group": g, "contribution": round(float(c), 3)} for g, c in _top(parts[row], names)],
                        threshold=round(self.model_.probability_at(cut), 4),
                        document_score=round(reading.document_probability, 4),
                    )
                )
        return CheckResult(flags, score=reading.document_probability)


@dataclass(slots=True)
class FillerReading:
    """The filler models' view of one document, shared by the checks that need it."""

    features: dict  # SentenceFeatures by sentence index (eligible sentences)
    scores: SentenceScores
    document_probability: float


def filler_reading(analysis: Analysis, model: FillerModel, repetition: Repetition) -> FillerReading:
    """Sentence scores and the document's filler probability, computed once per document."""

    def compute(a: Analysis) -> FillerReading:
        features = eligible_features(a)
        indexes = sorted(features)
        residue = len(residue_by_sentence(a))
        repeated = len(a.memo(REPETITION_MEMO_KEY, repetition.find))
        rows = np.vstack([features[i].values for i in indexes]) if indexes else np.zeros((0, len(model.artifact["feature_names"])))
        words = np.array([features[i].words for i in indexes], dtype=np.float64)

        def document_input(logits: np.ndarray) -> DocumentInput:
            return DocumentInput(logits, rows, words, residue, repeated)

        spans = [(a.sentences[i].start, a.sentences[i].end) for i in indexes]
        scores, probability = model.read_document(a.document.text, spans, indexes, [features[i] for i in indexes],
                                                  np.nan_to_num(a.vectors), document_input)
        return FillerReading(features, scores, probability)

    return analysis.memo("filler.reading", compute)


def _top(parts: np.ndarray, names: list[str]) -> list[tuple[str, float]]:
    order = np.argsort(parts)[::-1]
    return [(names[j], float(parts[j])) for j in order if parts[j] >= MIN_CONTRIBUTION]


def explain(parts: np.ndarray, names: list[str], feats: SentenceFeatures, text: str = "",
            described_elsewhere: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The groups that pushed the score up, each as a short phrase with its evidence (found in ``text``).

    ``described_elsewhere`` holds phrases for groups the sentence features cannot describe
    (the lm profile's predictability).
    """
    reasons = []
    for group, _ in _top(parts, names):
        described = (described_elsewhere or {}).get(group) or _describe(group, feats, text)
        if described:
            reasons.append((group, described))
        if len(reasons) >= MAX_REASONS:
            break
    if not reasons:
        reasons.append((WORDING_GROUP, "wording typical of machine-written news"))
    return reasons


def _construction_text(name: str, text: str) -> str | None:
    match = CONSTRUCTIONS[name][0].search(text) if text else None
    if match is None:
        return None
    words = " ".join(match.group().strip(" ,").split())
    if len(words) > 60:
        words = words[:28].rstrip() + " … " + words[-28:].lstrip()
    return f'"{words}"'


def _has_name(text: str) -> bool:
    """A capitalised word that may be a name, the first word included ("Infrabel has begun ...", "Smith's actions ...").

    For the first word, capitals prove nothing: it may be a name unless it is a
    function word or one of the commonest English words. The doubt goes to
    "it may be a name", so that the message never claims a name is missing.
    """
    first = _FIRST_WORD.match(text)
    if first:
        word = re.sub(r"['’]s$", "", first.group(1)).lower()
        if word not in _STOP_WORDS and zipf(word) < NAME_ZIPF:
            return True
    return bool(_INNER_CAPITAL.search(text))


# wordfreq's Zipf scale: "the" 7.7, "however" 5.6, "china" 5.1, "smith" 4.9, "crash" 4.6.
NAME_ZIPF = 5.5
_STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)
_FIRST_WORD = re.compile(r"\W*([A-Z][\w'’-]*)")
_INNER_CAPITAL = re.compile(r"(?<=[\w,;:)] )[A-Z][a-z]")


def _quoted(words: list[str], limit: int = 3) -> str:
    return ", ".join(f'"{w}"' for w in list(dict.fromkeys(words))[:limit])


def _describe(group: str, feats: SentenceFeatures, text: str = "") -> str | None:
    if group == WORDING_GROUP:
        return "wording typical of machine-written news"
    if group == "stock" and feats.stock:
        best = max(feats.stock, key=lambda h: h.phrase.ratio)
        return f'stock phrase "{best.phrase.phrase}" ({best.phrase.ratio:.0f}x more common in machine-written news)'
    if group == "specificity":
        # Only what is visibly absent: a name the feature count skipped (the first
        # word) or a source it cannot read would make "no names" or "no
        # attribution" a false claim, so names are read again here and
        # attribution is never claimed missing (attributed sentences are not flagged).
        s = feats.specific
        missing = [label for key, label in (("numbers", "numbers"), ("dates", "dates"), ("quotes", "quotes")) if not s.get(key)]
        if not s.get("names") and not _has_name(text):
            missing.insert(0, "names")
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
        # Quote the words that matched, so the claim can be checked at a glance.
        found = [_construction_text(c, text) for c in feats.constructions]
        found = [f for f in found if f]
        return "construction " + ", ".join(found[:2]) if found else None
    if group == "length":
        # The model learns which lengths machine copy favours; it is not "too long".
        return f"a length typical of machine-written sentences ({feats.words} words)"
    if group == "template":
        if feats.residue:
            return f"template residue ({feats.residue[0].message})"
        if feats.circular is not None:
            return "circular statement"
    return None
