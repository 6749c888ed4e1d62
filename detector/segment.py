"""From raw copy to sentences with exact offsets into the input.

Every unit the checks see is a ``Sentence`` whose ``text`` is ``input[start:end]``
exactly, markup included; ``clean`` is the same span with markup removed, which is
what the models read.

Block structure comes from well-kept parsers (markdown-it-py for Markdown and
plain text, tree-sitter-html for HTML) and sentence boundaries from sentencex.
What is ours is the glue that real copy needs: incoming copy rarely follows
CommonMark (a bare title line sits right under a paragraph, a table follows a
list item with no blank line), so before parsing we insert blank lines where a
line is plainly a block of its own. Inserted lines are empty, so every parsed
line still maps to a line of the input and offsets stay exact.

All markup is masked in place with characters of the same length, so a position
in a masked view is the same position in the input; that is what keeps offsets
exact without a separate position map.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from sentencex import segment as _sentencex_segment

FORMATS = ("auto", "plain", "markdown", "html")
SENTENCE_KINDS = ("sentence", "heading", "list_item", "table_row")

# Text masked for the splitter is a space; text deleted from the model's view is
# NUL, removed when the clean text is built. Both keep the length of the input.
_DELETED = "\x00"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE_RUN = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One unit of the report: a sentence, a heading, a list item or a table row."""

    index: int
    start: int
    end: int
    text: str
    clean: str
    kind: str = "sentence"
    block: int = 0
    cells: tuple[str, ...] | None = None
    header: tuple[str, ...] | None = None

    @property
    def words(self) -> int:
        return len(self.clean.split())


@dataclass(slots=True)
class Document:
    """A segmented input: the text as given and its sentences in reading order."""

    text: str
    format: str
    sentences: list[Sentence]
    source: str | None = None
    notes: list[str] = field(default_factory=list)
    # "docx", "pdf" or "html-page" when the checked text was taken out of a container.
    extracted_from: str | None = None
    _line_starts: list[int] | None = field(default=None, repr=False)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset, as linters print them."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str  # paragraph | heading | list_item | table_row | table_header
    start: int
    end: int
    cells: tuple[tuple[int, int], ...] | None = None


def segment(text: str, format: str = "auto", *, source: str | None = None) -> Document:
    """Split ``text`` into sentences with offsets; ``format`` is plain, markdown, html or auto."""
    if format not in FORMATS:
        raise ValueError(f"unknown input format {format!r}; expected one of {', '.join(FORMATS)}")
    if format == "auto":
        format = sniff_format(text)
    notes: list[str] = []
    if format == "html":
        blocks, split_view, clean_view = _html_blocks(text, notes)
    else:
        blocks = _markdown_blocks(text, plain=format == "plain")
        split_view = clean_view = None
    sentences = _sentences(text, blocks, format, split_view, clean_view)
    return Document(text=text, format=format, sentences=sentences, source=source, notes=notes)


_HTML_SNIFF = re.compile(
    r"<!doctype html|<html[\s>]|<body[\s>]|<(?:p|div|h[1-6]|article|section|br|ul|ol|li|table|span|a)[\s>/]",
    re.IGNORECASE,
)


def sniff_format(text: str) -> str:
    """HTML if the start of the text carries block-level HTML, Markdown otherwise.

    Markdown is the safe default: plain prose parses as Markdown paragraphs, and
    the Markdown path also understands the lists and tables plain copy contains.
    """
    head = text[:4096]
    if head.lstrip().startswith("<") and _HTML_SNIFF.search(head):
        return "html"
    if len(_HTML_SNIFF.findall(head)) >= 3:
        return "html"
    return "markdown"


# ---------------------------------------------------------------------------
# Markdown and plain text


_BULLET = re.compile(r"^[ \t]{0,3}(?:[-*+•▪‣◦●–]|\d{1,9}[.)])[ \t]+\S")
_BULLET_MARKER = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+•▪‣◦●–]|\d{1,9}[.)])[ \t]+")
_TABLE_LINE = re.compile(r"^[ \t]{0,3}\|")
_ATX_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_ATX_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*#{1,6}[ \t]*|[ \t]+#+[ \t]*$")
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)")
_SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_INDENTED = re.compile(r"^[ \t]+\S")
# A line is complete when it ends a sentence: terminal punctuation, possibly
# followed by closing quotes or brackets, or trailing markup.
_COMPLETE_LINE = re.compile(r"""[.!?:;…][\"'”’»)\]*_]*[ \t]*$""")
_STARTS_LIKE_BLOCK = re.compile(r"""^[ \t]*[\"'“‘«(\[*_]*[A-Z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]""")
_TITLE_STOPWORDS = frozenset(
    "a an and as at but by for from in into nor of on or over per the to up via vs with".split()
)
_MAX_TITLE_WORDS = 20
_MAX_SENTENCE_CASE_TITLE_WORDS = 12


