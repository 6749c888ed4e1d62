"""The filler family's rule checks: stock phrases, tautologies, template residue.

Each is a thin class over the rules of this package (``phrases``, ``tautology``,
``residue``), computed once per document through ``analysis``.
"""

from __future__ import annotations

import re

from ..checks import Analysis, Check, CheckResult, register
from ..encoders import models_profile
from .analysis import eligible_features, page_residue_by_sentence, residue_by_sentence
from .generic import filler_reading, load_filler_model
from .phrases import shipped_phrases
from .repetition import Repetition

# ---------------------------------------------------------------------------
# filler.stock_phrase: phrases that machine-written news uses far more often than human news.
#
# The list and each phrase's ratio were measured on the training splits
# (``detector/filler/stock_phrases.json``, built by
# ``python -m detector.filler.train_phrases``). A sentence is flagged for the
# phrases whose ratio reaches the list's ``flag_min_ratio``, chosen on dev data
# so that phrases alone flag at most 1% of human news sentences; weaker phrases
# still count as a feature of ``filler.generic``. Human reporters use these
# words too ("Most Valuable Player", "to safeguard the site"), so a phrase is
# flagged only where the document's filler score reaches the floor fitted on dev
# data with the generic flags' gate (``detector/filler/gate.py``), and never
# inside a direct quotation, where it is the speaker's word.


@register
class StockPhrase(Check):
    name = "stock_phrase"
    group = "filler"
    codes = {"filler.stock_phrase": "A phrase machine-written news over-uses, with its measured ratio."}
    # Flagged above the document floor of the profile's own filler models.
    own_profiles = ("lm",)

    def load(self, store, profile: str) -> "StockPhrase":
        phrases = shipped_phrases()
        self.min_ratio_ = float(phrases.meta.get("flag_min_ratio", float("inf")))
        self.model_ = load_filler_model(store, profile)
        self.repetition_ = Repetition().load(store, models_profile(profile))
        return self

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        document_probability = filler_reading(analysis, self.model_, self.repetition_).document_probability
        if document_probability < self.model_.gate.document_floor:
            return CheckResult(flags)
        for index, feats in sorted(eligible_features(analysis).items()):
            text = analysis.sentences[index].clean
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
# filler.template_residue: what a template, a chat model or a web page left in the copy.
#
# Placeholders nobody filled, the chat model talking to its user, the stock
# section headings chat models append, markup that survived into running text
# (patterns and messages in ``detector/filler/residue.py``), and the page
# furniture a scraper copied along with the story (phrases mined from the
# corpus, ``detector/filler/page_residue.py``).


# Rule confidence by kind: no trained model stands behind these, so the score is
# the share of matches that were in machine-written documents of the training
# splits (assistant talk, placeholders), or a fixed, lower value where the data
# has too few matches to measure (headings, markup). Page residue is text of the
# page, not of the story, whoever wrote the story: its phrases were kept for
# recurring verbatim across unrelated stories, so a match is residue by construction.
KIND_SCORES = {"assistant": 0.97, "placeholder": 0.95, "page": 0.95, "stock_heading": 0.9, "markup": 0.8}


@register
class TemplateResidue(Check):
    name = "template_residue"
    group = "filler"
    codes = {"filler.template_residue": "Placeholder, chat-model talk, stock heading, stray markup or web-page furniture left in the copy."}

    def run(self, analysis: Analysis) -> CheckResult:
        flags = []
        residue = residue_by_sentence(analysis)
        page = page_residue_by_sentence(analysis)
        for index in sorted(set(residue) | set(page)):
            found = residue.get(index, [])
            messages = [r.message for r in found]
            messages += [f'web-page text "{_short(p)}" (the page around the story, copied with it)' for p in page.get(index, [])]
            evidence = [{"kind": r.kind, "rule": r.rule, "match": r.match} for r in found]
            evidence += [{"kind": "page", "rule": "page_residue", "match": p} for p in page.get(index, [])]
            flags.append(
                self.flag(
                    index,
                    "filler.template_residue",
                    max(KIND_SCORES[e["kind"]] for e in evidence),
                    "Template residue: " + "; ".join(dict.fromkeys(messages)),
                    residue=evidence,
                )
            )
        return CheckResult(flags)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
