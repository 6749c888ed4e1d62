"""contradiction.semantic and contradiction.numeric: two statements of one article that cannot both be true.

Candidate pairs come from the sentence vectors the pipeline already computed, plus
sparse incidence matrices of names and counted nouns (one matrix product per
window of sentences, then the most similar few per sentence), so the stage stays
linear in the number of sentences. Each candidate pair is then scored twice:

- semantic: a calibrated scikit-learn classifier over [u, v, |u-v|, u*v] of the two
  sentence vectors plus lexical cue features (``cues``, ``cue_pairs``), scored in both
  orders and averaged, so that a pair's score does not depend on its direction;
- anchored cues: pairs whose clash sits next to a word both sentences share ("the
  bridge reopened" / "the bridge remains closed") are also scored by a calibrated
  model of the cue features alone, because the embedding model, trained mostly on
  near-copies, underrates statements that share one clause and little else;
- numeric: for pairs that count the same noun (or the same unit) with values that
  no approximation reconciles, a calibrated classifier over the figures' agreement
  and the sentences' shared context.

A pair is reported once: one flag on each of its two sentences, each pointing at
the other (``related``) and quoting it with the values or the cue that clash. Where
both detectors fire on a pair, the numeric flag (the more specific one) is kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..scoring import probability_function
from .cue_pairs import CUE_FEATURES, CueTable, anchored_rows, cue_model_features, describe_clash
from .cues import SentenceCues, figures_by_sentence, read_cues
from .numeric import FigureClash, figure_clashes, numeric_features
from .reader import PairReader, gate_pairs

ELIGIBLE_KINDS = ("sentence", "list_item", "table_row")
MIN_WORDS = 4
# Sentences further apart than this are not compared: articles are far shorter, and
# it keeps a 10 MB document linear. The per-sentence cap does the same inside the window.
WINDOW = 400
PER_SENTENCE = 8
_CHUNK = 256
# The longest sentence whose cues are read: a 50,000-character "sentence" is not prose.
MAX_CUE_CHARS = 1500


def embedding_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.hstack([u, v, np.abs(u - v), u * v]).astype(np.float32)


def semantic_features(u: np.ndarray, v: np.ndarray, cues: np.ndarray) -> np.ndarray:
    """The semantic model's input for ordered pairs: [u, v, |u-v|, u*v, cue features]."""
    return np.hstack([embedding_features(u, v), cues.astype(np.float32)])


