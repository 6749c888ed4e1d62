"""Mine the stock-phrase list from the training splits (``python -m detector.filler.train_phrases``).

For every n-gram (1 to 4 words, inside one sentence) we count the documents it
occurs in among machine-written and human-written English news of the TRAIN
splits, test the excess with a one-sided Fisher exact test (hypergeometric
tail), correct for the number of n-grams tested (Benjamini-Hochberg), and keep
the phrases whose excess is both significant and large. The list, with each
phrase's counts and ratio, is written to ``detector/filler/stock_phrases.json``.

Machine side: the instruction-tuned generators' news (LLMFake, newsgpt news,
xsum-detectrl). Human side: every human news article of those sets and of
xsum-fastdetect (its machine texts are continuations by 2021-era base models,
whose style is not what incoming copy looks like). Stories are paired across
the two sides in every set, so topic words cancel out and what remains is
style. LLMFake's "arbitrary generation" texts are left out: they were written
without a human story to pair with, so their topics (the pandemic, vaccines)
would pass for style.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from ..training.corpus import corpus
from .phrases import MAX_N, PHRASE_FILE, PHRASE_SCHEMA, tokens

OUT = Path(__file__).resolve().parents[1] / "filler" / PHRASE_FILE
MACHINE_SETS = ("llmfake", "newsgpt", "xsum-detectrl")
HUMAN_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect")
MIN_MACHINE_DOCS = 15
MIN_RATIO = 5.0
MAX_Q = 1e-3
MIN_GENERATORS = 2
# A phrase must be over-used in at least two independent data sets: one set's
# prompt (LLMFake asked for misinformation, hence "misinformation" and
# "unfounded") is not a habit of machine-written news.
MIN_SETS = 2
MIN_DOCS_PER_SET = 5
SMOOTHING = 0.5
# filler.stock_phrase's part of the 5% human-sentence budget of all filler flags.
FLAG_BUDGET = 0.01


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _doc_ngrams(sentences: list[str], stop: frozenset[str]) -> set[str]:
    grams: set[str] = set()
    for sentence in sentences:
        words = tokens(sentence)
        for n in range(1, MAX_N + 1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if not all(w.replace("'", "").isalpha() for w in gram):
                    continue
                if all(w in stop for w in gram):
                    continue
                grams.add(" ".join(gram))
    return grams


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def mine(split: str = "train") -> dict:
    from scipy.stats import hypergeom

    stop = _stop_words()
    machine_df: Counter[str] = Counter()
    human_df: Counter[str] = Counter()
    generators: dict[str, set[str]] = {}
    datasets: dict[str, Counter[str]] = {}
    n_machine = n_human = 0
    for doc in corpus(split, HUMAN_SETS):
        if doc.label == 1 and (doc.dataset not in MACHINE_SETS or "arbitrary" in doc.method):
            continue
        grams = _doc_ngrams([s.clean for s in doc.sentences], stop)
        if doc.label == 1:
            n_machine += 1
            machine_df.update(grams)
            for gram in grams:
                generators.setdefault(gram, set()).add(doc.generator)
                datasets.setdefault(gram, Counter())[doc.dataset] += 1
        else:
            n_human += 1
            human_df.update(grams)

    candidates = [g for g, c in machine_df.items() if c >= MIN_MACHINE_DOCS]
    m = np.array([machine_df[g] for g in candidates], dtype=np.float64)
    h = np.array([human_df.get(g, 0) for g in candidates], dtype=np.float64)
    # One-sided Fisher exact test = the upper tail of the hypergeometric distribution.
    p = hypergeom.sf(m - 1, n_machine + n_human, m + h, n_machine)
    q = _benjamini_hochberg(p)
    ratio = ((m + SMOOTHING) / (n_machine + SMOOTHING)) / ((h + SMOOTHING) / (n_human + SMOOTHING))
    kept = {
        g: {"phrase": g, "ratio": float(r), "machine_docs": int(mm), "human_docs": int(hh), "q_value": float(qq)}
        for g, mm, hh, r, qq in zip(candidates, m, h, ratio, q)
        if r >= MIN_RATIO and qq <= MAX_Q and len(generators[g]) >= MIN_GENERATORS
        and sum(1 for c in datasets[g].values() if c >= MIN_DOCS_PER_SET) >= MIN_SETS
    }
    kept = _prune(kept)
    phrases = sorted(kept.values(), key=lambda e: (-e["ratio"], e["phrase"]))
    for entry in phrases:
        entry["ratio"] = round(entry["ratio"], 2)
        entry["q_value"] = float(f"{entry['q_value']:.3g}")
    flag_min_ratio, flagged_share = choose_flag_ratio(phrases)
    return {
        "schema": PHRASE_SCHEMA,
        "flag_min_ratio": flag_min_ratio,
        "flag_choice": (
            f"lowest ratio at which the listed phrases alone flag at most {FLAG_BUDGET:.0%} of human news sentences "
            f"of the dev splits ({flagged_share:.2%} there)"
        ),
        "built_by": "python -m detector.filler.train_phrases (also run by 'detector train filler')",
        "data": {
            "split": split,
            "machine": f"machine-written news of {', '.join(MACHINE_SETS)} ({n_machine} documents)",
            "human": f"human-written news of {', '.join(HUMAN_SETS)} ({n_human} documents)",
        },
        "method": {
            "unit": "documents containing the n-gram (1-4 words, inside one sentence, lower-cased)",
            "ratio": f"(machine docs + {SMOOTHING}) / (machine total + {SMOOTHING}) over the same for human",
            "test": "one-sided Fisher exact test, Benjamini-Hochberg over all candidates",
            "candidates_tested": len(candidates),
            "min_machine_docs": MIN_MACHINE_DOCS,
            "min_ratio": MIN_RATIO,
            "max_q": MAX_Q,
            "min_generators": MIN_GENERATORS,
            "min_sets": f"{MIN_SETS} machine data sets with at least {MIN_DOCS_PER_SET} documents each",
            "pruning": "a longer phrase is dropped if a kept part of it has at least 80% of its ratio; "
            "a shorter one is dropped if 90% of its machine documents come from one kept longer phrase",
        },
        "phrases": phrases,
    }


def choose_flag_ratio(phrases: list[dict], split: str = "dev") -> tuple[float, float]:
    """The lowest ratio whose phrases flag at most FLAG_BUDGET of human news sentences of ``split``."""
    from .model import eligible
    from .phrases import StockPhrase, StockPhraseList

    listed = StockPhraseList([StockPhrase(p["phrase"], p["ratio"], p["machine_docs"], p["human_docs"], p["q_value"]) for p in phrases])
    best = []
    for doc in corpus(split, HUMAN_SETS):
        for sentence, label in zip(doc.sentences, doc.sentence_labels):
            if label == 0 and eligible(sentence):
                best.append(max((h.phrase.ratio for h in listed.find(sentence.clean)), default=0.0))
    best_arr = np.array(best)
    for ratio in sorted({round(p["ratio"], 2) for p in phrases}):
        share = float(np.mean(best_arr >= ratio))
        if share <= FLAG_BUDGET:
            return float(ratio), share
    return float("inf"), 0.0


def _prune(kept: dict[str, dict]) -> dict[str, dict]:
    def parts(gram: str) -> list[str]:
        words = gram.split()
        return [" ".join(words[i : i + n]) for n in range(1, len(words)) for i in range(len(words) - n + 1)]

    out = dict(kept)
    # A longer phrase that says no more than a kept part of it is redundant.
    for gram in sorted(kept, key=lambda g: -len(g.split())):
        if any(p in out and out[p]["ratio"] >= 0.8 * kept[gram]["ratio"] for p in parts(gram)):
            out.pop(gram, None)
    # A shorter phrase that is frequent only inside one longer phrase is that phrase.
    for gram in list(out):
        for longer in out:
            if longer != gram and gram in parts(longer) and out[longer]["machine_docs"] >= 0.9 * out[gram]["machine_docs"]:
                out.pop(gram, None)
                break
    return out


def write(payload: dict, path: Path = OUT) -> Path:
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    from .phrases import shipped_phrases

    shipped_phrases.cache_clear()
    return path


def main(argv: list[str] | None = None) -> int:
    payload = mine()
    path = write(payload)
    print(f"{len(payload['phrases'])} stock phrases written to {path}", file=sys.stderr)
    for entry in payload["phrases"][:40]:
        print(f"{entry['ratio']:8.1f}  {entry['machine_docs']:5d} {entry['human_docs']:4d}  {entry['phrase']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
