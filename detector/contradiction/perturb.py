"""Sentence edits that make a contradicting, or a compatible, partner of a real sentence.

Contradicting edits (``CONTRADICTING``): negation, antonym swap, changed number,
swapped entity or role, changed day/date, "no one"/"all". Compatible edits
(``COMPATIBLE``): reordering, synonym, number written another way, added detail,
dropped detail. Each takes a sentence and a ``random.Random`` and returns the
edited sentence, or None where the edit does not apply. They are rules, so some
outputs are wrong (a negation that lands in a subordinate clause, a synonym that
shifts meaning): labels/README.md gives the error rate of a hand-checked sample.
"""

from __future__ import annotations

import random
import re
from typing import Callable

from .cues import MONTHS, WEEKDAYS, read_names, read_numbers

AUXILIARIES = ("is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should", "must",
               "does", "do", "did", "may", "might")
_AUX = re.compile(r"\b(" + "|".join(AUXILIARIES) + r")\b(\s+)(not\s+|n't\s+)?", re.IGNORECASE)
_NEGATED_AUX = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|does|do|did)(\s+not\b|n't\b)", re.IGNORECASE)
_CONTRACTIONS = {"won't": "will", "can't": "can", "isn't": "is", "aren't": "are", "wasn't": "was", "weren't": "were",
                 "hasn't": "has", "haven't": "have", "hadn't": "had", "doesn't": "does", "don't": "do",
                 "didn't": "did", "wouldn't": "would", "couldn't": "could", "shouldn't": "should"}

# Aligned pairs for the antonym swap, both directions; the cue list in ``cues``
# covers these and more forms.
ANTONYM_SWAPS = dict(
    pair
    for a, b in [
        ("rose", "fell"), ("increased", "decreased"), ("rising", "falling"), ("rises", "falls"), ("grew", "shrank"),
        ("won", "lost"), ("wins", "loses"), ("win", "lose"), ("approved", "rejected"), ("accepted", "rejected"),
        ("opened", "closed"), ("reopened", "closed"), ("open", "closed"), ("guilty", "innocent"),
        ("convicted", "acquitted"), ("alive", "dead"), ("survived", "died"), ("supported", "opposed"),
        ("supports", "opposes"), ("true", "false"), ("legal", "illegal"), ("allowed", "banned"),
        ("confirmed", "denied"), ("succeeded", "failed"), ("successful", "unsuccessful"), ("more", "fewer"),
        ("higher", "lower"), ("larger", "smaller"), ("first", "last"), ("began", "ended"), ("started", "stopped"),
        ("hired", "fired"), ("arrested", "released"), ("public", "private"), ("majority", "minority"),
        ("positive", "negative"), ("agreed", "refused"), ("early", "late"), ("earlier", "later"),
        ("safe", "injured"), ("raised", "cut"), ("increase", "decrease"), ("full", "empty"), ("strong", "weak"),
        ("stronger", "weaker"), ("passed", "failed"), ("before", "after"), ("gained", "lost"), ("up", "down"),
        ("best", "worst"), ("highest", "lowest"), ("biggest", "smallest"), ("elected", "defeated"),
    ]
    for pair in ((a, b), (b, a))
)

SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "people": "individuals", "about": "around",
    "big": "large", "large": "big", "started": "began", "began": "started", "help": "assist", "buy": "purchase",
    "bought": "purchased", "show": "demonstrate", "shows": "demonstrates", "showed": "demonstrated",
    "children": "kids", "kids": "children", "car": "vehicle", "cars": "vehicles", "home": "house",
    "quickly": "rapidly", "rapidly": "quickly", "important": "significant", "significant": "important",
    "also": "additionally", "however": "but", "around": "about", "nearly": "almost", "almost": "nearly",
    "officials": "authorities", "authorities": "officials", "police": "officers", "job": "position",
    "company": "firm", "firm": "company", "government": "administration", "country": "nation",
    "nation": "country", "shown": "demonstrated", "announced": "revealed", "revealed": "announced",
    "died": "passed away", "killed": "slain", "wants": "hopes", "plans": "intends", "plan": "intend",
    "added": "noted", "noted": "added", "explained": "said", "claimed": "alleged", "need": "require",
    "needs": "requires", "try": "attempt", "tried": "attempted", "enough": "sufficient", "main": "primary",
}

DETAILS = (", officials said", ", according to local media", ", a spokesperson said", ", reports said",
           " according to a statement", ", sources said", ", it emerged")

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_NUMBER_ONLY = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _case_like(old: str, new: str) -> str:
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


# --------------------------------------------------------------------- contradicting