def candidate_pairs(
    vectors: np.ndarray,
    table: CueTable,
    floor: float,
    related_floor: float,
    window: int = WINDOW,
    per_sentence: int = PER_SENTENCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(earlier, later, cosine) of the pairs worth scoring.

    A pair is a candidate when its cosine reaches ``floor``, or ``related_floor`` if
    the two sentences also share a name, a counted noun or a content word; each sentence keeps its
    ``per_sentence`` most similar earlier partners.
    """
    n = len(vectors)
    earlier, later, cosines = [], [], []
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        low = max(0, start - window)
        sims = vectors[start:stop] @ vectors[low:stop].T
        shared = (table.names[start:stop] @ table.names[low:stop].T).toarray() > 0
        shared |= (table.counted_or_unit[start:stop] @ table.counted_or_unit[low:stop].T).toarray() > 0
        shared |= (table.content[start:stop] @ table.content[low:stop].T).toarray() > 0
        rows = np.arange(start, stop)[:, None]
        cols = np.arange(low, stop)[None, :]
        keep = (cols < rows) & (rows - cols <= window) & ((sims >= floor) | (shared & (sims >= related_floor)))
        ranked = np.where(keep, sims, -np.inf)
        if ranked.shape[1] > per_sentence:
            top = np.argpartition(-ranked, per_sentence - 1, axis=1)[:, :per_sentence]
            mask = np.zeros_like(keep)
            np.put_along_axis(mask, top, True, axis=1)
            keep &= mask
        r, c = np.nonzero(keep)
        later.append(r + start)
        earlier.append(c + low)
        cosines.append(sims[r, c])
    if not later:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(earlier), np.concatenate(later), np.concatenate(cosines)


@dataclass(slots=True)
class ScoredPairs:
    """Candidate pairs of one document (as sentence indexes) and both detectors' probabilities."""

    first: np.ndarray
    second: np.ndarray
    cosine: np.ndarray
    semantic: np.ndarray
    anchored: np.ndarray  # the cue model's probability, 0 where no clash is anchored
    numeric: np.ndarray
    clashes: dict[int, FigureClash]
    cues: dict[int, SentenceCues]
    # Why each pair is not about one thing (None where it is), and the cross-encoder's
    # P(contradiction) where the accurate profile read the pair (NaN elsewhere).
    gate: list = field(default_factory=list)
    cross: np.ndarray = field(default_factory=lambda: np.zeros(0))


    def strongest(self) -> np.ndarray:
        """The strongest pair's probability by each detector: semantic, anchored cues, numeric (0 when none)."""
        return np.array([self.semantic.max(initial=0.0), self.anchored.max(initial=0.0), self.numeric.max(initial=0.0)])


# The document model reads each detector's strongest pair (as a logit: the useful
# differences are between 0.9 and 0.999) and whether it reached that detector's flag threshold.
DOCUMENT_FEATURES = ("logit_semantic", "logit_anchored", "logit_numeric", "semantic_flag", "anchored_flag", "numeric_flag")

_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


def is_statement(sentence) -> bool:
    """Prose that can state something: results lines ("Jonas Folger (Ger) Yamaha 3810."),
    bylines and share buttons have fewer than two lower-case words."""
    return (
        sentence.kind in ELIGIBLE_KINDS
        and sentence.words >= MIN_WORDS
        and len(_LOWER_WORD.findall(sentence.clean[:MAX_CUE_CHARS])) >= 2
    )


def sentence_cues(analysis: Analysis) -> dict[int, SentenceCues]:
    """Cues of the eligible sentences, by sentence index (computed once per document)."""

    def compute(a: Analysis) -> dict[int, SentenceCues]:
        figures = figures_by_sentence(a)
        return {
            # A sentence the figures reader found no quantity in has none: do not read it again.
            s.index: read_cues(s.clean[:MAX_CUE_CHARS], figures.get(s.index, ()))
            for s in a.sentences
            if is_statement(s)
        }

    return analysis.memo("contradiction.cues", compute)


def symmetric_probability(model, u: np.ndarray, v: np.ndarray, cues: np.ndarray) -> np.ndarray:
    """P(contradiction) of unordered pairs: the mean over both orders."""
    if isinstance(model, LinearPairModel):
        return model.symmetric_proba(u, v, cues)
    forward = model.predict_proba(semantic_features(u, v, cues))[:, 1]
    backward = model.predict_proba(semantic_features(v, u, cues))[:, 1]
    return (forward + backward) / 2


class LinearPairModel:
    """The trained semantic model (sigmoid-calibrated linear pipelines) folded into weight matrices.

    Gives the same probabilities as ``predict_proba`` of the CalibratedClassifierCV it
    is built from, but scores both orders of every pair with a handful of matrix
    products, and the u and v blocks once per sentence rather than once per pair:
    the stage must cost little next to the encoder.
    """

    def __init__(self, calibrated, dim: int):
        weights, biases, slopes, offsets = [], [], [], []
        for member in calibrated.calibrated_classifiers_:
            pipeline = member.estimator
            scaler, regression = pipeline.steps[0][1], pipeline.steps[-1][1]
            scale = np.ones(regression.coef_.shape[1])
            for _, step in pipeline.steps[1:-1]:  # the embedding-block weighting
                kw = step.kw_args or {}
                scale[: kw.get("columns", 0)] *= kw.get("weight", 1.0)
            w = regression.coef_[0] * scale / scaler.scale_
            weights.append(w)
            biases.append(regression.intercept_[0] - float(np.dot(w, scaler.mean_)))
            calibrator = member.calibrators[0]
            slopes.append(calibrator.a_)
            offsets.append(calibrator.b_)
        w = np.stack(weights, axis=1)  # (features, members)
        self.dim = dim
        self.w_u, self.w_v = w[:dim].astype(np.float32), w[dim : 2 * dim].astype(np.float32)
        self.w_diff, self.w_prod = w[2 * dim : 3 * dim].astype(np.float32), w[3 * dim : 4 * dim].astype(np.float32)
        self.w_cues = w[4 * dim :]
        self.bias = np.array(biases)
        self.slope, self.offset = np.array(slopes), np.array(offsets)

    def _proba(self, decision: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        return expit(-(self.slope * decision + self.offset)).mean(axis=1)

    def symmetric_proba(self, u: np.ndarray, v: np.ndarray, cues: np.ndarray) -> np.ndarray:
        shared = np.abs(u - v) @ self.w_diff + (u * v) @ self.w_prod + cues @ self.w_cues + self.bias
        forward = shared + u @ self.w_u + v @ self.w_v
        backward = shared + v @ self.w_u + u @ self.w_v
        return (self._proba(forward) + self._proba(backward)) / 2


@register
class Contradictions(Check):
    name = "contradictions"
    group = "contradiction"
    codes = {
        "contradiction.semantic": "Two statements of the article that cannot both be true.",
        "contradiction.numeric": "The same thing counted with values that no approximation reconciles.",
    }
    scores_document = True

    def load(self, store: ArtifactStore, profile: str) -> "Contradictions":
        artifact = store.load_joblib(f"contradictions/{profile}.joblib")
        semantic = artifact["semantic_model"]
        dim = (semantic.n_features_in_ - len(CUE_FEATURES)) // 4
        self.use_models(LinearPairModel(semantic, dim), artifact["numeric_model"], artifact["cue_model"],
                        artifact.get("document_model"))
        self.anchored_threshold_ = float(artifact["anchored_threshold"])
        self.semantic_threshold_ = float(artifact["semantic_threshold"])
        self.numeric_threshold_ = float(artifact["numeric_threshold"])
        self.candidate_floor_ = float(artifact["candidate_floor"])
        self.related_floor_ = float(artifact["related_floor"])
        self.store_, self.profile_ = store, profile
        return self.use_cross_encoder(None)

    def use_cross_encoder(self, on: bool | None) -> "Contradictions":
        """Whether the accurate profile also reads candidate pairs with the cross-encoder: None as its artifact
        says (shipped: off), True or False forced, for measuring it. The fast profile never does."""
        if self.profile_ != "accurate" or on is False:
            self.pair_reader_ = None
        else:
            self.pair_reader_ = PairReader.load(self.store_, even_if_off=bool(on))
        return self

    def score_pairs(self, analysis: Analysis) -> ScoredPairs:
        cues = sentence_cues(analysis)
        eligible = np.array(sorted(cues), dtype=np.int64)
        empty = np.zeros(0, dtype=np.int64)
        if len(eligible) < 2:
            return ScoredPairs(empty, empty, np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), {}, cues)
        table = CueTable([cues[i] for i in eligible])
        vectors = analysis.vectors[eligible]
        a, b, cosine = candidate_pairs(vectors, table, self.candidate_floor_, self.related_floor_)
        # Identical sentences restate; they cannot disagree.
        texts = [analysis.sentences[i].clean for i in eligible]
        distinct = np.array([texts[x] != texts[y] for x, y in zip(a, b)], dtype=bool)
        a, b, cosine = a[distinct], b[distinct], cosine[distinct]
        if len(a) == 0:
            return ScoredPairs(empty, empty, np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), {}, cues)
        cue_features = table.features(a, b, cosine)
        semantic = symmetric_probability(self.semantic_model_, vectors[a], vectors[b], cue_features)
        anchored = np.zeros(len(a))
        rows = anchored_rows(cue_features)
        if len(rows):
            anchored[rows] = self.cue_probability_(cue_model_features(cue_features[rows]))
        numeric = np.zeros(len(a))
        clashes: dict[int, FigureClash] = {}
        for k, clash in figure_clashes(table, a, b):
            clashes[k] = clash
        if clashes:
            keys = np.fromiter(clashes, dtype=np.int64)
            rows = numeric_features([clashes[k] for k in keys], cue_features[keys])
            numeric[keys] = self.numeric_probability_(rows)
        first, second = eligible[a], eligible[b]
        gate = gate_pairs({int(i): analysis.sentences[int(i)].clean for i in eligible}, cues, first, second)
        cross = np.full(len(a), np.nan)
        reader = getattr(self, "pair_reader_", None)
        if reader is not None:
            allowed = np.array([reason is None for reason in gate], dtype=bool)
            rank = np.maximum.reduce([semantic, anchored, numeric, cosine])
            cross = reader.read({int(i): analysis.sentences[int(i)].clean for i in eligible}, first, second, rank,
                                allowed, len(eligible))
        return ScoredPairs(first, second, cosine, semantic, anchored, numeric, clashes, cues, gate, cross)

    def use_models(self, semantic: "LinearPairModel", numeric, cue, document=None) -> "Contradictions":
        self.semantic_model_, self.numeric_model_, self.cue_model_ = semantic, numeric, cue
        self.numeric_probability_ = probability_function(numeric, numeric.n_features_in_)
        self.cue_probability_ = probability_function(cue, cue.n_features_in_)
        self.document_probability_ = probability_function(document, len(DOCUMENT_FEATURES)) if document is not None else None
        return self

    def document_features(self, pairs: ScoredPairs) -> np.ndarray:
        strongest = pairs.strongest()
        thresholds = np.array([self.semantic_threshold_, self.anchored_threshold_, self.numeric_threshold_])
        clipped = np.clip(strongest, 1e-6, 1 - 1e-6)
        return np.concatenate([np.log(clipped / (1 - clipped)), (strongest >= thresholds).astype(np.float64)])[None, :]

    def document_score(self, pairs: ScoredPairs) -> float:
        """P(the article holds a contradiction); without a document model, the strongest pair's probability."""
        if self.document_probability_ is not None:
            return float(self.document_probability_(self.document_features(pairs))[0])
        return float(pairs.strongest().max())

    def run(self, analysis: Analysis) -> CheckResult:
        pairs = self.score_pairs(analysis)
        flags = []
        document = analysis.document
        reader = getattr(self, "pair_reader_", None)
        for k in range(len(pairs.first)):
            if pairs.gate and pairs.gate[k] is not None:
                continue  # two people, two events, or two sides of a dispute: not the article contradicting itself
            first, second = int(pairs.first[k]), int(pairs.second[k])
            numeric_p, semantic_p, anchored_p = float(pairs.numeric[k]), float(pairs.semantic[k]), float(pairs.anchored[k])
            cross_p = float(pairs.cross[k]) if len(pairs.cross) else math.nan
            extra = {} if math.isnan(cross_p) else {"cross_encoder_probability": round(cross_p, 4)}
            if k in pairs.clashes and numeric_p >= self.numeric_threshold_:
                clash = pairs.clashes[k]
                code, score = "contradiction.numeric", numeric_p
                counted = clash.noun if not clash.noun.startswith("~") else ""  # "~x": context word, not a noun
                evidence = {"values": [clash.first.text, clash.second.text], "noun": counted or clash.unit or clash.noun[1:]}
                cue = f"{clash.first.text} vs {clash.second.text}" + (f" {counted}" if counted else "")
            elif (reader is not None and cross_p >= reader.threshold) or semantic_p >= self.semantic_threshold_ \
                    or anchored_p >= self.anchored_threshold_:
                # The cross-encoder adds pairs to the bi-encoder's, it does not replace it: alone it
                # missed more planted negations than it found new entity swaps (README).
                code = "contradiction.semantic"
                fired = [p for p, t in ((cross_p, reader.threshold if reader else math.inf),
                                        (semantic_p, self.semantic_threshold_), (anchored_p, self.anchored_threshold_))
                         if p >= t]
                score = fired[0]
                cue = describe_clash(pairs.cues[first], pairs.cues[second])
                evidence = {"cue": cue}
            else:
                continue
            for here, there in ((first, second), (second, first)):
                line, _ = document.line_col(document.sentences[there].start)
                message = f'Contradicts line {line}: "{_quote(document.sentences[there].clean)}"'
                if cue:
                    message += f" ({cue})"
                flags.append(
                    self.flag(here, code, score, message, related=[there], pair=[first, second],
                              semantic_probability=round(semantic_p, 4), anchored_cue_probability=round(anchored_p, 4),
                              numeric_probability=round(numeric_p, 4),
                              **extra, **evidence)
                )
        score = self.document_score(pairs)
        return CheckResult(flags, score=score if math.isfinite(score) else None)


def _quote(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
