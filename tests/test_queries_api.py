"""The stored-query API and pages: catalogue JSON, the four result formats (CSV read back with the
csv module), receipt headers, the per-version cache and its invalidation by an ingest, the pages."""

import csv
import io
import json
import re

import pytest

from shnor_kg.queries import load_catalogue

from .conftest import make_app
from .queries_support import CMP_IRI, PERVIY, fixture_app, fixture_client, fixture_config, fixture_store, load_into  # noqa: F401

TRICKY_TITLE = 'Анализ «рисков» и "трудностей";\nвторая строка'  # item 1.2 of the fixture


def test_catalogue_lists_every_query_in_both_languages(fixture_client):
    entries = fixture_client.get("/api/queries").get_json()["queries"]
    assert [e["name"] for e in entries] == sorted(load_catalogue())
    mentor = next(e for e in entries if e["name"] == "mentor-pairs")
    assert mentor["title"]["ru"].startswith("Пары") and mentor["title"]["en"].startswith("Mentor")
    assert mentor["view"] == "network" and mentor["href"] == "/api/queries/mentor-pairs"
    assert [(p["name"], p["type"], p["classes"]) for p in mentor["params"]] == [
        ("region", "iri", ["https://w3id.org/shnor/ontology#Region"]), ("year", "gYear", [])]
    english = fixture_client.get("/api/queries?lang=en").get_json()["queries"]
    assert next(e for e in english if e["name"] == "mentor-pairs")["title"] == mentor["title"]["en"]
    assert fixture_client.get("/api/queries?lang=de").status_code == 400


def test_json_result_has_typed_values_and_a_receipt(fixture_client):
    response = fixture_client.get("/api/queries/co-responsibility")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"] == "co-responsibility" and body["params"] == {"min_items": "1"}
    assert body["variables"] == ["a", "a_label", "b", "b_label", "shared_items"]
    assert body["rows"][0]["shared_items"] == 2 and isinstance(body["rows"][0]["a_label"], str)
    assert response.headers["X-Shnor-Rows"] == str(len(body["rows"])) == "5"
    assert response.headers["X-Shnor-Truncated"] == "false"
    assert float(response.headers["X-Shnor-Elapsed-Ms"]) >= 0 and response.headers["X-Shnor-Dataset-Version"] == body["version"]


