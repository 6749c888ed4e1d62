"""The pairs the contradiction cross-encoder flags on its own, for an editor to read.

Runs the accurate contradiction check with the cross-encoder reading on (whatever
``models/contradictions/accurate-cross-encoder.json`` says) over the human test
articles and a seeded sample of machine test articles, and writes every flagged
pair with whether only the cross-encoder raised it. This is the read behind the
artifact's ``in_pipeline`` decision.

    .venv/bin/python scripts/reader_only_pairs.py OUT.json [--machine 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.pipeline import Detector  # noqa: E402
from detector.training.data import news_rows  # noqa: E402


def flagged_pairs(detector, check, rows: list[dict]) -> list[dict]:
    out = []
    reports = detector.check_many([r["text"] for r in rows], batch_size=16, checks=["contradiction"])
    for row, report in zip(rows, reports):
        seen = set()
        for flag in report.flags:
            pair = tuple(flag.evidence["pair"])
            if pair in seen:
                continue
            seen.add(pair)
            cross = flag.evidence.get("cross_encoder_probability")
            by_others = (flag.code == "contradiction.numeric"
                         or flag.evidence["semantic_probability"] >= check.semantic_threshold_
                         or flag.evidence["anchored_cue_probability"] >= check.anchored_threshold_)
            out.append({"id": row["id"], "code": flag.code, "cross_encoder_probability": cross,
                        "reader_only": cross is not None and cross >= check.pair_reader_.threshold and not by_others,
                        "a": report.sentences[pair[0]].clean, "b": report.sentences[pair[1]].clean})
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--machine", type=int, default=300, help="machine test articles to sample")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    detector = Detector.load(profile="accurate", checks=["contradiction"])
    check = detector.checks[0].use_cross_encoder(True)
    rows = list(news_rows("test"))
    machine = [r for r in rows if r["label"] != "human"]
    random.Random(args.seed).shuffle(machine)
    result = {}
    for name, group in (("human", [r for r in rows if r["label"] == "human"]), ("machine", machine[: args.machine])):
        pairs = flagged_pairs(detector, check, group)
        result[name] = {"articles": len(group), "pairs": pairs}
        print(f"{name}: {len(group)} articles, {len(pairs)} flagged pairs, "
              f"{sum(p['reader_only'] for p in pairs)} by the cross-encoder alone", file=sys.stderr)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
