"""Person names: cases × genders × orders → one nominative name and one key, asserted exactly.

The expected nominatives are Russian grammar (and the acts' own nominative forms in the
annexes), not the parser's output.
"""

from __future__ import annotations

import pytest

from shnor_kg.errors import BadInput
from shnor_kg.ingest.people import PersonName, find_people, parse_person, same_person
from tests.conftest import KOSTROMA, TULA

F, M = "female", "male"

FORMS = [
    # (as written, foaf:name, key, gender)
    # --- the acts
    ("Пряжину Елену Николаевну", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Пряжиной Е.Н.", "Пряжина Е.Н.", "pryazhina-e-n", F),
    ("Е.Н. Пряжиной", "Пряжина Е.Н.", "pryazhina-e-n", F),
    ("В.Е. Шагаева", "Шагаева В.Е.", "shagaeva-v-e", F),  # kept as written (see module docs)
    ("Ю.И. Юдину", "Юдина Ю.И.", "yudina-yu-i", F),
    ("Т.В. Золотова", "Золотова Т.В.", "zolotova-t-v", F),
    ("Т. Н. Скачкову", "Скачкова Т.Н.", "skachkova-t-n", F),
    ("Т.Н.Скачкова", "Скачкова Т.Н.", "skachkova-t-n", F),
    ("Ольга Борисовна Бучина", "Бучина Ольга Борисовна", "buchina-o-b", F),
    ("Рыжова Н.Ю.", "Рыжова Н.Ю.", "ryzhova-n-yu", F),
    ("Исмагилова С.Е.", "Исмагилова С.Е.", "ismagilova-s-e", F),
    ("Белова Татьяна Васильевна", "Белова Татьяна Васильевна", "belova-t-v", F),
    ("Кубанова Елена Николаевна", "Кубанова Елена Николаевна", "kubanova-e-n", F),
    ("Поляков А.В.", "Поляков А.В.", "polyakov-a-v", M),
    # --- feminine full names in every case, both orders
    ("Пряжина Елена Николаевна", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Пряжиной Елены Николаевны", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Пряжиной Елене Николаевне", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Пряжиной Еленой Николаевной", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Елене Николаевне Пряжиной", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("ПРЯЖИНА ЕЛЕНА НИКОЛАЕВНА", "Пряжина Елена Николаевна", "pryazhina-e-n", F),
    ("Петровской Анной Сергеевной", "Петровская Анна Сергеевна", "petrovskaya-a-s", F),
    ("Петровскую Анну Сергеевну", "Петровская Анна Сергеевна", "petrovskaya-a-s", F),
    ("Семёновой Ирины Петровны", "Семёнова Ирина Петровна", "semenova-i-p", F),
    # --- masculine full names in every case, both orders
    ("Иванов Иван Петрович", "Иванов Иван Петрович", "ivanov-i-p", M),
    ("Иванова Ивана Петровича", "Иванов Иван Петрович", "ivanov-i-p", M),
    ("Иванову Ивану Петровичу", "Иванов Иван Петрович", "ivanov-i-p", M),
    ("Ивановым Иваном Петровичем", "Иванов Иван Петрович", "ivanov-i-p", M),
    ("Иване Петровиче Иванове", "Иванов Иван Петрович", "ivanov-i-p", M),
    ("Петровского Сергея Ивановича", "Петровский Сергей Иванович", "petrovskiy-s-i", M),
    ("Петровскому Сергею Ивановичу", "Петровский Сергей Иванович", "petrovskiy-s-i", M),
    ("Шевчуку Андрею Ивановичу", "Шевчук Андрей Иванович", "shevchuk-a-i", M),
    ("Толстого Льва Николаевича", "Толстой Лев Николаевич", "tolstoy-l-n", M),
    ("Андрей Иванович Шевчук", "Шевчук Андрей Иванович", "shevchuk-a-i", M),
    # --- initials, both orders, oblique forms read by their endings
    ("Иванов И.П.", "Иванов И.П.", "ivanov-i-p", M),
    ("И.П. Ивановым", "Иванов И.П.", "ivanov-i-p", M),
    ("А.В. Петровскому", "Петровский А.В.", "petrovskiy-a-v", M),
    ("Петровского А.В.", "Петровский А.В.", "petrovskiy-a-v", M),
    ("Петровской А.С.", "Петровская А.С.", "petrovskaya-a-s", F),
    ("А.С. Петровскую", "Петровская А.С.", "petrovskaya-a-s", F),
    ("Сидоренко А.А.", "Сидоренко А.А.", "sidorenko-a-a", None),  # does not decline
    ("Е. Н. Пряжиной", "Пряжина Е.Н.", "pryazhina-e-n", F),
]


@pytest.mark.parametrize(("text", "name", "key", "gender"), FORMS)
def test_name_forms(text, name, key, gender):
    person = parse_person(text)
    assert person is not None
    assert (person.name, person.key, person.gender) == (name, key, gender)


def test_there_are_at_least_thirty_forms():
    assert len(FORMS) >= 30


def test_full_name_fields():
    assert parse_person("Назначить Пряжину Елену Николаевну".split(" ", 1)[1]) == PersonName(
        family="Пряжина", given="Елена", patronymic="Николаевна", initials="Е.Н.",
        name="Пряжина Елена Николаевна", key="pryazhina-e-n", gender=F)


def test_initials_fields():
    assert parse_person("Т.В. Золотова") == PersonName(
        family="Золотова", given=None, patronymic=None, initials="Т.В.", name="Золотова Т.В.",
        key="zolotova-t-v", gender=F)


@pytest.mark.parametrize("text", ["", "МБОУ ЦО № 48", "Управление образования", "Январь – февраль",
                                  "Центр образования № 48", "ЦНППМ Г.Т."])
def test_not_names(text):
    assert parse_person(text) is None


def test_not_text_is_bad_input():
    with pytest.raises(BadInput):
        parse_person(42)  # type: ignore[arg-type]
    with pytest.raises(BadInput):
        find_people(None)  # type: ignore[arg-type]


def test_same_person_merges_full_and_initials_forms():
    full = parse_person("Пряжину Елену Николаевну")
    short = parse_person("Пряжиной Е.Н.")
    assert full is not None and short is not None
    assert same_person(full, short) and same_person(short, full)
    assert full.key == short.key


def test_same_person_keeps_different_people_apart():
    a = parse_person("Пряжиной Е.Н.")
    assert a is not None
    for other in ("Пряжиной Е.В.", "Кубанова Елена Николаевна", "Пряжиной Елены Викторовны"):
        b = parse_person(other)
        assert b is not None and not same_person(a, b), other
    # same initials, different given names
    x, y = parse_person("Иванова Ивана Петровича"), parse_person("Иванов Илья Петрович")
    assert x is not None and y is not None
    assert x.key == y.key and not same_person(x, y)


def _mentions(path):
    text = path.read_text(encoding="utf-8")
    return [(text[start:end], person.name) for start, end, person in find_people(text)]


def test_people_of_the_tula_act():
    assert _mentions(TULA) == [
        ("Пряжину Елену Николаевну", "Пряжина Елена Николаевна"),
        ("В.Е. Шагаева", "Шагаева В.Е."),
        ("Пряжиной Е.Н.", "Пряжина Е.Н."),
        ("Ю.И. Юдину", "Юдина Ю.И."),
        ("Т.В. Золотова", "Золотова Т.В."),
        # the authors of programmes in item 7.6 ("авт. Л. Анн", "«…», О. Хухлаева",
        # "автор А. Микляева") are not people of the act
        ("Белова Татьяна Васильевна", "Белова Татьяна Васильевна"),
        ("Кубанова Елена Николаевна", "Кубанова Елена Николаевна"),
    ]


def test_people_of_the_kostroma_act():
    assert _mentions(KOSTROMA) == [
        ("Исмагилова С.Е.", "Исмагилова С.Е."),
        ("Т. Н. Скачкову", "Скачкова Т.Н."),
        ("И.В. Силакова", "Силакова И.В."),
        ("Т.Н.Скачкова", "Скачкова Т.Н."),
        ("Т.С. Шпигарева", "Шпигарева Т.С."),
        ("С.Е. Исмагилова", "Исмагилова С.Е."),
        ("Ольга Борисовна Бучина", "Бучина Ольга Борисовна"),
        ("Рыжова Н.Ю.", "Рыжова Н.Ю."),
        ("Бутенина Е.В.", "Бутенина Е.В."),
        ("Шукаева О.Н.", "Шукаева О.Н."),
        ("Караваева О.А.", "Караваева О.А."),
        # school names "имени … Героя Советского Союза Ю.С. Беленогова" and "имени выдающегося
        # земляка Тартышева Андрея Михайловича" hold no people of the act
        ("Поляков А.В.", "Поляков А.В."),
    ]


@pytest.mark.parametrize("text", [
    "по программе «Я – подросток», автор А.А. Микляева",
    "«Саморазвитие личности», авт. Л.П. Анн;",
    "«Тропинка к своему Я», О.В. Хухлаева",
    "школа № 19 имени выдающегося земляка Героя Советского Союза Ю.С. Беленогова",
    "школа № 37 имени выдающегося земляка Тартышева Андрея Михайловича",
    "лицей им. А.С. Пушкина",
])
def test_names_that_are_not_people_of_the_act(text):
    assert find_people(text) == []


def test_offsets_point_at_the_mention():
    text = "Контроль возложить на заместителя начальника Ю.И. Юдину."
    [(start, end, person)] = find_people(text)
    assert text[start:end] == "Ю.И. Юдину"
    assert person.key == "yudina-yu-i"


@pytest.mark.parametrize(("text", "names"), [
    ("МБОУ «СОШ № 5», Иванова И.И.", ["Иванова И.И."]),
    ("Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42», "
     "Кубанова Елена Николаевна", ["Кубанова Елена Николаевна"]),
    ("программа «Тропинка к своему Я», О.В. Хухлаева", []),
])
def test_a_person_after_an_organisation_in_quotes_is_found(text, names):
    assert [p.name for _, _, p in find_people(text)] == names


def test_a_person_after_a_school_name_is_found():
    text = "«Школа № 19 имени Ю.С. Беленогова», директор Караваева О.А."
    assert [p.name for _, _, p in find_people(text)] == ["Караваева О.А."]
