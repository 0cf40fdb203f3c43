"""Every stored query on the two sample acts (ingested once per session by tests/conftest.py), with
the expected rows written by reading examples/tula-2024-prikaz-22-1-osn.txt and
examples/kostroma-2023-rasporyazhenie.txt.

Tula, Annex 1, responsible parties per item: 1.1–1.9, 1.11, 1.12 УО + ЦНППМ; 1.10 ЦНППМ; 2.1 УО + ЦО 48;
2.2, 2.7 ЦНППМ + ЦО 48; 2.3 ЦНППМ; 2.4, 2.5, 2.8 ЦО 48; 2.6 ЦО 48 + ЦО 42; 3.1 УО; 3.2 УО + ЦНППМ + ЦО 48 +
ЦО 42; 3.3, 3.5 УО + ЦНППМ; 3.4 УО + ЦНППМ + ЦО 42; 4.1–4.21 ЦНППМ + ЦО 48; 5.1, 5.2 УО + ЦНППМ; 5.3–5.10
ЦНППМ; 6.1 УО + ЦО 48; 6.2, 6.3 ЦНППМ + ЦО 48; 6.4 and the unnumbered row after it УО + ЦНППМ + ЦО 48;
7.1–7.6 ЦНППМ + ЦППСС + ЦО 48 — 67 items in 7 sections.
Kostroma, Annex 1: 1.1, 1.3 Общеобразовательные организации; 1.2 ГЦОКО + муниципальный координатор;
2.1, 2.3 УО; 2.2, 3.4 УО + ГЦОКО; 3.1 Комитет; 3.2 Руководитель ОУ; 3.3 УО + Руководители ОУ; 3.5, 4.2–4.5
ГЦОКО; 4.1 ГЦОКО + Руководители ОУ; 4.6 Руководители МО; 5.1 УО + ГЦОКО + Руководители ОУ; 5.1.1–5.1.4 and
6.1 empty cells — 23 items in 6 sections.
"""

import re
from collections import Counter

import pytest

from shnor_kg.queries import QueryRunner

ID = "https://w3id.org/shnor/id/"
SHNOR = "https://w3id.org/shnor/ontology#"
TULA_ACT = ID + "act/ru-tul-tula/2024/prikaz-22-1-osn"
CO48 = ID + "org/ru-tul-tula/mbou-co-48"
CO42 = ID + "org/ru-tul-tula/mbou-co-42"
TULA, KOSTROMA = "город Тула", "город Кострома"
LEAD = {"director", "head"}  # "ФИО руководителя", "Заведующий": the act says head, either concept fits


@pytest.fixture(scope="module")
def run(sample_store):
    runner = QueryRunner(sample_store)

    def answer(name, **params):
        return runner.run(name, params).result.values()

    return answer


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def key_of(label: str) -> str:
    """A short key for the responsible parties of the two acts, from their labels."""
    text = label.lower()
    keys = [("непрерывного повышения", "ЦНППМ"), ("№ 48", "ЦО48"), ("№ 42", "ЦО42"), ("ппсс", "ЦППСС"),
            ("управление образования администрации города тулы", "УО-Тула"), ("обеспечения качества", "ГЦОКО"),
            ("управление образования комитета", "УО-Кострома"), ("комитет образования", "Комитет"),
            ("координатор", "координатор")]
    for needle, key in keys:
        if needle in text:
            return key
    return label


def numbers(rows, municipality):
    return [r["number"] for r in rows if r["municipality_label"] == municipality]


def test_items_by_responsible_type(run):
    got = {(r["region"].rsplit("/", 1)[-1], local(r["type"])): int(r["items"]) for r in run("items-by-responsible-type")}
    assert got == {
        ("RU-TUL", "methodologicalCentre"): 60, ("RU-TUL", "school"): 41, ("RU-TUL", "educationAuthority"): 22,
        ("RU-TUL", "supportCentre"): 6,
        ("RU-KOS", "methodologicalCentre"): 10, ("RU-KOS", "educationAuthority"): 7,  # УО 6 + Комитет (3.1)
        ("RU-KOS", "school"): 6,  # Общеобразовательные организации 1.1, 1.3; Руководитель(и) ОУ 3.2, 3.3, 4.1, 5.1
        ("RU-KOS", "otherOrganization"): 2,  # муниципальный координатор (1.2), Руководители МО (4.6)
    }


