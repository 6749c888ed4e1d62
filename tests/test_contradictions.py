"""contradiction.semantic / contradiction.numeric: planted pairs are caught, clean copy is left alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detector.contradiction.check import PER_SENTENCE, candidate_pairs
from detector.contradiction.cue_pairs import CueTable, describe_clash
from detector.contradiction.cues import read_cues, read_numbers
from detector.contradiction.numeric import clash_between, reconcilable

from .conftest import FIXTURES, run_cli

PLANTED = (FIXTURES / "planted_contradiction.md").read_text(encoding="utf-8")
PROFILES = ["fast_detector", "accurate_detector"]

NUMERIC = """A fire at a warehouse in the port district destroyed 120 homes on Sunday night, the fire service said.
Crews from four stations fought the blaze for more than six hours.
Residents were moved to a school hall while engineers checked the nearby buildings.
The fire service said the blaze destroyed 45 homes before it was brought under control.
"""


def _index(report, fragment: str) -> int:
    return next(s.index for s in report.sentences if fragment in s.text)


def _contradictions(report):
    return [f for f in report.flags if f.type == "contradiction"]


@pytest.mark.parametrize("detector_name", PROFILES)
@pytest.mark.parametrize(
    "first, second",
    [("voted 5 to 4", "unanimous vote"), ("bridge reopened on Monday", "bridge remains closed")],
)
def test_planted_contradiction_flags_both_sentences_pointing_at_each_other(request, detector_name, first, second):
    report = request.getfixturevalue(detector_name).check(PLANTED, format="markdown", checks=["contradiction"])
    a, b = _index(report, first), _index(report, second)
    on_a = [f for f in _contradictions(report) if f.sentence == a and b in f.related]
    on_b = [f for f in _contradictions(report) if f.sentence == b and a in f.related]
    assert len(on_a) == 1 and len(on_b) == 1, [f.message for f in report.flags]
    assert on_a[0].code == on_b[0].code and on_a[0].code.startswith("contradiction.")
    # The message quotes the other sentence and says what clashes.
    assert report.sentences[b].clean[:40] in on_a[0].message
    assert report.sentences[a].clean[:40] in on_b[0].message
    assert on_a[0].evidence["pair"] == on_b[0].evidence["pair"] == [min(a, b), max(a, b)]
    assert 0.0 <= on_a[0].score <= 1.0


@pytest.mark.parametrize("detector_name", PROFILES)
def test_fixture_flags_only_the_planted_pairs_each_once(request, detector_name, validate_report):
    report = request.getfixturevalue(detector_name).check(PLANTED, format="markdown", checks=["contradiction"])
    flags = _contradictions(report)
    pairs = [tuple(f.evidence["pair"]) for f in flags]
    # One flag per sentence of a pair, never the same pair twice in either order.
    assert len(pairs) == 2 * len(set(pairs))
    assert all(pairs.count(p) == 2 for p in pairs)
    planted = {
        tuple(sorted((_index(report, "voted 5 to 4"), _index(report, "unanimous vote")))),
        tuple(sorted((_index(report, "bridge reopened"), _index(report, "remains closed")))),
    }
    assert set(pairs) == planted
    assert report.scores["contradiction"] is not None and report.scores["contradiction"] >= 0.5
    validate_report(report.to_dict())


@pytest.mark.parametrize("detector_name", PROFILES)
def test_clean_article_gets_no_contradiction(request, detector_name, example_text):
    report = request.getfixturevalue(detector_name).check(example_text, format="markdown", checks=["contradiction"])
    assert len(report.sentences) > 20
    assert _contradictions(report) == []


@pytest.mark.parametrize("detector_name", PROFILES)
def test_numeric_contradiction_quotes_both_values(request, detector_name):
    report = request.getfixturevalue(detector_name).check(NUMERIC, format="plain", checks=["contradiction"])
    a, b = _index(report, "destroyed 120 homes"), _index(report, "destroyed 45 homes")
    found = [f for f in _contradictions(report) if f.sentence == a and b in f.related]
    assert found and found[0].code == "contradiction.numeric", [f.message for f in report.flags]
    assert "120" in found[0].message and "45" in found[0].message
    assert found[0].evidence["noun"] == "home"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "One sentence only, with 1e309 and 10^400 in it.",
        "The value was 1e309 people. The value was 2e309 people, not 1e309.",
        "word " * 10_000 + ".",
        "<div><p>Open <b>tag soup <i>never</p> closed</div></span> 5 to 4 <<<>>> unanimous",
        "| a | b |\n|---|---|\n| 5 to 4 | unanimous |\n| 3 | 7 |",
        "No. Not. Never. None. " * 200,
    ],
    ids=["empty", "blank", "overflow", "overflow-pair", "huge-sentence", "markup-soup", "table", "negation-storm"],
)
def test_bad_input_never_raises(fast_detector, text):
    report = fast_detector.check(text, checks=["contradiction"])
    assert report.ok
    for flag in _contradictions(report):
        assert flag.related and flag.related[0] != flag.sentence


def test_many_sentences_stay_linear_and_bounded():
    rng = np.random.default_rng(0)
    n = 3000
    vectors = rng.normal(size=(n, 32)).astype(np.float32)
    vectors[::2] = vectors[0] + 0.01 * rng.normal(size=32)  # half the document nearly identical
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    table = CueTable([read_cues("The bridge is closed on Monday.")] * n)
    first, second, cosine = candidate_pairs(vectors, table, 0.5, 0.3)
    assert len(first) <= PER_SENTENCE * n
    assert np.all(first < second)
    assert len(set(zip(first.tolist(), second.tolist()))) == len(first)


def test_cues_name_the_clash():
    a = read_cues("The bridge reopened on Monday after repairs.")
    b = read_cues("The bridge remains closed, officials said on Tuesday.")
    assert '"reopened" vs "closed"' in describe_clash(a, b)
    assert "Monday vs Tuesday" in describe_clash(a, b)
    vote = describe_clash(read_cues("The board voted 5 to 4."), read_cues("The unanimous vote surprised nobody."))
    assert '"unanimous" vs "5 to 4"' in vote


def test_cues_anchor_within_a_clause_not_across_table_cells():
    # The example's table row: "Reduces" sits in the Impact cell, "Telecom" in the next one.
    row = read_cues("Public Campaigns; Reduces victim susceptibility; Telecom Companies & NGOs")
    assert "telecom" not in row.anchors["antonym"]
    assert "victim" in row.anchors["antonym"]
    assert "bridg" in read_cues("Updated 10:30 a.m.: the bridge remains closed").anchors["antonym"]


@pytest.mark.parametrize("detector_name", PROFILES)
def test_numbers_that_name_things_do_not_clash(request, detector_name):
    text = (
        "Bus route 12 runs every ten minutes from the central station.\n\n"
        "Bus route 14 runs every ten minutes from the central station.\n\n"
        "Paragraph 3 of the contract covers the ferry schedule for the spring.\n\n"
        "Paragraph 4 of the contract covers the ferry schedule for the spring.\n"
    )
    report = request.getfixturevalue(detector_name).check(text, format="markdown", checks=["contradiction"])
    assert _contradictions(report) == []


def test_figures_reconcile_approximations_and_rounding():
    about, exact = read_numbers("about 1,200 people"), read_numbers("1,150 people")
    assert reconcilable(about[0], exact[0])
    assert reconcilable(read_numbers("1.2 million people")[0], read_numbers("1,234,000 people")[0])
    assert not reconcilable(read_numbers("1,200 people")[0], read_numbers("1,500 people")[0])
    clash = clash_between(read_numbers("120 homes were destroyed"), read_numbers("45 homes were destroyed"))
    assert clash is not None and clash.noun == "home"
    # Different things counted: no clash.
    assert clash_between(read_numbers("120 homes and 3 schools"), read_numbers("45 cars")) is None


def test_cli_reports_planted_pair_as_json():
    result = run_cli("check", "--profile", "fast", "--checks", "contradiction", "--format", "json",
                     str(FIXTURES / "planted_contradiction.md"))
    assert result.returncode == 1, result.stderr.decode()
    (payload,) = json.loads(result.stdout)  # --format json is always a list
    codes = [f["code"] for s in payload["sentences"] for f in s["flags"]]
    assert codes.count("contradiction.semantic") + codes.count("contradiction.numeric") == 4
