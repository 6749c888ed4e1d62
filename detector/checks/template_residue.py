"""filler.template_residue: what a template or a chat model left in the copy.

Placeholders nobody filled, the chat model talking to its user, the stock
section headings chat models append, and markup that survived into running
text. The patterns and their messages are in ``detector/filler/residue.py``.
"""

from __future__ import annotations

from ..filler.analysis import residue_by_sentence
from .base import Analysis, Check, CheckResult, register

# Rule confidence by kind: no trained model stands behind these, so the score is
# the share of matches that were in machine-written documents of the training
# splits (assistant talk, placeholders), or a fixed, lower value where the data
# has too few matches to measure (headings, markup).
KIND_SCORES = {"assistant": 0.97, "placeholder": 0.95, "stock_heading": 0.9, "markup": 0.8}


@register
class TemplateResidue(Check):
    name = "template_residue"
    group = "filler"
    codes = {"filler.template_residue": "Placeholder, chat-model talk, stock heading or stray markup left in the copy."}

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        for index, found in sorted(residue_by_sentence(analysis).items()):
            message = "Template residue: " + "; ".join(dict.fromkeys(r.message for r in found))
            flags.append(
                self.flag(
                    index,
                    "filler.template_residue",
                    max(KIND_SCORES[r.kind] for r in found),
                    message,
                    residue=[{"kind": r.kind, "rule": r.rule, "match": r.match} for r in found],
                )
            )
        return CheckResult(flags)
