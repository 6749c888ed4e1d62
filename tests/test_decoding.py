"""Bytes in any encoding a newsroom sends, and bytes that are not text at all."""

from __future__ import annotations

import codecs
import os

import pytest

from detector.decoding import decode_bytes
from detector.errors import InputError

SAMPLE = "Le président a déclaré mardi que la réforme — « nécessaire » — serait appliquée. Größe, naïve, café."


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),
        SAMPLE.encode("utf-32"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-32-bom"],
)
def test_unicode_encodings(data):
    assert decode_bytes(data) == SAMPLE


def test_windows_1252_copy():
    text = "The mayor’s “final” offer — 5% more — was rejected. Café owners said it was naïve."
    assert decode_bytes(text.encode("cp1252")) == text


def test_latin_1_copy():
    text = "Der Präsident sagte am Dienstag, die Reform werde umgesetzt. Größe und Übermaß zählen."
    assert decode_bytes(text.encode("latin-1")) == text


def test_cyrillic_legacy_encoding():
    text = "Президент заявил во вторник, что реформа будет проведена в следующем году."
    assert decode_bytes(text.encode("koi8-r")) == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        os.urandom(4096),
        b"%PDF-1.7\n" + b"\x00\x01\x02\x03" * 500,
        bytes(range(1, 32)) * 200,
    ],
    ids=["png", "random", "pdf-ish", "control-characters"],
)
def test_binary_is_refused_with_a_reason(data):
    with pytest.raises(InputError) as raised:
        decode_bytes(data, name="upload.bin")
    message = str(raised.value)
    assert message.startswith("upload.bin:")
    assert "binary" in message or "cannot be decoded" in message


def test_empty_bytes_are_empty_text():
    assert decode_bytes(b"") == ""