def is_title_line(line: str) -> bool:
    """A bare title: short, no closing punctuation, and title-cased or very short.

    Real copy marks headings this way ("Concluding Remarks", a headline above
    the body) far more often than with ``#``.
    """
    stripped = line.strip().strip("*_#").strip()
    if not stripped or _COMPLETE_LINE.search(stripped) or stripped.endswith(","):
        return False
    words = stripped.split()
    if len(words) > _MAX_TITLE_WORDS or not _STARTS_LIKE_BLOCK.match(stripped):
        return False
    if len(words) <= _MAX_SENTENCE_CASE_TITLE_WORDS:
        return True
    content = [w for w in words if w.lower() not in _TITLE_STOPWORDS]
    capitalised = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit())
    return capitalised >= 0.6 * max(1, len(content))


def _line_kind(line: str) -> str:
    if not line.strip():
        return "blank"
    if _FENCE.match(line):
        return "fence"
    if _TABLE_LINE.match(line):
        return "table"
    if _ATX_HEADING.match(line):
        return "heading"
    if line.lstrip().startswith(">"):
        return "quote"
    if _SETEXT.match(line):
        return "setext"
    if _BULLET.match(line):
        return "bullet"
    if _INDENTED.match(line):
        return "indented"
    return "text"


def _needs_break(prev: str, prev_kind: str, line: str, kind: str, in_list: bool) -> bool:
    """Whether a blank line belongs between two adjacent non-blank lines."""
    if kind == "setext":
        # "Title\n===" is a heading; "A sentence.\n---" is a sentence and a rule.
        return bool(_COMPLETE_LINE.search(prev))
    if prev_kind == "table" or kind == "table":
        return prev_kind != kind
    if kind == "bullet":
        return not in_list
    if kind in ("heading", "fence", "quote"):
        return prev_kind != kind
    if prev_kind in ("heading", "setext"):
        return True
    if kind == "indented" and in_list:
        return False
    if in_list and not _COMPLETE_LINE.search(prev) and not _STARTS_LIKE_BLOCK.match(line):
        return False  # a hard-wrapped list item
    if in_list:
        return True
    ends_complete = bool(_COMPLETE_LINE.search(prev)) or is_title_line(prev)
    return ends_complete and bool(_STARTS_LIKE_BLOCK.match(line))


def _normalised_source(lines: list[str]) -> tuple[str, list[int]]:
    """The source with blank lines inserted at block breaks, and a map from its lines to the input's."""
    out: list[str] = []
    origin: list[int] = []
    prev, prev_kind = "", "blank"
    in_fence = False
    in_list = False
    for number, line in enumerate(lines):
        kind = _line_kind(line)
        if in_fence:
            if kind == "fence":
                in_fence = False
            kind = "code"
        elif kind == "fence":
            in_fence = True
        if kind == "blank":
            in_list = False
        elif prev_kind not in ("blank", "code") and kind != "code":
            if _needs_break(prev, prev_kind, line, kind, in_list):
                out.append("")
                origin.append(-1)
                if kind != "bullet" and kind != "indented":
                    in_list = False
        if kind == "bullet":
            in_list = True
        out.append(line)
        origin.append(number)
        prev, prev_kind = line, kind
    return "\n".join(out), origin


@lru_cache(maxsize=2)
def _markdown_parser(plain: bool) -> MarkdownIt:
    if plain:
        parser = MarkdownIt("zero")
    else:
        # Indented code is off: indented paragraphs in copy are prose, not code.
        parser = MarkdownIt("commonmark").enable("table").disable(["code", "html_block"])
    # Only block structure is needed; inline markup is masked per sentence.
    parser.disable("inline")
    return parser


