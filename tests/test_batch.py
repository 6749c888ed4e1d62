"""`detector batch` on one machine: formats, error entries, resume after kill -9, worker pools."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from detector.batch import JobSpec, read_records, run_batch
from detector.batch.records import make_record
from detector.batch.runner import BatchError
from detector.batch.store import PartStore, work_dir_for
from detector.batch.work import ChunkResult, check_chunk
from detector.errors import ConfigError

from .conftest import EXAMPLE, REPO, run_cli

FAST = JobSpec(profile="fast")


def _sentences() -> list[str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    return [s.strip() + "." for s in re.split(r"(?<=[a-z])\.\s+", text.replace("\n", " ")) if len(s.split()) > 5]


def make_docs(count: int, seed: int = 7) -> list[dict]:
    """Distinct news-like documents built from the example article's sentences."""
    pool = _sentences()
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        body = " ".join(rng.sample(pool, rng.randint(3, 7)))
        docs.append({"id": f"doc-{i:05d}", "text": f"Report {i} was filed on day {i % 28 + 1}. {body}"})
    return docs


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc) + "\n")
    return path


def read_output(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def assert_each_once(entries: list[dict], ids: list) -> None:
    counts = Counter(e["id"] for e in entries)
    doubled = [i for i, n in counts.items() if n > 1]
    missing = [i for i in ids if i not in counts]
    assert not doubled and not missing, f"doubled {doubled[:5]}, missing {missing[:5]}"
    assert len(entries) == len(ids)


# -- formats --------------------------------------------------------------------------------


def test_jsonl_run_writes_one_valid_report_per_record_in_input_order(tmp_path, validate_report):
    docs = make_docs(40)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    stats = run_batch(source, tmp_path / "out.jsonl", job=FAST, chunk_size=7)
    entries = read_output(tmp_path / "out.jsonl")
    assert [e["id"] for e in entries] == [d["id"] for d in docs]
    assert [e["record"] for e in entries] == list(range(1, 41))
    for entry, doc in zip(entries, docs):
        validate_report(entry)
        assert "error" not in entry
        assert entry["source"] == doc["id"]
        assert entry["sentences"] and entry["sentences"][0]["text"].startswith("Report")
        for sentence in entry["sentences"]:
            assert doc["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    assert (stats.checked, stats.errors, stats.duplicates) == (40, 0, 0)
    assert not work_dir_for(tmp_path / "out.jsonl").exists(), "the work folder is removed once the output is whole"


def test_csv_input_with_named_columns_multiline_fields_and_bad_rows(tmp_path, validate_report):
    docs = make_docs(12)
    docs[3]["text"] = docs[3]["text"].replace(". ", ".\n\n", 2)  # a quoted field across lines
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["article_id", "section", "body"])
        for doc in docs:
            writer.writerow([doc["id"], "news", doc["text"]])
        writer.writerow(["", "news", "A row without an id. It still gets an entry."])
        writer.writerow(["short-row", "news"])
    run_batch(path, tmp_path / "out.jsonl", job=FAST, id_field="article_id", text_field="body", chunk_size=5)
    entries = read_output(tmp_path / "out.jsonl")
    assert [e["id"] for e in entries[:12]] == [d["id"] for d in docs]
    assert all("error" not in e for e in entries[:12])
    assert len(entries[3]["sentences"]) > 2
    assert all(s["text"] in docs[3]["text"] for s in entries[3]["sentences"])
    no_id, short = entries[12:]
    assert no_id["id"] is None and no_id["record"] == 13 and "id field 'article_id' is missing" in no_id["error"]
    assert short["id"] == "short-row" and "row has 2 fields, expected 3" in short["error"]
    for entry in entries:
        validate_report(entry)


def test_csv_without_the_text_column_is_refused_before_any_work(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,Some text.\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no column 'text' in the CSV header .*--text-field"):
        run_batch(path, tmp_path / "out.jsonl", job=FAST)


def test_parquet_input_by_record_batches_and_parquet_output(tmp_path, validate_report):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    docs = make_docs(30)
    table = pa.table(
        {
            "id": pa.array([i for i in range(30)], pa.int64()),
            "text": pa.array([d["text"] if i != 5 else None for i, d in enumerate(docs)], pa.string()),
        }
    )
    path = tmp_path / "in.parquet"
    pq.write_table(table, path, row_group_size=8)  # four row groups
    out = tmp_path / "out.parquet"
    stats = run_batch(path, out, job=FAST, chunk_size=9)
    result = pq.read_table(out)
    assert result.column("id").to_pylist() == [str(i) for i in range(30)]
    assert result.column("record").to_pylist() == list(range(1, 31))
    errors = result.column("error").to_pylist()
    assert errors[5] == "5: text field 'text' is missing or null"
    assert [e for i, e in enumerate(errors) if i != 5] == [None] * 29
    reports = [json.loads(r) for r in result.column("report").to_pylist()]
    for report in reports:
        validate_report(report)
    assert reports[0]["id"] == 0, "the JSON report keeps the id's type"
    assert stats.errors == 1


def test_csv_output_is_csv_with_the_summary_columns_and_the_report(tmp_path, validate_report):
    docs = make_docs(9)
    docs[4]["text"] = None  # an error entry
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    run_batch(source, tmp_path / "out.csv", job=FAST, chunk_size=4)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "record", "error", "score_filler", "score_contradiction", "score_unsupported_figure",
                             "flags", "report"]
    assert [r["id"] for r in rows] == [d["id"] for d in docs]
    assert [r["record"] for r in rows] == [str(i) for i in range(1, 10)]
    assert "text field 'text' is missing" in rows[4]["error"] and rows[4]["score_filler"] == ""
    for row in rows[:4] + rows[5:]:
        report = json.loads(row["report"])
        validate_report(report)
        assert row["error"] == "" and float(row["score_filler"]) == report["scores"]["filler"]
        assert int(row["flags"]) == sum(len(s["flags"]) for s in report["sentences"])


@pytest.mark.parametrize("name", ["out.json", "out.txt", "out"])
def test_an_output_name_that_says_no_type_is_refused(tmp_path, name):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(2))
    with pytest.raises(ConfigError, match=r"\.jsonl .*\.csv .*\.parquet"):
        run_batch(source, tmp_path / name, job=FAST)
    assert not (tmp_path / name).exists()


