"""Pair features from two sentences' cues, vectorised over all candidate pairs of a document.

``CueTable`` holds every sentence's ``SentenceCues`` as sparse matrices and bit sets;
``CueTable.pair_features`` reads ``CUE_FEATURES`` for many pairs at once, and
``describe_clash`` words the cue that clashes for a flag's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
from .cues import (
    _POLE_A,
    _POLE_B,
    _STATE_MASK,
    ANCHOR_KINDS,
    GROUPS,
    MONTHS,
    NEGATIONS,
    NONE_WORDS,
    NUMBER_WORDS,
    RELATIVE_DAYS,
    SPLIT_VOTE,
    UNIVERSAL,
    WEEKDAYS,
    SentenceCues,
    stem,
)

_CLASH_CUES = ("negation_one_side", "antonym_clash", "weekday_clash", "month_clash", "year_clash", "number_clash",
               "counted_noun_value_clash", "name_swap", "quantifier_clash", "modality_difference")


NEAR_COPY_SLOTS = ("name", "number", "negation", "date", "antonym")


NEAR_COPY_MAX_DIFFERENCE = 6


_NEGATION_HELPERS = frozenset("not did do does n't".split())


ANCHORED_FEATURES = ("anchored_antonym", "anchored_state_antonym", "anchored_state_antonym_same_event", "unanimous_vs_split_vote", "anchored_negation",
                     "anchored_quantifier", "anchored_date", *(f"near_copy_{slot}" for slot in NEAR_COPY_SLOTS))


CUE_FEATURES = (
    "cosine",
    "content_jaccard",
    "content_only_min",
    "length_ratio",
    "negation_one_side",
    "negation_difference",
    "antonym_clash",
    "weekday_clash",
    "month_clash",
    "year_clash",
    "number_clash",
    "counted_noun_value_clash",
    "name_swap",
    "name_jaccard",
    "quantifier_clash",
    "modality_difference",
    # A clash matters only between statements about the same thing: each cue again,
    # weighted by how much of the two sentences is shared.
    *(f"{name}_x_overlap" for name in _CLASH_CUES),
    # The clash sits next to a word both sentences share.
    "anchored_antonym",
    "anchored_state_antonym",
    "anchored_state_antonym_same_event",
    "unanimous_vs_split_vote",
    "anchored_negation",
    "anchored_quantifier",
    "anchored_date",
    "shared_content_words",
    # Near-copies that differ in one slot only: the edit an insertion makes.
    *(f"near_copy_{slot}" for slot in NEAR_COPY_SLOTS),
)


class CueTable:
    """Per-sentence cues of one document as arrays, so pair features are array operations."""

    def __init__(self, cues: list[SentenceCues]):
        from scipy import sparse

        self.cues = cues
        n = len(cues)
        self.negations = np.array([c.negations for c in cues], dtype=np.int64)
        self.pole_a = np.array([c.pole_a for c in cues], dtype=np.uint64)
        self.pole_b = np.array([c.pole_b for c in cues], dtype=np.uint64)
        self.weekdays = np.array([c.weekdays for c in cues], dtype=np.uint64)
        self.months = np.array([c.months for c in cues], dtype=np.uint64)
        self.universal = np.array([c.universal for c in cues], dtype=bool)
        self.none_word = np.array([c.none_word for c in cues], dtype=bool)
        self.tally = np.array([c.tally is not None and min(c.tally) > 0 for c in cues], dtype=bool)
        self.unanimous = np.array([bool(SPLIT_VOTE & set(c.words)) for c in cues], dtype=bool)
        self.hedged = np.array([c.hedged for c in cues], dtype=bool)
        self.certain = np.array([c.certain for c in cues], dtype=bool)
        self.length = np.array([max(len(c.words), 1) for c in cues], dtype=np.float64)

        def incidence_in(vocabulary: dict, sets: list[frozenset], grow: bool = False) -> "sparse.csr_matrix":
            rows, cols = [], []
            for i, items in enumerate(sets):
                for item in items:
                    if grow:
                        column = vocabulary.setdefault(item, len(vocabulary))
                    elif item in vocabulary:
                        column = vocabulary[item]
                    else:
                        continue
                    rows.append(i)
                    cols.append(column)
            data = np.ones(len(rows), dtype=np.float32)
            return sparse.csr_matrix((data, (rows, cols)), shape=(n, max(len(vocabulary), 1)))

        def incidence(sets: list[frozenset]) -> "sparse.csr_matrix":
            return incidence_in({}, sets, grow=True)

        self.content_vocabulary: dict = {}
        self.content = incidence_in(self.content_vocabulary, [c.content for c in cues], grow=True)
        self.names = incidence([c.names for c in cues])
        self.years = incidence([c.years for c in cues])
        self.values = incidence([c.values for c in cues])
        self.counted = incidence([c.counted_nouns for c in cues])
        self.noun_values = incidence([frozenset((x.noun, x.unit, round(x.value, 6)) for x in c.numbers if x.noun or x.unit) for c in cues])
        self.counted_or_unit = incidence([frozenset((x.noun, x.unit) for x in c.numbers if x.noun or x.unit) for c in cues])
        for kind in ANCHOR_KINDS:
            setattr(self, f"anchor_{kind}", incidence_in(self.content_vocabulary, [c.anchors.get(kind, frozenset()) for c in cues]))
        for name in ("content", "names", "years", "values", "counted", "noun_values", "counted_or_unit"):
            matrix = getattr(self, name)
            setattr(self, f"{name}_count", np.asarray(matrix.sum(axis=1)).ravel())

    def shared(self, name: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        matrix = getattr(self, name)
        return _pair_products(matrix, matrix, i, j)

    def features(self, i: np.ndarray, j: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """The CUE_FEATURES of pairs (i[k], j[k]); symmetric in i and j."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        if len(i) == 0:
            return np.zeros((0, len(CUE_FEATURES)))

        def both(mask: np.ndarray) -> np.ndarray:
            return (mask[i] != 0) & (mask[j] != 0)

        content_shared = self.shared("content", i, j)
        ci, cj = self.content_count[i], self.content_count[j]
        union = np.maximum(ci + cj - content_shared, 1)
        only_min = np.minimum(ci - content_shared, cj - content_shared) / np.maximum(np.minimum(ci, cj), 1)
        length_ratio = np.minimum(self.length[i], self.length[j]) / np.maximum(self.length[i], self.length[j])
        ni, nj = self.negations[i], self.negations[j]
        pa_i, pb_i, pa_j, pb_j = self.pole_a[i], self.pole_b[i], self.pole_a[j], self.pole_b[j]
        clash_bits = (pa_i & pb_j & ~pb_i & ~pa_j) | (pb_i & pa_j & ~pa_i & ~pb_j)
        antonym = np.bitwise_count(clash_bits).astype(np.float64)
        weekday = both(self.weekdays) & ((self.weekdays[i] & self.weekdays[j]) == 0)
        month = both(self.months) & ((self.months[i] & self.months[j]) == 0)
        years_shared = self.shared("years", i, j)
        year = (self.years_count[i] > 0) & (self.years_count[j] > 0) & (years_shared == 0)
        values_shared = self.shared("values", i, j)
        vi, vj = self.values_count[i], self.values_count[j]
        number = (vi > 0) & (vj > 0) & (values_shared < np.minimum(vi, vj))
        counted_shared = self.shared("counted_or_unit", i, j)
        noun_value_shared = self.shared("noun_values", i, j)
        noun_value = (counted_shared > 0) & (noun_value_shared < counted_shared)
        names_shared = self.shared("names", i, j)
        mi, mj = self.names_count[i], self.names_count[j]
        name_swap = (names_shared > 0) & (mi > names_shared) & (mj > names_shared)
        name_swap |= (mi > 0) & (mj > 0) & (names_shared == 0) & (content_shared >= 3)
        name_jaccard = names_shared / np.maximum(mi + mj - names_shared, 1)
        quantifier = (self.universal[i] & (self.none_word[j] | self.tally[j])) | (
            self.universal[j] & (self.none_word[i] | self.tally[i])
        )
        quantifier &= ~(self.universal[i] & self.universal[j])
        modality = (self.hedged[i] & self.certain[j] & ~self.hedged[j]) | (self.hedged[j] & self.certain[i] & ~self.hedged[i])
        base = np.column_stack(
            [
                cosine,
                content_shared / union,
                only_min,
                length_ratio,
                ((ni > 0) != (nj > 0)).astype(np.float64),
                np.minimum(np.abs(ni - nj), 3).astype(np.float64),
                np.minimum(antonym, 3),
                weekday.astype(np.float64),
                month.astype(np.float64),
                year.astype(np.float64),
                number.astype(np.float64),
                noun_value.astype(np.float64),
                name_swap.astype(np.float64),
                name_jaccard,
                quantifier.astype(np.float64),
                modality.astype(np.float64),
            ]
        )
        overlap = base[:, 1] * np.clip(base[:, 0], 0, 1)
        clash_columns = [CUE_FEATURES.index(name) for name in _CLASH_CUES]

        def anchored(kind: str) -> np.ndarray:
            return self.shared(f"anchor_{kind}", i, j) > 0

        one_negated = (ni > 0) != (nj > 0)
        negation_anchor = np.where(ni > 0, self._cross("anchor_negation", "content", i, j),
                                   self._cross("anchor_negation", "content", j, i)) > 0
        state = np.bitwise_count(clash_bits & np.uint64(_STATE_MASK)) > 0
        split_vote = (self.unanimous[i] & self.tally[j] & ~self.unanimous[j]) | (self.unanimous[j] & self.tally[i] & ~self.unanimous[i])
        anchored_columns = np.column_stack([
            (antonym > 0) & anchored("antonym"),
            state & anchored("antonym"),
            # ... and nothing says the two are about different events (each naming someone
            # or something the other does not, or different years or months).
            state & anchored("antonym") & ~((mi > names_shared) & (mj > names_shared)) & ~year & ~month,
            split_vote & (anchored("quantifier") | (content_shared >= 2)),
            one_negated & negation_anchor,
            quantifier & anchored("quantifier"),
            (weekday | month) & anchored("date"),
        ]).astype(np.float64)
        return np.hstack([base, np.minimum(base[:, clash_columns], 1) * overlap[:, None], anchored_columns,
                          np.minimum(content_shared, 6)[:, None] / 6, self._near_copy(i, j, base[:, 1])])

    def _near_copy(self, i: np.ndarray, j: np.ndarray, jaccard: np.ndarray) -> np.ndarray:
        """Which single slot tells two near-copies apart; only pairs sharing most words are read."""
        out = np.zeros((len(i), len(NEAR_COPY_SLOTS)))
        for k in np.nonzero(jaccard >= 0.5)[0]:
            a, b = self.cues[i[k]], self.cues[j[k]]
            difference = set(a.words) ^ set(b.words)
            if not difference and a.words != b.words and a.names:
                out[k, NEAR_COPY_SLOTS.index("name")] = 1.0  # the same words, names in swapped roles
                continue
            if not difference or len(difference) > NEAR_COPY_MAX_DIFFERENCE:
                continue
            names = a.names | b.names
            labels = a.labelled_numbers | b.labelled_numbers
            slots = set()
            only_a, only_b = {stem(w) for w in set(a.words) - set(b.words)}, {stem(w) for w in set(b.words) - set(a.words)}
            for word in difference:
                if stem(word) in only_a and stem(word) in only_b:
                    continue  # the same word inflected ("reopened" / "did not reopen")
                if word in names:
                    slots.add("name")
                elif word in labels:
                    slots.add("other")  # "route 12" / "route 14": two things named, not one thing counted twice
                elif word[:1].isdigit() or word in NUMBER_WORDS:
                    slots.add("number")
                elif word in NEGATIONS or word in _NEGATION_HELPERS:
                    slots.add("negation")
                elif word in WEEKDAYS or word in MONTHS or word in RELATIVE_DAYS:
                    slots.add("date")
                elif word in _POLE_A or word in _POLE_B:
                    slots.add("antonym")
                else:
                    slots.add("other")
            if len(slots) == 1 and "other" not in slots:
                out[k, NEAR_COPY_SLOTS.index(slots.pop())] = 1.0
            elif slots == {"negation", "other"} and len(difference) <= 3:
                out[k, NEAR_COPY_SLOTS.index("negation")] = 1.0  # "reopened" -> "did not reopen"
        return out

    def _cross(self, left: str, right: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return _pair_products(getattr(self, left), getattr(self, right), i, j)


# Up to this many sentences one sparse product for all pairs at once beats indexing the
# rows of each pair (scipy's per-call overhead dominates news-length articles); above it,
# the all-pairs matrix would grow with the square of a very long document.
_ALL_PAIRS_LIMIT = 1500


def _pair_products(a: "csr_matrix", b: "csr_matrix", i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Row i[k] of ``a`` dot row j[k] of ``b``, for every k: how many items the two sentences share."""
    if len(i) == 0:
        return np.zeros(0)
    if a.shape[0] <= _ALL_PAIRS_LIMIT:
        return (a @ b.T).toarray()[i, j].astype(np.float64)
    return np.asarray(a[i].multiply(b[j]).sum(axis=1)).ravel()


def describe_clash(a: SentenceCues, b: SentenceCues) -> str:
    """What disagrees between two sentences, in words an editor can check."""
    parts = []
    for k in range(len(GROUPS)):
        bit = 1 << k
        if (a.pole_a & bit and b.pole_b & bit and not a.pole_b & bit and not b.pole_a & bit) or (
            a.pole_b & bit and b.pole_a & bit and not a.pole_a & bit and not b.pole_b & bit
        ):
            wa = a.antonym_words.get(f"a{k}") or a.antonym_words.get(f"b{k}")
            wb = b.antonym_words.get(f"a{k}") or b.antonym_words.get(f"b{k}")
            parts.append(f'"{wa}" vs "{wb}"')
    if (a.negations > 0) != (b.negations > 0):
        words = a.negation_words or b.negation_words
        parts.append(f'"{words[0]}" in one only')
    if a.universal and (b.none_word or b.tally) or b.universal and (a.none_word or a.tally):
        universal, other = (a, b) if a.universal else (b, a)
        word = next(w for w in universal.words if w in UNIVERSAL)
        clash = f"{other.tally[0]} to {other.tally[1]}" if other.tally and not other.none_word else next(
            (w for w in other.words if w in NONE_WORDS), "none")
        parts.append(f'"{word}" vs "{clash}"')
    days = [WEEKDAYS + RELATIVE_DAYS]
    if a.weekdays and b.weekdays and not a.weekdays & b.weekdays:
        da = [d for k, d in enumerate(days[0]) if a.weekdays & (1 << k)]
        db = [d for k, d in enumerate(days[0]) if b.weekdays & (1 << k)]
        parts.append(f"{'/'.join(d.title() for d in da)} vs {'/'.join(d.title() for d in db)}")
    if a.months and b.months and not a.months & b.months:
        ma = [m.title() for k, m in enumerate(MONTHS) if a.months & (1 << k)]
        mb = [m.title() for k, m in enumerate(MONTHS) if b.months & (1 << k)]
        parts.append(f"{'/'.join(ma)} vs {'/'.join(mb)}")
    if a.years and b.years and not a.years & b.years:
        parts.append(f"{'/'.join(map(str, sorted(a.years)))} vs {'/'.join(map(str, sorted(b.years)))}")
    if a.values and b.values and a.values != b.values:
        only_a = [n.text for n in a.numbers if round(n.value, 6) not in b.values]
        only_b = [n.text for n in b.numbers if round(n.value, 6) not in a.values]
        if only_a and only_b:
            parts.append(f"{only_a[0]} vs {only_b[0]}")
    if a.names and b.names:
        only_a, only_b = sorted(a.names - b.names), sorted(b.names - a.names)
        if only_a and only_b and (a.names & b.names or len(a.content & b.content) >= 3):
            parts.append(f"{only_a[0].title()} vs {only_b[0].title()}")
    if (a.hedged and b.certain and not b.hedged) or (b.hedged and a.certain and not a.hedged):
        parts.append("hedged in one, certain in the other")
    return "; ".join(parts[:2])


def anchored_rows(cue_features: np.ndarray) -> np.ndarray:
    """Pairs whose clash sits next to a word both sentences share (the cue model's domain)."""
    columns = [CUE_FEATURES.index(name) for name in ANCHORED_FEATURES]
    return np.nonzero(cue_features[:, columns].max(axis=1) > 0)[0] if len(cue_features) else np.zeros(0, dtype=np.int64)


# The cue model reads only which anchored or near-copy cue the pair carries, not how
# much the sentences overlap (the embedding model's job: near-copies would teach it
# that overlap itself is the contradiction) nor the unanchored cues, which are
# collinear with the anchored ones and mostly innocent in real articles.
CUE_MODEL_FEATURES = ANCHORED_FEATURES


_CUE_MODEL_COLUMNS = [CUE_FEATURES.index(name) for name in CUE_MODEL_FEATURES]


def cue_model_features(cue_features: np.ndarray) -> np.ndarray:
    return cue_features[:, _CUE_MODEL_COLUMNS]
