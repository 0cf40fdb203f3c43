"""Structure of the two sample acts (golden values read from the acts) and of small variants."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from shnor_kg.ingest.readers import read
from shnor_kg.ingest.structure import clean_text, collapse, parse_act

from .conftest import KOSTROMA, TULA

EXPECTED = Path(__file__).parent / "expected"


def expected_items(name: str) -> list[dict]:
    """Rows of an expected-items file (written by reading the act)."""
    lines = [ln for ln in (EXPECTED / name).read_text("utf-8").splitlines() if not ln.startswith("#")]
    keys = ["position", "number", "section", "title", "deadline", "responsible", "result"]
    return [dict(zip(keys, row)) for row in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


@pytest.fixture(scope="module")
def tula():
    raw = read(TULA.read_bytes(), TULA.name)
    return raw, parse_act(raw)


@pytest.fixture(scope="module")
def kostroma():
    raw = read(KOSTROMA.read_bytes(), KOSTROMA.name)
    return raw, parse_act(raw)


def cut(raw, span) -> str:
    return raw.text[span.start:span.end]


# -- Tula ---------------------------------------------------------------------------------------


def test_tula_header(tula):
    raw, act = tula
    h = act.header
    assert [t.text for t in h.letterhead] == ["УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ"]
    assert h.post is None
    assert (h.doc_type, h.date, h.year, h.number) == ("prikaz", date(2024, 2, 13), 2024, "22/1-осн")
    assert h.title.text == (
        "Об утверждении плана мероприятий (План-график), направленных на повышение качества образования школ "
        "с низкими образовательными результатами и (или) школ, функционирующих в неблагоприятных социальных "
        "условиях, на 2024 год")
    assert raw.line_of(h.title.span.start) == 11 and act.notes == []


def test_tula_legal_basis_is_the_regional_order(tula):
    raw, act = tula
    (c,) = act.basis
    assert (c.doc_type, c.issuer, c.date, c.year, c.number) == (
        "prikaz", "министерства образования Тульской области", date(2024, 2, 7), 2024, "180")
    assert c.title == ("Об утверждении перечня школ с низкими образовательными результатами и школ, "
                       "функционирующих в неблагоприятных социальных условиях, на 2024 год")
    assert cut(raw, c.source.span).startswith("приказа министерства") and raw.line_of(c.source.span.start) == 13


def test_tula_clauses(tula):
    raw, act = tula
    assert act.operative.text == "ПРИКАЗЫВАЮ"
    assert [c.number for c in act.clauses] == ["1", "2", "3", "4", "5", "6"]
    assert [raw.line_of(c.span.start) for c in act.clauses] == [17, 18, 19, 20, 24, 26]
    four = act.clauses[3]
    assert four.text.endswith("и (или) функционирующей в неблагоприятных социальных условиях в срок до 07.03.2024.")
    assert raw.line_of(four.span.end) == 22 and cut(raw, four.span).endswith("в срок до 07.03.2024.")
    assert act.clauses[1].text.startswith("2. Назначить Пряжину Елену Николаевну, начальника отдела развития образования")
    assert act.clauses[5].text == ("6. Контроль исполнения настоящего приказа возложить на заместителя начальника "
                                   "управления образования администрации города Тулы Ю.И. Юдину.")


def test_tula_sign_off(tula):
    raw, act = tula
    s = act.signatory
    assert (s.post, s.person, s.blank) == ("Начальник управления образования администрации города Тулы", "Т.В. Золотова", False)
    assert (raw.line_of(s.span.start), raw.line_of(s.span.end)) == (28, 33)
    assert act.approvals == [] and act.contact is None and act.distribution == [] and act.abbreviations == []


def test_tula_annexes(tula):
    raw, act = tula
    assert [(a.number, a.kind) for a in act.annexes] == [("1", "plan"), ("2", "target"), ("3", "mentor")]
    assert [raw.line_of(a.heading.span.start) for a in act.annexes] == [35, 128, 138]
    (target,) = act.annexes[1].entries
    assert (target.name, target.head, target.head_post) == (
        "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»", "Белова Татьяна Васильевна", "руководитель")
    (mentor,) = act.annexes[2].entries
    assert (mentor.name, mentor.head) == ("Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»", "Кубанова Елена Николаевна")
    assert raw.line_of(mentor.span.start) == 146
    assert act.annexes[2].title.text.startswith("Муниципальная школа – куратор мероприятий")


def test_tula_plan_sections(tula):
    _, act = tula
    plan = act.plan
    assert plan.title.text == (
        "План-график исполнения мероприятий, направленных на повышение качества образования в школах с низкими "
        "образовательными результатами и школах, функционирующих в неблагоприятных социальных условиях, на 2024 год")
    assert plan.year == 2024 and plan.columns == ("number", "title", "deadline", "responsible")
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1", "Информационное и аналитическое обеспечение проведения мониторингов по вопросам качества образования"),
        ("2", "Создание условий для выравнивания возможностей доступа обучающихся к современным условиям обучения и образовательным ресурсам в соответствии с ФГОС ОО"),
        ("3", "Развитие сетевого взаимодействия и партнерства"),
        ("4", "Подготовка, переподготовка и повышение квалификации педагогических и руководящих работников"),
        ("5", "Формирование в профессиональном педагогическом сообществе культуры лидерства и высоких достижений"),
        ("6", "Создание системы независимой оценки работы учреждений и участников образовательного процесса"),
        ("7", "Профилактика школьной неуспешности"),
    ]


def _check_items(raw, plan, rows):
    assert len(plan.items) == len(rows)
    for item, row in zip(plan.items, rows):
        where = f"item {row['position']} ({row['number']})"
        assert (item.position, item.number or "", str(item.section)) == (int(row["position"]), row["number"], row["section"]), where
        assert item.title.startswith(row["title"]), where
        assert (item.deadline or "") == row["deadline"], where
        cell = collapse(item.responsible or "")
        assert _in_order(cell, row["responsible"].split(" | ") if row["responsible"] else []), where
        assert bool(cell) == bool(row["responsible"]), where
        span_text = collapse(cut(raw, item.span))
        assert (item.number or "") in span_text and row["title"][:30] in span_text, where
        assert clean_text(cut(raw, item.title_span)).startswith(row["title"]), where


def _in_order(cell: str, parties: list[str]) -> bool:
    at = 0
    for party in parties:
        found = cell.find(party, at)
        if found < 0:
            return False
        at = found + len(party)
    return True


def test_tula_plan_items(tula):
    raw, act = tula
    _check_items(raw, act.plan, expected_items("tula_items.tsv"))


def test_tula_unnumbered_row_is_its_own_item_and_html_is_removed(tula):
    _, act = tula
    items = act.plan.items
    six_four, unnumbered = items[59], items[60]
    assert six_four.number == "6.4" and six_four.title.endswith("профессиональных дефицитов педагогов")
    assert unnumbered.number is None and unnumbered.title.startswith("Анализ динамики") and unnumbered.deadline == "Июнь, декабрь 2024 г."
    five_two = next(i for i in items if i.number == "5.2")
    assert "<" not in five_two.title and ">" not in five_two.title
    assert five_two.title.startswith("Методическое сопровождение и организация участия педагогических и руководящих работников МБОУ ЦО № 48 в конкурсах профессионального мастерства: - региональные этапы")
    assert all("<" not in i.title for i in items)
    assert all(i.parent is None and i.result is None for i in items)


# -- Kostroma -------------------------------------------------------------------------------------


def test_kostroma_header(kostroma):
    raw, act = kostroma
    h = act.header
    assert [t.text for t in h.letterhead] == ["АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ"]
    assert h.post.text == "ЗАМЕСТИТЕЛЬ ГЛАВЫ АДМИНИСТРАЦИИ – ПРЕДСЕДАТЕЛЬ КОМИТЕТА ОБРАЗОВАНИЯ, КУЛЬТУРЫ, СПОРТА И РАБОТЫ С МОЛОДЕЖЬЮ"
    assert (h.doc_type, h.date, h.year, h.number) == ("rasporyazhenie", None, 2023, None)
    assert h.title.text == ("Об утверждении муниципального плана мероприятий, направленных на повышение качества образования "
                            "в школах с низкими результатами обучения и в школах, функционирующих в неблагоприятных условиях, на 2023 год")
    assert act.operative.text == "ОБЯЗЫВАЮ:"


def test_kostroma_basis_is_the_committee_regulation(kostroma):
    _, act = kostroma
    (c,) = act.basis
    assert (c.doc_type, c.issuer, c.date, c.number) == ("otherDocument", None, date(2012, 11, 9), "2366")
    assert c.title == "Положение о Комитете образования, культуры, спорта и работы с молодежью Администрации города Костромы"


def test_kostroma_clauses_and_sign_off(kostroma):
    raw, act = kostroma
    assert [c.number for c in act.clauses] == ["1", "2", "3", "4"]
    assert act.clauses[1].text == ("2. Муниципальное бюджетное учреждение города Костромы «Городской центр обеспечения качества образования» "
                                   "(Исмагилова С.Е.) обеспечить организационно-методическое сопровождение плана мероприятий.")
    assert act.clauses[3].text == "4. Контроль за исполнением распоряжения возложить на начальника Управления образования Т. Н. Скачкову."
    s = act.signatory
    assert (s.post, s.person, raw.line_of(s.span.start)) == ("Заместитель главы Администрации – председатель Комитета", "И.В. Силакова", 21)
    assert [(a.post, a.person, a.blank) for a in act.approvals] == [
        ("Начальник Управления образования", "Т.Н.Скачкова", True),
        ("Начальник отдела реализации основных общеобразовательных программ Управления образования", "Т.С. Шпигарева", True),
        ("Заведующий МБУ города Костромы «Городской центр обеспечения качества образования»", "С.Е. Исмагилова", True),
    ]
    assert (act.contact.person, act.contact.phone, raw.line_of(act.contact.span.start)) == ("Ольга Борисовна Бучина", "45-61-41", 52)
    assert [d.text for d in act.distribution] == ["В дело: 1 экз.", "В МБУГЦОКО: 1 экз.", "В общеобразовательные учреждения – электронной почтой"]


def test_kostroma_abbreviations(kostroma):
    _, act = kostroma
    assert [(a.short, a.full) for a in act.abbreviations] == [
        ("МБУ ГЦОКО", "муниципальное бюджетное учреждение города Костромы «Городской центр обеспечения качества образования»"),
        ("ОУ", "общеобразовательные учреждения, подведомственные Комитету образования, культуры, спорта и работы с молодёжью Администрации города Костромы образованию"),
        ("ГМО", "городские методические объединения"),
        ("ММС", "муниципальная методическая служба"),
        ("МС", "муниципальный Методический совет"),
    ]


def test_kostroma_annexes(kostroma):
    raw, act = kostroma
    assert [(a.number, a.kind) for a in act.annexes] == [(None, "plan"), ("2", "target")]
    entries = act.annexes[1].entries
    assert [(e.head, e.head_post) for e in entries] == [
        ("Рыжова Н.Ю.", "директор"), ("Бутенина Е.В.", "директор"), ("Шукаева О.Н.", "директор"),
        ("Караваева О.А.", "директор"), ("Поляков А.В.", "директор")]
    assert entries[0].name == "Муниципальное бюджетное общеобразовательное учреждение города Костромы «Средняя общеобразовательная школа № 7»"
    assert entries[3].name.endswith("«Основная общеобразовательная школа № 19 имени выдающегося земляка Героя Советского Союза Ю.С. Беленогова»")
    assert [raw.line_of(e.span.start) for e in entries] == [297, 298, 299, 300, 301]


def test_kostroma_plan(kostroma):
    raw, act = kostroma
    plan = act.plan
    assert plan.year == 2023 and plan.columns == ("number", "title", "responsible", "deadline", "result")
    assert [s.number for s in plan.sections] == ["1", "2", "3", "4", "5", "6"]
    assert plan.sections[5].title == "Распространение позитивных педагогических и управленческих практик."
    rows = expected_items("kostroma_items.tsv")
    _check_items(raw, plan, rows)
    for item, row in zip(plan.items, rows):
        assert (item.result or "").startswith(row["result"]) and bool(item.result) == bool(row["result"]), row["number"]
    by_number = {i.number: i for i in plan.items}
    assert [by_number[f"5.1.{k}"].parent for k in range(1, 5)] == ["5.1"] * 4
    assert by_number["5.1"].parent is None
    six_one = by_number["6.1"]
    assert (six_one.responsible, six_one.deadline) == (None, None)
    assert by_number["4.2"].title == ("Организация деятельности презентационной площадки «Лучшие управленческие практики "
                                      "в общеобразовательных организациях города Костромы» в 2022-2023 учебном году»")


# -- variants ---------------------------------------------------------------------------------------

VARIANT = """АДМИНИСТРАЦИЯ ГОРОДА ТУЛЫ

