"""The editor-judged evaluation: judgement matching and the arithmetic of its metrics, on a small fixture."""

from __future__ import annotations

import json

import click
import pytest

from detector import editorial as ed
from detector.segment import segment

HUMAN_TEXT = (
    "The council approved the budget on Monday. Unemployment fell to 4.1% last year. The mayor said the vote was close."
)
MACHINE_TEXT = (
    "In a shocking turn of events, the council approved the budget. "
    "This decision serves as a reminder of the importance of planning. "
    "Crime rose by 40% in the city."
)


def _run(
    article_id: str, label: str, text: str, raised: list[tuple[int, str]], score: float | None = None
) -> ed.ArticleRun:
    sentences = segment(text, format="plain").sentences
    article = {"id": article_id, "file": "fixture.jsonl", "label": label}
    flags = [
        ed.RaisedFlag(
            article=article_id,
            file="fixture.jsonl",
            label=label,
            sentence=i,
            start=sentences[i].start,
            sha1=ed.sentence_hash(sentences[i].clean),
            code=code,
            score=0.9,
            message=f"{code} message",
        )
        for i, code in raised
    ]
    return ed.ArticleRun(article, sentences, flags, score)


def _judgement(run: ed.ArticleRun, index: int, code: str, verdict: str) -> dict:
    return {
        "id": run.article["id"],
        "file": "fixture.jsonl",
        "label": run.article["label"],
        "start": run.sentences[index].start,
        "sentence_sha1": ed.sentence_hash(run.sentences[index].clean),
        "code": code,
        "verdict": verdict,
        "reason": "fixture",
    }


@pytest.fixture
def runs() -> list[ed.ArticleRun]:
    return [
        _run("h1", "human", HUMAN_TEXT, [(1, "figure.no_source"), (2, "filler.generic")], score=0.8),
        _run("h2", "human", "Nothing was flagged here. Really nothing.", [], score=0.1),
        _run("m1", "machine", MACHINE_TEXT, [(1, "filler.generic"), (2, "figure.no_source")], score=0.7),
    ]


def test_the_fixture_segments_as_expected(runs):
    assert len(runs[0].sentences) == 3 and runs[0].sentences[1].clean.startswith("Unemployment")
    assert len(runs[2].sentences) == 3


def test_precision_counts_debatable_as_wrong_and_leaves_unjudged_out(runs):
    judgements = ed.index_judgements(
        [
            _judgement(runs[0], 1, "figure.no_source", "justified"),
            _judgement(runs[0], 2, "filler.generic", "wrong"),
            _judgement(runs[2], 1, "filler.generic", "debatable"),
            # m1's figure flag is left unjudged on purpose
        ]
    )
    result = ed.metrics(runs, judgements, [])
    assert result["flags"] == {"total": 4, "judged": 3, "unjudged": 1}
    generic = result["per_code"]["filler.generic"]
    assert (generic["judged"], generic["justified"], generic["debatable"], generic["wrong"]) == (2, 0, 1, 1)
    assert generic["precision"] == 0.0
    figure = result["per_code"]["figure.no_source"]
    assert (figure["flags"], figure["judged"], figure["unjudged"], figure["precision"]) == (2, 1, 1, 1.0)
    assert (generic["precision_human"], generic["precision_machine"]) == (0.0, 0.0)
    assert (figure["precision_human"], figure["precision_machine"]) == (1.0, None)
    assert result["per_family"]["filler"]["precision_machine"] == 0.0
    assert result["per_family"]["figure"]["precision_human"] == 1.0
    assert result["per_family"]["figure"]["precision_machine"] is None


def test_flag_load_on_human_copy(runs):
    result = ed.metrics(runs, {}, [])
    human = result["human"]
    assert human["flags_per_article"] == 1.0  # 2 flags on 2 human articles
    assert human["articles_with_any_flag"] == 0.5
    assert human["sentences"] == 3 + len(runs[1].sentences)
    assert human["filler_generic_sentence_share"] == round(1 / human["sentences"], 4)


