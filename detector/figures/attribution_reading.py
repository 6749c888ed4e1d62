"""Who vouches for each sentence, read as a reader reads attribution in news copy.

A reader does not look for the source only in the sentence that carries the
figure. News puts it at the end ("..., the election commission said."), in the
next sentence ("The rise was the steepest in a decade, the report said."),
carries it through a paragraph of reported speech or a study's findings ("It
also found ...", "Another 20% said ..."), and puts a table's source in its
caption or a "Source:" line. ``read_attributions(document)`` gives every
sentence one ``Attribution``: ``named`` (someone identifiable vouches), ``vague``
("experts say", "studies show") or ``none``, with how it was found and the
phrase an editor would point at.

Rules, not a parser: a dependency parser (spaCy's small English pipeline) was
measured against these rules on the held-out labels (``benchmarks/
attribution_readers.py``, README "Figures"); see there for the numbers and why
the rules are used. Every pattern is bounded, so cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..segment import Document, Sentence
    from .figure import Figure

NAMED, VAGUE, NONE = "named", "vague", "none"
HOW = ("sentence", "next_sentence", "paragraph", "quote", "continued", "document", "table")

_VAGUE_WHO = (
    r"(?:experts?|sources?|analysts?|critics|witnesses|insiders?|observers|some|many|others|people|scientists|researchers|"
    r"biologists|physicists|psychologists|historians|academics|ecologists|specialists|"
    r"studies|research|reports?|officials\s+familiar|those\s+familiar|commentators|economists|doctors|campaigners|"
    r"estimates|statistics|figures|data|polls|surveys)"
)
_SAY_PERSON = (
    r"(?:said|says|say|saying|told|tells|telling|announced|announces|announcing|confirmed|confirms|confirming|stated|states|"
    r"reported|reports|reporting|added|adds|adding|explained|wrote|writes|tweeted|posted|revealed|reveals|estimated|"
    r"estimates|estimating|claimed|claims|insisted|argued|warned|warns|warning|disclosed|acknowledged|admitted|testified|"
    r"noted|notes|noting|predicted|predicts|forecast|forecasts|calculated|calculates)"
)
# Verbs a document or an institution vouches with, but a person does not ("she found love").
_SAY = _SAY_PERSON[:-1] + r"|found|finds|showed|shows|recorded|counted)(?!\s+(?:itself|himself|herself|themselves|ourselves)\b)"
_SPEAKER_WORD = (
    r"(?:police|officials?|spokes(?:man|woman|person)|ministry|minister|secretary|department|agency|office|council|"
    r"government|authorities|authority|company|firm|club|court|judge|prosecutors?|investigators|statement|report|study|"
    r"survey|poll|commission|committee|board|bureau|service|institute|university|regulator|bank|watchdog|charity|"
    r"union|group|organi[sz]ation|association|federation|party|campaign|census|index|chief|director|president|mayor|"
    r"governor|head|chairman|chairwoman|chair|executive|manager|coach|boss|owner|founder|spokesperson|organisers|"
    r"organizers|administration|embassy|army|military|navy|force|ministry's|operator|airline|hospital|trust|NHS|coalition|alliance)"
)
_FUNCTION_WORD = (
    r"(?:He|She|I|We|It|They|You|The|A|An|This|That|These|Those|His|Her|Their|Its|Our|In|On|At|But|And|If|When|As|After|"
    r"Before|While|With|For|By|From|So|Yet|Then|There|Here|What|Who|Why|How|Meanwhile|However|Also|Still|Now)"
)
_NAME = r"(?:(?!" + _FUNCTION_WORD + r"\b)[A-Z][\w'’.&-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’.&-]*){0,4})"
_PRONOUN = r"(?:he|she|they|it|we|I)"
_NOT_VAGUE = r"(?!" + _VAGUE_WHO + r"\b)"

# "police said", "Mr Smith told", "the ministry, saying", "he added"
_SPEAKER_SAYS = re.compile(
    r"\b" + _NOT_VAGUE + r"(?:(?:" + _SPEAKER_WORD + r"|" + _NAME + r"|[Ii]t|[Tt]hey)"
    r"(?:\s+(?:in|at|for|of|from)\s+(?:the\s+)?" + _NAME + r")?"
    r",?\s+(?:also\s+|has\s+|have\s+|had\s+|later\s+|previously\s+|earlier\s+|then\s+|separately\s+|on\s+\w+\s+|"
    r"today\s+|yesterday\s+|tonight\s+|this\s+week\s+|last\s+week\s+|jointly\s+|formally\s+|officially\s+)?" + _SAY +
    r"|(?:he|she|I|we)\s+(?:also\s+|has\s+|have\s+|had\s+|later\s+)?" + _SAY_PERSON + r")\b"
)
# "said Mr Smith", "said the ministry", "according to the ministry"
_SAYS_SPEAKER = re.compile(
    r"\b(?:said|says|told|added|wrote|according\s+to)\s+(?:the\s+|a\s+|an\s+)?" + _NOT_VAGUE + r"(?:" + _NAME + r"|" + _SPEAKER_WORD + r")"
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?!(?:the\s+|a\s+|an\s+|its\s+|their\s+|his\s+|her\s+)?"
    r"(?:some|unnamed|anonymous|recent|various|several|local|media|news|multiple|" + _VAGUE_WHO[3:-1] + r")\b)",
    re.IGNORECASE,
)
# "As measured by Gallup", "figures from the ONS", "data compiled by Rentrak", "per the CDC", "in a recent
# Des Moines Register/Bloomberg poll": the source must be a name (capitalised), not "undercover agents".
_BY_SOURCE = re.compile(
    r"\b(?:[Aa]s\s+)?(?:measured|reported|estimated|calculated|recorded|counted|compiled|published|released|collected|tracked|"
    r"conducted|commissioned|carried\s+out|polled|surveyed|interviewed|questioned|approved|set|required|imposed)\s+(?:by|for)\s+"
    r"(?:the\s+)?" + _NOT_VAGUE + r"[A-Z]|"
    r"\b(?:[Dd]ata|[Ff]igures|[Ss]tatistics|[Nn]umbers|[Ee]stimates|[Rr]esearch|[Aa]nalysis|[Pp]olling)\s+(?:from|by|of)\s+(?:the\s+)?[A-Z]|"
    r"\bper\s+(?:the\s+)?[A-Z]{2,}|\bcited\s+by\b|\b[Ss]ource:\s|"
    r"\b(?:[Ii]n|[Ff]rom|[Bb]y)\s+(?:a|an|the|its|their)\s+(?:recent\s+|new\s+|latest\s+)?(?:[A-Z][\w/&.'’-]*\s+){1,5}"
    r"(?:poll|survey|study|report|census|analysis|index|audit)\b|"
    r"\b(?:[Gg]overnment|[Oo]fficial|[A-Z][\w.&-]+(?:'s|’s)?)\s+(?:target|goal|threshold|cap|forecast|estimate|budget|guidance)\b"
)
# "The study found", "Gallup's poll shows", "a survey by YouGov", "the ONS figures"
_DOCUMENT = r"(?:study|report|survey|poll|census|audit|review|analysis|investigation|inquiry|paper|research|figures|data|statistics|index|assessment|estimate|projections?|forecast|findings|results|documents?|filing|records)"
_NAMED_DOCUMENT = re.compile(
    r"\b(?:the|this|that|these|its|their|his|her|our|[A-Z][\w'’.&-]*(?:'s|’s)?)\s+(?:[\w'’-]+\s+){0,3}" + _DOCUMENT + r"\b"
    r"[^.;]{0,80}?\b(?:found|finds|shows?|showed|shown|suggests?|suggested|revealed|reveals|indicates?|indicated|"
    r"estimates?|estimated|concluded|recorded|counted|says|said|puts|put|lists|listed|ranks|ranked|included|includes|"
    r"tracked|covered|measured|projects?|projected|predicts?|predicted|questioned|surveyed|interviewed|polled|asked|"
    r"followed|studied|analy[sz]ed|examined|reviewed)\b|"
    r"\b(?:a|an|one|new|latest|recent)\s+(?:[\w'’-]+\s+){0,3}" + _DOCUMENT + r"\s+(?:by|from|for|of|in|published\s+(?:by|in)|"
    r"conducted\s+by|commissioned\s+by|released\s+by|carried\s+out\s+by)\s+(?:the\s+)?[A-Z]"
)
_QUOTE_SPEAKER = re.compile(
    r"[\"”]\s*,?\s*" + _NOT_VAGUE + r"(?:" + _SPEAKER_WORD + r"|" + _NAME + r"|" + _PRONOUN + r")\s+(?:also\s+)?" + _SAY + r"\b|"
    r"\b" + _SAY + r"\s*:\s*[\"“]|[,.]\s*[\"”]\s*(?:" + _SAY + r")\s+[A-Z]"
)
_VAGUE = re.compile(
    r"\b(?:experts?\s+(?:say|said|believe|estimate|warn|agree|recommend|predict|think)|studies\s+(?:have\s+)?(?:show|shown|suggest|"
    r"found|indicate)|(?:research|evidence)\s+(?:has\s+)?(?:shows?|shown|suggests?|indicates?)|reports?\s+(?:say|said|"
    r"suggest|suggested|indicate|indicated|claim)|reportedly|allegedly|rumou?red|sources?\s+(?:say|said|claim|claimed|"
    r"suggest|indicate|told|close\s+to|familiar)|according\s+to\s+(?:some|sources|reports|recent\s+reports|estimates|"
    r"statistics|experts|insiders|the\s+sources?|unnamed|anonymous)|insiders?|it\s+is\s+(?:estimated|believed|thought|"
    r"understood|said|expected|reported|claimed)|(?:is|are|was|were)\s+(?:estimated|believed|thought|expected|said|"
    r"rumou?red|reported)\s+to|an\s+estimated|estimated\s+(?:at|to)|alternative\s+estimates|hailed\s+as|some\s+(?:say|"
    r"believe|estimate|argue)|many\s+(?:say|believe)|critics\s+say|analysts\s+(?:say|said|expected|expect|believe|estimate|"
    r"estimated|predict|forecast)|(?:scientists|researchers|economists|doctors|biologists|physicists|psychologists|historians|"
    r"academics|specialists)\s+(?:say|said|believe|estimate|found|"
    r"have\s+found)|witnesses|observers|speculation|(?:figures|data|statistics|numbers)\s+(?:show|shows|showed|suggest|"
    r"indicate|reveal|revealed|reveals)|official\s+statistics|(?:a|one)\s+source|(?:are|is)\s+expected\s+to|(?:dozens|hundreds)\s+of\s+(?:studies|"
    r"experiments)\s+have)\b",
    re.IGNORECASE,
)
# "55% said yes": respondents speaking are not a source for the figure.
_RESPONDENTS = re.compile(
    r"\d\s?(?:%|per\s?cent|percent)(?:\s+of\s+[^.;,]{0,50}?)?\s+(?:said|say|says|think|thought|believe|believed|agreed?|reported|told)\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"^[\"“‘']?\s*(?:It|They|He|She|The\s+(?:study|report|survey|poll|figures|data|research|analysis|review|census|audit|"
    r"findings|results|paper|researchers|authors)|Another|Of\s+(?:those|these|them|the)|Among\s+(?:those|them|these)|"
    r"In\s+addition|Additionally|Also|Results|The\s+same|Those\s+(?:figures|numbers)|This\s+(?:means|compares|is|was|"
    r"figure|number)|That\s+(?:compares|figure|number|is|was)|Overall|By\s+comparison|Meanwhile|However|But)\b"
    r"|\balso\s+(?:found|showed|shows|said|says|revealed|reported|estimated|noted)\b"
)
# The next sentence names the source of this one: "The rise was the steepest in a decade, the report said.",
# "That is according to the ONS."
_TRAILING_ATTRIBUTION = re.compile(
    r"[,—–]\s*(?:according\s+to\s+[^,.;]{2,60}|(?:[\w'’.-]+\s+){0,5}" + _SAY + r"(?:\s+[^,.;]{0,40})?)\s*[.!]?\s*[\"”’']?\s*$"
)
_POINTS_BACK = re.compile(
    r"^(?:That|This|Those|These|The\s+(?:figures?|numbers?|data|estimates?|statistics))\s+(?:is|are|was|were|come|comes|came)\s+"
    r"(?:according\s+to|from)\b|^(?:[\w'’.-]+\s+){1,5}(?:said|says)\s+(?:this|that|these|those|the\s+(?:figures?|numbers?|data|"
    r"rise|fall|increase|drop|total))\b"
)
_DEFINITE_DOCUMENT = re.compile(r"\b(?:the|this|that|these|those)\s+(?:[\w'’-]+\s+){0,2}" + _DOCUMENT + r"\b", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”]")
_EMBED = re.compile(
    r"\bA\s+(?:post|photo|video)\s+shared\s+by\s+[^()]{1,60}\(@\w{1,40}\)|[—–-]\s*[^()\n]{1,60}\(@\w{1,40}\)\s+"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+\d{4}|"
    r"\bpic\.twitter\.com/\w+"
)
_SPEAKER_LABEL = re.compile(r"^(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}|Q|A):\s")
_SOURCE_LINE = re.compile(r"^\s*[*_]*\s*(?:sources?|data|note|notes|figures|credit)\s*[:.\-–]", re.IGNORECASE)
_CAPTION = re.compile(r"^\s*[*_]*\s*(?:table|figure|chart|graph)\s*\d*\s*[:.\-–]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who vouches for one sentence: ``support`` named | vague | none, ``how`` it was found, the ``cue`` phrase."""

    support: str
    how: str | None = None
    cue: str | None = None


