"""When a filler score becomes a flag: the document gate, reporting left alone, messages that only claim what is there."""

from __future__ import annotations

import json
import math
import re
from importlib import resources

import numpy as np
import pytest

from detector.artifacts import ArtifactStore
from detector.filler.gate import SentenceGate, fit_gate, reporting_reason
from detector.filler.model import FillerModel
from detector.filler.page_residue import find_page_residue, shipped_page_residue

from .conftest import needs_shared_data


@pytest.mark.parametrize(
    "text, reason",
    [
        ('"We will not be defeated," the mayor said.', "quote"),
        ("Turnout reached a record, the election commission said.", "attribution"),
        ("As measured by Gallup, support has fallen among young voters.", "attribution"),
        ("Eleven million deaths were linked to poor diets, a global study found.", "attribution"),
        ("Mayor Ellen Park signed the budget on Tuesday after a 5 to 4 vote.", "figures"),
        ("Reverend Swadley met Jen at a family event hosted by Jane.", "names"),
        ("This development underscores the importance of cooperation in an ever-changing landscape.", None),
        ("The move has sparked widespread concern among residents.", None),
    ],
)
def test_reporting_is_recognised_and_padding_is_not(text, reason):
    assert reporting_reason(text) == reason


def test_gate_demands_more_of_a_sentence_where_the_document_score_is_low():
    gate = SentenceGate(weight=1.0, document_floor=0.6, cut=4.0, sentence_min=0.0)
    assert gate.sentence_cut(0.5) == math.inf  # under the floor nothing is flagged
    assert gate.sentence_cut(0.7) > gate.sentence_cut(0.9) > gate.sentence_cut(0.99) == 0.0
    assert gate.sentence_cut(0.999999) == 0.0  # never below the sentence's own evidence
    rows = gate.allows_rows(np.array([1.5, 1.5, -1.0]), np.array([0.7, 0.95, 0.999]))
    assert rows.tolist() == [False, True, False]


def _synthetic_rows(seed: int = 3):
    """Human articles with low document scores (two of them high) and machine articles with high ones."""
    rng = np.random.default_rng(seed)
    logits, p_doc, docs, human = [], [], [], []
    for d in range(300):
        is_human = d < 200
        p = rng.uniform(0.0, 0.4) if is_human else rng.uniform(0.6, 1.0)
        if d in (0, 1):  # human articles the document model takes for machine copy
            p = 0.75
        for _ in range(10):
            logits.append(rng.normal(-1.0 if is_human else 1.0, 1.0))
            p_doc.append(p)
            docs.append(d)
            human.append(is_human)
    human = np.array(human)
    return np.array(logits), np.array(p_doc), np.array(docs), human, ~human


def test_fitted_gate_holds_the_human_budget_and_still_catches_machine_copy():
    logits, p_doc, docs, human, machine = _synthetic_rows()
    flaggable = np.ones(len(logits), bool)
    gate, grid = fit_gate(logits, p_doc, flaggable, human, machine, docs, budget=0.01, sentence_min=0.0)
    flagged = gate.allows_rows(logits, p_doc)
    assert flagged[human].mean() <= 0.01
    assert flagged[machine].mean() > 0.5
    assert sum(1 for row in grid if row.get("chosen")) == 1
    assert all(row["human_flagged_q"] <= 0.01 + 1e-9 for row in grid)


def test_rows_that_are_not_flaggable_are_never_flagged_by_the_fit():
    logits, p_doc, docs, human, machine = _synthetic_rows()
    flaggable = np.arange(len(logits)) % 2 == 0
    gate, _ = fit_gate(logits, p_doc, flaggable, human, machine, docs, budget=0.01, sentence_min=0.0)
    chosen_cut = np.array([gate.sentence_cut(p) for p in p_doc])
    # The check applies reporting_reason itself; the fit only counted the flaggable rows as flags.
    assert np.all(chosen_cut >= 0.0)


