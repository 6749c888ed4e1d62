"""``detector serve --workers N``: uvicorn's own process manager runs N copies of the app.

The checks are Python code under one GIL, so one process uses about one core. With
``--workers N`` the command hands the listening socket to uvicorn's supervisor, which
starts N worker processes (spawned, not forked), restarts one that dies, and stops
them all on SIGTERM/Ctrl-C. Each worker builds the application with
``create_app_from_environment`` (an app factory: uvicorn imports it by name in the new
process), reading the command's options from ``DETECTOR_SERVE_CONFIG`` (JSON), and
loads the model once, for itself.

How ``/healthz`` knows the other workers: a worker cannot see its siblings' state
through uvicorn, and whichever worker answers a request must speak for all of them.
So each worker keeps a small heartbeat file, ``<pid>.json``, in a directory the
command creates for this server (and removes when it stops): its pid, its resident
memory (RSS, measured by the worker itself with psutil) and the time, rewritten every
``HEARTBEAT_S`` seconds by a task on the worker's event loop. A worker counts as
answering when its process is alive and its heartbeat is fresh (under ``STALE_S``
old): a worker whose event loop is stuck stops beating and drops out even though its
process exists, and the file of a worker killed with SIGKILL, which never cleaned up,
is ignored (its pid is gone) and removed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CONFIG_ENV = "DETECTOR_SERVE_CONFIG"
HEARTBEAT_S = 2.0
STALE_S = 10.0
# uvicorn's exit code for "failed before serving": its supervisor stops instead of
# restarting the worker forever (uvicorn.config.STARTUP_FAILURE).
STARTUP_FAILURE = 3
FAILURE_FILE = "startup-failure.txt"


def _rss_bytes(pid: int) -> int | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss
    except Exception:  # noqa: BLE001 - memory is informative; a failure to read it is not an error
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class WorkerRegistry:
    """This worker's heartbeat, and what the heartbeats of all workers of this server say."""

    def __init__(self, directory: str | Path | None = None, expected: int = 1) -> None:
        self.directory = Path(directory) if directory else None
        self.expected = expected
        self.pid = os.getpid()
        self.started = time.time()
        self._task: asyncio.Task | None = None

    @property
    def _own_file(self) -> Path | None:
        return self.directory / f"{self.pid}.json" if self.directory else None

    def _beat(self) -> None:
        path = self._own_file
        if path is None:
            return
        record = {"pid": self.pid, "started": self.started, "beat": time.time(), "rss_bytes": _rss_bytes(self.pid)}
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, path)  # atomic: a reader never sees half a file

    async def start(self) -> None:
        if self.directory is None:
            return
        self.pid = os.getpid()
        self._beat()

        async def beat_forever() -> None:
            while True:
                await asyncio.sleep(HEARTBEAT_S)
                try:
                    await asyncio.to_thread(self._beat)
                except OSError as exc:  # the directory went away: the server is stopping
                    log.warning("worker %s could not write its heartbeat: %s", self.pid, exc)

        self._task = asyncio.create_task(beat_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        path = self._own_file
        if path is not None:
            path.unlink(missing_ok=True)

    def report(self) -> dict[str, Any]:
        """``{"expected", "answering", "processes": [{"pid", "rss_mib", "seconds_since_heartbeat", "uptime_s", "this"}]}``."""
        now = time.time()
        records: list[dict[str, Any]] = []
        if self.directory is None:
            records.append({"pid": self.pid, "started": self.started, "beat": now, "rss_bytes": _rss_bytes(self.pid)})
        else:
            for path in sorted(self.directory.glob("*.json")):
                try:
                    record = json.loads(path.read_text(encoding="utf-8"))
                    pid = int(record["pid"])
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                if not _alive(pid):
                    path.unlink(missing_ok=True)
                    continue
                if pid == self.pid:  # this worker is answering right now: its own numbers are current
                    record.update(beat=now, rss_bytes=_rss_bytes(pid))
                if now - float(record.get("beat", 0)) > STALE_S:
                    continue
                records.append(record)
        processes = [
            {
                "pid": r["pid"],
                "rss_mib": round(r["rss_bytes"] / 2**20, 1) if r.get("rss_bytes") else None,
                "seconds_since_heartbeat": round(max(0.0, now - float(r["beat"])), 1),
                "uptime_s": round(now - float(r.get("started", now)), 1),
                "this": r["pid"] == self.pid,
            }
            for r in records
        ]
        return {"expected": self.expected, "answering": len(processes), "processes": processes}


# -- the app factory for uvicorn's workers -------------------------------------------------


@dataclass(frozen=True)
class ServeConfig:
    """What ``detector serve`` tells each worker, as JSON in ``DETECTOR_SERVE_CONFIG``."""

    profile: str
    checks: list[str] | None
    models_dir: str | None
    max_chars: int
    encoder_cache: int | None
    max_body_bytes: int
    max_batch_documents: int
    max_concurrent_checks: int
    workers: int
    worker_dir: str
    threads_per_worker: int

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "ServeConfig":
        raw = os.environ.get(CONFIG_ENV)
        if not raw:
            raise RuntimeError(f"{CONFIG_ENV} is not set: start the workers with `detector serve --workers N`")
        return cls(**json.loads(raw))


def create_app_from_environment():
    """uvicorn's app factory: one worker's application, its own Detector loaded once."""
    from ..batch.work import limit_threads
    from ..pipeline import Detector
    from .app import ServerSettings, create_app

    config = ServeConfig.from_env()
    # N workers each using every core would fight over them.
    limit_threads(config.threads_per_worker)
    try:
        detector = Detector.load(profile=config.profile, checks=config.checks, models_dir=config.models_dir, max_chars=config.max_chars)
    except Exception as exc:  # noqa: BLE001 - any failure here fails every worker alike
        message = f"{type(exc).__name__}: {exc}"
        log.error("worker %s could not load the model: %s", os.getpid(), message)
        try:
            (Path(config.worker_dir) / FAILURE_FILE).write_text(message, encoding="utf-8")
        except OSError:
            pass
        logging.shutdown()
        sys.stderr.flush()
        # os._exit, not sys.exit: a library may have started a non-daemon thread while
        # loading, which would keep this half-started worker alive forever.
        os._exit(STARTUP_FAILURE)
    limit_threads(config.threads_per_worker)  # loading may have started thread pools of its own
    if config.encoder_cache is not None:
        detector.encoder.cache_size = config.encoder_cache
    settings = ServerSettings(
        max_body_bytes=config.max_body_bytes,
        max_batch_documents=config.max_batch_documents,
        max_concurrent_checks=config.max_concurrent_checks,
    )
    return create_app(detector, settings, workers=WorkerRegistry(config.worker_dir, expected=config.workers))
