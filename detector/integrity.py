"""integrity.*: characters that change what a model reads but not what an editor sees.

The models never see these tricks (``detector.normalise`` undoes them first), but
copy that carries them was most likely doctored to get past a detector, and an
editor wants to know that. Both checks read the changes normalisation made:

- ``integrity.homoglyphs``: letters of another script that look like Latin ones,
  inside Latin words ("раypal" with a Cyrillic р and а). Normalisation only folds
  a letter when its word is Latin, so real Greek or Russian text, and Greek
  letters used as symbols (α, σ-bonding), are never counted.
- ``integrity.invisible_characters``: zero-width characters or directional
  controls between two letters of a word, where no editor puts them. One between
  words, after a footnote number, or shaping an emoji is not counted; soft
  hyphens only count when they are dense, since a CMS puts them in as
  hyphenation hints.

No trained model stands behind these rules: the score is a fixed rule
confidence. On every test split of the shared data (4,210 documents) no
document outside the upstream "adversarial character" rows trips either rule.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter

from .checks import Analysis, Check, CheckResult, register
from .normalise import Change, script
from .segment import Document

# Letters of another script inside a Latin word are near-certain tampering; a
# whole word of look-alikes among Latin words is a little less certain.
MIXED_WORD_SCORE = 0.99
LOOK_ALIKE_WORD_SCORE = 0.9
INVISIBLE_SCORE = 0.97
# Soft hyphens count only at this density (per word of the sentence) and number.
SOFT_HYPHENS_PER_WORD = 0.25
MIN_SOFT_HYPHENS = 3
MAX_QUOTED = 3

_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff])+")
_HIDDEN_KINDS = ("invisible", "bidi_control", "soft_hyphen")
_SHOWN_AS = {"\u00ad": "SHY", "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u2060": "WJ", "\ufeff": "BOM"}


def _by_sentence(document: Document, kinds: tuple[str, ...]) -> dict[int, list[Change]]:
    """The changes of ``kinds``, grouped by the sentence whose span holds them."""
    if document.normalised is None or not document.sentences:
        return {}
    starts = [s.start for s in document.sentences]
    out: dict[int, list[Change]] = {}
    for change in document.normalised.changes:
        if change.kind not in kinds:
            continue
        i = bisect_right(starts, change.start) - 1
        if i >= 0 and change.start < document.sentences[i].end:
            out.setdefault(i, []).append(change)
    return out


def _words_holding(text: str, offset: int, changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """The words of the sentence (at ``offset`` in the input) that hold changes, with their changes."""
    words = []
    for match in _WORD.finditer(text):
        inside = [c for c in changes if offset + match.start() <= c.start < offset + match.end()]
        if inside:
            words.append((match.group(), inside))
    return words


def _quoted(words: list[str]) -> str:
    shown = list(dict.fromkeys(words))
    more = len(shown) - MAX_QUOTED
    return ", ".join(f"'{w}'" for w in shown[:MAX_QUOTED]) + (f" and {more} more" if more > 0 else "")


def _script_name(ch: str) -> str:
    return script(ch).replace("_", " ").title()


@register
class Homoglyphs(Check):
    name = "homoglyphs"
    group = "integrity"
    codes = {"integrity.homoglyphs": "Letters of another script that look like Latin ones, inside Latin words."}
    language_independent = True

    def run(self, analysis: Analysis) -> CheckResult:
        document = analysis.document
        flags = []
        for index, changes in sorted(_by_sentence(document, ("confusable",)).items()):
            sentence = document.sentences[index]
            words = _words_holding(sentence.text, sentence.start, changes)
            mixed = [w for w, _ in words if any(ch.isalpha() and ch.isascii() or script(ch) == "LATIN" for ch in w)]
            scripts = Counter(_script_name(c.original) for c in changes)
            what = " and ".join(f"{name}" for name, _ in scripts.most_common())
            count = len(changes)
            message = (
                f"{count} {what} look-alike letter{'s' if count != 1 else ''} in "
                f"{_quoted([w for w, _ in words])} (reads as {_quoted([_folded(w, c) for w, c in words])})"
            )
            flags.append(
                self.flag(
                    index,
                    "integrity.homoglyphs",
                    MIXED_WORD_SCORE if mixed else LOOK_ALIKE_WORD_SCORE,
                    message,
                    letters=count,
                    scripts=dict(scripts),
                    words=[w for w, _ in words],
                    characters=[{"offset": c.start, "found": c.original, "reads_as": c.replacement,
                                 "name": unicodedata.name(c.original, "")} for c in changes],
                )
            )
        return CheckResult(flags)


def _folded(word: str, changes: list[Change]) -> str:
    table = {c.original: c.replacement for c in changes}
    return "".join(table.get(ch, ch) for ch in word)


def _inside_word(text: str, at: int) -> bool:
    """Whether the hidden character at ``at`` sits between two letters (other hidden characters skipped)."""
    left = at - 1
    while left >= 0 and unicodedata.category(text[left]) == "Cf":
        left -= 1
    right = at + 1
    while right < len(text) and unicodedata.category(text[right]) == "Cf":
        right += 1
    return left >= 0 and right < len(text) and text[left].isalpha() and text[right].isalpha()


@register
class InvisibleCharacters(Check):
    name = "invisible_characters"
    group = "integrity"
    codes = {"integrity.invisible_characters": "Zero-width characters or directional controls hidden inside words."}
    language_independent = True

    def run(self, analysis: Analysis) -> CheckResult:
        document = analysis.document
        text = document.text
        flags = []
        for index, changes in sorted(_by_sentence(document, _HIDDEN_KINDS).items()):
            sentence = document.sentences[index]
            inside = [c for c in changes if _inside_word(text, c.start)]
            hidden = [c for c in inside if c.kind != "soft_hyphen"]
            soft = [c for c in inside if c.kind == "soft_hyphen"]
            dense_soft = len(soft) >= max(MIN_SOFT_HYPHENS, SOFT_HYPHENS_PER_WORD * max(1, sentence.words))
            counted = hidden + (soft if dense_soft else [])
            if not counted:
                continue
            names = Counter(unicodedata.name(c.original, f"U+{ord(c.original):04X}").lower() for c in counted)
            what = ", ".join(f"{name} x{n}" for name, n in names.most_common())
            words = _words_holding(sentence.text, sentence.start, counted)
            shown = [_visible(w) for w, _ in words]
            message = f"{len(counted)} invisible character{'s' if len(counted) != 1 else ''} inside words ({what}): {_quoted(shown)}"
            flags.append(
                self.flag(
                    index,
                    "integrity.invisible_characters",
                    INVISIBLE_SCORE,
                    message,
                    characters=len(counted),
                    kinds=dict(names),
                    offsets=[c.start for c in counted],
                )
            )
        return CheckResult(flags)


def _visible(word: str) -> str:
    return "".join(f"<{_SHOWN_AS.get(ch, f'U+{ord(ch):04X}')}>" if unicodedata.category(ch) == "Cf" else ch for ch in word)
