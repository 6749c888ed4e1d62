"""Reading the numbers of a text or a segmented document: the scanner that finds number cores
(digits, spelled-out numbers, fractions, "one in five"), and the table context that names what a cell counts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..checks import Analysis
    from ..segment import Document, Sentence
from .figure import STATISTIC_KINDS, Figure
from .kinds import _counted_noun, _Draft, _read_around
from .vocabulary import (
    _APPROX_WORD,
    _CAPITALISED_NAME_BEFORE,
    _COLLECTIVE,
    _CONTEXT,
    _CORE,
    _CURRENCY_BEFORE,
    _DEFINITE_BEFORE,
    _EMERGENCY,
    _FRACTION,
    _FRACTION_VALUES,
    _GLUED_UNIT,
    _HALF_POSITION,
    _IDENTIFIER_BEFORE,
    _LABEL_NOISE,
    _LIST_MARKER_AFTER,
    _LOWER_IDENTIFIER_BEFORE,
    _MAGNITUDE,
    _MONTH_AFTER,
    _MONTH_BEFORE,
    _MONTHS,
    _NOUN_STOP,
    _ONE_IN,
    _ORDINAL_SUFFIX,
    _ORDINAL_WORDS,
    _REFERENCE_BEFORE,
    _SERIES_BEFORE,
    _TOP_BEFORE,
    _VAGUE_PLURAL,
    _VAGUE_SCALE,
    _WEEKDAYS,
    _WORD,
    _WORD_SEQUENCE,
    _number_from_digits,
    mask_markup,
    words_value,
)


def extract_figures(text: str) -> list[Figure]:
    """Figures in one string, offsets into it (sentence index 0)."""
    return [Figure(sentence=0, text=text[d.start : d.end], **_figure_fields(d)) for d in _scan(mask_markup(text))]


def _figure_fields(d: _Draft) -> dict[str, Any]:
    low, high = d.low, d.high
    if d.value is not None and d.approx is None and low is None and high is None:
        low = high = d.value
    return {"start": d.start, "end": d.end, "value": d.value, "kind": d.kind, "unit": d.unit, "noun": d.noun,
            "approx": d.approx, "low": low, "high": high}


def _scan(masked: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    taken = bytearray(len(masked))  # characters already inside a figure

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def keep(d: _Draft) -> None:
        drafts.append(d)
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)

    for match in _VAGUE_PLURAL.finditer(masked):
        scale = _VAGUE_SCALE[match.group("word").lower()]
        if match.group("tens"):
            scale *= _VAGUE_SCALE[match.group("tens").lower()]
        low, high = 2 * scale, 10 * scale
        start, end = match.start(), match.start("word") + len(match.group("word"))
        d = _Draft(start, end, low, "count", approx="vague", low=low, high=high, spelled=True)
        d.noun = _counted_noun(masked, end)
        keep(d)
    for match in _FRACTION.finditer(masked):
        if not free(match.start(), match.end()) or _HALF_POSITION.search(masked[max(0, match.start() - 12) : match.start()]):
            continue
        key = re.sub(r"^(?:a|one)\s+", "", match.group("num").lower()).replace("-", " ")
        key = re.sub(r"\s+", " ", key)
        value = _FRACTION_VALUES.get(key)
        if value is None:
            continue
        d = _Draft(match.start(), match.start("num") + len(match.group("num")), value, "percent", unit="%", approx="about",
                   low=value * 0.9, high=value * 1.1, spelled=True)
        d.noun = _counted_noun(masked, d.end)
        keep(d)
    for match in _ONE_IN.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        a = _number_from_digits(match.group("a")) if match.group("a")[0].isdigit() else 1.0
        b = _number_from_digits(match.group("b")) if match.group("b")[0].isdigit() else words_value(match.group("b"))
        if a and b and b > a:
            value = 100.0 * a / b
            keep(_Draft(match.start(), match.end(), value, "ratio", unit="%", low=value, high=value,
                        noun=_counted_noun(masked, match.end())))

    for match in _CORE.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        group = match.lastgroup
        if group == "numdate":
            keep(_Draft(match.start(), match.end(), None, "date"))
        elif group in ("clock", "ampm"):
            keep(_Draft(match.start(), match.end(), None, "time"))
        elif group == "slash":
            keep(_Draft(match.start(), match.end(), None, "identifier"))  # "24/7", "18/30", "9/11"
        else:
            d = _read_digits(masked, match.start(), match.end())
            if d is not None and free(d.start, d.end):
                keep(d)
    for match in _WORD_SEQUENCE.finditer(masked):
        if not free(match.start(), match.end()):
            continue
        d = _read_words(masked, match)
        if d is not None and free(d.start, d.end):
            keep(d)
    for match in _ORDINAL_WORDS.finditer(masked):
        if free(match.start(), match.end()):
            keep(_Draft(match.start(), match.end(), words_value_ordinal(match.group()), "ordinal"))
    drafts.sort(key=lambda d: d.start)
    return drafts


_ORDINAL_VALUES = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth".split())}


_ORDINAL_VALUES.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "thousandth": 1000})


def words_value_ordinal(word: str) -> float | None:
    value = _ORDINAL_VALUES.get(word.lower())
    return None if value is None else float(value)


def _read_digits(masked: str, start: int, end: int) -> _Draft | None:
    digits = masked[start:end]
    before = masked[max(0, start - _CONTEXT) : start]
    prev = masked[start - 1] if start else ""
    nxt = masked[end] if end < len(masked) else ""
    # "G20", "COVID-19", "F-35", "H1N1": a number glued to letters names a thing.
    if prev in "-–/" and start >= 2 and masked[start - 2].isdigit():
        return None  # the second half of a score or code whose first half was read already
    if prev.isalpha() or (prev in "-_/" and start >= 2 and masked[start - 2].isalpha()) or prev == "_":
        end = _glued_end(masked, end)
        return _Draft(start, end, None, "identifier")
    if digits.endswith("."):
        digits, end = digits[:-1], end - 1
    after = masked[end : end + _CONTEXT]
    if (prev == "." and (start < 2 or not masked[start - 2].isalnum())) or (prev == "[" and after[:1] == "]") or (
        len(digits) > 1 and digits[0] == "0" and digits[1:2].isdigit()
    ) or re.search(r"[\"']\w+[\"']\s*:\s*$", before) or re.match(r"^-\d+-\d", after):
        return _Draft(start, _glued_end(masked, end), None, "identifier")  # ".45", "[13]", "007", JSON ids, "1-2-3"
    if _LIST_MARKER_AFTER.match(after) and (not before.strip() or re.search(r"[.!?:\"“”']\s*$", before)):
        return _Draft(start, end, None, "other")  # a list marker: "1. This is ..."
    if digits in ("911", "999", "101", "112", "111") and (_EMERGENCY.search(before) or re.match(r"^\s+call", after)):
        return _Draft(start, end, None, "identifier")
    name = _CAPITALISED_NAME_BEFORE.search(before)
    if name and not name.group(1).endswith((".", "'s", "’s")) and not _CURRENCY_BEFORE.search(before) and name.group(1).lower() not in _NOUN_STOP and not re.fullmatch(
        _MONTHS + r"\.?|" + _WEEKDAYS, name.group(1)
    ) and not _APPROX_WORD.fullmatch(name.group(1)):
        return _Draft(start, _glued_end(masked, end) if nxt.isalpha() else end, None, "identifier")  # "Maroon 5", "London 2012"
    value = _number_from_digits(digits)
    if value is None:
        return _Draft(start, _glued_end(masked, end), None, "identifier")
    if (_IDENTIFIER_BEFORE.search(before) or _LOWER_IDENTIFIER_BEFORE.search(before)) and "," not in digits:
        return _Draft(start, end, value, "identifier")  # "Route 12 runs", "Paragraph 3 covers": a label, not a count
    after = masked[end : end + _CONTEXT]
    suffix = _ORDINAL_SUFFIX.match(after)
    if suffix:
        if _MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before):
            return _Draft(start, end + suffix.end(), None, "date")
        return _Draft(start, end + suffix.end(), value, "ordinal")
    if nxt.isalpha() and not _GLUED_UNIT.match(after) and not _MAGNITUDE.match(after) and not re.match(r"^'?s\b", after):
        # "4G", "3D", "2nd" handled; anything else glued is a code.
        return _Draft(start, _glued_end(masked, end), None, "identifier")

    d = _Draft(start, end, value)
    _read_around(masked, d, spelled=False, digits=digits)
    return d


_DIGITS = re.compile(r"\d+(?:\.\d+)*")


def labelled_identifiers(text: str) -> frozenset[str]:
    """The numbers a label word names a thing with: "Route 12", "paragraph 3", "Section 230"."""
    found = set()
    for match in _DIGITS.finditer(text):
        before = text[max(0, match.start() - _CONTEXT) : match.start()]
        if _IDENTIFIER_BEFORE.search(before) or _LOWER_IDENTIFIER_BEFORE.search(before):
            found.add(match.group())
    return frozenset(found)


def _glued_end(masked: str, end: int) -> int:
    limit = min(len(masked), end + 40)
    while end < limit and (masked[end].isalnum() or (masked[end] in "-_/." and end + 1 < limit and masked[end + 1].isalnum())):
        end += 1
    return end


def _read_words(masked: str, match: re.Match) -> _Draft | None:
    phrase = match.group()
    words = re.split(r"[\s-]+", phrase.lower().strip())
    if words == ["one"] or words == ["zero"]:
        after = masked[match.end() : match.end() + 20]
        if not re.match(r"^\s+in\s+\w", after):
            return None  # "one of the largest", "no one": a pronoun, not a count
    if words in (["second"],):
        return None
    value = words_value(phrase)
    if value is None:
        return _Draft(match.start(), match.end(), None, "other", spelled=True)
    before = masked[max(0, match.start() - _CONTEXT) : match.start()]
    after = masked[match.end() : match.end() + _CONTEXT]
    mid_sentence = bool(before.strip()) and not re.search(r"[.!?:\"“‘(]\s*$", before)
    if phrase[:1].isupper() and mid_sentence:
        return _Draft(match.start(), match.end(), None, "identifier", spelled=True)  # "Six Flags", "Fifty Shades", "BBC Two"
    if _IDENTIFIER_BEFORE.search(before) or _SERIES_BEFORE.search(before):
        return _Draft(match.start(), match.end(), None, "identifier", spelled=True)  # "season two", "race eight"
    if _TOP_BEFORE.search(before):
        return _Draft(match.start(), match.end(), value, "ordinal", spelled=True)  # "top five", "the last eight"
    d = _Draft(match.start(), match.end(), value, spelled=True)
    _read_around(masked, d, spelled=True, digits=None)
    if d.approx is None and d.value is not None and d.value <= 10 and (
        (d.kind == "number" and _REFERENCE_BEFORE.search(before)) or (d.kind in ("number", "count") and _DEFINITE_BEFORE.search(before))
    ):
        d.kind = "other"  # "the two", "these two", "baby number two": a reference, not a count
    return d


def document_figures(document: "Document") -> list[Figure]:
    """Every figure of a segmented document, in reading order, offsets into ``document.text``."""
    figures: list[Figure] = []
    for sentence in document.sentences:
        if sentence.kind == "heading":
            # Headlines restate body figures; counting them would double every figure.
            drafts = _scan(mask_markup(sentence.text))
            figures.extend(_to_figures(sentence, drafts, None))
            continue
        drafts = _scan(mask_markup(sentence.text))
        table = _table_context(sentence) if sentence.kind == "table_row" else None
        figures.extend(_to_figures(sentence, drafts, table))
    return figures


def analysis_figures(analysis: "Analysis") -> list[Figure]:
    """The document's figures, computed once per document for every check that asks."""
    return analysis.memo("figures", lambda a: document_figures(a.document))


