"""Reading records for a batch run: JSONL, CSV or Parquet, one record at a time.

Every reader yields a ``Record`` per input record, in input order, and never
holds more than one record (JSONL, CSV) or one Parquet record batch in memory.
A record that cannot be read is still yielded, with ``error`` saying why, so
that the output has an entry for it and the run goes on.

``Record.number`` says where the record is: the line number for JSONL, the data
row for CSV (1 = the first row after the header) and the row for Parquet
(1-based). It names a record whose id cannot be read.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from ..errors import ConfigError, InputError

INPUT_TYPES = ("jsonl", "csv", "parquet")
_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# Raw bytes a record may take before it is refused unread; a bound on memory,
# kept well above the character limit (UTF-8 takes up to 4 bytes a character,
# JSON escapes up to 6).
_BYTES_PER_CHAR = 6
_MIN_RECORD_BYTES = 1 << 20
_PARQUET_BATCH_ROWS = 1024


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: its position, its id, and its text (or why it has none)."""

    number: int
    id: str | int | None
    text: str | bytes | None
    error: str | None = None

    @property
    def id_key(self) -> str | None:
        """The id as a key: 1 and "1" are different ids (JSON keeps the type)."""
        return None if self.id is None else json.dumps(self.id, ensure_ascii=False)

    @property
    def label(self) -> str:
        """How messages name the record: its id, or its position when the id is unreadable."""
        return str(self.id) if self.id is not None else f"record {self.number}"

    def failed(self, reason: str) -> "Record":
        return Record(self.number, self.id, None, reason)


def detect_input_type(path: str | os.PathLike, given: str = "auto") -> str:
    if given != "auto":
        if given not in INPUT_TYPES:
            raise ConfigError(f"unknown input type {given!r}; expected one of {', '.join(INPUT_TYPES)}")
        return given
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    kind = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if kind is None:
        raise ConfigError(f"{path}: cannot tell the input type from the name; pass --input-type jsonl, csv or parquet")
    return kind


def record_byte_limit(max_chars: int) -> int:
    return max(_MIN_RECORD_BYTES, max_chars * _BYTES_PER_CHAR)


def read_records(
    path: str | os.PathLike,
    input_type: str = "auto",
    *,
    id_field: str = "id",
    text_field: str = "text",
    max_record_bytes: int = 64 << 20,
) -> Iterator[Record]:
    """Records of ``path`` in input order (gzip-compressed JSONL and CSV are read too)."""
    kind = detect_input_type(path, input_type)
    if not Path(path).is_file():
        raise ConfigError(f"{path}: no such file")
    if kind == "jsonl":
        return _read_jsonl(path, id_field, text_field, max_record_bytes)
    if kind == "csv":
        return _read_csv(path, id_field, text_field, max_record_bytes)
    return _read_parquet(path, id_field, text_field)


def count_records(path: str | os.PathLike, input_type: str = "auto") -> int | None:
    """The number of records when it is cheap to know (Parquet metadata, JSONL lines), else None."""
    kind = detect_input_type(path, input_type)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if kind == "jsonl":
        count = 0
        last = b"\n"
        with _open_binary(path) as handle:
            while block := handle.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
        return count + (last != b"\n")  # an upper bound: blank lines are counted too
    return None  # CSV fields may hold newlines: counting would mean parsing


def fingerprint(path: str | os.PathLike) -> dict:
    """Size and hashes of the head and tail: enough to notice a different input on --resume."""
    path = Path(path)
    size = path.stat().st_size
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 16))
        if size > 1 << 17:
            handle.seek(size - (1 << 16))
        digest.update(handle.read(1 << 16))
    return {"size": size, "sha256_head_tail": digest.hexdigest()}


# -- shared field checks ----------------------------------------------------------


