"""Normalisation: what the models read is the text with Unicode tricks undone; offsets stay in the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.normalise import normalise
from detector.segment import segment

CLEAN = "The company said on Monday that it would close the plant. Workers were told by letter."


def test_ascii_text_is_left_as_it_is():
    result = normalise(CLEAN)
    assert result.text == CLEAN and not result.changed and result.counts == {}
    assert result.to_source(4, 11) == (4, 11)


def test_look_alike_letters_inside_latin_words_fold_to_latin():
    result = normalise("The раypal ассоunt was closed.")
    assert result.text == "The paypal account was closed."
    assert result.counts == {"confusable": 6}
    assert {c.original for c in result.changes} == {"р", "а", "с", "о"}


def test_real_greek_and_russian_text_is_not_folded():
    for text in (
        "Ο Πρόεδρος της Δημοκρατίας ΚΑΙ ο πρωθυπουργός μίλησαν σήμερα.",
        "Президент России сор Путин заявил об этом в понедельник.",
        "Bond angles of σ-bonding and π-bonding; the parameter α was fitted.",
    ):
        assert normalise(text).text == text


def test_invisible_characters_are_removed_and_spaces_mapped():
    text = "Ze\u200bro wi\u200ddth,\u00a0soft\u00adhyphen and \u202eflipped\u202c text\u3000here."
    result = normalise(text)
    assert result.text == "Zero width, softhyphen and flipped text here."
    assert result.counts == {"invisible": 2, "bidi_control": 2, "soft_hyphen": 1, "space": 2}


def test_full_width_and_mathematical_letters_fold_but_typography_stays():
    result = normalise("ＡＢＣ 𝐛𝐨𝐥𝐝 ﬁne — “quoted” 5 km² … ½ ™")
    assert result.text == "ABC bold fine — “quoted” 5 km² … ½ ™"
    assert result.counts == {"compatibility": 8}


def test_joiners_that_shape_emoji_or_scripts_are_kept():
    family = "👨\u200d👩\u200d👧"
    assert normalise(f"A family {family} posed.").text == f"A family {family} posed."
    persian = "می\u200cخواهم"
    assert normalise(persian).text == persian


def test_map_back_covers_removed_characters_inside_a_span():
    text = "pa\u200byp\u200bal ﬁne"
    result = normalise(text)
    assert result.text == "paypal fine"
    assert result.to_source(0, 6) == (0, 8)  # both zero-width spaces inside "paypal"
    assert result.to_source(7, 11) == (9, 12)  # "fine" is the one ligature character plus "ne"
    assert text[slice(*result.to_source(7, 11))] == "ﬁne"


def test_sentences_keep_input_offsets_and_read_the_normalised_text():
    text = "The раypal ассоunt was\u00a0closed. Ze\u200bro wi\u200bdth\u00ad here.\u200b Next ﬁne one."
    document = segment(text)
    assert [s.clean for s in document.sentences] == ["The paypal account was closed.", "Zero width here.", "Next fine one."]
    for sentence in document.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    assert document.normalisation == {"confusable": 6, "invisible": 3, "soft_hyphen": 1, "space": 1, "compatibility": 1}


def test_zero_width_spaces_do_not_move_sentence_boundaries():
    plain = "Officials met on Monday. They agreed on a plan. It starts in May."
    attacked = "\u200b".join(plain)
    assert [s.clean for s in segment(attacked).sentences] == [s.clean for s in segment(plain).sentences]


_TRICKS = st.sampled_from(["\u200b", "\u200d", "\u00ad", "\u00a0", "\u2009", "\u202e", "\ufeff", "а", "е", "о", "р", "ｅ", "ﬁ", "𝐚", "\u2028"])
_WORDS = st.sampled_from(["The ", "council ", "voted ", "5 ", "to ", "4. ", "Mr. Smith ", "said ", "“no”. ", "\n\n", "- item ", "# Head\n", "<p>", "</p>", "| a | b |\n"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TRICKS, _WORDS, st.text(max_size=6)), max_size=50).map("".join), st.sampled_from(["plain", "markdown", "html", "auto"]))
def test_offsets_stay_exact_in_the_input_whatever_it_hides(text, format):
    document = segment(text, format)
    assert document.text == text
    previous_end = 0
    for sentence in document.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(text)
        assert sentence.start >= previous_end
        assert text[sentence.start : sentence.end] == sentence.text
        previous_end = sentence.end