def _to_figures(sentence: "Sentence", drafts: list[_Draft], table: "_TableContext | None") -> list[Figure]:
    out = []
    for d in drafts:
        fields = _figure_fields(d)
        fields["start"] += sentence.start
        fields["end"] += sentence.start
        label = None
        if table is not None:
            label, noun = table.label_for(d.start)
            if fields["kind"] == "number":
                fields["kind"] = "count" if noun else "number"
            if fields["noun"] is None and fields["kind"] in STATISTIC_KINDS:
                fields["noun"] = noun
        out.append(Figure(sentence=sentence.index, text=sentence.text[d.start : d.end], label=label, **fields))
    return out


class _TableContext:
    """Which cell a position in a table row falls in, and the row and column labels of that cell."""

    def __init__(self, sentence: "Sentence"):
        self.text = sentence.text
        self.cells = sentence.cells or ()
        self.header = sentence.header or ()
        self.html = "<" in self.text and re.search(r"<t[dh]\b", self.text, re.IGNORECASE) is not None

    def cell_index(self, offset: int) -> int:
        head = self.text[:offset]
        if self.html:
            return max(0, len(re.findall(r"<t[dh]\b", head, re.IGNORECASE)) - 1)
        pipes = len(re.findall(r"(?<!\\)\|", head))
        return max(0, pipes - (1 if self.text.lstrip().startswith("|") else 0))

    def label_for(self, offset: int) -> tuple[str | None, str | None]:
        index = self.cell_index(offset)
        row_label = self.cells[0] if self.cells and index > 0 else None
        column = self.header[index] if index < len(self.header) else None
        if column and _generic_column(column):
            column = None
        label = " / ".join(x for x in (row_label, column) if x) or None
        noun = None
        for candidate in (row_label, column):
            if candidate:
                noun = _label_noun(candidate)
                if noun:
                    break
        return label, noun


def _generic_column(name: str) -> bool:
    return name.strip().lower() in ("value", "values", "figure", "figures", "number", "count", "total", "amount", "result", "results", "data")


def _label_noun(label: str) -> str | None:
    """The counted noun in a row label: "Number of Call Centers Raided" -> "centers"."""
    text = _LABEL_NOISE.sub("", label.strip())
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if w not in _NOUN_STOP]
    for word in words:
        if word in _COLLECTIVE or (word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2):
            return word
    return None


def _table_context(sentence: "Sentence") -> _TableContext:
    return _TableContext(sentence)