# What may follow a reporting clause at the end of a sentence: "..., police said on Monday."
_TRAILING_REST = re.compile(
    r"^(?:\s+(?:on|in|at|last|this|late|early)\s+[\w ]{0,25}?|\s+in\s+a\s+statement|\s+to\s+[\w ]{0,30}?|\s+[A-Z][\w'’. -]{0,40}?)?"
    r"(?:,\s+(?:adding|saying)\b.*)?\s*[.!]?\s*[\"”’']?\s*$"
)
_ANYWHERE = ("according", "by_source", "quote_speaker")
# A reporting clause set off after the main one: "..., the election commission said", "..., officials in Brussels, saying"
_AFTER_CLAUSE = re.compile(r"[,—–;]\s*(?:[\w'’.-]+\s+){0,4}$")
_PARTICIPLE = re.compile(r"\b(?:saying|adding|telling|noting|warning|announcing|confirming|estimating)$")


def named_cue(text: str, figures: Sequence[int] = ()) -> str | None:
    """The identifiable source that covers the figures at offsets ``figures`` of ``text`` (any, if none given).

    "according to", "as measured by", a quoted speaker count wherever they are. A
    speaker or a document with a reporting verb counts when it comes before the
    first figure ("Police said 12 people ...") or closes the sentence ("..., the
    election commission said."); one in another clause after the figure does not
    ("31,000 scientists signed a petition after John Casey revealed that ...").
    """
    if not text or text.rstrip().endswith("?"):
        return None
    first = min(figures) if figures else len(text)
    for name, pattern in (("according", _ACCORDING), ("by_source", _BY_SOURCE), ("quote_speaker", _QUOTE_SPEAKER),
                          ("says_speaker", _SAYS_SPEAKER), ("document", _NAMED_DOCUMENT), ("speaker_says", _SPEAKER_SAYS)):
        for match in pattern.finditer(text):
            if name in ("speaker_says", "document") and _RESPONDENTS.search(text[max(0, match.start() - 80) : match.end()]):
                continue
            if name in ("speaker_says", "says_speaker") and _VAGUE.search(text[max(0, match.start() - 30) : match.end() + 10]):
                continue
            after_clause = _AFTER_CLAUSE.search(text[: match.start()]) is not None
            covers = name in _ANYWHERE or match.start() <= first or (after_clause or name == "says_speaker") and (
                _TRAILING_REST.match(text[match.end() :]) is not None or _PARTICIPLE.search(match.group()) is not None
            )
            if covers:
                return _window(text, match.start(), match.end())
    return None


