"""Copy checked against its source: the library, the command line and the HTTP API over a real socket."""

from __future__ import annotations

import json

import httpx
import pytest

from detector.errors import InputError

from .conftest import run_cli

SOURCE = (
    "The city council approved a budget of $4.2 million on Tuesday. "
    "Mayor Jane Holloway said the money would repair 12 bridges across the county. "
    "The vote was seven to two, and work on the first bridge will begin in March. "
    "Residents had complained for years about closed roads and long detours."
)
# The same story with a changed figure and a person the source never names.
DISTORTED = (
    "The city council approved a budget of $6.5 million on Tuesday. "
    "Mayor Jane Holloway said the money would repair 12 bridges across the county. "
    "Councillor Peter Okafor, who voted against the plan, called it a waste of public money."
)
# The same facts, reworded.
FAITHFUL = (
    "On Tuesday the city council passed a $4.2 million budget. "
    "The money will fix 12 bridges across the county, Mayor Jane Holloway said. "
    "Work on the first bridge starts in March after a vote of seven to two."
)


def source_flags(report) -> list:
    return [f for f in report.flags if f.code.startswith("source.")]


def test_contradicted_figure_quotes_the_source_with_exact_offsets(fast_detector, validate_report):
    report = fast_detector.check(DISTORTED, source_text=SOURCE, source_name="wire.txt")
    contradicted = [f for f in report.flags if f.code == "source.contradicted"]
    assert [(f.sentence, f.evidence["kind"], f.evidence["copy"]) for f in contradicted] == [(0, "figure", "$6.5 million")]
    quoted = contradicted[0].evidence["source"]
    assert SOURCE[quoted["start"] : quoted["end"]] == quoted["text"]
    assert quoted["text"].startswith("The city council approved a budget of $4.2 million")
    assert contradicted[0].evidence["source_says"] == "$4.2 million"
    assert contradicted[0].type == "against_source" and 0 <= contradicted[0].score <= 1
    payload = report.to_dict()
    validate_report(payload)
    assert payload["meta"]["against"] == "wire.txt"
    assert 0 <= payload["scores"]["against_source"] <= 1


def test_unsupported_name_is_named_in_the_message(fast_detector):
    report = fast_detector.check(DISTORTED, source_text=SOURCE)
    names = [f for f in report.flags if f.code == "source.unsupported" and f.evidence["kind"] == "name"]
    assert [f.evidence["copy"] for f in names] == ["Peter Okafor"]
    assert names[0].sentence == 2 and "Peter Okafor is not in the source" in names[0].message
    flag = names[0]
    assert DISTORTED[flag.evidence["copy_start"] : flag.evidence["copy_end"]] == "Peter Okafor"
    assert report.to_dict()["meta"]["against"] == "<source text>"


def test_one_unsupported_flag_per_sentence_lists_everything_the_source_lacks(fast_detector, validate_report):
    added = ("Officials from Millville Public Schools, Cumberland County and the NJ Department of Education "
             "said 42% of the 17 roads would close.")
    copy = DISTORTED + " " + added
    report = fast_detector.check(copy, source_text=SOURCE)
    unsupported = [f for f in report.flags if f.code == "source.unsupported"]
    assert [f.sentence for f in unsupported] == [2, 3]  # one flag a sentence, however many items
    (flag,) = [f for f in unsupported if f.sentence == 3]
    assert flag.message.startswith(
        "Names the source does not contain: Millville Public Schools, Cumberland County, NJ Department of Education;")
    assert flag.message.endswith("; figures the source does not contain: 42%, 17 (roads)")
    evidence = flag.evidence
    assert evidence["kind"] == "name+figure"
    assert copy[evidence["copy_start"] : evidence["copy_end"]] == evidence["copy"] == added
    items = evidence["items"]
    assert [i["copy"] for i in items if i["kind"] == "name"] == [
        "Millville Public Schools", "Cumberland County", "NJ Department of Education"]
    assert [i["copy"] for i in items if i["kind"] == "figure"] == ["42%", "17"]
    for item in items:
        assert copy[item["copy_start"] : item["copy_end"]] == item["copy"]
    assert flag.score == pytest.approx(max(i["score"] for i in items), abs=1e-4)
    # A sentence with one item keeps that item's own flag, message and span.
    (single,) = [f for f in unsupported if f.sentence == 2]
    assert single.message == "The name Peter Okafor is not in the source" and "items" not in single.evidence
    validate_report(report.to_dict())


