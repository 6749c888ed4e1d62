"""Bytes to text: UTF-8 first, a charset detector for legacy encodings, binary refused."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from .errors import InputError

# Share of C0 control characters (other than tab, newlines, form feed) above which
# decoded "text" is really binary data that happened to decode.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}

# Ties between single-byte code pages are common for short Western text; news copy
# in a legacy encoding is overwhelmingly Windows-1252, so it wins a tie.
_PREFERRED_ON_TIE = ("cp1252", "utf_8")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, *, name: str = "input") -> str:
    """Decode ``data`` to text or raise ``InputError`` with a reason a person can act on.

    A byte-order mark decides outright; otherwise strict UTF-8; otherwise the best
    guess of charset-normalizer, accepted only if the result reads as text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked_text(data.decode(encoding), name)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: starts with a {encoding} byte-order mark but does not decode ({exc.reason})") from None
    document = _document_kind(data)
    if document is not None:
        raise InputError(f"{name}: is a {document} file (binary data, not text); read it with format {document} or auto")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like binary data (contains NUL bytes), not text")
    try:
        return _checked_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    encoding = _guess_encoding(data)
    if encoding is None:
        raise InputError(f"{name}: cannot be decoded as text (not UTF-8, and no legacy encoding fits); is it binary?")
    return _checked_text(data.decode(encoding, errors="strict"), name, encoding=encoding)


def _document_kind(data: bytes) -> str | None:
    from .extract import sniff_document_format

    return sniff_document_format(data)


def _guess_encoding(data: bytes) -> str | None:
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    for preferred in _PREFERRED_ON_TIE:
        for match in tied:
            if preferred in match.could_be_from_charset:
                return preferred
    return best.encoding


def _checked_text(text: str, name: str, encoding: str | None = None) -> str:
    if text:
        sample = text[:65536]
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
        if controls / len(sample) > _MAX_CONTROL_SHARE:
            how = f" (decoded as {encoding})" if encoding else ""
            raise InputError(f"{name}: looks like binary data{how}: {controls} control characters in the first {len(sample)}")
    return text
