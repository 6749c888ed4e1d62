"""source.contradicted and source.unsupported: the copy read against the text it was written from.

Both checks share one reading per document (``analysis.memo("source.reading")``):
alignment by sentence vectors, then figures, names, negations and claims compared
(``detector.source.reading``). They run only when the caller gave a source text
(``Analysis.against``); without one they flag nothing and score nothing.

A flag's score is its kind's rule confidence, measured by ``detector train source``
(the share of that kind's findings on the train split that sit in copies that
distort their source, the two classes weighted equally), averaged with the
cross-encoder's P(contradiction) where it read the pair. The document score
``scores.against_source`` is the calibrated model of ``detector.source.model``.
"""

from __future__ import annotations

from ..artifacts import ArtifactStore
from ..checks import Analysis, Check, CheckResult, register
from ..scoring import probability_function
from .model import reading_features
from .reading import Finding, SourceReading, SourceThresholds, read_against, score_contradictions

ARTIFACT = "source/{profile}.joblib"


class _SourceCheck(Check):
    group = "source"

    def load(self, store: ArtifactStore, profile: str) -> _SourceCheck:
        artifact = store.load_joblib(ARTIFACT.format(profile=profile))
        self.store_ = store
        self.profile_ = profile
        self.thresholds_ = SourceThresholds(**artifact["thresholds"])
        self.confidence_ = dict(artifact["confidence"])
        self.model_ = artifact["model"]
        self.probability_ = probability_function(self.model_, self.model_.n_features_in_)
        return self

    def reading(self, analysis: Analysis) -> SourceReading:
        return analysis.memo("source.reading", self._read)

    def _read(self, analysis: Analysis) -> SourceReading:
        reading = read_against(analysis, self.thresholds_)
        score_contradictions(reading, analysis, self.profile_, self.store_, self.thresholds_.min_nli)
        return reading

    def score(self, finding: Finding) -> float:
        confidence = float(self.confidence_.get(f"{finding.code}:{finding.what}", 0.5))
        return confidence if finding.nli is None else (confidence + finding.nli) / 2

    def flags(self, analysis: Analysis, code: str) -> list:
        """One flag per copy sentence for ``code``, however many findings the sentence holds.

        A sentence with one finding gets that finding's flag. With several (four names the
        source lacks, a figure and a claim) the flag lists them all in its message, scores the
        highest of them, and its evidence keeps each as an entry of ``items``.
        """
        if analysis.against is None:
            return []
        by_sentence: dict[int, list[Finding]] = {}
        for finding in self.reading(analysis).findings:
            if finding.code == code:
                by_sentence.setdefault(finding.sentence, []).append(finding)
        out = []
        for sentence, findings in sorted(by_sentence.items()):
            if len(findings) == 1:
                (finding,) = findings
                out.append(self.flag(sentence, code, self.score(finding), finding.message, **_evidence(finding)))
                continue
            out.append(self._merged(analysis, sentence, code, findings))
        return out

    def _merged(self, analysis: Analysis, sentence: int, code: str, findings: list[Finding]):
        scores = [self.score(f) for f in findings]
        kinds = [k for k in ("name", "figure", "negation", "claim") if any(f.what == k for f in findings)]
        kinds += sorted({f.what for f in findings} - set(kinds))
        evidence: dict = {"kind": "+".join(kinds), "copy": analysis.sentences[sentence].text,
                          "similarity": round(max(f.similarity for f in findings), 4)}
        s = analysis.sentences[sentence]
        evidence["copy_start"], evidence["copy_end"] = s.start, s.end
        # The source sentence quoted is the one of the highest-scoring finding that quotes one.
        quoting = [(score, n) for n, (f, score) in enumerate(zip(findings, scores)) if f.source is not None]
        if quoting:
            top = findings[max(quoting)[1]]
            evidence["source"] = top.source.to_dict()
            if top.source_text is not None:
                evidence["source_says"] = top.source_text
        nli = [f.nli for f in findings if f.nli is not None]
        if nli:
            evidence["nli_contradiction"] = round(max(nli), 4)
        evidence["items"] = [{**_evidence(f), "score": round(score, 4)} for f, score in zip(findings, scores)]
        return self.flag(sentence, code, max(scores), _merged_message(code, findings), **evidence)


def _evidence(finding: Finding) -> dict:
    evidence = {"kind": finding.what, "copy": finding.text, "similarity": round(finding.similarity, 4)}
    if finding.start is not None:
        evidence["copy_start"], evidence["copy_end"] = finding.start, finding.end
    if finding.source is not None:
        evidence["source"] = finding.source.to_dict()
    if finding.source_text is not None:
        evidence["source_says"] = finding.source_text
    if finding.nli is not None:
        evidence["nli_contradiction"] = round(finding.nli, 4)
    return evidence


_PLURAL = {"figure": "Figures", "name": "Names"}


def _merged_message(code: str, findings: list[Finding]) -> str:
    """Every finding of one sentence in one message: unsupported figures and names listed by kind.

    "Names the source does not contain: Millville Public Schools, Cumberland County; the figure
    42% (harvest) is not in the source; no sentence of the source says this (...)".
    """
    parts = []
    if code == "source.unsupported":
        for kind in ("name", "figure"):
            labels = list(dict.fromkeys(f.label or f.text for f in findings if f.what == kind))
            if len(labels) > 1:
                parts.append(f"{_PLURAL[kind]} the source does not contain: {', '.join(labels)}")
            elif labels:
                parts.append(next(f.message for f in findings if f.what == kind))
        parts += [f.message for f in findings if f.what not in _PLURAL]
    else:
        parts = list(dict.fromkeys(f.message for f in findings))
    return "; ".join(p if i == 0 else p[:1].lower() + p[1:] for i, p in enumerate(parts))


@register
class SourceContradicted(_SourceCheck):
    name = "source_contradicted"
    codes = {"source.contradicted": "The source says otherwise: another figure or name, or the opposite, in the matching source sentence."}

    def run(self, analysis: Analysis) -> CheckResult:
        return CheckResult(self.flags(analysis, "source.contradicted"))


@register
class SourceUnsupported(_SourceCheck):
    name = "source_unsupported"
    scores_document = True
    codes = {"source.unsupported": "A figure, a name or a claim of the copy that the source does not contain."}

    def run(self, analysis: Analysis) -> CheckResult:
        if analysis.against is None:
            return CheckResult()
        reading = self.reading(analysis)
        score = float(self.probability_(reading_features(reading)[None, :])[0])
        return CheckResult(self.flags(analysis, "source.unsupported"), score=score)