def test_responsible_organisations(run):
    got = {(r["municipality_label"], key_of(r["responsible_label"])): (int(r["items"]), r["collective"])
           for r in run("responsible-organisations")}
    assert got == {
        (TULA, "ЦНППМ"): (60, "false"), (TULA, "ЦО48"): (40, "false"), (TULA, "УО-Тула"): (22, "false"),
        (TULA, "ЦППСС"): (6, "false"), (TULA, "ЦО42"): (3, "false"),
        (KOSTROMA, "ГЦОКО"): (10, "false"), (KOSTROMA, "УО-Кострома"): (6, "false"), (KOSTROMA, "Руководители ОУ"): (3, "true"),
        (KOSTROMA, "Общеобразовательные организации"): (2, "true"), (KOSTROMA, "Комитет"): (1, "false"),
        (KOSTROMA, "координатор"): (1, "true"), (KOSTROMA, "Руководители МО"): (1, "true"),
        (KOSTROMA, "Руководитель ОУ"): (1, "true"),
    }


def test_themes_by_region(run):
    got = {(r["region_label"], local(r["theme"])): (int(r["items"]), int(r["region_items"])) for r in run("themes-by-region")}
    assert got == {
        ("Тульская область", "themeMonitoring"): (12, 67), ("Тульская область", "themeInfrastructure"): (8, 67),
        ("Тульская область", "themeNetworking"): (5, 67), ("Тульская область", "themeProfessionalDevelopment"): (21, 67),
        ("Тульская область", "themeLeadership"): (10, 67), ("Тульская область", "themeQualityAssessment"): (5, 67),
        ("Тульская область", "themeFailurePrevention"): (6, 67),
        ("Костромская область", "themeNormativeBasis"): (3, 23), ("Костромская область", "themeInfrastructure"): (3, 23),
        ("Костромская область", "themeQualityAssessment"): (5, 23), ("Костромская область", "themeProfessionalDevelopment"): (6, 23),
        ("Костромская область", "themeNetworking"): (5, 23), ("Костромская область", "themeLeadership"): (1, 23),
    }
    shares = {local(r["theme"]): r["share_percent"] for r in run("themes-by-region", region=ID + "region/RU-TUL", lang="en")}
    assert shares["themeMonitoring"] == "17.9" and shares["themeProfessionalDevelopment"] == "31.3"


def test_mentor_pairs(run):
    (pair,) = run("mentor-pairs")  # Kostroma forms no pair
    assert (pair["mentor"], pair["mentee"], pair["order"], pair["order_number"], pair["order_date"], pair["year"],
            pair["municipality_label"]) == (CO42, CO48, TULA_ACT, "22/1-осн", "2024-02-13", "2024", TULA)
    assert run("mentor-pairs", region=ID + "region/RU-KOS") == []


def test_school_heads(run):
    got = {(r["municipality_label"], r["person_name"]): (r["school_label"], local(r["role"])) for r in run("school-heads")}
    assert set(got) == {
        (TULA, "Белова Татьяна Васильевна"), (TULA, "Кубанова Елена Николаевна"),
        (KOSTROMA, "Рыжова Н.Ю."), (KOSTROMA, "Бутенина Е.В."), (KOSTROMA, "Шукаева О.Н."),
        (KOSTROMA, "Караваева О.А."), (KOSTROMA, "Поляков А.В."),
    }
    schools = {name: school for (_, name), (school, _) in got.items()}
    assert "Центр образования № 48" in schools["Белова Татьяна Васильевна"]
    assert "Центр образования № 42" in schools["Кубанова Елена Николаевна"]
    assert "школа № 7" in schools["Рыжова Н.Ю."] and "школа № 10" in schools["Бутенина Е.В."]
    assert "школа № 11" in schools["Шукаева О.Н."] and "школа № 19" in schools["Караваева О.А."]
    assert "школа № 37" in schools["Поляков А.В."]
    assert {role for (m, _), (_, role) in got.items() if m == KOSTROMA} == {"director"}  # "директор"
    assert {role for (m, _), (_, role) in got.items() if m == TULA} <= LEAD  # "ФИО руководителя"


def test_coordinators_and_operators(run):
    got = [(r["municipality_label"], r["function"], r["agent_label"], r["order_number"], r["year"]) for r in run("coordinators-and-operators")]
    assert len(got) == 2  # Kostroma names neither a coordinator person nor an operator
    assert got[0] == (TULA, "coordinator", "Пряжина Елена Николаевна", "22/1-осн", "2024")  # clause 2
    assert got[1][:2] == (TULA, "operator") and "Центр непрерывного повышения профессионального мастерства" in got[1][2]  # clause 3


