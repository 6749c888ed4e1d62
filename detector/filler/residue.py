"""Template residue: what a template or a chat model leaves behind in copy.

Four kinds, each a small table of patterns with the message an editor reads
(the shape proselint gives its checks: mostly data):

- ``placeholder``: slots nobody filled ("[Company Name]", "XX%", "Lorem ipsum", "TKTK");
- ``assistant``: the chat model talking to its user ("As an AI language model",
  "Certainly! Here's", "I hope this helps");
- ``stock_heading``: the section headings chat models append ("Concluding
  Remarks", "In Conclusion", "Key Takeaways");
- ``markup``: markup that survived into running text (unrendered Markdown
  emphasis or heading markers, HTML tags or entities in a non-HTML document,
  literal escape sequences).

Patterns are matched against the sentence as written (``Sentence.text``, markup
included) where markup is the point, and against the clean text otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..segment import Sentence

RUNNING_TEXT = ("sentence", "list_item")


@dataclass(frozen=True, slots=True)
class Residue:
    kind: str  # placeholder | assistant | stock_heading | markup
    rule: str
    match: str
    message: str


# A bracket is a placeholder when every word in it is a slot word and at least
# one is a slot noun: "[Company Name]", "[Your Name]", "[Date]" are, while an
# editor's expansion ("UCH [University College Hospital]", "[your] children") is not.
_SLOT_NOUNS = frozenset(
    """name names company organisation organization business brand product service date day month year time city town
    location place country state region venue address phone number email e-mail website url link source title position
    role person author reporter spokesperson quote statistic statistics figure amount percentage percent price event topic
    industry team school party candidate client recipient job contact details official expert x y n""".split()
)
_SLOT_WORDS = _SLOT_NOUNS | frozenset("your my their his her the a an of and or for here first last full local specific relevant s".split())
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,60})\]|\{\{?\s*([A-Za-z_][A-Za-z0-9_ ]{0,40})\s*\}\}?|<([A-Z][A-Z_ ]{2,30})>")
_INSTRUCTION = re.compile(r"^(?:insert|add|enter|include|fill in|replace)\b", re.IGNORECASE)
_SLOT_TOKEN = re.compile(r"[A-Za-z]+")


def _is_placeholder(inner: str) -> bool:
    inner = inner.strip()
    if _INSTRUCTION.match(inner):
        return True
    words = [w.lower() for w in _SLOT_TOKEN.findall(inner.replace("_", " "))]
    return bool(words) and all(w in _SLOT_WORDS for w in words) and any(w in _SLOT_NOUNS for w in words)


_X_FIGURE = re.compile(
    r"(?<![\w.])(?:[$£€¥]\s?X{1,3}(?:[.,]X+)*(?:\s?(?:million|billion|m|bn|k))?\b"
    r"|X{1,3}(?:[.,]X+)*\s?%|X{1,3}(?:[.,]X+)*\s(?:percent|per cent|million|billion|people|years|days|employees|users)\b"
    r"|(?:19|20)XX\b|XX/XX(?:/XX(?:XX)?)?\b|X,XXX\b|\bXXX+\b)"
)
_LOREM = re.compile(r"\blorem ipsum\b|\bdolor sit amet\b|\bconsectetur adipiscing\b", re.IGNORECASE)
_TK = re.compile(r"\bTK(?:TK)+\b|\[TK\]|\(TK\)")

_ASSISTANT = [
    ("ai_disclaimer", re.compile(r"\bas an? (?:AI|artificial intelligence)(?: language model| assistant| chatbot| model|,? I\b)|"
                                 r"\bas a (?:large )?language model\b|\bI(?:'m| am) (?:just )?an AI\b(?! (?:researcher|expert|company))",
                                 re.IGNORECASE),
     "a chat model's disclaimer"),
    ("knowledge_cutoff", re.compile(r"\b(?:as of|since) my (?:last |latest )?(?:knowledge |training )?(?:update|cutoff|cut-off)\b|"
                                    r"\bmy knowledge cut-?off\b|\bI (?:do not|don't|cannot|can't) (?:browse|access) (?:the internet|real-time)",
                                    re.IGNORECASE),
     "a chat model's note on its training data"),
    ("assistant_opener", re.compile(r"^(?:certainly|sure|of course|absolutely)!|"
                                    r"^(?:certainly|sure|of course|absolutely|okay|ok)[,.!]?\s+(?:here|below|I'd|I would|I can|I will|let me)\b|"
                                    r"^here(?:'s| is| are) (?:a|an|the|your|my)\b.{0,80}\b(?:article|story|piece|version|"
                                    r"rewrite|draft|summary|paraphrase|report|text|news|headline|post)\b", re.IGNORECASE),
     "a chat model answering its user"),
    ("assistant_offer", re.compile(r"\bI hope (?:this|that) (?:helps|meets your)\b|\blet me know if (?:you|there)(?:'s| is| are| need| would| have)\b|"
                                   r"\bfeel free to (?:ask|let me|modify|adjust|edit)\b|"
                                   r"\bI(?:'d| would) be (?:happy|glad) to (?:help|assist|provide|write|rewrite|revise|adjust)\b|"
                                   r"\bif you(?:'d| would) like me to\b", re.IGNORECASE),
     "a chat model offering more help"),
    ("prompt_label", re.compile(r"^(?:title|headline|rewritten (?:article|text|version|news)|paraphrased (?:article|text|version)|"
                                r"revised (?:article|version)|news article|word count)\s*:", re.IGNORECASE),
     "a label from the prompt or the answer's layout"),
    ("generation_note", re.compile(r"^\(?note:\s.{0,60}\b(?:fictional|fabricated|generated|not real|hypothetical|misinformation|fake)\b|"
                                   r"\bthis (?:article|story|news piece) (?:is|was) (?:entirely )?(?:fictional|fabricated|a work of fiction)\b|"
                                   r"\(word count:?\s*\d+\)", re.IGNORECASE),
     "a note about how the text was generated"),
]
_QUOTES = re.compile(r'["“”«»]')

_STOCK_HEADINGS = re.compile(
    r"^(?:in\s+)?(?:conclusion|summary|closing|final thoughts|concluding (?:remarks|thoughts)|closing (?:remarks|thoughts)|"
    r"key takeaways?|takeaways|to sum (?:it )?up|wrapping up|the takeaway|final words|introduction|"
    r"frequently asked questions|faqs?)\s*:?$",
    re.IGNORECASE,
)

_EMPHASIS = re.compile(r"(?:\*\*|__)(?=\S)[^*\n]{1,120}?(?<=\S)(?:\*\*|__)")
# A standalone marker: "F**king" is censorship, not markup.
_DOUBLE_STAR = re.compile(r"(?<!\w)\*\*|\*\*(?!\w)")
_HEADING_MARKER = re.compile(r"(?:^|\s)#{2,6}\s+\S")
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|h[1-6]|ul|ol|li|a|img|table|tr|td|font)\b[^<>\n]{0,200}/?>", re.IGNORECASE)
_HTML_ENTITY = re.compile(r"&(?:nbsp|amp|quot|apos|lt|gt|mdash|ndash|rsquo|lsquo|rdquo|ldquo|hellip|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
_ESCAPE = re.compile(r"\\[nrt](?=[A-Z\s]|$)|\\u[0-9a-fA-F]{4}")
_FENCE = re.compile(r"```|~~~")


def _markup(sentence: Sentence, document_format: str) -> list[tuple[str, str, str]]:
    """(rule, match, what) for markup that does not belong in this document's running text.

    What is stray depends on the format: in Markdown, balanced **emphasis** is
    formatting and only an unbalanced marker is residue; in plain text and HTML
    any Markdown marker is; in HTML, tags are the structure, but a tag or an
    entity that survived into the text (escaped twice) is residue.
    """
    raw, clean = sentence.text, sentence.clean
    found = []
    if document_format == "markdown":
        if len(_DOUBLE_STAR.findall(raw)) % 2:
            found.append(("markdown_emphasis", "**", "an unbalanced Markdown emphasis marker"))
        tag, entity = _HTML_TAG.search(raw), _HTML_ENTITY.search(raw)
    else:
        match = _EMPHASIS.search(clean) or _DOUBLE_STAR.search(clean)
        if match:
            found.append(("markdown_emphasis", match.group(), "unrendered Markdown emphasis"))
        tag, entity = _HTML_TAG.search(clean), _HTML_ENTITY.search(clean)
    heading = _HEADING_MARKER.search(clean)
    if heading:
        found.append(("markdown_heading", heading.group().strip(), "a Markdown heading marker inside running text"))
    if tag:
        found.append(("html_tag", tag.group(), "an HTML tag in the text"))
    if entity:
        found.append(("html_entity", entity.group(), "an HTML entity in the text"))
    for rule, pattern, what in (("escape_sequence", _ESCAPE, "a literal escape sequence"), ("code_fence", _FENCE, "a code fence")):
        match = pattern.search(clean)
        if match:
            found.append((rule, match.group(), what))
    return found


def find_residue(sentence: Sentence, document_format: str = "markdown") -> list[Residue]:
    """Every piece of template residue in one sentence of a document in ``document_format``."""
    found: list[Residue] = []
    clean = sentence.clean
    if sentence.kind == "heading" or (sentence.kind in RUNNING_TEXT and sentence.words <= 4):
        heading = clean.strip().strip("*_#:").strip()
        if _STOCK_HEADINGS.match(heading):
            found.append(Residue("stock_heading", "stock_heading", heading, f'stock section heading "{heading}"'))
    for match in _BRACKETED.finditer(clean):
        text = match.group()
        if _is_placeholder(next(g for g in match.groups() if g is not None)):
            found.append(Residue("placeholder", "bracketed_placeholder", text, f'unfilled placeholder "{text}"'))
    for rule, pattern, what in (
        ("x_figure", _X_FIGURE, "a figure left as X"),
        ("lorem_ipsum", _LOREM, "dummy text"),
        ("tk", _TK, "a 'to come' marker"),
    ):
        match = pattern.search(clean)
        if match:
            found.append(Residue("placeholder", rule, match.group(), f'unfilled placeholder "{match.group()}" ({what})'))
    if sentence.kind in RUNNING_TEXT or sentence.kind == "heading":
        for rule, pattern, what in _ASSISTANT:
            match = pattern.search(clean)
            # Inside a quotation it is a person speaking ("Let me know if you need anything," she said).
            if match and len(_QUOTES.findall(clean, 0, match.start())) % 2 == 0:
                found.append(Residue("assistant", rule, match.group(), f'chat-model residue "{_short(match.group())}" ({what})'))
    if sentence.kind in RUNNING_TEXT:
        for rule, match, what in _markup(sentence, document_format):
            found.append(Residue("markup", rule, match, f'stray markup "{_short(match)}" ({what})'))
    return found


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
