"""Documents and labelled sentences for the filler models, read from ``../shared/data/ai_text``.

Documents carry labels, sentences do not. How a sentence gets its label (the
choice is argued in ``labels/README.md``, section "Filler"):

- a sentence of a human document is human;
- a sentence of a machine document is machine, except in the continuation sets
  (xsum-fastdetect, seqxgpt-sent), where ``text[:prefix_chars]`` was written by
  a person: a sentence that ends within the prefix is human, one that starts at
  or after it is machine, and the one sentence that straddles the boundary is
  left unlabelled (``None``): it is part of the document, but no sentence-level
  model learns from it or is scored on it.

Expensive derived data (segmentation, sentence vectors) is cached under
``.cache/`` in the checkout, keyed by the data file's and the text's hash, so a
second run costs seconds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..segment import Sentence, segment
from .data import dataset_path, read_rows

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("DETECTOR_CACHE", REPO / ".cache"))

# Sets the filler models learn from: English news, plus seqxgpt-sent, the only
# set with exact per-sentence labels (web prose, older generators).
TRAIN_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect", "seqxgpt-sent")
# English news: the product's domain and the targets.
NEWS_SETS = ("llmfake", "newsgpt", "xsum-detectrl", "xsum-fastdetect")
TARGET_SETS = ("llmfake", "newsgpt")
CONTINUATION_SETS = ("xsum-fastdetect", "seqxgpt-sent")
_SEGMENT_VERSION = 3


@dataclass(slots=True)
class CorpusDoc:
    dataset: str
    split: str
    id: str
    pair: str
    label: int  # 1 machine, 0 human
    generator: str
    domain: str
    language: str
    method: str
    text: str
    format: str
    sentences: list[Sentence]
    sentence_labels: list[int | None] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.dataset}:{self.id}"

    @property
    def is_english_news(self) -> bool:
        return self.dataset in NEWS_SETS and self.language == "en" and self.domain != "wiki"


def sentence_labels(row: dict, sentences: Sequence[Sentence]) -> list[int | None]:
    """Per-sentence labels derived from the document's label and its human prefix."""
    if row["label"] == "human":
        return [0] * len(sentences)
    prefix = int(row.get("prefix_chars") or 0)
    if not prefix:
        return [1] * len(sentences)
    labels: list[int | None] = []
    for s in sentences:
        if s.end <= prefix:
            labels.append(0)
        elif s.start >= prefix:
            labels.append(1)
        else:
            labels.append(None)
    return labels


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha1(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}:{_SEGMENT_VERSION}".encode()).hexdigest()[:16]


def load_documents(dataset: str, split: str) -> list[CorpusDoc]:
    """Every document of one data set and split, segmented (cached)."""
    path = dataset_path(dataset, split)
    cache = CACHE / "segments" / f"{dataset}-{split}-{_file_digest(path)}.pkl"
    if cache.exists():
        with open(cache, "rb") as handle:
            return pickle.load(handle)
    docs = []
    for row in read_rows(dataset, split):
        document = segment(row["text"])
        sentences = document.sentences
        docs.append(
            CorpusDoc(
                dataset=dataset,
                split=split,
                id=str(row["id"]),
                pair=str(row.get("pair", row["id"])),
                label=1 if row["label"] == "machine" else 0,
                generator=row.get("generator", "human"),
                domain=row.get("domain", ""),
                language=row.get("language", "en"),
                method=row.get("method") or ("original" if row["label"] == "human" else ""),
                text=row["text"],
                format=document.format,
                sentences=sentences,
                sentence_labels=sentence_labels(row, sentences),
            )
        )
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(docs, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cache)
    return docs


