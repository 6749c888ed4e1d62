"""The filler group's rule-based parts: template residue, tautology, the stock-phrase list and matcher, features."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from detector.filler.features import FEATURE_NAMES, sentence_features
from detector.filler.phrases import PHRASE_SCHEMA, StockPhrase, StockPhraseList, shipped_phrases, tokens
from detector.filler.residue import find_residue
from detector.filler.tautology import find_circular
from detector.segment import segment


def residue_rules(text: str, fmt: str = "auto") -> list[str]:
    doc = segment(text, fmt)
    return [r.rule for s in doc.sentences for r in find_residue(s, doc.format)]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Contact [Company Name] for details.", "bracketed_placeholder"),
        ("Please call [Your Name] on [Date].", "bracketed_placeholder"),
        ("The mayor said [insert quote here].", "bracketed_placeholder"),
        ("Dear {client_name}, welcome aboard.", "bracketed_placeholder"),
        ("Revenue rose XX% last year.", "x_figure"),
        ("The deal is worth $XX million.", "x_figure"),
        ("It opened in 20XX to wide acclaim.", "x_figure"),
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "lorem_ipsum"),
        ("The company employs TKTK people.", "tk"),
        ("As an AI language model, I cannot predict election results.", "ai_disclaimer"),
        ("Certainly! Here's a news article about the merger.", "assistant_opener"),
        ("Sure, here is the rewritten story.", "assistant_opener"),
        ("I hope this helps! Let me know if you need any changes.", "assistant_offer"),
        ("Title: Local Council Approves New Budget", "prompt_label"),
        ("As of my last knowledge update, the law had not passed.", "knowledge_cutoff"),
        ("Concluding Remarks", "stock_heading"),
        ("In Conclusion", "stock_heading"),
        ("## Key Takeaways", "stock_heading"),
        ("The council met on Monday. ## Background The vote followed.", "markdown_heading"),
        ("The firm said <br> it would appeal.", "html_tag"),
        ("He said&nbsp;no to the offer.", "html_entity"),
        ("This is an **unbalanced marker in the copy.", "markdown_emphasis"),
    ],
)
def test_template_residue_is_found(text, rule):
    assert rule in residue_rules(text)


def test_markdown_emphasis_is_residue_in_plain_text_but_formatting_in_markdown():
    assert "markdown_emphasis" in residue_rules("The result was **important** for the city.", "plain")
    assert "markdown_emphasis" not in residue_rules("The result was **important** for the city.", "markdown")


@pytest.mark.parametrize(
    "text",
    [
        "Of course, the president disagreed with the ruling.",
        '"Let me know if you need anything," she told the reporter.',
        "As an AI researcher, she studies how robots learn.",
        "He was taken to UCH [University College Hospital] on Monday.",
        "Give my love to [your] children, the Queen wrote.",
        "Kris F**king Jenner, the sign read.",
        "Super Bowl XX was played in New Orleans in 1986.",
        "The conclusion of the inquiry is due in May.",
        "Background",
    ],
)
def test_ordinary_news_copy_is_not_residue(text):
    assert residue_rules(text) == []


def test_html_tags_are_structure_in_html_input():
    assert residue_rules("<p>The firm said it would appeal.</p>", "html") == []


@pytest.mark.parametrize(
    "text",
    [
        "Social media has become an important part of social media.",
        "A win is a win.",
        "It is what it is.",
        "He resigned because he resigned.",
        "The meeting was a meeting.",
    ],
)
def test_tautologies_are_found(text):
    circular = find_circular(text)
    assert circular is not None and circular.message


@pytest.mark.parametrize(
    "text",
    [
        "Technology has become an integral part of modern life.",
        "A chief assistant is an assistant who has the chief's trust.",
        "Your body is not a real body, she said.",
        "Prices rose because demand rose.",
        '"It is what it is," the coach said after the game.',
        "And these people are people who voted for him.",
    ],
)
def test_informative_or_quoted_sentences_are_not_tautologies(text):
    assert find_circular(text) is None


def test_shipped_stock_phrase_file_is_complete_and_measured():
    payload = json.loads(resources.files("detector.filler").joinpath("stock_phrases.json").read_text(encoding="utf-8"))
    assert payload["schema"] == PHRASE_SCHEMA
    method = payload["method"]
    assert payload["data"]["split"] == "train"
    assert len(payload["phrases"]) >= 50
    for entry in payload["phrases"]:
        assert entry["ratio"] >= method["min_ratio"]
        assert entry["q_value"] <= method["max_q"]
        assert entry["machine_docs"] >= method["min_machine_docs"]
        assert entry["human_docs"] >= 0
        assert entry["phrase"] == " ".join(tokens(entry["phrase"]))
    assert payload["flag_min_ratio"] >= method["min_ratio"]
    assert len(shipped_phrases()) == len(payload["phrases"])


def test_phrase_matcher_prefers_the_longest_phrase_and_keeps_offsets():
    phrases = StockPhraseList(
        [StockPhrase("testament", 10.0, 20, 1, 0.001), StockPhrase("a testament to", 30.0, 40, 0, 0.001),
         StockPhrase("crucial", 5.0, 30, 4, 0.001)]
    )
    text = "It stands as A Testament to their crucial work."
    hits = phrases.find(text)
    assert [h.phrase.phrase for h in hits] == ["a testament to", "crucial"]
    assert text[hits[0].start : hits[0].end] == "A Testament to"
    assert hits[0].phrase.machine_probability == pytest.approx(30 / 31)


def test_features_name_the_words_behind_them():
    sentence = segment("This operation not only reflects a crucial commitment but also underscores the potential for cooperation.").sentences[0]
    feats = sentence_features(sentence)
    assert len(feats.values) == len(FEATURE_NAMES)
    assert "not_only_but_also" in feats.constructions
    assert "crucial" in feats.intensifiers
    assert "cooperation" in feats.abstract or "commitment" in feats.abstract
    assert feats.specific["names"] == 0 and feats.specific["numbers"] == 0

    specific = segment('Mayor Ana Ruiz said on Tuesday that 1,240 homes lost power, "more than in 2019."').sentences[0]
    feats = sentence_features(specific)
    assert feats.specific["names"] >= 2  # Ana Ruiz (and the capitalised weekday)
    assert {k: feats.specific[k] for k in ("numbers", "dates", "quotes", "attributions")} == {
        "numbers": 2, "dates": 1, "quotes": 1, "attributions": 1}
