"""Filler document score under character-level attacks, the way RAID measures detectors.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/robustness.py --profile fast --profile accurate \\
        [--human 300 --machine 300 --seed 20261203]

Held-out English news is attacked as
the RAID paper (Dugan et al., ACL 2024) describes its attacks, both human and
machine documents, with a fixed seed per document. Human documents: the test
splits of llmfake, newsgpt news, xsum-detectrl and xsum-fastdetect. Machine
documents: llmfake, newsgpt news and xsum-detectrl (seven generators, round-robin);
left out are xsum-fastdetect's machine texts, which continue a human-written
opening, and the rows upstream already attacked (``adversarial_*`` methods).

- ``homoglyph``: letters swapped for Cyrillic/Greek look-alikes (a->а, e->е, o->о,
  p->р, c->с, x->х, y->у, i->і, s->ѕ, j->ј and the capitals A B C E H I J K M O P
  S T X Y), each eligible letter with probability ``--homoglyph-rate``;
- ``zero_width``: a zero-width space (U+200B) after each character inside a word
  with probability ``--zero-width-rate``;
- ``whitespace``: a space inserted after a character with probability 0.05;
- ``case``: a letter's case swapped with probability 0.05;
- ``typo``: a word changed by one deleted, doubled or swapped letter with
  probability 0.1.

For each profile and attack it prints the filler document AUROC (attacked human
vs attacked machine), the share of attacked machine documents caught at the
thresholds that give 1% and 5% FPR on CLEAN human copy (RAID's protocol), the
share of attacked human articles scoring >= 0.5, and the share of documents
with an integrity flag (attacked, and the clean ones).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.artifacts import ArtifactStore
from detector.evidence import ARTIFACT, CONTINUATION_SETS, LengthCalibration, eligible_words
from detector.pipeline import Detector
from detector.training.data import news_rows, stable_fraction

HOMOGLYPHS = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ", "j": "ј",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "J": "Ј", "K": "К", "M": "М", "O": "О",
    "P": "Р", "S": "Ѕ", "T": "Т", "X": "Х", "Y": "Υ",
}
ZERO_WIDTH_SPACE = "\u200b"


def homoglyph(text: str, rng: random.Random, rate: float) -> str:
    return "".join(HOMOGLYPHS[ch] if ch in HOMOGLYPHS and rng.random() < rate else ch for ch in text)


def zero_width(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch.isalpha() and i + 1 < len(text) and text[i + 1].isalpha() and rng.random() < rate:
            out.append(ZERO_WIDTH_SPACE)
    return "".join(out)


def whitespace(text: str, rng: random.Random, rate: float = 0.05) -> str:
    return "".join(ch + " " if not ch.isspace() and rng.random() < rate else ch for ch in text)


def swap_case(text: str, rng: random.Random, rate: float = 0.05) -> str:
    return "".join(ch.swapcase() if ch.isalpha() and rng.random() < rate else ch for ch in text)


def typo(text: str, rng: random.Random, rate: float = 0.1) -> str:
    def change(word: str) -> str:
        if len(word) < 3 or not word.isalpha() or rng.random() >= rate:
            return word
        i = rng.randrange(1, len(word) - 1)
        how = rng.choice(("delete", "double", "swap"))
        if how == "delete":
            return word[:i] + word[i + 1 :]
        if how == "double":
            return word[:i] + word[i] + word[i:]
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]

    return "".join(change(part) for part in _split_words(text))


def _split_words(text: str) -> list[str]:
    import re

    return re.split(r"(\W+)", text)


def attacks(args) -> dict:
    return {
        "clean": lambda t, r: t,
        "homoglyph": lambda t, r: homoglyph(t, r, args.homoglyph_rate),
        "zero_width": lambda t, r: zero_width(t, r, args.zero_width_rate),
        "whitespace": whitespace,
        "case": swap_case,
        "typo": typo,
    }


def sample(split: str, humans: int, machines: int, seed: int) -> list[dict]:
    """A fixed sample: human articles by a seeded hash; machine ones round-robin over generators."""
    rows = [r for r in news_rows(split) if not str(r.get("method", "")).startswith("adversarial")]
    rows = [r for r in rows if r["label"] == "human" or r["dataset"] not in CONTINUATION_SETS]
    human = sorted((r for r in rows if r["label"] == "human"), key=lambda r: stable_fraction(r["id"], str(seed)))[:humans]
    by_generator: dict[str, list[dict]] = {}
    for r in sorted((r for r in rows if r["label"] == "machine"), key=lambda r: stable_fraction(r["id"], str(seed))):
        by_generator.setdefault(r["generator"], []).append(r)
    machine: list[dict] = []
    while len(machine) < machines and any(by_generator.values()):
        for name in sorted(by_generator):
            if by_generator[name] and len(machine) < machines:
                machine.append(by_generator[name].pop(0))
    return human + machine


def tpr_at(clean_human: np.ndarray, machine: np.ndarray, fpr: float) -> float:
    threshold = float(np.quantile(clean_human, 1.0 - fpr))
    return float(np.mean(machine > threshold))


def score_profile(profile: str, docs: list[dict], args) -> dict:
    """Raw filler scores, words of running text and integrity flags of every document under every attack.

    The length rule is left off here and applied afterwards (``metrics``), so one
    encoder pass gives both the shipped score and the raw one, and a cached run can
    be re-read after ``detector train evidence``.
    """
    detector = Detector.load(profile=profile, checks=["filler", "integrity"])
    detector.evidence = None
    out = {"profile": profile, "labels": [d["label"] for d in docs], "attacks": {}}
    for name, attack in attacks(args).items():
        if args.attacks and name not in args.attacks and name != "clean":
            continue
        texts = [attack(d["text"], random.Random(f"{args.seed}:{name}:{d['id']}")) for d in docs]
        started = time.perf_counter()
        reports = list(detector.check_many(texts, batch_size=32))
        out["attacks"][name] = {
            "seconds": round(time.perf_counter() - started, 1),
            "scores": [r.scores.get("filler") for r in reports],
            "words": [eligible_words(r.document) if r.document is not None else 0 for r in reports],
            "integrity": [any(f.type == "integrity" for f in r.flags) for r in reports],
        }
        print(f"{profile} {name}: {out['attacks'][name]['seconds']} s", file=sys.stderr, flush=True)
    return out


def metrics(scored: dict, calibration, label: str) -> list[dict]:
    from sklearn.metrics import roc_auc_score

    labels = np.array([x == "machine" for x in scored["labels"]], dtype=int)

    def shipped(attack: dict) -> np.ndarray:
        raw = np.array([np.nan if s is None else s for s in attack["scores"]], dtype=np.float64)
        if calibration is None:
            return raw
        words = np.array(attack["words"])
        out = np.where(words >= calibration.min_words, calibration.adjust(raw, words), np.nan)
        return np.where(np.isnan(raw), np.nan, out)

    clean = shipped(scored["attacks"]["clean"])[labels == 0]
    clean = clean[~np.isnan(clean)]
    results = []
    for name, attack in scored["attacks"].items():
        scores = shipped(attack)
        judged = ~np.isnan(scores)
        human, machine = scores[(labels == 0) & judged], scores[(labels == 1) & judged]
        results.append({
            "profile": label,
            "attack": name,
            "documents": len(labels),
            "unscored": int((~judged).sum()),
            "auroc": round(float(roc_auc_score(labels[judged], scores[judged])), 4),
            "tpr_at_1pct_fpr": round(tpr_at(clean, machine, 0.01), 4),
            "tpr_at_5pct_fpr": round(tpr_at(clean, machine, 0.05), 4),
            "human_at_or_over_0.5": round(float(np.mean(human >= 0.5)), 4),
            "integrity_flagged": round(float(np.mean(attack["integrity"])), 4),
            "seconds": attack["seconds"],
        })
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| profile | attack | filler AUROC | TPR @ 1% FPR | TPR @ 5% FPR | human >= 0.5 | documents with an integrity flag |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['profile']} | {r['attack']} | {r['auroc']:.3f} | {r['tpr_at_1pct_fpr']:.3f} | {r['tpr_at_5pct_fpr']:.3f} | "
            f"{100 * r['human_at_or_over_0.5']:.1f}% | {100 * r['integrity_flagged']:.1f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", dest="profiles", action="append", choices=("fast", "accurate"))
    parser.add_argument("--human", type=int, default=300)
    parser.add_argument("--machine", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--homoglyph-rate", type=float, default=0.2)
    parser.add_argument("--zero-width-rate", type=float, default=0.5)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--without-length-rule", action="store_true",
                        help="Also report each profile's raw filler score (no minimum length, no length shift).")
    parser.add_argument("--attacks", nargs="*", help="Only these attacks (clean always runs).")
    parser.add_argument("--cache", type=Path, default=Path(".cache/robustness"),
                        help="Raw scores per profile are kept here and re-read when the sample and attacks match.")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    docs = sample("test", args.human, args.machine, args.seed)
    generators = sorted({d["generator"] for d in docs if d["label"] == "machine"})
    print(f"{sum(d['label'] == 'human' for d in docs)} human, {sum(d['label'] == 'machine' for d in docs)} machine "
          f"test documents; generators: {', '.join(generators)}")
    results = []
    store = ArtifactStore()
    for profile in args.profiles or ["fast", "accurate"]:
        key = f"{profile}-{args.human}-{args.machine}-{args.seed}-{args.homoglyph_rate}-{args.zero_width_rate}-{'_'.join(args.attacks or ['all'])}"
        cached = args.cache / f"{key}.json"
        if cached.exists():
            scored = json.loads(cached.read_text())
        else:
            scored = score_profile(profile, docs, args)
            args.cache.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(scored))
        name = ARTIFACT.format(profile=profile)
        calibration = LengthCalibration.from_dict(store.load_json(name)) if store.has(name) else None
        results.extend(metrics(scored, calibration, profile))
        if args.without_length_rule:
            results.extend(metrics(scored, None, f"{profile}, no length rule"))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
