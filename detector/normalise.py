"""What the models read: the input with Unicode tricks undone, and a map back to the input.

Copy can carry characters that change what a model reads without changing what a
reader sees: Cyrillic or Greek look-alikes inside Latin words ("раypal"), zero-width
and bidi controls, soft hyphens, exotic spaces, full-width or "mathematical bold"
letters. Detectors that read such text as given lose half their recall (RAID). So
before anything is segmented or encoded, ``normalise`` returns:

- ``text``: the cleaned text the segmenter and the models read;
- a map from each span of ``text`` back to the input (``to_source``), so every
  sentence still reports ``input[start:end]`` exactly;
- ``counts`` per kind of change (``meta.normalisation`` in the report) and the
  individual ``changes``, which the integrity check reads.

Kinds of change:

- ``confusable``: a non-Latin letter whose look-alike skeleton in Unicode's
  confusables data (the ``confusable-homoglyphs`` package ships it) is one ASCII
  letter, folded to that letter, but only inside words that are Latin: a word that
  mixes Latin letters with look-alikes, or a word made only of look-alikes among
  Latin words. Real Greek or Russian text, which has letters with no Latin
  look-alike around it, is left alone.
- ``invisible``: zero-width spaces and joiners, word joiners, byte-order marks in
  the text, invisible operators, tag characters, removed. A zero-width joiner or
  non-joiner next to a non-Latin letter or a symbol is left: it shapes Arabic and
  Indic script and builds emoji.
- ``bidi_control``: directional marks, embeddings, overrides and isolates, removed.
- ``soft_hyphen``: removed (an invisible hyphenation hint).
- ``space``: no-break, thin, ideographic and other spaces to a plain space; line and
  paragraph separators to a newline.
- ``compatibility``: full-width and half-width forms, "mathematical" letters and
  letter ligatures to their NFKC form. Typographic characters whose NFKC form
  changes their meaning in copy (…, ², ½, ™, №) are kept.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

KINDS = ("confusable", "invisible", "bidi_control", "soft_hyphen", "space", "compatibility")

_ALWAYS_INVISIBLE = frozenset("\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
_JOINERS = frozenset("\u200c\u200d")
_BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SOFT_HYPHEN = "\u00ad"
_LINE_SEPARATORS = frozenset("\u2028\u2029")
_SPACES = frozenset("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_TAGS = range(0xE0000, 0xE0080)
_ALWAYS_COMPATIBLE = ("<wide>", "<narrow>", "<font>")

# Characters that never need a look: everything below U+00A0 but the C1 controls.
_NEEDS_A_LOOK = re.compile(r"[^\x00-\x9f]+")
# A word for folding: letters and marks, and the invisible characters an attack puts inside words.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u200b-\u200d\u2060\ufeff\u00ad])+")
# Greek letters standing alone in Latin text are symbols (α, π), not disguised words.
_GREEK_SYMBOL_LETTERS = 2
# How far around an all-look-alike word the script of the context is read.
_CONTEXT_CHARS = 200


@dataclass(frozen=True, slots=True)
class Change:
    """One change, in input offsets: ``input[start:end]`` became ``replacement``."""

    start: int
    end: int
    kind: str
    original: str
    replacement: str


@dataclass(slots=True)
class Normalised:
    """The cleaned text, the input it came from, and the way back."""

    source: str
    text: str
    changes: list[Change] = field(default_factory=list)
    # Parallel lists, one entry per run of the cleaned text: where it starts in the
    # cleaned text and in the input, and whether it is a copy of the input (True)
    # or a replacement (False; then it maps to the whole replaced input span).
    _clean_starts: list[int] = field(default_factory=list, repr=False)
    _source_starts: list[int] = field(default_factory=list, repr=False)
    _source_ends: list[int] = field(default_factory=list, repr=False)
    _copied: list[bool] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def counts(self) -> dict[str, int]:
        """Characters of the input changed, per kind (kinds with none left out)."""
        out: dict[str, int] = {}
        for change in self.changes:
            out[change.kind] = out.get(change.kind, 0) + (change.end - change.start)
        return {kind: out[kind] for kind in KINDS if kind in out}

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Input offsets of the cleaned span ``text[start:end]`` (``end`` exclusive)."""
        if not self.changes:
            return start, end
        if end <= start:
            position = self._source_position(start)
            return position, position
        return self._source_position(start), self._source_end(end - 1)

    def _run(self, clean_index: int) -> int:
        return bisect_right(self._clean_starts, clean_index) - 1

    def _source_position(self, clean_index: int) -> int:
        if clean_index >= len(self.text):
            return len(self.source)
        run = self._run(clean_index)
        if self._copied[run]:
            return self._source_starts[run] + clean_index - self._clean_starts[run]
        return self._source_starts[run]

    def _source_end(self, clean_index: int) -> int:
        run = self._run(clean_index)
        if self._copied[run]:
            return self._source_starts[run] + clean_index - self._clean_starts[run] + 1
        return self._source_ends[run]


