"""Figures that do not fit the others of the same article: parts that do not add up to their total,
shares over 100%, approximations that exclude each other, a figure an order of magnitude out of line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..segment import Document
from .figure import Figure, _rounding_step, compatible


@dataclass(frozen=True, slots=True)
class Issue:
    """A figure that does not fit the others: where, which sentences it conflicts with, and why."""

    sentence: int
    related: tuple[int, ...]
    score: float
    message: str
    kind: str
    evidence: dict[str, Any]


# Rule confidences, not trained probabilities: arithmetic facts score higher than
# judgements of scale. They order flags; they are not tuned to any data.
_SCORE_SUM = 0.9


_SCORE_SHARE = 0.9


_SCORE_APPROX = 0.8


_SCORE_MAGNITUDE = 0.7


_OUT_OF_LINE = 10.0  # an order of magnitude from the others


_SAME_SCALE = 3.0  # figures within this factor plausibly count the same thing


_GENERIC_NOUNS = frozenset("people persons individuals men women total in all".split())


_TOTAL_BEFORE = re.compile(r"\b(?:a\s+total\s+of|in\s+total|in\s+all|altogether|total(?:ling|ing)?|overall|combined)\s+(?:of\s+)?$", re.IGNORECASE)


_TOTAL_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:in\s+total|in\s+all|altogether|combined)\b", re.IGNORECASE)


_INCLUDING_AFTER = re.compile(r"^[^.;]{0,60}?(?:,\s*|\s+)(?P<how>including|among\s+them|of\s+whom|of\s+which|:|—|–)\s", re.IGNORECASE)


_GROWTH = re.compile(r"\b(?:rose|rise|rises|risen|increase[sd]?|up|grew|grow|growth|jump(?:ed|s)?|surge[sd]?|higher|more|gain(?:ed|s)?|"
                     r"soar(?:ed|s)?|climb(?:ed|s)?|fell|fall|drop(?:ped|s)?|decline[sd]?|down|lower|cut|increase|boost(?:ed)?|than|times)\b",
                     re.IGNORECASE)


_CONTRAST = re.compile(r"\b(?:while|whereas|compared|versus|vs\.?|against|than|but)\b", re.IGNORECASE)


def consistency_issues(figures: list[Figure], document: "Document | None" = None) -> list[Issue]:
    """Figures that do not fit the rest of the article (see the module docstring of the figures check)."""
    stats = [f for f in figures if f.is_statistic and f.value is not None and math.isfinite(f.value)]
    issues: list[Issue] = []
    issues += _out_of_line(stats, document)
    issues += _incompatible_approximations(stats, document)
    issues += _sums(stats, document)
    issues += _shares(stats, document)
    # One issue per sentence and kind is enough for an editor.
    seen: set[tuple[int, str]] = set()
    unique = []
    for issue in issues:
        key = (issue.sentence, issue.kind)
        if key not in seen:
            seen.add(key)
            unique.append(issue)
    return unique


def _where(document: "Document | None", sentence: int) -> str:
    if document is None or sentence >= len(document.sentences):
        return f"sentence {sentence + 1}"
    return f"line {document.line_col(document.sentences[sentence].start)[0]}"


def _describe(f: Figure) -> str:
    what = f.label or f.noun
    return f'"{f.text}"' + (f" {what}" if what and what.lower() not in f.text.lower() else "")


def _countable(f: Figure) -> bool:
    return f.kind in ("count", "number") and f.noun_key is not None and f.value is not None and f.value > 0


def _out_of_line(stats: list[Figure], document) -> list[Issue]:
    groups: dict[str, list[Figure]] = {}
    for f in stats:
        if _countable(f):
            groups.setdefault(f.noun_key, []).append(f)
    issues = []
    for noun, group in groups.items():
        if len({f.sentence for f in group}) < 3:
            continue
        for f in group:
            others = [g for g in group if g.sentence != f.sentence]
            values = sorted(g.value for g in others)
            if len(values) < 2 or values[-1] / values[0] > _SAME_SCALE:
                continue
            middle = values[len(values) // 2]
            ratio = max(f.value / middle, middle / f.value)
            if ratio >= _OUT_OF_LINE:
                related = tuple(sorted({g.sentence for g in others}))
                shown = ", ".join(_describe(g) for g in others[:3])
                issues.append(Issue(
                    f.sentence, related, _SCORE_MAGNITUDE,
                    f"{_describe(f)} is {ratio:,.0f} times off the other figures for {noun}s in the article ({shown}).",
                    "magnitude", {"figure": f.to_dict(), "others": [g.to_dict() for g in others[:5]], "ratio": round(ratio, 2)},
                ))
    return issues


def _incompatible_approximations(stats: list[Figure], document) -> list[Issue]:
    issues = []
    for i, later in enumerate(stats):
        for earlier in stats[:i]:
            if earlier.sentence == later.sentence or earlier.noun_key is None or earlier.noun_key != later.noun_key:
                continue
            if earlier.kind != later.kind or earlier.unit != later.unit:
                continue
            if earlier.approx is None and later.approx is None:
                continue  # two exact figures that differ are the contradiction check's business
            if "vague" in (earlier.approx, later.approx):
                continue
            scale = max(earlier.value, later.value) / max(min(earlier.value, later.value), 1e-9)
            if scale > _SAME_SCALE or compatible(earlier, later):
                continue
            issues.append(Issue(
                later.sentence, (earlier.sentence,), _SCORE_APPROX,
                f"{_describe(later)} cannot be the same figure as {_describe(earlier)} at {_where(document, earlier.sentence)}.",
                "approximation", {"figure": later.to_dict(), "other": earlier.to_dict()},
            ))
            break
    return issues


def _coordinated_parts(sentence_stats: list[Figure], text_of) -> list[list[Figure]]:
    """Runs of counts joined by "and" or commas in one sentence: "six leaders and four suspects"."""
    counts = [f for f in sentence_stats if f.kind == "count" and f.approx is None]
    runs: list[list[Figure]] = []
    current: list[Figure] = []
    for f in counts:
        if current:
            gap = text_of(current[-1].end, f.start)
            words = gap.split()
            joined = (
                len(words) <= 4
                and re.search(r"(?:^|\s|,)(?:and|,)(?:\s|$)|,", gap)
                and not re.search(r"[.;:—–]|\b(?:including|among|of\s+whom|of\s+which|out\s+of|of)\b", gap)
            )
            if joined:
                current.append(f)
                continue
            if len(current) >= 2:
                runs.append(current)
        current = [f]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _sums(stats: list[Figure], document) -> list[Issue]:
    if document is None:
        return []
    text = document.text

    def text_of(a: int, b: int) -> str:
        return text[a:b] if 0 <= a <= b and b - a <= 400 else " . "

    by_sentence: dict[int, list[Figure]] = {}
    for f in stats:
        by_sentence.setdefault(f.sentence, []).append(f)
    issues = []
    for sentence, group in by_sentence.items():
        for parts in _coordinated_parts(group, text_of):
            total_of_parts = sum(p.value for p in parts)
            nouns = {p.noun_key for p in parts if p.noun_key}
            candidates: list[tuple[Figure, bool]] = []  # (total, whether the parts may be a subset)
            for f in group:
                if f in parts or f.kind != "count" or f.start > parts[0].start:
                    continue
                after = text_of(f.end, parts[0].start)
                including = _INCLUDING_AFTER.match(after + " ")
                if including:
                    candidates.append((f, including.group("how").lower() in ("including", "among them")))
            for other in range(max(0, sentence - 3), sentence + 4):
                if other == sentence:
                    continue
                for f in by_sentence.get(other, []):
                    if f.kind != "count" or f.value <= max(p.value for p in parts):
                        continue
                    flagged_total = _TOTAL_BEFORE.search(text_of(max(0, f.start - 30), f.start)) or _TOTAL_AFTER.match(text_of(f.end, f.end + 60))
                    same_thing = f.noun_key in nouns or (f.noun_key in _GENERIC_NOUNS) or f.noun_key is None
                    close = 0.5 <= total_of_parts / f.value <= 2.0
                    if same_thing and (flagged_total or close) and not _in_coordination(f, by_sentence.get(other, []), text_of):
                        candidates.append((f, False))
            for total, subset_ok in candidates[:1]:
                if total.approx is not None:
                    fits = (total.low is None or total_of_parts >= total.low * 0.999) and (total.high is None or total_of_parts <= total.high * 1.001)
                else:
                    fits = abs(total_of_parts - total.value) <= max(_rounding_step(total.text) / 2, 1e-9)
                if subset_ok:
                    fits = total_of_parts <= (total.high if total.high is not None else total.value * 1.001)
                if fits:
                    continue
                shown = " + ".join(f'"{p.text}"' for p in parts)
                where = "" if total.sentence == sentence else f" at {_where(document, total.sentence)}"
                relation = "more than" if subset_ok else "not"
                issues.append(Issue(
                    sentence, tuple(sorted({total.sentence} - {sentence})), _SCORE_SUM,
                    f"The parts {shown} add up to {total_of_parts:,.0f}, {relation} the total {_describe(total)}{where}.",
                    "sum", {"parts": [p.to_dict() for p in parts], "total": total.to_dict(), "sum": total_of_parts},
                ))
    return issues


def _in_coordination(f: Figure, group: list[Figure], text_of) -> bool:
    return any(f in run for run in _coordinated_parts(group, text_of))


def _shares(stats: list[Figure], document) -> list[Issue]:
    text = document.text if document is not None else None
    issues = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in stats:
        if f.kind == "percent" and f.unit == "%" and f.approx not in ("vague",):
            by_sentence.setdefault(f.sentence, []).append(f)
    for sentence, shares in by_sentence.items():
        sentence_text = document.sentences[sentence].text if document is not None else ""
        for f in shares:
            before = text[max(0, f.start - 40) : f.start] if text is not None else ""
            after = text[f.end : f.end + 12] if text is not None else ""
            if f.value > 100 and re.match(r"^\s+of\b", after) and not _GROWTH.search(before):
                issues.append(Issue(
                    sentence, (), _SCORE_SHARE, f"{_describe(f)} is a share of more than 100%.", "share",
                    {"figure": f.to_dict()},
                ))
        if len(shares) >= 2 and not _GROWTH.search(sentence_text) and not _CONTRAST.search(sentence_text):
            nouns = {f.noun_key for f in shares}
            total = sum(f.value for f in shares)
            if len(nouns) == 1 and total > 100.5:
                shown = " + ".join(f'"{f.text}"' for f in shares)
                issues.append(Issue(
                    sentence, (), _SCORE_SHARE, f"The shares {shown} add up to {total:g}%, more than the whole.", "share_sum",
                    {"figures": [f.to_dict() for f in shares], "sum": total},
                ))
    return issues
