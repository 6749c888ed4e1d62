"""The detector says the same on the shared test articles as the golden record says.

The record (tests/fixtures/golden_flags_{fast,accurate}.jsonl.gz, written by
scripts/golden_flags.py) holds, for every English news test article of llmfake
and newsgpt (human and machine), the document scores, every flag (sentence,
code, score, related sentences) and every figure read. A change meant to move
code without changing behaviour must leave it untouched; a change meant to alter
behaviour rewrites it (``python scripts/golden_flags.py``) and says so.
"""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import REPO, needs_shared_data

_spec = importlib.util.spec_from_file_location("golden_flags", REPO / "scripts" / "golden_flags.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.slow
@needs_shared_data
@pytest.mark.parametrize("profile", golden.PROFILES)
def test_flags_match_the_golden_record(profile: str):
    expected = golden.read_golden(profile)
    rows = golden.test_split_rows()
    assert [r["id"] for r in rows] == [e["id"] for e in expected], "the test split is not the one the record was made from"
    actual = list(golden.records(profile, rows))
    assert golden.differences(expected, actual) == []
    assert golden.summary(actual) == golden.summary(expected)