def test_a_judgement_survives_a_new_score_message_and_offset(runs):
    judgements = ed.index_judgements([_judgement(runs[0], 1, "figure.no_source", "justified")])
    moved = "A new first sentence. " + HUMAN_TEXT
    rerun = _run("h1", "human", moved, [(2, "figure.no_source")])
    assert rerun.flags[0].start != runs[0].flags[0].start
    assert rerun.flags[0].key in judgements
    result = ed.metrics([rerun], judgements, [])
    assert result["flags"]["unjudged"] == 0 and result["per_code"]["figure.no_source"]["precision"] == 1.0


def test_a_different_code_on_the_same_sentence_is_unjudged(runs):
    judgements = ed.index_judgements([_judgement(runs[0], 1, "figure.no_source", "justified")])
    other = _run("h1", "human", HUMAN_TEXT, [(1, "figure.vague_source")])
    assert ed.metrics([other], judgements, [])["flags"]["unjudged"] == 1


def test_recall_of_justified_machine_flags(runs):
    judgements = ed.index_judgements(
        [
            _judgement(runs[2], 1, "filler.generic", "justified"),
            _judgement(runs[2], 0, "filler.stock_phrase", "justified"),  # judged earlier, no longer raised
            _judgement(runs[0], 1, "figure.no_source", "justified"),  # human copy: not part of machine recall
        ]
    )
    recall = ed.metrics(runs, judgements, [])["machine_recall_of_justified"]
    assert (recall["justified"], recall["still_raised"], recall["recall"]) == (2, 1, 0.5)
    assert recall["by_family"]["filler"] == {"justified": 2, "recall": 0.5}


def test_article_labels_and_score_auroc(runs):
    records = [
        {"id": "h1", "has_unsupported_statistic": False},
        {"id": "h2", "has_unsupported_statistic": False},
        {"id": "m1", "has_unsupported_statistic": True},
    ]
    # A justified figure flag makes h1 positive even though its record says no.
    judgements = ed.index_judgements([_judgement(runs[0], 1, "figure.no_source", "justified")])
    labels = ed.article_labels([r.article for r in runs], judgements, records)
    assert labels == {"h1": True, "h2": False, "m1": True}
    score = ed.metrics(runs, judgements, records)["unsupported_figure_score"]
    assert score["labelled_articles"] == 3 and score["with_unsupported_statistic"] == 2
    assert score["auroc"] == 1.0  # 0.8 and 0.7 above 0.1
    assert score["auroc_human_only"] == 1.0


def test_unknown_verdict_is_refused():
    with pytest.raises(Exception, match="unknown verdict"):
        ed.index_judgements([{"id": "a", "sentence_sha1": "x", "code": "c", "verdict": "maybe"}])


def test_dump_and_record_round_trip(runs, tmp_path):
    judgements = ed.index_judgements([_judgement(runs[0], 1, "figure.no_source", "justified")])
    dump = tmp_path / "dump.txt"
    assert ed.dump_unjudged({"accurate": runs, "fast": runs}, judgements, dump) == 3  # once each, over profiles
    text = dump.read_text()
    assert ">> [2] The mayor said the vote was close." in text and "accurate,fast" in text
    keys = [json.loads(line) for line in (tmp_path / "dump.txt.keys.jsonl").read_text().splitlines()]
    verdicts = tmp_path / "verdicts.txt"
    verdicts.write_text("# n v reason\n" + "\n".join(f"{k['n']} w fixture reason" for k in keys) + "\n")
    out = tmp_path / "judgements.jsonl"
    assert ed.record_verdicts(tmp_path / "dump.txt.keys.jsonl", verdicts, out, judged_on="2026-12-03") == 3
    recorded = ed.index_judgements(ed.read_jsonl(out))
    assert {r["verdict"] for r in recorded.values()} == {"wrong"}
    assert ed.metrics(runs, {**judgements, **recorded}, [])["flags"]["unjudged"] == 0


