"""Attribution: who vouches for a statistic. Rules find the cues (a named speaker and a say-verb,
"according to", an institution's finding, a "Source:" line, vague hedges like "experts say") in the
sentence and around it; the support model of the figures check weighs them with the sentence embedding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..segment import Document, Sentence

SUPPORT_CLASSES = ("sourced", "vague", "none")


_SAY = (r"(?:said|says|say|told|tells|announced|announces|confirmed|confirms|stated|states|reported|reports|added|adds|"
        r"explained|wrote|writes|tweeted|posted|revealed|reveals|estimated|estimates|claimed|claims|insisted|argued|warned|"
        r"disclosed|acknowledged|admitted|testified|according)")


_SPEAKER = (r"(?:he|she|they|it|we|I|police|officials?|spokes(?:man|woman|person)|ministry|minister|department|agency|office|"
            r"council|government|authorities|company|firm|club|court|judge|prosecutors?|investigators|statement|report|study|"
            r"survey|poll|[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})")


# A speaker right next to a speech verb: "police said", "said Mr Smith", "the ministry told".
_NAMED_SAY = re.compile(r"\b(?!(?:Experts?|Sources?|Analysts?|Critics|Witnesses|Insiders?|Observers|Some|Many|Reports?|Studies|Others|People|Scientists|Researchers)\b)" + _SPEAKER + r",?\s+(?:also\s+|has\s+|have\s+|had\s+|later\s+)?" + _SAY + r"\b|\b" + _SAY + r"\s+(?:the\s+)?[A-Z][\w'’.-]+")


_PRONOUN_SAY = re.compile(r"\b(?:he|she|they|it|we|I)\s+(?:also\s+)?" + _SAY + r"\b", re.IGNORECASE)


_SAY_VERB = re.compile(r"\b" + _SAY + r"\b", re.IGNORECASE)


# "The study found", "figures from the ONS show", "the report says": a document as the source.
_FINDING = re.compile(
    r"\b(?:study|report|survey|poll|research|data|figures|statistics|analysis|investigation|inquiry|review|census|audit|"
    r"paper|research(?:ers)?|scientists|team)\b[^.;]{0,60}?\b(?:found|finds|shows?|showed|shown|suggests?|suggested|"
    r"revealed|reveals|indicates?|indicated|estimates?|estimated|concluded|recorded|counted|tracked|analy[sz]ed|looked\s+at|"
    r"questioned|surveyed|interviewed|included|says|said)\b",
    re.IGNORECASE,
)


# "55% said yes": respondents speaking, not a source for the figure.
_RESPONDENTS = re.compile(r"\d\s?(?:%|per\s?cent|percent)[^.;]{0,40}?\b(?:said|say|says|think|believe|agreed?)\b", re.IGNORECASE)


_ACCORDING = re.compile(r"\baccording\s+to\s+(?!(?:some|sources?|reports|recent\s+reports|estimates|statistics|experts|insiders|the\s+sources?)\b)|\bper\s+(?:the\s+)?[A-Z]|\b(?:data|figures|statistics)\s+(?:from|by|released\s+by)\b|\bsource:\s|\bcited\s+by\b", re.IGNORECASE)


_INSTITUTION = re.compile(
    r"\b(?:ministry|minister|police|government|department|agency|office|council|spokes(?:man|woman|person)|officials?|"
    r"authorit(?:y|ies)|commission|court|report|study|survey|poll|census|researchers?|university|institute|bureau|"
    r"statement|data|figures|statistics|organisers|organizers|company|firm|club|association|federation|union|board|"
    r"FBI|UN|WHO|NHS|CDC|EU|IMF|UNICEF|UNHCR|ONS|BBC|AP|Reuters|AFP)\b",
)


_VAGUE = re.compile(
    r"\b(?:experts?\s+(?:say|said|believe|estimate|warn|agree|recommend)|studies\s+(?:show|have\s+shown|suggest|found)|"
    r"research\s+(?:shows|suggests)|reports?\s+(?:say|said|suggest|suggested|indicate|indicated|claim)|reportedly|allegedly|"
    r"sources?\s+(?:say|said|claim|claimed|suggest|indicate|told|close\s+to|familiar)|according\s+to\s+(?:some|sources|reports|"
    r"recent\s+reports|estimates|statistics|experts|insiders|the\s+sources?)|insiders?|it\s+is\s+(?:estimated|believed|thought|"
    r"understood|said|expected|reported)|(?:is|are|was|were)\s+(?:estimated|believed|thought|expected|said|rumou?red)\s+to|"
    r"an\s+estimated|estimated\s+(?:at|to)|alternative\s+estimates|hailed\s+as|some\s+(?:say|believe|estimate|argue)|"
    r"many\s+(?:say|believe)|critics\s+say|analysts\s+(?:say|said|expected|believe)|witnesses|observers|speculation|"
    r"figures\s+show|statistics\s+(?:show|indicate)|official\s+statistics|(?:a|one)\s+source|(?:are|is)\s+expected)\b",
    re.IGNORECASE,
)


_QUOTE = re.compile(r"[\"“”]")


# A quotation with its speaker: '..." she said', 'He said: "...'.
_QUOTE_SPEAKER = re.compile(r"[\"”]\s*,?\s*" + _SPEAKER + r"\s+(?:also\s+)?" + _SAY + r"\b|\b" + _SAY + r"\s*:\s*[\"“]|[,.]\s*[\"”]\s*(?:" + _SAY + r")\s+[A-Z]")


_SOURCE_LINE = re.compile(r"^\s*(?:sources?|data|note|notes|figures|table\s+\d+|figure\s+\d+|chart)\s*[:.\-–]", re.IGNORECASE)


CUE_NAMES = (
    "say_verb", "named_say", "pronoun_say", "according", "institution", "vague", "quote", "source_line",
    "finding", "respondents", "quote_speaker", "prev_finding", "prev_quote_speaker", "next_quote_speaker",
    "prev_say", "prev_named", "prev_vague", "prev_quote", "next_say", "next_named", "next_vague", "next_quote",
    "block_named", "block_vague", "in_table", "statistics", "words",
)


def _cues(text: str) -> dict[str, float]:
    return {
        "say_verb": float(bool(_SAY_VERB.search(text))),
        "named_say": float(bool(_NAMED_SAY.search(text))),
        "pronoun_say": float(bool(_PRONOUN_SAY.search(text))),
        "according": float(bool(_ACCORDING.search(text))),
        "institution": float(bool(_INSTITUTION.search(text))),
        "vague": float(bool(_VAGUE.search(text))),
        "quote": float(bool(_QUOTE.search(text))),
        "source_line": float(bool(_SOURCE_LINE.search(text))),
        "finding": float(bool(_FINDING.search(text))),
        "respondents": float(bool(_RESPONDENTS.search(text))),
        "quote_speaker": float(bool(_QUOTE_SPEAKER.search(text))),
    }


@dataclass(frozen=True, slots=True)
class SupportContext:
    """What the support model reads about one sentence: its text and the text around it."""

    text: str
    previous: str | None
    following: str | None
    block: tuple[str, ...]
    in_table: bool
    statistics: int


def context_for(document: Document, sentence: Sentence, statistics: int) -> SupportContext:
    """The sentence's neighbours in its paragraph; for a table row, the lines around the table."""
    sentences = document.sentences
    if sentence.kind == "table_row":
        first = sentence.index
        while first > 0 and sentences[first - 1].cells is not None:
            first -= 1
        last = sentence.index
        while last + 1 < len(sentences) and sentences[last + 1].cells is not None:
            last += 1
        before = sentences[first - 1].clean if first > 0 else None
        after = sentences[last + 1].clean if last + 1 < len(sentences) else None
        return SupportContext(sentence.clean, before, after, (), True, statistics)
    previous = sentences[sentence.index - 1] if sentence.index > 0 else None
    following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
    block = tuple(s.clean for s in sentences if s.block == sentence.block and s.index != sentence.index)
    return SupportContext(
        sentence.clean,
        previous.clean if previous is not None and previous.block == sentence.block else None,
        following.clean if following is not None and following.block == sentence.block else None,
        block[:40],
        False,
        statistics,
    )


