"""Every stored query on the hand-written contract dataset (tests/data/queries_fixture.trig), with
the expected rows read off that file: counting each fact once, inheritance of sub-items, labels in
the requested language, the parameters restricting what they should."""

import pytest

from shnor_kg.queries import QueryRunner, load_catalogue

from .queries_support import ID, PERVIY, SHNOR, VTOROY, fixture_config, fixture_store, rows  # noqa: F401

RU_AAA = ID + "region/RU-AAA"
PERVIY_MUN = ID + "municipality/ru-aaa-perviy"
UO = ID + "org/ru-aaa-perviy/uo"
CMP = ID + "org/ru-aaa-perviy/mku-cnppm"
CO48 = ID + "org/ru-aaa-perviy/mbou-co-48"
CO42 = ID + "org/ru-aaa-perviy/mbou-co-42"
OO = ID + "collective/ru-aaa-perviy/obshcheobrazovatelnye-organizacii"
KOMITET = ID + "org/ru-bbb-vtoroy/komitet"
RUK_OU = ID + "collective/ru-bbb-vtoroy/rukovoditeli-ou"


def item(act: str, position: int) -> str:
    return f"{act}/plan/item/{position}"


@pytest.fixture(scope="module")
def run(fixture_store):
    runner = QueryRunner(fixture_store)

    def answer(name, **params):
        return rows(runner.run(name, params))

    return answer


def test_items_by_responsible_type(run):
    got = {(r["region_label"], r["type_label"]): int(r["items"]) for r in run("items-by-responsible-type")}
    assert got == {
        ("Первая область", "орган управления образованием"): 2,  # items 1, 2
        ("Первая область", "методический центр"): 3,  # items 1, 2, 3
        ("Первая область", "общеобразовательная организация"): 3,  # 2 (ЦО 48), 3 (collective), 5 (ЦО 48)
        ("Вторая область", "орган управления образованием"): 2,
        ("Вторая область", "общеобразовательная организация"): 1,  # the collective "Руководители ОУ"
    }
    english = {r["type_label"] for r in run("items-by-responsible-type", region=RU_AAA, lang="en")}
    assert english == {"education authority", "methodological centre", "school"}


def test_responsible_organisations(run):
    got = {(r["municipality_label"], r["responsible"]): (int(r["items"]), r["collective"]) for r in run("responsible-organisations")}
    assert got == {
        ("город Первый", CMP): (3, "false"), ("город Первый", UO): (2, "false"), ("город Первый", CO48): (2, "false"),
        ("город Первый", OO): (1, "true"), ("город Второй", KOMITET): (2, "false"), ("город Второй", RUK_OU): (1, "true"),
    }
    only = run("responsible-organisations", municipality=ID + "municipality/ru-bbb-vtoroy")
    assert [r["responsible_label"] for r in only] == ["Комитет образования Администрации города Второго", "Руководители ОУ"]
    assert {r["type_label"] for r in only} == {"орган управления образованием", "общеобразовательная организация"}


def test_themes_by_region_inherit_the_section_theme_and_share_the_region_total(run):
    got = {(r["region_label"], r["theme"]): (int(r["items"]), int(r["region_items"]), float(r["share_percent"]))
           for r in run("themes-by-region")}
    assert got == {
        ("Первая область", SHNOR + "themeMonitoring"): (2, 6, 33.3),  # item 1 (own), item 2 (its section's)
        ("Первая область", SHNOR + "themeNetworking"): (4, 6, 66.7),  # items 3 (own), 4, 5, 6 (section 2)
        ("Вторая область", SHNOR + "themeQualityAssessment"): (2, 2, 100.0),
    }


def test_mentor_pairs(run):
    (pair,) = run("mentor-pairs")
    assert (pair["mentor"], pair["mentee"], pair["order_number"], pair["year"], pair["order_date"]) == (CO42, CO48, "5/1-осн", "2024", "2024-02-13")
    assert run("mentor-pairs", year="2023") == []
    assert run("mentor-pairs", region=ID + "region/RU-BBB") == []


