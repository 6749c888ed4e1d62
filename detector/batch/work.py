"""The work of one chunk of records, wherever it runs: this process, a pool worker, a Dask worker.

A process loads its Detector once (``cached_detector``) and keeps it for every
chunk after; ``check_chunk`` turns records into output entries, one per record,
in record order. An entry is the record's report (``detector.report/1``) with
its ``id`` and ``record`` number in front; a record that could not be checked
gets a report whose ``error`` says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import socket
import sys
import threading
import time
from dataclasses import dataclass, field

from .records import Record

# A bound for batch runs (the longest news article in the shared data is about 12,000 characters).
DEFAULT_BATCH_MAX_CHARS = 1_000_000

_DETECTORS: dict[tuple, object] = {}
_SOURCES: dict[tuple, object] = {}  # (detector key, source key) -> the source read and encoded (an Against)
_LOAD_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What every worker needs to check records the same way; small and picklable."""

    profile: str = "accurate"
    checks: tuple[str, ...] | None = None
    models_dir: str | None = None
    max_chars: int = DEFAULT_BATCH_MAX_CHARS
    text_format: str = "auto"
    batch_size: int = 32
    # The source every record is checked against (``detector batch --against``): its bytes, as
    # read, its name in the reports (meta.against) and how to read it (as ``--input-format``).
    source: bytes | None = None
    source_name: str | None = None
    source_format: str = "auto"

    @property
    def detector_key(self) -> tuple:
        return (self.profile, self.checks, self.models_dir, self.max_chars)

    @property
    def source_sha256(self) -> str | None:
        return None if self.source is None else hashlib.sha256(self.source).hexdigest()


@dataclass(slots=True)
class ChunkResult:
    """Entries (JSON lines, record order) and what the worker that made them used."""

    entries: list[str]
    errors: int
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    peak_rss: int = 0
    seconds: float = 0.0


def cached_detector(job: JobSpec):
    """This process's Detector for ``job``, loaded on first use and kept."""
    detector = _DETECTORS.get(job.detector_key)
    if detector is None:
        with _LOAD_LOCK:
            detector = _DETECTORS.get(job.detector_key)
            if detector is None:
                from ..pipeline import Detector

                detector = Detector.load(
                    profile=job.profile, checks=job.checks, models_dir=job.models_dir, max_chars=job.max_chars
                )
                _DETECTORS[job.detector_key] = detector
    return detector


def cached_source(job: JobSpec, detector):
    """This process's reading of ``job``'s source (read and encoded once), or None without one."""
    if job.source is None:
        return None
    key = (job.detector_key, job.source_sha256, job.source_name, job.source_format)
    against = _SOURCES.get(key)
    if against is None:
        with _LOAD_LOCK:
            against = _SOURCES.get(key)
            if against is None:
                against = detector.load_source(job.source, name=job.source_name, format=job.source_format)
                _SOURCES[key] = against
    return against


def check_source(job: JobSpec) -> None:
    """Raise ``InputError`` now for a source no worker could read (binary, empty, over max_chars).

    Reads it as ``Detector.load_source`` does but loads no model and encodes nothing, so
    that the run is refused before any work, in the process that reads the input.
    """
    if job.source is None:
        return
    from ..pipeline import Detector

    Detector(None, (), max_chars=job.max_chars).read_source(job.source, name=job.source_name, format=job.source_format)


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def worker_name_and_peak() -> tuple[str, int]:
    return f"{socket.gethostname()}:{os.getpid()}", peak_rss_bytes()


def entry_json(record: Record, report_dict: dict) -> str:
    entry = {"id": record.id, "record": record.number, **report_dict}
    return json.dumps(entry, ensure_ascii=False, allow_nan=False)


def check_chunk(job: JobSpec, records: list[Record]) -> ChunkResult:
    """Entries for ``records``, one each, in their order; never raises for one bad record."""
    from ..report import Report

    started = time.perf_counter()
    detector = cached_detector(job)
    names = tuple(check.name for check in detector.checks)

    def error_entry(record: Record, reason: str) -> str:
        report = Report(None, source=record.label, profile=detector.profile, checks=names, error=reason)
        return entry_json(record, report.to_dict())

    readable = [r for r in records if r.error is None]
    reports = detector.check_many(
        (r.text for r in readable), batch_size=job.batch_size, format=job.text_format,
        sources=(r.label for r in readable), source_text=cached_source(job, detector),
    )
    checked = {id(record): report for record, report in zip(readable, reports)}
    entries, errors = [], 0
    for record in records:
        report = checked.get(id(record))
        if report is None or report.error is not None:
            errors += 1
            entries.append(error_entry(record, record.error if report is None else report.error))
            continue
        try:
            entries.append(entry_json(record, report.to_dict()))
        except (TypeError, ValueError) as exc:  # a check's extras that JSON cannot hold: this record only
            errors += 1
            entries.append(error_entry(record, f"{record.label}: internal error: report is not serialisable ({exc})"))
    return ChunkResult(entries, errors, peak_rss=peak_rss_bytes(), seconds=time.perf_counter() - started)


def preload(job: JobSpec, parent_pid: int | None = None, threads: int | None = None) -> None:
    """Process-pool initializer: share the cores, load the model before the first chunk arrives."""
    _die_with_parent(parent_pid)
    if threads is not None:
        limit_threads(threads)
    cached_detector(job)
    if threads is not None:
        limit_threads(threads)  # again: loading the model may have started thread pools of its own


def limit_threads(threads: int) -> None:
    """At most ``threads`` BLAS/OpenMP/torch threads in this process.

    N worker processes each using every core would fight over them; Dask's
    nanny does the same for its workers (OMP_NUM_THREADS=1).
    """
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        pass
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def _die_with_parent(parent_pid: int | None) -> None:
    """A pool worker whose parent was killed (kill -9) must not go on burning CPU alone."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops its pool
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if parent_pid is not None and os.getppid() != parent_pid:  # it died before prctl took effect
            os._exit(1)
