"""The same job on a Dask cluster.

Two ways in:

* ``detector batch INPUT --out OUTPUT --dask tcp://scheduler:8786``: this process
  reads the input and writes the output exactly as a local run does (same
  ledger, same resume); the chunks are Dask tasks. Workers need only this package
  and its models, not the input or the output.
* ``check_bag(bag)`` inside your own Dask pipeline: a bag of ``{"id", "text"}``
  records becomes a bag of entries (one report per record, with its id), and
  ``write_partitions(entries, folder)`` writes them one file per partition.

Each worker process loads the Detector once (``DetectorPreload``, a worker plugin,
loads it as the worker starts, and every task reuses it). A worker that dies
mid-run costs only its running tasks, which the scheduler runs again elsewhere;
results are taken once per task (CLI) or written by partition under a fixed name
(``write_partitions``), so a retried task can neither lose nor double a record.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

from .records import Record, make_record
from .work import JobSpec, cached_detector, check_chunk

try:  # the plugin base class, when distributed is installed (it is with the batch extra)
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover
    _WorkerPlugin = object


class DetectorPreload(_WorkerPlugin):
    """Loads the Detector for ``job`` when a worker starts (and when a replacement worker joins)."""

    def __init__(self, job: JobSpec):
        self.job = job
        self.name = "detector-preload-" + hashlib.sha256(repr(job.detector_key).encode()).hexdigest()[:12]

    def setup(self, worker) -> None:
        cached_detector(self.job)


def connect(address_or_client) -> tuple[Any, Any]:
    """(client, client this call opened and the caller must close, or None)."""
    from distributed import Client

    if isinstance(address_or_client, Client):
        return address_or_client, None
    from ..errors import ConfigError

    try:
        client = Client(address_or_client, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address_or_client}: {exc}") from None
    return client, client


def register_preload(client, job: JobSpec) -> None:
    client.register_plugin(DetectorPreload(job))


# -- Dask bags ---------------------------------------------------------------------


def check_bag(
    bag,
    *,
    job: JobSpec | None = None,
    id_field: str = "id",
    text_field: str = "text",
):
    """A bag of entries (dicts: ``id``, ``record``, then the report) for a bag of records.

    Records are dicts with ``id_field`` and ``text_field``; a record that is not,
    or whose text cannot be checked, gets an entry whose ``error`` says why.
    ``record`` is the record's position within its partition, counted from 1;
    ``partition`` says which partition. Partitions keep their order and length.
    Call ``register_preload(client, job)`` first to load the model as each worker
    starts; otherwise each worker loads it on its first task.
    """
    import dask.bag as db
    from dask import delayed

    job = job or JobSpec()
    check = delayed(_check_partition, pure=True)
    parts = [check(part, number, job, id_field, text_field) for number, part in enumerate(bag.to_delayed())]
    return db.from_delayed(parts)


def _check_partition(records, partition: int, job: JobSpec, id_field: str, text_field: str) -> list[dict]:
    prepared = []
    for number, raw in enumerate(records, start=1):
        if isinstance(raw, dict):
            prepared.append(make_record(number, raw.get(id_field), raw.get(text_field), id_field, text_field))
        else:
            prepared.append(Record(number, None, None, f"record {number}: expected a dict with {id_field!r} and {text_field!r}"))
    entries = [json.loads(line) for line in check_chunk(job, prepared).entries]
    for entry in entries:
        entry["partition"] = partition
    return entries


def write_partitions(entries_bag, folder: str | os.PathLike):
    """Write a bag of entries as ``folder/part-NNNNNN.jsonl``, one file per partition.

    Each partition goes to a unique temporary name and is renamed over its final
    name, so a task that a dead worker left half-done, or that ran twice, leaves
    exactly one whole file. Returns a delayed list of the paths, in partition order; compute it.
    """
    from dask import delayed

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write = delayed(_write_partition, pure=True)
    return delayed(list)([write(part, number, str(folder)) for number, part in enumerate(entries_bag.to_delayed())])


def _write_partition(entries, number: int, folder: str) -> str:
    final = Path(folder) / f"part-{number:06d}.jsonl"
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    return str(final)
