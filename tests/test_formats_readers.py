"""The format readers one by one: choice by content, cells and merges, numbering, re-joined
words, encodings, and the clear errors of each (issue 6)."""

from __future__ import annotations

import io
import os

import pytest

from shnor_kg.errors import IngestError
from shnor_kg.ingest.blocks import Paragraph, Table
from shnor_kg.ingest.readers import read
from shnor_kg.ingest.readers_text import cyrillic_code_page

from .fixtures_formats import FONT

needs_font = pytest.mark.skipif(not FONT.is_file(), reason=f"needs the DejaVu font {FONT} (Debian fonts-dejavu-core)")


def _tables(raw):
    return [b for b in raw.blocks if isinstance(b, Table)]


def _paragraphs(raw):
    return [b.text for b in raw.blocks if isinstance(b, Paragraph)]


def _cells(table):
    return [[c.text for c in r.cells] for r in table.rows]


# -- .docx -------------------------------------------------------------------------------------------


def _docx(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_body_is_read_in_order_with_real_cells_and_merges():
    def build(document):
        document.add_paragraph("ПРИКАЗ")
        table = document.add_table(rows=4, cols=4)
        for c, text in enumerate(["№", "Мероприятие", "Срок", "Ответственный"]):
            table.cell(0, c).text = text
        table.cell(1, 0).merge(table.cell(1, 3)).text = "1. Раздел во всю ширину"
        table.cell(2, 0).text, table.cell(2, 1).text = "1.1", "Первое"
        table.cell(2, 2).merge(table.cell(2, 3)).text = "Март, школа № 7"  # across two of four columns
        table.cell(3, 0).text, table.cell(3, 1).text = "1.2", "Второе"
        table.cell(2, 3).merge(table.cell(3, 3))  # already merged cell grows down: a vertical merge
        document.add_paragraph("После таблицы")

    raw = read(_docx(build), "act.bin")
    assert [type(b).__name__ for b in raw.blocks] == ["Paragraph", "Table", "Paragraph"]
    rows = _cells(_tables(raw)[0])
    assert rows[1] == ["1. Раздел во всю ширину"]  # one cell across: a heading row of one cell
    assert rows[2] == ["1.1", "Первое", "Март, школа № 7", ""]  # read once, the covered column empty
    assert rows[3][:2] == ["1.2", "Второе"] and "Март" not in " ".join(rows[3])  # never copied down
    assert raw.media_type.endswith("wordprocessingml.document")


def test_docx_automatic_numbering_is_written_out():
    def build(document):
        document.add_paragraph("ПРИКАЗЫВАЮ:")
        for text in ("Утвердить план.", "Назначить координатора.", "Контроль оставляю за собой."):
            document.add_paragraph(text, style="List Number")

    raw = read(_docx(build), "act.bin")
    assert _paragraphs(raw) == ["ПРИКАЗЫВАЮ:", "1. Утвердить план.", "2. Назначить координатора.", "3. Контроль оставляю за собой."]


def test_docx_line_breaks_tabs_and_empty_paragraphs():
    def build(document):
        paragraph = document.add_paragraph("Начальник управления")
        paragraph.add_run().add_break()
        paragraph.add_run("администрации города\tТ.В. Золотова")
        document.add_paragraph("")
        document.add_paragraph("Приложение")

    raw = read(_docx(build), "act.bin")
    assert _paragraphs(raw) == ["Начальник управления", "администрации города\tТ.В. Золотова", "Приложение"]
    assert raw.blank_line_before(raw.blocks[2].start, raw.blocks[1].end)


def test_converted_docx_gets_back_rows_left_as_tab_separated_paragraphs():
    from shnor_kg.ingest.readers_docx import read_docx

    def build(document):
        table = document.add_table(rows=2, cols=3)
        for r, row in enumerate([["№", "Школа", "Директор"], ["1", "МБОУ СОШ № 7", "Рыжова Н.Ю."]]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        document.add_paragraph("2\tМБОУ СОШ № 10\tИванова А.А.")

    data = _docx(build)
    assert len(_tables(read_docx(data, "x.docx"))[0].rows) == 2  # an ordinary .docx is taken as it is
    converted = read_docx(data, "x.docx", converted=True)
    assert _cells(_tables(converted)[0])[-1] == ["2", "МБОУ СОШ № 10", "Иванова А.А."]
    assert any("restored" in n for n in converted.notes)


def test_broken_docx_and_other_zip_files_are_refused_by_name():
    def build(document):
        document.add_paragraph("ПРИКАЗ")

    data = _docx(build)
    with pytest.raises(IngestError, match=r"^act\.docx: damaged or truncated ZIP container"):
        read(data[: len(data) // 2], "act.docx")
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/1.jpg", b"\xff\xd8\xff")
    with pytest.raises(IngestError, match=r"^photos\.zip: a ZIP archive that is not a Word \(\.docx\) or OpenDocument"):
        read(out.getvalue(), "photos.zip")


# -- .html -------------------------------------------------------------------------------------------


def test_html_tables_with_spans_and_no_scripts():
    page = """<!DOCTYPE html><html><head><title>Не текст</title><style>p{}</style>
    <script>document.write('<p>ПРИКАЗЫВАЮ</p>')</script></head><body>
    <p>Об утверждении   плана
       мероприятий</p><p>&nbsp;</p>
    <p>Начальник&nbsp;&nbsp;&nbsp;&nbsp;Т.В.&nbsp;Золотова<br>второй строкой</p>
    <table><tr><th>№<th>Мероприятие<th>Срок<th>Ответственный
      <tr><td colspan=4>1. Раздел
      <tr><td>1.1<td>Первое<td rowspan=2>Март<td>МБОУ &laquo;СОШ № 7&raquo;
      <tr><td>1.2<td>Второе<td>Школа</table>
    <ol start=3><li>Третий пункт<li>Четвёртый пункт</ol></body></html>"""
    raw = read(page.encode("utf-8"), "page.bin")
    assert raw.media_type == "text/html"
    paragraphs = _paragraphs(raw)
    assert paragraphs[:3] == ["Об утверждении плана мероприятий", "Начальник    Т.В. Золотова", "второй строкой"]
    assert paragraphs[-2:] == ["3. Третий пункт", "4. Четвёртый пункт"]
    assert "ПРИКАЗЫВАЮ" not in raw.text and "Не текст" not in raw.text and "p{}" not in raw.text
    assert _cells(_tables(raw)[0]) == [["№", "Мероприятие", "Срок", "Ответственный"], ["1. Раздел"],
                                      ["1.1", "Первое", "Март", "МБОУ «СОШ № 7»"], ["1.2", "Второе", "", "Школа"]]
    assert raw.blank_line_before(raw.blocks[1].start, raw.blocks[0].end)


def test_html_charset_from_meta_and_a_misdeclared_page():
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head><body><p>Приказ об утверждении плана мероприятий</p></body></html>"
    assert _paragraphs(read(body.encode("cp1251"), "a.bin")) == ["Приказ об утверждении плана мероприятий"]
    misdeclared = read(body.replace("windows-1251", "utf-8").encode("cp1251"), "b.bin")
    assert _paragraphs(misdeclared) == ["Приказ об утверждении плана мероприятий"]
    assert any("declares utf-8" in n for n in misdeclared.notes)


# -- .pdf ---------------------------------------------------------------------------------------------


def _narrow_table_pdf() -> bytes:
    """A ruled table whose columns are so narrow that the words break as in real PDFs."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 5, "План мероприятий", new_x="LMARGIN", new_y="NEXT")
    narrow = pdf.get_string_width("Информационно") + 2.5  # "Информационное" cannot fit: cut mid-word
    hyphen = pdf.get_string_width("Разработка нормативно-") + 2.5  # "правовых" cannot follow on the line
    with pdf.table(col_widths=(10, narrow, hyphen, 40), width=10 + narrow + hyphen + 40, text_align="LEFT",
                   padding=1, first_row_as_headings=False) as table:
        for cells in (("№", "Мероприятие", "Содержание", "Ответственные"),
                      ("1.", "Информационное обеспечение", "Разработка нормативно-\nправовых документов", "Управление образования")):
            row = table.row()
            for text in cells:
                row.cell(text)
    return bytes(pdf.output())


@needs_font
def test_pdf_words_broken_across_lines_are_joined_again():
    import pdfplumber

    data = _narrow_table_pdf()
    layout = pdfplumber.open(io.BytesIO(data)).pages[0].extract_text()
    assert "Информационно" in layout and "\nе обеспечение" in layout.replace(" 1.\n", "\n")  # the break is real
    assert "нормативно- " in layout.replace("\n", " ")
    raw = read(data, "scan.bin")
    assert raw.media_type == "application/pdf"
    assert _cells(_tables(raw)[0])[1] == ["1.", "Информационное обеспечение", "Разработка нормативно-правовых документов",
                                         "Управление образования"]


@needs_font
def test_pdf_without_a_text_layer_is_a_scan_to_ocr():
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (800, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "ПРИКАЗ № 22/1-осн", font=ImageFont.truetype(str(FONT), 40), fill=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    with pytest.raises(IngestError, match=r"^scan\.pdf: scanned PDF: no text layer; OCR it first$"):
        read(bytes(pdf.output()), "scan.pdf")


def test_damaged_pdfs_are_refused_by_name():
    with pytest.raises(IngestError, match=r"^x\.pdf: damaged PDF, cannot be read"):
        read(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF", "x.pdf")
    with pytest.raises(IngestError, match=r"^y\.pdf: damaged PDF, cannot be read"):
        read(b"%PDF-1.4\n" + bytes(range(256)) * 8, "y.pdf")


@needs_font
def test_encrypted_pdf_is_refused_by_name():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.cell(0, 10, "ПРИКАЗ")
    with pytest.raises(IngestError, match=r"^locked\.pdf: encrypted PDF \(password protected\)"):
        read(bytes(pdf.output()), "locked.pdf")


# -- plain text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["ПРИКАЗ", "ПРИКАЗЫВАЮ:", "Об утверждении плана", "№ 22/1-осн от 13.02.2024 г.",
                                  "АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ", "Пряжина Е.Н."])
def test_cp1251_and_koi8_r_are_told_apart_on_short_and_capital_texts(text):
    for codec in ("cp1251", "koi8_r"):
        data = text.encode(codec, "replace")
        assert cyrillic_code_page(data) == codec, (text, codec)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp866"])
def test_text_encodings_with_a_mark_or_recognisable(encoding):
    text = "ПРИКАЗ\r\nОб утверждении плана мероприятий по повышению качества образования\r\n"
    data = text.encode(encoding)
    if encoding.startswith("utf-16"):
        data = ("\ufeff".encode(encoding)) + data
    raw = read(data, "a.bin")
    assert raw.text == text.replace("\r\n", "\n")


def test_damaged_utf8_is_refused_not_turned_into_mojibake():
    data = "Об утверждении плана мероприятий по повышению качества образования".encode() * 3
    at = data.index("плана".encode())
    damaged = data[:at] + b"\xff\xff" + data[at + 2:]  # the first letter of "плана" overwritten
    with pytest.raises(IngestError, match=rf"^a\.txt: not valid UTF-8 at byte {at} \(the rest of the file is UTF-8\)"):
        read(damaged, "a.txt")


def test_binary_and_empty_files_are_refused_by_name():
    with pytest.raises(IngestError, match=r"^e\.txt: empty file$"):
        read(b"", "e.txt")
    with pytest.raises(IngestError, match=r"^e\.txt: empty file"):
        read(" \r\n\t\n".encode("utf-16"), "e.txt")
    with pytest.raises(IngestError, match=r"^g\.bin: unsupported file format: binary data, not text"):
        read(os.urandom(4096) + b"\x00", "g.bin")


def test_a_word_97_file_without_libreoffice_names_the_program(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    with pytest.raises(IngestError, match=r"^old\.doc: reading a \.doc file needs LibreOffice, and the program 'soffice' is not installed"):
        read(data, "old.doc")
    with pytest.raises(IngestError, match=r"^sheet\.xls: a Microsoft Office binary file that is not a Word document"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le"), "sheet.xls")
    with pytest.raises(IngestError, match=r"^a\.rtf: reading a \.rtf file needs LibreOffice"):
        read(b"{\\rtf1\\ansi \\u1055?\\u1088? }", "a.rtf")


def test_the_reader_is_chosen_by_content_not_by_name():
    text = "ПРИКАЗ\n\nОб утверждении плана\n".encode("cp1251")
    assert read(text, "act.pdf").media_type == "text/plain"
    assert read(text, "act.docx").media_type == "text/plain"
    assert read(b"<html><body><p>x</p></body></html>", "act.txt").media_type == "text/html"


def test_list_numbers_from_the_document_cannot_blow_up():
    raw = read(b'<html><body><ol type="a" start="999999999"><li>one</li></ol><ol type="i" start="4"><li>two</li></ol></body></html>', "l.bin")
    assert _paragraphs(raw) == ["999999999. one", "iv. two"]
