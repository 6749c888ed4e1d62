"""filler.template_residue: what a template, a chat model or a web page left in the copy.

Placeholders nobody filled, the chat model talking to its user, the stock
section headings chat models append, markup that survived into running text
(patterns and messages in ``detector/filler/residue.py``), and the page
furniture a scraper copied along with the story (phrases mined from the
corpus, ``detector/filler/page_residue.py``).
"""

from __future__ import annotations

from ..filler.analysis import page_residue_by_sentence, residue_by_sentence
from .base import Analysis, Check, CheckResult, register

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
