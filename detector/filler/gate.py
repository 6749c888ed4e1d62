"""When a filler score becomes a flag on a sentence: the document has to agree, and the sentence must not be reporting.

A sentence-level filler flag on a human story is the most expensive false
alarm an editor sees, and the sentence model alone cannot avoid it: human
news has plenty of plain sentences that read like machine copy. Two rules
decide, both measured on dev data (``detector train filler``):

- **The document must agree.** A sentence is flagged (``filler.generic``) when
  ``sentence_logit + weight * document_logit >= cut`` and the document's
  filler probability is at least ``document_floor``: the lower the document
  score, the stronger the sentence evidence has to be. However machine-like
  the document, the sentence must reach the sentence model's own default
  threshold (``sentence_min``, chosen on dev when the model was trained): the
  gate only ever adds requirements to a sentence flag, it never lowers the bar. The three numbers are
  chosen on the dev split (``fit_gate``) to catch as many sentences of
  machine-written articles as possible while flagging at most a fixed share of
  human news sentences; they are data in the artifact, not constants here.
  A stock phrase alone is flagged (``filler.stock_phrase``) only above the
  same document floor.
- **Reporting is not filler.** A sentence that quotes someone, attributes
  what it says to a source ("..., the commission said", "according to",
  "a study found"), states a figure or a date, or names people (two or more
  capitalised words after the first) is the specific, checkable copy editors
  want more of; it is never flagged as generic, whatever its wording.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import numpy as np

_QUOTE = re.compile(r'["“”«»]|(?:^|\s)[‘\'][A-Z]')
# Attribution as a reader sees it: speech and reporting verbs, "according to",
# a finding's source ("a study found", "figures show", "as measured by").
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according to|reported|reports|reporting|announced|announces|stated|states|added|adds|"
    r"explained|confirmed|confirms|wrote|writes|tweeted|posted|testified|argued|argues|claimed|claims|alleged|alleges|"
    r"insisted|noted|notes|recalled|replied|asked|warned|warns|estimated|estimates|found|finds|showed|shows|"
    r"revealed|reveals|concluded|measured by|cited|citing|quoted|quoting|per cent of respondents|told reporters|"
    r"in a statement|spokesman|spokeswoman|spokesperson)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:[-'’][A-Za-z]+)?\b")
_FIGURE = re.compile(r"\d")
_YEAR_OR_MONTH = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|January|February|March|April|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def reporting_reason(text: str) -> str | None:
    """Why a sentence is specific reporting (and so never generic filler), or None.

    The editor's definition (labels/README.md, "Filler"): direct quotes,
    attributed statements and findings, facts with numbers or dates, and
    sentences about named people are not filler, however they are worded.
    """
    if _QUOTE.search(text):
        return "quote"
    if _ATTRIBUTION.search(text):
        return "attribution"
    if _FIGURE.search(text) or _YEAR_OR_MONTH.search(text):
        return "figures"
    if len(_NAME.findall(text)) >= 2:
        return "names"
    return None


def _logit(p: float | np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class SentenceGate:
    """The fitted rule that turns a sentence score into a flag (see the module docstring)."""

    weight: float
    document_floor: float
    cut: float
    sentence_min: float

    def sentence_cut(self, document_probability: float) -> float:
        """The sentence logit a sentence needs in a document with this filler probability (inf: none is flagged)."""
        if document_probability < self.document_floor:
            return math.inf
        return max(float(self.cut - self.weight * _logit(document_probability)), self.sentence_min)

    def allows(self, sentence_logits: np.ndarray, document_probability: float) -> np.ndarray:
        return np.asarray(sentence_logits) >= self.sentence_cut(document_probability)

    def allows_rows(self, sentence_logits: np.ndarray, document_probabilities: np.ndarray) -> np.ndarray:
        """Per row, with each row's own document probability (training and evaluation tables)."""
        p = np.asarray(document_probabilities, dtype=np.float64)
        s = np.asarray(sentence_logits)
        return (p >= self.document_floor) & (s >= self.sentence_min) & (s + self.weight * _logit(p) >= self.cut)

    def to_dict(self) -> dict:
        return asdict(self)


WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
FLOORS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)
BOOTSTRAP_ROUNDS = 400
BOOTSTRAP_SEED = 20261123


