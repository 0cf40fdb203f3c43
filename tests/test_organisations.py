"""Organisations: every responsible cell of both acts split and resolved; identity rules.

The expected splits and entities come from reading the acts (examples/): the Tula plan names
exactly five responsible organisations; Kostroma's "МБУ ГЦОКО" is its "Городской центр
обеспечения качества образования"; its groups and posts are collectives.
"""

from __future__ import annotations

import re

import pytest

from shnor_kg.errors import BadInput
from shnor_kg.ingest.organisations import ORG_TYPES, OrgRef, OrgResolver, split_responsible
from tests.conftest import KOSTROMA, TULA

UO_TULA = "Управление образования администрации города Тулы"
CNPPM = "МКУ «ЦНППМ г. Тулы»"
UO_KOS = ("Управление образования Комитета образования, культуры, спорта и работы с молодёжью "
          "Администрации города Костромы")
KOMITET = "Комитет образования, культуры, спорта и работы с молодёжью Администрации города Костромы"

# every distinct responsible cell of the Tula plan → its bodies, as written
TULA_CELLS = {
    f"{UO_TULA}, {CNPPM}": [UO_TULA, CNPPM],
    CNPPM: [CNPPM],
    f"{UO_TULA}, МБОУ ЦО № 48": [UO_TULA, "МБОУ ЦО № 48"],
    f"{CNPPM}, МБОУ ЦО № 48": [CNPPM, "МБОУ ЦО № 48"],
    "МБОУ ЦО № 48": ["МБОУ ЦО № 48"],
    "МБОУ ЦО № 48 МБОУ ЦО № 42": ["МБОУ ЦО № 48", "МБОУ ЦО № 42"],  # no separator (2.6)
    UO_TULA: [UO_TULA],
    f"{UO_TULA}, {CNPPM}, МБОУ ЦО № 48 МБОУ ЦО № 42": [UO_TULA, CNPPM, "МБОУ ЦО № 48", "МБОУ ЦО № 42"],
    f"{UO_TULA}, МКУ «ЦНППМ . Тулы»": [UO_TULA, "МКУ «ЦНППМ . Тулы»"],  # typo (3.3)
    f"{UO_TULA}, {CNPPM}, МБОУ ЦО № 42": [UO_TULA, CNPPM, "МБОУ ЦО № 42"],
    # unclosed quotes (6.2–7.6)
    "МКУ «ЦНППМ г. Тулы, МБОУ ЦО № 48": ["МКУ «ЦНППМ г. Тулы", "МБОУ ЦО № 48"],
    "МКУ «ЦНППМ г. Тулы МБОУ ЦО № 48": ["МКУ «ЦНППМ г. Тулы", "МБОУ ЦО № 48"],
    f"{UO_TULA}, МКУ «ЦНППМ г. Тулы МБОУ ЦО № 48": [UO_TULA, "МКУ «ЦНППМ г. Тулы", "МБОУ ЦО № 48"],
    "МКУ «ЦНППМ г. Тулы, МБУ ДО «Центр ППСС» МБОУ ЦО № 48":
        ["МКУ «ЦНППМ г. Тулы", "МБУ ДО «Центр ППСС»", "МБОУ ЦО № 48"],
    "МКУ «ЦНППМ г. Тулы, МБУ ДО «Центр ППСС», МБОУ ЦО № 48":
        ["МКУ «ЦНППМ г. Тулы", "МБУ ДО «Центр ППСС»", "МБОУ ЦО № 48"],
}


def tula_responsible_cells() -> list[str]:
    """The fourth column of every four-column row of the Tula plan (header excluded)."""
    cells = []
    for line in TULA.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) == 4 and columns[0] != "№ п/п" and columns[3].strip():
            cells.append(columns[3])
    return cells


def kostroma_responsible_cells() -> dict[str, str]:
    """Item number → responsible cell of the Kostroma plan (one cell per tab-led line)."""
    lines = KOSTROMA.read_text(encoding="utf-8").split("\n")
    cells: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = re.fullmatch(r"\t(\d+\.\d+\.(?:\d+\.)?)\s*", line)
        if not match:
            continue
        row: list[str] = []
        for following in lines[index + 1:]:
            if following.startswith("\t"):
                if len(row) == 4 or re.fullmatch(r"\t\d+\.\d+\.(?:\d+\.)?\s*", following):
                    break
                row.append(following[1:])
            elif row and following.strip():
                row[-1] += "\n" + following
        cells[match.group(1)] = row[1] if len(row) > 1 else ""
    return cells


