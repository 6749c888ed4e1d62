"""Figures: the parser over many formats, typing of non-statistics, support flags, consistency, the example, bad input."""

from __future__ import annotations

import json

import pytest

from detector.figures import Figure, compatible, consistency_issues, document_figures, extract_figures
from detector.segment import segment

from .conftest import EXAMPLE, run_cli


def only(text: str) -> Figure:
    figures = [f for f in extract_figures(text) if f.kind not in ("year", "date")]
    assert len(figures) == 1, [(f.text, f.kind) for f in figures]
    return figures[0]


@pytest.mark.parametrize(
    "text, surface, value, kind, unit, approx",
    [
        ("Police held 1,523 suspects.", "1,523", 1523, "count", None, None),
        ("The rate was 3.75 in May.", "3.75", 3.75, "number", None, None),
        ("Some 1.2 million people fled.", "Some 1.2 million", 1.2e6, "count", None, "about"),
        ("A $45bn deal was signed.", "$45bn", 45e9, "money", "USD", None),
        ("It cost £2.5m to build.", "£2.5m", 2.5e6, "money", "GBP", None),
        ("Fares rose to €1,200.50 per seat.", "€1,200.50", 1200.5, "money", "EUR", None),
        ("They paid 300 dollars each.", "300 dollars", 300, "money", "USD", None),
        ("Turnout reached 45% in the city.", "45%", 45, "percent", "%", None),
        ("Turnout reached 45 per cent in the city.", "45 per cent", 45, "percent", "%", None),
        ("Rates rose 25 basis points.", "25 basis points", 25, "percent", "bp", None),
        ("Six firefighters were hurt.", "Six", 6, "count", None, None),
        ("Ten thousand people marched.", "Ten thousand", 1e4, "count", None, None),
        ("Police seized a dozen rifles.", "a dozen", 12, "count", None, None),
        ("Half a million people fled.", "Half a million", 5e5, "count", None, None),
        ("Over 1,500 suspects were repatriated.", "Over 1,500", 1500, "count", None, "over"),
        ("More than 200 homes burned.", "More than 200", 200, "count", None, "over"),
        ("Nearly 40 percent voted.", "Nearly 40 percent", 40, "percent", "%", "nearly"),
        ("About 300 homes were lost.", "About 300", 300, "count", None, "about"),
        ("Up to 25 inmates rioted.", "Up to 25", 25, "count", None, "at_most"),
        ("At least 18 climbers died.", "At least 18", 18, "count", None, "at_least"),
        ("Fewer than 2% were affected.", "Fewer than 2%", 2, "percent", "%", "under"),
        ("There were 1,500+ suspects.", "1,500+", 1500, "count", None, "at_least"),
        ("It took 10-15 days to finish.", "10-15 days", 12.5, "duration", "days", "range"),
        ("Between 10 and 15 per cent agreed.", "Between 10 and 15 per cent", 12.5, "percent", "%", "range"),
        ("Dozens of people were hurt.", "Dozens", 24, "count", None, "vague"),
        ("Tens of thousands of protesters gathered.", "Tens of thousands", 2e4, "count", None, "vague"),
        ("One in five adults smoke.", "One in five", 20, "ratio", "%", None),
        ("The lake is 16 feet deep.", "16 feet", 16, "measure", "ft", None),
        ("The wall is 5km long.", "5km", 5, "measure", "km", None),
        ("The operation lasted 6 months.", "6 months", 6, "duration", "months", None),
        ("Temperatures fell -5% on the year.", "-5%", -5, "percent", "%", None),
    ],
)
def test_parser_reads_many_formats(text, surface, value, kind, unit, approx):
    figure = only(text)
    assert figure.text == surface
    assert figure.value == pytest.approx(value)
    assert (figure.kind, figure.unit, figure.approx) == (kind, unit, approx)
    assert text[figure.start : figure.end] == figure.text
    assert figure.is_statistic


