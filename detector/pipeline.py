"""The Detector: segment, embed once, run every check, report.

``Detector.load()`` reads the encoder and every check's artifacts once; after that
``check`` and ``check_many`` only read shared state, so one instance serves many
threads (the encoder serialises its own calls).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np

from . import contradiction, evidence, figures, filler, integrity, source  # noqa: F401 - importing a family registers its checks
from .artifacts import ArtifactStore
from .checks import GROUP_FLAG_TYPES, Against, Analysis, Check, resolve_checks
from .decoding import decode_bytes
from .encoders import DEFAULT_PROFILE, Encoder, models_profile
from .errors import ConfigError, DetectorError, InputError
from .evidence import LengthCalibration
from .extract import (
    DOCUMENT_FORMATS,
    PAGE_FORMAT,
    extract_document,
    looks_like_page,
    select_article,
    sniff_document_format,
)
from .language import SAMPLE_CHARS, LanguageGuess, identify_language, load_language_model, unsupported_note
from .report import FLAG_TYPES, Report
from .segment import FORMATS, Document, segment, sniff_format

log = logging.getLogger(__name__)

# Ten times the longest article in the shared data; a limit, not a target.
DEFAULT_MAX_CHARS = 20_000_000
# The document score that reads the copy against its source, not the copy's style: the
# evidence rule for short texts (detector.evidence) does not apply to it.
AGAINST_SOURCE = GROUP_FLAG_TYPES["source"]

# What ``format=`` accepts: the segmenter's formats, a whole web page (only its
# article is checked) and documents whose text is extracted first.
INPUT_FORMATS = (*FORMATS, PAGE_FORMAT, *DOCUMENT_FORMATS)


@dataclass(frozen=True, slots=True)
class _Prepared:
    document: Document | None
    source: str | None
    error: str | None = None
    language: LanguageGuess | None = None


class Detector:
    """Checks copy for filler, contradictions and unsupported figures.

    >>> det = Detector.load(profile="fast")          # doctest: +SKIP
    >>> report = det.check("The board voted 5 to 4. The unanimous vote ...")  # doctest: +SKIP
    >>> report.to_json()                                # doctest: +SKIP
    """

    def __init__(
        self,
        encoder: Encoder,
        checks: Sequence[Check],
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        evidence: LengthCalibration | None = None,
    ):
        self.encoder = encoder
        self.checks = tuple(checks)
        self.max_chars = max_chars
        # How much text a document score needs and what it means by length (detector.evidence);
        # without it only documents with no running text at all go unscored.
        self.evidence = evidence

    @property
    def profile(self) -> str:
        return self.encoder.profile

    @classmethod
    def load(
        cls,
        profile: str = DEFAULT_PROFILE,
        checks: Sequence[str] | None = None,
        *,
        models_dir: str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> "Detector":
        """Load the encoder of ``profile`` and the checks named (all by default).

        ``checks`` takes group names (filler, contradiction, figures) or check names.
        """
        store = ArtifactStore(models_dir)
        encoder = Encoder.load(profile, store)
        base = models_profile(profile)
        loaded = [cls_().load(store, profile if profile in cls_.own_profiles else base) for cls_ in resolve_checks(checks)]
        load_language_model()
        calibration = None
        # A profile built on another uses that profile's length calibration until it has its own.
        for name in dict.fromkeys(evidence.ARTIFACT.format(profile=p) for p in (profile, base)):
            if store.has(name):
                calibration = LengthCalibration.from_dict(store.load_json(name))
                break
        return cls(encoder, loaded, max_chars=max_chars, evidence=calibration)

    # -- public API ------------------------------------------------------

    def check(
        self,
        text: str | bytes,
        *,
        format: str = "auto",
        source: str | None = None,
        checks: Sequence[str] | None = None,
        source_text: str | bytes | Against | None = None,
        source_name: str | None = None,
    ) -> Report:
        """Check one document. Raises ``InputError`` if it (or ``source_text``) cannot be read.

        ``source`` names the copy (a path, an id). ``source_text`` is the text the copy
        was written from (a wire story, a press release): the ``source`` checks then flag
        what the copy contradicts or adds, and ``scores["against_source"]`` is the
        probability that the copy distorts it. ``source_name`` names that text in the report.
        """
        selected = self._select(checks)
        against = self._against(source_text, source_name)
        prepared = self._prepare(text, format, source)
        if prepared.error is not None:
            raise InputError(prepared.error)
        return self._analyse([prepared], selected, against)[0]

    def load_source(self, text: str | bytes, *, name: str | None = None, format: str = "auto") -> Against:
        """Read and encode a source text once, to check one or many copies against it.

        Raises ``InputError`` for a source that cannot be read or holds no sentence.
        """
        document = self.read_source(text, name=name, format=format)
        vectors = self.encoder.encode([s.clean for s in document.sentences])
        return Against(document, vectors, name)

    def read_source(self, text: str | bytes, *, name: str | None = None, format: str = "auto") -> Document:
        """A source text read and segmented, not encoded; raises ``InputError`` as ``load_source`` does."""
        label = name or "source text"
        prepared = self._prepare(text, format, label)
        if prepared.error is not None:
            raise InputError(prepared.error)
        document = prepared.document
        if not document.sentences:
            raise InputError(f"{label}: the source text holds no sentence to check the copy against")
        return document

    def _against(self, source_text, source_name: str | None) -> Against | None:
        if source_text is None or isinstance(source_text, Against):
            return source_text
        return self.load_source(source_text, name=source_name)

    def check_many(
        self,
        texts: Iterable[str | bytes],
        *,
        batch_size: int = 32,
        format: str = "auto",
        sources: Iterable[str | None] | None = None,
        checks: Sequence[str] | None = None,
        source_text: str | bytes | Against | None = None,
        source_name: str | None = None,
    ) -> Iterator[Report]:
        """Reports for ``texts`` in input order, encoding each batch in one pass.

        A document that cannot be read, or that a check fails on, yields a report
        whose ``error`` says why; the documents around it are unaffected.
        ``source_text`` (read once, see ``check``) is the source every text is checked
        against; a source that cannot be read raises ``InputError`` before any report.
        """
        if batch_size < 1:
            raise ConfigError("batch_size must be at least 1")
        selected = self._select(checks)
        against = self._against(source_text, source_name)
        source_iter = iter(sources) if sources is not None else None
        batch: list[_Prepared] = []
        for text in texts:
            source = next(source_iter, None) if source_iter is not None else None
            batch.append(self._prepare(text, format, source))
            if len(batch) >= batch_size:
                yield from self._analyse_safely(batch, selected, against)
                batch = []
        if batch:
            yield from self._analyse_safely(batch, selected, against)

    # -- internals -------------------------------------------------------

    def _select(self, names: Sequence[str] | None) -> tuple[Check, ...]:
        if names is None:
            return self.checks
        wanted = {c.name for c in resolve_checks(names)}
        missing = wanted - {c.name for c in self.checks}
        if missing:
            raise ConfigError(f"check(s) {', '.join(sorted(missing))} were not loaded by this Detector")
        return tuple(c for c in self.checks if c.name in wanted)

    def _prepare(self, text: str | bytes, format: str, source: str | None) -> _Prepared:
        name = source or "input"
        try:
            if format not in INPUT_FORMATS:
                raise ConfigError(f"unknown input format {format!r}; expected one of {', '.join(INPUT_FORMATS)}")
            if isinstance(text, (bytes, bytearray, memoryview)):
                data = bytes(text)
                if format == "auto":
                    format = sniff_document_format(data) or format
                if format in DOCUMENT_FORMATS:
                    extracted = extract_document(data, format, name=name)
                    text = self._within_limit(extracted.text, name)
                    document = segment(text, "plain", source=source)
                    document.extracted_from = extracted.extracted_from
                    document.notes.extend(extracted.notes)
                    return self._with_language(document, source)
                text = decode_bytes(data, name=name)
            elif not isinstance(text, str):
                raise InputError(f"{name}: expected text or bytes, got {type(text).__name__}")
            elif format in DOCUMENT_FORMATS:
                raise InputError(f"{name}: a {format} file must be passed as bytes, not as text")
            text = self._within_limit(text, name)
            if format == "auto":
                format = sniff_format(text)
                if format == "html" and looks_like_page(text):
                    format = PAGE_FORMAT
            if format == PAGE_FORMAT:
                document = select_article(segment(text, "html", source=source))
            else:
                document = segment(text, format, source=source)
            return self._with_language(document, source)
        except DetectorError as exc:
            return _Prepared(None, source, str(exc))

    def _within_limit(self, text: str, name: str) -> str:
        if len(text) > self.max_chars:
            raise InputError(
                f"{name}: {len(text):,} characters is over the limit of {self.max_chars:,}; "
                f"split the document or raise max_chars (--max-chars)"
            )
        return text

    @staticmethod
    def _with_language(document: Document, source: str | None) -> _Prepared:
        sample, size = [], 0
        for sentence in document.sentences:
            if size >= SAMPLE_CHARS:
                break
            sample.append(sentence.clean)
            size += len(sentence.clean) + 1
        language = identify_language(" ".join(sample))
        if not language.supported:
            document.notes.append(unsupported_note(language))
        return _Prepared(document, source, language=language)

    def _analyse_safely(self, batch: list[_Prepared], checks: tuple[Check, ...], against: Against | None = None) -> list[Report]:
        try:
            return self._analyse(batch, checks, against)
        except Exception:
            # Retry one by one so that a single failing document cannot take the batch with it.
            log.exception("batch failed; retrying its documents one at a time")
            reports = []
            for item in batch:
                try:
                    reports.extend(self._analyse([item], checks, against))
                except Exception as exc:  # noqa: BLE001 - reported per document, run goes on
                    log.exception("document %s failed", item.source)
                    reports.append(self._error_report(item.source, checks, f"internal error: {type(exc).__name__}: {exc}"))
            return reports

    def _error_report(self, source: str | None, checks: tuple[Check, ...], error: str) -> Report:
        return Report(None, source=source, profile=self.profile, checks=tuple(c.name for c in checks), error=error)

    def _analyse(self, batch: list[_Prepared], checks: tuple[Check, ...], against: Against | None = None) -> list[Report]:
        # Text in a language the models were not trained on is not encoded: only
        # language-independent checks run on it, and they read no vectors.
        scored = [item for item in batch if item.document is not None and self._models_apply(item)]
        texts = [s.clean for item in scored for s in item.document.sentences]
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), dtype=np.float32)
        reports = []
        offset = 0
        names = tuple(c.name for c in checks)
        for item in batch:
            if item.document is None:
                reports.append(self._error_report(item.source, checks, item.error or "unreadable input"))
                continue
            count = len(item.document.sentences)
            models_apply = self._models_apply(item)
            if models_apply:
                document_vectors = vectors[offset : offset + count]
                offset += count
                running = checks
            else:
                document_vectors = np.zeros((count, self.encoder.dim), dtype=np.float32)
                running = tuple(c for c in checks if c.language_independent)
            analysis = Analysis(item.document, document_vectors, self.profile, against=against)
            report = Report(item.document, source=item.source, profile=self.profile, checks=names)
            if against is not None:
                report.against = against.name or "<source text>"
            report.language = item.language.code if item.language is not None else None
            report.scores = dict.fromkeys(FLAG_TYPES)
            for check in running:
                result = check.run(analysis)
                report.flags.extend(result.flags)
                report.extras.update(result.extras)
                if check.scores_document and result.score is not None and models_apply:
                    report.scores[GROUP_FLAG_TYPES[check.group]] = float(result.score)
            if models_apply:  # otherwise the scores are already null, with the language note
                against_source = report.scores.get(AGAINST_SOURCE)
                evidence.apply(report, self.evidence)
                report.scores[AGAINST_SOURCE] = against_source
            reports.append(report)
        return reports

    @staticmethod
    def _models_apply(item: _Prepared) -> bool:
        return item.language is None or item.language.supported