@pytest.mark.parametrize("profile", ["fast", "accurate"])
def test_shipped_filler_artifacts_carry_a_gate_fitted_on_dev(profile):
    store = ArtifactStore()
    model = FillerModel(store.load_joblib(f"filler/{profile}.joblib"))
    assert model.gate is not None
    assert 0.0 <= model.gate.document_floor < 1.0
    grid = model.artifact["gate_grid"]
    assert sum(1 for row in grid if row.get("chosen")) == 1
    entry = store.entry(f"filler/{profile}.joblib")
    assert entry["params"]["gate"]["document_floor"] == pytest.approx(model.gate.document_floor, abs=1e-4)
    assert entry["metrics"]["dev"]["dev_human_news_sentences_flagged_generic"] <= entry["params"]["generic_human_budget"]


@pytest.fixture(scope="module")
def example_with_reporting(example_text):
    """The machine-written example with reported sentences added to it: its filler score stays high."""
    reported = (
        '\n\n"We were told to wait at the border for three days," said Ko Min, a returnee interviewed in Muse.\n\n'
        "The repatriation was the largest this year, the Chinese Ministry of Public Security said in a statement.\n"
    )
    return example_text + reported


@pytest.mark.parametrize("profile", ["fast", "accurate"])
def test_quotes_and_attributed_sentences_are_never_generic(example_with_reporting, fast_detector, accurate_detector, profile):
    detector = {"fast": fast_detector, "accurate": accurate_detector}[profile]
    report = detector.check(example_with_reporting, checks=["filler"])
    assert report.scores["filler"] > 0.9
    for flag in report.flags:
        if flag.code == "filler.generic":
            assert reporting_reason(report.sentences[flag.sentence].clean) is None, report.sentences[flag.sentence].clean
    reported = [s for s in report.sentences if "Ko Min" in s.clean or "Ministry of Public Security said" in s.clean]
    assert len(reported) == 2
    assert not [f for s in reported for f in report.flags_for(s.index) if f.code == "filler.generic"]


@pytest.mark.parametrize("profile", ["fast", "accurate"])
def test_generic_messages_only_claim_what_is_in_the_sentence(example_text, fast_detector, accurate_detector, profile):
    detector = {"fast": fast_detector, "accurate": accurate_detector}[profile]
    report = detector.check(example_text, checks=["filler"])
    generic = [f for f in report.flags if f.code == "filler.generic"]
    assert generic
    for flag in generic:
        text = " ".join(report.sentences[flag.sentence].clean.split())
        assert "attribution" not in flag.message
        for quoted in re.findall(r'construction ((?:"[^"]+"(?:, )?)+)', flag.message):
            for part in re.findall(r'"([^"]+)"', quoted):
                for piece in part.split(" … "):
                    assert piece.lower() in text.lower(), (piece, text)
        if "no names" in flag.message:
            assert not re.search(r"(?<=[\w,;:)] )[A-Z][a-z]", text), text
        assert flag.evidence["document_score"] >= detector_floor(profile)


def detector_floor(profile: str) -> float:
    return FillerModel(ArtifactStore().load_joblib(f"filler/{profile}.joblib")).gate.document_floor


def test_a_name_that_opens_the_sentence_is_not_called_missing(fast_detector):
    from detector.filler.features import sentence_features
    from detector.filler.generic import _describe
    from detector.segment import segment

    text = "Infrabel has begun an investigation into the crash."
    feats = sentence_features(segment(text).sentences[0])
    assert feats.specific["names"] == 0  # the feature skips the first word ...
    assert "names" not in _describe("specificity", feats, text)  # ... the message does not


def test_stock_phrases_in_a_human_looking_story_are_not_flagged(fast_detector):
    text = (
        "Bryant was named the NBA's Most Valuable Player in 2008 and selected for the All-Star team on 17 occasions.\n\n"
        "He scored 81 points against Toronto in January 2006, the second-highest total in league history.\n\n"
        '"He was the best player I ever coached," Phil Jackson told ESPN on Sunday.\n\n'
        "Bryant spent all 20 of his seasons with the Lakers and won five championships, the last of them in 2010.\n"
    )
    report = fast_detector.check(text, checks=["filler"])
    assert report.scores["filler"] is not None, "long enough for the evidence rule"
    assert report.scores["filler"] < detector_floor("fast")
    assert not [f for f in report.flags if f.code in ("filler.stock_phrase", "filler.generic")]


