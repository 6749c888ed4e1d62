"""Language: text the models were not trained on gets no model scores, a note, and only language-independent checks."""

from __future__ import annotations

import json


from detector import Detector
from detector.checks import Check, CheckResult
from detector.language import identify_language

from .conftest import SHARED_DATA, needs_shared_data

SPANISH = (
    "El ayuntamiento aprobó el martes el presupuesto municipal para el próximo año, con un aumento del gasto en "
    "transporte público y en la limpieza de las calles. La oposición votó en contra y acusó al gobierno local de "
    "no haber consultado a los vecinos. Las obras en la avenida principal comenzarán en primavera."
)
ENGLISH = (
    "The council approved next year's budget on Tuesday, with more money for buses and street cleaning. "
    "The opposition voted against it and said residents had not been consulted. Work on the main avenue "
    "will begin in the spring. The mayor said the plan would keep the library open on Saturdays and repair the "
    "pavements on the north side of the town, where residents have complained about potholes for two winters."
)


def test_identify_language_names_english_and_spanish_and_abstains_on_a_word():
    assert identify_language(ENGLISH).code == "en"
    spanish = identify_language(SPANISH)
    assert spanish.code == "es" and not spanish.supported
    hello = identify_language("Hello.")
    assert hello.code == "und" and hello.supported, "too little text to tell is never called foreign"


def test_foreign_text_gets_null_scores_a_note_and_no_model_flags(fast_detector, validate_report):
    payload = fast_detector.check(SPANISH * 3).to_dict()
    validate_report(payload)
    assert payload["scores"] == {"filler": None, "contradiction": None, "unsupported_figure": None, "against_source": None}
    assert payload["meta"]["language"] == "es"
    assert any(note.startswith("language: es") and "trained on English" in note for note in payload["meta"]["notes"])
    assert all(not s["flags"] for s in payload["sentences"])
    assert payload["sentences"], "the sentences are still reported, with exact offsets"


def test_english_text_is_scored_and_says_its_language(fast_detector):
    payload = fast_detector.check(ENGLISH).to_dict()
    assert payload["meta"]["language"] == "en"
    assert payload["scores"]["filler"] is not None


class _FlagsEverySentence(Check):
    """A stand-in for a language-independent rule (e.g. invisible characters): flags every sentence."""

    name = "test_language_independent"
    group = "filler"
    codes = {"filler.test_language_independent": "test"}
    language_independent = True

    def run(self, analysis):
        return CheckResult([self.flag(s.index, "filler.test_language_independent", 1.0, "seen") for s in analysis.sentences])


def test_language_independent_checks_still_run_on_foreign_text(fast_detector):
    detector = Detector(fast_detector.encoder, [*fast_detector.checks, _FlagsEverySentence()])
    report = detector.check(SPANISH)
    assert {f.code for f in report.flags} == {"filler.test_language_independent"}
    assert len(report.flags) == len(report.sentences)
    assert report.scores["filler"] is None


@needs_shared_data
def test_newsgpt_non_english_test_rows_get_no_filler_score_and_english_rows_keep_theirs(fast_detector):
    rows = [json.loads(line) for line in (SHARED_DATA / "ai_text" / "newsgpt-test.jsonl").open(encoding="utf-8")]
    foreign = [r for r in rows if r["language"] != "en"]
    assert len(foreign) >= 200
    reports = list(fast_detector.check_many((r["text"] for r in foreign), batch_size=64))
    unscored = [r for r in reports if r.scores["filler"] is None and not r.flags]
    assert len(unscored) == len(foreign)
    assert {rep.language for rep in reports} == {r["language"] for r in foreign}
    english = [r for r in rows if r["language"] == "en"]
    assert all(identify_language(r["text"]).code == "en" for r in english)
