"""The figures family: every number in the copy, who vouches for it, and whether the numbers agree.

It flags ``figure.no_source`` (a statistic nothing in or around its sentence
attributes to anyone), ``figure.vague_source`` ("experts say", "reportedly") and
``figure.inconsistent`` (parts that do not add up, shares over 100%, approximations
that exclude each other, a figure an order of magnitude out of line).

Where things live: ``figure`` (the ``Figure`` record and ``compatible``),
``vocabulary`` (the words and patterns), ``reading`` (finding numbers in a text or
document), ``kinds`` (typing them: money, percent, count of what, age, year...),
``attribution`` (the source cues around a statistic), ``consistency`` (arithmetic
across the article), ``check`` (the ``figures`` check: a trained support model
over the sentence embedding and the attribution cues, plus the consistency rules),
``train`` / ``evaluate`` (``detector train figures`` / ``detector eval figures``).

Every number with its exact span, normalised value, unit and what it counts.

The API other families use (the contradiction check among them), importable from ``detector.figures``:

``Figure``
    One figure. ``sentence`` is the index of its ``Sentence``; ``start``/``end`` are
    offsets into the document's input, so ``document.text[f.start:f.end] == f.text``.
    ``value`` is the normalised number ("1.2 million" -> 1200000.0, "45%" -> 45.0,
    "$45bn" -> 45e9, "a dozen" -> 12.0); ``low``/``high`` are the bounds its wording
    allows ("over 1,500" -> low 1500, high None = unbounded; "about 300" -> 255..345;
    "10-15" -> 10..15; exact figures have low == high == value). ``unit`` is "%",
    an ISO currency code ("USD", "GBP", ...), a measure ("km", "months") or None;
    ``noun`` is what a count counts ("suspects"), ``label`` the table row/column it
    sits under ("Suspects Repatriated"). ``kind`` is a statistic kind (count,
    percent, money, measure, duration, ratio, number) or a non-statistic (year,
    date, time, age, address, ordinal, period, score, identifier, other: a bare
    spelled-out number such as "the two" or a list marker);
    ``is_statistic`` says which. ``approx`` names the qualifier (over, at_least,
    under, at_most, nearly, about, range, vague, or None for exact). ``support``
    and ``source`` are filled in by the figures check ("sourced" | "vague" |
    "none", and the cue it found), None before.

``document_figures(document) -> list[Figure]``
    Every figure of a segmented ``Document``, in reading order.

``analysis_figures(analysis) -> list[Figure]``
    The same, computed once per document through ``analysis.memo("figures", ...)``:
    any check may call it and pays nothing if another already did.

``extract_figures(text)`` reads a bare string (sentence 0, offsets into ``text``);
``Figure.to_dict()`` is the report's JSON form (``Report.figures``);
``compatible(a, b)`` says whether two figures' bounds can describe one quantity;
``consistency_issues(figures, document)`` the figures that do not fit the others;
``labelled_identifiers(text)`` the numbers a label names ("paragraph 4", "Article 12").

How: a scanner of our own finds number cores (digits with separators and
decimals, spelled-out numbers) and reads the words around them for currency,
magnitude, percent, units, ranges, qualifiers and the counted noun; number-parser
turns spelled-out numbers into values. The well-kept general parsers
(quantulum3, number-parser alone) were compared with this one on our labelled
sentences (``detector eval figures``): they do not type years, dates, ages or
identifiers, which in news are most numbers, and quantulum3 takes seconds on a
long digit run. Every pattern here is bounded (no nested quantifiers; context
windows of fixed width), so cost is linear in the text: a 50,000-character
sentence, a 100,000-digit number or markup soup cannot hang it.
"""

from .consistency import Issue, consistency_issues
from .figure import APPROXIMATIONS, KINDS, OTHER_KINDS, STATISTIC_KINDS, SUPPORT_LABELS, Figure, compatible, singular
from .reading import analysis_figures, document_figures, extract_figures, labelled_identifiers
from .vocabulary import mask_markup, words_value

__all__ = [
    "APPROXIMATIONS", "KINDS", "OTHER_KINDS", "STATISTIC_KINDS", "SUPPORT_LABELS", "Figure", "Issue",
    "analysis_figures", "compatible", "consistency_issues", "document_figures", "extract_figures",
    "labelled_identifiers", "mask_markup", "singular", "words_value",
]

# Importing the check registers it (after the reading API above, which it uses).
from .check import Figures  # noqa: E402

__all__ += ["Figures"]