def test_cli_batch_refuses_an_output_type_it_cannot_write(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(2))
    result = run_cli("batch", str(source), "--out", str(tmp_path / "out.json"))
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"names no output type" in result.stderr and not (tmp_path / "out.json").exists()


def test_parquet_binary_text_column_is_decoded_per_value(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = ["Plain UTF-8 copy. Two sentences.".encode(), "Caf\xe9 owners met on Monday. They agreed.".encode("cp1252"), b"\x00\x01\x02\xff" * 50]
    pq.write_table(pa.table({"id": ["utf8", "cp1252", "binary"], "text": pa.array(texts, pa.binary())}), tmp_path / "in.parquet")
    entries = [json.loads(line) for line in check_chunk(FAST, list(read_records(tmp_path / "in.parquet"))).entries]
    assert entries[0]["sentences"][0]["text"] == "Plain UTF-8 copy."
    assert entries[1]["sentences"][0]["text"] == "Café owners met on Monday."
    assert "binary" in entries[2]["error"]


# -- error entries ------------------------------------------------------------------------


def test_bad_records_get_error_entries_with_id_or_record_number_and_the_run_goes_on(tmp_path, validate_report):
    good = make_docs(4)
    lines = [
        json.dumps(good[0]).encode(),
        b'{"id": "legacy", "text": "Caf\xe9 owners met on Monday. They agreed to a plan."}',  # cp1252, not UTF-8
        b'{"id": "binary", "text": "' + bytes(range(128, 256)) * 2 + b'"}',  # no encoding fits
        json.dumps({"id": "too-long", "text": "Word " * 1600}).encode(),
        b'{"id": "cut-off", "text": "The line ends',  # malformed JSON
        json.dumps({"text": "No id here. It is checked nowhere."}).encode(),
        json.dumps({"id": 3.5, "text": "A float id."}).encode(),
        json.dumps({"id": "number-text", "text": 42}).encode(),
        json.dumps(["not", "an", "object"]).encode(),
        b"",  # a blank line is not a record
        json.dumps(good[1]).encode(),
        json.dumps({"id": good[0]["id"], "text": "A repeat of the first id."}).encode(),
        json.dumps({"id": 7, "text": "An integer id. Fine."}).encode(),
        json.dumps(good[2]).encode(),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    stats = run_batch(path, tmp_path / "out.jsonl", job=JobSpec(profile="fast", max_chars=4000), chunk_size=4)
    entries = {e["record"]: e for e in read_output(tmp_path / "out.jsonl")}
    for entry in entries.values():
        validate_report(entry)
    assert sorted(entries) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert "error" not in entries[1] and "error" not in entries[11] and "error" not in entries[14]
    assert entries[2]["id"] == "legacy" and "error" not in entries[2]
    assert entries[2]["sentences"][0]["text"] == "Café owners met on Monday."
    expected = {
        3: ("binary", "cannot be decoded as text"),
        4: ("too-long", "8,000 characters is over the limit of 4,000"),
        5: (None, "record 5: not a JSON line"),
        6: (None, "record 6: id field 'id' is missing or empty"),
        7: (None, "must be a string or an integer, got a number"),
        8: ("number-text", "text field 'text' must be a string, got int"),
        9: (None, "record 9: expected a JSON object, got an array"),
        12: (good[0]["id"], "duplicate id; record 1 came first with it"),
    }
    for number, (record_id, reason) in expected.items():
        assert entries[number]["id"] == record_id, number
        assert reason in entries[number]["error"], (number, entries[number]["error"])
        assert entries[number]["sentences"] == []
    assert entries[13]["id"] == 7 and "error" not in entries[13]
    assert (stats.errors, stats.duplicates) == (8, 1)


def test_a_line_over_the_byte_limit_is_skipped_unread(tmp_path):
    path = tmp_path / "in.jsonl"
    huge = json.dumps({"id": "huge", "text": "x" * 5000})
    path.write_text(f'{{"id": "a", "text": "Fine."}}\n{huge}\n{{"id": "b", "text": "Fine too."}}\n', encoding="utf-8")
    records = list(read_records(path, max_record_bytes=1000))
    assert [r.id for r in records] == ["a", None, "b"]
    assert records[1].error == "record 2: line is 5,027 bytes, over the limit of 1,000; skipped unread"


# -- resume and crashes --------------------------------------------------------------------


def _start_batch(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "detector", "batch", *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait_for_parts(work_dir: Path, count: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(list(work_dir.glob("part-*.jsonl"))) >= count:
            return
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("no parts were committed in time")


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_mid_run_then_resume_writes_every_record_exactly_once(tmp_path, workers, validate_report):
    docs = make_docs(500)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out.jsonl"
    args = [str(source), "--out", str(out), "--profile", "fast", "--chunk-size", "10", "--workers", str(workers)]
    proc = _start_batch(*args)
    _wait_for_parts(work_dir_for(out), 3, proc)
    pool = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of a chunk, most likely mid-encode
    proc.wait(timeout=30)
    assert not out.exists(), "the output must not exist before every record is written"
    work = work_dir_for(out)
    committed = len(list(work.glob("part-*.jsonl")))
    assert 3 <= committed < 50
    # What a kill between writing and recording a chunk leaves behind: a stray part and a temp file.
    (work / "part-99999999.jsonl").write_text('{"id": "doc-00000"}\n')
    (work / "part-99999998.jsonl.tmp").write_text('{"id": "doc-00001"')
    if workers > 1:
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in pool) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pool), "pool workers outlived their killed parent"

    refused = run_cli("batch", *args)
    assert refused.returncode == 2 and b"--resume" in refused.stderr

    resumed = run_cli("batch", *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert re.search(rb"[1-9][0-9,]* already written", resumed.stderr)
    entries = read_output(out)
    assert_each_once(entries, [d["id"] for d in docs])
    assert [e["id"] for e in entries] == [d["id"] for d in docs], "the output keeps input order"
    assert all("error" not in e for e in entries)
    for entry in entries[::50]:
        validate_report(entry)
    assert not work.exists()

    again = run_cli("batch", *args, "--resume")
    assert again.returncode == 0 and b"is complete; nothing to do" in again.stderr


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_resume_decides_duplicates_the_same_way_and_skips_only_written_records(tmp_path):
    docs = make_docs(30)
    docs[20]["id"] = docs[2]["id"]  # a repeat whose first record is in an early chunk
    docs[25]["id"] = docs[24]["id"]  # a repeat in the same chunk as its first record
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    whole = tmp_path / "whole.jsonl"
    run_batch(source, whole, job=FAST, chunk_size=4)

    out = tmp_path / "out.jsonl"
    interrupted = _InterruptAfter(chunks=3)
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, out, job=FAST, chunk_size=4, engine=interrupted)
    assert not out.exists() and work_dir_for(out).exists()
    stats = run_batch(source, out, job=FAST, chunk_size=4, resume=True)
    assert stats.skipped == 12 and stats.checked == 18
    assert out.read_bytes() == whole.read_bytes()
    assert [e["record"] for e in read_output(out) if "duplicate id" in e.get("error", "")] == [21, 26]


class _InterruptAfter:
    """An in-process engine that is interrupted (Ctrl-C) after a number of chunks."""

    name = "interrupted"
    slots = 1
    retries_before_isolation = 1
    loses_all_on_loss = False

    def __init__(self, chunks: int, job: JobSpec = FAST):
        self.left = chunks
        self.job = job

    def submit(self, records):
        import concurrent.futures as cf

        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        future = cf.Future()
        future.set_result(check_chunk(self.job, records))
        return future

    def wait_any(self, futures):
        return {f for f in futures if f.done()}

    def is_worker_loss(self, exc):
        return False

    def recover(self):
        pass

    def close(self, abort=False):
        pass


def test_resume_refuses_a_different_input_or_profile(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(12))
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, out, job=FAST, chunk_size=4, engine=_InterruptAfter(chunks=1))
    with pytest.raises(ConfigError, match="profile: was 'fast', now 'accurate'"):
        run_batch(source, out, job=JobSpec(profile="accurate"), resume=True)
    write_jsonl(source, make_docs(13))
    with pytest.raises(ConfigError, match="input_fingerprint"):
        run_batch(source, out, job=FAST, resume=True)
    with pytest.raises(ConfigError, match="holds an unfinished run"):
        run_batch(source, out, job=FAST)
    run_batch(source, out, job=FAST, overwrite=True)
    assert len(read_output(out)) == 13
    with pytest.raises(ConfigError, match="exists; pass --overwrite"):
        run_batch(source, out, job=FAST)


def test_the_ledger_not_the_folder_decides_what_is_written(tmp_path):
    store = PartStore(tmp_path / "out.jsonl")
    records = list(read_records(write_jsonl(tmp_path / "in.jsonl", make_docs(3))))
    store.open({"job": 1}, resume=False, overwrite=False)
    first = store.commit(records[:2], ['{"id": "doc-00000"}', '{"id": "doc-00001"}'], 0)
    store.close()
    (store.work_dir / "part-00000001.jsonl").write_text('{"id": "doc-00002"}\n')  # renamed, never recorded
    (store.work_dir / "part-00000002.jsonl.tmp").write_text("half a li")
    store = PartStore(tmp_path / "out.jsonl")
    store.open({"job": 1}, resume=True, overwrite=False)
    assert [p.name for p in store.work_dir.glob("part-*")] == [first.name]
    assert store.is_written(1) and store.is_written(2) and not store.is_written(3)
    assert store.first_written('"doc-00001"', before=3) == 2
    store.close()


# -- losing workers -------------------------------------------------------------------------


class _PoisonEngine:
    """A pool whose worker dies whenever a chunk holds the poison record, taking its neighbours with it."""

    name = "poisoned pool"
    slots = 3
    retries_before_isolation = 1
    loses_all_on_loss = True

    def __init__(self, poison: str):
        self.poison = poison
        self.recoveries = 0
        self.submitted: list[int] = []

    def submit(self, records):
        import concurrent.futures as cf
        from concurrent.futures.process import BrokenProcessPool

        self.submitted.append(len(records))
        future = cf.Future()
        if any(r.id == self.poison for r in records):
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(check_chunk(FAST, records))
        return future

    def wait_any(self, futures):
        return {next(iter(futures))}

    def is_worker_loss(self, exc):
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    def recover(self):
        self.recoveries += 1

    def close(self, abort=False):
        pass


def test_a_record_that_kills_its_worker_every_time_ends_as_one_error_entry(tmp_path, validate_report):
    docs = make_docs(40)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    engine = _PoisonEngine(poison="doc-00013")
    stats = run_batch(source, tmp_path / "out.jsonl", job=FAST, chunk_size=5, engine=engine)
    entries = read_output(tmp_path / "out.jsonl")
    assert_each_once(entries, [d["id"] for d in docs])
    failed = [e for e in entries if "error" in e]
    assert [e["id"] for e in failed] == ["doc-00013"]
    assert "the worker checking this record died every time" in failed[0]["error"]
    validate_report(failed[0])
    assert stats.errors == 1 and stats.retried_chunks >= 2
    assert 1 in engine.submitted, "the suspect chunk was split into single records"


def test_a_pool_worker_killed_mid_run_costs_a_retry_not_a_record(tmp_path):
    import psutil

    docs = make_docs(400)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out.jsonl"
    work = work_dir_for(out)
    killed: list[int] = []

    def kill_one_worker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(work.glob("part-*.jsonl"))) < 3:
            time.sleep(0.02)
        workers = [p for p in psutil.Process().children() if "spawn" in " ".join(p.cmdline())]
        if workers:
            workers[0].kill()
            killed.append(workers[0].pid)

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    stats = run_batch(source, out, job=FAST, workers=2, chunk_size=8)
    killer.join()
    assert killed, "no pool worker was found to kill"
    assert stats.retried_chunks >= 1, "the kill landed after the run had finished"
    entries = read_output(out)
    assert_each_once(entries, [d["id"] for d in docs])
    assert all("error" not in e for e in entries)


