"""Train and evaluate the figures check from ``labels/figure_support.jsonl``.

``python -m detector.training.figures sample`` redraws the documents to label
(written to ``.cache/``); ``detector train figures`` fits the support classifier
and the document model; ``detector eval figures`` measures them on the held-out
labels and compares figure parsers on ``labels/figure_values.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

from ..segment import segment
from .data import human_text_span, read_rows

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "labels" / "figure_support.jsonl"
VALUE_LABELS = REPO / "labels" / "figure_values.jsonl"
CACHE = REPO / ".cache" / "figures"
SEED = 20261123
LABEL_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect")
CANDIDATE_KINDS = ("sentence", "list_item")
# Candidates are drawn by this broad pattern, not by our parser, so that the labels
# also measure what the parser misses: any digit or number word.
CANDIDATE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|percent|per cent)\b",
    re.IGNORECASE,
)


# The second draw skips sentences whose only numbers are years, dates or clock times
# (half of the first draw was those), and adds sentences with a vague-attribution
# word, which are rare in news but are one of the three classes.
_ONLY_CALENDAR = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)s?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}[:.]\d\d\b|\b\d+(?:st|nd|rd|th)\b|"
    r"\b\d+-year-old\b"
)
VAGUE_WORDS = re.compile(
    r"\b(?:estimated|estimates?|reportedly|reports?\s+(?:say|said|suggest)|sources?|experts?|studies|research\s+shows|"
    r"analysts?|it\s+is\s+(?:believed|thought|understood|said)|according\s+to\s+(?:reports|statistics|figures|data|estimates)|"
    r"insiders?|observers|critics|some\s+say|hailed|figures\s+show|data\s+show)\b",
    re.IGNORECASE,
)


def likely_figure(text: str) -> bool:
    return bool(CANDIDATE.search(_ONLY_CALENDAR.sub(" ", text)))


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def candidate_sentences(text: str, skip_chars: int = 0):
    """Sentences worth labelling: running text with a digit or a number word."""
    document = segment(text)
    return document, [
        s for s in document.sentences if s.kind in CANDIDATE_KINDS and s.start >= skip_chars and CANDIDATE.search(s.clean)
    ]


def _documents(split: str):
    for name in LABEL_SETS:
        for row in read_rows(name, split):
            if row.get("language", "en") != "en" or row.get("domain") == "wiki":
                continue
            yield row


def sample(out: Path, docs_per_split: dict[str, int] | None = None, min_candidates: int = 2, max_candidates: int = 9) -> int:
    """Draw whole documents (every candidate sentence in each), balanced over data sets and human/machine."""
    docs_per_split = docs_per_split or {"train": 175, "test": 75}
    rng = random.Random(SEED)
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for split, wanted in docs_per_split.items():
            pools: dict[tuple[str, str], list[dict]] = {}
            for row in _documents(split):
                pools.setdefault((row["dataset"], row["label"]), []).append(row)
            for pool in pools.values():
                rng.shuffle(pool)
            keys = sorted(pools)
            taken: list[tuple[dict, list]] = []
            cursor = {k: 0 for k in keys}
            seen_pairs: set[str] = set()
            while len(taken) < wanted and any(cursor[k] < len(pools[k]) for k in keys):
                for key in keys:
                    if len(taken) >= wanted:
                        break
                    while cursor[key] < len(pools[key]):
                        row = pools[key][cursor[key]]
                        cursor[key] += 1
                        if row["pair"] in seen_pairs:
                            continue  # one document per story keeps the set diverse
                        _, candidates = candidate_sentences(row["text"], human_text_span(row) if row["dataset"] == "xsum-fastdetect" else 0)
                        if min_candidates <= len(candidates) <= max_candidates:
                            seen_pairs.add(row["pair"])
                            taken.append((row, candidates))
                            break
            for row, candidates in taken:
                document = segment(row["text"])
                sentences = document.sentences
                for s in candidates:
                    prev = sentences[s.index - 1] if s.index > 0 else None
                    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
                    handle.write(json.dumps({
                        "cid": written, "split": split, "dataset": row["dataset"], "doc": row["id"], "label": row["label"],
                        "span": [s.start, s.end], "sha1": short_hash(s.clean), "text": s.clean,
                        "prev": prev.clean if prev else None, "prev_same_block": bool(prev and prev.block == s.block),
                        "next": nxt.clean if nxt else None, "next_same_block": bool(nxt and nxt.block == s.block),
                    }, ensure_ascii=False) + "\n")
                    written += 1
    return written


def sample_more(out: Path, exclude: set[str], docs_per_split: dict[str, int] | None = None,
                vague_per_split: int = 30, first_cid: int = 1000) -> int:
    """The second draw: more whole documents (calendar-only sentences skipped) and vague-cue sentences."""
    docs_per_split = docs_per_split or {"train": 45, "test": 35}
    rng = random.Random(SEED + 1)
    cid = first_cid
    with open(out, "w", encoding="utf-8") as handle:
        for split, wanted in docs_per_split.items():
            rows = [r for r in _documents(split) if r["id"] not in exclude]
            rng.shuffle(rows)
            taken_docs = 0
            vague_taken = 0
            pairs: set[str] = set()
            for row in rows:
                if row["pair"] in pairs:
                    continue
                skip = human_text_span(row) if row["dataset"] == "xsum-fastdetect" else 0
                document, candidates = candidate_sentences(row["text"], skip)
                candidates = [s for s in candidates if likely_figure(s.clean)]
                draw = None
                if taken_docs < wanted and 2 <= len(candidates) <= 8:
                    draw, taken_docs = "document", taken_docs + 1
                elif vague_taken < vague_per_split:
                    candidates = [s for s in candidates if VAGUE_WORDS.search(s.clean)][:1]
                    if candidates:
                        draw, vague_taken = "vague_cue", vague_taken + 1
                if draw is None:
                    continue
                pairs.add(row["pair"])
                sentences = document.sentences
                for s in candidates:
                    prev = sentences[s.index - 1] if s.index > 0 else None
                    nxt = sentences[s.index + 1] if s.index + 1 < len(sentences) else None
                    handle.write(json.dumps({
                        "cid": cid, "draw": draw, "split": split, "dataset": row["dataset"], "doc": row["id"], "label": row["label"],
                        "span": [s.start, s.end], "sha1": short_hash(s.clean), "text": s.clean,
                        "prev": prev.clean if prev else None, "prev_same_block": bool(prev and prev.block == s.block),
                        "next": nxt.clean if nxt else None, "next_same_block": bool(nxt and nxt.block == s.block),
                    }, ensure_ascii=False) + "\n")
                    cid += 1
                if taken_docs >= wanted and vague_taken >= vague_per_split:
                    break
    return cid - first_cid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.training.figures")
    parser.add_argument("command", choices=["sample", "sample-more"])
    parser.add_argument("--out", type=Path, default=CACHE / "candidates.jsonl")
    args = parser.parse_args(argv)
    if args.command == "sample":
        print(f"{sample(args.out)} candidate sentences written to {args.out}", file=sys.stderr)
    else:
        first = [json.loads(line) for line in (CACHE / "candidates.jsonl").read_text().splitlines() if line.strip()]
        out = CACHE / "candidates2.jsonl"
        print(f"{sample_more(out, {r['doc'] for r in first})} candidate sentences written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
