"""Which figures are statistics someone must vouch for, read in the sentence around them.

The parser (``detector.figures.reading``) types a number by its own words: "three men" is
a count, "£3m" money, "17.28m" a measure. Whether an editor asks "says who?"
depends on the sentence: a count of the people in the reported event ("police
arrested three men"), a player's caps and goals, a prison term, a ticket price,
a distance or a dimension are not statistics anyone needs to source; a rate, a
share, a total, an estimate or money at scale is (labels/README.md, "The
definition"). This module retypes the figures of one sentence by that
definition, so that ``Figure.is_statistic`` means "needs a source":

``record``     a sports or court record: scores, caps, goals, appearances,
               medals, attendances, seats and votes, transfer fees, contract
               lengths, prison terms, fines imposed, counts of charges;
``event``      an exact small count (at most ``EVENT_COUNT_MAX``) of the people
               or things of the reported event: "three men", "two dams";
``price``      money under ``PRICE_MAX`` (a ticket, a fee, a bill): not money at scale;
``dimension``  a distance, size, speed or weight under ``DIMENSION_MAX``;
``age``        ages the parser's own rules miss: "both 17", "aged 24, 23 and 16",
               "seven to 19-year-olds".

Durations are typed by the parser and are not statistics either (see
``detector.figures.figure.STATISTIC_KINDS``). Table cells are never retyped here: a
table is data, and the figures check asks a source for every quantity in it.

Every pattern is bounded and reads one sentence, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .figure import Figure

# Thresholds of the definition, not tuned on any labels: a dozen or so people is
# what a reporter can see or name; money under 100,000 is a price or a fee, not
# a budget; a measure under 10,000 of its unit is a distance or a size.
EVENT_COUNT_MAX = 25
PRICE_MAX = 100_000
DIMENSION_MAX = 10_000

_SPORT = re.compile(
    r"\b(?:goals?|scored|scoring|scorer|caps?|capped|appearances?|innings|wickets?|overs|aces|assists|touchdowns?|"
    r"medals?|gold\s+medal|golds|silver|bronze|titles?|trophy|trophies|league|matches|match|wins|"
    r"defeats?|victories|victory|unbeaten|winless|seeded|Championship|Premiership|"
    r"Grand\s+Slams?|Olympics?|Paralympics?|World\s+Cup|laps?|half-time|half\s+time|penalt(?:y|ies)|striker|defender|"
    r"midfielder|goalkeeper|keeper|pitcher|batter|bowler|batsman|batsmen|debut|frames?|birdies?|homers?|"
    r"home\s+runs?|tournament|semi-finals?|quarter-finals?|play-offs?|playoffs?|fixtures?|kick-off|"
    r"attendance|spectators|stadium|Grand\s+Prix|relegat\w+|knockout|sprint|marathon|triathlon|"
    r"played\s+(?:\w+\s+){0,2}games|joined\s+from|signed\s+(?:for|from)|on\s+loan|transfer\s+fee|undisclosed\s+fee|"
    r"five-setter|four-setter|straight\s+sets|tie-break|points\s+(?:clear|behind|ahead|adrift)|leaderboard|Mirrorball|NBA|NFL|NHL|MLB|FIFA|UEFA|IPL|T20|ODI|"
    r"inning|not\s+out|first-class|drove\s+in|runners|cup\s+final|fa\s+cup|world\s+cup|first\s+signing|new\s+signings?|"
    r"arrived\s+from\s+[A-Z]\w+\s+for|as\s+a\s+starter|win-loss|quarterback|Tour\s+de\s+France|stages?\s+covering)\b",
    re.IGNORECASE,
)
_TRANSFER = re.compile(r"\b(?:fee|signed|signing|joined|joins|join|transfer|prize|loan|bid|contract|deal|winnings|purse)\b", re.IGNORECASE)
_COURT = re.compile(
    r"\b(?:jailed|sentenced|sentences?|prison|imprisonment|imprisoned|convicted|guilty|charged|charges?|counts?\s+of|"
    r"fined|fines?|court|judge|trial|jury|parole|custody|bail|banned|ban|suspension|suspended|disqualif\w+|offences?|"
    r"offenses?|pleaded|acquitted|compensation|damages|register)\b",
    re.IGNORECASE,
)
_COURT_NOUNS = frozenset("count counts charge charges offence offences offense offenses year years month months week weeks".split())
_COURT_MONEY = re.compile(r"\b(?:fined|fine|fines|bail|compensation|damages|costs|penalty)\b", re.IGNORECASE)
_VOTES = frozenset(("seats", "votes"))
_VOTE_NOUNS = frozenset("seat seats vote votes voter ballot ballots senator senators mp mps lawmaker lawmakers member members delegate delegates".split())
# Things that are counted for the whole world or a country, never seen at one event.
_AGGREGATE_NOUNS = frozenset(
    "percent cases deaths infections jobs households homes users customers subscribers visitors viewers tourists residents "
    "citizens inhabitants migrants refugees".split()
)
_AGE_LIST_JOIN = re.compile(r"^\s*(?:,|and|,\s*and)\s*$")
_BOTH_BEFORE = re.compile(r"\b(?:both|all|each)\s+(?:aged\s+)?$", re.IGNORECASE)
_PEOPLE_BEFORE = re.compile(
    r"\b(?:men|women|boys|girls|brothers|sisters|teenagers|teens|children|friends|victims|suspects|defendants|pair|couple|"
    r"sons|daughters|twins|students|pupils),\s+$",
    re.IGNORECASE,
)
_AGE_AFTER_RANGE = re.compile(r"^\s*(?:-|–|to)\s*(?:\w+[\s-])?\d{1,3}[-\s]years?[-\s]olds?\b|^\s*(?:-|–|to)\s*\w+[-\s]years?[-\s]olds?\b", re.IGNORECASE)
_TIME_FRACTION = re.compile(r"^\s+of\s+(?:an?\s+)?(?:hour|minute|mile|century|second|day|year|inch|point|lap|game|match)\b", re.IGNORECASE)
_PER_TIME = re.compile(r"^\s*(?:a|an|per|each|every)\s+(?:year|annum|month|week|day)\b|^\s*(?:annually|yearly|monthly)\b", re.IGNORECASE)
_VERSION_BEFORE = re.compile(
    r"\b(?:version|v\.?|release|update|build|firmware|iOS|iPadOS|macOS|Android|Windows|Python|Java|Boeing(?:'s|’s)?|Airbus(?:'s|’s)?)\s?$",
    re.IGNORECASE,
)
_AGE_SUFFIX = re.compile(r"^\s?-\s?(?:years?|months?|weeks?|days?)\s?-\s?olds?\b", re.IGNORECASE)  # "35 -year -old", "over 22-year-old"
_CONVERSION_BEFORE = re.compile(r"^\s*[(;,/]\s*$")
_PAGE_COUNTS = frozenset("likes followers views comments reviews shares retweets subscribers signatures".split())
_COMPOUND_AFTER = re.compile(
    r"^-(?:member|strong|seat|seater|page|word|bed|room|storey|story|acre|mile|foot|man|woman|person|people|nation|country|"
    r"state|track|car|vehicle|lane|floor|screen|inch|piece|part|episode|song|hole|match|game)\b",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(r"^\s+of\s+(?:(?:millions|billions|thousands)\s+of\s+)?(?:dollars|pounds|euros|yuan|rupees|yen|francs)\b|^\s+of\s+(?:millions|billions)\b", re.IGNORECASE)
_CLOCK_AFTER = re.compile(r"^\s?[ap]\.?m?\.?\s*(?:ET|EST|EDT|PT|PST|PDT|CT|GMT|BST|UTC)(?![a-z])|^p\.m\b|^\s?[ap]\.m\.")
_PHONE = re.compile(r"\(\d{3}\)\s?$")
_ATTENDANCE = re.compile(r"\b(?:rally|rallies|crowd|audience|attended|attending|turned\s+out|sell-out|sold-out|packed)\b", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\b(?:the|these|those)\s+$", re.IGNORECASE)
_WORTH_BEFORE = re.compile(r"\b(?:worth|cost|costs|costing|spent|spend|paid|pay|lost|lose|raised|owed|owes)\s+(?:of\s+)?$", re.IGNORECASE)
# Casualties, arrests and crowds at scale are what a reader asks "says who?" of, however round.
_TOLL = re.compile(
    r"\b(?:killed|died|dead|deaths?|injured|hurt|wounded|displaced|fled|evacuated|arrested|detained|protested|marched|rallied|"
    r"infected|missing|homeless|hospitali[sz]ed|protesters|demonstrators|gathered|refugees|migrants)\b",
    re.IGNORECASE,
)
_SCALE_ADJECTIVE = re.compile(r"(?:an?\s+)?(?:million|billion|trillion)[\s-]dollar", re.IGNORECASE)
_MULTI_BEFORE = re.compile(r"\bmulti-?\s?$", re.IGNORECASE)
_LIGHT_YEARS = re.compile(r"^\s+light[\s-]years?\b", re.IGNORECASE)
_AGED_BEFORE = re.compile(r"\baged?\s+$", re.IGNORECASE)
_VOTING = re.compile(r"\b(?:vot(?:e|ed|es|ing)|ballots?|referendum)\b", re.IGNORECASE)
_ONLY_FIGURE_OF_SPEECH = re.compile(r"^\s+of\s+(?:fans|viewers|people\s+around|followers|admirers|listeners|readers)\b", re.IGNORECASE)


def retype_sentence(text: str, figures: list["Figure"], offset: int = 0) -> list["Figure"]:
    """``figures`` of one sentence (offsets into a text where the sentence starts at ``offset``), retyped."""
    if not figures:
        return figures
    if text.rstrip().rstrip("\"”’'").endswith("?"):
        # A question claims nothing: "Does Jessica regret the $500,000 prize?"
        return [replace(f, kind="other") if f.is_statistic else f for f in figures]
    sport = _SPORT.search(text) is not None
    court = _COURT.search(text) is not None
    out: list[Figure] = []
    for f in figures:
        kind = _kind_in_context(text, f, offset, sport, court)
        out.append(f if kind == f.kind else replace(f, kind=kind))
    return _ages_in_lists(text, out, offset)


def _kind_in_context(text: str, f: "Figure", offset: int, sport: bool, court: bool) -> str:
    start, end = f.start - offset, f.end - offset
    before = text[max(0, start - 60) : start]
    after = text[end : end + 60]
    if f.kind == "percent" and f.unit == "%" and f.approx == "about" and _TIME_FRACTION.match(after):
        return "period"  # "a quarter of an hour": time, not a share
    if f.kind in ("count", "number") and _VERSION_BEFORE.search(before):
        return "identifier"  # "iOS 17", "version 3"
    if f.kind in ("count", "number", "duration") and f.value is not None and _AGE_SUFFIX.match(after):
        return "age"
    if f.kind in ("count", "number", "ratio") and f.value is not None and _AGE_AFTER_RANGE.match(after):
        return "age"  # "seven to 19-year-olds"
    if f.kind in ("count", "number") and f.value is not None and 0 < f.value < 125 and float(f.value).is_integer() and f.approx is None:
        if _BOTH_BEFORE.search(before) and not f.noun:
            return "age"  # "both 17"
        if _PEOPLE_BEFORE.search(before) and not f.noun:
            return "age"  # "Two men, 17 and 23, ..."
    if f.kind in ("count", "number") and f.approx == "range" and _AGED_BEFORE.search(before):
        return "age"  # "men aged between 16 and 43"
    if f.kind in ("count", "number") and _COMPOUND_AFTER.match(after):
        return "dimension"  # "a 14-member board", "a 100-person capacity", "a 3,600-word timeline"
    if f.kind == "count" and f.approx == "vague" and not _MONEY_AFTER.match(after) and not _WORTH_BEFORE.search(before) and not _TOLL.search(text):
        return "other"  # "dozens of people", "millions of viewers": a round impression, not a count anyone made
    if f.kind in ("count", "number") and (
        _PHONE.search(before) or re.fullmatch(r"\d{3}-\d{4}", f.text) or re.match(r"^\)\s?\d{3}-\d{4}", after)
    ):
        return "identifier"  # a phone number: "(231) 250-9471"
    if f.kind in ("count", "number") and _CLOCK_AFTER.match(after) or f.kind == "money" and _CLOCK_AFTER.match(text[end - 1 :]):
        return "time"  # "9-10a ET", "from 6 to 8 p.m."
    if f.kind == "money" and (_MULTI_BEFORE.search(before) or _SCALE_ADJECTIVE.fullmatch(f.text)):
        # "multi-million dollar", "her million dollar estate": a figure of speech
        return "other"
    if f.kind in ("count", "number") and _LIGHT_YEARS.match(after):
        return "dimension"
    if f.kind == "count" and f.noun and f.noun.lower() in _PAGE_COUNTS:
        return "record"  # likes, followers, reviews: a count the page itself shows
    if _VOTING.search(text) and (
        (f.kind == "percent" and re.match(r"^\s+to\s+\d", after))
        or (f.kind in ("count", "number") and f.approx is None and f.value is not None and f.value < 1000)
    ):
        return "record"  # the tally of the vote being reported: "56 senators voted", "52% to 48%"
    if f.kind in ("count", "number", "measure") and (f.unit in _VOTES or (f.noun and f.noun.lower() in _VOTE_NOUNS)) and (
        f.approx in (None, "range", "at_most") and f.value is not None and f.value < 1000
    ):
        return "record"  # seats and votes: the tally of the vote being reported
    if not f.is_statistic and f.kind != "duration":
        return f.kind
    if sport and f.kind in ("count", "number", "measure", "ratio", "duration"):
        return "record"
    if sport and f.kind == "money" and _TRANSFER.search(text):
        return "record"
    if court and f.kind == "duration":
        return "record"  # "jailed for 12 years"
    if court and f.kind == "count" and f.noun and f.noun.lower() in _COURT_NOUNS:
        return "record"  # "13 counts of rape", "eight sexual offences"
    if court and f.kind == "money" and _COURT_MONEY.search(text):
        return "record"  # a fine or bail set by a court
    if f.kind == "count" and f.approx != "vague" and f.value is not None and f.value < 1000 and _ATTENDANCE.search(text):
        return "record"  # "about 135 people at the rally": the event's own crowd
    if f.kind == "money" and f.value is not None and abs(f.value) < PRICE_MAX and not _PER_TIME.match(after):
        return "price"
    if f.kind == "measure" and f.value is not None and abs(f.value) < DIMENSION_MAX:
        return "dimension"
    if f.kind == "count" and f.approx == "vague" and _ONLY_FIGURE_OF_SPEECH.match(after):
        return "other"  # "millions of fans": a figure of speech
    if f.kind == "count" and f.approx is None and f.value is not None and f.value < 1000 and _THE_BEFORE.search(before):
        return "event"  # "the 79 people pardoned": the group the story is about
    if (
        f.kind in ("count", "number")
        and (f.approx in (None, "about", "nearly") or f.approx == "at_least" and not _TOLL.search(text))
        and f.value is not None
        and float(f.value).is_integer()
        and 0 < f.value <= EVENT_COUNT_MAX
        and not (f.noun and f.noun.lower() in _AGGREGATE_NOUNS)
        and "%" not in text[end : end + 3]
    ):
        return "event"
    return f.kind


def _ages_in_lists(text: str, figures: list["Figure"], offset: int) -> list["Figure"]:
    """"aged 24, 23 and 16": numbers listed right after an age are ages too; "250m reais (£43.6m; $66.3m)":
    a conversion in brackets is the same figure as the one before it."""
    out = list(figures)
    for k in range(1, len(out)):
        previous, current = out[k - 1], out[k]
        gap = text[previous.end - offset : current.start - offset]
        if current.kind == "money" and previous.kind in ("record", "price", "money") and _CONVERSION_BEFORE.match(gap):
            out[k] = replace(current, kind=previous.kind)
            continue
        if (
            previous.kind == "age"
            and current.kind in ("count", "number", "event", "record")
            and current.value is not None
            and 0 < current.value < 125
            and _AGE_LIST_JOIN.match(gap)
            and not current.noun
        ):
            out[k] = replace(current, kind="age")
    return out