# -- the command ----------------------------------------------------------------------------


def test_cli_batch_with_two_workers_matches_one_process_and_shows_progress(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(60))
    one = run_cli("batch", str(source), "--out", str(tmp_path / "one.jsonl"), "--profile", "fast", "--chunk-size", "8")
    two = run_cli(
        "batch", str(source), "--out", str(tmp_path / "two.jsonl"), "--profile", "fast", "--chunk-size", "8",
        "--workers", "2", "--progress", "--stats", str(tmp_path / "stats.json"),
    )
    assert one.returncode == 0 and two.returncode == 0, two.stderr.decode()
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert b"doc/s" in two.stderr, "the progress bar shows documents per second"
    assert b"60 entries (0 errors, 0 duplicate ids)" in two.stderr and b"on 2 processes" in two.stderr
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["checked"] == 60 and len(stats["worker_peak_rss_mib"]) == 2


def test_cli_batch_usage_errors_are_one_line(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(2))
    missing = run_cli("batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl"))
    assert missing.returncode == 2 and missing.stderr.decode().strip().endswith("no such file")
    unknown = run_cli("batch", str(tmp_path / "in.txt"), "--out", str(tmp_path / "o.jsonl"))
    assert unknown.returncode == 2 and b"--input-type" in unknown.stderr
    both = run_cli("batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--workers", "2", "--dask", "tcp://127.0.0.1:1")
    assert both.returncode == 2 and b"exclude each other" in both.stderr
    for result in (missing, unknown, both):
        assert b"Traceback" not in result.stderr


