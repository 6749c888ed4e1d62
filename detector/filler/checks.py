"""The filler family's rule checks: stock phrases, tautologies, template residue.

Each is a thin class over the rules of this package (``phrases``, ``tautology``,
``residue``), computed once per document through ``analysis``.
"""

from __future__ import annotations

from ..checks import Analysis, Check, CheckResult, register
from .analysis import eligible_features, residue_by_sentence
from .phrases import shipped_phrases

# ---------------------------------------------------------------------------
# filler.stock_phrase: phrases that machine-written news uses far more often than human news.
#
# The list and each phrase's ratio were measured on the training splits
# (``detector/filler/stock_phrases.json``, built by
# ``python -m detector.filler.train_phrases``). A sentence is flagged for the
# phrases whose ratio reaches the list's ``flag_min_ratio``, chosen on dev data
# so that phrases alone flag at most 1% of human news sentences; weaker phrases
# still count as a feature of ``filler.generic``.


@register
class StockPhrase(Check):
    name = "stock_phrase"
    group = "filler"
    codes = {"filler.stock_phrase": "A phrase machine-written news over-uses, with its measured ratio."}

    def load(self, store, profile: str) -> "StockPhrase":
        phrases = shipped_phrases()
        self.min_ratio_ = float(phrases.meta.get("flag_min_ratio", float("inf")))
        return self

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        for index, feats in sorted(eligible_features(analysis).items()):
            strong = [h for h in feats.stock if h.phrase.ratio >= self.min_ratio_]
            if not strong:
                continue
            strong.sort(key=lambda h: -h.phrase.ratio)
            listed = ", ".join(f'"{h.phrase.phrase}" ({h.phrase.ratio:.0f}x)' for h in strong)
            noun = "Stock phrase" if len(strong) == 1 else "Stock phrases"
            message = f"{noun} {listed}: far more common in machine-written than in human news"
            flags.append(
                self.flag(
                    index,
                    "filler.stock_phrase",
                    strong[0].phrase.machine_probability,
                    message,
                    phrases=[
                        {"phrase": h.phrase.phrase, "ratio": h.phrase.ratio, "machine_docs": h.phrase.machine_docs,
                         "human_docs": h.phrase.human_docs}
                        for h in strong
                    ],
                )
            )
        return CheckResult(flags)


# ---------------------------------------------------------------------------
# filler.tautology: a sentence that says its subject is itself ("X has become an important part of X").


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


# ---------------------------------------------------------------------------
# filler.template_residue: what a template or a chat model left in the copy.
#
# Placeholders nobody filled, the chat model talking to its user, the stock
# section headings chat models append, and markup that survived into running
# text. The patterns and their messages are in ``detector/filler/residue.py``.


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