def test_school_heads(run):
    got = [(r["school_label"], r["person_name"], r["role"], r["acts"], r["latest_year"]) for r in run("school-heads")]
    assert got == [
        ("МБОУ «Средняя общеобразовательная школа № 7»", "Рыжикова Н.Ю.", SHNOR + "director", "1", "2023"),
        ("МБОУ «Центр образования № 42»", "Кубиков И.И.", SHNOR + "director", "1", "2024"),
        ("МБОУ «Центр образования № 48»", "Белкина Мария Ивановна", SHNOR + "head", "1", "2024"),
    ]


def test_coordinators_and_operators(run):
    got = [(r["municipality_label"], r["function"], r["agent"], r["order_number"]) for r in run("coordinators-and-operators")]
    assert got == [("город Первый", "coordinator", ID + "person/ru-aaa-perviy/pryazhkina-a-p", "5/1-осн"),
                   ("город Первый", "operator", CMP, "5/1-осн")]
    assert {r["function_label"] for r in run("coordinators-and-operators", lang="en")} == {"municipal coordinator", "methodological operator"}


def test_person_roles_include_signing_once(run):
    got = {(r["person_name"], r["role"].removeprefix(SHNOR), r["organisation"]) for r in run("person-roles")}
    assert got == {
        ("Пряжкина Анна Петровна", "municipalCoordinator", UO), ("Пряжкина Анна Петровна", "departmentHead", UO),
        ("Белкина Мария Ивановна", "head", CO48), ("Кубиков И.И.", "director", CO42),
        ("Золотухина Т.В.", "head", UO), ("Золотухина Т.В.", "signatory", UO),  # signedBy, organisation = issuer
        ("Рыжикова Н.Ю.", "director", ID + "org/ru-bbb-vtoroy/sosh-7"),
    }
    one = run("person-roles", person=ID + "person/ru-aaa-perviy/pryazhkina-a-p", lang="en")
    assert sorted(r["role_label"] for r in one) == ["head of division", "municipal coordinator"]


def test_items_due_in_month_end_in_that_month(run):
    assert [r["item"] for r in run("items-due-in-month")] == [item(PERVIY, 1)]  # default 2024-03
    december = run("items-due-in-month", month="2024-12")
    assert [(r["item"], r["begin"], r["end"]) for r in december] == [
        (item(PERVIY, 5), "2024-01-01", "2024-12-31"),  # "В течение 2024 г."
        (item(PERVIY, 2), "2024-12-01", "2024-12-31"),  # the December interval of "Май, декабрь"
    ]
    assert [r["item"] for r in run("items-due-in-month", month="2023-03")] == [item(VTOROY, 1)]
    assert run("items-due-in-month", month="2023-03", region=RU_AAA) == []


def test_items_missing_responsible_or_deadline(run):
    (row,) = run("items-missing-responsible-or-deadline")
    # item 4 has neither; sub-item 2.2.1 (item 6) inherits both from 2.2
    assert (row["item"], row["no_responsible"], row["no_deadline"], row["deadline_text"]) == (item(PERVIY, 4), "true", "true", "по мере необходимости")


def test_acts_and_bases(run):
    got = {r["act"]: r for r in run("acts-and-bases")}
    assert set(got) == {PERVIY, VTOROY}
    perviy = got[PERVIY]
    assert (perviy["base_number"], perviy["base_date"], perviy["base_type_label"], perviy["base_ingested"]) == ("180", "2024-02-07", "приказ", "false")
    assert perviy["base_issuer_label"] == "Министерство образования Первой области"
    assert got[VTOROY]["base"] is None and got[VTOROY]["act_type_label"] == "распоряжение"


def test_co_responsibility_counts_each_pair_once(run):
    got = {frozenset((r["a"], r["b"])): int(r["shared_items"]) for r in run("co-responsibility")}
    assert got == {frozenset((UO, CMP)): 2, frozenset((UO, CO48)): 1, frozenset((CMP, CO48)): 1,
                   frozenset((CMP, OO)): 1, frozenset((KOMITET, RUK_OU)): 1}
    assert len(run("co-responsibility")) == 5  # no mirrored pairs
    assert [(r["a"], r["b"]) for r in run("co-responsibility", min_items="2")] == [(CMP, UO)]


