"""Spliced documents: human news articles with machine-written sentences inserted.

No data set here has human news with machine sentences mixed in, yet that is
the case per-sentence scoring exists for (document-level detectors drop to
about 0.6 AUROC on mixed documents). We build such documents, reproducibly:

- the base is a human English news article of the split (LLMFake, newsgpt news,
  xsum-detectrl, xsum-fastdetect), with at least ``MIN_BASE_SENTENCES`` eligible sentences;
- the donors are machine texts of the same data set and split, from the same
  story (``pair``) where one exists, else any machine text of that set; only
  sentences whose label is machine are taken (never a continuation's human
  prefix), and never a donor's first sentence, which often restates the prompt;
- about a quarter of the result's eligible sentences are inserted ones, each
  placed after a randomly chosen human sentence, inside its paragraph;
- every random choice comes from ``random.Random(f"{SEED}:{doc id}")``, so a
  document's splice does not depend on which other documents are built.

Each spliced document keeps the exact character spans of what was inserted;
after re-segmentation a sentence is machine when an inserted span covers more
than half of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..segment import Sentence, segment
from ..training.corpus import NEWS_SETS, CorpusDoc, corpus
from .model import eligible

SEED = 20261124
INSERT_SHARE = 0.25
MIN_BASE_SENTENCES = 4


@dataclass(slots=True)
class SplicedDoc:
    base: CorpusDoc
    text: str
    format: str
    sentences: list[Sentence]
    labels: list[int]  # 1 inserted machine sentence, 0 human
    inserted: list[tuple[int, int]]
    donors: list[str]

    @property
    def dataset(self) -> str:
        return self.base.dataset

    @property
    def key(self) -> str:
        return f"spliced:{self.base.key}"


def _machine_sentences(doc: CorpusDoc) -> list[str]:
    return [
        s.clean
        for i, (s, label) in enumerate(zip(doc.sentences, doc.sentence_labels))
        if label == 1 and i > 0 and s.kind == "sentence" and eligible(s) and s.clean[-1:] in ".!?\"”"
    ]


def splice(base: CorpusDoc, donors: list[CorpusDoc], share: float = INSERT_SHARE) -> SplicedDoc | None:
    rng = random.Random(f"{SEED}:{base.key}")
    human = [i for i, s in enumerate(base.sentences) if s.kind == "sentence" and eligible(s)]
    if len(human) < MIN_BASE_SENTENCES or not donors:
        return None
    pool = [(d.key, text) for d in donors for text in _machine_sentences(d)]
    if not pool:
        return None
    count = max(1, round(share * len(human) / (1 - share)))
    chosen = rng.sample(pool, min(count, len(pool)))
    after = sorted(rng.sample(human, min(len(chosen), len(human))))
    chosen = chosen[: len(after)]
    pieces, inserted = [], []
    cursor = 0
    length = 0
    for position, (_, sentence) in zip(after, chosen):
        end = base.sentences[position].end
        pieces.append(base.text[cursor:end])
        length += end - cursor
        start = length + 1
        pieces.append(" " + sentence)
        length += 1 + len(sentence)
        inserted.append((start, length))
        cursor = end
    pieces.append(base.text[cursor:])
    text = "".join(pieces)
    document = segment(text)
    labels = []
    for s in document.sentences:
        covered = sum(max(0, min(s.end, b) - max(s.start, a)) for a, b in inserted)
        labels.append(1 if covered * 2 > (s.end - s.start) else 0)
    return SplicedDoc(base, text, document.format, document.sentences, labels, inserted, sorted({k for k, _ in chosen}))


def spliced_documents(split: str, sets: tuple[str, ...] = NEWS_SETS, limit: int | None = None) -> list[SplicedDoc]:
    """Spliced versions of the human news articles of ``split`` (each at most once)."""
    docs = corpus(split, sets)
    machine_by_pair: dict[tuple[str, str], list[CorpusDoc]] = {}
    machine_by_set: dict[str, list[CorpusDoc]] = {}
    for doc in docs:
        if doc.label == 1:
            machine_by_pair.setdefault((doc.dataset, doc.pair), []).append(doc)
            machine_by_set.setdefault(doc.dataset, []).append(doc)
    out = []
    for base in sorted((d for d in docs if d.label == 0), key=lambda d: d.key):
        donors = machine_by_pair.get((base.dataset, base.pair))
        if not donors:
            pool = machine_by_set.get(base.dataset, [])
            if not pool:
                continue
            donors = [random.Random(f"{SEED}:donor:{base.key}").choice(pool)]
        spliced = splice(base, donors)
        if spliced is not None:
            out.append(spliced)
        if limit and len(out) >= limit:
            break
    return out