def normalise(text: str) -> Normalised:
    """The text the models should read, with a map back to ``text``."""
    if not _NEEDS_A_LOOK.search(text):
        return Normalised(text, text)
    edits = _character_edits(text) + _confusable_edits(text)
    edits.sort(key=lambda c: c.start)
    return _apply(text, edits)


def _apply(text: str, edits: list[Change]) -> Normalised:
    out = Normalised(text, text)
    if not edits:
        return out
    pieces: list[str] = []
    clean_length = 0
    cursor = 0

    def run(source_start: int, source_end: int, piece: str, copied: bool) -> None:
        nonlocal clean_length
        if piece:
            out._clean_starts.append(clean_length)
            out._source_starts.append(source_start)
            out._source_ends.append(source_end)
            out._copied.append(copied)
            pieces.append(piece)
            clean_length += len(piece)

    for edit in edits:
        if edit.start < cursor:  # overlapping edits: the first one wins
            continue
        run(cursor, edit.start, text[cursor : edit.start], True)
        run(edit.start, edit.end, edit.replacement, False)
        out.changes.append(edit)
        cursor = edit.end
    run(cursor, len(text), text[cursor:], True)
    out.text = "".join(pieces)
    return out


def _character_edits(text: str) -> list[Change]:
    edits = []
    basic, astral = _changeable()
    matches = basic.finditer(text)
    if _ASTRAL.search(text):
        matches = sorted([*matches, *astral.finditer(text)], key=lambda m: m.start())
    for match in matches:
        i = match.start()
        ch = text[i]
        kind, replacement = _character_kind(text, i, ch)
        if kind is not None:
            edits.append(Change(i, i + 1, kind, ch, replacement))
    return edits


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _changeable() -> tuple[re.Pattern, re.Pattern]:
    """Every character ``_character_kind`` may change, as character classes (a scan in C, not Python).

    Two classes: one of the Basic Multilingual Plane, which the regex engine tests
    in constant time, and one of the other planes, only searched when the text has
    such characters.
    """
    fixed = _ALWAYS_INVISIBLE | _JOINERS | _BIDI | _SPACES | _LINE_SEPARATORS | {_SOFT_HYPHEN}
    codes = {ord(ch) for ch in fixed} | set(_TAGS)
    codes |= {c for c in range(0xA0, 0x30000) if _compatibility_form(chr(c)) is not None}
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])

    def character_class(spans: list[list[int]]) -> re.Pattern:
        return re.compile("[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans) + "]")

    return character_class([r for r in ranges if r[1] < 0x10000]), character_class([r for r in ranges if r[0] >= 0x10000])


def _character_kind(text: str, i: int, ch: str) -> tuple[str | None, str]:
    if ch in _ALWAYS_INVISIBLE:
        return "invisible", ""
    if ch in _JOINERS:
        neighbours = text[max(0, i - 1) : i] + text[i + 1 : i + 2]
        if any(_shapes_with_joiner(n) for n in neighbours):
            return None, ch
        return "invisible", ""
    if ch in _BIDI:
        return "bidi_control", ""
    if ch == _SOFT_HYPHEN:
        return "soft_hyphen", ""
    if ch in _SPACES:
        return "space", " "
    if ch in _LINE_SEPARATORS:
        return "space", "\n"
    if ord(ch) in _TAGS:
        return "invisible", ""
    compatible = _compatibility_form(ch) if ch not in latin_skeletons() else None  # look-alikes fold by word
    if compatible is not None:
        return "compatibility", compatible
    return None, ch