# ---------------------------------------------------------------------------
# Page residue


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Media playback is not supported on this deviceArmson, who is a college examiner by day, guided Brackley to a win.",
         "Media playback is not supported on this device"),
        ('Crawley Town manager Mark Yates told BBC Surrey:Media playback is not supported on this device"It was a frustrating game."',
         "Media playback is not supported on this device"),
        ("The firm said it would appeal. Read or Share this story: https://usat.ly/2hkQNll", "Read or Share this story:"),
        ("Get push notifications with news, features and more.", "Get push notifications with news, features and more."),
    ],
)
def test_page_residue_is_found_inside_and_glued_to_sentences(text, phrase):
    assert phrase in find_page_residue(text)


@pytest.mark.parametrize(
    "text",
    [
        "Readers can read more: the report runs to 300 pages.",
        "The council will follow us on this, the mayor said.",
        "Media playback devices were stolen from the school on Tuesday.",
        "The related gallery opened in March.",
    ],
)
def test_ordinary_copy_is_not_page_residue(text):
    assert find_page_residue(text) == []


def test_shipped_page_residue_list_is_mined_with_its_counts():
    payload = json.loads(resources.files("detector.filler").joinpath("page_residue.json").read_text(encoding="utf-8"))
    criteria = payload["meta"]["criteria"]
    assert payload["meta"]["built_by"] == "python -m detector.filler.train_page_residue"
    assert "train" in payload["meta"]["data"] and "test" not in payload["meta"]["data"]
    assert len(payload["phrases"]) >= 10
    for entry in payload["phrases"]:
        assert entry["human_stories"] >= criteria["min_human_stories"]
        assert entry["machine_stories"] <= entry["human_stories"] * criteria["max_machine_share"] + 1e-9
        assert len(entry["phrase"].split()) >= criteria["min_words"]
    rejected = {e["phrase"] for e in payload["meta"]["rejected"]}
    assert rejected.isdisjoint(e["phrase"] for e in payload["phrases"])
    assert all(e["reason"] for e in payload["meta"]["rejected"])
    assert len(shipped_page_residue().phrases) == len(payload["phrases"])


def test_page_residue_is_flagged_as_template_residue_but_is_no_input_of_the_filler_models(fast_detector):
    story = (
        "Brackley will travel to Blackpool in the second round after a 4-3 extra-time win over Gillingham on Tuesday.\n\n"
        "Midfielder Armson, 26, scored twice and was named man of the match by the club.\n"
    )
    residue = "Media playback is not supported on this device"
    with_residue = story.replace("Midfielder", residue + "Midfielder")
    report = fast_detector.check(with_residue, checks=["filler"])
    flags = [f for f in report.flags if f.code == "filler.template_residue"]
    assert len(flags) == 1 and residue in flags[0].message
    assert flags[0].evidence["residue"][0]["kind"] == "page"
    # Human pages carry it: the template-residue feature and the document model's residue count do not see it.
    from detector.filler.residue import find_residue
    from detector.segment import segment

    assert all(find_residue(s) == [] for s in segment(with_residue).sentences)


@needs_shared_data
def test_page_residue_mining_reads_train_and_dev_only():
    from detector.filler import train_page_residue as page_residue

    assert page_residue.SPLITS == ("train", "dev")
    assert page_residue.pieces("Media playback is not supported on this deviceArmson, who is 26, scored.") >= {
        "Media playback is not supported on this device"
    }


def test_a_stock_phrase_inside_a_quotation_is_the_speakers_word():
    from detector.filler.checks import _inside_quotation

    text = '"We will work tirelessly for this city," the mayor said, vowing to work tirelessly.'
    assert _inside_quotation(text, text.index("tirelessly"))
    assert not _inside_quotation(text, text.rindex("tirelessly"))
    curly = "She said she would “work tirelessly” and then left to work tirelessly."
    assert _inside_quotation(curly, curly.index("tirelessly"))
    assert not _inside_quotation(curly, curly.rindex("tirelessly"))


@pytest.mark.parametrize("text", ["Smith's actions caught the attention of police.", "Reeves has also been keeping a low profile."])
def test_a_common_surname_that_opens_the_sentence_is_not_called_missing(text):
    from detector.filler.generic import _has_name

    assert _has_name(text)


def test_a_sentence_without_names_is_still_said_to_have_none():
    from detector.filler.generic import _has_name

    assert not _has_name("However, the incident has raised questions about safety.")
    assert not _has_name("The waves were smaller than usual, but surfers agreed the conditions were acceptable.")
