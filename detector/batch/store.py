"""Where a batch run keeps its work: part files, a ledger, and the final output.

A run writing ``OUTPUT`` works in the folder ``OUTPUT.parts/`` beside it:

    OUTPUT.parts/
      ledger.sqlite        committed chunks and the record numbers and ids in each
      part-00000000.jsonl  one file per committed chunk of entries
      lock                 held (flock) while a run uses the folder

Committing a chunk: write ``part-N.jsonl.tmp``, fsync, rename to ``part-N.jsonl``,
fsync the folder, then record the chunk and its records in the ledger in one
SQLite transaction. The ledger is the truth: a part file it does not list (the
process died between the rename and the transaction) is deleted on resume, as is
any ``.tmp`` file, and their records are checked again. So a run killed at any
instant, kill -9 included, resumes with every record written exactly once.

When every record is committed the parts are joined, in input order, into
``OUTPUT.tmp`` which is renamed to ``OUTPUT`` (JSONL, or Parquet when the name
ends in .parquet), and the folder is removed. ``OUTPUT`` therefore only ever
exists complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ConfigError
from .records import Record

OUTPUT_TYPES = ("jsonl", "csv", "parquet")
# The output's name says its type; a name that says none is refused rather than
# filled with a type it does not name (JSONL in a .csv file).
_OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    chunk INTEGER PRIMARY KEY, file TEXT NOT NULL, first_record INTEGER NOT NULL,
    entries INTEGER NOT NULL, errors INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (record INTEGER PRIMARY KEY, id_key TEXT, chunk INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS records_by_id ON records (id_key, record);
"""


def output_type_for(path: str | os.PathLike) -> str:
    """jsonl, csv or parquet by the output's suffix; ``ConfigError`` for any other name."""
    suffix = Path(path).suffix.lower()
    if suffix not in _OUTPUT_SUFFIXES:
        named = f"'{suffix}'" if suffix else "no suffix"
        raise ConfigError(
            f"--out {path}: {named} names no output type; end the name in .jsonl (one report per line), "
            f".csv (one row per record, the report as JSON in a column) or .parquet"
        )
    return _OUTPUT_SUFFIXES[suffix]


def work_dir_for(output: str | os.PathLike) -> Path:
    output = Path(output)
    return output.with_name(output.name + ".parts")


@dataclass(frozen=True, slots=True)
class Progress:
    records: int
    errors: int
    chunks: int