@pytest.mark.parametrize(
    "text, surface, kind",
    [
        ("In 2012 he left.", "2012", "year"),
        ("It was built in the 1990s.", "1990s", "year"),
        ("The 2019-20 season ended.", "2019-20", "year"),
        ("They met on 5 May.", "5", "date"),
        ("They met on May 5.", "5", "date"),
        ("The date was 12/05/2019.", "12/05/2019", "date"),
        ("It began at 9 a.m. sharp.", "9 a.m.", "time"),
        ("The blast was at 08:00 GMT.", "08:00", "time"),
        ("A 45-year-old man was held.", "45-year-old", "age"),
        ("John Smith, 45, was held.", "45", "age"),
        ("He was aged 45 then.", "45", "age"),
        ("She lives at 10 Downing Street.", "10", "address"),
        ("He was the 40th pick.", "40th", "ordinal"),
        ("The third attempt failed.", "third", "ordinal"),
        ("Spurs won 3-1 at home.", "3-1", "score"),
        ("The G20 met after COVID-19.", "20", "identifier"),
        ("They read Section 230 again.", "230", "identifier"),
        ("Paragraph 3 covers the ferry schedule.", "3", "identifier"),
        ("Bus route 12 runs every ten minutes.", "12", "identifier"),
        ("It breaches article 50 of the treaty.", "50", "identifier"),
        ("The band Maroon 5 played.", "5", "identifier"),
        ("Two weeks ago it rained.", "Two weeks", "period"),
        ("The two have met before.", "two", "other"),
    ],
)
def test_non_statistics_are_typed_separately(text, surface, kind):
    figures = {f.text: f for f in extract_figures(text)}
    assert surface in figures, list(figures)
    assert figures[surface].kind == kind
    assert not figures[surface].is_statistic


def test_counted_noun_and_table_labels(example_text):
    assert only("Chinese authorities repatriated over 1,500 telecom fraud suspects.").noun == "suspects"
    assert only("Hundreds of firefighters arrived.").noun == "firefighters"
    document = segment(example_text)
    rows = {f.text: f for f in document_figures(document) if document.sentences[f.sentence].kind == "table_row"}
    assert rows["1,523"].label == "Suspects Repatriated" and rows["1,523"].noun == "suspects"
    assert rows["18"].label == "Number of Call Centers Raided" and rows["18"].noun == "centers"
    assert rows["6 months"].kind == "duration"
    assert rows["1,500+"].label == "Results / China" and rows["1,500+"].approx == "at_least"


def test_every_numeric_expression_in_the_shared_example_is_found(example_text):
    document = segment(example_text)
    found = [(document.sentences[f.sentence].kind, f.text) for f in document_figures(document)]
    expected = [("sentence", "over 1,500")] * 2 + [("table_row", "1,523"), ("table_row", "6 months"), ("table_row", "18"),
                                                  ("table_row", "5")] + [("sentence", "over 1,500"), ("table_row", "1,500+"),
                                                                         ("sentence", "over 1,500")]
    assert found == expected
    for f in document_figures(document):
        assert example_text[f.start : f.end] == f.text


def test_approximation_bounds_decide_compatibility():
    over, near, exact, off, rounded = (only(t) for t in (
        "Over 1,500 suspects.", "Nearly 1,500 suspects.", "Exactly 1,523 suspects.", "Only 1,200 suspects.", "Some 1,500 suspects."))
    assert compatible(over, exact)
    assert not compatible(over, off)
    assert not compatible(near, exact)
    assert compatible(rounded, exact)
    assert compatible(only("It took 10-15 days."), only("It took 12 days."))
    assert compatible(only("1,500 suspects."), only("1,523 suspects."))  # a round figure covers its rounding


@pytest.mark.parametrize(
    "text, kind, sentence, related",
    [
        ("Police arrested six leaders and four suspects. In all, 12 suspects were held.", "sum", 0, (1,)),
        ("Police detained 12 people, including nine leaders and four suspects.", "sum", 0, ()),
        ("Over 1,500 suspects were repatriated. The ministry said 1,200 suspects were returned.", "approximation", 1, (0,)),
        ("In the poll, 55% said yes and 52% said no.", "share_sum", 0, ()),
        ("Some 120% of voters backed the plan.", "share", 0, ()),
        ("About 1,500 suspects were held. Later 1,480 suspects were freed. Then 1,510 suspects were charged. "
         "Another 150,000 suspects were named.", "magnitude", 3, (0, 1, 2)),
    ],
)
def test_consistency_finds_figures_that_do_not_fit(text, kind, sentence, related):
    document = segment(text)
    issues = [i for i in consistency_issues(document_figures(document), document) if i.kind == kind]
    assert len(issues) == 1, issues
    assert (issues[0].sentence, issues[0].related) == (sentence, related)
    assert issues[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Police arrested six leaders and four suspects. In all, 10 suspects were held.",
        "Police detained 12 people, including six leaders and four suspects.",
        "Over 1,500 suspects were repatriated. The ministry said 1,523 suspects were returned.",
        "Britain voted by 52% to 48% to leave.",
        "Sales rose 150% on last year.",
        "Some 60% of men and 70% of women agreed.",
    ],
)
def test_consistency_stays_quiet_when_figures_fit(text):
    document = segment(text)
    assert consistency_issues(document_figures(document), document) == []


