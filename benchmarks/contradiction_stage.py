"""How much of the pipeline the contradiction stage costs on long articles.

Builds long articles (about 100, 300 and 1,000 sentences) by joining human news
articles of the test split, then times, per profile: segmentation, encoding (the
model alone, no cache: ``Encoder.encode_bare``) and every check's ``run`` in the
pipeline's order, all checks loaded as ``detector check`` loads them. The figures
are read once per document and shared (``Analysis.memo``); the figures check runs
before the contradiction check and pays for them. The issue's target: the
contradiction stage at most a quarter of the pipeline on long articles
(``contradiction_share``); ``share_of_segment_encode_contradiction`` is the same
stage against segmentation + encoding + itself only, the bound for a pipeline that
runs no other check.

    .venv/bin/python benchmarks/contradiction_stage.py [--profile fast] [--repeat 3] [--reader on]

``--reader on`` times the accurate profile with the pair cross-encoder reading
candidate pairs even where its artifact keeps it out of the pipeline.

Prints one JSON object; timings are medians of ``--repeat`` runs on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.checks import Analysis  # noqa: E402
from detector.contradiction.evaluate import test_articles  # noqa: E402
from detector.pipeline import Detector  # noqa: E402
from detector.segment import segment  # noqa: E402


def long_articles(targets=(25, 100, 300, 1000)) -> list[str]:
    articles = [a["text"] for a in test_articles()]
    out, pool = [], iter(articles * 5)
    for target in targets:
        parts, count = [], 0
        while count < target:
            text = next(pool)
            parts.append(text)
            count += len(segment(text).sentences)
        out.append("\n\n".join(parts))
    return out


def measure(profile: str, texts: list[str], repeat: int, reader: str = "shipped") -> list[dict]:
    detector = Detector.load(profile=profile)
    if reader == "on":
        next(c for c in detector.checks if c.name == "contradictions").use_cross_encoder(True)
    rows = []
    for text in texts:
        timings: dict[str, list[float]] = {"segment": [], "encode": []}
        for _ in range(repeat):
            t0 = time.perf_counter()
            document = segment(text)
            t1 = time.perf_counter()
            vectors = detector.encoder.encode_bare([s.clean for s in document.sentences])
            t2 = time.perf_counter()
            timings["segment"].append(t1 - t0)
            timings["encode"].append(t2 - t1)
            analysis = Analysis(document, vectors, profile)
            for check in detector.checks:
                started = time.perf_counter()
                result = check.run(analysis)
                timings.setdefault(check.name, []).append(time.perf_counter() - started)
                if check.name == "contradictions":
                    flags = len(result.flags)
        median = {k: statistics.median(v) for k, v in timings.items()}
        total = sum(median.values())
        contradiction = median["contradictions"]
        rows.append({
            "sentences": len(document.sentences),
            "seconds": {k: round(v, 4) for k, v in median.items()},
            "pipeline_seconds": round(total, 4),
            "contradiction_share": round(contradiction / total, 4),
            "share_of_segment_encode_contradiction": round(
                contradiction / (median["segment"] + median["encode"] + contradiction), 4),
            "contradiction_flags": flags,
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="append", choices=["accurate", "fast"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reader", choices=["shipped", "on"], default="shipped")
    args = parser.parse_args()
    texts = long_articles()
    out = {p: measure(p, texts, args.repeat, args.reader) for p in args.profile or ["accurate", "fast"]}
    out["command"] = "python benchmarks/contradiction_stage.py" + "".join(f" --profile {p}" for p in args.profile or []) + (
        f" --repeat {args.repeat}" if args.repeat != 3 else "") + (" --reader on" if args.reader == "on" else "")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