def test_person_roles(run):
    roles: dict[str, set] = {}
    for r in run("person-roles"):
        roles.setdefault(r["person_name"], set()).add(local(r["role"]))
    lead = lambda found: found & LEAD and len(found & LEAD) == 1  # noqa: E731
    assert lead(roles.pop("Белова Татьяна Васильевна")) and lead(roles.pop("Кубанова Елена Николаевна"))
    ismagilova = roles.pop("Исмагилова С.Е.")  # "Заведующий МБУ … ГЦОКО" in the sign-off block
    assert lead(ismagilova) and ismagilova - LEAD == {"approver"}
    assert roles == {
        "Пряжина Елена Николаевна": {"municipalCoordinator", "departmentHead"},  # clause 2
        "Шагаева В.Е.": {"actingDirector"},  # clause 3
        "Юдина Ю.И.": {"executionController", "deputyHead"},  # clause 6
        "Золотова Т.В.": {"signatory", "head"},
        "Силакова И.В.": {"signatory", "deputyHead", "head"},  # заместитель главы – председатель Комитета
        "Скачкова Т.Н.": {"executionController", "head", "approver"},  # clause 4, sign-off
        "Шпигарева Т.С.": {"departmentHead", "approver"},
        "Бучина Ольга Борисовна": {"contactPerson"},
        "Рыжова Н.Ю.": {"director"}, "Бутенина Е.В.": {"director"}, "Шукаева О.Н.": {"director"},
        "Караваева О.А.": {"director"}, "Поляков А.В.": {"director"},
    }
    pryazhina = run("person-roles", person=ID + "person/ru-tul-tula/pryazhina-e-n", lang="en")
    assert {r["role_label"] for r in pryazhina} >= {"municipal coordinator"}


def test_items_due_in_month(run):
    march = run("items-due-in-month")  # default 2024-03: "Март 2024 г."
    assert numbers(march, TULA) == ["1.5", "3.1", "3.2", "3.4", "3.5", "4.14", "4.16", "6.1"] and numbers(march, KOSTROMA) == []
    assert numbers(run("items-due-in-month", month="2023-03"), KOSTROMA) == ["1.1", "1.2", "1.3"]  # "Март" of the 2023 plan
    december = run("items-due-in-month", month="2023-12")
    assert numbers(december, TULA) == ["1.11"]  # "Июнь, декабрь 2023 г." inside the 2024 plan
    assert sorted(numbers(december, KOSTROMA)) == sorted(["2.1", "2.2", "2.3", "3.2", "3.3", "3.4", "3.5", "4.1", "4.2", "4.3",
                                                          "4.4", "4.5", "4.6", "5.1"])  # "В течение года"
    tula_1_11 = next(r for r in december if r["number"] == "1.11")
    assert (tula_1_11["begin"], tula_1_11["end"]) == ("2023-12-01", "2023-12-31")


def test_items_missing_responsible_or_deadline(run):
    (row,) = run("items-missing-responsible-or-deadline")  # 5.1.1–5.1.4 inherit from 5.1
    assert (row["municipality_label"], row["number"], row["no_responsible"], row["no_deadline"]) == (KOSTROMA, "6.1", "true", "true")


def test_acts_and_bases(run):
    got = {r["municipality_label"]: r for r in run("acts-and-bases")}
    tula = got[TULA]  # "На основании приказа министерства образования Тульской области от 07.02.2024 № 180 «…»"
    assert (tula["act_number"], tula["act_date"], tula["base_number"], tula["base_date"], tula["base_ingested"]) == (
        "22/1-осн", "2024-02-13", "180", "2024-02-07", "false")
    assert tula["base_type_label"] == "приказ" and "перечня школ с низкими образовательными результатами" in tula["base_title"]
    assert "тульской области" in tula["base_issuer_label"].lower()
    kostroma = got[KOSTROMA]  # "в соответствии с Положением о Комитете … от 9 ноября 2012 года № 2366"
    assert (kostroma["act_number"], kostroma["act_date"], kostroma["act_year"]) == (None, None, "2023")
    assert (kostroma["base_number"], kostroma["base_date"], kostroma["base_ingested"]) == ("2366", "2012-11-09", "false")