def test_cors_exposes_the_receipt(fixture_client):
    response = fixture_client.get("/api/queries/mentor-pairs?format=csv", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # cors_origins defaults to *
    assert "X-Shnor-Cache" in response.headers["Access-Control-Expose-Headers"]
    error = fixture_client.get("/api/queries/mentor-pairs?year=x", headers={"Origin": "https://example.org"})
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"


def _csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV for Excel starts with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_reads_back_with_cyrillic_quotes_and_newlines(fixture_client, delimiter):
    args = {"month": "2024-05", "format": "csv"} | ({"delimiter": delimiter} if delimiter == ";" else {})
    response = fixture_client.get("/api/queries/items-due-in-month", query_string=args)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="items-due-in-month.csv"'
    table = _csv_rows(response.data, delimiter)
    assert table[0] == ["item", "number", "title", "deadline_text", "begin", "end", "municipality_label", "order", "order_number"]
    assert len(table) == 2
    row = dict(zip(table[0], table[1]))
    assert row["title"] == TRICKY_TITLE
    assert row["deadline_text"] == "Май, декабрь 2024 г." and row["order_number"] == "5/1-осн"
    assert row["municipality_label"] == "город Первый"


def test_tsv_escapes_tabs_and_newlines(fixture_client):
    response = fixture_client.get("/api/queries/items-due-in-month?month=2024-05&format=tsv")
    assert response.headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    lines = response.data.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 3
    header, row = lines[0].split("\t"), lines[1].split("\t")
    assert dict(zip(header, row))["title"] == TRICKY_TITLE.replace("\n", "\\n")


def test_sparql_json_keeps_datatypes(fixture_client):
    response = fixture_client.get("/api/queries/co-responsibility?format=sparql-json")
    assert response.mimetype == "application/sparql-results+json"
    body = json.loads(response.data)
    assert body["head"]["vars"] == ["a", "a_label", "b", "b_label", "shared_items"]
    first = body["results"]["bindings"][0]
    assert first["shared_items"] == {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert first["a"]["type"] == "uri" and first["a_label"]["xml:lang"] == "ru"


@pytest.mark.parametrize("url, status, parameter", [
    ("/api/queries/no-such-query", 404, None),
    ("/api/queries/mentor-pairs?format=xlsx", 400, "format"),
    ("/api/queries/mentor-pairs?format=json&delimiter=;", 400, "delimiter"),
    ("/api/queries/mentor-pairs?format=csv&delimiter=|", 400, "delimiter"),
])
def test_bad_requests(fixture_client, url, status, parameter):
    response = fixture_client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error.get("parameter") == parameter


def test_repeated_calls_hit_the_cache(fixture_client):
    first = fixture_client.get("/api/queries/themes-by-region?lang=en")
    second = fixture_client.get("/api/queries/themes-by-region?lang=en")
    assert second.headers["X-Shnor-Cache"] == "hit"
    assert second.get_json()["rows"] == first.get_json()["rows"] and second.get_json()["cached"] is True
    assert second.get_json()["elapsed_ms"] < 50
    other = fixture_client.get("/api/queries/themes-by-region?lang=ru")  # other parameters, other entry
    assert other.headers["X-Shnor-Cache"] == "miss"


ADDED_ITEM = f"""@prefix shnor: <https://w3id.org/shnor/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{PERVIY}/plan/item/99> a shnor:PlanItem ; shnor:inPlan <{PERVIY}/plan> ; shnor:position 99 ;
    dct:title "Мониторинг, добавленный загрузкой" .
"""


def test_an_ingest_invalidates_the_cache(config, cli, tmp_path):
    store = load_into(config)
    client = make_app(config, store=store).test_client()
    before = client.get("/api/queries/title-search")
    assert client.get("/api/queries/title-search").headers["X-Shnor-Cache"] == "hit"
    extra = tmp_path / "extra.ttl"
    extra.write_text(ADDED_ITEM, "utf-8")
    assert cli("ingest", str(extra)).exit_code == 0  # another process-like writer on the same data directory
    after = client.get("/api/queries/title-search")
    assert after.headers["X-Shnor-Cache"] == "miss"
    assert after.headers["X-Shnor-Dataset-Version"] != before.headers["X-Shnor-Dataset-Version"]
    titles = [r["title"] for r in after.get_json()["rows"]]
    assert len(titles) == len(before.get_json()["rows"]) + 1 and "Мониторинг, добавленный загрузкой" in titles
    store.close()


# -- pages ------------------------------------------------------------------------------------


def test_catalogue_page_in_russian_and_english(fixture_client):
    page = fixture_client.get("/queries").get_data(as_text=True)
    assert "Исследовательские запросы" in page and 'href="/queries/mentor-pairs?lang=ru"' in page
    assert all(f'id="q-{name}"' in page for name in load_catalogue())
    unknown = fixture_client.get("/queries?lang=fr")  # an unknown language is ignored (shared i18n rule)
    assert unknown.status_code == 200 and "Исследовательские запросы" in unknown.get_data(as_text=True)
    english = fixture_client.get("/queries?lang=en").get_data(as_text=True)
    assert "Research queries" in english and "Mentor–school pairs" in english
    assert "Research queries" in fixture_client.get("/queries").get_data(as_text=True)  # remembered in the cookie


def test_the_page_language_is_the_label_language(fixture_client):
    page = fixture_client.get("/queries/items-by-responsible-type?lang=en").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S).group(1))
    assert {d["label"] for d in data["datasets"]} == {"education authority", "methodological centre", "school"}
    form = page.split('class="query-form"')[1].split("</form>")[0]
    assert form.count('name="lang"') == 1 and '<input type="hidden" name="lang" value="en">' in form  # no field of its own


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_query_page_renders_form_sparql_and_downloads(fixture_client, name):
    query = load_catalogue()[name]
    args = {"lang": "en"} | ({"responsible": CMP_IRI} if name == "items-of-responsible" else {})
    response = fixture_client.get(f"/queries/{name}", query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert query.title["en"].replace("'", "&#39;") in page
    assert 'class="query-form"' in page and "PREFIX shnor:" in page
    assert f"/api/queries/{name}?" in page and "format=csv&amp;delimiter=%3B" in page
    for param in query.params:
        if param.name != "lang":
            assert f'name="{param.name}"' in page


def test_bar_page_embeds_chart_data(fixture_client):
    page = fixture_client.get("/queries/items-by-responsible-type").get_data(as_text=True)
    assert "vendor/chart.js/chart.umd.min.js" in page and "queries.js" in page
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S).group(1))
    assert data["labels"] == ["Вторая область", "Первая область"]
    assert {d["label"]: d["data"] for d in data["datasets"]}["методический центр"] == [0, 3]


def test_timeline_page_draws_bars_in_date_order(fixture_client):
    page = fixture_client.get("/queries/items-due-in-month?month=2024-12").get_data(as_text=True)
    bars = re.findall(r'class="timeline-bar" style="margin-left: ([\d.]+)%; width: ([\d.]+)%"', page)
    assert bars == [("0.0", "100.0"), ("91.53", "8.47")]  # Jan–Dec 2024; Dec 2024 starts on day 335 of 366, lasts 31


def test_network_page_links_to_the_network_browser(fixture_client):
    page = fixture_client.get("/queries/mentor-pairs?lang=en").get_data(as_text=True)
    assert 'href="/network?kind=mentorship&amp;lang=en"' in page


def test_page_with_a_bad_parameter_shows_the_form_and_the_message(fixture_client):
    response = fixture_client.get("/queries/items-due-in-month?month=март")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "parameter &#39;month&#39; expects a month YYYY-MM" in page and 'class="query-form"' in page


def test_page_without_a_required_parameter_offers_the_choices(fixture_client):
    page = fixture_client.get("/queries/items-of-responsible").get_data(as_text=True)
    assert "Задайте обязательные параметры" in page
    assert f'<option value="{CMP_IRI}">' in page and "Руководители ОУ" in page