# A clause break between a figure and a hedge after it: "Only 844 people caucused in 2012, but turnout is expected ..."
_CLAUSE_BREAK = re.compile(r",\s*(?:but|while|whereas|although|though|and\s+yet)\b|;")


def vague_cue(text: str, figures: Sequence[int] = ()) -> str | None:
    """The vague attribution in ``text`` that covers the figures at offsets ``figures`` (any, if none given)."""
    if not text:
        return None
    first = min(figures) if figures else len(text)
    for match in _VAGUE.finditer(text):
        if match.start() > first and _CLAUSE_BREAK.search(text[first : match.start()]):
            continue  # the hedge belongs to another clause
        return match.group()
    return None


def read_attributions(document: "Document", figures: Sequence["Figure"] = ()) -> list[Attribution]:
    """One ``Attribution`` per sentence of ``document``, in order; ``figures`` (the document's) say which
    clause of a sentence a source must cover."""
    sentences = document.sentences
    starts: dict[int, list[int]] = {}
    for f in figures:
        if f.is_statistic:
            sentence = sentences[f.sentence]
            # Offsets into the clean text are close enough to the raw ones for "before or after the figure".
            starts.setdefault(f.sentence, []).append(max(0, f.start - sentence.start - (len(sentence.text) - len(sentence.clean))))
    own_named = [named_cue(s.clean, starts.get(s.index, ())) if s.kind != "heading" else None for s in sentences]
    own_vague = [vague_cue(s.clean, starts.get(s.index, ())) if s.kind != "heading" else None for s in sentences]
    out: list[Attribution] = []
    for s in sentences:
        out.append(_attribution(sentences, s, own_named, own_vague))
    return out


