"""Batch runs at volume: one machine (``run_batch``) or a Dask cluster (``check_bag``).

>>> from detector.batch import JobSpec, run_batch            # doctest: +SKIP
>>> run_batch("in.jsonl", "out.jsonl", job=JobSpec(profile="fast"), workers=2)  # doctest: +SKIP

See README.md, "Batch runs and clusters", for the output, the crash semantics and
how to point a run at a real cluster.
"""

from .records import Record, read_records
from .runner import BatchError, BatchStats, run_batch
from .work import JobSpec, check_chunk

__all__ = ["BatchError", "BatchStats", "JobSpec", "Record", "check_bag", "check_chunk", "read_records", "run_batch", "write_partitions"]


def __getattr__(name: str):
    # The Dask helpers import distributed, which only the batch extra installs.
    if name in ("check_bag", "write_partitions", "register_preload", "DetectorPreload"):
        from . import cluster

        return getattr(cluster, name)
    raise AttributeError(name)
