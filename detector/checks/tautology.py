"""filler.tautology: a sentence that says its subject is itself ("X has become an important part of X")."""

from __future__ import annotations

from ..filler.analysis import eligible_features
from .base import Analysis, Check, CheckResult, register

# A narrow rule (see detector/filler/tautology.py); its few matches in the
# training splits were nearly all real tautologies, quoted speech excluded.
RULE_SCORE = 0.9


@register
class Tautology(Check):
    name = "tautology"
    group = "filler"
    codes = {"filler.tautology": "A tautology or circular sentence: it says nothing beyond itself."}

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        for index, feats in sorted(eligible_features(analysis).items()):
            if feats.circular is not None:
                flags.append(
                    self.flag(index, "filler.tautology", RULE_SCORE, feats.circular.message[:1].upper() + feats.circular.message[1:],
                              subject=feats.circular.subject, predicate=feats.circular.predicate)
                )
        return CheckResult(flags)
