"""Contradictions only where both sentences speak of the same thing (issue 11), and negations that negate."""

from __future__ import annotations

import pytest

from detector.contradiction.gate import gate_reason, speakers
from detector.contradiction.reader import read_both_orders, select_pairs
from detector.contradiction.cues import negating, read_cues

import numpy as np


def _reason(a: str, b: str):
    return gate_reason(a, b, read_cues(a), read_cues(b))


@pytest.mark.parametrize(
    "a, b, reason",
    [
        # Two people who died are two deaths, not one death told two ways.
        ("A 45-year-old man died at the scene after the crash on the A40.",
         "Another man, aged 62, died in hospital on Sunday.", "different instances"),
        ("John Smith, 45, died at the scene on Saturday, police said.",
         "Peter Jones died in hospital after the attack in Leeds.", "different subjects"),
        # A claim and the quote that rebuts it: the article reports a dispute.
        ("Police said the man was armed when officers arrived.", '"He was not armed," his family said.',
         "reported disagreement"),
        ("The company hid its losses from investors for years, the report found.",
         "The company denied hiding any losses.", "reported disagreement"),
        # A timeline: two lawsuits in two years are two events.
        ("In 2011, the singer settled a lawsuit brought by a former bodyguard over unpaid wages.",
         "A lawsuit filed in 2014 alleges the singer never paid the photographer for the shoot.", "different times"),
        ("On March 3 the council approved the budget for the coming year after a long debate.",
         "On June 12 the council rejected a motion to reopen the budget talks for the library.", "different times"),
        ("1997: Kelly settles the lawsuit with Hawkins for an undisclosed amount.",
         "2003: Kelly settles the lawsuit with van Allen for an undisclosed amount.", "different times"),
    ],
)
def test_pairs_about_two_things_or_two_sides_are_left_out(a, b, reason):
    assert _reason(a, b) == reason
    assert _reason(b, a) == reason


@pytest.mark.parametrize(
    "a, b",
    [
        # One sentence with the name changed is one event told two ways: still a candidate.
        ("John Smith, 45, died at the scene on Saturday, police said.",
         "Peter Jones, 45, died at the scene on Saturday, police said."),
        ("The board voted 5 to 4 to approve the plan, which raises spending on road repairs by 12 percent.",
         "Mayor Ellen Park said the unanimous vote showed the council could work together on difficult decisions."),
        ("The bridge reopened on Monday after six weeks of repairs, the transport department said.",
         "Drivers were warned that the bridge remains closed to all traffic until further notice."),
        # One event dated twice is a contradiction to check, not two events.
        ("The council approved the budget on March 3 after a long debate about the library.",
         "The council approved the budget on March 5 after a long debate about the library."),
    ],
)
def test_statements_about_one_thing_pass_the_gate(a, b):
    assert _reason(a, b) is None


def test_not_only_but_also_is_not_a_negation():
    cues = read_cues("The plan not only cuts costs but also raises taxes for most households.")
    assert cues.negation_words == ()
    assert not cues.anchors["negation"]
    assert read_cues("The plan does not cut costs.").negation_words == ("not",)
    tokens = "whether or not they agree there is no doubt".split()
    assert not any(negating(tokens))


def test_not_only_pair_gets_no_negation_cue():
    from detector.contradiction.cue_pairs import CueTable, describe_clash

    a = read_cues("The new law not only raises the minimum wage but also extends sick pay.")
    b = read_cues("The new law raises the minimum wage and extends sick pay.")
    assert "negation" not in describe_clash(a, b).lower()
    table = CueTable([a, b])
    features = table.features(np.array([0]), np.array([1]), np.array([0.95]))
    from detector.contradiction.cue_pairs import CUE_FEATURES

    assert features[0, CUE_FEATURES.index("negation_one_side")] == 0


def test_speakers_reads_names_roles_and_pronouns():
    assert speakers("Mayor Ellen Park said the vote was close.") == {"park"}
    assert speakers('"It was fine," his family said.') == {"family"}
    assert speakers("The claim was rejected by Smith.") == {"smith"}
    assert speakers("The bridge remains closed.") == frozenset()


def test_pair_selection_respects_the_budgets_and_the_gate():
    first = np.array([0, 0, 0, 1, 2])
    second = np.array([1, 2, 3, 2, 3])
    rank = np.array([0.9, 0.8, 0.7, 0.95, 0.1])
    allowed = np.array([True, True, True, False, True])
    chosen = select_pairs(first, second, rank, allowed, eligible=4, per_sentence=2, share=1.0, minimum=1)
    # Pair 3 is gated out; sentence 0 takes its two best partners; the rest fits.
    assert chosen.tolist() == [0, 1, 4]
    assert select_pairs(first, second, rank, allowed, eligible=4, per_sentence=2, share=0.25, minimum=1).tolist() == [0]


def test_a_contradiction_must_hold_in_both_orders():
    calls = []

    def score(pairs):
        calls.append(list(pairs))
        return np.array([[0.9 if a.startswith("b") else 0.2, 0.05, 0.05] for a, _ in pairs])

    # Read as a clash one way only (a restatement adding a detail): the smaller reading counts.
    out = read_both_orders([("a1", "b1"), ("b2", "a2")], score, reverse_floor=0.1)
    assert out.tolist() == pytest.approx([0.2, 0.2])
    both = read_both_orders([("b1", "b2")], score, reverse_floor=0.1)
    assert both.tolist() == pytest.approx([0.9])
    assert calls[1] == [("b1", "a1"), ("a2", "b2")]
    # Under the floor, the reverse order is not read at all.
    calls.clear()
    low = read_both_orders([("a1", "a2")], lambda p: np.array([[0.01, 0.5, 0.49]] * len(p)), reverse_floor=0.1)
    assert low.tolist() == pytest.approx([0.01])


def test_pair_reader_follows_its_artifact(tmp_path):
    import json

    from detector.artifacts import ArtifactStore
    from detector.contradiction.reader import READER_ARTIFACT, PairReader

    store = ArtifactStore(tmp_path)
    assert PairReader.load(store) is None  # no artifact: the bi-encoder alone
    (tmp_path / "contradictions").mkdir()
    for in_pipeline, expected in ((False, None), (True, 0.7)):
        (tmp_path / READER_ARTIFACT).write_text(json.dumps({"in_pipeline": in_pipeline, "threshold": 0.7}))
        store.record(READER_ARTIFACT, kind="params")
        reader = PairReader.load(store)
        assert (reader.threshold if reader else None) == expected
        assert PairReader.load(store, even_if_off=True).threshold == 0.7  # what `detector eval --reader on` measures


def test_shipped_accurate_profile_flags_without_the_cross_encoder():
    from detector.artifacts import ArtifactStore
    from detector.contradiction.reader import READER_ARTIFACT, PairReader

    store = ArtifactStore()
    assert store.load_json(READER_ARTIFACT)["in_pipeline"] is False
    assert PairReader.load(store) is None