def test_assessment_items_one_row_per_item_and_assessment(run):
    got = {(r["assessment"], r["item"]) for r in run("assessment-items")}
    assert got == {("ВПР", item(PERVIY, 1)), ("ОГЭ", item(PERVIY, 1)), ("PISA", item(PERVIY, 4)),
                   ("функциональная грамотность", item(PERVIY, 3)), ("ГИА", item(VTOROY, 1))}
    assert [r["item"] for r in run("assessment-items", assessment="ГИА")] == [item(VTOROY, 1)]


def test_completeness_by_municipality(run):
    got = {r["municipality_label"]: r for r in run("completeness-by-municipality")}
    perviy = got["город Первый"]
    assert [perviy[k] for k in ("orders", "orders_with_date", "orders_with_number", "items", "items_with_responsible",
                                "items_with_deadline", "items_with_number")] == ["1", "1", "1", "6", "5", "5", "5"]
    assert [float(perviy[k]) for k in ("share_responsible", "share_deadline", "share_number")] == [0.833, 0.833, 0.833]
    vtoroy = got["город Второй"]
    assert [vtoroy[k] for k in ("orders", "orders_with_date", "orders_with_number", "items")] == ["1", "0", "0", "2"]


def test_title_search_ignores_case_and_yo(run):
    assert [r["item"] for r in run("title-search")] == [item(VTOROY, 2), item(PERVIY, 1)]  # "мониторинг"
    assert [r["item"] for r in run("title-search", q="ЕМКИЙ")] == [item(VTOROY, 2)]  # "Ёмкий"
    partners = [r["item"] for r in run("title-search", q="ПАРТНЁР")]
    assert partners == [item(VTOROY, 2), item(PERVIY, 3)]  # "партнеров", "партнёрство"
    assert [r["item"] for r in run("title-search", q="партнер", region=RU_AAA)] == [item(PERVIY, 3)]


def test_target_schools(run):
    got = [(r["municipality_label"], r["school"], r["order_year"]) for r in run("target-schools")]
    assert got == [("город Второй", ID + "org/ru-bbb-vtoroy/sosh-7", "2023"), ("город Первый", CO48, "2024")]
    assert [r["school"] for r in run("target-schools", year="2024")] == [CO48]


def test_acts_overview(run):
    got = {r["act"]: (r["number"], r["date"], r["year"], r["sections"], r["items"], r["signatory_name"]) for r in run("acts-overview")}
    assert got == {PERVIY: ("5/1-осн", "2024-02-13", "2024", "2", "6", "Золотухина Т.В."),
                   VTOROY: (None, None, "2023", "1", "2", None)}


def test_deadlines_by_month(run):
    got = {(r["month"], r["region_label"]): int(r["items"]) for r in run("deadlines-by-month")}
    assert got == {("2023-03", "Вторая область"): 1, ("2023-12", "Вторая область"): 1, ("2024-02", "Первая область"): 1,
                   ("2024-03", "Первая область"): 1, ("2024-05", "Первая область"): 1, ("2024-12", "Первая область"): 2}
    assert {r["month"] for r in run("deadlines-by-month", year="2023")} == {"2023-03", "2023-12"}


def test_items_of_responsible(run):
    got = [(r["item"], int(r["co_responsible"])) for r in run("items-of-responsible", responsible=CMP)]
    assert got == [(item(PERVIY, 1), 1), (item(PERVIY, 2), 2), (item(PERVIY, 3), 1)]
    assert [r["item"] for r in run("items-of-responsible", responsible=RUK_OU)] == [item(VTOROY, 1)]


def test_every_query_has_expected_rows_in_some_test_file():
    """Each stored query is asserted somewhere (queries of other issues have their own test files)."""
    from pathlib import Path

    from shnor_kg.queries import load_catalogue

    here = Path(__file__).parent
    generic = {"test_queries_catalogue.py", "test_queries_params.py", "test_queries_openapi.py", "test_queries_api.py", "test_store_contract.py"}
    texts = [p.read_text("utf-8") for p in here.glob("test_*.py") if p.name not in generic]
    for name in load_catalogue():
        assert any(f'"{name}"' in text for text in texts), f"no test asserts the rows of {name}"
