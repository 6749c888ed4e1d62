"""Reading a copy against its source: alignment, then what the source does not hold or says otherwise.

Every copy sentence is aligned to its most similar source sentences by the shared
sentence vectors (MiniLM in the accurate profile). Then, per copy sentence:

- figures are compared as values through the figures reader (``detector.figures``),
  so "1,500", "1500" and "1.5 thousand" are one figure; a copy figure that no source
  figure matches is unsupported, and contradicted where an aligned source sentence
  gives the same kind of quantity (same counted noun, same unit) another value;
- names are capitalised spans; a name is unsupported when its last word (the
  surname, the head) is nowhere in the source; where an aligned source sentence
  names someone the copy never does, the name was changed;
- negation: a closely aligned pair that shares its content words but not its
  negation parity ("will" / "will not") is a contradiction candidate;
- a claim is unsupported when no source sentence is close to it, by meaning
  (vector similarity) or by words (share of its content words the source holds).

Contradiction candidates are read by the contradiction family's cross-encoder
(``detector.contradiction.score_pairs``), whose P(contradiction) ranks them. This
module measures; the thresholds that turn measurements into flags are data
(``SourceThresholds``, chosen by ``detector train source`` on faithful rewrites).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..checks import Against, Analysis
from ..figures import Figure, analysis_figures, document_figures

log = logging.getLogger(__name__)

# Figure kinds that are no fact of the story: list markers and bare spelled-out
# numbers ("the two"), identifiers ("Route 12"), street addresses.
_IGNORED_KINDS = frozenset({"other", "identifier", "address"})
# Kinds that measure the same sort of thing, for telling a changed figure from another figure.
_KIND_FAMILY = {"year": "time", "date": "time", "period": "time", "time": "clock"}

# A capitalised word alone at least this frequent in lower case is an everyday word ('american'
# 5.2, 'research' 5.0, 'god' 5.4), not a name to look for ('kmart' 2.9, 'belk' 1.6).
EVERYDAY_ZIPF = 4.5
# Sentence-initial words at least this frequent are read as ordinary words, not names.
COMMON_ZIPF = 3.0
# A copy sentence shorter than this (a dateline, a caption) is not read for clashes, only for what is missing.
MIN_CLASH_WORDS = 5
# Sentences this similar say the same words (cosine of their vectors): no clash between them.
VERBATIM = 0.98
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’\-]*[A-Za-zÀ-ÿ]|[A-Za-zÀ-ÿ]")
_NAME_WORD = r"(?:[A-ZÀ-Þ][A-Za-zÀ-ÿ'’\-]*[A-Za-zÀ-ÿ]\.?|[A-Z]\.(?:[A-Z]\.)*)"
_NAME = re.compile(
    rf"(?<![\w'’]){_NAME_WORD}(?:[ \t]+(?:(?:of|de|da|del|van|von|bin|al|la|le|du|dos)[ \t]+)?{_NAME_WORD})*"
)
# Capitalised words that are no name: function words at a sentence start, titles, calendar words.
_NOT_NAME = frozenset(
    """a an the this that these those there their they them he she his her hers him it its i we our us you your my
    me in on at by for from to of and or but nor so yet if as with without after before when while where why how
    what who whom whose which because since although though however meanwhile also still then now today
    yesterday tomorrow here no not yes all some many most more much each every both either neither other another
    such one two three four five six seven eight nine ten mr mrs ms dr sir madam st mt president senator sen rep
    gov governor mayor minister prime secretary chairman judge justice general gen col lt sgt officer chief king
    queen prince princess lord lady pope rev professor prof ceo cfo monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec a.m p.m am pm according despite during after until unless once
    just only even well oh please thanks thank dear said says will would could should can may might must did
    does do is was were are be been being has have had let lets like old first last next former latest
    councillor councilor councilman councilwoman congressman congresswoman representative spokesman spokeswoman
    spokesperson ambassador chancellor commissioner director inspector detective sheriff captain coach attorney
    actor actress singer rapper star host producer author writer lawyer doctor nurse""".split()  # noqa: SIM905 - a word list reads best as words
)
_NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor cannot can't won't don't doesn't didn't isn't aren't wasn't
    weren't hasn't haven't hadn't shouldn't wouldn't couldn't n't without""".split()  # noqa: SIM905 - a word list reads best as words
)
_NOT_NEGATING_NEXT = {"not": frozenset(("only", "just", "merely", "least")), "no": frozenset(("doubt", "matter", "longer"))}
_STOP = frozenset(
    """a an the this that these those there their they them he she his her it its we our you your i me my of in on
    at by for from to and or but nor so if as with about into over after before than then also been be is was
    were are am has have had do does did will would could should can may might must shall not no said says say
    told who whom whose which what when where why how all any some more most much many such very just only""".split()  # noqa: SIM905 - a word list reads best as words
)


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]


