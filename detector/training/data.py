"""Reading the shared, labelled public data (never copied into the repository).

The data lives beside the checkout in ``../shared/data`` (or ``$DETECTOR_DATA``);
see ``ai_text/SOURCES.md`` there for where each file comes from.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError

_REPO = Path(__file__).resolve().parents[2]

# English news sets, the ones the product is for.
NEWS_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect")
SPLITS = ("train", "dev", "test")


def data_dir() -> Path:
    env = os.environ.get("DETECTOR_DATA")
    path = Path(env) if env else _REPO.parent / "shared" / "data"
    if not (path / "ai_text").is_dir():
        raise ConfigError(
            f"no shared data at {path} (expected {path / 'ai_text'}); set DETECTOR_DATA to the folder that holds ai_text/"
        )
    return path


def dataset_path(name: str, split: str) -> Path:
    base = data_dir() / "ai_text"
    for suffix in (".jsonl", ".jsonl.gz"):
        path = base / f"{name}-{split}{suffix}"
        if path.exists():
            return path
    raise ConfigError(f"no file for data set {name!r}, split {split!r} in {base}")


def read_rows(name: str, split: str) -> Iterator[dict]:
    path = dataset_path(name, split)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                row.setdefault("dataset", name)
                yield row


def is_english_news(row: dict) -> bool:
    return row.get("language", "en") == "en" and row.get("domain") not in ("wiki",)


def news_rows(split: str, sets: tuple[str, ...] = NEWS_SETS) -> Iterator[dict]:
    """English news documents of ``split`` from the news sets (newsgpt's wiki part left out)."""
    for name in sets:
        for row in read_rows(name, split):
            if is_english_news(row):
                yield row


def human_text_span(row: dict) -> int:
    """Characters at the start of a machine text that a human wrote (continuation sets)."""
    return int(row.get("prefix_chars") or 0) if row.get("label") == "machine" else 0


def stable_fraction(key: str, salt: str = "") -> float:
    """A number in [0, 1) fixed by ``key``: reproducible sampling and splits without a RNG."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def short_hash(text: str) -> str:
    """The hash a stand-off label keeps of its sentence's text, to tell that a span still points at it."""
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def sentence_at(document, span: tuple[int, int] | list[int]):
    """The sentence a stand-off label points at: same start, else the one overlapping it most.

    Labels store input offsets. A later segmenter may move a boundary by a
    character of markup ("Tandy.**Jones"): the sentence is still the same one, and
    the label's text hash (checked by the caller) says whether it really is.
    """
    start, end = span
    best, best_overlap = None, 0
    for sentence in document.sentences:
        if sentence.start == start:
            return sentence
        overlap = min(end, sentence.end) - max(start, sentence.start)
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    if best is None:
        raise KeyError(f"no sentence at {start}:{end}")
    return best


def write_candidates(out: Path, pairs: list[dict]) -> int:
    """Pairs drawn for labelling, one JSON object a line, numbered by ``pid`` in the order given."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for pid, pair in enumerate(pairs):
            handle.write(json.dumps({"pid": pid, **pair}, ensure_ascii=False) + "\n")
    return len(pairs)