def _shapes_with_joiner(ch: str) -> bool:
    """Whether a zero-width joiner next to ``ch`` does a job (script shaping, emoji)."""
    if ch.isspace() or ch.isascii():
        return False
    category = unicodedata.category(ch)
    if category.startswith("S") or ch == "\ufe0f":
        return True
    return category.startswith(("L", "M")) and not unicodedata.name(ch, "").startswith("LATIN")


@cache
def _compatibility_form(ch: str) -> str | None:
    decomposition = unicodedata.decomposition(ch)
    if not decomposition.startswith("<"):
        return None
    folded = unicodedata.normalize("NFKC", ch)
    if folded == ch:
        return None
    if decomposition.startswith(_ALWAYS_COMPATIBLE):
        return folded
    if decomposition.startswith("<compat>") and folded.isalpha():
        return folded  # letter ligatures (ﬁ) and digraphs; not … or №
    return None


# ---------------------------------------------------------------------------
# Confusables


@lru_cache(maxsize=1)
def latin_skeletons() -> dict[str, str]:
    """Non-Latin letters whose Unicode confusable skeleton is one ASCII letter (а -> a, ο -> o)."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    out = {}
    for ch, homoglyphs in data.items():
        if len(ch) != 1 or ch.isascii() or not ch.isalpha() or script(ch) in ("LATIN", "COMMON", "INHERITED"):
            continue
        targets = [g["c"] for g in homoglyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()]
        if targets:
            target = targets[0]
            # Skeletons merge I and l; an upper-case look-alike of the pair reads as I.
            if target == "l" and ch.isupper():
                target = "I"
            out[ch] = target
    return out


@lru_cache(maxsize=8192)
def script(ch: str) -> str:
    """The script alias of ``ch`` (LATIN, CYRILLIC, GREEK, COMMON, ...) from the package's data."""
    from confusable_homoglyphs import categories

    return categories.alias(ch)


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and (ch.isascii() or script(ch) == "LATIN")


def _confusable_edits(text: str) -> list[Change]:
    skeletons = latin_skeletons()
    if not any(ch in skeletons for ch in set(text)):
        return []
    edits = []
    for word in _WORD.finditer(text):
        letters = word.group()
        look_alikes = [i for i, ch in enumerate(letters) if ch in skeletons]
        if not look_alikes:
            continue
        latin = sum(1 for ch in letters if _is_latin_letter(ch))
        foreign = sum(1 for ch in letters if ch.isalpha() and ch not in skeletons and not _is_latin_letter(ch))
        if foreign:
            continue  # a letter with no Latin look-alike: the word is written in its own script
        if not latin:
            if len(letters) <= _GREEK_SYMBOL_LETTERS and all(script(ch) == "GREEK" for ch in letters):
                continue  # α, σ-bonding, ππ: Greek letters used as symbols in Latin text
            if not _latin_context(text, word.start(), word.end()):
                continue
        for i in look_alikes:
            at = word.start() + i
            edits.append(Change(at, at + 1, "confusable", letters[i], skeletons[letters[i]]))
    return edits


def _latin_context(text: str, start: int, end: int) -> bool:
    """Whether most letters around a word are Latin (look-alikes of Latin letters count as neither)."""
    skeletons = latin_skeletons()
    window = text[max(0, start - _CONTEXT_CHARS) : start] + text[end : end + _CONTEXT_CHARS]
    latin = other = 0
    for ch in window:
        if not ch.isalpha() or ch in skeletons:
            continue
        if _is_latin_letter(ch):
            latin += 1
        else:
            other += 1
    return latin > 0 and latin >= 4 * other
