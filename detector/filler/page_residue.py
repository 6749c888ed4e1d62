"""Page residue: the web page's furniture that a scraper copied into the story.

"Media playback is not supported on this device", "Get push notifications with
news, features and more.", "Read or Share this story:": text that belonged to
the page around the article (player notices, share and follow prompts,
newsletter boxes), not to the article. A scraper often glues it to the next
sentence ("...on this deviceArmson, who is..."), so it is matched inside a
sentence, not only as one.

The phrases are mined from the human news of the train and dev splits
(``detector.filler.train_page_residue``) and shipped in ``page_residue.json`` with
their counts; nothing here is a guess at what residue looks like. This is not
evidence that a machine wrote the copy (human pages carry it), so it feeds
neither the filler sentence model nor the document score: it is a flag for the
editor only (``filler.template_residue``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PAGE_RESIDUE_FILE = "page_residue.json"


@dataclass(frozen=True, slots=True)
class PagePhrase:
    phrase: str
    human_stories: int
    machine_stories: int


class PageResidueList:
    """The mined phrases and one compiled pattern that finds any of them."""

    def __init__(self, phrases: list[PagePhrase], meta: dict | None = None):
        self.phrases = {p.phrase: p for p in phrases}
        self.meta = meta or {}
        # Longest first, so a phrase that extends another wins the alternation.
        ordered = sorted(self.phrases, key=len, reverse=True)
        alternation = "|".join(re.escape(p) for p in ordered) or r"(?!)"
        # Left edge: not inside a word, except where the page glued the phrase to
        # the end of the previous sentence ("...second round.Media playback").
        # Right edge: not followed by more of the same word ("Read full storyline"),
        # but a glued capital ("deviceArmson") is the next sentence.
        self._pattern = re.compile(rf"(?:(?<![\w@])|(?<=[a-z.!?:;,\"”)]))(?:{alternation})(?![a-z0-9])")

    def find(self, text: str) -> list[str]:
        return [m.group() for m in self._pattern.finditer(text)]

    @classmethod
    def from_payload(cls, payload: dict) -> PageResidueList:
        phrases = [PagePhrase(p["phrase"], int(p["human_stories"]), int(p["machine_stories"])) for p in payload["phrases"]]
        return cls(phrases, payload.get("meta"))


@lru_cache(maxsize=1)
def shipped_page_residue() -> PageResidueList:
    text = resources.files("detector.filler").joinpath(PAGE_RESIDUE_FILE).read_text(encoding="utf-8")
    return PageResidueList.from_payload(json.loads(text))


def find_page_residue(text: str, phrases: PageResidueList | None = None) -> list[str]:
    """The page-residue phrases in ``text`` (a sentence's clean text), in order."""
    return (phrases or shipped_page_residue()).find(text)
