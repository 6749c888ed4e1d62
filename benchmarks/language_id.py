"""Language identification: accuracy, ms per document and memory of the candidate libraries.

Run from the repository root (each library in its own subprocess, so that its
memory is measured alone):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/language_id.py

The test set is every row of ../shared/data/ai_text/newsgpt-test.jsonl (English,
German, French and Spanish news and encyclopedia text, human and gpt-3.5), the
labels its `language` field. "English or not" is what the product decides on, so
the table reports it besides the exact language: a non-English document called
English would be scored by models trained on English, an English one called
foreign would lose its scores.

Results go to stdout and benchmarks/results/language-id.json.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AI_TEXT = REPO.parent / "shared" / "data" / "ai_text"
DATA = AI_TEXT / "newsgpt-test.jsonl"
# English test splits: a library that calls English copy foreign costs it every score.
ENGLISH_SETS = ("llmfake-test.jsonl", "xsum-detectrl-test.jsonl", "xsum-fastdetect-test.jsonl")
CANDIDATES = ("detector", "lingua-all-low", "lingua-all-high", "py3langid")


def _identify_function(name: str):
    if name == "detector":
        sys.path.insert(0, str(REPO))
        from detector.language import identify_language

        return lambda text: identify_language(text).code
    if name.startswith("lingua"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if name.endswith("low"):
            builder = builder.with_low_accuracy_mode()
        detector = builder.with_preloaded_language_models().build()

        def identify(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found is not None else "und"

        return identify
    if name == "py3langid":
        import py3langid

        return lambda text: py3langid.classify(text)[0]
    raise ValueError(name)


def _measure(name: str) -> dict:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    identify = _identify_function(name)
    identify("warm up: the first call loads the model.")
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = [identify(row["text"]) for row in rows]
    seconds = time.perf_counter() - start
    exact = sum(p == row["language"] for p, row in zip(predicted, rows))
    # The first ~100 characters (cut at a word): how the library fares on a lede or a short piece.
    openings = [row["text"][:120].rsplit(" ", 1)[0] for row in rows]
    short_exact = sum(identify(text) == row["language"] for text, row in zip(openings, rows))
    foreign = [(p, row) for p, row in zip(predicted, rows) if row["language"] != "en"]
    english = [(p, row) for p, row in zip(predicted, rows) if row["language"] == "en"]
    english_rows = [json.loads(line) for f in ENGLISH_SETS for line in (AI_TEXT / f).open(encoding="utf-8")]
    english_foreign = sum(identify(row["text"]) not in ("en", "und") for row in english_rows)
    return {
        "library": name,
        "english_test_called_foreign": english_foreign,
        "english_test_documents": len(english_rows),
        "documents": len(rows),
        "accuracy": exact / len(rows),
        "accuracy_first_100_chars": short_exact / len(rows),
        "non_english_called_english": sum(p == "en" for p, _ in foreign),
        "non_english": len(foreign),
        "english_called_foreign": sum(p != "en" for p, _ in english),
        "english": len(english),
        "ms_per_document": 1000 * seconds / len(rows),
        "load_s": load_s,
        "rss_added_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _pipeline(profile: str = "fast") -> dict:
    """End to end: the share of newsgpt test rows, per language, that the Detector leaves without a filler score."""
    sys.path.insert(0, str(REPO))
    import torch

    from detector import Detector

    torch.set_num_threads(1)
    detector = Detector.load(profile=profile)
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    by_language: dict[str, list[int]] = {}
    for row, report in zip(rows, detector.check_many((r["text"] for r in rows), batch_size=32)):
        counts = by_language.setdefault(row["language"], [0, 0, 0])
        counts[0] += 1
        counts[1] += report.scores["filler"] is None
        counts[2] += bool(report.flags)
    return {lang: {"documents": n, "no_filler_score": unscored, "with_flags": flagged}
            for lang, (n, unscored, flagged) in sorted(by_language.items())}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure(sys.argv[2])))
        return
    if len(sys.argv) == 2 and sys.argv[1] == "--pipeline":
        print(json.dumps(_pipeline()))
        return
    results = []
    for name in CANDIDATES:
        out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| library | accuracy | accuracy, first ~100 chars | non-English called English | English called foreign | English test sets called foreign | ms/doc | load s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['library']} | {r['accuracy']:.3f} | {r['accuracy_first_100_chars']:.3f} | {r['non_english_called_english']}/{r['non_english']} | "
              f"{r['english_called_foreign']}/{r['english']} | {r['english_test_called_foreign']}/{r['english_test_documents']} | {r['ms_per_document']:.2f} | {r['load_s']:.2f} | {r['peak_rss_mib']:.0f} |")
    out = subprocess.run([sys.executable, __file__, "--pipeline"], capture_output=True, text=True, check=True)
    pipeline = json.loads(out.stdout.strip().splitlines()[-1])
    print("\nnewsgpt test rows, Detector (fast profile): documents without a filler score, and with any flag")
    for lang, r in pipeline.items():
        print(f"  {lang}: {r['no_filler_score']}/{r['documents']} without a filler score, {r['with_flags']} with flags")
    results.append({"pipeline_fast": pipeline})
    out_dir = REPO / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "language-id.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