class PartStore:
    """The work folder of one run: commits chunks, answers what is done, assembles the output."""

    def __init__(self, output: str | os.PathLike):
        self.output = Path(output)
        self.output_type = output_type_for(self.output)
        self.scored = _scored_types(against=False)
        self.work_dir = work_dir_for(self.output)
        self._db: sqlite3.Connection | None = None
        self._lock_handle = None
        self._next_chunk = 0

    # -- opening --------------------------------------------------------------

    def open(self, job: dict, *, resume: bool, overwrite: bool) -> None:
        """Start a run, or continue the one in the work folder (``resume``), for ``job``."""
        if overwrite:
            self._remove(self.output)
            shutil.rmtree(self.work_dir, ignore_errors=True)
        elif not resume:
            if self.work_dir.exists():
                raise ConfigError(
                    f"{self.work_dir} holds an unfinished run; continue it with --resume, or start over with --overwrite"
                )
            if self.output.exists():
                raise ConfigError(f"{self.output} exists; pass --overwrite to replace it")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._lock()
        self._db = sqlite3.connect(self.work_dir / "ledger.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self.scored = _scored_types(against=bool(job.get("against")))
        stored = self._db.execute("SELECT value FROM meta WHERE key='job'").fetchone()
        if stored is None:
            self._db.execute("INSERT INTO meta VALUES ('job', ?)", (json.dumps(job, sort_keys=True),))
        else:
            self._check_same_job(json.loads(stored[0]), job)
        self._recover()

    @property
    def complete(self) -> bool:
        """True when an earlier run finished: the output exists, so it is whole."""
        return self.output.exists()

    def _check_same_job(self, stored: dict, job: dict) -> None:
        changed = sorted(k for k in set(stored) | set(job) if stored.get(k) != job.get(k))
        if changed:
            detail = "; ".join(f"{k}: was {stored.get(k)!r}, now {job.get(k)!r}" for k in changed)
            raise ConfigError(
                f"cannot resume {self.work_dir}: it was started with other settings or another input ({detail}); "
                f"resume with the same input and options, or start over with --overwrite"
            )

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no guard against two runs
            return
        handle = open(self.work_dir / "lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ConfigError(f"another run is writing {self.output} (its work folder {self.work_dir} is locked)") from None
        self._lock_handle = handle

    def _recover(self) -> None:
        """Make the folder match the ledger: drop half-written and uncommitted parts, forget missing ones."""
        db = self._db
        listed = {row[0]: row[1] for row in db.execute("SELECT chunk, file FROM chunks")}
        listed_files = set(listed.values())
        for path in self.work_dir.glob("part-*"):
            if path.name.endswith(".tmp") or path.name not in listed_files:
                path.unlink()
        missing = [chunk for chunk, name in listed.items() if not (self.work_dir / name).exists()]
        if missing:
            with self._transaction():
                for chunk in missing:
                    db.execute("DELETE FROM records WHERE chunk=?", (chunk,))
                    db.execute("DELETE FROM chunks WHERE chunk=?", (chunk,))
        last = db.execute("SELECT MAX(chunk) FROM chunks").fetchone()[0]
        self._next_chunk = 0 if last is None else last + 1  # not "last or -1": chunk 0 is a chunk
        for leftover in (self._tmp_output(),):
            self._remove(leftover)

    # -- questions ------------------------------------------------------------

    def is_written(self, record_number: int) -> bool:
        return self._db.execute("SELECT 1 FROM records WHERE record=?", (record_number,)).fetchone() is not None

    def first_written(self, id_key: str, before: int) -> int | None:
        """The earliest committed record with this id that comes before record ``before``."""
        row = self._db.execute(
            "SELECT MIN(record) FROM records WHERE id_key=? AND record<?", (id_key, before)
        ).fetchone()
        return row[0]

    def progress(self) -> Progress:
        row = self._db.execute("SELECT COALESCE(SUM(entries),0), COALESCE(SUM(errors),0), COUNT(*) FROM chunks").fetchone()
        return Progress(*row)

    # -- writing --------------------------------------------------------------

    def commit(self, records: list[Record], entries: list[str], errors: int) -> Path:
        """Write one chunk's entries durably, then record it; returns the part file."""
        if len(records) != len(entries):
            raise ValueError(f"{len(records)} records but {len(entries)} entries")
        chunk = self._next_chunk
        self._next_chunk += 1
        final = self.work_dir / f"part-{chunk:08d}.jsonl"
        tmp = final.with_name(final.name + ".tmp")
        payload = "".join(entry + "\n" for entry in entries).encode("utf-8")
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        _fsync_dir(self.work_dir)
        with self._transaction():
            self._db.execute(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                (chunk, final.name, min(r.number for r in records), len(entries), errors, hashlib.sha256(payload).hexdigest()),
            )
            self._db.executemany(
                "INSERT INTO records VALUES (?, ?, ?)", ((r.number, r.id_key, chunk) for r in records)
            )
        return final

    def parts(self) -> list[Path]:
        """Committed part files in input order."""
        return [self.work_dir / name for (name,) in self._db.execute("SELECT file FROM chunks ORDER BY first_record")]

    def assemble(self) -> Path:
        """Join the parts into the output (atomically), then remove the work folder."""
        tmp = self._tmp_output()
        if self.output_type == "parquet":
            _write_parquet(tmp, self.parts(), self.scored)
        elif self.output_type == "csv":
            _write_csv(tmp, self.parts(), self.scored)
        else:
            with open(tmp, "wb") as out:
                for part in self.parts():
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, self.output)
        _fsync_dir(self.output.parent)
        self.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)
        return self.output

    def finish_complete(self) -> None:
        """An earlier run assembled the output but died before removing its work folder."""
        self.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    # -- helpers --------------------------------------------------------------

    def _tmp_output(self) -> Path:
        return self.output.with_name(self.output.name + ".tmp")

    def _transaction(self):
        return _Transaction(self._db)

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb):
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def iter_entries(paths: Iterable[Path]) -> Iterator[dict]:
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def _scored_types(*, against: bool) -> tuple[str, ...]:
    """The score columns: every flag type's document score; against_source only in a run with a source (--against)."""
    from ..report import FLAG_TYPES

    return tuple(name for name in FLAG_TYPES if against or name != "against_source")


def _summary_row(entry: dict, line: str, scored: tuple[str, ...]) -> dict:
    """The columns analysts filter on, shared by the Parquet and CSV outputs, and the whole report as JSON."""
    scores = entry.get("scores") or {}
    return {
        "id": None if entry.get("id") is None else str(entry["id"]),
        "record": entry["record"],
        "error": entry.get("error"),
        **{f"score_{name}": scores.get(name) for name in scored},
        "flags": sum(len(s.get("flags", ())) for s in entry.get("sentences", ())),
        "report": line.rstrip("\n"),
    }


def _write_csv(target: Path, parts: list[Path], scored: tuple[str, ...]) -> None:
    """One row per record (RFC 4180 quoting); empty cells for null scores and no error."""
    import csv

    columns = ["id", "record", "error", *[f"score_{name}" for name in scored], "flags", "report"]
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for part in parts:
            with open(part, encoding="utf-8") as handle:
                for line in handle:
                    writer.writerow(_summary_row(json.loads(line), line, scored))
        out.flush()
        os.fsync(out.fileno())


def _write_parquet(target: Path, parts: list[Path], scored: tuple[str, ...]) -> None:
    """One row group per part; the columns analysts filter on, and the whole report as JSON."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("id", pa.string()),
            ("record", pa.int64()),
            ("error", pa.string()),
            *[(f"score_{name}", pa.float64()) for name in scored],
            ("flags", pa.int32()),
            ("report", pa.large_string()),
        ]
    )
    with pq.ParquetWriter(target, schema) as writer:
        for part in parts:
            columns: dict[str, list] = {name: [] for name in schema.names}
            with open(part, encoding="utf-8") as handle:
                for line in handle:
                    for name, value in _summary_row(json.loads(line), line, scored).items():
                        columns[name].append(value)
            writer.write_table(pa.table(columns, schema=schema))