def _markdown_blocks(text: str, *, plain: bool) -> list[_Block]:
    if not text.strip():
        return []
    line_starts = [0]
    line_ends: list[int] = []
    for match in _LINE_BREAK.finditer(text):
        line_ends.append(match.start())
        line_starts.append(match.end())
    line_ends.append(len(text))
    lines = [text[s:e] for s, e in zip(line_starts, line_ends)]
    source, origin = _normalised_source(lines)
    tokens = _markdown_parser(plain).parse(source)

    def span(first: int, last: int) -> tuple[int, int]:
        """Input offsets of normalised lines [first, last), without edge whitespace."""
        numbers = [origin[i] for i in range(first, last) if origin[i] >= 0]
        start, end = line_starts[numbers[0]], line_ends[numbers[-1]]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    blocks: list[_Block] = []
    containers: list[str] = []
    in_thead = False
    for token in tokens:
        kind = token.type
        if kind in ("list_item_open", "blockquote_open", "heading_open", "table_open"):
            containers.append(kind)
        elif kind in ("list_item_close", "blockquote_close", "heading_close", "table_close"):
            containers.pop()
        elif kind == "thead_open":
            in_thead = True
        elif kind == "thead_close":
            in_thead = False
        elif kind == "tr_open" and token.map:
            start, end = span(*token.map)
            row_kind = "table_header" if in_thead else "table_row"
            blocks.append(_Block(row_kind, start, end, _table_cells(text, start, end)))
        elif kind == "inline" and token.map and "table_open" not in containers:
            start, end = span(*token.map)
            if start >= end:
                continue
            blocks.append(_Block(_markdown_block_kind(text[start:end], containers, plain), start, end))
    return blocks