def cue_features(contexts: list[SupportContext]) -> np.ndarray:
    rows = []
    for c in contexts:
        own = _cues(c.text)
        prev = _cues(c.previous) if c.previous else {}
        nxt = _cues(c.following) if c.following else {}
        block = [_cues(t) for t in c.block]
        row = dict(own)
        row.update({
            "prev_say": prev.get("say_verb", 0.0), "prev_named": max(prev.get("named_say", 0.0), prev.get("according", 0.0)),
            "prev_vague": prev.get("vague", 0.0), "prev_quote": prev.get("quote", 0.0),
            "prev_finding": prev.get("finding", 0.0), "prev_quote_speaker": prev.get("quote_speaker", 0.0),
            "next_quote_speaker": nxt.get("quote_speaker", 0.0),
            "next_say": nxt.get("say_verb", 0.0), "next_named": max(nxt.get("named_say", 0.0), nxt.get("according", 0.0)),
            "next_vague": nxt.get("vague", 0.0), "next_quote": nxt.get("quote", 0.0),
            "block_named": float(any(b["named_say"] or b["according"] or b["finding"] for b in block)),
            "block_vague": float(any(b["vague"] for b in block)),
            "in_table": float(c.in_table), "statistics": float(min(c.statistics, 5)),
            "words": float(min(len(c.text.split()), 80)) / 10.0,
        })
        rows.append([row[name] for name in CUE_NAMES])
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(CUE_NAMES))


def support_features(vectors: np.ndarray, contexts: list[SupportContext]) -> np.ndarray:
    """The support model's input: the sentence vector, then the cue features."""
    return np.hstack([np.asarray(vectors, dtype=np.float64).reshape(len(contexts), -1), cue_features(contexts)])


def source_cue(context: SupportContext) -> str | None:
    """The phrase an editor would point at as the source, if any (for the report and messages)."""
    for text in (context.text, context.following, context.previous):
        if not text:
            continue
        for pattern in (_ACCORDING, _NAMED_SAY, _FINDING, _QUOTE_SPEAKER, _PRONOUN_SAY, _SOURCE_LINE):
            match = pattern.search(text)
            if match:
                return _window(text, match.start(), match.end())
    return None


def vague_cue(context: SupportContext) -> str | None:
    for text in (context.text, context.previous, context.following):
        if text:
            match = _VAGUE.search(text)
            if match:
                return match.group()
    return None


def _window(text: str, start: int, end: int, width: int = 40) -> str:
    a = max(0, start - 10)
    b = min(len(text), end + width)
    snippet = text[a:b].strip()
    return ("…" if a > 0 else "") + snippet + ("…" if b < len(text) else "")
