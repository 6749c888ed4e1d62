"""The contradiction cross-encoder: one model reads both sentences of a pair together.

``score_pairs(pairs)`` returns, for each (premise, hypothesis), the probabilities of
contradiction, entailment and neutral, in that column order. The model is a
MiniLM (the first layers of all-MiniLM-L6-v2) with a three-way head, fine-tuned here
(``detector train contradictions --cross-encoder``) and shipped in
``models/contradictions/cross-encoder/`` as half-precision safetensors; it is
loaded once per process, in float32, after every file's sha256 is checked
against the manifest.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import PROFILES
from ..errors import ConfigError

CROSS_ENCODER_DIR = "contradictions/cross-encoder"
LABELS = ("contradiction", "entailment", "neutral")
CONTRADICTION, ENTAILMENT, NEUTRAL = range(3)
# Pairs are cut to this many word pieces: news sentences rarely need more, and
# attention cost grows with the square of the length.
MAX_TOKENS = 96
DEFAULT_BATCH_SIZE = 32

_models: dict[Path, "PairModel"] = {}
_models_lock = threading.Lock()


class PairModel:
    """A loaded cross-encoder; ``predict`` is serialised by a lock (tokenizers are not thread-safe)."""

    def __init__(self, model, tokenizer, max_tokens: int = MAX_TOKENS):
        self.model = model
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, path: Path, max_tokens: int = MAX_TOKENS) -> "PairModel":
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        # Stored in float16 to halve the download; float32 on CPU, where half precision is slow.
        model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True, dtype=torch.float32)
        model.float().eval()
        return cls(model, tokenizer, max_tokens)

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        import torch

        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        if not pairs:
            return out
        # Length-sorted batches: padding to the longest pair of a batch costs little when its neighbours are alike.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                encoded = self.tokenizer(
                    [pairs[i][0] for i in rows], [pairs[i][1] for i in rows], truncation=True,
                    max_length=self.max_tokens, padding=True, return_tensors="pt",
                )
                logits = self.model(**encoded).logits
                out[rows] = torch.softmax(logits.float(), dim=-1).numpy()
        return out


def load_pair_model(store: ArtifactStore | None = None) -> PairModel:
    """The process-wide cross-encoder of ``store`` (loaded on first use, files verified first)."""
    store = store or ArtifactStore()
    key = store.root.resolve()
    with _models_lock:
        model = _models.get(key)
        if model is None:
            path = store.verified_dir(CROSS_ENCODER_DIR)
            params = store.entry(f"{CROSS_ENCODER_DIR}/model.safetensors").get("params", {})
            model = PairModel.from_directory(path, int(params.get("max_tokens", MAX_TOKENS)))
            _models[key] = model
    return model


def pair_model_sha256(store: ArtifactStore | None = None) -> str:
    """The sha256 of the shipped cross-encoder's weights: a key for answers cached outside this module."""
    return (store or ArtifactStore()).entry(f"{CROSS_ENCODER_DIR}/model.safetensors")["sha256"]


def score_pairs(
    pairs: Sequence[tuple[str, str]],
    profile: str = "accurate",
    batch_size: int = DEFAULT_BATCH_SIZE,
    store: ArtifactStore | None = None,
) -> np.ndarray:
    """Probabilities of (contradiction, entailment, neutral) for each (premise, hypothesis) pair.

    Returns a float32 array of shape ``(len(pairs), 3)``. Every profile reads pairs
    with the same cross-encoder: ``profile`` is checked and kept so that callers
    name the profile they run under, as for every other model.
    """
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
    pairs = [(str(a), str(b)) for a, b in pairs]
    if not pairs:
        return np.zeros((0, len(LABELS)), dtype=np.float32)
    return load_pair_model(store).predict(pairs, batch_size)
