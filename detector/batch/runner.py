"""The batch run: read records, check them in chunks on an engine, commit each chunk, assemble.

The reader runs in this process and hands chunks of records to the engine, at
most ``engine.slots`` at a time, so memory stays bounded whatever the input's
size. Chunks come back in any order; each is committed as it arrives (see
``store``), and the output is assembled in input order at the end.

Duplicate ids: the first record with an id is checked; every later record with
the same id gets an error entry that names the record it repeats. The choice
depends only on input order, so it comes out the same when a run is resumed.

A lost worker (a pool process or Dask worker that died) costs a retry of its
chunk. A chunk that is lost again is run alone, then split into single records
each run alone, so a record that kills its worker every time ends as an error
entry and cannot stall the run or take innocent records with it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DetectorError
from .records import Record, count_records, detect_input_type, fingerprint, read_records, record_byte_limit
from .store import PartStore
from .work import ChunkResult, JobSpec, check_source, entry_json, peak_rss_bytes

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 256
# Text a chunk may hold, whatever its number of records: a bound on memory in flight.
CHUNK_TEXT_BYTES = 32 << 20


class BatchError(DetectorError):
    """The run stopped; committed chunks stay, and --resume continues from them."""


@dataclass
class _Chunk:
    records: list[Record]
    attempts: int = 0


@dataclass
class BatchStats:
    """What one call of ``run_batch`` did."""

    output: Path
    engine: str = ""
    checked: int = 0  # entries written by this run (reports and error entries)
    errors: int = 0  # of which error entries
    duplicates: int = 0
    skipped: int = 0  # records already written by an earlier run (--resume)
    retried_chunks: int = 0
    seconds: float = 0.0
    already_complete: bool = False
    worker_peak_rss: dict[str, int] = field(default_factory=dict)  # "host:pid" -> bytes
    driver_peak_rss: int = 0  # this process: reads, schedules, writes (and checks, with 1 process)

    @property
    def documents_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        return {
            "output": str(self.output),
            "engine": self.engine,
            "checked": self.checked,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "retried_chunks": self.retried_chunks,
            "seconds": round(self.seconds, 3),
            "documents_per_second": round(self.documents_per_second, 2),
            "already_complete": self.already_complete,
            "worker_peak_rss_mib": {k: round(v / 2**20, 1) for k, v in sorted(self.worker_peak_rss.items())},
            "driver_peak_rss_mib": round(self.driver_peak_rss / 2**20, 1),
        }


def run_batch(
    input_path: str | Path,
    output: str | Path,
    *,
    job: JobSpec | None = None,
    input_type: str = "auto",
    id_field: str = "id",
    text_field: str = "text",
    workers: int = 1,
    dask=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    engine=None,
) -> BatchStats:
    """Check every record of ``input_path`` and write one entry per record to ``output``.

    ``dask`` takes a scheduler address or a ``distributed.Client``; ``workers`` > 1
    starts a local process pool instead. ``engine`` overrides both (tests).
    """
    job = job or JobSpec()
    if chunk_size < 1:
        raise ConfigError("chunk size must be at least 1")
    if workers < 1:
        raise ConfigError("workers must be at least 1")
    if dask is not None and workers > 1:
        raise ConfigError("--workers and --dask exclude each other: a Dask cluster brings its own workers")
    input_path = Path(input_path)
    kind = detect_input_type(input_path, input_type)
    if not input_path.is_file():
        raise ConfigError(f"{input_path}: no such file")
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite exclude each other")

    stats = BatchStats(output=Path(output))
    store = PartStore(output)
    if resume and store.complete:
        store.finish_complete()
        stats.already_complete = True
        return stats
    job_record = {
        "input": str(input_path.resolve()),
        "input_fingerprint": fingerprint(input_path),
        "input_type": kind,
        "id_field": id_field,
        "text_field": text_field,
        "profile": job.profile,
        "checks": list(job.checks) if job.checks is not None else None,
        "max_chars": job.max_chars,
        "text_format": job.text_format,
        # Every record checked against one source (--against): resuming with another is refused.
        "against": None if job.source is None else {"name": job.source_name, "sha256": job.source_sha256,
                                                    "format": job.source_format},
    }
    check_source(job)  # a source no worker could read stops the run before any work
    store.open(job_record, resume=resume, overwrite=overwrite)
    client_owned = None
    started = time.perf_counter()
    bar = None
    try:
        if engine is None:
            if dask is not None:
                from .cluster import connect
                from .engines import DaskEngine

                client, client_owned = connect(dask)
                engine = DaskEngine(job, client)
            elif workers > 1:
                from .engines import ProcessEngine

                engine = ProcessEngine(job, workers)
            else:
                from .engines import InlineEngine

                engine = InlineEngine(job)
        stats.engine = engine.name
        if progress:
            bar = _progress_bar(input_path, kind, store)
        records = read_records(
            input_path, kind, id_field=id_field, text_field=text_field, max_record_bytes=record_byte_limit(job.max_chars)
        )
        _Run(job, store, engine, stats, chunk_size, bar).drive(records, resume=resume)
        for worker, peak in getattr(engine, "worker_peaks", dict)().items():
            stats.worker_peak_rss[worker] = max(peak, stats.worker_peak_rss.get(worker, 0))
        store.assemble()
    except BaseException:
        if engine is not None:
            engine.close(abort=True)
            engine = None
        raise
    finally:
        stats.seconds = time.perf_counter() - started
        stats.driver_peak_rss = peak_rss_bytes()
        if bar is not None:
            bar.close()
        if engine is not None:
            engine.close()
        if client_owned is not None:
            client_owned.close()
        store.close()
    return stats


class _Run:
    def __init__(self, job: JobSpec, store: PartStore, engine, stats: BatchStats, chunk_size: int, bar):
        self.job = job
        self.store = store
        self.engine = engine
        self.stats = stats
        self.chunk_size = chunk_size
        self.bar = bar
        self.pending: dict = {}  # future -> _Chunk
        self.isolate: deque[_Chunk] = deque()
        self.in_flight_ids: dict[str, int] = {}  # id -> first record with it, not yet committed

    def drive(self, records, *, resume: bool) -> None:
        check_written = resume and self.store.progress().records > 0
        chunk: list[Record] = []
        chunk_bytes = 0
        for record in records:
            if check_written and self.store.is_written(record.number):
                self.stats.skipped += 1
                continue
            record = self._mark_duplicate(record)
            chunk.append(record)
            chunk_bytes += len(record.text) if record.text is not None else 0
            if len(chunk) >= self.chunk_size or chunk_bytes >= CHUNK_TEXT_BYTES:
                self._submit(_Chunk(chunk))
                chunk, chunk_bytes = [], 0
        if chunk:
            self._submit(_Chunk(chunk))
        self._drain()

    def _mark_duplicate(self, record: Record) -> Record:
        key = record.id_key
        if key is None:
            return record
        first = self.in_flight_ids.get(key)
        if first is None:
            first = self.store.first_written(key, record.number)
        if first is None:
            self.in_flight_ids[key] = record.number
            return record
        self.stats.duplicates += 1
        return record.failed(f"{record.label}: duplicate id; record {first} came first with it")

    # -- scheduling ---------------------------------------------------------------

    def _submit(self, chunk: _Chunk) -> None:
        while len(self.pending) >= self.engine.slots:
            self._collect(self.engine.wait_any(self.pending))
        self.pending[self.engine.submit(chunk.records)] = chunk
        if self.isolate:
            self._run_isolated()

    def _drain(self) -> None:
        while self.pending or self.isolate:
            if self.pending:
                self._collect(self.engine.wait_any(self.pending))
            else:
                self._run_isolated()

    def _collect(self, done) -> None:
        lost: list[_Chunk] = []
        for future in done:
            chunk = self.pending.pop(future)
            try:
                result: ChunkResult = future.result()
            except Exception as exc:  # noqa: BLE001 - sorted into lost worker or fatal below
                if not self.engine.is_worker_loss(exc):
                    raise BatchError(_describe_failure(exc)) from exc
                log.warning("lost a worker while it checked %d records: %s", len(chunk.records), exc)
                lost.append(chunk)
                continue
            self._commit(chunk.records, result)
        if lost and self.engine.loses_all_on_loss:
            # Every chunk still in the broken pool is lost too, unless it finished first.
            for future, chunk in list(self.pending.items()):
                del self.pending[future]
                if future.done() and future.exception() is None:
                    self._commit(chunk.records, future.result())
                else:
                    lost.append(chunk)
            self.engine.recover()
        for chunk in lost:
            self.stats.retried_chunks += 1
            chunk.attempts += 1
            if chunk.attempts > self.engine.retries_before_isolation:
                self.isolate.append(chunk)
            else:
                self.pending[self.engine.submit(chunk.records)] = chunk

    def _run_isolated(self) -> None:
        """Run suspect chunks alone, so that a loss can be blamed on the chunk that caused it."""
        while self.pending:
            self._collect(self.engine.wait_any(self.pending))
        while self.isolate:
            chunk = self.isolate.popleft()
            future = self.engine.submit(chunk.records)
            done: set = set()
            while not done:
                done = self.engine.wait_any([future])
            try:
                result: ChunkResult = future.result()
            except Exception as exc:  # noqa: BLE001 - sorted into lost worker or fatal
                if not self.engine.is_worker_loss(exc):
                    raise BatchError(_describe_failure(exc)) from exc
                self.engine.recover()
            else:
                self._commit(chunk.records, result)
                continue
            if len(chunk.records) > 1:
                self.isolate.extendleft(_Chunk([r], attempts=1) for r in reversed(chunk.records))
            else:
                record = chunk.records[0]
                self._commit([record], self._lost_entry(record))

    def _lost_entry(self, record: Record) -> ChunkResult:
        from ..checks import resolve_checks
        from ..report import Report

        reason = f"{record.label}: internal error: the worker checking this record died every time it tried"
        names = tuple(c.name for c in resolve_checks(self.job.checks))
        report = Report(None, source=record.label, profile=self.job.profile, checks=names, error=reason)
        return ChunkResult([entry_json(record, report.to_dict())], 1)

    # -- committing ---------------------------------------------------------------

    def _commit(self, records: list[Record], result: ChunkResult) -> None:
        self.store.commit(records, result.entries, result.errors)
        for record in records:
            key = record.id_key
            if key is not None and self.in_flight_ids.get(key) == record.number:
                del self.in_flight_ids[key]
        self.stats.checked += len(records)
        self.stats.errors += result.errors
        previous = self.stats.worker_peak_rss.get(result.worker, 0)
        if result.peak_rss > previous:
            self.stats.worker_peak_rss[result.worker] = result.peak_rss
        if self.bar is not None:
            self.bar.update(len(records))
            self.bar.set_postfix(errors=self.stats.errors, refresh=False)


def _describe_failure(exc: BaseException) -> str:
    kept = "; the chunks written so far are kept: fix the cause and run again with --resume"
    if isinstance(exc, DetectorError):
        return f"a worker could not check records: {exc}{kept}"
    return f"the run stopped: {type(exc).__name__}: {exc}{kept}"


def _progress_bar(input_path: Path, kind: str, store: PartStore):
    from tqdm import tqdm

    total = count_records(input_path, kind)
    if total is not None:
        total = max(total - store.progress().records, 0)
    return tqdm(total=total, unit="doc", desc="checking", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
