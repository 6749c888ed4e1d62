"""Write (or compare) the golden record of every flag on the shared test articles.

The record pins what the detector says about the English news test split
(llmfake-test and newsgpt-test, human and machine documents) so that a change meant
to move code, not behaviour, can prove it: one line per article with its document
scores, its flags (sentence, code, score, related sentences) and the figures it
read (sentence, span, kind, support). Scores are rounded to four places, as the
report prints them.

    python scripts/golden_flags.py --profile fast        # rewrite tests/fixtures/golden_flags_fast.jsonl.gz
    python scripts/golden_flags.py --profile accurate --check   # compare, print the first differences

tests/test_golden_flags.py runs the comparison.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
GOLDEN_SETS = ("llmfake", "newsgpt")
PROFILES = ("fast", "accurate")
BATCH_SIZE = 16


def golden_path(profile: str) -> Path:
    return FIXTURES / f"golden_flags_{profile}.jsonl.gz"


def test_split_rows() -> list[dict]:
    """The English news test articles of the target sets, in file order."""
    from detector.training.data import news_rows

    return list(news_rows("test", GOLDEN_SETS))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def record(row: dict, report) -> dict:
    """The compact, readable line kept for one article."""
    if not report.ok:
        return {"id": row["id"], "dataset": row["dataset"], "label": row["label"], "error": report.error}
    return {
        "id": row["id"],
        "dataset": row["dataset"],
        "label": row["label"],
        "sentences": len(report.document.sentences),
        "scores": {name: _rounded(score) for name, score in sorted(report.scores.items())},
        "flags": [[f.sentence, f.code, _rounded(f.score), list(f.related)] for f in report.iter_flags()],
        "figures": [[f["sentence"], f["start"], f["end"], f["kind"], f["support"]] for f in report.figures],
    }


def records(profile: str, rows: list[dict]) -> Iterator[dict]:
    from detector import Detector

    detector = Detector.load(profile=profile)
    reports = detector.check_many((r["text"] for r in rows), batch_size=BATCH_SIZE, sources=[r["id"] for r in rows])
    for row, report in zip(rows, reports):
        yield record(row, report)


def read_golden(profile: str) -> list[dict]:
    with gzip.open(golden_path(profile), "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_golden(profile: str, lines: list[dict]) -> Path:
    path = golden_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip bytes identical when the content is.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        for line in lines:
            handle.write((json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return path


def differences(expected: list[dict], actual: list[dict], limit: int = 20) -> list[str]:
    """Human-readable differences, article by article (empty when the records agree)."""
    found: list[str] = []
    if [e["id"] for e in expected] != [a["id"] for a in actual]:
        found.append(f"article lists differ: {len(expected)} expected, {len(actual)} now")
    by_id = {a["id"]: a for a in actual}
    for want in expected:
        got = by_id.get(want["id"])
        if got is None or got == want:
            continue
        for key in sorted(set(want) | set(got)):
            if want.get(key) != got.get(key):
                found.append(f"{want['id']} {key}: expected {want.get(key)!r}, got {got.get(key)!r}")
        if len(found) >= limit:
            break
    return found[:limit]


def summary(lines: list[dict]) -> dict:
    return {"articles": len(lines), "flags": sum(len(line.get("flags", [])) for line in lines),
            "figures": sum(len(line.get("figures", [])) for line in lines)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=PROFILES, action="append", help="Profiles (default: both).")
    parser.add_argument("--check", action="store_true", help="Compare with the stored record instead of writing it.")
    args = parser.parse_args(argv)
    rows = test_split_rows()
    status = 0
    for profile in args.profile or PROFILES:
        lines = list(records(profile, rows))
        if args.check:
            found = differences(read_golden(profile), lines)
            print(json.dumps({"profile": profile, **summary(lines), "differences": found}, indent=2))
            status |= bool(found)
        else:
            path = write_golden(profile, lines)
            print(json.dumps({"profile": profile, **summary(lines), "written": str(path.relative_to(REPO))}))
    return status


if __name__ == "__main__":
    sys.exit(main())
