"""Word and PDF files: read as text with a note that offsets refer to the extracted text; bad files a clear error."""

from __future__ import annotations

import io
import json

import pytest

from detector import InputError

from .conftest import run_cli

HEADLINE = "Council approves budget"
PARAGRAPHS = (
    "The council met on Tuesday. It approved a budget of 4.2 million pounds, the treasurer said.",
    "Residents will see bins collected weekly from May, and the leisure centre will reopen in June.",
    # Long enough (over the evidence rule's minimum of words) for the English models to score the document.
    "Councillors spent most of the evening on the library, which will keep its Saturday hours after a petition "
    "signed by local families. The opposition leader said the plan left too little for road repairs in the north "
    "of the town, where potholes have damaged cars and bicycles all winter.",
)


def make_docx(paragraphs=PARAGRAPHS, table=True, headline=HEADLINE) -> bytes:
    from docx import Document

    word = Document()
    if headline:
        word.add_heading(headline, 1)
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    if table:
        grid = word.add_table(rows=2, cols=2)
        for (row, col), text in {(0, 0): "Item", (0, 1): "Cost", (1, 0): "Roads", (1, 1): "1.1 million pounds"}.items():
            grid.cell(row, col).text = text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def make_pdf(password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, HEADLINE)
    pdf.ln(4)
    for paragraph in PARAGRAPHS:
        pdf.multi_cell(0, 8, paragraph)
        pdf.ln(4)
    return bytes(pdf.output())


@pytest.mark.parametrize("kind, make", [("docx", make_docx), ("pdf", make_pdf)])
def test_documents_are_read_as_text_with_a_note(fast_detector, validate_report, kind, make):
    report = fast_detector.check(make(), source=f"story.{kind}")  # format auto: told apart by their bytes
    payload = report.to_dict()
    validate_report(payload)
    assert payload["meta"]["extracted_from"] == kind
    assert any(note.startswith(f"{kind}: the text was extracted") and "offsets" in note for note in payload["meta"]["notes"])
    texts = [s["text"] for s in payload["sentences"]]
    assert texts[:4] == [HEADLINE, "The council met on Tuesday.", "It approved a budget of 4.2 million pounds, the treasurer said.",
                         "Residents will see bins collected weekly from May, and the leisure centre will reopen in June."]
    for sentence in report.sentences:
        assert report.document.text[sentence.start : sentence.end] == sentence.text
    assert payload["scores"]["filler"] is not None and payload["meta"]["language"] == "en"


def test_a_docx_table_is_read_row_by_row(fast_detector):
    report = fast_detector.check(make_docx(), format="docx")
    assert "Roads | 1.1 million pounds" in report.document.text


@pytest.mark.parametrize(
    "kind, data, message",
    [
        ("pdf", make_pdf(password="secret"), "encrypted"),
        ("pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "not a readable PDF"),
        ("docx", b"PK\x03\x04" + b"word/document.xml" + b"\x00" * 64, "not a readable .docx"),
        ("docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old binary .doc or an encrypted document"),
        ("docx", make_docx(paragraphs=(), table=False, headline=None), "holds no text"),
    ],
)
def test_unreadable_documents_raise_input_error(fast_detector, kind, data, message):
    with pytest.raises(InputError, match=message):
        fast_detector.check(data, format=kind, source=f"bad.{kind}")


def test_a_document_passed_as_text_is_refused(fast_detector):
    with pytest.raises(InputError, match="must be passed as bytes"):
        fast_detector.check("not bytes", format="pdf")


def test_cli_reads_documents_in_a_folder_and_names_the_bad_one(tmp_path, validate_report):
    (tmp_path / "a.docx").write_bytes(make_docx())
    (tmp_path / "b.pdf").write_bytes(make_pdf())
    (tmp_path / "c.pdf").write_bytes(make_pdf(password="secret"))
    (tmp_path / "d.txt").write_text("# Not a heading in plain text\n\nThe council met on Tuesday.\n", encoding="utf-8")
    result = run_cli("check", "--profile", "fast", "--format", "jsonl", str(tmp_path))
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert result.returncode == 2, "an unreadable input makes the run exit 2, after the others are checked"
    assert f"{tmp_path / 'c.pdf'}: the PDF is encrypted" in stderr
    reports = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["source"] for r in reports] == [str(tmp_path / n) for n in ("a.docx", "b.pdf", "d.txt")]
    assert [r["meta"].get("extracted_from") for r in reports] == ["docx", "pdf", None]
    assert reports[2]["meta"]["format"] == "plain", ".txt is read as plain text"
    for report in reports:
        validate_report(report)


def test_a_document_read_as_text_says_what_it_is(fast_detector):
    with pytest.raises(InputError, match=r"is a pdf file \(binary data, not text\); read it with format pdf"):
        fast_detector.check(make_pdf(), format="plain")