def test_bad_verdict_lines_are_refused():
    with pytest.raises(ValueError, match="bad verdict"):
        ed.parse_verdicts(["3 x not a verdict"])
    assert ed.parse_verdicts(["", "# comment", "4 d two words"]) == {4: ("debatable", "two words")}


def test_english_check_drops_welsh():
    assert ed._reads_as_english("The council said the budget would be approved on Monday.")
    assert not ed._reads_as_english("Mae Llywodraeth Cymru yn gwario ar wasanaethau cyffuriau, meddai llefarydd.")


def test_dump_of_judged_flags_shows_the_editors_reason(runs, tmp_path):
    judgements = ed.index_judgements(
        [
            _judgement(runs[0], 1, "figure.no_source", "justified"),
            _judgement(runs[0], 2, "filler.generic", "wrong"),
            _judgement(runs[2], 1, "filler.generic", "debatable"),
        ]
    )
    out = tmp_path / "wrong.txt"
    assert ed.dump_flags({"accurate": runs}, judgements, out, ("debatable", "wrong")) == 2
    text = out.read_text()
    assert text.count("editor: ") == 2 and "editor: wrong: fixture" in text and "justified" not in text


def test_table_prints_every_code_and_the_unjudged_count(runs):
    judgements = ed.index_judgements([_judgement(runs[0], 1, "figure.no_source", "justified")])
    table = ed.format_table("fast", ed.metrics(runs, judgements, []))
    assert "figure.no_source" in table and "filler.generic" in table
    assert "unjudged flags: 3 of 4" in table


def test_cli_runs_on_a_two_article_sample(tmp_path):
    """`detector eval editorial` end to end, fast profile, on two shared test articles."""
    from click.testing import CliRunner

    from detector.cli import main

    try:
        data = ed._data_dir()
    except click.ClickException:
        pytest.skip("no shared data beside the checkout")
    if not (data / "llmfake-test.jsonl").exists():
        pytest.skip("llmfake-test.jsonl not in the shared data")
    sample = tmp_path / "sample.json"
    sample.write_text(
        json.dumps(
            {
                "articles": [
                    {"id": "0f5767e5ca24d4c8", "file": "llmfake-test.jsonl", "label": "machine"},
                    {"id": "c96ef1ac39b9447b", "file": "xsum-detectrl-test.jsonl", "label": "human"},
                ]
            }
        )
    )
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    dump = tmp_path / "unjudged.txt"
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "editorial",
            "--profile",
            "fast",
            "--sample",
            str(sample),
            "--judgements",
            str(empty),
            "--dump-unjudged",
            str(dump),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[: result.output.rindex("}") + 1])
    fast = report["fast"]
    assert fast["articles"] == {"human": 1, "machine": 1}
    assert fast["flags"]["judged"] == 0 and fast["flags"]["unjudged"] == fast["flags"]["total"] > 0
    assert report["dumped_unjudged"]["flags"] > 0 and dump.exists()
    assert "unjudged flags:" in result.output


def test_cli_reports_an_unreadable_sample_cleanly(tmp_path):
    from click.testing import CliRunner

    from detector.cli import main

    for content in ("{not json", '{"ids": []}', '{"articles": [{"id": "x"}]}'):
        bad = tmp_path / "bad.json"
        bad.write_text(content)
        result = CliRunner().invoke(main, ["eval", "editorial", "--profile", "fast", "--sample", str(bad)])
        assert result.exit_code != 0 and "cannot read the sample" in result.output, content
        assert "Traceback" not in result.output


def test_auroc_interval():
    assert ed._auroc_interval([0, 0, 0], [0.1, 0.2, 0.3]) is None
    assert ed._auroc_interval([0] * 20 + [1] * 5, [0.1] * 20 + [0.9] * 5) == [1.0, 1.0]
    low, high = ed._auroc_interval([0, 1] * 20, [0.5, 0.4, 0.3, 0.6] * 10)
    assert 0.0 <= low <= high <= 1.0
