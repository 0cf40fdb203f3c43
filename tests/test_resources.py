"""Resource pages (``/id/…``) over the two sample acts: HTML for people, RDF for machines.

Golden facts are read from examples/tula-2024-prikaz-22-1-osn.txt: Annex 2 (line 136) names
МБОУ «Центр образования № 48» with its head Белова Татьяна Васильевна; clause 5 (line 24) and
items 3.2, 3.4 pair it with the mentor school ЦО № 42; the order is № 22/1-осн of 13.02.2024;
the plan rows whose measure column names "МБОУ ЦО № 48" are listed in CO48_ITEMS.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from lxml import html
from rdflib import Graph
from rdflib.compare import isomorphic

BASE = "https://w3id.org/shnor/id/"
CO48 = "org/ru-tul-tula/mbou-co-48"
CO42 = "org/ru-tul-tula/mbou-co-42"
ACT = "act/ru-tul-tula/2024/prikaz-22-1-osn"
BELOVA = "person/ru-tul-tula/belova-t-v"
PRYAZHINA = "person/ru-tul-tula/pryazhina-e-n"

#: Numbered plan rows whose measure names МБОУ ЦО № 48 (read from the plan table of the act),
#: plus the unnumbered row at position 61 (line 118, after 6.4; tests/expected/tula_items.tsv).
CO48_ITEMS = {"1.3", "1.5", "1.6", "1.8", "1.9", "1.10", "1.11", "1.12", "2.1", "2.2", "2.3", "2.5", "2.7",
              "2.8", "3.1", "3.2", "3.4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9",
              "4.10", "4.11", "4.12", "4.15", "5.1", "5.2", "5.4", "5.5", "6.4", "7.1", "7.5", "7.6"}


def page(client, path: str, **headers):
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return html.fromstring(response.data)


def hrefs(element) -> set[str]:
    return {a.get("href") for a in element.iter("a")}


def group(doc, key: str):
    found = doc.get_element_by_id(f"in-{key}")
    assert found is not None, f"no group of incoming {key} links"
    return found


@pytest.fixture(scope="module")
def co48(sample_app):
    return page(sample_app.test_client(), "/id/" + CO48)


def test_school_page_names_the_school_its_types_and_short_form(co48):
    assert co48.findtext(".//h1") == "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»"
    meta = co48.find_class("meta")[0].text_content()
    assert "МБОУ ЦО № 48" in meta and BASE + CO48 in meta
    assert "школа" in co48.find_class("kind")[0].text_content().lower()
    props = co48.find_class("properties")[0].text_content()
    assert "город Тула" in props and "вид организации" in props  # labels, not IRIs
    assert "skos:prefLabel" not in props and "https://w3id.org/shnor/ontology#" not in props


def test_school_page_lists_its_head_with_the_annex_line(co48):
    roles = co48.get_element_by_id("roles")
    row = next(r for r in roles.find_class("role-row") if "Белова Татьяна Васильевна" in r.text_content())
    assert "/id/" + BELOVA in hrefs(row)
    assert "директор" in row.text_content()
    assert "/id/" + ACT in hrefs(row)
    cited = row.find_class("cited")[0].text_content()
    assert "Белова Татьяна Васильевна" in cited
    assert "/id/" + ACT + "#L136" in hrefs(row)


def test_school_page_lists_the_order_that_names_it(co48):
    acts = group(co48, "targetSchool")
    assert "/id/" + ACT in hrefs(acts)
    assert "22/1-осн" in acts.text_content()
    assert "Акты, называющие эту школу" in acts.text_content()


def test_school_page_lists_its_mentor_and_the_clause_that_pairs_them(co48):
    mentors = group(co48, "mentors")
    assert hrefs(mentors) == {"/id/" + CO42}
    pairs = group(co48, "mentee")
    assert "МБОУ ЦО № 42 → МБОУ ЦО № 48" in pairs.text_content()
    assert "/id/" + ACT + "#L24" in hrefs(pairs)  # clause 5


def test_school_page_lists_the_plan_items_that_concern_it(co48):
    concerns = group(co48, "concerns")
    rows = concerns.find_class("link-row")
    numbers = {r.find("a").text_content().removeprefix("п. ") for r in rows}
    assert numbers == CO48_ITEMS | {"строка плана 61"}
    assert all("ЦО № 48" in r.find_class("cited")[0].text_content() for r in rows)
    first = next(r for r in rows if r.find("a").text_content() == "п. 1.3")
    assert first.find("a").get("href") == "/id/" + ACT + "/plan/item/3"
    assert "Анализ программы развития МБОУ ЦО № 48" in first.find_class("cited")[0].text_content()
    assert "/id/" + ACT + "#L48" in hrefs(first)


def test_school_page_in_english(sample_app):
    doc = page(sample_app.test_client(), f"/id/{CO48}?lang=en")
    assert doc.get("lang") == "en"
    assert "Acts that name this school" in group(doc, "targetSchool").text_content()
    assert "Plan items that concern this school" in group(doc, "concerns").text_content()
    assert "Order (prikaz) № 22/1-осн of 2024-02-13" in group(doc, "targetSchool").text_content()


def test_person_page_lists_both_roles_of_the_coordinator(sample_app):
    doc = page(sample_app.test_client(), "/id/" + PRYAZHINA)
    assert doc.findtext(".//h1") == "Пряжина Елена Николаевна"
    roles = doc.get_element_by_id("roles").text_content()
    assert "муниципальный координатор" in roles and "начальник отдела" in roles
    assert "Назначить Пряжину Елену Николаевну" in roles  # clause 2, as written


def test_plan_item_page_shows_its_row_with_the_line(sample_app):
    doc = page(sample_app.test_client(), f"/id/{ACT}/plan/item/3")
    source = doc.get_element_by_id("source")
    assert source.find_class("cited")[0].text_content().startswith("1.3\tАнализ программы развития МБОУ ЦО № 48")
    assert "/id/" + ACT + "#L48" in hrefs(source)
    props = doc.get_element_by_id("properties").text_content()
    assert "Февраль 2024 г." in props
    assert "01.02.2024 – 29.02.2024" in props  # the deadline interval, named by its dates


def describe_turtle(client, iri: str) -> Graph:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{iri}>"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.data, format="turtle")


@pytest.mark.parametrize("path", [CO48, ACT, BELOVA, f"{ACT}/plan/item/3", "region/RU-TUL"])
def test_turtle_is_the_endpoints_describe(sample_client, path):
    response = sample_client.get(f"/id/{path}.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    mine = Graph().parse(data=response.data, format="turtle")
    assert len(mine) > 0
    assert isomorphic(mine, describe_turtle(sample_client, BASE + path))


def graph_of(data: bytes, fmt: ox.RdfFormat) -> Graph:
    """Parse with Oxigraph (JSON-LD included), compare with rdflib."""
    triples = list(ox.parse(data, format=fmt))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")


def test_formats_by_accept_and_suffix_are_the_same_graph(sample_client):
    turtle = Graph().parse(data=sample_client.get(f"/id/{CO48}.ttl").data, format="turtle")
    for accept in ("application/n-triples", "application/ld+json", "text/turtle"):
        response = sample_client.get(f"/id/{CO48}", headers={"Accept": accept})
        assert response.mimetype == accept and response.headers["Vary"] == "Accept"
        assert isomorphic(graph_of(response.data, ox.RdfFormat.from_media_type(accept)), turtle), accept
    suffixed = sample_client.get(f"/id/{CO48}.jsonld")
    assert json.loads(suffixed.data) and isomorphic(graph_of(suffixed.data, ox.RdfFormat.JSON_LD), turtle)


def test_named_graphs_are_noted(sample_client):
    response = sample_client.get(f"/id/{ACT}/plan/item/3.ttl")
    assert response.headers["X-Shnor-Graph"] == "https://w3id.org/shnor/graph/ru-tul-tula-2024-prikaz-22-1-osn"
    school = sample_client.get(f"/id/{CO48}.nt")
    assert school.headers["X-Shnor-Graph"] == "https://w3id.org/shnor/graph/entities"
    quads = list(ox.parse(sample_client.get(f"/id/{CO48}.trig").data, format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/shnor/graph/entities"}
    assert len(quads) == len(Graph().parse(data=school.data, format="nt"))
    page_response = sample_client.get(f"/id/{CO48}", headers={"Accept": "text/html"})
    assert f'</id/{CO48}.ttl>; rel="alternate"; type="text/turtle"' in page_response.headers["Link"]


def test_browsers_get_html_by_default(sample_client):
    response = sample_client.get(f"/id/{CO48}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"


def test_unknown_resource_suggests_near_matches(sample_client):
    response = sample_client.get("/id/org/ru-tul-tula/mbou-co-84", headers={"Accept": "text/html"})
    assert response.status_code == 404
    doc = html.fromstring(response.data)
    near = doc.get_element_by_id("suggestions")
    assert {"/id/" + CO48, "/id/" + CO42} <= hrefs(near)
    body = sample_client.get("/id/org/ru-tul-tula/mbou-co-84.ttl").get_json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["suggestions"][0]["href"] in ("/id/" + CO48, "/id/" + CO42)


@pytest.mark.parametrize("path", ["/id/org/x%20y", "/id/org/%3Cscript%3E", "/id/"])
def test_impossible_iris_are_404(sample_client, path):
    assert sample_client.get(path, headers={"Accept": "text/html"}).status_code == 404


def test_resource_pages_follow_the_configured_base(tmp_path):
    from shnor_kg.config import load_config
    from shnor_kg.ingest.pipeline import submission_for
    from tests.conftest import TULA, make_app

    config = load_config({"data_dir": str(tmp_path / "kg"), "base_iri": "http://example.org/kg/"}, environ={})
    app = make_app(config)
    app.extensions["shnor_kg"].catalog.add(submission_for(TULA, TULA.read_bytes(), config=config))
    client = app.test_client()
    doc = page(client, "/id/" + CO48)
    assert "http://example.org/kg/" + CO48 in doc.find_class("meta")[0].text_content()
    assert "/id/" + ACT in hrefs(group(doc, "targetSchool"))
    graph = Graph().parse(data=client.get(f"/id/{CO48}.ttl").data, format="turtle")
    assert {str(s) for s in graph.subjects()} == {"http://example.org/kg/" + CO48}


def test_item_page_shows_the_validation_findings_about_it(sample_client):
    doc = page(sample_client, f"/id/{ACT}/plan/item/11")  # 1.11: "Июнь, декабрь 2023 г." in the 2024 plan
    findings = doc.get_element_by_id("validation").text_content()
    assert "предупреждение" in findings and "срок" in findings
    clean = page(sample_client, f"/id/{ACT}/plan/item/3")
    assert clean.get_element_by_id("validation", None) is None