def _attribution(sentences: Sequence["Sentence"], s: "Sentence", own_named: list, own_vague: list) -> Attribution:
    i = s.index
    if s.kind == "heading":
        return Attribution(NONE)
    if s.kind == "table_row":
        return _table_attribution(sentences, s)
    if own_named[i]:
        return Attribution(NAMED, "sentence", own_named[i])
    if own_vague[i]:
        return Attribution(VAGUE, "sentence", own_vague[i])
    following = sentences[i + 1] if i + 1 < len(sentences) else None
    if (
        following is not None
        and following.block == s.block
        and following.kind == s.kind
        and own_named[i + 1]
        and (_TRAILING_ATTRIBUTION.search(following.clean) or _POINTS_BACK.match(following.clean))
    ):
        return Attribution(NAMED, "next_sentence", own_named[i + 1])
    earlier = [k for k in range(i - 1, -1, -1) if sentences[k].block == s.block]
    # Reported speech and findings carry on sentence by sentence: the sentence just
    # before, or any earlier one of the paragraph when this one says it continues.
    # A direct quotation vouches for what is inside its quotation marks, not for the reporter's next sentence.
    if earlier and own_named[earlier[0]] and earlier[0] == i - 1 and not _QUOTE_MARK.search(sentences[i - 1].clean):
        return Attribution(NAMED, "paragraph", own_named[earlier[0]])
    if _CONTINUES.search(s.clean):
        for k in earlier:
            if own_named[k]:
                return Attribution(NAMED, "paragraph", own_named[k])
    quoted = s.clean.lstrip()[:1] in ('"', "“", "‘")
    previous_block = _previous_block(sentences, s)
    if quoted:
        # A quotation is vouched for by its speaker, named in its paragraph or just before it.
        same_block = [k for k in range(max(0, i - 6), min(len(sentences), i + 6)) if k != i and sentences[k].block == s.block]
        for k in same_block + previous_block[::-1][:3]:
            if own_named[k] or _QUOTE_SPEAKER.search(sentences[k].clean):
                return Attribution(NAMED, "quote", own_named[k] or sentences[k].clean[:60])
    speaker = _speaker_label(sentences, s)
    if speaker:
        return Attribution(NAMED, "quote", speaker)
    for k in (i, i + 1):
        # An embedded post or tweet is its author's: "A post shared by Halle Berry (@halleberry)", "— Name (@handle) May 5, 2018".
        if k < len(sentences) and sentences[k].block in (s.block, s.block + 1):
            embed = _EMBED.search(sentences[k].clean)
            if embed:
                return Attribution(NAMED, "quote", embed.group())
    if _CONTINUES.search(s.clean) and previous_block:
        for k in previous_block[::-1][:2]:
            if own_named[k]:
                return Attribution(NAMED, "continued", own_named[k])
    if _DEFINITE_DOCUMENT.search(s.clean):
        for k in range(i - 1, -1, -1):
            if own_named[k] and _DEFINITE_DOCUMENT.search(own_named[k]) or (own_named[k] and re.search(_DOCUMENT, own_named[k], re.IGNORECASE)):
                return Attribution(NAMED, "document", own_named[k])
    return Attribution(NONE)


