"""Documents/s and peak memory per worker of `detector batch`: 1 process, --workers 2, a local Dask cluster of 2.

Re-run on a quiet machine with one command (from the repository root):

    .venv/bin/python benchmarks/batch_throughput.py                      # fast profile, 20,000 documents
    .venv/bin/python benchmarks/batch_throughput.py --profile accurate --docs 600

The input is every English news document of ../shared/data/ai_text (the sets
in detector.training.data.NEWS_SETS, all splits), repeated under new ids until
there are --docs of them, written once to .cache/bench/. Each configuration runs
the real command in a subprocess (`python -m detector batch ... --stats`), so
the time includes starting the workers and loading the model in each. The Dask
cluster is a LocalCluster on loopback in this process: 2 worker processes, one
thread each, the driver reading and writing in the command's process.

Besides documents/s (wall clock), each run reports its CPU time (the command,
its pool or Dask worker processes, and the scheduler) and documents per
CPU-second, which other work on the machine does not change much: on N idle
cores, N workers approach N times that figure.

Results go to stdout as a table and to benchmarks/results/batch-<profile>-<docs>.json
with the machine's load average before and after each run: on a shared machine
the figures are noisy, and the load says how noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CONFIGS = ("1-process", "workers-2", "dask-2")


def _cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (and their waited-for children)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def build_input(count: int) -> Path:
    from detector.training.data import SPLITS, news_rows

    target = REPO / ".cache" / "bench" / f"news-{count}.jsonl"
    if target.exists():
        return target
    rows = [{"id": row["id"], "text": row["text"]} for split in SPLITS for row in news_rows(split)]
    if not rows:
        raise SystemExit("no news documents found in ../shared/data/ai_text")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for i in range(count):
            row = rows[i % len(rows)]
            handle.write(json.dumps({"id": f"{row['id']}~{i // len(rows)}", "text": row["text"]}, ensure_ascii=False) + "\n")
    tmp.replace(target)
    print(f"wrote {target} ({count} documents from {len(rows)} distinct news documents)", file=sys.stderr)
    return target


def run_config(config: str, source: Path, profile: str, chunk_size: int, workdir: Path) -> dict:
    out = workdir / f"{config}.jsonl"
    stats_path = workdir / f"{config}.stats.json"
    command = [sys.executable, "-m", "detector", "batch", str(source), "--out", str(out), "--profile", profile,
               "--chunk-size", str(chunk_size), "--overwrite", "--no-progress", "--stats", str(stats_path)]
    cluster = client = None
    try:
        if config == "workers-2":
            command += ["--workers", "2"]
        elif config == "dask-2":
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, worker_dashboard_address=None, silence_logs=40)
            client = Client(cluster)
            command += ["--dask", cluster.scheduler_address]
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
        if done.returncode != 0:
            raise SystemExit(f"{config} failed:\n{done.stderr[-3000:]}")
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()  # waits for the worker processes, so their CPU time is counted below
    cpu = _cpu_seconds() - cpu_before
    stats = json.loads(stats_path.read_text())
    entries = sum(1 for _ in open(out, encoding="utf-8"))
    out.unlink()
    return {
        "config": config,
        "documents": entries,
        "errors": stats["errors"],
        "seconds": stats["seconds"],
        "documents_per_second": stats["documents_per_second"],
        "command_wall_seconds": round(wall, 2),
        # CPU time of the command, its pool or the Dask workers, and the in-process scheduler: the cost
        # of the job whatever else the machine runs. On idle cores, N workers approach N x documents/CPU-s.
        "cpu_seconds": round(cpu, 1),
        "documents_per_cpu_second": round(entries / cpu, 1) if cpu > 0 else None,
        "worker_peak_rss_mib": stats["worker_peak_rss_mib"],
        "driver_peak_rss_mib": stats["driver_peak_rss_mib"],
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=("fast", "accurate"), default="fast")
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the input (default 20,000)")
    parser.add_argument("--chunk-size", type=int, default=256)
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from {', '.join(CONFIGS)}")
    args = parser.parse_args()
    configs = [c for c in args.configs.split(",") if c]
    source = build_input(args.docs)
    workdir = REPO / ".cache" / "bench" / "runs"
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for config in configs:
        print(f"running {config} on {args.docs} documents, profile {args.profile} ...", file=sys.stderr)
        results.append(run_config(config, source, args.profile, args.chunk_size, workdir))
        print(json.dumps(results[-1]), file=sys.stderr)
    report = {
        "command": " ".join(["benchmarks/batch_throughput.py", *sys.argv[1:]]),
        "profile": args.profile,
        "documents": args.docs,
        "chunk_size": args.chunk_size,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "results": results,
    }
    target = REPO / "benchmarks" / "results" / f"batch-{args.profile}-{args.docs}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2) + "\n")
    print("| configuration | documents | documents/s | wall s | documents per CPU-s | peak memory per worker (MiB) "
          "| driver (MiB) | load avg before → after |")
    print("|---|---:|---:|---:|---:|---|---:|---|")
    for r in results:
        peaks = ", ".join(f"{v:.0f}" for v in r["worker_peak_rss_mib"].values())
        print(f"| {r['config']} | {r['documents']:,} | {r['documents_per_second']:.1f} | {r['seconds']:.0f} | "
              f"{r['documents_per_cpu_second']:.1f} | {peaks} | "
              f"{r['driver_peak_rss_mib']:.0f} | {r['load_average_before'][0]:.1f} → {r['load_average_after'][0]:.1f} |")
    print(f"\nwritten to {target.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
