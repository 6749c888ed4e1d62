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

import math
import re
from dataclasses import dataclass

import numpy as np

from ..artifacts import ArtifactStore
from ..attribution_reading import HOW, NAMED, NONE, VAGUE, Attribution, read_attributions
from ..figures import STATISTIC_KINDS, Figure, analysis_figures, consistency_issues
from ..scoring import probabilities_function
from ..segment import Document, Sentence
from .base import Analysis, Check, CheckResult, register

# The support model's classes: "fine" (sourced, or no figure that needs a source), "vague", "none".
SUPPORT_CLASSES = ("fine", "vague", "none")

_SAY = (r"(?:said|says|say|told|tells|announced|announces|confirmed|confirms|stated|states|reported|reports|added|adds|"
        r"explained|wrote|writes|tweeted|posted|revealed|reveals|estimated|estimates|claimed|claims|insisted|argued|warned|"
        r"disclosed|acknowledged|admitted|testified|according)")
_SPEAKER = (r"(?:he|she|they|it|we|I|police|officials?|spokes(?:man|woman|person)|ministry|minister|department|agency|office|"
            r"council|government|authorities|company|firm|club|court|judge|prosecutors?|investigators|statement|report|study|"
            r"survey|poll|[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})")
# A speaker right next to a speech verb: "police said", "said Mr Smith", "the ministry told".
_NAMED_SAY = re.compile(r"\b(?!(?:Experts?|Sources?|Analysts?|Critics|Witnesses|Insiders?|Observers|Some|Many|Reports?|Studies|Others|People|Scientists|Researchers)\b)" + _SPEAKER + r",?\s+(?:also\s+|has\s+|have\s+|had\s+|later\s+)?" + _SAY + r"\b|\b" + _SAY + r"\s+(?:the\s+)?[A-Z][\w'’.-]+")
_PRONOUN_SAY = re.compile(r"\b(?:he|she|they|it|we|I)\s+(?:also\s+)?" + _SAY + r"\b", re.IGNORECASE)
_SAY_VERB = re.compile(r"\b" + _SAY + r"\b", re.IGNORECASE)
# "The study found", "figures from the ONS show", "the report says": a document as the source.
_FINDING = re.compile(
    r"\b(?:study|report|survey|poll|research|data|figures|statistics|analysis|investigation|inquiry|review|census|audit|"
    r"paper|research(?:ers)?|scientists|team)\b[^.;]{0,60}?\b(?:found|finds|shows?|showed|shown|suggests?|suggested|"
    r"revealed|reveals|indicates?|indicated|estimates?|estimated|concluded|recorded|counted|tracked|analy[sz]ed|looked\s+at|"
    r"questioned|surveyed|interviewed|included|says|said)\b",
    re.IGNORECASE,
)
# "55% said yes": respondents speaking, not a source for the figure.
_RESPONDENTS = re.compile(r"\d\s?(?:%|per\s?cent|percent)[^.;]{0,40}?\b(?:said|say|says|think|believe|agreed?)\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording\s+to\s+(?!(?:some|sources?|reports|recent\s+reports|estimates|statistics|experts|insiders|the\s+sources?)\b)|\bper\s+(?:the\s+)?[A-Z]|\b(?:data|figures|statistics)\s+(?:from|by|released\s+by)\b|\bsource:\s|\bcited\s+by\b", re.IGNORECASE)
_INSTITUTION = re.compile(
    r"\b(?:ministry|minister|police|government|department|agency|office|council|spokes(?:man|woman|person)|officials?|"
    r"authorit(?:y|ies)|commission|court|report|study|survey|poll|census|researchers?|university|institute|bureau|"
    r"statement|data|figures|statistics|organisers|organizers|company|firm|club|association|federation|union|board|"
    r"FBI|UN|WHO|NHS|CDC|EU|IMF|UNICEF|UNHCR|ONS|BBC|AP|Reuters|AFP)\b",
)
_VAGUE = re.compile(
    r"\b(?:experts?\s+(?:say|said|believe|estimate|warn|agree|recommend)|studies\s+(?:show|have\s+shown|suggest|found)|"
    r"research\s+(?:shows|suggests)|reports?\s+(?:say|said|suggest|suggested|indicate|indicated|claim)|reportedly|allegedly|"
    r"sources?\s+(?:say|said|claim|claimed|suggest|indicate|told|close\s+to|familiar)|according\s+to\s+(?:some|sources|reports|"
    r"recent\s+reports|estimates|statistics|experts|insiders|the\s+sources?)|insiders?|it\s+is\s+(?:estimated|believed|thought|"
    r"understood|said|expected|reported)|(?:is|are|was|were)\s+(?:estimated|believed|thought|expected|said|rumou?red)\s+to|"
    r"an\s+estimated|estimated\s+(?:at|to)|alternative\s+estimates|hailed\s+as|some\s+(?:say|believe|estimate|argue)|"
    r"many\s+(?:say|believe)|critics\s+say|analysts\s+(?:say|said|expected|believe)|witnesses|observers|speculation|"
    r"figures\s+show|statistics\s+(?:show|indicate)|official\s+statistics|(?:a|one)\s+source|(?:are|is)\s+expected)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”]")
# A quotation with its speaker: '..." she said', 'He said: "...'.
_QUOTE_SPEAKER = re.compile(r"[\"”]\s*,?\s*" + _SPEAKER + r"\s+(?:also\s+)?" + _SAY + r"\b|\b" + _SAY + r"\s*:\s*[\"“]|[,.]\s*[\"”]\s*(?:" + _SAY + r")\s+[A-Z]")
_SOURCE_LINE = re.compile(r"^\s*(?:sources?|data|note|notes|figures|table\s+\d+|figure\s+\d+|chart)\s*[:.\-–]", re.IGNORECASE)