def test_co_responsibility(run):
    got = {frozenset((key_of(r["a_label"]), key_of(r["b_label"]))): int(r["shared_items"]) for r in run("co-responsibility")}
    assert got == {
        frozenset(("УО-Тула", "ЦНППМ")): 19, frozenset(("ЦНППМ", "ЦО48")): 34, frozenset(("УО-Тула", "ЦО48")): 5,
        frozenset(("ЦО48", "ЦО42")): 2, frozenset(("УО-Тула", "ЦО42")): 2, frozenset(("ЦНППМ", "ЦО42")): 2,
        frozenset(("ЦППСС", "ЦНППМ")): 6, frozenset(("ЦППСС", "ЦО48")): 6,
        frozenset(("ГЦОКО", "УО-Кострома")): 3, frozenset(("Руководители ОУ", "УО-Кострома")): 2,
        frozenset(("Руководители ОУ", "ГЦОКО")): 2, frozenset(("координатор", "ГЦОКО")): 1,
    }
    assert len(run("co-responsibility")) == 12
    assert len(run("co-responsibility", min_items="6")) == 4


def test_assessment_items(run):
    got = Counter((r["assessment"], r["municipality_label"], r["number"]) for r in run("assessment-items"))
    assert max(got.values()) == 1
    expected = {
        "ВПР": {TULA: ["1.6", "1.7", "4.3", "6.4"], KOSTROMA: ["4.3"]},  # 6.4 writes "ВПр"
        "РКР": {TULA: ["1.6", "1.7", "4.3", "6.4"]},
        "PISA": {TULA: ["1.7"]},
        "функциональная грамотность": {TULA: ["1.7", "4.21", "6.4"], KOSTROMA: ["6.1"]},
        "ГИА": {TULA: ["1.7", "5.5", "5.10", "6.4"], KOSTROMA: ["4.3", "4.4"]},  # also "государственной итоговой аттестации"
        "ОГЭ": {TULA: ["1.6", "1.7", "5.9", "5.10", "6.4"]},
        "ЕГЭ": {TULA: ["1.6", "1.7", "5.9", "5.10", "6.4"], KOSTROMA: ["4.6"]},
    }
    assert set(got) == {(a, m, n) for a, places in expected.items() for m, ns in places.items() for n in ns}
    assert numbers(run("assessment-items", assessment="PISA"), TULA) == ["1.7"]


def test_completeness_by_municipality(run):
    got = {r["municipality_label"]: r for r in run("completeness-by-municipality")}
    columns = ("orders", "orders_with_date", "orders_with_number", "items", "items_with_responsible", "items_with_deadline", "items_with_number")
    assert [got[TULA][c] for c in columns] == ["1", "1", "1", "67", "67", "67", "66"]  # the row after 6.4 has no number
    assert [got[KOSTROMA][c] for c in columns] == ["1", "0", "0", "23", "22", "22", "23"]  # blank date and number; 6.1 empty
    assert (got[TULA]["share_number"], got[KOSTROMA]["share_responsible"]) == ("0.985", "0.957")


def test_completeness_scores(run):
    # stored at validation; Tula: 67 items all with a responsible party, Kostroma: 6.1 has none (22 of 23)
    got = {(r["municipality_label"], r["numerator"], r["denominator"], r["share"])
           for r in run("completeness-scores", metric="shnor:itemsWithResponsible")}
    assert got == {(TULA, "67", "67", "1"), (KOSTROMA, "22", "23", "0.9565")}
    rows = run("completeness-scores", region=ID + "region/RU-KOS")
    assert {(local(r["metric"]), r["numerator"], r["denominator"]) for r in rows} == {
        ("itemsWithResponsible", "22", "23"), ("itemsWithDeadline", "22", "23"), ("itemsWithParsedDeadline", "22", "23"),
        ("itemsWithNumber", "23", "23"), ("ordersWithDate", "0", "1"), ("ordersWithNumber", "0", "1"), ("schoolsWithHead", "5", "5")}
    assert rows[0]["share"] == "0" and rows[0]["act_number"] is None  # sorted by share: the blank date or number first


def test_completeness_by_region(run):
    got = {(r["region_label"], local(r["metric"])): (r["numerator"], r["denominator"], r["share"]) for r in run("completeness-by-region")}
    assert got[("Тульская область", "itemsWithNumber")] == ("66", "67", "0.9851")  # the row after 6.4
    assert got[("Тульская область", "schoolsWithHead")] == ("2", "2", "1")  # ЦО № 48 and its curator ЦО № 42
    assert got[("Костромская область", "ordersWithDate")] == ("0", "1", "0")
    assert len(got) == 14 and {r["metric_label"] for r in run("completeness-by-region", lang="en")} >= {"items with a responsible party"}