def _content(words: list[str]) -> set[str]:
    return {_stem(w) for w in words if len(w) > 2 and w not in _STOP}


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ied", "ies", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _negation_parity(text: str) -> int:
    tokens = [t.lower().replace("’", "'") for t in re.findall(r"[A-Za-z'’]+", text)]
    count = 0
    for i, t in enumerate(tokens):
        negates = t in _NEGATIONS or t.endswith("n't")
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if negates and following in _NOT_NEGATING_NEXT.get("not" if t.endswith("n't") else t, ()):
            negates = False  # "not only ... but", "didn't just ...": adds, does not negate
        count += negates
    return count % 2


@dataclass(frozen=True, slots=True)
class SourceThresholds:
    """Where measurements become flags; chosen on faithful rewrites by ``detector train source``.

    ``claim_similarity`` / ``claim_coverage``: a copy sentence below both has no source
    sentence close to it. ``aligned``: two sentences this similar tell the same fact, so a
    different figure, name or negation between them is a clash.
    """

    claim_similarity: float
    claim_coverage: float
    aligned: float
    min_claim_words: int = 8
    # Negation flips and changed names are common in faithful rewording ("did not survive" / "died",
    # a surname for a full name): they stand only where the cross-encoder finds contradiction this likely.
    min_nli: float = 0.5

    def to_dict(self) -> dict:
        return {"claim_similarity": self.claim_similarity, "claim_coverage": self.claim_coverage,
                "aligned": self.aligned, "min_claim_words": self.min_claim_words, "min_nli": self.min_nli}


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """A source sentence quoted as evidence: its text and offsets into the source text."""

    index: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"sentence": self.index, "start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Finding:
    """One thing in one copy sentence: what is missing from the source or what it says otherwise."""

    sentence: int
    code: str  # source.contradicted | source.unsupported
    what: str  # figure | name | negation | claim
    text: str  # the copy's wording (the figure, the name, or the sentence)
    message: str
    similarity: float
    source: SourceSpan | None = None
    source_text: str | None = None  # the source's wording that clashes (its figure or name)
    nli: float | None = None  # the cross-encoder's P(contradiction | source, copy)
    start: int | None = None  # the span in the copy (offsets into the copy's input)
    end: int | None = None
    label: str | None = None  # how a message names a figure or a name: "42% (harvest)", "Peter Okafor"


@dataclass(slots=True)
class SentenceAlignment:
    best: np.ndarray  # best similarity to any source sentence, per copy sentence
    coverage: np.ndarray  # share of the copy sentence's content words the source holds
    top: np.ndarray  # indexes of the most similar source sentences, best first
    words: np.ndarray  # content words per copy sentence


@dataclass(slots=True)
class SourceReading:
    """Everything measured for one copy against one source; ``findings`` are candidates before thresholds."""

    alignment: SentenceAlignment
    findings: list[Finding] = field(default_factory=list)
    source_recall: float = 0.0  # share of source sentences some copy sentence is aligned to
    copy_words: int = 0
    source_words: int = 0
    verbatim_share: float = 0.0  # share of copy sentences a source sentence says word for word