CUE_NAMES = (
    "say_verb", "named_say", "pronoun_say", "according", "institution", "vague", "quote", "source_line",
    "finding", "respondents", "quote_speaker", "prev_finding", "prev_quote_speaker", "next_quote_speaker",
    "prev_say", "prev_named", "prev_vague", "prev_quote", "next_say", "next_named", "next_vague", "next_quote",
    "block_named", "block_vague", "in_table", "statistics", "words",
    *(f"read_{support}" for support in (NAMED, VAGUE)), *(f"read_by_{how}" for how in HOW),
    *(f"kind_{kind}" for kind in STATISTIC_KINDS), "approximate", "magnitude",
)


def _cues(text: str) -> dict[str, float]:
    return {
        "say_verb": float(bool(_SAY_VERB.search(text))),
        "named_say": float(bool(_NAMED_SAY.search(text))),
        "pronoun_say": float(bool(_PRONOUN_SAY.search(text))),
        "according": float(bool(_ACCORDING.search(text))),
        "institution": float(bool(_INSTITUTION.search(text))),
        "vague": float(bool(_VAGUE.search(text))),
        "quote": float(bool(_QUOTE.search(text))),
        "source_line": float(bool(_SOURCE_LINE.search(text))),
        "finding": float(bool(_FINDING.search(text))),
        "respondents": float(bool(_RESPONDENTS.search(text))),
        "quote_speaker": float(bool(_QUOTE_SPEAKER.search(text))),
    }


@dataclass(frozen=True, slots=True)
class SupportContext:
    """What the support model reads about one sentence: its text, the text around it, the attribution the
    rules read (``detector.attribution_reading``) and the kinds of the figures that need a source."""

    text: str
    previous: str | None
    following: str | None
    block: tuple[str, ...]
    in_table: bool
    statistics: int
    attribution: Attribution = Attribution(NONE)
    kinds: tuple[str, ...] = ()
    approximate: bool = False
    magnitude: float = 0.0


def context_for(document: Document, sentence: Sentence, statistics: int, attribution: Attribution = Attribution(NONE),
                figures: tuple[Figure, ...] = ()) -> SupportContext:
    """The sentence's neighbours in its paragraph; for a table row, the lines around the table."""
    extra = {
        "attribution": attribution,
        "kinds": tuple(sorted({f.kind for f in figures})),
        "approximate": any(f.approx is not None for f in figures),
        "magnitude": max((math.log10(abs(f.value) + 1.0) for f in figures if f.value is not None), default=0.0),
    }
    sentences = document.sentences
    if sentence.kind == "table_row":
        first = sentence.index
        while first > 0 and sentences[first - 1].cells is not None:
            first -= 1
        last = sentence.index
        while last + 1 < len(sentences) and sentences[last + 1].cells is not None:
            last += 1
        before = sentences[first - 1].clean if first > 0 else None
        after = sentences[last + 1].clean if last + 1 < len(sentences) else None
        return SupportContext(sentence.clean, before, after, (), True, statistics, **extra)
    previous = sentences[sentence.index - 1] if sentence.index > 0 else None
    following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
    block = tuple(s.clean for s in sentences if s.block == sentence.block and s.index != sentence.index)
    return SupportContext(
        sentence.clean,
        previous.clean if previous is not None and previous.block == sentence.block else None,
        following.clean if following is not None and following.block == sentence.block else None,
        block[:40],
        False,
        statistics,
        **extra,
    )


def cue_features(contexts: list[SupportContext]) -> np.ndarray:
    rows = []
    for c in contexts:
        own = _cues(c.text)
        prev = _cues(c.previous) if c.previous else {}
        nxt = _cues(c.following) if c.following else {}
        block = [_cues(t) for t in c.block]
        row = dict(own)
        row.update({
            "prev_say": prev.get("say_verb", 0.0), "prev_named": max(prev.get("named_say", 0.0), prev.get("according", 0.0)),
            "prev_vague": prev.get("vague", 0.0), "prev_quote": prev.get("quote", 0.0),
            "prev_finding": prev.get("finding", 0.0), "prev_quote_speaker": prev.get("quote_speaker", 0.0),
            "next_quote_speaker": nxt.get("quote_speaker", 0.0),
            "next_say": nxt.get("say_verb", 0.0), "next_named": max(nxt.get("named_say", 0.0), nxt.get("according", 0.0)),
            "next_vague": nxt.get("vague", 0.0), "next_quote": nxt.get("quote", 0.0),
            "block_named": float(any(b["named_say"] or b["according"] or b["finding"] for b in block)),
            "block_vague": float(any(b["vague"] for b in block)),
            "in_table": float(c.in_table), "statistics": float(min(c.statistics, 5)),
            "words": float(min(len(c.text.split()), 80)) / 10.0,
            "read_named": float(c.attribution.support == NAMED), "read_vague": float(c.attribution.support == VAGUE),
            **{f"read_by_{how}": float(c.attribution.how == how) for how in HOW},
            **{f"kind_{kind}": float(kind in c.kinds) for kind in STATISTIC_KINDS},
            "approximate": float(c.approximate), "magnitude": min(c.magnitude, 13.0) / 3.0,
        })
        rows.append([row[name] for name in CUE_NAMES])
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(CUE_NAMES))


def support_features(vectors: np.ndarray, contexts: list[SupportContext]) -> np.ndarray:
    """The support model's input: the sentence vector, then the cue features."""
    return np.hstack([np.asarray(vectors, dtype=np.float64).reshape(len(contexts), -1), cue_features(contexts)])


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
