"""Segmentation: exact offsets, real copy's structure, and bounded cost on hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.segment import SENTENCE_KINDS, is_title_line, segment, sniff_format


def assert_offsets(text: str, fmt: str = "auto") -> list:
    doc = segment(text, fmt)
    previous_end = 0
    for i, sentence in enumerate(doc.sentences):
        assert sentence.index == i
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= previous_end, "sentences overlap or go backwards"
        assert sentence.clean and sentence.clean == sentence.clean.strip()
        assert "\x00" not in sentence.clean
        assert sentence.kind in SENTENCE_KINDS
        previous_end = sentence.end
    return doc.sentences


# Text built from the pieces that trip segmenters: markup, quotes, abbreviations,
# pipes, bullets, entities, odd white space and non-Latin scripts.
_PIECES = st.sampled_from(
    [
        "The U.S. Army said", " Dr. Smith", " left at 9 a.m.", " on Monday.", " It rose 3.5%.", ' "We won," he said.',
        " Really...", " What?", "\n", "\n\n", "\r\n", "# ", "## Heading", "- ", "* ", "1. ", "> ", "| a | b |\n|---|---|\n| 1 | 2 |",
        "**", "*", "_", "`", "[link](http://x.y/z)", "![img](a.png)", "<b>", "</b>", "<p>", "</p>", "<br>", "&amp;", "&#8220;",
        "<script>alert(1)</script>", "<!-- c -->", "Myanmar**", "\t", "    ", "É", "東京", "😀", "\u200b", "\u2028", "—", "…", ":",
        "Telecom Fraud Suspects Repatriated", "Concluding Remarks",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join), st.sampled_from(["plain", "markdown", "html", "auto"]))
def test_offsets_are_exact_for_any_text(text, fmt):
    assert_offsets(text, fmt)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_offsets_are_exact_for_arbitrary_unicode(text):
    for fmt in ("plain", "markdown", "html"):
        assert_offsets(text, fmt)


def test_shared_example_structure(example_text):
    sentences = assert_offsets(example_text)
    by_text = {s.clean: s for s in sentences}
    headings = [s.clean for s in sentences if s.kind == "heading"]
    assert "Telecom Fraud Suspects Repatriated in Major Cross-Border Crackdown" in headings
    assert "Concluding Remarks" in headings
    assert "Strategies to Combat Telecom Fraud and Enhance International Law Enforcement Cooperation" in headings
    assert by_text["Authorities highlighted several critical components that led to the operation’s success:"].kind == "sentence"

    bullets = [s for s in sentences if s.kind == "list_item"]
    assert len(bullets) == 10
    assert bullets[0].clean.startswith("Joint Surveillance Efforts:") and not bullets[0].text.startswith("-")

    rows = [s for s in sentences if s.kind == "table_row"]
    assert len(rows) == 11
    suspects = next(s for s in rows if "1,523" in s.text)
    assert suspects.cells == ("Suspects Repatriated", "1,523")
    assert suspects.header == ("Metric", "Value")
    assert suspects.text == "| Suspects Repatriated | 1,523 |"
    # The first paragraph is three sentences, not one line.
    first = [s for s in sentences if s.block == 0]
    assert len(first) == 3 and first[0].clean.startswith("In a major cross-border crackdown")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. Army said Dr. Smith arrived at 9 a.m. on Monday. He left at 5 p.m. and went home.", 2),
        ("Growth was 3.5 percent in 2023. It fell to 2.1% later.", 2),
        ('"We will win," he said. "The vote is Tuesday." Then he left.', 3),
        ("He paused... Then he spoke again. What? Nobody knew!", 4),
        ("The company, Acme Inc., reported a profit. Shares rose 4.5% to $12.30 each.", 2),
    ],
)
def test_sentence_boundaries(text, expected):
    assert len(assert_offsets(text, "plain")) == expected


def test_markdown_markup_is_kept_in_text_and_removed_from_clean():
    text = "# Title here\n\nSome *emphasis* and **bold** with a [link](http://x.com/a_(b)) and `code`. Myanmar** said so.\n"
    sentences = assert_offsets(text, "markdown")
    assert sentences[0].kind == "heading" and sentences[0].clean == "Title here"
    assert sentences[1].text.startswith("Some *emphasis*")
    assert sentences[1].clean == "Some emphasis and bold with a link and code."
    assert sentences[2].text == "Myanmar** said so." and sentences[2].clean == "Myanmar said so."


def test_hard_wrapped_lines_join_into_sentences():
    text = "The council voted on Tuesday to approve the budget, which\nincludes new spending on roads. The mayor said\nthe plan would go ahead.\n"
    sentences = assert_offsets(text, "plain")
    assert [s.clean for s in sentences] == [
        "The council voted on Tuesday to approve the budget, which includes new spending on roads.",
        "The mayor said the plan would go ahead.",
    ]


def test_html_structure_scripts_and_entities():
    text = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body><h1>Head &amp; more</h1>"
        "<p>Hello <b>world</b>. <a href=\"x y\">Next</a> one.<br>After a break</p><script>if(a<b)alert(1)</script>"
        "<ul><li>one<li>two items.</ul><table><tr><th>Metric<th>Value<tr><td>Suspects<td>1,523</table></body></html>"
    )
    assert sniff_format(text) == "html"
    sentences = assert_offsets(text)
    cleans = [s.clean for s in sentences]
    assert cleans[:4] == ["Head & more", "Hello world.", "Next one.", "After a break"]
    assert sentences[0].kind == "heading"
    assert sentences[2].text == '<a href="x y">Next</a> one.'
    assert not any("alert" in c or "color" in c or c == "T" for c in cleans)
    assert [s.kind for s in sentences if s.clean in ("one", "two items.")] == ["list_item", "list_item"]
    row = next(s for s in sentences if s.kind == "table_row")
    assert row.cells == ("Suspects", "1,523") and row.header == ("Metric", "Value")


def test_html_offsets_with_multibyte_text():
    text = "<p>Café “quoted” 東京 text. Second ✓ sentence.</p>"
    sentences = assert_offsets(text, "html")
    assert [s.clean for s in sentences] == ["Café “quoted” 東京 text.", "Second ✓ sentence."]


def test_title_lines():
    assert is_title_line("Concluding Remarks")
    assert is_title_line("Telecom Fraud Suspects Repatriated in Major Cross-Border Crackdown")
    assert not is_title_line("Authorities highlighted several critical components that led to the operation’s success:")
    assert not is_title_line("The mayor said the plan would go ahead.")
    assert not is_title_line("")


@pytest.mark.parametrize(
    "name, text",
    [
        ("no punctuation", "word " * 10_000),
        ("one 50,000-character sentence", ("lorem ipsum dolor sit amet " * 2000)[:50_000]),
        ("deep html nesting", "<div>" * 20_000 + "text"),
        ("unclosed tags", "<a " * 50_000),
        ("open comment", "<!--" + "x" * 100_000),
        ("lone angle brackets", "<" * 100_000),
        ("pipes", "|" * 100_000),
        ("stars", "*" * 100_000 + "text"),
        ("bullets", "- \n" * 30_000),
        ("brackets", "[" * 50_000 + "](" * 50_000),
    ],
)
def test_hostile_input_is_bounded(name, text):
    for fmt in ("markdown", "html"):
        started = time.perf_counter()
        assert_offsets(text, fmt)
        # Not a speed assertion: a guard against accidentally quadratic paths,
        # which take minutes on these sizes, not seconds.
        assert time.perf_counter() - started < 60, f"{name} ({fmt}) took too long"


def test_pathological_html_falls_back_to_tag_stripping():
    import detector.segment as segment_module

    original = segment_module._HTML_PARSE_SECONDS, segment_module._HTML_PARSE_SECONDS_PER_MB
    segment_module._HTML_PARSE_SECONDS, segment_module._HTML_PARSE_SECONDS_PER_MB = 0.0, 0.0
    try:
        text = "<div>" * 5000 + "<p>Real text here. Second sentence.</p>"
        doc = segment(text, "html")
    finally:
        segment_module._HTML_PARSE_SECONDS, segment_module._HTML_PARSE_SECONDS_PER_MB = original
    assert doc.notes and "stripped" in doc.notes[0]
    assert [s.clean for s in doc.sentences] == ["Real text here.", "Second sentence."]
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text


def test_empty_and_whitespace():
    for text in ("", "   ", "\n\n\n", "<p></p>", "<!-- only a comment -->"):
        assert segment(text).sentences == []