def _span(against: Against, index: int) -> SourceSpan:
    s = against.document.sentences[index]
    return SourceSpan(index, s.start, s.end, s.text)


def _figure_wanted(f: Figure) -> bool:
    if f.value is None or not math.isfinite(f.value) or f.kind in _IGNORED_KINDS:
        return False
    if not any(c.isdigit() for c in f.text):
        # "first", "the two of them", "both": rewording, not a figure of the story.
        return f.kind != "ordinal" and f.value > 2
    return True


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_NEAR = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?", re.IGNORECASE)
# Lengths of time in days, so that "nearly two decades" and "nearly 20 years" are one figure.
_DAYS = {"day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.44, "year": 365.25, "decade": 3652.5, "century": 36525.0}


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure as compared here: its kind's family, the bounds its wording allows on a common scale, a month for a date."""

    figure: Figure
    family: str
    low: float
    high: float
    month: int | None = None

    @property
    def label(self) -> str:
        if self.month is not None:
            return f"{_MONTHS[self.month].capitalize()} {self.figure.text}"
        return self.figure.text


def quantity(f: Figure, text: str, offset: int) -> Quantity:
    """``f`` read for comparison; ``text`` is the text its offsets point into, less ``offset``."""
    low = f.low if f.low is not None else f.value
    high = f.high if f.high is not None else (math.inf if f.approx in ("over", "at_least") else f.value)
    if f.low is None and f.approx in ("under", "at_most", "nearly"):
        low = 0.0
    if f.approx is None and f.low == f.high:
        # A round exact figure covers its rounding: "1,500" may be 1,523 written round; "1.2 million" 1.15-1.25 million.
        step = _rounding_step(f)
        low, high = f.value - step / 2, f.value + step / 2
    if f.kind == "year" and f.text.rstrip("’'").endswith("s"):  # "the 1990s"
        low, high = f.value, f.value + 9
    family = _KIND_FAMILY.get(f.kind, f.kind)
    unit = (f.unit or "").lower().rstrip("s")
    unit = "century" if unit == "centurie" else unit
    if unit in _DAYS:
        low, high = low * _DAYS[unit], high * _DAYS[unit]
        family = "length_of_time"
    month = None
    if f.kind == "date":
        window = text[max(0, f.start - offset - 12) : f.end - offset + 12]
        found = _MONTH_NEAR.search(window)
        if found:
            month = [m[:3] for m in _MONTHS].index(found.group(1).lower()[:3])
    return Quantity(f, family, low, high, month)


def _rounding_step(f: Figure) -> float:
    digits = re.findall(r"\d[\d,]*(?:\.\d+)?", f.text)
    if not digits:
        return 0.0
    raw = digits[0].replace(",", "")
    base = float(raw) if raw else 0.0
    scale = f.value / base if base else 1.0
    if "." in raw:
        return 10.0 ** -len(raw.split(".")[1]) * scale
    zeros = len(raw) - len(raw.rstrip("0"))
    return (10.0**zeros if zeros >= 2 else 0.0) * scale


def _overlap(a: Quantity, b: Quantity) -> bool:
    if a.month is not None and b.month is not None and a.month != b.month:
        return False
    tolerance = 1e-9 * max(1.0, abs(a.low), abs(b.low))
    return a.low <= b.high + tolerance and b.low <= a.high + tolerance


def _same_quantity(a: Quantity, b: Quantity) -> bool:
    """Whether two figures measure the same sort of thing, so that different values clash."""
    if a.family != b.family:
        return False
    fa, fb = a.figure, b.figure
    if a.family in ("time", "age", "length_of_time"):
        return True
    if fa.noun_key and fb.noun_key:
        return fa.noun_key == fb.noun_key
    return bool(fa.unit) and fa.unit == fb.unit and not (fa.noun_key or fb.noun_key)


def _digits_in(text: str) -> set[str]:
    return {m.replace(",", "") for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def _value_matches(q: Quantity, source: list[Quantity], source_digits: set[str]) -> bool:
    """Whether the source states this value anywhere (as any figure: a rewrite may change what it counts)."""
    for s in source:
        if (s.family == "length_of_time") == (q.family == "length_of_time") and _overlap(q, s):
            return True
    if q.month is not None:
        return False  # a date needs its month too
    # Numbers the reader types as no figure in the source (inside a name, a URL) still count as said there.
    raw = re.findall(r"\d[\d,]*(?:\.\d+)?", q.figure.text)
    return bool(raw) and all(r.replace(",", "") in source_digits for r in raw)


# One place, written several ways: the copy's "United States" is in a source that says "U.S.".
_PLACE_ALIASES = (
    ("u.s", "us", "usa", "u.s.a", "united states", "america"),
    ("u.k", "uk", "united kingdom", "britain", "great britain"),
    ("u.n", "un", "united nations"),
    ("e.u", "eu", "european union"),
    ("u.a.e", "uae", "united arab emirates", "emirates"),
)
_ALIAS_OF = {form: forms for forms in _PLACE_ALIASES for form in forms}


def _says(text: str, form: str) -> bool:
    """Whether ``text`` writes the place ``form``; the bare two-letter forms only in capitals ("US", not "us")."""
    if "." not in form and len(form) <= 3:
        return re.search(rf"(?<![\w.]){form.upper()}(?![\w])", text) is not None
    return re.search(rf"(?<![\w.]){re.escape(form)}\.?(?![\w])", text, re.IGNORECASE) is not None


class _NameIndex:
    """The source's words, for asking whether a name of the copy appears there."""

    def __init__(self, source_text: str):
        words = _words(source_text)
        words += [part for w in words if "-" in w for part in w.split("-") if part]  # "al-Zawahiri" holds Zawahiri
        self.aliases = {form for forms in _PLACE_ALIASES if any(_says(source_text, f) for f in forms) for form in forms}
        self.words = set(words)
        self.prefixes = {w[:5] for w in words if len(w) >= 6}
        initials = [w[0] for w in words]
        self.text = " ".join(words)
        self._initials = "".join(initials)
        self._lower = source_text.lower().replace("’", "'")

    def holds_name(self, span: str, head: str) -> bool:
        """Whether the source names ``span`` (whose distinctive word is ``head``), however it writes it."""
        whole = " ".join(_words(span))
        if f" {whole} " in f" {self.text} " or whole.strip(".") in self.aliases:
            return True
        if not _all_everyday(span) and self.holds(head):
            return True
        return _held_after_place(span, self)

    def holds(self, token: str) -> bool:
        t = token.lower().replace("’", "'").removesuffix("'s").strip(".")
        if t in self.words or t in self.aliases:
            return True
        if t.endswith("s") and t[:-1] in self.words or f"{t}s" in self.words:  # "EpiPens" / "EpiPen"
            return True
        if token.isupper() and len(t) >= 5 and any(t[:k] in self.words for k in range(4, len(t))):
            return True  # an initialism the source writes shorter: "LGBTQ" / "LGBT"
        if "." in t:  # "U.S", "D.C": dotted abbreviations, as written
            return re.search(rf"(?<![a-z]){re.escape(t)}", self._lower) is not None
        if len(t) >= 6 and t[:5] in self.prefixes:  # "American" / "America", "Democratic" / "Democrats"
            return True
        if token.isupper() and 2 <= len(t) <= 5:  # an acronym the source spells out
            return t in self._initials
        return False


def names_in(text: str) -> list[tuple[int, int, str, str]]:
    """Capitalised name spans of a sentence: (start, end, the span, its head word), titles and function words dropped.

    Not read as names: a line set in title case (a headline or a generator's label such as
    "Incomplete Fact", where every word is capitalised), a span a colon closes ("Misinformation:",
    "Last Updated:"), and a single word that is also an everyday English word (American, God).
    """
    if _title_case_line(text):
        return []
    out = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        start = match.start()
        # Drop leading function words and titles ("The", "President"); the name is what follows.
        while words and words[0].lower().strip(".").removesuffix("'s").removesuffix("’s") in _NOT_NAME:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else match.end()
            words = words[1:]
        words = [w for w in words if not (w.isupper() and len(w) > 5)]  # shouted words in scraped copy
        if not words:
            continue
        cleaned = [w.removesuffix("'s").removesuffix("’s").strip(".") for w in words]
        cleaned = [w.rsplit("-", 1)[0] if "-" in w and w.rsplit("-", 1)[1].islower() else w for w in cleaned]  # Trump-branded
        # The head is the last distinctive word ("Kardashian" in "Kim Kardashian", "Trump" in "Trump Organization");
        # a name of everyday words only ("New York City", "United States") is looked up whole.
        distinctive = [w for w in cleaned if not _everyday_word(w)]
        head = distinctive[-1] if distinctive else cleaned[-1]
        if head.lower() in _NOT_NAME or len(head) < 2:
            continue
        if text[match.end() : match.end() + 1] == ":":
            continue  # a label ("Misinformation:", "False Context:")
        if len(words) == 1 and not distinctive:
            continue
        span = re.sub(r"['’]s$", "", text[start : match.end()].rstrip("."))
        out.append((start, start + len(span), span, head))
    return out


def _held_after_place(span: str, names: "_NameIndex") -> bool:
    """A name led by a country the source's story is in ("U.S. Constitution") that the source writes without it."""
    words = span.split()
    for k in range(1, min(3, len(words))):
        place = " ".join(words[:k]).lower().strip(".")
        if place in _ALIAS_OF:
            rest = " ".join(_words(" ".join(words[k:])))
            return bool(rest) and f" {rest} " in f" {names.text} "
    return False


def _all_everyday(span: str) -> bool:
    return all(_everyday_word(w.strip(".").removesuffix("'s").removesuffix("’s")) for w in span.split())


def _title_case_line(text: str) -> bool:
    words = re.findall(r"[A-Za-zÀ-ÿ][\w'’\-]*", text)
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


@lru_cache(maxsize=65536)
def _everyday_word(word: str) -> bool:
    """A word common enough in lower case that alone it names nothing to check (American, God, Research)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= EVERYDAY_ZIPF


def _common_word(word: str) -> bool:
    """An everyday English word (wordfreq's Zipf scale: 'however' 5.6, 'actor' 4.4), not a rare surname."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= COMMON_ZIPF


def _sentence_start_word(text: str, start: int) -> bool:
    """Whether a word starts a sentence, also one the segmenter left merged ("... in 2016. Research shows")."""
    before = text[:start].rstrip(" \"'“‘([")
    return not before or before[-1] in ".!?:;•|–—-]" or before.endswith("\n")


def align(analysis: Analysis) -> tuple[SentenceAlignment, np.ndarray]:
    """The alignment of each copy sentence, and the copy x source similarity matrix."""
    against = analysis.against
    copy_vectors = np.asarray(analysis.vectors, dtype=np.float32)
    source_vectors = np.asarray(against.vectors, dtype=np.float32)
    similarity = _normalised(copy_vectors) @ _normalised(source_vectors).T
    top = np.argsort(-similarity, axis=1)[:, :3]
    best = similarity.max(axis=1) if similarity.size else np.zeros(len(copy_vectors))
    source_content = set()
    for s in against.document.sentences:
        source_content |= _content(_words(s.clean))
    words = []
    coverage = np.zeros(len(copy_vectors))
    for i, s in enumerate(analysis.sentences):
        content = _content(_words(s.clean))
        words.append(len(_words(s.clean)))
        coverage[i] = len(content & source_content) / len(content) if content else 1.0
    return SentenceAlignment(best, coverage, top, np.asarray(words)), similarity


def _normalised(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def read_against(analysis: Analysis, thresholds: SourceThresholds) -> SourceReading:
    """Align the copy to the source and list every unsupported or contradicted figure, name, negation and claim."""
    against = analysis.against
    (alignment, similarity) = align(analysis)
    source_doc = against.document
    source_text = " ".join(s.clean for s in source_doc.sentences)
    source_figures = []
    for f in document_figures(source_doc):
        if _figure_wanted(f):
            source_figures.append(quantity(f, source_doc.text, 0))
    source_by_sentence: dict[int, list[Quantity]] = {}
    for q in source_figures:
        source_by_sentence.setdefault(q.figure.sentence, []).append(q)
    source_digits = _digits_in(source_text)
    names = _NameIndex(source_text)
    copy_names = _NameIndex(" ".join(s.clean for s in analysis.sentences))
    copy_lower_words = {w.lower() for s in analysis.sentences for w in re.findall(r"\b[a-z][a-z'\-]*\b", s.clean)}
    source_lower_words = {w for w in re.findall(r"\b[a-z][a-z'\-]*\b", source_text)}
    mid_sentence_names = {
        head for s in analysis.sentences for start, _, _, head in names_in(s.clean) if not _sentence_start_word(s.clean, start)
    }

    reading = SourceReading(alignment)
    reading.copy_words = int(alignment.words.sum())
    reading.source_words = len(_words(source_text))
    if similarity.size:
        reading.source_recall = float((similarity.max(axis=0) >= thresholds.aligned).mean())
        reading.verbatim_share = float((alignment.best >= VERBATIM).mean())
    copy_figures: dict[int, list[Quantity]] = {}
    for f in analysis_figures(analysis):
        if _figure_wanted(f):
            copy_figures.setdefault(f.sentence, []).append(quantity(f, analysis.document.text, 0))

    for i, sentence in enumerate(analysis.sentences):
        best = float(alignment.best[i])
        aligned = [int(j) for j in alignment.top[i] if similarity[i, j] >= thresholds.aligned]
        # Figures.
        for q in copy_figures.get(i, []):
            f = q.figure
            if _value_matches(q, source_figures, source_digits):
                continue
            # A bare dateline ("9 August, 2016.") aligns with any other dateline: too short to tell one fact.
            clash = None if alignment.words[i] < MIN_CLASH_WORDS else next(
                ((j, s) for j in aligned for s in source_by_sentence.get(j, []) if _same_quantity(q, s) and not _overlap(q, s)),
                None,
            )
            label = q.label + (f" ({f.noun})" if f.noun and f.noun not in f.text else "")
            what = f"the figure {label}"
            if clash is not None:
                j, s = clash
                reading.findings.append(Finding(
                    i, "source.contradicted", "figure", f.text,
                    f'{what[0].upper() + what[1:]} differs from the source, which says "{s.label}"',
                    float(similarity[i, j]), _span(against, j), s.label, start=f.start, end=f.end, label=label))
            else:
                reading.findings.append(Finding(
                    i, "source.unsupported", "figure", f.text, f"{what[0].upper() + what[1:]} is not in the source",
                    best, start=f.start, end=f.end, label=label))
        # Names.
        text = sentence.clean
        seen: set[str] = set()
        for start, end, span, head in names_in(text):
            folded = head.lower().removesuffix("s")
            if folded in seen:
                continue  # "EpiPen" and "EpiPens" in one sentence are one name
            seen.add(folded)
            if names.holds_name(span, head):
                continue
            if _sentence_start_word(text, start) and " " not in span and head not in mid_sentence_names and (
                head.lower() in copy_lower_words or head.lower() in source_lower_words or _common_word(head)
            ):
                continue  # a word capitalised only because it starts the sentence ("Furthermore", "Actor")
            other = None
            for j in aligned:
                source_sentence = source_doc.sentences[j].clean
                for their_start, _, their_span, their_head in names_in(source_sentence):
                    if not copy_names.holds(their_head) and not (
                        _sentence_start_word(source_sentence, their_start) and _common_word(their_head)
                    ):
                        other = (j, their_span)
                        break
                if other:
                    break
            offset = sentence.start if sentence.clean == sentence.text else None
            copy_start = offset + start if offset is not None else None
            copy_end = offset + end if offset is not None else None
            if other is not None and thresholds.aligned <= similarity[i, other[0]] < VERBATIM:
                j, their_span = other
                reading.findings.append(Finding(
                    i, "source.contradicted", "name", span,
                    f'Names {span} where the source names {their_span}', float(similarity[i, j]), _span(against, j),
                    their_span, start=copy_start, end=copy_end, label=span))
            else:
                reading.findings.append(Finding(
                    i, "source.unsupported", "name", span, f"The name {span} is not in the source", best,
                    start=copy_start, end=copy_end, label=span))
        # Negation flips in a closely aligned pair that shares its content.
        if aligned:
            j = aligned[0]
            source_sentence = source_doc.sentences[j].clean
            copy_content = _content(_words(text))
            their_content = _content(_words(source_sentence))
            overlap = len(copy_content & their_content) / max(1, len(copy_content | their_content))
            if overlap >= 0.5 and _negation_parity(text) != _negation_parity(source_sentence):
                reading.findings.append(Finding(
                    i, "source.contradicted", "negation", text,
                    "Says the opposite of the source (a negation added or dropped)", float(similarity[i, j]),
                    _span(against, j), source_sentence))
        # Claims no source sentence is close to.
        if (
            sentence.kind in ("sentence", "list_item")
            and alignment.words[i] >= thresholds.min_claim_words
            and best < thresholds.claim_similarity
            and alignment.coverage[i] < thresholds.claim_coverage
        ):
            j = int(alignment.top[i][0]) if alignment.top.shape[1] else None
            reading.findings.append(Finding(
                i, "source.unsupported", "claim", text,
                f"No sentence of the source says this (closest similarity {best:.2f}, {float(alignment.coverage[i]):.0%} of its words in the source)",
                best, _span(against, j) if j is not None else None))
    return reading


def score_contradictions(reading: SourceReading, analysis: Analysis, profile: str, store, min_nli: float,
                         scorer=None) -> None:
    """Read each contradiction candidate with the cross-encoder: P(contradiction | source, copy) into ``nli``.

    A negation flip below ``min_nli`` is dropped, a changed figure or name below it stays as
    unsupported (on the LLMFake test flags, all 8 figure clashes the model read scored below
    0.1, and the ones read by hand were two entries of a timeline, not one fact). Without the model every candidate stays, unread. ``scorer`` replaces ``score_pairs`` (training caches its answers).

    Only the rules' candidates are read. Reading every aligned pair was measured and left
    out: on LLMFake dev the faithful rewrites hold *more* pairs the model calls contradictory
    than the manipulated copies (AUROC 0.21 for the highest P(contradiction) per copy).
    """
    against = analysis.against
    candidates = [f for f in reading.findings if f.code == "source.contradicted" and f.source is not None]
    pairs = [(against.document.sentences[f.source.index].clean, analysis.sentences[f.sentence].clean) for f in candidates]
    if not pairs:
        return
    try:
        if scorer is None:
            from ..contradiction import score_pairs

            probabilities = score_pairs(pairs, profile=profile, store=store)
        else:
            probabilities = scorer(pairs)
    except Exception as exc:  # noqa: BLE001 - the rules' reading stands without the model
        log.warning("cross-encoder unavailable for source contradictions: %s", exc)
        return
    for finding, p in zip(candidates, probabilities):
        finding.nli = float(p[0])
    kept = []
    for finding in reading.findings:
        if finding.code == "source.contradicted" and finding.nli is not None and finding.nli < min_nli:
            if finding.what == "negation":
                continue
            # Not read as a clash: another figure or name in a sentence about something else (two
            # entries of a timeline). That it is not in the source still stands.
            finding.code = "source.unsupported"
            finding.message = f"The {finding.what} {finding.label or finding.text} is not in the source"
            finding.source = finding.source_text = None
        kept.append(finding)
    reading.findings = kept
