"""The report: per-sentence flags and document scores, the contract other tools read.

``Report.to_dict()`` produces the ``detector.report/1`` JSON documented by
``detector/schema/report.schema.json``; tests validate against that schema.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .segment import Document, Sentence

SCHEMA_ID = "detector.report/1"
# Flag types that carry a document score; integrity flags (obfuscation) have none.
# against_source is scored only when the copy is checked against a source text (null otherwise).
FLAG_TYPES = ("filler", "contradiction", "unsupported_figure", "against_source")


@dataclass(frozen=True, slots=True)
class Flag:
    """A claim about one sentence, with the reason an editor needs to judge it."""

    sentence: int
    type: str
    code: str
    score: float
    message: str
    related: tuple[int, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "code": self.code,
            "score": round(float(self.score), 4),
            "message": self.message,
            "related": list(self.related),
            "evidence": _jsonable(self.evidence),
        }


@dataclass(slots=True)
class Report:
    """What the checks found in one document.

    ``scores`` holds a document-level probability per flag type, or None where no
    trained model stands behind one. ``error`` is set instead of sentences when
    the document could not be checked (batch runs keep going past it).
    """

    document: Document | None
    flags: list[Flag] = field(default_factory=list)
    scores: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(FLAG_TYPES))
    source: str | None = None
    profile: str | None = None
    checks: tuple[str, ...] = ()
    error: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # ISO 639-1 code of the document's language ("und": too little text to tell), None if not identified.
    language: str | None = None
    # The name of the source text the copy was checked against (``meta.against``), None when none was given.
    against: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def sentences(self) -> list[Sentence]:
        return self.document.sentences if self.document is not None else []

    @property
    def figures(self) -> list[dict[str, Any]]:
        """Every figure the figures check found (value, unit, noun, support), or [] if it did not run."""
        return self.extras.get("figures", [])

    def flags_for(self, index: int) -> list[Flag]:
        return [f for f in self.flags if f.sentence == index]

    def iter_flags(self, min_score: float = 0.0) -> Iterator[Flag]:
        """Flags in reading order (sentence, then code), at or above ``min_score``."""
        for flag in sorted(self.flags, key=lambda f: (f.sentence, f.code)):
            if flag.score >= min_score:
                yield flag

    def filtered(self, min_score: float = 0.0, ignore: Iterable[str] = ()) -> "Report":
        """A copy keeping flags at or above ``min_score`` whose code is not ignored.

        ``ignore`` takes codes or prefixes: "filler" drops every filler code,
        "filler.repetition" only that one.
        """
        prefixes = tuple(ignore)
        kept = [
            f
            for f in self.flags
            if f.score >= min_score and not any(f.code == p or f.code.startswith(p + ".") for p in prefixes)
        ]
        return Report(
            self.document, kept, dict(self.scores), self.source, self.profile, self.checks, self.error, dict(self.extras),
            self.language, self.against,
        )

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        by_sentence: dict[int, list[Flag]] = {}
        for flag in self.iter_flags():
            by_sentence.setdefault(flag.sentence, []).append(flag)
        sentences = []
        for sentence in self.sentences:
            line, column = doc.line_col(sentence.start)
            item: dict[str, Any] = {
                "index": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "line": line,
                "column": column,
                "text": sentence.text,
                "kind": sentence.kind,
                "flags": [f.to_dict() for f in by_sentence.get(sentence.index, [])],
            }
            if sentence.cells is not None:
                item["cells"] = list(sentence.cells)
                item["header"] = list(sentence.header) if sentence.header is not None else None
            sentences.append(item)
        out: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "source": self.source,
            "scores": {k: (None if v is None else round(float(v), 4)) for k, v in self.scores.items()},
            "sentences": sentences,
            "meta": {
                "format": doc.format if doc is not None else None,
                "profile": self.profile,
                "checks": list(self.checks),
                "notes": list(doc.notes) if doc is not None else [],
                "normalisation": dict(doc.normalisation) if doc is not None else {},
                "against": self.against,
            },
        }
        if self.language is not None:
            out["meta"]["language"] = self.language
        if doc is not None and doc.extracted_from is not None:
            out["meta"]["extracted_from"] = doc.extracted_from
        out.update(_jsonable(self.extras))
        if self.error is not None:
            out["error"] = self.error
        return out

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)


def _jsonable(value: Any) -> Any:
    """Plain JSON types: numpy scalars to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
