"""``detector serve --workers 2``: uvicorn's process manager, real processes, real loopback sockets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from detector.server.workers import STALE_S, WorkerRegistry

from .conftest import run_cli
from .web_support import serve_subprocess


def wait_for_workers(url: str, count: int, timeout: float = 120, exclude: set[int] = frozenset()) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        pids = {p["pid"] for p in health["workers"]["processes"]}
        if health["workers"]["answering"] == count and not (pids & exclude):
            return health
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} workers did not answer in time: {health}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def two_workers():
    with serve_subprocess("--profile", "fast", "--workers", "2", "--encoder-cache", "0") as url:
        wait_for_workers(url, 2)
        yield url


def test_two_workers_each_load_the_model_and_report_their_memory(two_workers):
    health = httpx.get(f"{two_workers}/healthz", timeout=10).json()
    assert health["status"] == "ok" and health["profile"] == "fast"
    workers = health["workers"]
    assert workers["expected"] == 2 and workers["answering"] == 2
    pids = [p["pid"] for p in workers["processes"]]
    assert len(set(pids)) == 2
    for process in workers["processes"]:
        # Each worker holds a model of its own: well over the size of a bare Python process.
        assert process["rss_mib"] > 100, process
        assert process["seconds_since_heartbeat"] <= STALE_S
    assert sum(p["this"] for p in workers["processes"]) == 1


def test_requests_are_spread_over_both_workers_and_agree(two_workers, fast_detector, example_text):
    expected = json.loads(fast_detector.check(example_text).to_json())

    def check(_):
        response = httpx.post(f"{two_workers}/v1/check", json={"text": example_text}, timeout=120)
        assert response.status_code == 200, response.text
        # Each check closes its connection, so that the next request may go to the idle worker.
        assert response.headers["connection"] == "close"
        return response.json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(pool.map(check, range(12)))
    assert all(r["sentences"] == expected["sentences"] and r["scores"] == expected["scores"] for r in reports)

    # Fresh connections land on either worker; /healthz says which one answered.
    def who(_):
        return next(p["pid"] for p in httpx.get(f"{two_workers}/healthz", timeout=10).json()["workers"]["processes"] if p["this"])

    seen: set[int] = set()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(25):
            seen |= set(pool.map(who, range(16)))
            if len(seen) == 2:
                break
    assert len(seen) == 2, "both workers answer requests"


def test_kept_alive_clients_still_reach_both_workers(two_workers, example_text):
    """A client pool keeps its connections; the checks still spread over both workers."""
    before = {p["pid"]: p for p in httpx.get(f"{two_workers}/healthz", timeout=10).json()["workers"]["processes"]}
    cpu_before = {pid: sum(psutil.Process(pid).cpu_times()[:2]) for pid in before}
    with httpx.Client(base_url=two_workers, timeout=120) as client:
        def check(_):
            for _ in range(8):
                assert client.post("/v1/check", json={"text": example_text}).status_code == 200

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(check, range(4)))
    used = {pid: sum(psutil.Process(pid).cpu_times()[:2]) - cpu_before[pid] for pid in before}
    # 32 checks: were they placed at random, one worker would get under 15% of them once in ~50,000 runs.
    assert min(used.values()) > 0.15 * sum(used.values()), f"CPU seconds per worker: {used}"


def test_a_killed_worker_is_replaced_and_healthz_follows(two_workers):
    before = wait_for_workers(two_workers, 2)
    victim = before["workers"]["processes"][0]["pid"]
    os.kill(victim, signal.SIGKILL)
    after = wait_for_workers(two_workers, 2, exclude={victim})
    assert victim not in {p["pid"] for p in after["workers"]["processes"]}
    assert httpx.post(f"{two_workers}/v1/check", json={"text": "The council met."}, timeout=60).status_code == 200


def test_workers_that_cannot_load_the_model_stop_the_server(tmp_path):
    done = run_cli("serve", "--port", "0", "--workers", "2", "--models", str(tmp_path / "missing"), timeout=120)
    assert done.returncode != 0
    assert b"the workers could not start" in done.stderr and b"Traceback" not in done.stderr.split(b"the workers could not start")[-1]


def test_registry_ignores_dead_and_silent_workers(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    now = time.time()
    (tmp_path / f"{gone.pid}.json").write_text(json.dumps({"pid": gone.pid, "started": now, "beat": now, "rss_bytes": 1}))
    # A live process whose event loop stopped beating long ago.
    (tmp_path / f"{os.getppid()}.json").write_text(json.dumps({"pid": os.getppid(), "started": now - 100, "beat": now - 10 * STALE_S, "rss_bytes": 1}))
    (tmp_path / "garbage.json").write_text("{not json")
    registry = WorkerRegistry(tmp_path, expected=3)
    registry._beat()
    report = registry.report()
    assert report["expected"] == 3 and report["answering"] == 1
    assert [p["pid"] for p in report["processes"]] == [os.getpid()] and report["processes"][0]["this"]
    assert not (tmp_path / f"{gone.pid}.json").exists(), "a dead worker's file is cleaned up"
