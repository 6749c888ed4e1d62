"""The batch job on a real local Dask cluster (2 worker processes on loopback), one worker killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from detector.batch import JobSpec, run_batch  # noqa: E402
from detector.batch.store import work_dir_for  # noqa: E402

from .test_batch import _start_batch, _wait_for_parts, assert_each_once, make_docs, read_output, write_jsonl  # noqa: E402

FAST = JobSpec(profile="fast")


@pytest.fixture(scope="module")
def cluster():
    """Scheduler in this process, two single-threaded worker processes under nannies (which restart a killed one)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None
    ) as local, distributed.Client(local) as client:
        yield local, client


def _kill_a_worker(client) -> int:
    pids = client.run(os.getpid)
    address, pid = sorted(pids.items())[0]
    os.kill(pid, signal.SIGKILL)
    return pid


def _wait_gone(pid: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"worker {pid} did not die")


def test_cli_on_dask_survives_a_killed_worker_with_every_id_once_in_order(cluster, tmp_path, validate_report):
    local, client = cluster
    docs = make_docs(600, seed=11)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out.jsonl"
    proc = _start_batch(str(source), "--out", str(out), "--profile", "fast", "--chunk-size", "10", "--dask", local.scheduler_address)
    _wait_for_parts(work_dir_for(out), 2, proc)
    killed = _kill_a_worker(client)
    assert proc.poll() is None, "the worker was killed after the run had finished"
    _wait_gone(killed)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()[-3000:]
    assert b"600 entries (0 errors" in stderr and b"on Dask at tcp://127.0.0.1" in stderr
    entries = read_output(out)
    assert_each_once(entries, [d["id"] for d in docs])
    assert [e["id"] for e in entries] == [d["id"] for d in docs]
    for entry in entries[::60]:
        validate_report(entry)
    # The same bytes as a run in this one process: the cluster changes where work runs, not what it writes.
    run_batch(source, tmp_path / "local.jsonl", job=FAST, chunk_size=50)
    assert out.read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_check_bag_with_partition_writes_survives_a_killed_worker(cluster, tmp_path, validate_report):
    import dask.bag as db

    from detector.batch import check_bag, register_preload, write_partitions

    local, client = cluster
    client.wait_for_workers(2, timeout=60)
    register_preload(client, FAST)
    docs = make_docs(400, seed=5)
    records = docs + [{"id": "no-text"}, "not a dict"]
    bag = db.from_sequence(records, npartitions=40)
    folder = tmp_path / "parts"
    future = client.compute(write_partitions(check_bag(bag, job=FAST), folder))
    deadline = time.monotonic() + 120
    while len(list(folder.glob("part-*.jsonl"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not future.done(), "the worker would be killed after the run had finished"
    _kill_a_worker(client)
    paths = future.result(timeout=300)
    assert [Path(p).name for p in paths] == [f"part-{i:06d}.jsonl" for i in range(bag.npartitions)]
    entries = [entry for path in paths for entry in read_output(Path(path))]
    assert len(entries) == len(records)
    assert_each_once([e for e in entries if e["id"] is not None], [d["id"] for d in docs] + ["no-text"])
    assert [e["id"] for e in entries[:400]] == [d["id"] for d in docs], "partitions keep their order"
    assert "text field 'text' is missing" in entries[400]["error"]
    assert entries[401]["id"] is None and "expected a dict" in entries[401]["error"]
    partitions = [e["partition"] for e in entries]
    assert partitions == sorted(partitions) and set(partitions) == set(range(bag.npartitions))
    for entry in entries[::40]:
        validate_report(entry)
    # The check is pure per partition: computing again gives the same entries.
    again = check_bag(db.from_sequence(records[:20], npartitions=2), job=FAST).compute()
    assert [json.dumps(e, sort_keys=True) for e in again] == [json.dumps(e, sort_keys=True) for e in entries[:20]]
