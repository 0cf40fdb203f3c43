"""The validation API and pages over the sample acts (results and scores read from the acts; see
tests/test_validation_samples.py for the reading)."""

from __future__ import annotations

import re

import pytest

from shnor_kg.server.catalog import Catalog


@pytest.fixture(scope="module")
def doc_ids(sample_config, sample_store) -> dict[str, str]:
    catalog = Catalog(sample_store, sample_config.data_dir, base_iri=sample_config.base_iri)
    by_source = {m["source_name"]: m["doc_id"] for m in catalog.documents()}
    return {"tula": by_source["tula-2024-prikaz-22-1-osn.txt"], "kostroma": by_source["kostroma-2023-rasporyazhenie.txt"]}


def test_api_lists_documents_with_counts_by_severity(sample_client, doc_ids):
    body = sample_client.get("/api/validation").get_json()
    counts = {d["doc_id"]: d["counts"] for d in body["documents"]}
    assert counts == {doc_ids["tula"]: {"Violation": 0, "Warning": 2, "Info": 5},
                      doc_ids["kostroma"]: {"Violation": 0, "Warning": 4, "Info": 0}}
    assert all(d["validated"] and not d["conforms"] for d in body["documents"])


def test_api_results_link_resources_and_show_the_source_span(sample_client, doc_ids):
    body = sample_client.get(f"/api/validation/{doc_ids['tula']}?lang=en").get_json()
    assert body["counts"] == {"Violation": 0, "Warning": 2, "Info": 5}
    (year,) = [r for r in body["results"] if r["shape"].endswith("#DeadlineInPlanYearShape")]
    assert year["href"] == "/id/act/ru-tul-tula/2024/prikaz-22-1-osn/plan/item/11"
    assert year["path"] == "shnor:deadlineText" and year["value"] == "Июнь, декабрь 2023 г."
    assert "outside the plan's year" in year["message"]
    # the span is the row of the plan as the act writes it
    assert year["span"]["text"].startswith("1.11")
    assert "Мониторинг реализации программы развития МБОУ ЦО № 48" in year["span"]["text"]
    assert "Июнь, декабрь 2023 г." in year["span"]["text"]
    (unnumbered,) = [r for r in body["results"] if r["shape"].endswith("#PlanItem-numberMissing")]
    assert unnumbered["span"]["text"].lstrip().startswith("Анализ динамики показателей")
    assert unnumbered["line"] and year["line"] < unnumbered["line"]


def test_api_results_in_russian_and_for_an_act_without_date(sample_client, doc_ids):
    body = sample_client.get(f"/api/validation/{doc_ids['kostroma']}?lang=ru").get_json()
    by_shape = {r["shape"].rsplit("#", 1)[-1]: r for r in body["results"]}
    assert set(by_shape) == {"IngestedOrder-date", "IngestedOrder-number", "PlanItem-responsibleMissing", "PlanItem-deadlineMissing"}
    assert by_shape["IngestedOrder-number"]["message"] == "У акта нет номера (eli:number)."
    assert by_shape["PlanItem-responsibleMissing"]["path"] == "shnor:parentItem*/shnor:responsible"
    assert "Организация участия в образовательных проектах" in by_shape["PlanItem-deadlineMissing"]["span"]["text"]


def test_api_unknown_document_is_404(sample_client):
    response = sample_client.get("/api/validation/no-such-document")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_api_completeness_levels(sample_client):
    documents = sample_client.get("/api/completeness").get_json()
    assert documents["level"] == "document" and len(documents["scores"]) == 14
    regions = sample_client.get("/api/completeness?level=region").get_json()["scores"]
    tula = {r["metric"]: r["value"] for r in regions if r["region"].endswith("RU-TUL")}
    assert {r["region_label"] for r in regions} == {"Тульская область", "Костромская область"}
    assert tula["itemsWithNumber"] == round(66 / 67, 4) and tula["ordersWithDate"] == 1.0
    bad = sample_client.get("/api/completeness?level=planet")
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "level"


def test_validation_page_lists_documents_with_counts_and_scores(sample_client, doc_ids):
    html = sample_client.get("/validation?lang=en").get_data(as_text=True)
    assert "Data validation (SHACL)" in html
    row = re.search(rf'<tr data-doc="{doc_ids["kostroma"]}">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'data-severity="(\w+)">(\d+)<', row) == [("Violation", "0"), ("Warning", "4"), ("Info", "0")]
    assert f'href="/validation/{doc_ids["tula"]}"' in html
    assert 'data-metric="itemsWithResponsible">96 % <small>22/23</small>' in html
    assert 'data-region="https://w3id.org/shnor/id/region/RU-KOS"' in html and "Костромская область</a>" in html


def test_document_page_shows_each_result_with_link_and_span(sample_client, doc_ids):
    html = sample_client.get(f"/validation/{doc_ids['tula']}?lang=ru").get_data(as_text=True)
    assert html.count('<li class="result') == 7
    assert 'href="/id/act/ru-tul-tula/2024/prikaz-22-1-osn/plan/item/59"' in html
    assert "начинается с середины слова" in html
    assert "ие и организация методической работы" in html
