"""Load test of `detector serve` on loopback: requests/s and latency at 1, 4 and 16 clients, memory over time.

    pip install -e '.[bench]'
    .venv/bin/python benchmarks/load_test.py            # about 11 minutes on 2 cores

What it does, all on 127.0.0.1 and bounded in time:
1. starts `python -m detector serve --profile fast --encoder-cache 0` on a free port (the cache is off
   so that every request pays for encoding its sentences, as a new article does);
2. runs Locust headless (benchmarks/locustfile.py) with 1, 4 and 16 concurrent clients, each posting the
   shared example article (examples/myanmar-repatriation.md) back to back for --duration seconds;
3. one run at 16 clients with the encoder cache on (the server's default; repeats are cheaper);
4. a soak of --soak seconds at 16 clients, sampling the server's resident memory every 5 s;
5. the accurate profile (MiniLM) at 4 clients.
Writes benchmarks/results/load.json, load.md (the table the README quotes) and rss.png.

    .venv/bin/python benchmarks/load_test.py --workers 2     # about 8 minutes

compares `detector serve --workers 2` with one worker instead, in the same run: the fast profile, the
encoder cache off, --clients (4) clients for --duration seconds against each, then a soak of --soak
seconds against the N-worker server sampling every worker's resident memory every 5 s. Writes
load-workers.json, load-workers.md and rss-workers.png.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
LOCUSTFILE = REPO / "benchmarks" / "locustfile.py"
ARTICLE = REPO / "examples" / "myanmar-repatriation.md"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_processes(pid: int) -> list[psutil.Process]:
    """The processes that run checks: the server itself, or with --workers its uvicorn workers."""
    parent = psutil.Process(pid)
    workers = [c for c in parent.children() if "spawn_main" in " ".join(c.cmdline())]
    return workers or [parent]


def cpu_seconds(pid: int) -> dict[int, float]:
    times = {}
    for process in server_processes(pid):
        cpu = process.cpu_times()
        times[process.pid] = cpu.user + cpu.system
    return times


class MemorySampler:
    """Resident memory of the server's processes every ``interval`` seconds, in a thread.

    ``samples`` holds the sum over the worker processes; ``per_worker`` each one, by pid.
    """

    def __init__(self, pid: int, interval: float = 5.0) -> None:
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, float, str]] = []  # (seconds since start, MiB, phase)
        self.per_worker: list[tuple[float, int, float, str]] = []  # (seconds since start, pid, MiB, phase)
        self.phase = "idle"
        self._stop = threading.Event()
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                processes = server_processes(self.pid)
                rss = {p.pid: p.memory_info().rss / 2**20 for p in processes}
            except psutil.NoSuchProcess:
                return
            now = round(time.monotonic() - self._start, 1)
            self.samples.append((now, round(sum(rss.values()), 1), self.phase))
            self.per_worker.extend((now, pid, round(mib, 1), self.phase) for pid, mib in rss.items())
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def server(profile: str, encoder_cache: int | None, workers: int = 1) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [sys.executable, "-m", "detector", "serve", "--profile", profile, "--port", str(port), "--no-access-log"]
    if encoder_cache is not None:
        command += ["--encoder-cache", str(encoder_cache)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"server exited: {log.read().decode(errors='replace')}")
            try:
                health = httpx.get(f"{url}/healthz", timeout=2)
                if health.status_code == 200 and health.json().get("workers", {}).get("answering", 1) >= workers:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start in 300 s")
            time.sleep(0.5)
        # Warm up: the first requests load lazy parts of the libraries (in every worker).
        body = {"text": ARTICLE.read_text(encoding="utf-8")}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for response in pool.map(lambda _: httpx.post(f"{url}/v1/check", json=body, timeout=120), range(5 * workers)):
                response.raise_for_status()
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run_locust(url: str, users: int, seconds: int, expected_sentences: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "run"
        env = {**os.environ, "LOAD_ARTICLE": str(ARTICLE), "LOAD_EXPECTED_SENTENCES": str(expected_sentences)}
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "-H", url,
            "--csv", str(prefix), "--loglevel", "WARNING", "--stop-timeout", "30",
        ]
        load_before = os.getloadavg()[0]
        done = subprocess.run(command, env=env, cwd=REPO, check=False, capture_output=True, text=True, timeout=seconds + 120)
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise SystemExit(f"locust wrote no statistics (exit {done.returncode}):\n{done.stderr[-3000:]}")
        with stats.open(newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {
        # Other work on the machine shows here: the 1-minute load average before and after the run.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "clients": users,
        "seconds": seconds,
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "requests_per_s": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "mean_ms": round(float(row["Average Response Time"]), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,4,16", help="Concurrent clients, comma-separated.")
    parser.add_argument("--duration", type=int, default=45, help="Seconds per level.")
    parser.add_argument("--soak", type=int, default=300, help="Seconds of the memory soak (0 skips it).")
    parser.add_argument("--soak-clients", type=int, default=16)
    parser.add_argument("--accurate-clients", type=int, default=4, help="Clients for the accurate-profile run (0 skips it).")
    parser.add_argument("--workers", type=int, default=0, help="Compare `serve --workers N` with one worker (the run described above).")
    parser.add_argument("--clients", type=int, default=4, help="Clients for the --workers comparison and its soak.")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]

    sys.path.insert(0, str(REPO))
    from detector import Detector

    text = ARTICLE.read_text(encoding="utf-8")
    sentences = len(Detector.load(profile="fast").check(text).sentences)
    if args.workers > 1:
        compare_workers(args, text, sentences)
        return
    runs: list[dict] = []
    memory: list[tuple[float, float, str]] = []

    def record(run: dict, **labels) -> None:
        run.update(labels)
        runs.append(run)
        print(json.dumps(run), flush=True)

    with server("fast", encoder_cache=0) as (url, pid), MemorySampler(pid) as sampler:
        for users in levels:
            sampler.phase = f"fast {users} clients"
            record(run_locust(url, users, args.duration, sentences), profile="fast", encoder_cache="off")
        if args.soak:
            sampler.phase = "soak"
            record(run_locust(url, args.soak_clients, args.soak, sentences), profile="fast", encoder_cache="off", soak=True)
        memory = sampler.samples

    with server("fast", encoder_cache=None) as (url, _):
        record(run_locust(url, max(levels), args.duration, sentences), profile="fast", encoder_cache="default")

    if args.accurate_clients:
        with server("accurate", encoder_cache=0) as (url, _):
            record(run_locust(url, args.accurate_clients, args.duration, sentences), profile="accurate", encoder_cache="off")

    soak = [(t, rss) for t, rss, phase in memory if phase == "soak"]
    summary = {
        "command": "python benchmarks/load_test.py " + " ".join(sys.argv[1:]),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "article": {"path": str(ARTICLE.relative_to(REPO)), "characters": len(text), "sentences": sentences},
        "runs": runs,
        "memory_mib": memory,
        "soak_rss_mib": {
            "first": soak[0][1] if soak else None,
            "last": soak[-1][1] if soak else None,
            "min": min(r for _, r in soak) if soak else None,
            "max": max(r for _, r in soak) if soak else None,
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "load.md").write_text(markdown(summary))
    plot(memory, args.out / "rss.png")
    print((args.out / "load.md").read_text())


def compare_workers(args: argparse.Namespace, text: str, sentences: int) -> None:
    """The same load against one worker and against --workers N, then a soak against N."""
    runs: list[dict] = []
    for workers in (1, args.workers):
        with server("fast", encoder_cache=0, workers=workers) as (url, pid):
            # CPU seconds each worker spent in the run: shows the load is spread even where
            # a busy machine keeps requests/s from growing.
            before = cpu_seconds(pid)
            run = run_locust(url, args.clients, args.duration, sentences)
            after = cpu_seconds(pid)
            run.update(profile="fast", encoder_cache="off", workers=workers,
                       cpu_s_per_worker=[round(after[p] - before.get(p, 0.0), 1) for p in sorted(after)])
            runs.append(run)
            print(json.dumps(run), flush=True)
    memory: list[tuple[float, int, float, str]] = []
    if args.soak:
        with server("fast", encoder_cache=0, workers=args.workers) as (url, pid), MemorySampler(pid) as sampler:
            sampler.phase = "soak"
            run = run_locust(url, args.clients, args.soak, sentences)
            run.update(profile="fast", encoder_cache="off", workers=args.workers, soak=True)
            runs.append(run)
            print(json.dumps(run), flush=True)
        memory = sampler.per_worker
    by_worker: dict[int, list[float]] = {}
    for _, pid, mib, phase in memory:
        if phase == "soak":
            by_worker.setdefault(pid, []).append(mib)
    one, many = runs[0]["requests_per_s"], runs[1]["requests_per_s"]
    summary = {
        "command": "python benchmarks/load_test.py " + " ".join(sys.argv[1:]),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "article": {"path": str(ARTICLE.relative_to(REPO)), "characters": len(text), "sentences": sentences},
        "runs": runs,
        "speedup": round(many / one, 2) if one else None,
        "memory_per_worker_mib": memory,
        "soak_rss_per_worker_mib": {
            str(pid): {"first": values[0], "last": values[-1], "min": min(values), "max": max(values)} for pid, values in by_worker.items()
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load-workers.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "load-workers.md").write_text(markdown_workers(summary))
    if memory:
        plot([(t, mib, f"worker {pid}") for t, pid, mib, _ in memory], args.out / "rss-workers.png",
             title=f"detector serve --workers {args.workers}: resident memory per worker, {args.clients} clients")
    print((args.out / "load-workers.md").read_text())


def markdown_workers(summary: dict) -> str:
    lines = [
        f"Article: `{summary['article']['path']}` ({summary['article']['characters']:,} characters, "
        f"{summary['article']['sentences']} sentences); {summary['machine']['cpus']} CPUs; {summary['when']}; "
        f"`{summary['command']}`.",
        "",
        "| workers | clients | seconds | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | CPU s per worker | load avg before/after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in summary["runs"]:
        cpu = " + ".join(f"{c:g}" for c in run.get("cpu_s_per_worker", [])) or "–"
        lines.append(
            f"| {run['workers']}{' (soak)' if run.get('soak') else ''} | {run['clients']} | {run['seconds']} | {run['requests']:,} | "
            f"{run['errors']} | {run['requests_per_s']} | {run['p50_ms']:g} | {run['p95_ms']:g} | {run['p99_ms']:g} | {cpu} | "
            f"{run['load_average'][0]:g} / {run['load_average'][1]:g} |"
        )
    lines += ["", f"Requests/s with {summary['runs'][1]['workers']} workers over 1 worker: {summary['speedup']}x."]
    for pid, rss in summary["soak_rss_per_worker_mib"].items():
        lines.append(f"Worker {pid} RSS during the soak: first {rss['first']} MiB, last {rss['last']} MiB, min {rss['min']}, max {rss['max']}.")
    return "\n".join(lines) + "\n"


def markdown(summary: dict) -> str:
    lines = [
        f"Article: `{summary['article']['path']}` ({summary['article']['characters']:,} characters, "
        f"{summary['article']['sentences']} sentences); {summary['machine']['cpus']} CPUs; {summary['when']}.",
        "",
        "| profile | encoder cache | clients | seconds | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | load avg before/after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in summary["runs"]:
        lines.append(
            f"| {run['profile']}{' (soak)' if run.get('soak') else ''} | {run['encoder_cache']} | {run['clients']} | {run['seconds']} | "
            f"{run['requests']:,} | {run['errors']} | {run['requests_per_s']} | {run['p50_ms']:g} | {run['p95_ms']:g} | {run['p99_ms']:g} | "
            f"{run['load_average'][0]:g} / {run['load_average'][1]:g} |"
        )
    soak = summary["soak_rss_mib"]
    if soak["first"] is not None:
        lines += ["", f"Server RSS during the soak: first {soak['first']} MiB, last {soak['last']} MiB, min {soak['min']}, max {soak['max']} MiB."]
    return "\n".join(lines) + "\n"


def plot(memory: list[tuple[float, float, str]], path: Path, title: str = "detector serve --profile fast: resident memory under load") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.2))
    phases = list(dict.fromkeys(phase for _, _, phase in memory))
    for phase in phases:
        points = [(t, r) for t, r, p in memory if p == phase]
        ax.plot([t for t, _ in points], [r for _, r in points], marker=".", linewidth=1, label=phase)
    ax.set_xlabel("seconds since the server started answering")
    ax.set_ylabel("server RSS (MiB)")
    ax.set_ylim(0, max((r for _, r, _ in memory), default=1) * 1.2)  # room above the lines for the legend
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right", ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
