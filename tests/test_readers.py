"""The block model and the plain-text reader (both table layouts, offsets, line numbers)."""

from __future__ import annotations

import unicodedata

import pytest

from shnor_kg.errors import IngestError
from shnor_kg.ingest.blocks import Paragraph, Table
from shnor_kg.ingest.readers import read

from .conftest import KOSTROMA, TULA


def _doc(path):
    return read(path.read_bytes(), path.name)


def _tables(doc):
    return [b for b in doc.blocks if isinstance(b, Table)]


def _assert_offsets(doc):
    for block in doc.blocks:
        cells = [c for r in block.rows for c in r.cells] if isinstance(block, Table) else [block]
        for piece in cells:
            assert doc.text[piece.start:piece.end] == piece.text


@pytest.mark.parametrize("path", [TULA, KOSTROMA])
def test_text_is_the_file_and_every_offset_cuts_its_text(path):
    """The text is the file's, with typographic quotes and number signs put in one for one, so
    offsets and line numbers are the file's own."""
    doc = _doc(path)
    original = path.read_text("utf-8")
    assert len(doc.text) == len(original) and doc.text.count("\n") == original.count("\n")
    changed = {(a, b) for a, b in zip(original, doc.text) if a != b}
    assert changed <= {('"', "«"), ('"', "»"), ("N", "№")}
    assert '"' not in doc.text
    assert doc.media_type == "text/plain"
    _assert_offsets(doc)


def test_tula_tables_are_tab_rows_with_blank_lines_inside():
    doc = _doc(TULA)
    plan, annex2, annex3 = _tables(doc)
    assert [c.text for c in plan.rows[0].cells] == ["№ п/п", "Мероприятия", "Сроки реализации", "Ответственные"]
    assert len(plan.rows) == 1 + 7 + 67
    assert doc.line_of(plan.start) == 44 and doc.line_of(plan.rows[-1].span.start) == 126
    unnumbered = next(r for r in plan.rows if r.cells[0].empty)
    assert doc.line_of(unnumbered.span.start) == 118
    assert unnumbered.cells[1].text.startswith("Анализ динамики показателей")
    assert [c.text for c in annex2.rows[1].cells] == ["1", "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»", "Белова Татьяна Васильевна"]
    assert annex3.rows[1].cells[2].text == "Кубанова Елена Николаевна"


def test_kostroma_table_is_one_cell_per_line():
    doc = _doc(KOSTROMA)
    (plan,) = _tables(doc)
    assert [c.text for c in plan.rows[0].cells] == ["№ п/п", "Наименование мероприятия", "Ответственный исполнитель", "Сроки", "Прогнозируемый результат"]
    assert len(plan.rows) == 1 + 6 + 23
    by_number = {r.cells[0].text: r for r in plan.rows}
    # a line without the leading tab continues the cell
    assert by_number["2.1."].cells[2].text == "Управление образования Комитета образования, культуры, спорта и работы\n с молодёжью  Администрации города Костромы"
    assert by_number["4.1."].cells[2].text == "МБУ ГЦОКО\nРуководители ОУ"
    # a line of spaces inside a row does not break it (2.3, 4.2)
    assert [c.text for c in by_number["2.3."].cells][2:4] == ["Управление образования Комитета образования, культуры, спорта и работы\n с молодёжью Администрации города Костромы", "В течение  года"]
    assert by_number["4.2."].cells[2].text == "МБУ ГЦОКО"
    # the empty cells of 5.1.1, after an empty line, stay in its row
    assert [c.text for c in by_number["5.1.1."].cells][2:] == ["", "", ""]
    assert [c.empty for c in by_number["6.1."].cells] == [False, False, True, True, False]
    assert by_number["1. Нормативно-правовое, программное обеспечение"].cells[0].start == doc.text.index("1. Нормативно-правовое")


def test_paragraphs_are_trimmed_lines_and_lone_tabs_are_not_tables():
    doc = _doc(KOSTROMA)
    first = [b for b in doc.blocks if isinstance(b, Paragraph)][:4]
    assert [p.text for p in first] == [
        "АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ",
        "ЗАМЕСТИТЕЛЬ ГЛАВЫ АДМИНИСТРАЦИИ –",
        "ПРЕДСЕДАТЕЛЬ КОМИТЕТА ОБРАЗОВАНИЯ, КУЛЬТУРЫ, СПОРТА И РАБОТЫ С МОЛОДЕЖЬЮ",
        "Об  утверждении муниципального плана мероприятий, направленных  на повышение качества образования в школах с низкими результатами обучения и в школах, функционирующих в неблагоприятных условиях, на 2023 год",
    ]
    assert [doc.line_of(p.start) for p in first] == [2, 4, 5, 6]


