"""Where chunks run: in this process, in a pool of local processes, or on a Dask cluster.

Each engine takes a chunk of records and returns a future of its ``ChunkResult``.
The runner drives all three the same way; an engine only says how to submit,
how to wait, and whether a failure means a worker was lost (retry the chunk) or
something else (stop the run).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import socket
from typing import Iterable

from ..errors import ConfigError
from .records import Record
from .work import ChunkResult, JobSpec, check_chunk, preload


class InlineEngine:
    """Chunks run here, one after another: ``--workers 1``."""

    name = "1 process"
    slots = 1
    # A worker cannot be lost in-process: a crash here ends the run, which --resume continues.
    retries_before_isolation = 1
    loses_all_on_loss = False

    def __init__(self, job: JobSpec):
        self.job = job

    def submit(self, records: list[Record]) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(check_chunk(self.job, records))
        except BaseException as exc:  # noqa: BLE001 - handed to the runner through the future
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future

    def wait_any(self, futures: Iterable[cf.Future]) -> set:
        return {f for f in futures if f.done()}

    def is_worker_loss(self, exc: BaseException) -> bool:
        return False

    def recover(self) -> None:
        pass

    def close(self, abort: bool = False) -> None:
        pass


class ProcessEngine:
    """``--workers N``: N spawned processes, each loading the model once at start."""

    retries_before_isolation = 1

    def __init__(self, job: JobSpec, workers: int):
        if workers < 2:
            raise ConfigError("a process pool needs at least 2 workers")
        self.job = job
        self.workers = workers
        self.name = f"{workers} processes"
        self.slots = 2 * workers  # one chunk running and one queued per worker
        self._pool = self._start()

    def _start(self) -> cf.ProcessPoolExecutor:
        # spawn, not fork: the parent may hold threads (tokenizers, BLAS) that fork would copy mid-flight.
        return cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=preload,
            initargs=(self.job, os.getpid(), max(1, (os.cpu_count() or 1) // self.workers)),
        )

    def submit(self, records: list[Record]) -> cf.Future:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(check_chunk, self.job, records)
        except BrokenProcessPool as exc:
            # The pool broke since the last wait: the chunk is lost like the ones inside it.
            lost: cf.Future = cf.Future()
            lost.set_exception(exc)
            return lost

    def wait_any(self, futures: Iterable[cf.Future]) -> set:
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return done

    def worker_peaks(self) -> dict[str, int]:
        """Peak memory of each live worker, including one that loaded the model but got no chunk."""
        host = socket.gethostname()
        peaks = {}
        for process in list(getattr(self._pool, "_processes", {}).values()):
            peak = _peak_rss_of(process.pid)
            if peak:
                peaks[f"{host}:{process.pid}"] = peak
        return peaks

    def is_worker_loss(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    @property
    def loses_all_on_loss(self) -> bool:
        return True  # a broken pool fails every chunk in it

    def recover(self) -> None:
        self.close(abort=True)
        self._pool = self._start()

    def close(self, abort: bool = False) -> None:
        pool = self._pool
        if abort:
            # Stop the workers now; waiting would finish chunks nobody will commit.
            for process in list(getattr(pool, "_processes", {}).values()):
                if process.is_alive():
                    process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def _peak_rss_of(pid: int) -> int:
    """VmHWM of a process on Linux (its peak resident memory), else 0."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class DaskEngine:
    """``--dask ADDRESS``: chunks are tasks on a Dask cluster; see ``detector.batch.cluster``."""

    # Dask has already retried a task whose worker died (``distributed.scheduler.allowed-failures``)
    # before it reports KilledWorker; the runner then isolates the chunk at once.
    retries_before_isolation = 0
    loses_all_on_loss = False

    def __init__(self, job: JobSpec, client):
        from .cluster import register_preload

        self.job = job
        self.client = client
        register_preload(client, job)
        threads = sum(client.nthreads().values()) or 1
        self.slots = 2 * threads
        self.name = f"Dask at {client.scheduler.address} ({len(client.nthreads())} workers, {threads} threads)"

    def submit(self, records: list[Record]):
        return self.client.submit(check_chunk, self.job, records, pure=False)

    def wait_any(self, futures: Iterable) -> set:
        from distributed import wait

        done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def worker_peaks(self) -> dict[str, int]:
        """Peak memory of every worker process in the cluster now."""
        from .work import worker_name_and_peak

        try:
            return dict(self.client.run(worker_name_and_peak).values())
        except Exception:  # noqa: BLE001 - figures only; the run's result does not depend on them
            return {}

    def is_worker_loss(self, exc: BaseException) -> bool:
        from distributed.scheduler import KilledWorker

        return isinstance(exc, KilledWorker)

    def recover(self) -> None:
        pass

    def close(self, abort: bool = False) -> None:
        pass  # the caller owns the client


__all__ = ["ChunkResult", "DaskEngine", "InlineEngine", "ProcessEngine"]