def test_merged_messages_name_each_kind():
    from detector.source.check import _merged_message
    from detector.source.reading import Finding

    claim = Finding(1, "source.unsupported", "claim", "A whole sentence.", "No sentence of the source says this (closest "
                    "similarity 0.20, 10% of its words in the source)", 0.2)
    name = Finding(1, "source.unsupported", "name", "Peter Okafor", "The name Peter Okafor is not in the source", 0.2,
                   label="Peter Okafor")
    figure = Finding(1, "source.unsupported", "figure", "42%", "The figure 42% (harvest) is not in the source", 0.2,
                     label="42% (harvest)")
    assert _merged_message("source.unsupported", [figure, name, claim]) == (
        "The name Peter Okafor is not in the source; the figure 42% (harvest) is not in the source; "
        "no sentence of the source says this (closest similarity 0.20, 10% of its words in the source)")
    changed = Finding(1, "source.contradicted", "figure", "$6.5 million",
                      'The figure $6.5 million differs from the source, which says "$4.2 million"', 0.9)
    flipped = Finding(1, "source.contradicted", "negation", "It will not.", "Says the opposite of the source (a negation "
                      "added or dropped)", 0.9)
    assert _merged_message("source.contradicted", [changed, flipped]) == (
        'The figure $6.5 million differs from the source, which says "$4.2 million"; '
        "says the opposite of the source (a negation added or dropped)")


def test_a_name_written_another_way_is_not_missing_from_the_source(fast_detector):
    source = ("The U.S. regulator said Mylan raised the price of the EpiPen sixfold. "
              "Heather Bresch, its chief executive, defended the price before Congress. "
              "LGBT groups said the Constitution protects patients.")
    copy = ("The United States regulator said Mylan raised the price of EpiPens sixfold. "
            "Heather Bresch defended the price before Congress and Gayle Manchin. "
            "LGBTQ groups said the U.S. Constitution protects patients.")
    report = fast_detector.check(copy, source_text=source)
    named = [item["copy"] for f in report.flags if f.code == "source.unsupported"
             for item in f.evidence.get("items", [f.evidence]) if item["kind"] == "name"]
    # "United States" is the source's "U.S.", "EpiPens" its "EpiPen", "LGBTQ" its "LGBT", "U.S. Constitution"
    # its "Constitution"; only the new person is missing.
    assert named == ["Gayle Manchin"]
    # The bare "us" of a quote is not the country: a source that only says "told us" does not hold "United States".
    report = fast_detector.check("The United States regulator met Heather Bresch.",
                                 source_text="She told us Heather Bresch met a regulator.")
    assert [i["copy"] for f in report.flags if f.code == "source.unsupported"
            for i in f.evidence.get("items", [f.evidence]) if i["kind"] == "name"] == ["United States"]


def test_a_faithful_paraphrase_is_not_flagged_and_scores_lower(fast_detector):
    faithful = fast_detector.check(FAITHFUL, source_text=SOURCE)
    distorted = fast_detector.check(DISTORTED, source_text=SOURCE)
    assert source_flags(faithful) == []
    assert faithful.scores["against_source"] < distorted.scores["against_source"]


def test_figures_are_compared_as_values(fast_detector):
    source = "Officials said 1,500 people were evacuated from the valley on Sunday as the river rose."
    copy = "Some 1500 people were evacuated from the valley on Sunday as the river rose, officials said."
    report = fast_detector.check(copy, source_text=source)
    assert [f for f in source_flags(report) if f.evidence["kind"] == "figure"] == []
    added = fast_detector.check(copy + " Damage was put at 42% of the harvest.", source_text=source)
    figures = [f for f in source_flags(added) if f.evidence["kind"] == "figure"]
    assert [f.message for f in figures] == ["The figure 42% (harvest) is not in the source"]


