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
        if analysis.against is None:
            return []
        out = []
        for finding in self.reading(analysis).findings:
            if finding.code != code:
                continue
            evidence = {"kind": finding.what, "copy": finding.text, "similarity": round(finding.similarity, 4)}
            if finding.start is not None:
                evidence["copy_start"], evidence["copy_end"] = finding.start, finding.end
            if finding.source is not None:
                evidence["source"] = finding.source.to_dict()
            if finding.source_text is not None:
                evidence["source_says"] = finding.source_text
            if finding.nli is not None:
                evidence["nli_contradiction"] = round(finding.nli, 4)
            out.append(self.flag(finding.sentence, code, self.score(finding), finding.message, **evidence))
        return out


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
