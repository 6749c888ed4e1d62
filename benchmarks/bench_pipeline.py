"""Pipeline throughput against the bare encoder, on real news articles.

    .venv/bin/python benchmarks/bench_pipeline.py --profile fast
    .venv/bin/python benchmarks/bench_pipeline.py --profile accurate --limit 1500
    .venv/bin/python benchmarks/bench_pipeline.py --profile lm --limit 400

Reads the English news documents of ../shared/data/ai_text (all splits), runs
``Detector.check_many`` over them, and in the same process times the encoder
alone on the same sentences (every sentence, no cache, no de-duplication). The
ratio pipeline/encoder is what the pipeline costs on top of the model. Also
reports a stage breakdown (segmentation, encoding, each check) and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector import Detector  # noqa: E402
from detector.segment import segment  # noqa: E402
from detector.training.data import NEWS_SETS, news_rows  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_articles(limit: int | None) -> list[str]:
    texts = [row["text"] for split in ("train", "dev", "test") for row in news_rows(split, NEWS_SETS)]
    return texts[:limit] if limit else texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["accurate", "fast", "lm"], default="fast")
    parser.add_argument("--limit", type=int, default=None, help="number of articles (default: all news documents)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--checks", default=None, help="comma-separated checks (default: all)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    args = parser.parse_args()

    articles = load_articles(args.limit)
    checks = args.checks.split(",") if args.checks else None
    started = time.perf_counter()
    detector = Detector.load(profile=args.profile, checks=checks)
    load_seconds = time.perf_counter() - started

    # Stage timings: wrap each check's run; segmentation timed on its own below.
    check_seconds: dict[str, float] = {}
    for check in detector.checks:
        original = check.run

        def timed(analysis, _original=original, _name=check.name):
            t0 = time.perf_counter()
            try:
                return _original(analysis)
            finally:
                check_seconds[_name] = check_seconds.get(_name, 0.0) + time.perf_counter() - t0

        check.run = timed  # type: ignore[method-assign]

    t0 = time.perf_counter()
    documents = [segment(text) for text in articles]
    segment_seconds = time.perf_counter() - t0
    sentences = [s.clean for doc in documents for s in doc.sentences]

    # Warm both paths on a little text so that lazy initialisation (the lm profile's language
    # model is loaded on first use) is not timed.
    detector.check(articles[0])
    detector.encoder.encode_bare(sentences[:64])
    t0 = time.perf_counter()
    detector.encoder.encode_bare(sentences)
    encoder_seconds = time.perf_counter() - t0

    detector.encoder._cache.clear()  # the pipeline starts cold, as a new run would
    check_seconds.clear()
    t0 = time.perf_counter()
    flags = 0
    errors = 0
    for report in detector.check_many(articles, batch_size=args.batch_size):
        flags += len(report.flags)
        errors += 0 if report.ok else 1
    pipeline_seconds = time.perf_counter() - t0

    result = {
        "profile": args.profile,
        "articles": len(articles),
        "sentences": len(sentences),
        "unique_sentences": len(set(sentences)),
        "checks": [c.name for c in detector.checks],
        "load_seconds": round(load_seconds, 2),
        "pipeline_seconds": round(pipeline_seconds, 2),
        "articles_per_second": round(len(articles) / pipeline_seconds, 1),
        "sentences_per_second": round(len(sentences) / pipeline_seconds, 1),
        "bare_encoder_seconds": round(encoder_seconds, 2),
        "bare_encoder_sentences_per_second": round(len(sentences) / encoder_seconds, 1),
        "pipeline_over_encoder": round(pipeline_seconds / encoder_seconds, 3),
        "stages_seconds": {
            "segmentation (measured separately)": round(segment_seconds, 2),
            **{f"check:{k}": round(v, 2) for k, v in check_seconds.items()},
        },
        "flags": flags,
        "errors": errors,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "command": " ".join(["benchmarks/bench_pipeline.py", *sys.argv[1:]]),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