def test_without_a_source_nothing_changes(fast_detector, validate_report):
    report = fast_detector.check(DISTORTED)
    assert source_flags(report) == []
    payload = report.to_dict()
    assert payload["scores"]["against_source"] is None and payload["meta"]["against"] is None
    validate_report(payload)


def test_bad_sources_give_clear_errors(fast_detector):
    with pytest.raises(InputError, match="no sentence"):
        fast_detector.check(DISTORTED, source_text="   \n ")
    with pytest.raises(InputError, match="source text"):
        fast_detector.check(DISTORTED, source_text=b"\x00\x01\x02binary\xff\xfe" * 50)
    small = type(fast_detector)(fast_detector.encoder, fast_detector.checks, max_chars=2_000)
    with pytest.raises(InputError, match="over the limit"):
        small.check(DISTORTED, source_text=SOURCE * 40)


def test_check_many_reads_the_source_once_for_every_copy(fast_detector):
    reports = list(fast_detector.check_many([FAITHFUL, DISTORTED], sources=["a", "b"], source_text=SOURCE, source_name="wire"))
    assert [r.source for r in reports] == ["a", "b"]
    assert [r.against for r in reports] == ["wire", "wire"]
    assert source_flags(reports[0]) == [] and source_flags(reports[1])


def test_cli_against(tmp_path):
    copy, source = tmp_path / "copy.txt", tmp_path / "wire.txt"
    copy.write_text(DISTORTED, encoding="utf-8")
    source.write_text(SOURCE, encoding="utf-8")
    result = run_cli("check", str(copy), "--against", str(source), "--profile", "fast", "--checks", "source", "--format", "json")
    assert result.returncode == 1, result.stderr.decode()
    (report,) = json.loads(result.stdout)
    assert report["meta"]["against"] == str(source)
    codes = [(s["index"], f["code"]) for s in report["sentences"] for f in s["flags"]]
    assert (0, "source.contradicted") in codes and (2, "source.unsupported") in codes
    text = run_cli("check", str(copy), "--against", str(source), "--profile", "fast", "--checks", "source")
    assert f"{copy}:1:1: source.contradicted The figure $6.5 million differs from the source" in text.stdout.decode()
    missing = run_cli("check", str(copy), "--against", str(tmp_path / "nope.txt"), "--profile", "fast")
    assert missing.returncode == 2 and "nope.txt: no such file" in missing.stderr.decode()
    assert "Traceback" not in missing.stderr.decode()


def test_api_source_over_a_real_socket(live_server, validate_report):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        answer = client.post("/v1/check", json={"text": DISTORTED, "id": "copy", "source": {"text": SOURCE, "name": "wire"}})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        validate_report(report)
        assert report["source"] == "copy" and report["meta"]["against"] == "wire"
        assert report["scores"]["against_source"] is not None
        flags = {f["code"] for s in report["sentences"] for f in s["flags"]}
        assert {"source.contradicted", "source.unsupported"} <= flags
        # A string source still names the document, as before.
        named = client.post("/v1/check", json={"text": DISTORTED, "source": "copy.txt"}).json()
        assert named["source"] == "copy.txt" and named["meta"]["against"] is None
        empty = client.post("/v1/check", json={"text": DISTORTED, "source": {"text": ""}})
        assert empty.status_code == 422 and empty.json()["error"]["code"] == "unreadable_input"
        batch = client.post("/v1/check-batch", json={"documents": [{"text": FAITHFUL, "id": "a"}, {"text": DISTORTED, "id": "b"}],
                                                      "source": {"text": SOURCE}}).json()
        assert [r["meta"]["against"] for r in batch["reports"]] == ["<source text>"] * 2