def test_line_numbers_and_blank_lines():
    doc = read("a\n\nb\nc".encode(), "x.txt")
    a, b, c = doc.blocks
    assert [doc.line_of(p.start) for p in (a, b, c)] == [1, 3, 4]
    assert doc.blank_line_before(b.start, a.end) and not doc.blank_line_before(c.start, b.end)


def test_crlf_bom_and_nfc_are_normalised():
    decomposed = unicodedata.normalize("NFD", "Приём")
    doc = read(("\ufeff" + decomposed + "\r\nx\ty\r\n1\t2").encode("utf-8"), "crlf.txt")
    assert doc.text == "Приём\nx\ty\n1\t2"
    assert isinstance(doc.blocks[1], Table) and doc.blocks[1].rows[1].cells[1].text == "2"


def test_a_single_tabbed_line_is_a_paragraph():
    doc = read("«__» ____2023 года\t\n".encode(), "one.txt")
    assert [type(b) for b in doc.blocks] == [Paragraph]
    assert doc.blocks[0].text == "«__» ____2023 года"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"  \n\n", "empty file"),
    (b"\x00\x01\x02binary\xff", "unsupported file format"),
])
def test_bad_bytes_are_refused_naming_the_file(data, reason):
    with pytest.raises(IngestError) as err:
        read(data, "bad.bin")
    assert err.value.message.startswith("bad.bin: ") and reason in err.value.message


def test_text_builder_renders_blocks_that_parse_like_the_text():
    from shnor_kg.ingest.blocks import TextBuilder
    from shnor_kg.ingest.structure import parse_act

    original = _doc(TULA)
    builder = TextBuilder()
    previous_end = 0
    for block in original.blocks:
        if original.blank_line_before(block.start, previous_end):
            builder.paragraph("")
        if isinstance(block, Table):
            builder.table([[c.text for c in r.cells] for r in block.rows])
        else:
            builder.paragraph(block.text)
        previous_end = block.end
    rendered = builder.document("tula.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    _assert_offsets(rendered)
    a, b = parse_act(original), parse_act(rendered)
    assert [(i.number, i.title, i.deadline, i.responsible) for i in a.plan.items] == [
        (i.number, i.title, i.deadline, i.responsible) for i in b.plan.items]
    assert (b.header.number, b.header.date, [c.number for c in b.clauses]) == ("22/1-осн", a.header.date, ["1", "2", "3", "4", "5", "6"])
    assert (b.plan.title, [x.kind for x in b.annexes], b.signatory.person) == (
        type(b.plan.title)(a.plan.title.text, b.plan.title.span), ["plan", "target", "mentor"], "Т.В. Золотова")


@pytest.mark.parametrize("written, typographic_form", [
    ('школа "Лидер" и N 5', "школа «Лидер» и № 5"),
    ("(N5) школа", "(№5) школа"),
    ("MAN 5", "MAN 5"),
    ('«Средняя школа № 37 имени Ю.С. Беленогова", директор', "«Средняя школа № 37 имени Ю.С. Беленогова», директор"),
    ("„Центр“ и “Лидер”", "«Центр» и «Лидер»"),
])
def test_typography_puts_quotes_and_number_signs_in_one_form(written, typographic_form):
    from shnor_kg.ingest.blocks import typographic

    assert typographic(written) == typographic_form


def test_an_act_written_with_ascii_quotes_and_n_gives_the_same_facts():
    """Kostroma rewritten the way many web copies write it ("…" and N 7) reads as the original."""
    from shnor_kg.ingest.pipeline import ingest_act

    from .fixtures_formats import contract_facts

    original = KOSTROMA.read_text("utf-8")
    plain = original.replace("«", '"').replace("»", '"').replace("№ ", "N ")
    base = "https://w3id.org/shnor/id/"

    def facts(text: str) -> set:  # the act's own unbalanced quote (4.4: "семинар « «Готовимся") stays ambiguous
        return {tuple(v.replace("«", '"').replace("»", '"') for v in fact) for fact in contract_facts(ingest_act(text.encode(), "k.txt", base_iri=base))}

    assert facts(plain) == facts(original)
