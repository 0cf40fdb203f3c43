"""The comparison of responsible bodies (/api/compare, /api/compare/items, /compare) on the two
sample acts, ingested once per session by tests/conftest.py.

Expected numbers were counted by reading the plan tables (Annex 1) of the acts in examples/, item by
item, with the "Ответственные" / "Ответственный исполнитель" cell of each row:

Tula (examples/tula-2024-prikaz-22-1-osn.txt, lines 45–126), 67 items: 1.1–1.12 (12), 2.1–2.8 (8),
3.1–3.5 (5), 4.1–4.21 (21), 5.1–5.10 (10), 6.1–6.4 and the unnumbered row after 6.4 (5), 7.1–7.6 (6).
- МКУ «ЦНППМ г. Тулы» (methodological centre): every item except 2.1, 2.4, 2.5, 2.6, 2.8, 3.1, 6.1 → 60
  (the typo forms "ЦНППМ . Тулы" in 3.3 and the unclosed "«ЦНППМ г. Тулы" in 6.2–7.6 are the same body);
- Управление образования (education authority): 1.1–1.9, 1.11, 1.12 (11), 2.1, 3.1–3.5 (5), 5.1, 5.2,
  6.1, 6.4 and the unnumbered row → 22;
- a school (МБОУ ЦО № 48 or № 42): 2.1, 2.2, 2.4–2.8 (7), 3.2, 3.4, 4.1–4.21 (21), 6.1–6.4, the
  unnumbered row (5), 7.1–7.6 (6) → 41;
- МБУ ДО «Центр ППСС» (support centre): 7.1–7.6 → 6; no item without a responsible party → 0.
Kostroma (examples/kostroma-2023-rasporyazhenie.txt, lines 69–250), 23 items: 1.1–1.3, 2.1–2.3,
3.1–3.5, 4.1–4.6, 5.1 with 5.1.1–5.1.4, 6.1.
- МБУ ГЦОКО / "Городской центр обеспечения качества образования" (methodological centre): 1.2, 2.2,
  3.4, 3.5, 4.1, 4.2, 4.3, 4.4, 4.5, 5.1 → 10;
- education authority: "Управление образования Комитета …" in 2.1, 2.2, 2.3, 3.3, 3.4, 5.1 and
  "Комитет образования …" in 3.1 → 7;
- no school organisation, no support centre → 0, 0;
- collectives of schools ("Общеобразовательные организации" 1.1, 1.3; "Руководитель ОУ" 3.2;
  "Руководители ОУ" 3.3, 4.1, 5.1) → collective:school 6; other collectives ("муниципальный
  координатор регионального проекта" 1.2, "Руководители МО" 4.6) → collective:otherOrganization 2;
- empty responsible cells: 5.1.1–5.1.4 (sub-items of 5.1, no inheritance) and 6.1 → none 5.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import KOSTROMA, TULA

TUL, KOS = "region:RU-TUL", "region:RU-KOS"
TULA_ALL = ([f"1.{n}" for n in range(1, 13)] + [f"2.{n}" for n in range(1, 9)] + [f"3.{n}" for n in range(1, 6)]
            + [f"4.{n}" for n in range(1, 22)] + [f"5.{n}" for n in range(1, 11)] + ["6.1", "6.2", "6.3", "6.4", None]
            + [f"7.{n}" for n in range(1, 7)])
TULA_EXPECTED = {"methodologicalCentre": 60, "educationAuthority": 22, "school": 41, "supportCentre": 6, "none": 0}
KOSTROMA_EXPECTED = {"methodologicalCentre": 10, "educationAuthority": 7, "school": 0, "supportCentre": 0,
                     "collective:school": 6, "collective:otherOrganization": 2, "none": 5}
TULA_ITEMS = {
    "methodologicalCentre": [n for n in TULA_ALL if n not in {"2.1", "2.4", "2.5", "2.6", "2.8", "3.1", "6.1"}],
    "educationAuthority": [f"1.{n}" for n in range(1, 13) if n != 10] + ["2.1"] + [f"3.{n}" for n in range(1, 6)]
                          + ["5.1", "5.2", "6.1", "6.4", None],
    "school": ["2.1", "2.2", "2.4", "2.5", "2.6", "2.7", "2.8", "3.2", "3.4"] + [f"4.{n}" for n in range(1, 22)]
              + ["6.1", "6.2", "6.3", "6.4", None] + [f"7.{n}" for n in range(1, 7)],
    "supportCentre": [f"7.{n}" for n in range(1, 7)],
}
KOSTROMA_ITEMS = {
    "methodologicalCentre": ["1.2", "2.2", "3.4", "3.5", "4.1", "4.2", "4.3", "4.4", "4.5", "5.1"],
    "educationAuthority": ["2.1", "2.2", "2.3", "3.1", "3.3", "3.4", "5.1"],
    "collective:school": ["1.1", "1.3", "3.2", "3.3", "4.1", "5.1"],
    "collective:otherOrganization": ["1.2", "4.6"],
    "none": ["5.1.1", "5.1.2", "5.1.3", "5.1.4", "6.1"],
}


@pytest.fixture(scope="module")
def both(sample_app):
    response = sample_app.test_client().get("/api/compare?region=RU-TUL&region=RU-KOS&lang=ru")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def column(answer, column_id):
    return next(c for c in answer["columns"] if c["id"] == column_id)


def counts(col):
    return {key: value["items"] for key, value in col["types"].items()}


def drill(client, column_id, **params):
    response = client.get("/api/compare/items", query_string={"column": column_id, "limit": 1000, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def numbers(answer):
    return [i["number"] for i in answer["items"]]


def read_csv(response, delimiter=","):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8")), "CSV downloads start with a UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# -- the numbers -----------------------------------------------------------------------------------------


def test_both_columns_in_the_order_asked_with_their_totals(both):
    assert [(c["id"], c["label"], c["items"], c["acts"]) for c in both["columns"]] == [
        (TUL, "Тульская область", 67, 1), (KOS, "Костромская область", 23, 1)]


def test_tula_items_by_body_type_counted_from_the_plan(both):
    got = counts(column(both, TUL))
    assert {k: got.get(k, 0) for k in TULA_EXPECTED} == TULA_EXPECTED
    assert {k for k, n in got.items() if n} == {"methodologicalCentre", "educationAuthority", "school", "supportCentre"}


def test_kostroma_items_by_body_type_counted_from_the_plan(both):
    got = counts(column(both, KOS))
    assert {k: got.get(k, 0) for k in KOSTROMA_EXPECTED} == KOSTROMA_EXPECTED
    assert {k for k, n in got.items() if n} == {k for k, n in KOSTROMA_EXPECTED.items() if n}


def test_shares_are_items_involving_the_type_over_all_items(both):
    tula, kostroma = column(both, TUL), column(both, KOS)
    assert tula["types"]["methodologicalCentre"]["share"] == round(60 / 67, 4)
    assert kostroma["types"]["none"]["share"] == round(5 / 23, 4)
    assert sum(v["share"] for v in tula["types"].values()) > 1  # items with several kinds count in each


def test_categories_list_collectives_as_their_own_types_and_none_last(both):
    keys = [c["key"] for c in both["categories"]]
    assert keys == ["educationAuthority", "methodologicalCentre", "supportCentre", "school",
                    "collective:school", "collective:otherOrganization", "none"]
    labels = {c["key"]: c["label"] for c in both["categories"]}
    assert labels["collective:school"] == "коллективный ответственный: общеобразовательная организация"
    assert labels["none"] == "ответственный не указан"
    assert all(set(c["types"]) == set(keys) for c in both["columns"])  # zeros are explicit


def test_theme_by_type_matrix_from_the_sections(both):
    # Tula section 3 "Развитие сетевого взаимодействия и партнерства": 3.1 УО; 3.2 УО, ЦНППМ, ЦО 48, ЦО 42;
    # 3.3, 3.5 УО, ЦНППМ; 3.4 УО, ЦНППМ, ЦО 42. Kostroma section 5 "Организация сетевого взаимодействия":
    # 5.1 УО, ГЦОКО, Руководители ОУ; 5.1.1–5.1.4 empty.
    tula = column(both, TUL)["themes"]["themeNetworking"]
    assert tula["items"] == 5
    assert {k: n for k, n in tula["types"].items() if n} == {"educationAuthority": 5, "methodologicalCentre": 4, "school": 2}
    kostroma = column(both, KOS)["themes"]["themeNetworking"]
    assert kostroma["items"] == 5
    assert {k: n for k, n in kostroma["types"].items() if n} == {
        "educationAuthority": 1, "methodologicalCentre": 1, "collective:school": 1, "none": 4}
    # every item has exactly one theme (its section's) in these plans
    assert sum(t["items"] for t in column(both, TUL)["themes"].values()) == 67
    assert sum(t["items"] for t in column(both, KOS)["themes"].values()) == 23


def test_role_holders_named_by_the_acts(both):
    tula = column(both, TUL)["roles"]
    assert [h["label"] for h in tula["coordinators"]] == ["Пряжина Елена Николаевна"]  # clause 2
    assert [h["href"] for h in tula["operators"]] == ["/id/org/ru-tul-tula/mku-cnppm"]  # clause 3
    assert [(h["href"], len(h["mentees"])) for h in tula["mentors"]] == [("/id/org/ru-tul-tula/mbou-co-42", 1)]  # Annex 3
    assert "№ 48" in tula["mentors"][0]["mentees"][0]
    # Kostroma appoints no coordinator and no operator by name and pairs no schools
    assert column(both, KOS)["roles"] == {"coordinators": [], "operators": [], "mentors": []}


def test_role_holders_agree_with_the_stored_queries(both, sample_store):
    from shnor_kg.queries import QueryRunner

    runner = QueryRunner(sample_store)
    coordinators = runner.run("coordinators-and-operators").result.values()
    mentors = runner.run("mentor-pairs").result.values()
    for col in both["columns"]:
        municipality = col["iri"].replace("/region/RU-TUL", "/municipality/ru-tul-tula").replace("/region/RU-KOS", "/municipality/ru-kos-kostroma")
        stored = {(r["function"] + "s", r["agent"]) for r in coordinators if r["municipality"] == municipality}
        stored |= {("mentors", r["mentor"]) for r in mentors if r["order"].startswith(municipality.replace("/municipality/", "/act/"))}
        ours = {(role, h["iri"]) for role, holders in col["roles"].items() for h in holders}
        assert ours == stored


def test_completeness_side_by_side_is_the_stored_scores_summed(both, sample_client):
    stored = sample_client.get("/api/completeness?level=region").get_json()["scores"]
    for col in both["columns"]:
        expected = {r["metric"]: (r["numerator"], r["denominator"]) for r in stored if r["region"] == col["iri"]}
        assert {m: (s["numerator"], s["denominator"]) for m, s in col["completeness"].items()} == expected
    assert column(both, KOS)["completeness"]["ordersWithDate"]["value"] == 0.0  # "от « » 2023г. №"


def test_municipality_and_year_columns(sample_client):
    answer = sample_client.get("/api/compare?municipality=ru-kos-kostroma&region=RU-TUL&year=2023&year=2024").get_json()
    got = {c["id"]: (c["items"], c["acts"], c["year"]) for c in answer["columns"]}
    assert got == {"municipality:ru-kos-kostroma@2023": (23, 1, 2023), "municipality:ru-kos-kostroma@2024": (0, 0, 2024),
                   "region:RU-TUL@2023": (0, 0, 2023), "region:RU-TUL@2024": (67, 1, 2024)}
    kostroma = next(c for c in answer["columns"] if c["id"] == "municipality:ru-kos-kostroma@2023")
    assert counts(kostroma)["none"] == 5 and kostroma["label"] == "город Кострома, 2023"
    empty = next(c for c in answer["columns"] if c["id"] == "region:RU-TUL@2023")
    assert empty["types"]["school"] == {"items": 0, "share": None}


def test_english_labels(sample_client):
    answer = sample_client.get("/api/compare?region=RU-KOS&lang=en").get_json()
    labels = {c["key"]: c["label"] for c in answer["categories"]}
    assert labels["methodologicalCentre"] == "methodological centre"
    assert labels["collective:otherOrganization"] == "collective: other organisation"
    assert answer["rule"].startswith("An item with several responsible parties counts once")


# -- drill-down ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", sorted(TULA_ITEMS))
def test_tula_drill_down_returns_exactly_the_counted_items(sample_client, category):
    answer = drill(sample_client, TUL, type=category)
    assert answer["total"] == TULA_EXPECTED[category] == len(TULA_ITEMS[category])
    assert numbers(answer) == TULA_ITEMS[category]  # in plan order


@pytest.mark.parametrize("category", sorted(KOSTROMA_ITEMS))
def test_kostroma_drill_down_returns_exactly_the_counted_items(sample_client, category):
    answer = drill(sample_client, KOS, type=category)
    assert numbers(answer) == KOSTROMA_ITEMS[category]


def test_drill_down_items_carry_their_source_span(sample_client):
    lines = {TUL: TULA.read_text("utf-8").splitlines(), KOS: KOSTROMA.read_text("utf-8").splitlines()}
    for column_id in (TUL, KOS):
        answer = drill(sample_client, column_id)
        assert answer["total"] == len(answer["items"]) == {TUL: 67, KOS: 23}[column_id]
        for item in answer["items"]:
            assert item["span"]["end"] > item["span"]["start"] and item["excerpt"]
            if item["number"]:
                # the span starts at the item's number, on the line of the file that holds it
                assert item["excerpt"].lstrip().startswith(item["number"]), item
                assert lines[column_id][item["line"] - 1].strip().startswith(item["number"]), item
            assert item["href"].startswith("/id/act/") and item["act"]["href"].startswith("/id/act/")
    kostroma = {i["number"]: i for i in drill(sample_client, KOS, type="none")["items"]}
    assert (kostroma["5.1.1"]["line"], kostroma["6.1"]["line"]) == (219, 246)
    assert kostroma["6.1"]["responsible"] == []


def test_drill_down_by_theme_and_type_lists_the_parties(sample_client):
    answer = drill(sample_client, TUL, type="school", theme="themeNetworking")
    assert numbers(answer) == ["3.2", "3.4"]
    parties = [p["href"] for p in answer["items"][0]["responsible"]]
    assert set(parties) == {"/id/org/ru-tul-tula/mbou-co-42", "/id/org/ru-tul-tula/mbou-co-48",
                            "/id/org/ru-tul-tula/mku-cnppm", "/id/org/ru-tul-tula/upravlenie-obrazovaniya-administracii-goroda-tuly"}
    assert numbers(drill(sample_client, KOS, type="none", theme="themeNetworking")) == ["5.1.1", "5.1.2", "5.1.3", "5.1.4"]
    assert drill(sample_client, KOS, theme="themeLeadership")["total"] == 1  # section 6: only 6.1


def test_drill_down_pages(sample_client):
    first = drill(sample_client, TUL, type="methodologicalCentre", limit=10)
    second = drill(sample_client, TUL, type="methodologicalCentre", limit=10, offset=10)
    assert (first["total"], len(first["items"]), len(second["items"])) == (60, 10, 10)
    assert numbers(first) + numbers(second) == TULA_ITEMS["methodologicalCentre"][:20]


# -- CSV ------------------------------------------------------------------------------------------------------


def test_csv_tables_read_back(sample_client, both):
    types = read_csv(sample_client.get("/api/compare?region=RU-TUL&region=RU-KOS&format=csv&table=types&lang=ru"))
    got = {(r["column"], r["category"]): int(r["items"]) for r in types}
    assert {k: got[(TUL, k)] for k in TULA_EXPECTED} == TULA_EXPECTED
    assert {k: got[(KOS, k)] for k in KOSTROMA_EXPECTED} == KOSTROMA_EXPECTED
    assert {r["column_label"] for r in types} == {"Тульская область", "Костромская область"}
    themes = read_csv(sample_client.get("/api/compare?region=RU-TUL&format=csv&table=themes"))
    # Tula alone: its 7 section themes × its 5 categories (4 bodies and "none"), one row each
    assert len(themes) == 7 * 5 and {r["category"] for r in themes} == set(TULA_EXPECTED)
    cell = next(r for r in themes if r["theme"] == "themeNetworking" and r["category"] == "school")
    assert (int(cell["items"]), int(cell["theme_items"])) == (2, 5)
    roles = read_csv(sample_client.get("/api/compare?region=RU-TUL&format=csv&table=roles"))
    assert [(r["role"], r["holder_label"]) for r in roles][0] == ("coordinators", "Пряжина Елена Николаевна")
    completeness = read_csv(sample_client.get("/api/compare?region=RU-KOS&format=csv&table=completeness&delimiter=;"), ";")
    got = {r["metric"]: (int(r["numerator"]), int(r["denominator"])) for r in completeness}
    assert (got["ordersWithDate"], got["itemsWithNumber"]) == ((0, 1), (23, 23))  # no date; every item numbered


def test_semicolon_csv_for_excel(sample_client):
    rows = read_csv(sample_client.get("/api/compare?region=RU-KOS&format=csv&table=types&delimiter=;"), ";")
    assert {r["category"]: int(r["items"]) for r in rows}["none"] == 5


def test_drill_down_csv_reads_back(sample_client):
    response = sample_client.get("/api/compare/items?column=region:RU-KOS&type=collective:school&format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="compare-items.csv"'
    rows = read_csv(response)
    assert [r["number"] for r in rows] == KOSTROMA_ITEMS["collective:school"]
    assert all(r["excerpt"].lstrip().startswith(r["number"]) for r in rows)
    assert "Общеобразовательные организации" in rows[0]["responsible"]


# -- parameters ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url,parameter", [
    ("/api/compare", "region"),
    ("/api/compare?region=RU-XXX", "region"),
    ("/api/compare?region=not%20a%20code", "region"),
    ("/api/compare?municipality=ru-xxx-nowhere", "municipality"),
    ("/api/compare?region=RU-TUL&year=24", "year"),
    ("/api/compare?region=RU-TUL&colour=red", "colour"),
    ("/api/compare?region=RU-TUL&format=xml", "format"),
    ("/api/compare?region=RU-TUL&lang=de", "lang"),
    ("/api/compare?region=RU-TUL&format=csv&table=everything", "table"),
    ("/api/compare?region=RU-TUL&table=types", "table"),
    ("/api/compare?region=RU-TUL&" + "&".join(f"year={y}" for y in range(2000, 2013)), "region"),
    ("/api/compare/items", "column"),
    ("/api/compare/items?column=RU-TUL", "column"),
    ("/api/compare/items?column=region:RU-XXX", "column"),
    ("/api/compare/items?column=region:RU-TUL@20x4", "column"),
    ("/api/compare/items?column=region:RU-TUL&type=ministry", "type"),
    ("/api/compare/items?column=region:RU-TUL&type=collective:", "type"),
    ("/api/compare/items?column=region:RU-TUL&theme=themeNothing", "theme"),
    ("/api/compare/items?column=region:RU-TUL&limit=0", "limit"),
    ("/api/compare/items?column=region:RU-TUL&offset=-1", "offset"),
    ("/api/compare/items?column=region:RU-TUL&column=region:RU-KOS", "column"),
])
def test_bad_parameters_are_400_naming_them(sample_client, url, parameter):
    response = sample_client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["code"] == "bad_parameter"


def test_places_given_as_iris_are_the_same_columns(sample_client):
    answer = sample_client.get("/api/compare", query_string={"region": "https://w3id.org/shnor/id/region/RU-KOS",
                                                              "municipality": "https://w3id.org/shnor/id/municipality/ru-tul-tula"}).get_json()
    assert [(c["id"], c["items"]) for c in answer["columns"]] == [(KOS, 23), ("municipality:ru-tul-tula", 67)]


# -- cache -----------------------------------------------------------------------------------------------------


def test_answers_are_cached_per_store_version(store, config):
    from shnor_kg.ingest.pipeline import submission_for
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.compare import Comparator, parse_columns

    catalog = Catalog(store, config.data_dir, base_iri=config.base_iri)
    catalog.ensure_vocabulary()
    catalog.add(submission_for(KOSTROMA, KOSTROMA.read_bytes(), config=config))
    engine = Comparator(store, base_iri=config.base_iri)
    columns = parse_columns([("region", "RU-KOS")], store, config.base_iri)
    first, second = engine.compare(columns), engine.compare(columns)
    assert (first["cached"], second["cached"], second["columns"][0]["items"]) == (False, True, 23)
    catalog.add(submission_for(TULA, TULA.read_bytes(), config=config))  # a new version: everything recomputed
    third = engine.compare(parse_columns([("region", "RU-KOS"), ("region", "RU-TUL")], store, config.base_iri))
    again = engine.compare(columns)
    assert (third["cached"], again["cached"]) == (False, False)
    assert [c["items"] for c in third["columns"]] == [23, 67]


# -- page ------------------------------------------------------------------------------------------------------


def test_page_form_lists_the_places_and_years(sample_client):
    page = sample_client.get("/compare?lang=ru").get_data(as_text=True)
    assert 'name="region" value="RU-TUL"' in page and 'name="region" value="RU-KOS"' in page
    assert 'value="ru-kos-kostroma"' in page and 'name="year" value="2023"' in page and 'name="year" value="2024"' in page
    assert 'id="compare-app"' not in page and 'id="compare-choose"' in page


def test_page_with_columns_points_the_script_at_the_api(sample_client):
    response = sample_client.get("/compare?region=RU-TUL&region=RU-KOS&lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-api="/api/compare?region=RU-TUL&amp;region=RU-KOS&amp;lang=en"' in page
    assert 'data-columns="region:RU-TUL region:RU-KOS"' in page
    assert "Comparison of responsible bodies" in page
    assert "/static/vendor/chart.js/chart.umd.min.js" in page and "/static/compare.js" in page
    assert page.count("format=csv") == 4  # a CSV download under each table
    # no inline script: only src= scripts and the JSON data block
    assert page.count("<script") == page.count("<script src=") + page.count('<script type="application/json"')
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_page_with_a_bad_place_says_why(sample_client):
    response = sample_client.get("/compare?region=RU-ZZZ&lang=ru")
    assert response.status_code == 400
    assert "RU-ZZZ" in response.get_data(as_text=True) and 'id="compare-error"' in response.get_data(as_text=True)