@pytest.fixture
def tula() -> OrgResolver:
    return OrgResolver(municipality_slug="ru-tul-tula")


KOSTROMA_ABBREVIATIONS = {
    "МБУ ГЦОКО": "муниципальное бюджетное учреждение города Костромы «Городской центр обеспечения "
                 "качества образования»",
    "ОУ": "общеобразовательные учреждения, подведомственные Комитету образования, культуры, спорта и "
          "работы  с молодёжью Администрации города Костромы образованию",
    "ГМО": "городские методические объединения",
    "ММС": "муниципальная методическая служба",
    "МС": "муниципальный Методический совет",
}


@pytest.fixture
def kostroma() -> OrgResolver:
    return OrgResolver(municipality_slug="ru-kos-kostroma", abbreviations=KOSTROMA_ABBREVIATIONS)


# ---------------------------------------------------------------- splitting

def test_every_tula_cell_is_known_and_split_as_written():
    cells = tula_responsible_cells()
    assert len(cells) == 67  # one per plan item
    assert set(cells) == set(TULA_CELLS)
    for cell in cells:
        assert split_responsible(cell) == TULA_CELLS[cell], cell


KOSTROMA_SPLITS = {
    "1.1.": ["Общеобразовательные организации"],
    "1.2.": ["Городской центр обеспечения качества образования",
             "муниципальный координатор регионального проекта"],
    "1.3.": ["Общеобразовательные организации"],
    "2.1.": [UO_KOS],
    "2.2.": [UO_KOS, "МБУ ГЦОКО"],
    "2.3.": [UO_KOS],
    "3.1.": [KOMITET],
    "3.2.": ["Руководитель ОУ"],
    "3.3.": [UO_KOS, "Руководители ОУ"],
    "3.4.": [UO_KOS, "МБУ ГЦОКО"],
    "3.5.": ["МБУ ГЦОКО"],
    "4.1.": ["МБУ ГЦОКО", "Руководители ОУ"],
    "4.2.": ["МБУ ГЦОКО"],
    "4.3.": ["МБУ ГЦОКО"],
    "4.4.": ["МБУ ГЦОКО"],
    "4.5.": ["МБУ ГЦОКО"],
    "4.6.": ["Руководители МО"],
    "5.1.": [UO_KOS, "МБУ ГЦОКО", "Руководители ОУ"],
    "5.1.1.": [], "5.1.2.": [], "5.1.3.": [], "5.1.4.": [],
    "6.1.": [],
}


def test_every_kostroma_cell_is_split_across_lines():
    cells = kostroma_responsible_cells()
    assert list(cells) == list(KOSTROMA_SPLITS)
    for number, cell in cells.items():
        assert split_responsible(cell) == KOSTROMA_SPLITS[number], number


@pytest.mark.parametrize(("cell", "parts"), [
    ("МБУ ГЦОКО\nРуководители ОУ", ["МБУ ГЦОКО", "Руководители ОУ"]),
    ("Управление образования,\nМБУ ГЦОКО", ["Управление образования", "МБУ ГЦОКО"]),
    ("МБОУ «Лицей № 1»; МБОУ «Гимназия № 2»", ["МБОУ «Лицей № 1»", "МБОУ «Гимназия № 2»"]),
    ("Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48» "
     "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»",
     ["Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»",
      "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»"]),
    ("ГОУ ДПО ТО «ИПК и ППРО ТО»", ["ГОУ ДПО ТО «ИПК и ППРО ТО»"]),
    ("МБУДО «Центр психолого-педагогического и социального сопровождения», МБОУ ЦО № 48",
     ["МБУДО «Центр психолого-педагогического и социального сопровождения»", "МБОУ ЦО № 48"]),
    ("", []),
    ("  \n ", []),
])
def test_split_more_cells(cell, parts):
    assert split_responsible(cell) == parts