def corpus(split: str, sets: Iterable[str] = TRAIN_SETS, *, english_only: bool = True) -> list[CorpusDoc]:
    """Documents of ``split`` from ``sets``; newsgpt's wiki part only when ``english_only`` is off."""
    docs = []
    for name in sets:
        for doc in load_documents(name, split):
            if english_only and (doc.language != "en" or doc.domain == "wiki"):
                continue
            docs.append(doc)
    return docs


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache:
    """Sentence vectors of one profile, kept in ``.cache/embeddings/<profile>/`` (npz shards by text hash).

    The training data is embedded once per profile; later runs (other seeds,
    the notebook, leave-one-generator-out) read the vectors back in seconds.
    """

    SHARD = 20000

    def __init__(self, profile: str, encoder=None, root: Path | None = None):
        self.profile = profile
        self.root = (root or CACHE / "embeddings") / profile
        self._encoder = encoder
        self._index: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []

    @property
    def encoder(self):
        if self._encoder is None:
            from ..encoders import Encoder

            self._encoder = Encoder.load(self.profile)
        return self._encoder

    def _load(self) -> None:
        if self._index is not None:
            return
        self._index = {}
        self._shards = []
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("shard-*.npz")):
            with np.load(path) as data:
                keys, vectors = data["keys"], data["vectors"]
            shard = len(self._shards)
            self._shards.append(vectors)
            for row, key in enumerate(keys):
                self._index[bytes(key)] = (shard, row)

    def vectors(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self._load()
        assert self._index is not None
        keys = [text_key(t) for t in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            if key not in self._index and key not in missing:
                missing[key] = text
        if missing:
            self._embed(list(missing.items()), progress)
        dim = self._shards[0].shape[1] if self._shards else self.encoder.dim
        out = np.empty((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            shard, row = self._index[key]
            out[i] = self._shards[shard][row]
        return out

    def _embed(self, items: list[tuple[bytes, str]], progress: bool) -> None:
        assert self._index is not None
        self.root.mkdir(parents=True, exist_ok=True)
        chunks = range(0, len(items), self.SHARD)
        if progress:
            from tqdm import tqdm

            chunks = tqdm(chunks, desc=f"embedding ({self.profile})", unit="shard")
        for start in chunks:
            part = items[start : start + self.SHARD]
            vectors = self.encoder.encode_bare([t for _, t in part], batch_size=64)
            keys = np.frombuffer(b"".join(k for k, _ in part), dtype=np.uint8).reshape(len(part), 20)
            name = hashlib.sha1(keys.tobytes()).hexdigest()[:12]
            path = self.root / f"shard-{len(self._shards):04d}-{name}.npz"
            tmp = path.with_name(path.name + ".tmp.npz")
            np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
            os.replace(tmp, path)
            shard = len(self._shards)
            self._shards.append(vectors)
            for row, (key, _) in enumerate(part):
                self._index[key] = (shard, row)


# ---------------------------------------------------------------------------
# The human story the example test reads: chosen by a rule, not by hand.

_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to)\b", re.IGNORECASE)
_SCRAPE_RESIDUE = re.compile(
    r"https?://|www\.|@\w|\bsign up\b|\bnewsletter\b|\bclick\b|\badvertisement\b|\bgetty\b|\bphoto\b|\bimage\b|"
    r"\bsubscribe\b|\bcopyright\b|\bread more\b|\bfollow us\b",
    re.IGNORECASE,
)


def is_clean_attributed_story(text: str) -> bool:
    """A clean, specific, attributed news story: the rule the example test applies.

    Clean: none of the scraping residue listed above. Specific: at least three
    sentences with a digit. Attributed: at least two attribution verbs. A normal
    length: 150 to 700 words.
    """
    words = len(text.split())
    if not 150 <= words <= 700 or _SCRAPE_RESIDUE.search(text):
        return False
    if len(_ATTRIBUTION.findall(text)) < 2:
        return False
    with_digit = sum(1 for s in segment(text).sentences if any(c.isdigit() for c in s.clean))
    return with_digit >= 3


def clean_attributed_stories(split: str = "test") -> list[dict]:
    """Human English news rows of LLMFake and newsgpt in ``split`` that pass the rule, sorted by id."""
    rows = [
        row
        for name in TARGET_SETS
        for row in read_rows(name, split)
        if row["label"] == "human" and row.get("language", "en") == "en" and row.get("domain") != "wiki"
        and is_clean_attributed_story(row["text"])
    ]
    return sorted(rows, key=lambda r: str(r["id"]))