def test_batch_error_reports_a_worker_that_cannot_load(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(2))
    with pytest.raises(BatchError, match="could not check records"):
        run_batch(source, tmp_path / "out.jsonl", job=JobSpec(profile="fast", models_dir=str(tmp_path / "no-models")))
    assert work_dir_for(tmp_path / "out.jsonl").exists(), "nothing was written; the run can be resumed once fixed"


def test_check_chunk_keeps_record_order_and_reports_every_record():
    records = [make_record(i, f"r{i}", t, "id", "text") for i, t in enumerate(["One. Two.", None, "Three."], 1)]
    result = check_chunk(FAST, records)
    assert isinstance(result, ChunkResult) and result.errors == 1
    assert [json.loads(e)["id"] for e in result.entries] == ["r1", "r2", "r3"]


def test_cli_batch_against_checks_every_record_against_one_source(tmp_path, validate_report):
    from .test_source import DISTORTED, FAITHFUL, SOURCE

    docs = [{"id": "faithful", "text": FAITHFUL}, {"id": "distorted", "text": DISTORTED}]
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    wire = tmp_path / "wire.txt"
    wire.write_text(SOURCE, encoding="utf-8")
    common = ("--profile", "fast", "--checks", "source,figures")
    against = run_cli("batch", str(source), "--out", str(tmp_path / "against.jsonl"), "--against", str(wire), *common)
    assert against.returncode == 0, against.stderr.decode()
    entries = read_output(tmp_path / "against.jsonl")
    for entry in entries:
        validate_report({k: v for k, v in entry.items() if k not in ("id", "record")})
        assert entry["meta"]["against"] == str(wire) and 0 <= entry["scores"]["against_source"] <= 1
    codes = {e["id"]: [(s["index"], f["code"]) for s in e["sentences"] for f in s["flags"]
                       if f["code"].startswith("source.")] for e in entries}
    assert codes["faithful"] == []
    assert (0, "source.contradicted") in codes["distorted"] and (2, "source.unsupported") in codes["distorted"]
    assert entries[0]["scores"]["against_source"] < entries[1]["scores"]["against_source"]

    plain = run_cli("batch", str(source), "--out", str(tmp_path / "plain.jsonl"), *common)
    assert plain.returncode == 0, plain.stderr.decode()
    for entry in read_output(tmp_path / "plain.jsonl"):
        assert entry["scores"]["against_source"] is None and entry["meta"]["against"] is None
        assert not [f for s in entry["sentences"] for f in s["flags"] if f["code"].startswith("source.")]

    # CSV and Parquet outputs gain the score column only in a run with a source.
    run_batch(source, tmp_path / "against.csv", job=JobSpec(profile="fast", checks=("source",), source=SOURCE.encode(),
                                                             source_name="wire"))
    with open(tmp_path / "against.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "score_against_source" in rows[0]
    assert [float(r["score_against_source"]) for r in rows] == [e["scores"]["against_source"] for e in entries]

    missing = run_cli("batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--against", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert missing.stderr.decode().strip() == f"detector: {tmp_path / 'nope.txt'}: no such file"
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    empty = run_cli("batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--against", str(tmp_path / "empty.txt"),
                    *common)
    assert empty.returncode == 2 and b"holds no sentence" in empty.stderr
    for result in (missing, empty):
        assert b"Traceback" not in result.stderr
    assert not (tmp_path / "o.jsonl").exists() and not work_dir_for(tmp_path / "o.jsonl").exists()


def test_resume_refuses_another_source(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_docs(12))
    out = tmp_path / "out.jsonl"
    first = JobSpec(profile="fast", checks=("source",), source=b"The council met on Tuesday.", source_name="a.txt")
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, out, job=first, chunk_size=4, engine=_InterruptAfter(chunks=1, job=first))
    other = JobSpec(profile="fast", checks=("source",), source=b"The council met on Monday.", source_name="a.txt")
    with pytest.raises(ConfigError, match="against: was"):
        run_batch(source, out, job=other, resume=True)
    with pytest.raises(ConfigError, match="against: was"):
        run_batch(source, out, job=JobSpec(profile="fast", checks=("source",)), resume=True)
    run_batch(source, out, job=first, resume=True)
    assert [e["meta"]["against"] for e in read_output(out)] == ["a.txt"] * 12