def test_title_search(run):
    monitoring = run("title-search")  # default "мониторинг"
    assert numbers(monitoring, TULA) == ["1.5", "1.6", "1.7", "1.8", "1.9", "1.11", "1.12", "4.1"]
    assert numbers(monitoring, KOSTROMA) == ["1.3", "3.3"]
    for text in ("ПАРТНЁР", "партнер"):
        found = run("title-search", q=text)
        assert numbers(found, TULA) == ["2.5", "3.1", "3.2", "3.5", "4.5", "6.3"]  # партнеров, партнёра, партнерских…
        assert numbers(found, KOSTROMA) == ["5.1.4"]


def test_target_schools(run):
    got = {(r["municipality_label"], re.search(r"№ (\d+)", r["school_label"]).group(1)) for r in run("target-schools")}
    assert got == {(TULA, "48"), (KOSTROMA, "7"), (KOSTROMA, "10"), (KOSTROMA, "11"), (KOSTROMA, "19"), (KOSTROMA, "37")}
    assert [r["school"] for r in run("target-schools", municipality=ID + "municipality/ru-tul-tula")] == [CO48]  # not ЦО 42, the curator


def test_acts_overview(run):
    got = {r["municipality_label"]: r for r in run("acts-overview")}
    tula, kostroma = got[TULA], got[KOSTROMA]
    assert (tula["type_label"], tula["number"], tula["date"], tula["year"], tula["sections"], tula["items"], tula["signatory_name"]) == (
        "приказ", "22/1-осн", "2024-02-13", "2024", "7", "67", "Золотова Т.В.")
    assert tula["issuer_label"] == "Управление образования администрации города Тулы" and tula["region_label"] == "Тульская область"
    assert (kostroma["type_label"], kostroma["number"], kostroma["date"], kostroma["year"], kostroma["sections"], kostroma["items"],
            kostroma["signatory_name"]) == ("распоряжение", None, None, "2023", "6", "23", "Силакова И.В.")


def test_deadlines_by_month(run):
    got = {(r["month"], r["region_label"]): int(r["items"]) for r in run("deadlines-by-month")}
    assert got == {
        ("2023-06", "Тульская область"): 1, ("2023-12", "Тульская область"): 1,  # 1.11
        ("2024-02", "Тульская область"): 8, ("2024-03", "Тульская область"): 8, ("2024-04", "Тульская область"): 3,
        ("2024-05", "Тульская область"): 2, ("2024-06", "Тульская область"): 2, ("2024-12", "Тульская область"): 47,
        ("2023-03", "Костромская область"): 3, ("2023-10", "Костромская область"): 1, ("2023-12", "Костромская область"): 14,
    }


def test_items_of_responsible(run, sample_store):
    cnppm = sample_store.query(
        'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?o WHERE { ?o skos:altLabel ?l FILTER(CONTAINS(?l, "ЦНППМ")) }'
    ).rows[0][0].value
    rows = run("items-of-responsible", responsible=cnppm)
    assert len(rows) == 60
    co = {r["number"]: int(r["co_responsible"]) for r in rows}
    assert (co["1.10"], co["1.1"], co["3.2"], co["7.1"]) == (0, 1, 3, 2)
    leaders = sample_store.query(
        'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?o WHERE { ?o skos:prefLabel "Руководители ОУ"@ru }').rows
    assert numbers(run("items-of-responsible", responsible=leaders[0][0].value), KOSTROMA) == ["3.3", "4.1", "5.1"]


def test_every_query_has_expected_rows_in_some_test_file():
    """Each stored query is asserted somewhere (queries of other issues have their own test files)."""
    from pathlib import Path

    from shnor_kg.queries import load_catalogue

    here = Path(__file__).parent
    generic = {"test_queries_catalogue.py", "test_queries_params.py", "test_queries_openapi.py", "test_queries_api.py", "test_store_contract.py"}
    texts = [p.read_text("utf-8") for p in here.glob("test_*.py") if p.name not in generic]
    for name in load_catalogue():
        assert any(f'"{name}"' in text for text in texts), f"no test asserts the rows of {name}"
