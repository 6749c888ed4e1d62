"""The command line as users run it: real subprocesses, exit codes, formats, bad input."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import EXAMPLE, run_cli

FAST = ("--profile", "fast")
LINT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[a-z_]+\.[a-z_]+) (?P<message>.+) \((?P<score>[01]\.\d\d)\)$")


def assert_no_traceback(result):
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr


def test_example_reads_like_a_linter():
    result = run_cli("check", *FAST, str(EXAMPLE.relative_to(EXAMPLE.parents[1])))
    assert_no_traceback(result)
    assert result.returncode == 1, "the example has flags"
    lines = result.stdout.decode().splitlines()
    assert lines
    for line in lines:
        match = LINT_LINE.match(line)
        assert match, line
        assert match["path"] == "examples/myanmar-repatriation.md"
    assert "\x1b[" not in result.stdout.decode(), "no colour when stdout is not a terminal"
    assert "document scores" in result.stderr.decode()


def test_json_output_is_a_list_of_valid_reports_for_one_file_as_for_several(validate_report):
    result = run_cli("check", *FAST, "--format", "json", str(EXAMPLE))
    assert result.returncode == 1
    (payload,) = json.loads(result.stdout)
    validate_report(payload)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in payload["sentences"])


def test_jsonl_directory_glob_and_stdin(tmp_path, validate_report):
    (tmp_path / "a.md").write_text("The council met on Tuesday. It approved the budget.\n")
    (tmp_path / "b.txt").write_text("Rain closed the coastal road. Crews expect to reopen it on Friday.\n")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    result = run_cli("check", *FAST, "--format", "jsonl", str(tmp_path))
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["source"] for r in reports] == [str(tmp_path / "a.md"), str(tmp_path / "b.txt")]
    for report in reports:
        validate_report(report)

    result = run_cli("check", *FAST, "--format", "jsonl", str(tmp_path / "*.md"))
    assert result.returncode == 0 and len(result.stdout.decode().splitlines()) == 1

    result = run_cli("check", *FAST, "--format", "json", "-", stdin=EXAMPLE.read_bytes())
    assert result.returncode == 1
    assert [r["source"] for r in json.loads(result.stdout)] == ["<stdin>"]

    result = run_cli("check", *FAST, "--format", "json", str(tmp_path / "a.md"), str(tmp_path / "b.txt"))
    assert [r["source"] for r in json.loads(result.stdout)] == [str(tmp_path / "a.md"), str(tmp_path / "b.txt")]
    assert [r["meta"]["format"] for r in json.loads(result.stdout)] == ["markdown", "plain"]


def test_checks_ignore_and_min_score_filter_flags():
    only_repetition = ("check", *FAST, "--checks", "repetition", "--format", "jsonl")
    result = run_cli(*only_repetition, str(EXAMPLE))
    assert result.returncode == 1
    codes = {f["code"] for s in json.loads(result.stdout)["sentences"] for f in s["flags"]}
    assert codes == {"filler.repetition"}
    assert run_cli(*only_repetition, "--ignore", "filler", str(EXAMPLE)).returncode == 0
    assert run_cli(*only_repetition, "--ignore", "filler.repetition", str(EXAMPLE)).returncode == 0
    assert run_cli(*only_repetition, "--min-score", "1", str(EXAMPLE)).returncode == 0
    # a group name stands for its codes, even where the codes' prefix differs (figures -> figure.*)
    assert run_cli(*only_repetition, "--ignore", "figures,filler", str(EXAMPLE)).returncode == 0


def test_an_unknown_ignore_code_is_an_error_listing_the_known_ones():
    result = run_cli("check", *FAST, "--ignore", "filler.repetition,figures.no_source", str(EXAMPLE))
    assert_no_traceback(result)
    assert result.returncode == 2 and not result.stdout
    stderr = result.stderr.decode()
    assert "unknown code 'figures.no_source'" in stderr and "figure.no_source" in stderr and "filler.repetition" in stderr


def test_a_missing_file_among_good_ones_is_named_and_the_others_are_checked(tmp_path):
    good = tmp_path / "story.txt"
    good.write_text("The council met on Tuesday. It approved the budget.\n")
    result = run_cli("check", *FAST, "--format", "json", str(tmp_path / "missing.txt"), str(good))
    assert_no_traceback(result)
    assert result.returncode == 2
    assert f"{tmp_path / 'missing.txt'}: no such file" in result.stderr.decode()
    assert [r["source"] for r in json.loads(result.stdout)] == [str(good)]


def test_max_chars_on_check(tmp_path):
    result = run_cli("check", *FAST, "--max-chars", "100", str(EXAMPLE))
    assert_no_traceback(result)
    assert result.returncode == 2 and "over the limit of 100" in result.stderr.decode()


def test_txt_is_plain_text_and_md_is_markdown(tmp_path):
    body = "# Budget\n\nThe council met on *Tuesday*. It approved the budget.\n"
    (tmp_path / "a.txt").write_text(body)
    (tmp_path / "a.md").write_text(body)
    result = run_cli("check", *FAST, "--format", "json", str(tmp_path / "a.txt"), str(tmp_path / "a.md"))
    plain, markdown = json.loads(result.stdout)
    assert (plain["meta"]["format"], markdown["meta"]["format"]) == ("plain", "markdown")
    assert markdown["sentences"][0]["kind"] == "heading"


def test_colour_can_be_forced():
    result = run_cli("check", *FAST, "--color", str(EXAMPLE))
    assert "\x1b[" in result.stdout.decode()


def test_progress_bar_for_many_files(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Story number {i} is short. It has two sentences.\n")
    result = run_cli("check", *FAST, "--progress", str(tmp_path))
    assert result.returncode in (0, 1)
    assert "3/3" in result.stderr.decode()


@pytest.mark.parametrize(
    "args, message",
    [
        (("check",), "Missing argument"),
        (("check", *FAST, "--checks", "nonsense", str(EXAMPLE)), "unknown check 'nonsense'"),
        (("check", *FAST, "--format", "xml", str(EXAMPLE)), "Invalid value"),
        (("check", *FAST, "--min-score", "2", str(EXAMPLE)), "Invalid value"),
        (("check", *FAST, "no/such/file.md"), "no such file"),
        (("check", *FAST, "no/such/*.md"), "no files match"),
    ],
)
def test_usage_and_input_errors_exit_2(args, message):
    result = run_cli(*args)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert message in result.stderr.decode()


def test_binary_input_exits_2_but_other_files_are_still_checked(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    good = tmp_path / "story.txt"
    good.write_text("The council met on Tuesday. It approved the budget.\n")
    result = run_cli("check", *FAST, "--format", "jsonl", str(tmp_path / "photo.txt"), str(good))
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "binary" in result.stderr.decode()
    assert json.loads(result.stdout.decode().splitlines()[0])["source"] == str(good)


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty", b""),
        ("whitespace", b"   \n\n\t\n"),
        ("cp1252", "The mayor’s “final” offer was rejected. Café owners said it was naïve.".encode("cp1252")),
        ("long sentence", ("lorem ipsum dolor sit amet " * 2000)[:50_000].encode()),
        ("markup soup", b"<div><p>unclosed <b><i>text</p></span>&amp;&#xZZZ; <script>alert(1)" * 200 + b"<<<>>>&&&"),
        ("huge numbers", b"The deficit reached 1e309 dollars, or 99999999999999999999999999999999999 cents. NaN percent agreed."),
        ("control characters", b"Fine text.\x0b\x0c Still text."),
    ],
)
def test_awkward_input_is_handled(tmp_path, name, content):
    path = tmp_path / f"{name.replace(' ', '_')}.txt"
    path.write_bytes(content)
    result = run_cli("check", *FAST, "--format", "json", str(path))
    assert_no_traceback(result)
    assert result.returncode in (0, 1), result.stderr.decode()
    (payload,) = json.loads(result.stdout)
    if name in ("empty", "whitespace"):
        assert payload["sentences"] == [] and result.returncode == 0


def test_ten_megabyte_document(tmp_path):
    paragraph = EXAMPLE.read_text(encoding="utf-8")
    words = paragraph.split()
    # Vary the text so that it is not one article repeated: shuffle words per copy.
    import random

    rng = random.Random(7)
    chunks, size = [], 0
    while size < 10_000_000:
        rng.shuffle(words)
        chunk = " ".join(words) + ".\n\n"
        chunks.append(chunk)
        size += len(chunk)
    path = tmp_path / "big.txt"
    path.write_text("".join(chunks))
    result = run_cli("check", *FAST, "--format", "text", str(path))
    assert_no_traceback(result)
    assert result.returncode in (0, 1)
    assert "document" in result.stderr.decode()


def test_schema_command_prints_the_schema(report_schema):
    result = run_cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == report_schema
