"""Hand judgements of source.* flags: draw a sample, read it, record verdicts, measure precision.

A judgement is keyed by the copy's article ``id``, ``sentence_sha1``
(``detector.training.data.short_hash`` of the sentence's text as segmented), the flag
``code``, its ``kind`` (figure, name, negation, claim) and the flagged wording
``copy``; labels/README.md ("Source flags") gives the rule. Precision counts
debatable as wrong; flags no judgement matches are reported as unjudged, never
folded in.

    python -m detector.source.judging sample DUMP OUT [--n 100]   # the flags to read, drawn reproducibly
    python -m detector.source.judging record OUT VERDICTS          # lines "N j|d|w reason" -> labels/source_judgements.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..training.data import stable_fraction

LABELS = Path(__file__).resolve().parents[2] / "labels" / "source_judgements.jsonl"
SALT = "source-judgements-20261204"
VERDICTS = {"j": "justified", "d": "debatable", "w": "wrong"}


def key(row: dict) -> tuple:
    return (row["article"] if "article" in row else row["id"], row["sha1"] if "sha1" in row else row["sentence_sha1"],
            row["code"], row["kind"], row["copy"])


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample(dump: Path, n: int, salt: str = SALT, unjudged_only: bool = False) -> list[dict]:
    """``n`` flags of the dump, drawn by a hash of their key (reproducible, no RNG), at most 3 per copy.

    ``unjudged_only`` draws from the flags no judgement matches yet (a fresh sample after the rules changed).
    """
    rows = read_jsonl(dump)
    if unjudged_only:
        judged = {key(j) for j in read_jsonl(LABELS)}
        rows = [r for r in rows if key(r) not in judged]
    ranked = sorted(rows, key=lambda r: stable_fraction("|".join(map(str, key(r))), salt))
    chosen, per_copy = [], {}
    for row in ranked:
        if per_copy.get(row["article"], 0) >= 3:
            continue
        per_copy[row["article"]] = per_copy.get(row["article"], 0) + 1
        chosen.append(row)
        if len(chosen) == n:
            break
    return chosen


def precision(flags: list[dict], judgements: list[dict] | None = None) -> dict:
    """Precision of ``flags`` (dump rows) over the judgements that match them; debatable counts as wrong."""
    judgements = read_jsonl(LABELS) if judgements is None else judgements
    index = {key(j): j for j in judgements}
    counts = {"justified": 0, "debatable": 0, "wrong": 0}
    by_kind: dict[str, dict[str, int]] = {}
    unjudged = 0
    for flag in flags:
        judged = index.get(key(flag))
        if judged is None:
            unjudged += 1
            continue
        counts[judged["verdict"]] += 1
        kind = by_kind.setdefault(f"{flag['code']}:{flag['kind']}", {"justified": 0, "judged": 0})
        kind["judged"] += 1
        kind["justified"] += judged["verdict"] == "justified"
    judged = sum(counts.values())
    return {
        "judged": judged,
        "unjudged": unjudged,
        **counts,
        "precision": round(counts["justified"] / judged, 4) if judged else None,
        "by_kind": {k: {**v, "precision": round(v["justified"] / v["judged"], 4)} for k, v in sorted(by_kind.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.source.judging")
    sub = parser.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("sample")
    draw.add_argument("dump", type=Path)
    draw.add_argument("out", type=Path)
    draw.add_argument("--n", type=int, default=100)
    draw.add_argument("--salt", default=SALT)
    draw.add_argument("--unjudged-only", action="store_true")
    record = sub.add_parser("record")
    record.add_argument("sample", type=Path)
    record.add_argument("verdicts", type=Path)
    record.add_argument("--judged-against", default="")
    args = parser.parse_args(argv)
    if args.command == "sample":
        rows = sample(args.dump, args.n, args.salt, args.unjudged_only)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} flags written to {args.out}", file=sys.stderr)
        return 0
    rows = read_jsonl(args.sample)
    existing = {key(j): j for j in read_jsonl(LABELS)}
    for line in args.verdicts.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        number, verdict, *reason = line.split(maxsplit=2)
        row = rows[int(number)]
        existing[key(row)] = {
            "id": row["article"], "file": "llmfake-test.jsonl", "method": row["method"], "sentence": row["sentence"],
            "sentence_sha1": row["sha1"], "code": row["code"], "kind": row["kind"], "copy": row["copy"],
            "verdict": VERDICTS[verdict], "reason": reason[0] if reason else "", "judged_on": "2026-12-04",
            "judged_against": args.judged_against, "profile_seen": "accurate", "sample": args.sample.stem,
        }
    LABELS.write_text("".join(json.dumps(j, ensure_ascii=False) + "\n" for j in existing.values()), encoding="utf-8")
    print(f"{len(existing)} judgements in {LABELS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
