"""filler.stock_phrase: phrases that machine-written news uses far more often than human news.

The list and each phrase's ratio were measured on the training splits
(``detector/filler/stock_phrases.json``, built by
``python -m detector.training.stock_phrases``). A sentence is flagged for the
phrases whose ratio reaches the list's ``flag_min_ratio``, chosen on dev data
so that phrases alone flag at most 1% of human news sentences; weaker phrases
still count as a feature of ``filler.generic``. Human reporters use these
words too ("Most Valuable Player", "to safeguard the site"), so a phrase is
flagged only where the document's filler score reaches the floor fitted on dev
data with the generic flags' gate (``detector/filler/gate.py``).
"""

from __future__ import annotations

import re

from ..filler.analysis import eligible_features
from ..filler.phrases import shipped_phrases
from .base import Analysis, Check, CheckResult, register
from .generic import filler_reading, load_filler_model
from .repetition import Repetition


@register
class StockPhrase(Check):
    name = "stock_phrase"
    group = "filler"
    codes = {"filler.stock_phrase": "A phrase machine-written news over-uses, with its measured ratio."}

    def load(self, store, profile: str) -> "StockPhrase":
        phrases = shipped_phrases()
        self.min_ratio_ = float(phrases.meta.get("flag_min_ratio", float("inf")))
        self.model_ = load_filler_model(store, profile)
        self.repetition_ = Repetition().load(store, profile)
        return self

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        document_probability = filler_reading(analysis, self.model_, self.repetition_).document_probability
        if document_probability < self.model_.gate.document_floor:
            return CheckResult(flags)
        for index, feats in sorted(eligible_features(analysis).items()):
            text = analysis.sentences[index].clean
            # A phrase inside a direct quotation is the speaker's word, not the writer's padding.
            strong = [h for h in feats.stock if h.phrase.ratio >= self.min_ratio_ and not _inside_quotation(text, h.start)]
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


_QUOTE_MARK = re.compile(r'["“”]')


def _inside_quotation(text: str, position: int) -> bool:
    """Whether ``position`` falls between an opening and a closing quotation mark."""
    before = text[:position]
    if "“" in before or "”" in before:
        return before.count("“") > before.count("”")
    return len(_QUOTE_MARK.findall(before)) % 2 == 1
