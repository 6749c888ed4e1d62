"""Copy inside a container: the article of a saved web page, the text of a .docx or .pdf.

A saved news page is mostly not the story: navigation, a cookie banner, related
links, comments, a footer. trafilatura (a maintained article extractor) decides
which text is the article; we keep the segmented sentences of the page that lie in
that text, so every offset still points into the HTML as given.

Word and PDF files are read with python-docx and pypdf; the report's offsets
then refer to the extracted text, which the report says (``meta.extracted_from``
and a note).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field, replace

from .errors import InputError
from .segment import Document

# Formats whose bytes hold a document to be extracted before segmentation.
DOCUMENT_FORMATS = ("docx", "pdf")
PAGE_FORMAT = "html-page"

_WORD = re.compile(r"\w+")
# A block this short that is not a whole line of the article ("Share", "Read more")
# is too common to be placed by a substring match.
_MIN_WORDS_FOR_SUBSTRING = 5

_PAGE_MARKERS = re.compile(r"<(?:nav|header|footer|aside)[\s>]", re.IGNORECASE)
_HTML_ROOT = re.compile(r"<html[\s>]|<!doctype html", re.IGNORECASE)
_LINK = re.compile(r"<a\s[^>]*href", re.IGNORECASE)
# A page with this many links is a page, not a fragment of copy with a few links in it.
_MANY_LINKS = 15


def looks_like_page(html: str) -> bool:
    """A whole web page (an <html> root with page furniture or many links), not a fragment of copy."""
    head = html[:2_000_000]
    if not _HTML_ROOT.search(head):
        return False
    return bool(_PAGE_MARKERS.search(head)) or len(_LINK.findall(head)) >= _MANY_LINKS


def _normalised(text: str) -> str:
    """Words only, lower case, NFKC: what survives both the extractor and our segmenter."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


@dataclass(slots=True)
class _Article:
    lines: set[str] = field(default_factory=set)
    body: str = ""
    title: str | None = None
    byline: str | None = None


def _extract_article(html: str) -> _Article | None:
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=True, with_metadata=True, favor_precision=True
        )
    if found is None or not (found.text or "").strip():
        return None
    article = _Article(title=found.title or None, byline=found.author or None)
    lines = [line for line in found.text.splitlines() if line.strip()]
    article.lines = {_normalised(line) for line in lines}
    article.body = " " + " ".join(_normalised(line) for line in lines) + " "
    for extra in (found.title, found.author):
        if extra:
            article.lines.add(_normalised(extra))
    return article


def select_article(document: Document) -> Document:
    """``document`` (a segmented page) reduced to the sentences of its article, indexes renumbered."""
    article = _extract_article(document.text)
    total = len(document.sentences)
    if article is None:
        document.notes.append("html-page: no article found on the page; the whole page was checked")
        document.extracted_from = PAGE_FORMAT
        return document
    byline = _normalised(article.byline) if article.byline else None
    blocks: dict[int, list] = {}
    for sentence in document.sentences:
        blocks.setdefault(sentence.block, []).append(sentence)
    kept = []
    for members in blocks.values():
        block_text = _normalised(" ".join(s.clean for s in members))
        if _in_article(block_text, article, byline):
            kept.extend(members)
            continue
        # Blocks of the page and paragraphs of the extract need not coincide (a <div>
        # holding several paragraphs); then each sentence is placed on its own.
        kept.extend(s for s in members if _in_article(_normalised(s.clean), article, byline))
    kept.sort(key=lambda s: s.start)
    document.sentences = [replace(s, index=i) for i, s in enumerate(kept)]
    document.extracted_from = PAGE_FORMAT
    what = ", ".join(part for part, present in (("title", article.title), ("byline", article.byline), ("body", True)) if present)
    document.notes.append(
        f"html-page: checked the article ({what}): {len(kept)} of {total} sentences of the page; navigation, "
        f"banners, related links, comments and footer skipped; offsets point into the page as given"
    )
    return document


def _in_article(text: str, article: _Article, byline: str | None) -> bool:
    if not text:
        return False
    if text in article.lines:
        return True
    if byline and byline in text and len(text.split()) <= len(byline.split()) + 8:
        return True
    return len(text.split()) >= _MIN_WORDS_FOR_SUBSTRING and f" {text} " in article.body


# -- documents ---------------------------------------------------------------

# A PDF line shorter than this share of the page's longest line ends a paragraph.
_SHORT_LINE = 0.6


@dataclass(frozen=True, slots=True)
class ExtractedText:
    text: str
    extracted_from: str
    notes: tuple[str, ...]


def sniff_document_format(data: bytes) -> str | None:
    """"pdf" or "docx" when the bytes are one (by their magic numbers), else None."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    return None


def document_format_for_suffix(suffix: str) -> str | None:
    suffix = suffix.lower()
    return {".docx": "docx", ".pdf": "pdf"}.get(suffix)


def extract_document(data: bytes, format: str, *, name: str = "input") -> ExtractedText:
    """The text of a .docx or .pdf, or ``InputError`` saying why it cannot be read."""
    if format == "docx":
        text = _docx_text(data, name)
    elif format == "pdf":
        text = _pdf_text(data, name)
    else:  # pragma: no cover - callers pass DOCUMENT_FORMATS only
        raise ValueError(format)
    if not text.strip():
        raise InputError(f"{name}: the {format} file holds no text to check (a scan? text in images is not read)")
    note = (
        f"{format}: the text was extracted from the {format} file; offsets, lines and columns refer to the "
        f"extracted text, not to the file"
    )
    return ExtractedText(text, format, (note,))


def _docx_text(data: bytes, name: str) -> str:
    import zipfile

    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = WordDocument(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(f"{name}: not a readable .docx file (an old binary .doc or an encrypted document?); "
                             f"save it as .docx without a password") from None
        raise InputError(f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on corrupt XML
        raise InputError(f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})") from None
    paragraphs: list[str] = []
    for block in word.iter_inner_content():
        if hasattr(block, "rows"):  # a table: one line per row, cells separated as Markdown would
            for row in block.rows:
                cells = [cell.text.strip().replace("\n", " ") for cell in row.cells]
                paragraphs.append(" | ".join(cells))
        else:
            paragraphs.append(block.text)
    # One blank line between paragraphs so that each is a block of its own.
    return "\n\n".join(p.strip() for p in paragraphs if p.strip()) + "\n"


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    # pypdf logs its repairs of damaged files ("EOF marker not found"); the user gets one clear message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                # Many PDFs are "encrypted" with an empty user password only to restrict editing.
                if not reader.decrypt(""):
                    raise FileNotDecryptedError("password required")
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as exc:
                raise InputError(f"{name}: the PDF is encrypted ({exc}); remove the password first") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a corrupt file
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    return "\n\n".join(_unwrap_pdf_lines(page) for page in pages if page.strip()) + "\n"


def _unwrap_pdf_lines(page: str) -> str:
    """PDF text comes as visual lines: join the lines of a paragraph, one blank line between paragraphs.

    A line well short of the page's full width ends its paragraph (a title, the
    last line of a paragraph); so does a blank line where the PDF has one.
    """
    lines = [line.strip() for line in page.splitlines()]
    full_width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    text = ""
    for line in lines:
        if line:
            if text.endswith("-") and not text.endswith(" -"):
                text += line  # a hyphenated compound broken at the line end
            else:
                text = f"{text} {line}" if text else line
        if text and (not line or len(line) < _SHORT_LINE * full_width):
            paragraphs.append(text)
            text = ""
    if text:
        paragraphs.append(text)
    return "\n\n".join(paragraphs)
