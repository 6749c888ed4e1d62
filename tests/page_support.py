"""Saved news pages for the tests: page templates written to look like real ones (navigation, a cookie
banner, ads, related links, comments, a footer) around real human articles from the shared test splits.

The templates are committed (tests/fixtures/pages); the article text is read from ../shared/data at test
time, as data is never committed.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
TEMPLATES = sorted(PAGES.glob("*.html"))
AUTHORS = ("Helen Morgan", "David Okafor", "Rhian Lewis", "Tom Castellano")


@dataclass(frozen=True)
class Page:
    html: str
    article_spans: tuple[tuple[int, int], ...]  # the title, the byline's name and each body paragraph, in the page
    body_spans: tuple[tuple[int, int], ...]  # the body paragraphs only


def human_news_articles(shared_data: Path, limit: int) -> list[tuple[str, str]]:
    """(title, text) of English human news from the test splits: newsgpt news rows (they carry a title), then XSum."""
    found: list[tuple[str, str]] = []
    for line in (shared_data / "ai_text" / "newsgpt-test.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] == "human" and row["language"] == "en" and row["domain"] == "news" and row.get("title"):
            found.append((row["title"], row["text"]))
    for line in (shared_data / "ai_text" / "xsum-detectrl-test.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] == "human" and len(row["text"]) > 800:
            first = _sentences(row["text"])[0]
            found.append((" ".join(first.split()[:10]).rstrip(".,;:"), row["text"]))
    return found[:limit]


def _sentences(text: str) -> list[str]:
    from sentencex import segment

    return [s.strip() for s in segment("en", " ".join(text.split())) if s.strip()]


def paragraphs(text: str, sentences_per_paragraph: int = 3) -> list[str]:
    sentences = _sentences(text)
    return [" ".join(sentences[i : i + sentences_per_paragraph]) for i in range(0, len(sentences), sentences_per_paragraph)]


def build_page(template: Path, title: str, author: str, text: str) -> Page:
    """The template with the article filled in, and where the article's parts lie in the result."""
    source = template.read_text(encoding="utf-8")
    body = "\n".join(f"      <p>{html.escape(p, quote=False)}</p>" for p in paragraphs(text))
    fills = {"{{TITLE}}": html.escape(title, quote=False), "{{AUTHOR}}": html.escape(author, quote=False), "{{BODY}}": body}
    out, spans, body_spans, position = [], [], [], 0
    pattern = re.compile("|".join(re.escape(k) for k in fills))
    length = 0
    in_head = True
    for match in pattern.finditer(source):
        out.append(source[position : match.start()])
        length += match.start() - position
        if in_head and "<body" in source[: match.start()]:
            in_head = False
        value = fills[match.group()]
        if not in_head:  # the <head> copies (title, meta) are not the article's text on the page
            if match.group() == "{{BODY}}":
                cursor = length
                for paragraph in body.split("\n"):
                    start = cursor + paragraph.index("<p>") + 3
                    end = cursor + len(paragraph) - len("</p>")
                    body_spans.append((start, end))
                    spans.append((start, end))
                    cursor += len(paragraph) + 1
            else:
                spans.append((length, length + len(value)))
        out.append(value)
        length += len(value)
        position = match.end()
    out.append(source[position:])
    return Page("".join(out), tuple(spans), tuple(body_spans))


def inside(start: int, end: int, spans) -> bool:
    return any(s <= start and end <= e for s, e in spans)