П Р И К А З

от 05.03.2025 № 7

О плане

ПРИКАЗЫВАЮ:

1. Утвердить план.
2. Контроль оставляю за собой.

Приложение № 1 к приказу от 05.03.2025 № 7

План

Ответственные\tСрок\tМероприятие\t№
Школа № 1\tМарт 2025 г.\t<b>Первое</b>&nbsp;дело\t1
\t\tРаздел без номера\t
Школа № 2\t\tВторое\t2.
"""


def test_columns_are_found_by_name_in_any_order():
    raw = read(VARIANT.encode(), "variant.txt")
    act = parse_act(raw)
    assert (act.header.doc_type, act.header.date, act.header.number, act.header.title.text) == ("prikaz", date(2025, 3, 5), "7", "О плане")
    plan = act.plan
    assert plan.columns == ("responsible", "deadline", "title", "number")
    assert [(i.number, i.title, i.deadline, i.responsible) for i in plan.items] == [
        ("1", "Первое дело", "Март 2025 г.", "Школа № 1"), ("2", "Второе", None, "Школа № 2")]
    assert plan.items[1].section == 1 and plan.sections[0].number is None and plan.sections[0].title == "Раздел без номера"


def test_a_text_without_parts_gives_an_empty_act():
    act = parse_act(read("Просто текст.\nЕщё строка.".encode(), "note.txt"))
    assert act.plan is None and act.clauses == [] and act.header.doc_type is None and act.header.title is None


def test_clean_text():
    assert clean_text("<p>a&amp;b</p>\n <ul style=\"x\"> - c</ul>") == "a&b - c"