def _markdown_block_kind(raw: str, containers: list[str], plain: bool) -> str:
    if "heading_open" in containers:
        return "heading"
    if "list_item_open" in containers or (plain and _BULLET.match(raw)):
        return "list_item"
    if "\n" not in raw and "\r" not in raw and is_title_line(raw):
        return "heading"
    return "paragraph"


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _table_cells(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Offsets of each cell's content in a pipe-table row (edges trimmed)."""
    row = text[start:end]
    bounds = [m.start() for m in _CELL_SPLIT.finditer(row)]
    edges = [-1, *bounds, len(row)]
    cells = []
    for left, right in zip(edges, edges[1:]):
        a, b = left + 1, right
        while a < b and row[a].isspace():
            a += 1
        while b > a and row[b - 1].isspace():
            b -= 1
        cells.append((start + a, start + b))
    # A leading and a trailing pipe each leave an empty edge cell that is not a cell.
    if row.lstrip().startswith("|") and cells and cells[0][0] == cells[0][1]:
        cells = cells[1:]
    if row.rstrip().endswith("|") and cells and cells[-1][0] == cells[-1][1]:
        cells = cells[:-1]
    return tuple(cells)


# Inline markup, masked in place. Each pattern's named groups say what to keep.
_INLINE_MARKUP = re.compile(
    r"""
      (?P<image>!\[[^\]\n]*\]\((?:[^()\n]|\([^()\n]*\))*\))
    | (?P<link_open>\[)(?=[^\]\n]*\](?:\(|\[))
    | (?P<link_close>\]\((?:[^()\n]|\([^()\n]*\))*\)|\]\[[^\]\n]*\])
    | (?P<autolink><(?:https?|ftp|mailto):[^>\s]*>)
    | (?P<html><!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>)
    | (?P<escape>\\(?=[!-/:-@\[-`{-~]))
    | (?P<code>`+)
    | (?P<strike>~~)
    | (?P<stars>(?<=\S)\*+|\*+(?=\S))
    | (?P<underscores>(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9]))
    """,
    re.VERBOSE | re.DOTALL,
)


_MARKUP_CHARACTERS = re.compile(r"[*_`\[<\\~]")


def _mask_markdown(raw: str, kind: str, plain: bool) -> tuple[str, str]:
    """Two views of ``raw`` of its exact length: one for the splitter, one for the models."""
    needs_prefix = kind == "list_item" or ">" in raw or (kind == "heading" and not plain and "#" in raw)
    needs_inline = not plain and _MARKUP_CHARACTERS.search(raw) is not None
    if not needs_prefix and not needs_inline:
        return raw, raw  # most sentences of news copy carry no markup at all
    split = list(raw)
    clean = list(raw)

    def mask(a: int, b: int, replacement: str) -> None:
        piece = raw[a:b]
        if "\n" in piece or "\r" in piece:
            split[a:b] = [c if c in "\r\n" else " " for c in piece]
            clean[a:b] = [c if c in "\r\n" else replacement for c in piece]
        else:
            split[a:b] = " " * (b - a)
            clean[a:b] = replacement * (b - a)

    # Line prefixes: quote markers on every line; a list marker or # on the first.
    offset = 0
    for number, line in enumerate(raw.splitlines(keepends=True)):
        pattern = _QUOTE_MARKERS
        if number == 0 and kind == "list_item":
            pattern = _BULLET_MARKER
        elif kind == "heading" and not plain:
            pattern = _ATX_MARKERS
        for match in pattern.finditer(line):
            mask(offset + match.start(), offset + match.end(), " ")
        offset += len(line)
    if needs_inline:
        for match in _INLINE_MARKUP.finditer(raw):
            group = match.lastgroup
            if group in ("html", "image"):
                mask(match.start(), match.end(), " ")
            elif group == "autolink":
                mask(match.start(), match.start() + 1, _DELETED)
                mask(match.end() - 1, match.end(), _DELETED)
            else:
                mask(match.start(), match.end(), _DELETED)
    return "".join(split), "".join(clean)


def clean_text(view: str) -> str:
    """The model's view of a span: deleted markup gone, white space collapsed."""
    return _WHITESPACE_RUN.sub(" ", view.replace(_DELETED, "")).strip()


# ---------------------------------------------------------------------------
# HTML

_HTML_BLOCK_TAGS = frozenset(
    """address article aside blockquote body br caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav
    ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
_HTML_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q rp rt ruby s samp small span strong sub sup time tt u var wbr".split()
)
_HTML_SKIPPED = frozenset("head script style noscript template svg math iframe object select textarea button".split())
# Tree-sitter is linear on real pages but slows badly on pathological nesting
# (100,000 unclosed <div>s); past this budget we fall back to masking tags.
_HTML_PARSE_SECONDS = 2.0
_HTML_PARSE_SECONDS_PER_MB = 1.0


@lru_cache(maxsize=1)
def _html_parser():
    import tree_sitter_html
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_html.language()))


def _html_blocks(text: str, notes: list[str]) -> tuple[list[_Block], str, str]:
    data = text.encode("utf-8")
    tree = _parse_html(data)
    if tree is None:
        notes.append("html: the markup was too deeply nested to parse in time; tags were stripped instead")
        return _html_blocks_fallback(text)
    walker = _HtmlWalker(text, data)
    walker.walk(tree.root_node)
    return walker.blocks, "".join(walker.split), "".join(walker.clean)


class _OpenBlock:
    """A block element being read: where its current run of text starts and ends, and its cells."""

    __slots__ = ("kind", "start", "end", "cells", "header_cells", "data_cells")

    def __init__(self, kind: str):
        self.kind = kind
        self.start: int | None = None
        self.end = -1
        self.cells: list[list[int]] | None = [] if kind == "table_row" else None
        self.header_cells = 0
        self.data_cells = 0

    def add(self, start: int, end: int) -> None:
        if self.start is None:
            self.start = start
        self.end = end
        if self.cells:
            cell = self.cells[-1]
            if cell[0] < 0:
                cell[0] = start
            cell[1] = end

    def take(self) -> _Block | None:
        """The run read so far as a block, leaving this element open for more text."""
        block = None
        if self.start is not None and self.end > self.start:
            cells = None
            kind = self.kind
            if self.cells is not None:
                cells = tuple((a, b) for a, b in self.cells if 0 <= a < b)
                if self.header_cells and not self.data_cells:
                    kind = "table_header"
            block = _Block(kind, self.start, self.end, cells)
        self.start, self.end = None, -1
        return block


class _HtmlWalker:
    """Reads a tree-sitter HTML tree into blocks and two masked views of the input."""

    _BLOCK_KINDS = {"li": "list_item", "tr": "table_row", "h1": "heading", "h2": "heading", "h3": "heading",
                    "h4": "heading", "h5": "heading", "h6": "heading"}

    def __init__(self, text: str, data: bytes):
        self.text = text
        self.data = data
        self.to_char = _byte_to_char_map(text, data)
        self.split = [" "] * len(text)
        # Markup is deleted from the clean view, white space between tags is kept:
        # "Hello <b>world</b>" reads "Hello world", "<b>A</b>&amp;B" reads "A&B".
        self.clean = list(_NON_SPACE.sub(_DELETED, text))
        self.blocks: list[_Block] = []
        self.open: list[_OpenBlock] = [_OpenBlock("paragraph")]

    def _close_run(self) -> None:
        block = self.open[-1].take()
        if block is not None:
            self.blocks.append(block)

    def walk(self, root) -> None:
        # Iterative, so that deeply nested soup cannot overflow the Python stack.
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._close_run()
                self.open.pop()
                continue
            node_type = node.type
            if node_type == "text":
                self._text(node)
            elif node_type == "entity":
                self._entity(node)
            elif node_type in ("document", "element"):
                children = []
                for child in node.children:
                    if child.type in ("start_tag", "end_tag", "self_closing_tag"):
                        self._mask_tag(child)
                    else:
                        children.append(child)
                tag = _tag_name(node, self.data) if node_type == "element" else ""
                if tag in _HTML_SKIPPED:
                    continue
                if tag in _HTML_BLOCK_TAGS and tag not in ("td", "th", "br", "hr", "thead", "tbody", "tfoot"):
                    self._close_run()
                    self.open.append(_OpenBlock(self._BLOCK_KINDS.get(tag, "paragraph")))
                    stack.append((node, True))
                elif tag in ("br", "hr"):
                    self._close_run()
                elif tag in ("td", "th"):
                    row = self.open[-1]
                    if row.cells is not None:
                        row.cells.append([-1, -1])
                        if tag == "th":
                            row.header_cells += 1
                        else:
                            row.data_cells += 1
                    else:
                        self._close_run()
                stack.extend((child, False) for child in reversed(children))
            # script/style elements, comments, doctypes and stray end tags stay masked.
        while self.open:
            self._close_run()
            self.open.pop()
        self.blocks.sort(key=lambda b: b.start)

    def _mask_tag(self, node) -> None:
        # White space inside a tag is markup too: '<a href="x">' is deleted whole.
        start, end = self.to_char(node.start_byte), self.to_char(node.end_byte)
        self.clean[start:end] = _DELETED * (end - start)

    def _text(self, node) -> None:
        start, end = self.to_char(node.start_byte), self.to_char(node.end_byte)
        self.split[start:end] = self.text[start:end]
        self.clean[start:end] = self.text[start:end]
        self.open[-1].add(start, end)

    def _entity(self, node) -> None:
        start, end = self.to_char(node.start_byte), self.to_char(node.end_byte)
        decoded = _decode_entity(self.text[start:end])
        if decoded is None:  # "&T" in "AT&T" is text, not an entity
            self.split[start:end] = self.clean[start:end] = self.text[start:end]
        else:
            self.split[start] = self.clean[start] = decoded
        self.open[-1].add(start, end)


def _parse_html(data: bytes):
    parser = _html_parser()
    budget = _HTML_PARSE_SECONDS + _HTML_PARSE_SECONDS_PER_MB * len(data) / 1e6
    deadline = time.monotonic() + budget
    view = memoryview(data)

    def read(offset: int, _point) -> bytes:
        return bytes(view[offset : offset + (1 << 20)])

    def over_budget(*_state) -> bool:
        return time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=over_budget)
    except ValueError:
        return None


def _tag_name(node, data: bytes) -> str:
    for child in node.children:
        if child.type in ("start_tag", "self_closing_tag"):
            for part in child.children:
                if part.type == "tag_name":
                    return data[part.start_byte : part.end_byte].decode("utf-8", "replace").lower()
    return ""


def _byte_to_char_map(text: str, data: bytes):
    if len(data) == len(text):
        return lambda b: b
    import numpy as np

    # Character index of every byte offset: count the bytes that start a character.
    starts = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    char_of_byte = np.concatenate(([0], np.cumsum(starts)))
    return lambda b: int(char_of_byte[b])


def _decode_entity(entity: str) -> str | None:
    """The character an entity stands for, or None when it is not a real entity."""
    import html
    from html.entities import html5

    body = entity[1:]
    if body.startswith("#"):
        digits = body[1:].rstrip(";")
        try:
            code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
        except ValueError:
            return None
        return html.unescape(f"&#{code};")[:1] if 0 < code <= 0x10FFFF else None
    named = html5.get(body) or html5.get(body + ";")
    return named[:1] if named else None


_FALLBACK_TAG = re.compile(r"<!--.*?(?:-->|$)|<(?:script|style)\b.*?(?:</(?:script|style)\s*>|$)|<[^<>]*>", re.DOTALL | re.IGNORECASE)
_FALLBACK_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|tr|br|section|article|blockquote|table|ul|ol)\b", re.IGNORECASE)


def _html_blocks_fallback(text: str) -> tuple[list[_Block], str, str]:
    split = list(text)
    blocks: list[_Block] = []
    cursor = 0

    def close(start: int, end: int) -> None:
        segment_text = text[start:end]
        a = start + len(segment_text) - len(segment_text.lstrip())
        b = end - (len(segment_text) - len(segment_text.rstrip()))
        if b > a:
            blocks.append(_Block("paragraph", a, b))

    for match in _FALLBACK_TAG.finditer(text):
        for i in range(match.start(), match.end()):
            split[i] = " "
        if _FALLBACK_BLOCK_TAG.match(match.group()):
            close(cursor, match.start())
            cursor = match.end()
    close(cursor, len(text))
    masked = "".join(split)
    # Blocks made only of tags have no text left once masked.
    blocks = [b for b in blocks if masked[b.start : b.end].strip()]
    return blocks, masked, masked


# ---------------------------------------------------------------------------
# Sentences


def _split_sentences(view: str) -> list[tuple[int, int]]:
    """Sentence spans in ``view``, relative to it; edges are trimmed by the caller."""
    spans = []
    offset = 0
    for piece in _sentencex_segment("en", view.replace("\n", " ").replace("\r", " ")):
        spans.append((offset, offset + len(piece)))
        offset += len(piece)
    return spans


def _trimmed_spans(split: str, clean: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each piece without surrounding white space and line prefixes.

    Markup touching the words stays with them ("**Bold.**", "<i>Next</i>"), markup
    across white space does not, so a sentence never ends on the next one's "<i>".
    A run of markup glued to both sentences ("Tandy.**Jones") opens the next one
    when a word follows it, as CommonMark's flanking rules would read it.
    """
    content = []
    for a, b in pieces:
        while a < b and split[a].isspace():
            a += 1
        while b > a and split[b - 1].isspace():
            b -= 1
        if b > a:
            content.append((a, b))
    spans: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(content):
        floor = spans[-1][1] if spans else 0
        while a > floor and clean[a - 1] == _DELETED:
            a -= 1
        if i + 1 < len(content):
            ceiling = content[i + 1][0]
            run_end = b
            while run_end < ceiling and clean[run_end] == _DELETED:
                run_end += 1
            glued_to_next_word = run_end == ceiling and split[ceiling].isalnum()
            if not glued_to_next_word:
                b = run_end
        else:
            while b < len(split) and clean[b] == _DELETED:
                b += 1
        spans.append((a, b))
    return spans


def _sentences(text: str, blocks: list[_Block], format: str, split_view: str | None, clean_view: str | None) -> list[Sentence]:
    sentences: list[Sentence] = []
    header: tuple[str, ...] | None = None
    plain = format == "plain"
    for block_index, block in enumerate(blocks):
        raw = text[block.start : block.end]
        if split_view is None:
            split, clean = _mask_markdown(raw, block.kind, plain)
        else:
            split, clean = split_view[block.start : block.end], clean_view[block.start : block.end]

        if block.kind in ("table_row", "table_header"):
            cells = tuple(
                clean_text(clean[a - block.start : b - block.start]) for a, b in (block.cells or ())
            )
            if block.kind == "table_header":
                header = cells
                kind, row_header = "heading", None
            else:
                kind, row_header = "table_row", header
            body = "; ".join(c for c in cells if c) or clean_text(clean)
            if body:
                sentences.append(Sentence(len(sentences), block.start, block.end, raw, body, kind, block_index, cells, row_header))
            continue
        header = None
        if block.kind == "heading":
            pieces = [(0, len(raw))]
            kind = "heading"
        else:
            pieces = _split_sentences(split)
            kind = "list_item" if block.kind == "list_item" else "sentence"
        for a, b in _trimmed_spans(split, clean, pieces):
            body = clean_text(clean[a:b])
            if not body:
                continue
            start, end = block.start + a, block.start + b
            sentences.append(Sentence(len(sentences), start, end, text[start:end], body, kind, block_index))
    return sentences