def fit_gate(sentence_logits: np.ndarray, document_probabilities: np.ndarray, flaggable: np.ndarray,
             human: np.ndarray, machine: np.ndarray, documents: np.ndarray, budget: float, sentence_min: float,
             quantile: float = 0.95) -> tuple[SentenceGate, list[dict]]:
    """The gate that flags the most ``machine`` rows while flagging at most ``budget`` of ``human`` rows.

    Every row is one eligible sentence with its document's probability and id
    (``documents``); ``flaggable`` is false for reporting sentences, which are
    never flagged but still count in the human denominator, as do sentences
    under ``sentence_min``.

    False alarms come in clumps: one human article the document model takes for
    machine copy brings many of its sentences over the line, so the share of
    human sentences flagged depends on which few articles a sample holds. The
    budget is therefore held by the ``quantile`` of that share over bootstrap
    resamples of the human articles, not by the share on dev alone. For each
    (weight, floor) on the grid the cut is the lowest that holds the budget.
    Of the grid points, those whose machine recall is within one bootstrap
    standard error (resampling machine articles) of the best are equally good
    on this data; the one among them that flags the least human copy wins.
    """
    s = np.asarray(sentence_logits, dtype=np.float64)
    p = np.asarray(document_probabilities, dtype=np.float64)
    flaggable = np.asarray(flaggable, dtype=bool) & (s >= sentence_min)
    human, machine = np.asarray(human, dtype=bool), np.asarray(machine, dtype=bool)
    _, human_doc = np.unique(np.asarray(documents)[human], return_inverse=True)
    n_docs = int(human_doc.max()) + 1 if len(human_doc) else 0
    sentences_per_doc = np.bincount(human_doc, minlength=n_docs).astype(np.float64)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    resamples = rng.multinomial(n_docs, np.full(n_docs, 1 / max(n_docs, 1)), size=BOOTSTRAP_ROUNDS).astype(np.float64)
    denominators = resamples @ sentences_per_doc

    def human_share(flagged_human: np.ndarray) -> float:
        per_doc = np.bincount(human_doc[flagged_human], minlength=n_docs).astype(np.float64)
        return float(np.quantile(resamples @ per_doc / np.maximum(denominators, 1), quantile))

    _, machine_doc = np.unique(np.asarray(documents)[machine], return_inverse=True)
    m_docs = int(machine_doc.max()) + 1 if len(machine_doc) else 0
    machine_sentences = np.bincount(machine_doc, minlength=m_docs).astype(np.float64)
    machine_resamples = rng.multinomial(m_docs, np.full(m_docs, 1 / max(m_docs, 1)), size=BOOTSTRAP_ROUNDS).astype(np.float64)

    def recall_spread(flagged_machine: np.ndarray) -> float:
        per_doc = np.bincount(machine_doc[flagged_machine], minlength=m_docs).astype(np.float64)
        return float(np.std(machine_resamples @ per_doc / np.maximum(machine_resamples @ machine_sentences, 1)))

    table, points = [], []
    for weight in WEIGHTS:
        combined = s + weight * _logit(p)
        for floor in FLOORS:
            open_rows = flaggable & (p >= floor)
            candidates = np.unique(combined[open_rows & human])
            if len(candidates):
                cut = _lowest_cut(candidates, lambda c, rows=open_rows, score=combined: human_share((rows & (score >= c))[human]) <= budget)
            else:  # no human sentence is open: every open sentence may be flagged
                cut = float(combined[open_rows].min()) if open_rows.any() else 0.0
            flagged = open_rows & (combined >= cut)
            row = {"weight": weight, "document_floor": floor, "cut": round(cut, 6),
                   "human_flagged": round(float(flagged[human].mean()) if human.any() else 0.0, 5),
                   "human_flagged_q": round(human_share(flagged[human]), 5),
                   "machine_recall": round(float(flagged[machine].mean()) if machine.any() else 0.0, 5),
                   "machine_recall_se": round(recall_spread(flagged[machine]), 5)}
            table.append(row)
            points.append((row, SentenceGate(weight, floor, float(cut), float(sentence_min))))
    # The one-standard-error rule: of the points whose machine recall is within
    # one bootstrap standard error of the best, the one that flags least human copy.
    top = max(points, key=lambda pt: pt[0]["machine_recall"])[0]
    near = [pt for pt in points if pt[0]["machine_recall"] >= top["machine_recall"] - top["machine_recall_se"]]
    chosen = min(near, key=lambda pt: (pt[0]["human_flagged_q"], pt[0]["human_flagged"], -pt[0]["machine_recall"]))
    chosen[0]["chosen"] = True
    return chosen[1], table


def _lowest_cut(candidates: np.ndarray, within_budget) -> float:
    """The lowest cut (flagging scores >= cut) within budget; ``within_budget`` is monotone in the cut."""
    if within_budget(candidates[0]):
        return float(candidates[0])
    # Above the highest candidate nothing human is flagged.
    lo, hi = 0, len(candidates)  # invariant: candidates[lo] fails; index hi passes (hi == len: just above the max)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if within_budget(candidates[mid]):
            hi = mid
        else:
            lo = mid
    return float(candidates[hi]) if hi < len(candidates) else float(np.nextafter(candidates[-1], np.inf))
