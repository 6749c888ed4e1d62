"""integrity.* flags, meta.normalisation, and the evidence rule for short input, through the Detector."""

from __future__ import annotations

import pytest

from detector.evidence import LengthCalibration

ARTICLE = (
    "The city council voted 5 to 4 on Tuesday to close the Elm Street library at the end of June.\n\n"
    "Council member Ana Ruiz, who voted against the plan, said the branch served 40,000 visitors last year.\n\n"
    "The library's budget of $1.2 million will move to the central branch, according to the city's finance office.\n\n"
    "Residents who spoke at the meeting asked for the vote to be delayed until after a public hearing in May.\n\n"
    "Mayor Tom Lee said the city could not afford to keep both buildings open and would sell the Elm Street site.\n"
)


def _codes(report) -> list[str]:
    return [f.code for f in report.flags if f.type == "integrity"]


def test_homoglyphs_are_flagged_where_they_are_and_say_what_was_found(fast_detector, validate_report):
    text = ARTICLE.replace("council voted", "соuncil vоted").replace("library", "librаry", 1)
    report = fast_detector.check(text)
    flags = [f for f in report.flags if f.code == "integrity.homoglyphs"]
    assert [f.sentence for f in flags] == [0]
    assert "4 Cyrillic look-alike letters" in flags[0].message and "'соuncil'" in flags[0].message
    assert "reads as 'council'" in flags[0].message
    payload = report.to_dict()
    assert payload["meta"]["normalisation"] == {"confusable": 4}
    validate_report(payload)
    for sentence in payload["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]


def test_zero_width_characters_inside_words_are_flagged(fast_detector, validate_report):
    text = ARTICLE.replace("visitors", "vi\u200bsi\u200bto\u200brs")
    report = fast_detector.check(text)
    flags = [f for f in report.flags if f.code == "integrity.invisible_characters"]
    assert [f.sentence for f in flags] == [1]
    assert flags[0].message.startswith("3 invisible characters inside words (zero width space x3)")
    assert "'vi<ZWSP>si<ZWSP>to<ZWSP>rs'" in flags[0].message
    assert report.to_dict()["meta"]["normalisation"] == {"invisible": 3}
    validate_report(report.to_dict())


def test_attacks_do_not_change_what_the_models_read(fast_detector):
    clean = fast_detector.check(ARTICLE)
    attacked = fast_detector.check("\u200b".join(ARTICLE.replace("a", "а")))
    assert [s.clean for s in attacked.sentences] == [s.clean for s in clean.sentences]
    assert attacked.scores["filler"] == pytest.approx(clean.scores["filler"])
    assert set(_codes(attacked)) == {"integrity.homoglyphs", "integrity.invisible_characters"}


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        ARTICLE.replace('"', "“").replace("library's", "library’s") + "\nA “quoted” remark — with an em dash — and…\n",
        ARTICLE.replace("at the end", "at\u00a0the end"),  # one stray no-break space
        ARTICLE + "\nΟ Πρόεδρος της Δημοκρατίας μίλησε σήμερα στη Βουλή για το νέο νομοσχέδιο.\n",
        ARTICLE + "\nПрезидент России заявил об этом в понедельник, сообщает агентство.\n",
        ARTICLE + "\nThe σ-bonding and π-bonding values, and the parameter α, were fitted.\n",
        ARTICLE + "\nA family photo 👨\u200d👩\u200d👧 was shared, and a foot\u00adnote hint.\n",
    ],
)
def test_clean_copy_gets_no_integrity_flag(fast_detector, text):
    assert _codes(fast_detector.check(text)) == []


@pytest.mark.parametrize("text", ["", "   \n", "Hello.", "Short note here.", b""])
def test_too_little_text_gets_null_scores_and_a_note(fast_detector, validate_report, text):
    report = fast_detector.check(text)
    assert report.scores == {"filler": None, "contradiction": None, "unsupported_figure": None, "against_source": None}
    assert not [f for f in report.flags if f.code == "filler.generic"]
    payload = report.to_dict()
    validate_report(payload)
    if report.sentences:
        assert any(note.startswith("too short to judge:") for note in payload["meta"]["notes"])


def test_the_note_counts_the_words_given(fast_detector):
    report = fast_detector.check("Hello there, world.")
    assert report.document.notes[-1].startswith("too short to judge: 3 words")


def test_a_whole_article_is_scored(fast_detector):
    report = fast_detector.check(ARTICLE * 2)
    assert report.scores["filler"] is not None
    assert not any(n.startswith("too short") for n in report.document.notes)


def test_length_calibration_never_raises_a_score_and_fades_out_with_length():
    calibration = LengthCalibration(words=(20.0, 80.0, 300.0), shifts=(2.0, 1.0, 0.0), min_words=40, human_rate=0.05)
    assert not calibration.enough(39) and calibration.enough(40)
    for words in (20, 50, 80, 200, 300, 1000):
        assert calibration.adjust(0.9, words)[0] <= 0.9 + 1e-12
    assert calibration.adjust(0.9, 1000)[0] == pytest.approx(0.9)
    assert calibration.adjust(0.9, 20)[0] < calibration.adjust(0.9, 80)[0] < calibration.adjust(0.9, 300)[0]
    assert LengthCalibration.from_dict(calibration.to_dict()) == calibration
