"""filler.repetition: the same point made again, and only that."""

from __future__ import annotations

import numpy as np
import pytest

from detector.filler.repetition import candidate_pairs


@pytest.fixture(params=["fast", "accurate"])
def detector(request, fast_detector, accurate_detector):
    return {"fast": fast_detector, "accurate": accurate_detector}[request.param]


def test_example_repeats_its_milestone_sentence(detector, example_text):
    report = detector.check(example_text, checks=["repetition"])
    sentences = report.sentences
    milestone = [s.index for s in sentences if "marks a significant milestone" in s.clean]
    assert len(milestone) == 2
    flags = {f.sentence: f for f in report.flags if f.code == "filler.repetition"}
    last = flags[milestone[1]]
    assert milestone[0] in last.related
    assert last.score >= 0.5 and "same point" in last.message
    assert sentences[last.related[0]].clean[:40] in last.message
    assert last.evidence["times"] == len(last.related) + 1
    for flag in report.flags:
        assert all(j < flag.sentence for j in flag.related), "related points at earlier sentences"


def test_distinct_sentences_are_not_flagged(detector):
    text = (
        "The council approved the budget on Tuesday by a vote of 7 to 2. "
        "Road repairs will take most of the new money, about $4 million. "
        "Opponents said the library had been neglected for a decade. "
        "The mayor, Ana Ruiz, promised a separate vote on libraries in March. "
        "Residents can comment on the plan until Friday at the town hall."
    )
    assert detector.check(text, checks=["repetition"]).flags == []


def test_headings_and_table_rows_are_not_compared(detector):
    text = "Budget Approved\n\nThe council approved the budget on Tuesday.\n\n| Item | Value |\n|---|---|\n| Budget approved | yes |\n| Budget approved | yes |\n"
    assert detector.check(text, checks=["repetition"]).flags == []


def test_candidate_search_respects_the_window():
    vectors = np.tile(np.eye(1, 8, dtype=np.float32), (10, 1))  # ten identical vectors
    earlier, later, cosines = candidate_pairs(vectors, floor=0.5, window=2)
    assert len(later) == 2 * 10 - 3
    assert np.all(later - earlier <= 2) and np.all(later > earlier) and np.allclose(cosines, 1.0)
    earlier, later, _ = candidate_pairs(vectors, floor=0.5, window=1000, per_sentence=100)
    assert len(later) == 45
    earlier, later, _ = candidate_pairs(vectors, floor=0.5, window=1000, per_sentence=3)
    assert len(later) == 0 + 1 + 2 + 3 * 7, "each sentence keeps its three closest earlier sentences"
    assert np.all(np.bincount(later) <= 3)