def make_record(number: int, raw_id, raw_text, id_field: str, text_field: str) -> Record:
    """Validates one record's fields; the text stays bytes where its encoding is in doubt."""
    if raw_id is None or raw_id == "":
        return Record(number, None, None, f"record {number}: id field {id_field!r} is missing or empty")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        return Record(
            number, None, None, f"record {number}: id field {id_field!r} must be a string or an integer, got {_type_name(raw_id)}"
        )
    if isinstance(raw_id, str) and not _is_valid_unicode(raw_id):
        return Record(number, None, None, f"record {number}: id is not valid UTF-8")
    record = Record(number, raw_id, None)
    if raw_text is None:
        return record.failed(f"{record.label}: text field {text_field!r} is missing or null")
    if isinstance(raw_text, (bytes, bytearray)):
        return Record(number, raw_id, bytes(raw_text))
    if not isinstance(raw_text, str):
        return record.failed(f"{record.label}: text field {text_field!r} must be a string, got {_type_name(raw_text)}")
    if not _is_valid_unicode(raw_text):
        # Bytes that were not UTF-8 came through as surrogate escapes: hand the
        # original bytes to the detector, which detects legacy encodings or refuses.
        try:
            return Record(number, raw_id, raw_text.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:
            return record.failed(f"{record.label}: text is not valid Unicode (it holds lone surrogate escapes)")
    return Record(number, raw_id, raw_text)


def _is_valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _type_name(value) -> str:
    return {dict: "an object", list: "an array", float: "a number", bool: "a boolean"}.get(type(value), type(value).__name__)


# -- JSONL ------------------------------------------------------------------------


def _open_binary(path) -> IO[bytes]:
    path = Path(path)
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def _bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[bytes, int]]:
    """Lines of at most ``limit`` bytes; a longer line yields (b"", its length) and is skipped unread."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        length = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            length += len(line)
        yield b"", length


def _read_jsonl(path, id_field: str, text_field: str, limit: int) -> Iterator[Record]:
    with _open_binary(path) as handle:
        for number, (line, length) in enumerate(_bounded_lines(handle, limit), start=1):
            if not line and length:
                yield Record(number, None, None, f"record {number}: line is {length:,} bytes, over the limit of {limit:,}; skipped unread")
                continue
            if not line.strip():
                continue
            try:
                payload = json.loads(line.decode("utf-8", "surrogateescape"))
            except (ValueError, RecursionError) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
                yield Record(number, None, None, f"record {number}: not a JSON line ({reason})")
                continue
            if not isinstance(payload, dict):
                yield Record(number, None, None, f"record {number}: expected a JSON object, got {_type_name(payload)}")
                continue
            yield make_record(number, payload.get(id_field), payload.get(text_field), id_field, text_field)


# -- CSV --------------------------------------------------------------------------


class _CappedLines:
    """Physical lines of a text stream for csv.reader, each cut at ``limit`` characters.

    Cutting keeps memory bounded on a line without end; ``cut`` counts the cuts,
    so the reader can refuse the record that held one instead of truncating it.
    """

    def __init__(self, handle: IO[str], limit: int):
        self._handle = handle
        self._limit = limit
        self.cut = 0

    def __iter__(self) -> Iterator[str]:
        while line := self._handle.readline(self._limit + 1):
            if len(line) > self._limit and not line.endswith("\n"):
                while (rest := self._handle.readline(1 << 20)) and not rest.endswith("\n"):
                    pass
                self.cut += 1
                line = line[: self._limit] + "\n"
            yield line


def _read_csv(path, id_field: str, text_field: str, limit: int) -> Iterator[Record]:
    csv.field_size_limit(limit)
    opener = gzip.open if Path(path).suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape", newline="") as handle:
        lines = _CappedLines(handle, limit)
        reader = csv.reader(iter(lines))
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}: cannot read the CSV header ({exc})") from None
        header = [h.lstrip("\ufeff").strip() for h in header]
        for needed, option in ((id_field, "--id-field"), (text_field, "--text-field")):
            if needed not in header:
                raise ConfigError(f"{path}: no column {needed!r} in the CSV header ({', '.join(header)}); name it with {option}")
        id_at, text_at = header.index(id_field), header.index(text_field)
        number = 0
        while True:
            number += 1
            cuts = lines.cut
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Record(number, None, None, f"record {number}: unreadable CSV row ({exc})")
                continue
            if lines.cut != cuts:
                yield Record(number, None, None, f"record {number}: a line of this row is over the limit of {limit:,} characters; skipped unread")
                continue
            if not row:
                number -= 1  # a blank line is not a record
                continue
            if len(row) <= max(id_at, text_at):
                raw_id = row[id_at] if len(row) > id_at else None
                record = make_record(number, raw_id, "", id_field, text_field)
                yield record if record.error else record.failed(
                    f"{record.label}: row has {len(row)} fields, expected {len(header)} (no {text_field!r} value)"
                )
                continue
            yield make_record(number, _csv_id(row[id_at]), row[text_at], id_field, text_field)


def _csv_id(value: str) -> str | None:
    value = value.strip()
    return value or None


# -- Parquet ----------------------------------------------------------------------


def _read_parquet(path, id_field: str, text_field: str) -> Iterator[Record]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    names = parquet.schema_arrow.names
    for needed, option in ((id_field, "--id-field"), (text_field, "--text-field")):
        if needed not in names:
            raise ConfigError(f"{path}: no column {needed!r} in the Parquet schema ({', '.join(names)}); name it with {option}")
    text_type = parquet.schema_arrow.field(text_field).type
    # Text columns are read as bytes, so that one value that is not UTF-8 fails alone, not its whole batch.
    as_bytes = pa.types.is_string(text_type) or pa.types.is_large_string(text_type)
    number = 0
    for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=[id_field, text_field]):
        ids = batch.column(0).to_pylist()
        texts = batch.column(1)
        if as_bytes:
            texts = texts.view(pa.binary() if pa.types.is_string(text_type) else pa.large_binary())
        for raw_id, raw_text in zip(ids, texts.to_pylist()):
            number += 1
            if isinstance(raw_text, bytes) and as_bytes:
                try:
                    raw_text = raw_text.decode("utf-8")
                except UnicodeDecodeError:
                    pass  # the detector decodes legacy encodings, or says why it cannot
            yield make_record(number, raw_id, raw_text, id_field, text_field)
