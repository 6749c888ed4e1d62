"""Where the integrity rules fire on the shared data as it is (no attack added).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/integrity_splits.py [--split test]

Runs the integrity checks on every document of every set's split (all languages
and domains) and prints, per set, label and upstream method, how many documents
got an ``integrity.*`` flag. Clean copy should get none; the rows DetectRL attacked
upstream with look-alike characters (``adversarial_character*``) should.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.pipeline import Detector
from detector.training.data import read_rows

SETS = ("llmfake", "newsgpt", "seqxgpt-sent", "xsum-detectrl", "xsum-fastdetect", "ood-detectrl", "ood-fastdetect")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    detector = Detector.load(profile="fast", checks=["integrity"])
    documents, flagged, codes = Counter(), Counter(), Counter()
    examples = []
    for name in SETS:
        rows = list(read_rows(name, args.split))
        for row, report in zip(rows, detector.check_many((r["text"] for r in rows), batch_size=64)):
            key = (name, row.get("language", "en"), row["label"], row.get("method") or "-")
            documents[key] += 1
            found = {f.code for f in report.flags if f.type == "integrity"}
            if found:
                flagged[key] += 1
                codes.update(found)
                if not str(row.get("method", "")).startswith("adversarial") and len(examples) < 10:
                    examples.append({"set": name, "id": row["id"], "flags": [f.message for f in report.flags]})
    attacked = sum(n for k, n in documents.items() if k[3].startswith("adversarial_character"))
    attacked_flagged = sum(n for k, n in flagged.items() if k[3].startswith("adversarial_character"))
    other = sum(n for k, n in documents.items() if not k[3].startswith("adversarial_character"))
    other_flagged = sum(n for k, n in flagged.items() if not k[3].startswith("adversarial_character"))
    print(json.dumps({
        "split": args.split,
        "documents": sum(documents.values()),
        "flagged_not_attacked_upstream": f"{other_flagged} of {other}",
        "flagged_attacked_upstream_with_characters": f"{attacked_flagged} of {attacked}",
        "codes": dict(codes),
        "by_group": [{"set": k[0], "language": k[1], "label": k[2], "method": k[3], "documents": n, "flagged": flagged[k]}
                     for k, n in sorted(documents.items())],
        "examples_not_attacked": examples,
    }, indent=2))


if __name__ == "__main__":
    main()