def test_split_rejects_non_text():
    with pytest.raises(BadInput):
        split_responsible(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- Tula

def test_tula_plan_has_exactly_five_responsible_organisations(tula):
    for cell in tula_responsible_cells():
        for name in split_responsible(cell):
            tula.resolve(name)
    entities = tula.entities()
    assert sorted(e.key for e in entities) == [
        "mbou-co-42", "mbou-co-48", "mbu-do-cppss", "mku-cnppm",
        "upravlenie-obrazovaniya-administracii-goroda-tuly",
    ]
    types = {e.key: (e.org_type, e.is_school, e.collective) for e in entities}
    assert types == {
        "mbou-co-42": ("school", True, False),
        "mbou-co-48": ("school", True, False),
        "mbu-do-cppss": ("supportCentre", False, False),
        "mku-cnppm": ("methodologicalCentre", False, False),
        "upravlenie-obrazovaniya-administracii-goroda-tuly": ("educationAuthority", False, False),
    }


def test_tula_cnppm_forms_are_one_entity_named_by_its_full_form(tula):
    forms = ["МКУ «ЦНППМ г. Тулы»", "МКУ «ЦНППМ . Тулы»", "МКУ «ЦНППМ г. Тулы",
             "муниципальное казенное учреждение «Центр непрерывного повышения профессионального "
             "мастерства педагогических работников города Тулы»"]
    for form in forms:
        tula.resolve(form)
    [entity] = tula.entities()
    assert entity.key == "mku-cnppm"
    assert entity.pref_label == ("Муниципальное казенное учреждение «Центр непрерывного повышения "
                                 "профессионального мастерства педагогических работников города Тулы»")
    assert set(forms) <= entity.alt_labels
    assert tula.lookup("МКУ «ЦНППМ . Тулы»") == entity


def test_tula_school_forms(tula):
    full = "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»"
    forms = ("ЦО № 48", "МБОУ ЦО № 48", full)
    for form in forms:
        tula.resolve(form)
    assert {tula.lookup(form).key for form in forms} == {"mbou-co-48"}
    [entity] = tula.entities()
    assert entity.pref_label == full
    assert entity.alt_labels == frozenset({"ЦО № 48", "МБОУ ЦО № 48"})
    assert tula.resolve("МБОУ ЦО № 42").key == "mbou-co-42"


def test_tula_education_department_case_forms(tula):
    forms = [UO_TULA, "управления образования администрации города Тулы",
             "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ",
             "управлению образования администрации г. Тулы"]
    for form in forms:
        tula.resolve(form)
    [entity] = tula.entities()
    assert entity.pref_label == UO_TULA
    assert entity.org_type == "educationAuthority"


def test_support_centre_short_and_full_forms(tula):
    a = tula.resolve("МБУ ДО «Центр ППСС»")
    b = tula.resolve("МБУДО «Центр психолого-педагогического и социального сопровождения»")
    assert a.key == b.key == "mbu-do-cppss"
    assert a.org_type == "supportCentre"


def test_whole_tula_act_keeps_five_plus_the_institute(tula):
    """All organisation forms of the act: the five, and the regional institute of a deadline."""
    text = TULA.read_text(encoding="utf-8")
    for cell in tula_responsible_cells():
        for name in split_responsible(cell):
            tula.resolve(name)
    for form in ("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ",
                 "муниципальное казенное учреждение «Центр непрерывного повышения профессионального "
                 "мастерства педагогических работников города Тулы»",
                 "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»",
                 "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»",
                 "МБУДО «Центр психолого-педагогического и социального сопровождения»",
                 "ГОУ ДПО ТО «ИПК и ППРО ТО»"):
        assert form in text
        tula.resolve(form)
    keys = {e.key: e.org_type for e in tula.entities()}
    assert len(keys) == 6
    assert keys["gou-dpo-ipkpproto"] == "regionalInstitute"


# ---------------------------------------------------------------- Kostroma

def test_kostroma_plan_entities(kostroma):
    for cell in kostroma_responsible_cells().values():
        for name in split_responsible(cell):
            kostroma.resolve(name)
    entities = {e.key: e for e in kostroma.entities()}
    organisations = sorted(k for k, e in entities.items() if not e.collective)
    collectives = sorted(e.pref_label for e in entities.values() if e.collective)
    assert organisations == [
        "komitet-obrazovaniya-kultury-sporta-i-raboty-s-molodezhyu-administracii-goroda-kostromy",
        "mbu-gcoko",
        "upravlenie-obrazovaniya-komiteta-obrazovaniya-kultury-sporta-i-raboty-s-molodezhyu-"
        "administracii-goroda-kostromy",
    ]
    assert collectives == ["Муниципальный координатор регионального проекта",
                           "Общеобразовательные организации", "Руководители МО", "Руководители ОУ",
                           "Руководитель ОУ"]
    gcoko = entities["mbu-gcoko"]
    assert gcoko.org_type == "methodologicalCentre"
    # the act's abbreviation list gives the full name
    assert gcoko.pref_label == ("Муниципальное бюджетное учреждение города Костромы «Городской центр "
                                "обеспечения качества образования»")
    assert {"МБУ ГЦОКО", "Городской центр обеспечения качества образования"} <= gcoko.alt_labels
    assert entities["rukovoditeli-ou"].collective


def test_kostroma_gcoko_without_the_abbreviation_list():
    """The quoted-name core alone joins the short and the full forms."""
    resolver = OrgResolver(municipality_slug="ru-kos-kostroma")
    forms = ("Городской центр обеспечения качества образования", "МБУ ГЦОКО",
             "Муниципальное бюджетное учреждение города Костромы «Городской центр обеспечения качества "
             "образования»",
             "МБУ города Костромы «Городской центр обеспечения качества образования»")
    for form in forms:
        resolver.resolve(form)
    assert {resolver.lookup(form).key for form in forms} == {"mbu-gcoko"}


def test_kostroma_short_department_name_joins_the_only_longer_one(kostroma):
    kostroma.resolve("Управления образования")
    kostroma.resolve(UO_KOS)
    kostroma.resolve(KOMITET)
    assert kostroma.lookup("Управления образования") == kostroma.lookup(UO_KOS)
    assert kostroma.lookup(KOMITET) != kostroma.lookup(UO_KOS)


def test_kostroma_collectives_in_other_cases(kostroma):
    ref = kostroma.resolve("Руководителей общеобразовательных организаций")
    assert ref.collective and ref.pref_label == "Руководители общеобразовательных организаций"
    ref = kostroma.resolve("муниципальному координатору регионального проекта")
    assert ref.collective and ref.key == "municipalnyy-koordinator-regionalnogo-proekta"


KOSTROMA_SCHOOLS = [
    "Муниципальное бюджетное общеобразовательное учреждение города Костромы «Средняя  "
    "общеобразовательная  школа № 7»",
    "Муниципальное бюджетное общеобразовательное учреждение города Костромы «Средняя "
    "общеобразовательная школа № 10»",
    "Муниципальное бюджетное общеобразовательное учреждение города Костромы «Средняя  "
    "общеобразовательная  школа № 11»",
    "Муниципальное бюджетное общеобразовательное учреждение города Костромы «Основная "
    "общеобразовательная школа № 19 имени выдающегося земляка Героя Советского Союза Ю.С. Беленогова\"",
    "Муниципальное бюджетное общеобразовательное учреждение города Костромы \"Средняя "
    "общеобразовательная школа № 37 имени выдающегося земляка Тартышева Андрея Михайловича\"",
]


def test_kostroma_annex_schools_and_numbers(kostroma):
    text = KOSTROMA.read_text(encoding="utf-8")
    for school in KOSTROMA_SCHOOLS:
        assert school in text
        ref = kostroma.resolve(school)
        assert ref.is_school and ref.org_type == "school"
    cited = "ОУ №\u00a07,10,11,19,37"  # item 2.1, with a no-break space as in the act
    assert cited in text
    found = kostroma.schools_from_numbers(cited)
    assert [r.key for r in found] == ["mbou-sosh-7", "mbou-sosh-10", "mbou-sosh-11", "mbou-oosh-19",
                                      "mbou-sosh-37"]
    assert kostroma.resolve("СОШ № 7").key == "mbou-sosh-7"
    assert kostroma.resolve("МБОУ ООШ № 19").key == "mbou-oosh-19"


def test_numbers_that_match_no_school_or_several_give_nothing(kostroma):
    kostroma.resolve("МБОУ СОШ № 7")
    kostroma.resolve("МБОУ Лицей № 7")
    kostroma.resolve("МБОУ СОШ № 10")
    assert [r.key for r in kostroma.schools_from_numbers("ОУ № 7, 10, 99")] == ["mbou-sosh-10"]
    assert kostroma.schools_from_numbers("все ОУ") == []


# ---------------------------------------------------------------- rules

@pytest.mark.parametrize(("name", "org_type"), [
    ("МБОУ СОШ № 5", "school"),
    ("МАОУ «Гимназия № 1»", "school"),
    ("МБОУ «Лицей № 2»", "school"),
    ("Отдел образования администрации Алексинского района", "educationAuthority"),
    ("Комитет по образованию", "educationAuthority"),
    ("Администрация города Тулы", "administration"),
    ("ГАУ ДПО «Институт развития образования»", "regionalInstitute"),
    ("МКУ «Информационно-методический центр»", "methodologicalCentre"),
    ("Муниципальная методическая служба", "methodologicalCentre"),
    ("МБУ «Центр психолого-педагогической, медицинской и социальной помощи»", "supportCentre"),
    ("МБУ «Спортивная школа олимпийского резерва» ", "otherOrganization"),  # not general education
    ("МБУ ДО «Детская школа искусств № 1»", "otherOrganization"),
    ("ООО «Ромашка»", "otherOrganization"),
])
def test_types_from_names(name, org_type):
    ref = OrgResolver(municipality_slug="ru-tul-tula").resolve(name)
    assert ref.org_type == org_type
    assert ref.org_type in ORG_TYPES


def test_resolution_does_not_depend_on_order():
    forms = ["МКУ «ЦНППМ г. Тулы", "ЦО № 48", UO_TULA, "МКУ «ЦНППМ . Тулы»", "МБОУ ЦО № 48",
             "управления образования администрации города", "МКУ «ЦНППМ г. Тулы»",
             "муниципальное казенное учреждение «Центр непрерывного повышения профессионального "
             "мастерства педагогических работников города Тулы»"]
    results = []
    for order in (forms, list(reversed(forms)), sorted(forms)):
        resolver = OrgResolver(municipality_slug="ru-tul-tula")
        for form in order:
            resolver.resolve(form)
        results.append(resolver.entities())
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 3


def test_resolver_validates_input():
    with pytest.raises(BadInput):
        OrgResolver(municipality_slug="")
    resolver = OrgResolver(municipality_slug="ru-tul-tula")
    with pytest.raises(BadInput):
        resolver.resolve("  ")
    with pytest.raises(BadInput):
        resolver.lookup("МБОУ ЦО № 48")  # never resolved


def test_canonical_follows_later_merges(tula):
    early = tula.resolve("ЦО № 48")
    assert early.key == "co-48"  # no legal form seen yet
    tula.resolve("МБОУ ЦО № 48")
    assert tula.canonical(early).key == "mbou-co-48"
    assert isinstance(tula.canonical(early), OrgRef)


def test_written_out_names_with_the_same_letters_stay_apart(tula):
    """Two different names with the same initials are two bodies; their abbreviation joins neither."""
    for form in ("МБУ «Центр образования»", "МБУ «Центр одарённости»", "МБУ ЦО"):
        tula.resolve(form)
    entities = tula.entities()
    assert len(entities) == 3
    assert len({e.key for e in entities}) == 3
    assert tula.lookup("МБУ ЦО").key == "mbu-co"
    assert tula.lookup("МБУ «Центр одарённости»").key == "mbu-centr-odarennosti"


def test_honorific_names_without_numbers_are_not_confused(tula):
    a = tula.resolve("МБОУ «Лицей имени А.С. Пушкина»")
    b = tula.resolve("МБОУ «Лицей»")
    assert tula.lookup(a.pref_label) != tula.lookup(b.pref_label)
