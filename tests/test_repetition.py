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


@pytest.mark.parametrize(
    "earlier, later",
    [
        ("A two-year-old boy also suffered serious head injuries in the crash.", "Another child, a four-year-old boy, suffered minor injuries."),
        ("(S) READ THE FIRST TIME - REFERRALS 07/09/08 3145", "(S) CONCUR MESSAGE READ AND TAKEN UP 08/07/08 3282 (S)"),
        ("Butler is averaging 28.8 points in the past five games.", "Rose is averaging just under 20 points in his past five games."),
    ],
)
def test_a_later_sentence_that_adds_a_figure_does_not_make_the_same_point(earlier, later):
    from detector.filler.repetition import adds_figures

    assert adds_figures(earlier, later)


def test_the_same_figure_restated_is_still_a_restatement():
    from detector.filler.repetition import adds_figures

    lede = "Chinese authorities have repatriated over 1,500 telecom fraud suspects from Myanmar."
    assert not adds_figures(lede, "The repatriation of over 1,500 telecom fraud suspects marks a milestone.")
    assert not adds_figures("The council met on Tuesday.", "The council, which has 12 members, met on Tuesday.")  # no figure to differ from


@pytest.mark.parametrize(
    "text",
    ["PAUL RYAN (R-WI), SPEAKER OF THE HOUSE: Sure.", "JONES: You're on team Obama now.", "(APPLAUSE)We've certainly had our differences.",
     "— Alyssa Milano (@Alyssa_Milano) December 16, 2017 There are different stages of cancer."],
)
def test_transcript_turns_and_tweets_are_quoted_speech(text):
    from detector.filler.repetition import is_quoted_speech

    assert is_quoted_speech(text)


@pytest.mark.parametrize("text", ["UK: prices rose again in March.", "The council met on Tuesday: it voted 7 to 2.", "Title: A story"])
def test_ordinary_sentences_are_not_quoted_speech(text):
    from detector.filler.repetition import is_quoted_speech

    assert not is_quoted_speech(text)


CLOSING_RESTATES_LEDE = """The city council voted on Tuesday to close the Elm Street library at the end of the year, ending more than a century of service in the neighbourhood.

The vote was 7 to 2. Council member Dana Ortiz, who voted against, said the building could be repaired for less than the city had claimed.

Residents packed the chamber for three hours of public comment. Many brought children who use the library's after-school programme.

The city estimates repairs at $4.2 million. A report commissioned by the library's friends group put the cost at $1.8 million.

The closure takes effect on December 31. Books will move to the central branch, two miles away.

So after more than a hundred years, the Elm Street library will close its doors at the end of the year, following Tuesday's council vote.
"""


def test_a_closing_paragraph_that_restates_the_lede_is_caught(detector):
    report = detector.check(CLOSING_RESTATES_LEDE, checks=["filler"])
    closing = report.sentences[-1]
    flags = [f for f in report.flags_for(closing.index) if f.code == "filler.repetition"]
    assert flags and list(flags[0].related) == [0]
    # A reported human story otherwise: no sentence reads as generic filler.
    assert not [f for f in report.flags if f.code == "filler.generic"]
