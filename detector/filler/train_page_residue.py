"""Mine the page-residue list (``python -m detector.filler.train_page_residue``).

Page furniture is the same text on every page of a site: a scraped story
carries it verbatim, stories about anything else carry it too, and a generator
that rewrites the story drops it. So a piece of text (a sentence, or a part
that the scraper glued to the next sentence without a space) is a candidate
when it occurs verbatim in at least ``MIN_HUMAN_STORIES`` different human news
stories of the train and dev splits, at most a third as often in machine
stories, and has at least two words. Candidates that are ordinary prose (a
speech frame such as "She wrote:", a tweet's signature split in two) were read
and are kept out in ``REJECTED``, each with the reason; everything else is
shipped, with its counts, in ``detector/filler/page_residue.json``. The test
split is not read: ``detector eval filler`` counts what the list finds there.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from ..training.data import NEWS_SETS, is_english_news, read_rows
from .page_residue import PAGE_RESIDUE_FILE

OUT = Path(__file__).resolve().parents[1] / "filler" / PAGE_RESIDUE_FILE
SPLITS = ("train", "dev")
MIN_HUMAN_STORIES = 3
MAX_MACHINE_SHARE = 1 / 3
MIN_WORDS = 2
MIN_CHARS = 8

# Candidates read and found to be ordinary prose, not page furniture.
REJECTED = {
    "She wrote:": "a speech frame: the quotation follows",
    "Trump (@real": "an embedded tweet's signature, cut by the glue split; it names the tweet's author",
    "— Donald J.": "an embedded tweet's signature; it names the tweet's author",
    "Why it matters:": "a section label inside the story (Axios), followed by the story's own text",
    "Life.com EXCLUSIVELY.": "the end of an attribution to a named outlet, cut by the glue split",
    "FROM PEN:": "a credit line naming the source of the quoted text",
}

# A sentence ends at . ! ? : followed by space, at a line break, or at a double space;
# a scraper's glue is a lowercase run of 3+ letters or closing punctuation directly
# followed by a capitalised word ("deviceArmson", "story:https"), which leaves
# "iPhone", "McDonald" and "YouTube" whole.
_BREAK = re.compile(r"(?<=[.!?:])\s+|\n+|\s{2,}|(?<=[a-z]{3})(?=[A-Z][a-z])|(?<=[.!?:”\"])(?=[A-Z][a-z])")


def pieces(text: str) -> set[str]:
    out = set()
    for part in _BREAK.split(text):
        part = " ".join(part.split()).strip(" \"“”'")
        if len(part) >= MIN_CHARS and len(part.split()) >= MIN_WORDS:
            out.add(part)
    return out


def count_pieces(splits=SPLITS, sets=NEWS_SETS) -> tuple[dict, dict]:
    """Distinct human and machine stories (data set + story pair) each piece occurs in."""
    human: dict[str, set] = defaultdict(set)
    machine: dict[str, set] = defaultdict(set)
    for split in splits:
        for name in sets:
            for row in read_rows(name, split):
                if not is_english_news(row):
                    continue
                story = f"{name}:{row.get('pair') or row['id']}"
                side = human if row["label"] == "human" else machine
                for piece in pieces(row["text"]):
                    side[piece].add(story)
    return human, machine


def mine() -> dict:
    human, machine = count_pieces()
    kept, rejected = [], []
    for piece, stories in human.items():
        h, m = len(stories), len(machine.get(piece, ()))
        if h < MIN_HUMAN_STORIES or m > h * MAX_MACHINE_SHARE:
            continue
        entry = {"phrase": piece, "human_stories": h, "machine_stories": m}
        if piece in REJECTED:
            rejected.append({**entry, "reason": REJECTED[piece]})
        else:
            kept.append(entry)
    kept.sort(key=lambda e: (-e["human_stories"], e["phrase"]))
    rejected.sort(key=lambda e: (-e["human_stories"], e["phrase"]))
    return {
        "meta": {
            "built_by": "python -m detector.filler.train_page_residue",
            "data": f"../shared/data/ai_text {', '.join(NEWS_SETS)}, splits {', '.join(SPLITS)} (English news)",
            "criteria": {
                "min_human_stories": MIN_HUMAN_STORIES,
                "max_machine_share": MAX_MACHINE_SHARE,
                "min_words": MIN_WORDS,
                "min_chars": MIN_CHARS,
            },
            "rejected": rejected,
        },
        "phrases": kept,
    }


def write(payload: dict, path: Path = OUT) -> Path:
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    result = mine()
    print(write(result), len(result["phrases"]), "phrases", file=sys.stderr)
