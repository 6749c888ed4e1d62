"""Filler document score by length: AUROC and the human flag rate, first k sentences of test articles.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/length_evidence.py --profile fast [--split test]

Prints, per word-count bucket of running text, the AUROC and the share of human
articles scoring >= 0.5, for the raw document score and for the shipped
length-aware one (``detector.evidence``), and the "first 3 sentences" numbers the
issue asks about. Scores per prefix are cached in ``.cache/evidence/`` (never
committed: they are derived from the shared data).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.artifacts import ArtifactStore
from detector.evidence import PREFIX_SENTENCES, cached_prefix_scores, curve, measurable
from detector.pipeline import Detector


def scored(profile: str, split: str) -> tuple[list[dict], Detector]:
    detector = Detector.load(profile=profile, checks=["filler"])
    return cached_prefix_scores(detector, split, ArtifactStore()), detector


def flag_rate(rows: list[dict], key: str, k) -> dict:
    chosen = [r for r in rows if r["k"] == k and r["label"] == "human"]
    values = [r[key] for r in chosen]
    judged = [v for v in values if v is not None]
    return {"human": len(chosen), "judged": len(judged),
            "flagged": round(float(np.mean([v >= 0.5 for v in judged])), 4) if judged else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="fast", choices=("fast", "accurate"))
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    rows, detector = scored(args.profile, args.split)
    # As in fitting: continuation texts open with human words, which blurs what length alone does.
    rows = measurable(rows)
    calibration = detector.evidence
    for r in rows:
        if r["score"] is None or calibration is None or not calibration.enough(r["words"]):
            r["adjusted"] = None
        else:
            r["adjusted"] = float(calibration.adjust(r["score"], r["words"])[0])
    result = {
        "profile": args.profile,
        "split": args.split,
        "prefix_sentences": [k for k in PREFIX_SENTENCES if k],
        "min_words": calibration.min_words if calibration else None,
        "raw": curve(rows, "score"),
        "adjusted": curve(rows, "adjusted"),
        "human_flagged_first_3_sentences": {"raw": flag_rate(rows, "score", 3), "adjusted": flag_rate(rows, "adjusted", 3)},
        "human_flagged_whole": {"raw": flag_rate(rows, "score", None), "adjusted": flag_rate(rows, "adjusted", None)},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
