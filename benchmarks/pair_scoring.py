"""Pairs per second of the contradiction cross-encoder (``detector.contradiction.score_pairs``) on this machine.

Scores the first ``--pairs`` VitaminC dev pairs (real Wikipedia revisions; about the
length of news sentences) at several batch sizes, with torch on ``--threads`` threads.

    .venv/bin/python benchmarks/pair_scoring.py [--pairs 512] [--threads 2] [--repeat 3]

Prints one JSON object; timings are medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.contradiction.cross_encoder import load_pair_model, score_pairs  # noqa: E402
from detector.contradiction.train_cross_encoder import vitaminc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    pairs = [(a, b) for a, b, _ in vitaminc("dev", "real")[: args.pairs]]
    load_pair_model()
    score_pairs(pairs[:32])  # warm-up
    out = {"pairs": len(pairs), "threads": args.threads, "pairs_per_second": {}}
    for batch_size in (16, 32, 64):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            score_pairs(pairs, batch_size=batch_size)
            times.append(time.perf_counter() - started)
        out["pairs_per_second"][batch_size] = round(len(pairs) / statistics.median(times), 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