def _speaker_label(sentences: Sequence["Sentence"], s: "Sentence") -> str | None:
    """The speaker of a transcript paragraph ("VAN SUSTEREN: ..."), if this sentence is in one."""
    # In a transcript the speaker named by "CLINTON:" speaks until the next label or heading.
    for k in range(s.index, max(-1, s.index - 40), -1):
        if sentences[k].kind == "heading":
            return None
        match = _SPEAKER_LABEL.match(sentences[k].clean)
        if match:
            return match.group().strip()
    return None


def _previous_block(sentences: Sequence["Sentence"], s: "Sentence") -> list[int]:
    """Indexes of the running-text sentences of the paragraph just before ``s``'s."""
    k = s.index - 1
    while k >= 0 and sentences[k].block == s.block:
        k -= 1
    if k < 0 or sentences[k].kind == "heading":
        return []
    block = sentences[k].block
    out = []
    while k >= 0 and sentences[k].block == block:
        out.append(k)
        k -= 1
    return out[::-1]


def _table_attribution(sentences: Sequence["Sentence"], s: "Sentence") -> Attribution:
    """A table is sourced by its caption or a source line just above or below it, never by the copy around it."""
    first = s.index
    while first > 0 and sentences[first - 1].cells is not None:
        first -= 1
    last = s.index
    while last + 1 < len(sentences) and sentences[last + 1].cells is not None:
        last += 1
    for k in (first - 1, last + 1):
        if 0 <= k < len(sentences):
            line = sentences[k].clean
            if _SOURCE_LINE.search(line):
                return Attribution(NAMED, "table", line[:80])
            if _CAPTION.search(line) and named_cue(line):
                return Attribution(NAMED, "table", line[:80])
    return Attribution(NONE)


def _window(text: str, start: int, end: int, width: int = 40) -> str:
    a = max(0, start - 10)
    b = min(len(text), end + width)
    return ("…" if a > 0 else "") + text[a:b].strip() + ("…" if b < len(text) else "")