@pytest.mark.parametrize(
    "text",
    [
        "1e309 suspects",
        "9" * 100_000,
        ("The toll rose to 1,523, officials said " * 1200) + ".",  # a 50,000-character sentence
        "<div><p>12<b>,</b>000 <td>&#8220;45%&#8221;</td><<<>>>&&&;;; $$$ £ ¥ 1.2.3.4 ,,, ... 10-- --10 1e309</p>" * 200,
        "\x00\ufeff\u200b 12 \u202f 000 \ud7ff %%%",
        "one two three four five six seven eight nine ten " * 2000,
    ],
)
def test_parser_survives_hostile_input(text):
    for f in extract_figures(text):
        assert text[f.start : f.end] == f.text
        assert f.value is None or abs(f.value) < float("inf")
        json.dumps(f.to_dict(), allow_nan=False)


def test_markup_is_not_read_as_numbers():
    figures = extract_figures('<a href="http://x.y/2019/05/12">Report</a> &#8220;said&#8221; 45 people')
    assert [f.text for f in figures] == ["45"]


@pytest.fixture(scope="module")
def example_report(fast_detector, example_text):
    return fast_detector.check(example_text, checks=["figures"], source=str(EXAMPLE))


def test_example_flags_table_rows_and_unattributed_figures(example_report, validate_report):
    validate_report(example_report.to_dict())
    sentences = example_report.sentences
    flagged = {f.sentence for f in example_report.flags if f.code in ("figure.no_source", "figure.vague_source")}
    statistic_rows = {s.index for s in sentences if s.kind == "table_row" and any(ch.isdigit() for ch in s.text)}
    assert statistic_rows and statistic_rows <= flagged
    over = {s.index for s in sentences if "over 1,500" in s.text}
    assert over <= flagged
    attributed = [s.index for s in sentences if "According to the Ministry" in s.text]
    assert attributed and not flagged & set(attributed)
    table_flag = next(f for f in example_report.flags if f.sentence == min(statistic_rows))
    assert "1,523" in table_flag.message and "table" in table_flag.message
    assert all(f.code != "figure.inconsistent" for f in example_report.flags)  # 1,523 fits "over 1,500" and "1,500+"


def test_report_carries_figures_with_support(example_report):
    figures = example_report.figures
    assert figures and all({"value", "unit", "noun", "support", "kind", "statistic"} <= set(f) for f in figures)
    statistics = [f for f in figures if f["statistic"]]
    assert statistics and all(f["support"] in ("sourced", "vague", "none") for f in statistics)
    score = example_report.scores["unsupported_figure"]
    assert score is not None and 0.0 <= score <= 1.0


@pytest.mark.parametrize(
    "text, code",
    [
        ("Over 1,500 suspects were repatriated from Myanmar last month.", "figure.no_source"),
        ("The ministry said 1,523 suspects were repatriated from Myanmar last month, according to a statement.", None),
        ("Experts say an estimated 1,500 suspects were repatriated, according to reports.", "figure.vague_source"),
    ],
)
def test_support_flags(fast_detector, text, code):
    report = fast_detector.check(text, checks=["figures"])
    codes = {f.code for f in report.flags} - {"figure.inconsistent"}
    assert codes == ({code} if code else set())
    for flag in report.flags:
        assert flag.evidence["figures"] and flag.evidence["figures"][0]["text"] in flag.message


@pytest.mark.xfail(strict=True, reason="known gap: the model has not learned attribution carried from the next sentence "
                   "(about 60 such cases in the labels); it flags the first sentence. See the figures report.")
def test_attribution_carried_from_the_next_sentence(fast_detector):
    text = "Unemployment rose to 7.2% in March. The rise was the steepest in a decade, the report said."
    report = fast_detector.check(text, checks=["figures"])
    assert not [f for f in report.flags if f.sentence == 0 and f.code == "figure.no_source"]


def test_figures_are_computed_once_per_document(fast_detector):
    from detector.checks import Analysis
    from detector.figures import analysis_figures

    document = segment("Over 1,500 suspects were repatriated.")
    analysis = Analysis(document, fast_detector.encoder.encode([s.clean for s in document.sentences]), "fast")
    assert analysis_figures(analysis) is analysis_figures(analysis)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "1e309 " * 50, ("Over 1,500 suspects. " * 2500), "<p><b>12</b>%<<td>>" * 300, "| a | 1 |\n|---|---|\n| b | 2 |"],
)
def test_bad_input_gives_a_report(fast_detector, validate_report, text):
    report = fast_detector.check(text, checks=["figures"])
    validate_report(report.to_dict())


def test_cli_checks_figures_as_json(validate_report):
    result = run_cli("check", "--checks", "figures", "--profile", "fast", "--format", "json", str(EXAMPLE))
    assert result.returncode == 1, result.stderr.decode()
    (payload,) = json.loads(result.stdout)  # --format json is always a list
    validate_report(payload)
    codes = {f["code"] for s in payload["sentences"] for f in s["flags"]}
    assert "figure.no_source" in codes