def negate(text: str, rng: random.Random) -> str | None:
    """Add or remove a "not" on the first auxiliary or past-tense reporting verb."""
    lowered = text.lower().replace("’", "'")
    for contraction, aux in _CONTRACTIONS.items():
        at = lowered.find(contraction)
        if at >= 0:
            return _replace_span(text, at, at + len(contraction), _case_like(text[at:at + 1], aux))
    match = _NEGATED_AUX.search(text)
    if match:
        return _replace_span(text, match.start(2), match.end(2), "")
    for match in _AUX.finditer(text):
        if match.start() == 0:
            continue  # a question or an inverted clause
        if match.group(3):
            continue
        return _replace_span(text, match.end(1), match.end(1), " not")
    try:
        from lemminflect import getLemma
    except ImportError:  # pragma: no cover - a training extra
        return None
    for match in _WORD.finditer(text):
        word = match.group(0)
        if match.start() == 0 or not word.islower() or not (word.endswith("ed") or word in ("said", "told", "made", "took", "left", "won", "lost", "found", "went", "came", "gave", "saw")):
            continue
        lemmas = getLemma(word, upos="VERB")
        if not lemmas or lemmas[0] == word:
            continue
        return _replace_span(text, match.start(), match.end(), f"did not {lemmas[0]}")
    return None


def swap_antonym(text: str, rng: random.Random) -> str | None:
    matches = [m for m in _WORD.finditer(text) if m.group(0).lower() in ANTONYM_SWAPS]
    if not matches:
        return None
    m = rng.choice(matches)
    return _replace_span(text, m.start(), m.end(), _case_like(m.group(0), ANTONYM_SWAPS[m.group(0).lower()]))


def _format_like(old: str, value: float) -> str:
    digits = _NUMBER_ONLY.search(old)
    raw = digits.group(0) if digits else old
    if "." in raw:
        decimals = len(raw.split(".")[1])
        formatted = f"{value:,.{decimals}f}" if "," in raw else f"{value:.{decimals}f}"
    else:
        formatted = f"{int(round(value)):,}" if "," in raw or value >= 10000 else str(int(round(value)))
    return old.replace(raw, formatted, 1) if digits else formatted


