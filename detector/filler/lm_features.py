"""The ``lm`` profile's features: token statistics of the small language model, per sentence and per document.

A sentence's row summarises the tokens inside its span (read with the whole document as
context); sentences past the model's token budget get the document's own summary, so a long
article is not scored on nothing. The document row summarises every token read.

Training reads thousands of articles, about 45 minutes of model time on 2 cores, so token
statistics are kept in ``.cache/lm/`` by text digest (appended in chunks, so an interrupted
run resumes where it stopped).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .language_model import FEATURE_NAMES as TOKEN_FEATURES
from .language_model import LanguageModel, TokenStatistics

SENTENCE_LM_FEATURES = tuple(f"sentence_{name}" for name in TOKEN_FEATURES if name != "lm_log_tokens")
DOCUMENT_LM_FEATURES = tuple(f"document_{name}" for name in TOKEN_FEATURES if name != "lm_log_tokens")
_KEEP = [i for i, name in enumerate(TOKEN_FEATURES) if name != "lm_log_tokens"]


def sentence_rows(stats: TokenStatistics, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """One SENTENCE_LM_FEATURES row per (start, end) span of the text the statistics were read from."""
    document = stats.aggregate()[_KEEP]
    rows = np.empty((len(spans), len(_KEEP)), dtype=np.float64)
    for i, (start, end) in enumerate(spans):
        tokens = stats.span(start, end)
        # Two tokens give no spread; such fragments borrow the document's summary.
        rows[i] = stats.aggregate(tokens)[_KEEP] if len(tokens) >= 3 else document
    return np.nan_to_num(rows)


def document_row(stats: TokenStatistics) -> np.ndarray:
    return np.nan_to_num(stats.aggregate()[_KEEP].astype(np.float64))


def _pack(stats: TokenStatistics) -> tuple:
    return (
        stats.starts.astype(np.int32),
        stats.ends.astype(np.int32),
        np.vstack([stats.log_prob, stats.entropy, stats.log_rank, stats.expected_log_prob, stats.variance_log_prob]).astype(np.float16),
    )


def _unpack(packed: tuple) -> TokenStatistics:
    starts, ends, values = packed
    values = values.astype(np.float32)
    return TokenStatistics(starts.astype(np.int64), ends.astype(np.int64), *values)


class StatisticsCache:
    """Token statistics by text digest: every file under ``root`` is read, new ones are appended to ``name``."""

    def __init__(self, name: str = "texts", root: Path | None = None):
        from ..training.corpus import CACHE

        root = root or CACHE / "lm"
        self.path = root / f"{name}.pkl"
        self._stats: dict[bytes, tuple] = {}
        for path in sorted(root.glob("*.pkl")) if root.exists() else []:
            with open(path, "rb") as handle:
                while True:
                    try:
                        self._stats.update(pickle.load(handle))
                    except EOFError:
                        break
                    except pickle.UnpicklingError:
                        break  # a chunk cut short by an interrupted run; its texts are read again

    def missing(self, texts: Iterable[str]) -> list[str]:
        from ..training.corpus import text_key

        return [t for t in dict.fromkeys(texts) if text_key(t) not in self._stats]

    def fill(self, texts: Sequence[str], model: LanguageModel | None = None, chunk: int = 50, log=print) -> None:
        from ..training.corpus import text_key

        todo = self.missing(texts)
        if not todo:
            return
        model = model or LanguageModel()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for begin in range(0, len(todo), chunk):
            part = todo[begin : begin + chunk]
            fresh = {text_key(t): _pack(s) for t, s in zip(part, model.statistics(part))}
            with open(self.path, "ab") as handle:
                pickle.dump(fresh, handle, protocol=pickle.HIGHEST_PROTOCOL)
            self._stats.update(fresh)
            log(f"{self.path.name}: {begin + len(part)}/{len(todo)} texts read by the language model")

    def get(self, text: str) -> TokenStatistics:
        from ..training.corpus import text_key

        return _unpack(self._stats[text_key(text)])


def training_order(docs: list) -> list:
    """Documents ordered by a digest of their story, so any prefix samples stories, with all their versions."""
    import hashlib

    return sorted(docs, key=lambda d: (hashlib.sha1(f"{d.dataset}:{d.pair}".encode()).hexdigest(), d.id))


def main(argv: Sequence[str] | None = None) -> None:
    """Read the training and evaluation texts once, so the lm profile's training and evaluation find them cached."""
    import argparse

    from ..training.corpus import NEWS_SETS, corpus
    from .evaluate import EVAL_SETS
    from .splice import spliced_documents
    from .train import MODEL_SETS

    parser = argparse.ArgumentParser(description=main.__doc__)
    # Training texts come last, in an order fixed by a digest of each story: whatever prefix is cached
    # when time runs out is a random sample of stories, and the lm models train on that sample.
    parser.add_argument("parts", nargs="*", default=["dev", "spliced-dev", "test", "spliced-test", "train"])
    args = parser.parse_args(argv)
    sources = {
        "dev": lambda: corpus("dev", NEWS_SETS),
        "spliced-dev": lambda: spliced_documents("dev", sets=MODEL_SETS),
        "train": lambda: training_order(corpus("train", MODEL_SETS)),
        "test": lambda: corpus("test", EVAL_SETS),
        "spliced-test": lambda: spliced_documents("test", sets=NEWS_SETS),
    }
    model = LanguageModel()
    for part in args.parts:
        docs = sources[part]()
        StatisticsCache(part).fill([d.text for d in docs], model)


if __name__ == "__main__":
    main()