def change_number(text: str, rng: random.Random) -> str | None:
    """Change one figure so that no rounding or approximation reconciles the two."""
    numbers = [n for n in read_numbers(text) if _NUMBER_ONLY.search(n.text)]
    if not numbers:
        return None
    n = rng.choice(numbers)
    digits = _NUMBER_ONLY.search(n.text).group(0)
    base = float(digits.replace(",", ""))
    if base == 0:
        new = float(rng.randint(2, 9))
    else:
        factor = rng.choice([rng.uniform(0.3, 0.7), rng.uniform(1.35, 3.0)])
        new = base * factor
        if "." not in digits:
            new = round(new)
            if base >= 100:
                magnitude = 10 ** (len(str(int(base))) - 2)
                new = round(new / magnitude) * magnitude
            if new == base:
                new = base + max(2, base // 2)
    replacement = _format_like(digits, new)
    start = n.start + n.text.find(digits)
    return _replace_span(text, start, start + len(digits), replacement)


def swap_entity(text: str, rng: random.Random, pool: list[str] | None = None) -> str | None:
    """Swap two names of the sentence (role), or put another name of the article in one's place."""
    spans = [m for m in re.finditer(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*", text) if m.start() > 0]
    names = read_names(text)
    spans = [m for m in spans if all(w.lower() in names for w in m.group(0).split())]
    if len(spans) >= 2 and rng.random() < 0.4:
        a, b = rng.sample(spans, 2)
        if a.group(0) != b.group(0):
            if a.start() > b.start():
                a, b = b, a
            return text[: a.start()] + b.group(0) + text[a.end() : b.start()] + a.group(0) + text[b.end() :]
    if not spans or not pool:
        return None
    target = rng.choice(spans)
    options = [p for p in pool if p not in text and len(p.split()) == len(target.group(0).split())]
    if not options:
        return None
    return _replace_span(text, target.start(), target.end(), rng.choice(options))


def change_date(text: str, rng: random.Random) -> str | None:
    words = [(m, WEEKDAYS) for m in re.finditer(r"\b(" + "|".join(WEEKDAYS) + r")\b", text, re.IGNORECASE)]
    words += [(m, MONTHS) for m in re.finditer(r"\b(" + "|".join(m for m in MONTHS if m != "may") + r")\b", text, re.IGNORECASE)]
    years = list(re.finditer(r"\b(19[5-9]\d|20[0-3]\d)\b", text))
    if words and (not years or rng.random() < 0.7):
        m, names = rng.choice(words)
        current = m.group(0).lower()
        new = rng.choice([n for n in names if n != current and n != "may"])
        return _replace_span(text, m.start(), m.end(), new.title())
    if years:
        m = rng.choice(years)
        new = int(m.group(0)) + rng.choice([-3, -2, -1, 1, 2, 3])
        return _replace_span(text, m.start(), m.end(), str(new))
    return None


_QUANTIFIER_SWAPS = [
    (r"\bunanimously\b", "narrowly"), (r"\bnarrowly\b", "unanimously"), (r"\beveryone\b", "no one"),
    (r"\beverybody\b", "nobody"), (r"\bno one\b", "everyone"), (r"\bnobody\b", "everybody"),
    (r"\ball of the\b", "none of the"), (r"\bnone of the\b", "all of the"), (r"\ball\b", "none of the"),
    (r"\bnothing\b", "everything"), (r"\beverything\b", "nothing"), (r"\balways\b", "never"), (r"\bnever\b", "always"),
    (r"\b(\d{1,2})\s?(?:-|–|to)\s?(\d{1,2})\b(?= (?:vote|decision|ruling|verdict|majority))", "unanimous"),
]


def swap_quantifier(text: str, rng: random.Random) -> str | None:
    """"no one" <-> "everyone", "all" <-> "none of the", a split vote <-> unanimous."""
    options = [(m, new) for pattern, new in _QUANTIFIER_SWAPS for m in re.finditer(pattern, text, re.IGNORECASE)]
    tally = re.search(r"\bvoted (\d{1,3})\s?(?:-|–|to)\s?(\d{1,3})\b", text)
    if tally and int(tally.group(2)) > 0:
        options.append((tally, "voted unanimously"))
    if not options:
        return None
    m, new = rng.choice(options)
    return _replace_span(text, m.start(), m.end(), _case_like(m.group(0), new))


# --------------------------------------------------------------------- compatible


def synonym(text: str, rng: random.Random) -> str | None:
    matches = [m for m in _WORD.finditer(text) if m.group(0).lower() in SYNONYMS]
    if not matches:
        return None
    out = text
    for m in sorted(rng.sample(matches, min(len(matches), rng.randint(1, 2))), key=lambda m: -m.start()):
        out = _replace_span(out, m.start(), m.end(), _case_like(m.group(0), SYNONYMS[m.group(0).lower()]))
    return out


def reorder(text: str, rng: random.Random) -> str | None:
    """Move an attribution or a leading/trailing phrase to the other end of the sentence."""
    body = text.rstrip(".!? ")
    end = text[len(body):] or "."
    attribution = re.search(r",\s+((?:he|she|they|officials|police|the [a-z]+|[A-Z][a-z]+(?: [A-Z][a-z]+)*) (?:said|says|added|told [a-z]+))$", body)
    if attribution:
        said = attribution.group(1)
        rest = body[: attribution.start()].strip().strip('"“”')
        return f"{_case_like('A', said)} that {rest[:1].lower() + rest[1:] if not rest[:2].isupper() else rest}{end}"
    lead = re.match(r"^((?:In|On|At|During|After|Before|Since|Last|This|Earlier|Later)\b[^,]{3,40}),\s+(.+)$", body)
    if lead:
        rest = lead.group(2)
        return f"{rest[:1].upper() + rest[1:]} {lead.group(1)[:1].lower() + lead.group(1)[1:]}{end}"
    trail = re.search(r"\s+((?:on|in|at|last|this) [A-Z]?[a-z]+(?: \d{1,4})?)$", body)
    if trail and trail.start() > 20:
        rest = body[: trail.start()]
        return f"{trail.group(1)[:1].upper() + trail.group(1)[1:]}, {rest[:1].lower() + rest[1:] if not rest[:2].isupper() and not re.match(r'[A-Z][a-z]+ [A-Z]', rest) else rest}{end}"
    return None


def add_detail(text: str, rng: random.Random) -> str | None:
    body = text.rstrip(".!? ")
    if body.endswith(('"', "”", "said", "says")) or len(body) < 20:
        return None
    return body + rng.choice(DETAILS) + (text[len(body):] or ".")


def drop_detail(text: str, rng: random.Random) -> str | None:
    """Leave out a parenthesis or a trailing clause: the shorter statement is implied by the longer."""
    paren = re.search(r"\s*\([^)]{3,80}\)", text)
    if paren:
        return _replace_span(text, paren.start(), paren.end(), "")
    clause = re.search(r",\s+(?:which|who|while|as|after|with|including)\b[^,]{8,}$", text.rstrip(".!? "))
    if clause:
        body = text.rstrip(".!? ")
        return body[: clause.start()] + (text[len(body):] or ".")
    return None


def restate_number(text: str, rng: random.Random) -> str | None:
    """The same figure written another way: rounded and hedged, or spelled out."""
    numbers = [n for n in read_numbers(text) if _NUMBER_ONLY.fullmatch(n.text.strip()) and not n.approximate]
    if not numbers:
        return None
    n = rng.choice(numbers)
    value = n.value
    spelled = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    if value in spelled:
        new = spelled[int(value)]
    elif value >= 20:
        magnitude = 10 ** max(len(str(int(value))) - 2, 1)
        new = f"about {_format_like(n.text, round(value / magnitude) * magnitude)}"
    else:
        return None
    return _replace_span(text, n.start, n.end, new)


_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:and|but|while|which|after|before|because)\s+")


def crop_clause(text: str, original: str, rng: random.Random) -> str | None:
    """Keep one clause of ``text``: the one an edit changed if any, else a random one of five words or more.

    Real contradictions sit in sentences that share a clause, not a whole sentence;
    cropping both contradicting and compatible partners keeps length from giving the label away.
    """
    pieces = [p.strip(" .!?\"'“”") for p in _CLAUSE.split(text)]
    pieces = [p for p in pieces if len(p.split()) >= 5]
    if len(pieces) < 2:
        return None
    changed = [p for p in pieces if p not in original]
    piece = changed[0] if changed else rng.choice(pieces)
    return piece[:1].upper() + piece[1:] + "."


def loosen(text: str, original: str, rng: random.Random) -> str:
    """One or two compatible edits on top of an edit, so that partners are not near-copies."""
    for _ in range(rng.randint(1, 2)):
        step = rng.choice(("crop", "synonym", "reorder", "dropped_detail", "added_detail"))
        if step == "crop":
            out = crop_clause(text, original, rng)
        else:
            out = COMPATIBLE[step](text, rng)
        if out:
            text = out
    return text


def splice(text: str, original: str, other: str, rng: random.Random) -> str | None:
    """The edited clause inside a clause of another sentence of the article.

    Real contradictions rarely repeat a sentence: "the bridge reopened on Monday"
    meets "drivers were warned that the bridge remains closed". Splicing gives
    partners that share one clause and little else; compatible partners are
    spliced the same way, so splicing itself tells nothing.
    """
    clause = crop_clause(text, original, rng) or text
    frames = [p.strip(" .!?\"'“”") for p in _CLAUSE.split(other) if len(p.split()) >= 3]
    if not frames:
        return None
    frame = rng.choice(frames)
    joiner = rng.choice((" said that ", ", and ", "; ", " as ")) if not frame.endswith("said") else " that "
    body = clause.rstrip(".")
    return frame[:1].upper() + frame[1:] + joiner + body[:1].lower() + body[1:] + "."


_VOTE_VERB = re.compile(r"\b(voted|approved|passed|backed|rejected|endorsed|elected|confirmed)\b")


def vote_tally(text: str, rng: random.Random) -> str | None:
    """A split vote on one side, a unanimous one on the other: "approved" -> "approved by 5 votes to 4"."""
    m = _VOTE_VERB.search(text)
    if not m or "unanimous" in text.lower():
        return None
    high = rng.randint(3, 60)
    low = rng.randint(1, high - 1)
    tally = rng.choice((f" by {high} votes to {low}", f" {high} to {low}", f" by a {high}-{low} vote"))
    return text[: m.end()] + tally + text[m.end() :]


def vote_unanimous(text: str, rng: random.Random) -> str | None:
    m = _VOTE_VERB.search(text)
    if not m or "unanimous" in text.lower():
        return None
    return text[: m.start()] + "unanimously " + text[m.start() :]


CONTRADICTING: dict[str, Callable] = {
    "negation": negate,
    "antonym": swap_antonym,
    "number": change_number,
    "entity": swap_entity,
    "date": change_date,
    "quantifier": swap_quantifier,
}
COMPATIBLE: dict[str, Callable] = {
    "synonym": synonym,
    "reorder": reorder,
    "added_detail": add_detail,
    "dropped_detail": drop_detail,
    "number_restated": restate_number,
}
# The insertion benchmark's kinds (issue 5): the edits an editor most often misses.
INSERTION_KINDS = ("number", "negation", "entity", "date")


def apply(kind: str, text: str, rng: random.Random, pool: list[str] | None = None) -> str | None:
    edit = CONTRADICTING.get(kind) or COMPATIBLE[kind]
    out = edit(text, rng, pool) if kind == "entity" else edit(text, rng)
    if out is None or out.strip() == text.strip():
        return None
    return out
