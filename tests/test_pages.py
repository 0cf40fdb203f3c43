"""The home page, the language choice, the act pages, and escaping of every value shown.

Golden numbers read from the acts: two acts (Tula, Kostroma) in two regions and two
municipalities; seven schools (Tula: ЦО № 48 and № 42; Kostroma annex 2: СОШ № 7, 10, 11,
ООШ № 19, СОШ № 37); 67 + 23 plan items (tests/expected/*_items.tsv); one mentor pair (Tula
clause 5). The Tula text states nine role assignments (clause 2: Пряжина twice; clause 3:
Шагаева; clause 6: Юдина twice; the signature: Золотова twice; annexes 2 and 3: Белова, Кубанова)
and the mentorship in clause 5 (line 24); its plan has sections 1–7.
"""

from __future__ import annotations

import hashlib

import pytest
from lxml import html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from shnor_kg.ontology import OA, SHNOR

from .conftest import make_app

TULA_ACT = "/id/act/ru-tul-tula/2024/prikaz-22-1-osn"
KOSTROMA_ACT = "/id/act/ru-kos-kostroma/2023/rasporyazhenie-64953f25"


def get(client, path: str, **headers):
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.data[:300]
    return html.fromstring(response.data)


# -- home ------------------------------------------------------------------------------------------


def test_home_counts_what_the_acts_hold(sample_client):
    doc = get(sample_client, "/")
    counts = {li.get("data-count"): int(li.find_class("number")[0].text_content()) for li in doc.find_class("count")}
    assert {k: counts[k] for k in ("acts", "regions", "municipalities", "schools", "items", "pairs")} == {
        "acts": 2, "regions": 2, "municipalities": 2, "schools": 7, "items": 90, "pairs": 1}
    assert counts["organisations"] > counts["schools"] and counts["people"] >= 9


def test_home_lists_the_latest_acts_and_the_entry_points(sample_client):
    doc = get(sample_client, "/")
    latest = doc.find_class("latest-acts")[0]
    assert {a.get("href") for a in latest.iter("a")} == {TULA_ACT, KOSTROMA_ACT}
    assert "Приказ № 22/1-осн от 13.02.2024" in latest.text_content()
    entries = {a.get("href") for a in doc.find_class("entries")[0].iter("a")}
    assert entries == {"/search", "/queries", "/network", "/compare", "/sparql", "/ontology", "/validation"}
    nav = {a.get("href") for a in doc.find_class("site-nav")[0].iter("a")}
    assert entries <= nav


def test_language_is_chosen_by_parameter_and_remembered(sample_app):
    client = sample_app.test_client()
    assert get(client, "/").get("lang") == "ru"
    response = client.get("/?lang=en", headers={"Accept": "text/html"})
    assert "lang=en" in response.headers["Set-Cookie"] and "Cookie" in response.headers["Vary"]
    doc = html.fromstring(response.data)
    assert doc.get("lang") == "en" and "What the graph holds" in doc.text_content()
    again = get(client, "/search")  # no parameter: the cookie decides
    assert again.get("lang") == "en" and again.findtext(".//h1") == "Search"
    switch = again.get_element_by_id("lang-switch")
    assert switch.get("href") == "/search?lang=ru" and switch.text_content() == "Русский"
    assert get(client, "/?lang=ru").get("lang") == "ru"
    assert get(client, "/").get("lang") == "ru"


def test_an_unknown_language_is_ignored(sample_app):
    client = sample_app.test_client()
    response = client.get("/?lang=fr", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert html.fromstring(response.data).get("lang") == "ru"


def test_the_default_language_is_configurable(sample_config, sample_store):
    app = make_app(sample_config.replace(default_lang="en"), store=sample_store)
    assert get(app.test_client(), "/").get("lang") == "en"


def test_the_message_table_falls_back(sample_app):
    from shnor_kg.server.i18n import register, t

    with sample_app.test_request_context("/?lang=en"):
        register({"ru": {"test.only_ru": "только по-русски {n}"}})
        assert t("test.only_ru", n=1) == "только по-русски 1"
        assert t("test.missing") == "test.missing"
        assert t("nav.search") == "Search" and t("nav.search", "ru") == "Поиск"


# -- act pages -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tula(sample_app):
    return get(sample_app.test_client(), TULA_ACT)


def facts_by_kind(doc) -> dict[str, set[str]]:
    """Fact list entries by kind (index → IRI), from the side list."""
    found: dict[str, set[str]] = {}
    for li in doc.get_element_by_id("facts").iter("li"):
        found.setdefault(li.get("data-kind"), set()).add(li.get("data-fact"))
    return found


def marked(doc) -> dict[str, list]:
    """Fact index → the marked pieces of text that state it."""
    pieces: dict[str, list] = {}
    for a in doc.get_element_by_id("act-text").find_class("fact"):
        for index in a.get("data-facts").split():
            pieces.setdefault(index, []).append(a)
    return pieces


def test_act_page_marks_all_67_items_in_the_text(tula):
    items = facts_by_kind(tula)["item"]
    assert len(items) == 67
    assert items <= set(marked(tula))
    pieces = marked(tula)
    item_13 = tula.get_element_by_id("facts").xpath('.//li[@data-iri="https://w3id.org/shnor/id/act/ru-tul-tula/2024/prikaz-22-1-osn/plan/item/3"]')[0]
    (piece,) = pieces[item_13.get("data-fact")]
    assert piece.text_content().startswith("1.3\tАнализ программы развития МБОУ ЦО № 48\tФевраль 2024 г.")
    assert piece.get("href") == TULA_ACT + "/plan/item/3"
    assert piece.getparent().getparent().get("id") == "L48"


def test_act_page_marks_roles_and_the_mentorship(tula):
    kinds = facts_by_kind(tula)
    assert len(kinds["role"]) == 9 and len(kinds["mentorship"]) == 1
    (mentorship,) = kinds["mentorship"]
    piece = marked(tula)[mentorship][0]
    assert piece.getparent().getparent().get("id") == "L24"
    assert piece.text_content().startswith("5. Школе с низкими образовательными результатами")
    assert "multi" in piece.get("class")  # clause 5 states the pair: both are listed
    assert "МБОУ ЦО № 42 → МБОУ ЦО № 48" in piece.get("title")


def test_act_text_is_the_normalised_text_line_by_line(tula, sample_store):
    text = sample_store.query(f"SELECT ?t WHERE {{ ?s <{SHNOR.text}> ?t FILTER(CONTAINS(?t, \"22/1-осн\")) }}").rows[0][0].value
    lines = [div.find_class("lt")[0].text_content() for div in tula.get_element_by_id("act-text").find_class("line")]
    assert lines == text.split("\n")


def test_act_page_has_the_plan_table(tula):
    table = tula.find_class("plan-table")[0]
    assert len(table.find_class("plan-item")) == 67
    sections = [th.text_content() for th in table.xpath(".//tr[@class='plan-section']/th")]
    assert [s.split(".")[0] for s in sections] == [f"Раздел {n}" for n in range(1, 8)]
    row = next(r for r in table.find_class("plan-item") if r.find_class("num")[0].text_content().startswith("п. 2.6"))
    cells = [td.text_content() for td in row.iter("td")]
    assert cells[2] == "В течение 2024 г. (по отдельному плану)"
    assert {a.text_content() for a in row.find_class("parties")[0].iter("a")} == {"МБОУ ЦО № 48", "МБОУ ЦО № 42"}


def test_act_page_shows_the_validation_results(tula):
    validation = tula.get_element_by_id("validation")
    rows = [r.text_content() for r in validation.iter("tr")]
    assert any("п. 1.11" in r and "предупреждение" in r and "срок" in r for r in rows)  # a 2023 deadline in a 2024 plan
    assert any("строка плана 61" in r and "номер" in r for r in rows)  # the unnumbered row after 6.4
    flagged = [a for a in tula.get_element_by_id("act-text").find_class("has-issue")
               if a.get("href") == TULA_ACT + "/plan/item/11"]
    assert flagged and flagged[0].text_content().startswith("1.11\tМониторинг реализации программы развития")


def test_act_page_shows_completeness_beside_the_findings(tula):
    rows = {tr.find("th").text_content(): tr.find_class("ratio")[0].text_content()
            for tr in tula.get_element_by_id("completeness").iter("tr")}
    assert rows["пронумерованные мероприятия"] == "66/67"  # one row has no number (line 118)
    assert rows["мероприятия с ответственным"] == "67/67"


def test_kostroma_act_page_has_its_23_items(sample_client):
    doc = get(sample_client, KOSTROMA_ACT)
    assert len(doc.find_class("plan-item")) == 23
    numbers = [r.find_class("num")[0].text_content().split()[1] for r in doc.find_class("plan-item")]
    assert numbers[numbers.index("5.1"):numbers.index("5.1") + 5] == ["5.1", "5.1.1", "5.1.2", "5.1.3", "5.1.4"]
    assert len(facts_by_kind(doc)["item"]) == 23


def test_a_cited_act_gets_a_resource_page(sample_client):
    doc = get(sample_client, "/id/act/ministerstvo-obrazovaniya-tulskoy-oblasti/2024/prikaz-180")
    assert doc.get_element_by_id("act-text", None) is None
    assert doc.findtext(".//h1").startswith("Приказ № 180")
    assert TULA_ACT in {a.get("href") for a in doc.get_element_by_id("in-based_on").iter("a")}


def minted_shapes(store) -> dict[str, str]:
    """One minted IRI per path shape (numbers and hashes replaced), over every subject and object."""
    import re

    rows = store.query("SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
                       "FILTER(isIRI(?x) && STRSTARTS(STR(?x), 'https://w3id.org/shnor/id/')) }").rows
    shapes: dict[str, str] = {}
    for (x,) in rows:
        path = x.value[len("https://w3id.org/shnor/id/"):]
        shapes.setdefault(re.sub(r"[0-9a-f]{8,}|\d+", "N", path), path)
    return shapes


def test_every_kind_of_minted_iri_has_a_page_and_turtle(sample_store, sample_client):
    shapes = minted_shapes(sample_store)
    assert len(shapes) > 25  # orgs, people, places, acts, plans, items, spans, deadlines, roles, reports…
    for shape, path in sorted(shapes.items()):
        page = sample_client.get("/id/" + path, headers={"Accept": "text/html"})
        assert page.status_code == 200, shape
        assert html.fromstring(page.data).findtext(".//h1"), shape
        turtle = sample_client.get(f"/id/{path}.ttl")
        assert turtle.status_code == 200 and turtle.mimetype == "text/turtle", shape


# -- escaping --------------------------------------------------------------------------------------


SCRIPT = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An app whose only act has markup in its title, its text, an item and an organisation."""
    from shnor_kg.config import load_config
    from shnor_kg.server.catalog import Submission

    config = load_config({"data_dir": str(tmp_path_factory.mktemp("hostile") / "kg")}, environ={})
    app = make_app(config)
    base = config.base_iri
    text = f"ПРИКАЗ {SCRIPT}\n1.1\t{IMG} мониторинг\tМарт 2024 г.\t{SCRIPT}\n"
    act, source = URIRef(base + "act/ru-tul-tula/2024/prikaz-x"), URIRef(base + "source/x")
    item, span, org = URIRef(f"{act}/plan/item/1"), URIRef(f"{act}/plan/item/1/span"), URIRef(base + "org/ru-tul-tula/x")
    doc = Graph()
    for triple in [(act, RDF.type, SHNOR.Order), (act, DCTERMS.title, Literal(SCRIPT)), (act, PROV.wasDerivedFrom, source),
                   (source, RDF.type, SHNOR.SourceDocument), (source, SHNOR.text, Literal(text)),
                   (item, RDF.type, SHNOR.PlanItem), (item, DCTERMS.title, Literal(IMG + " мониторинг")),
                   (item, SHNOR.number, Literal("1.1")), (item, SHNOR.position, Literal(1, datatype=XSD.integer)),
                   (item, SHNOR.responsible, org), (item, SHNOR.sourceSpan, span),
                   (span, RDF.type, OA.TextPositionSelector), (span, OA.start, Literal(text.index("1.1"))),
                   (span, OA.end, Literal(len(text) - 1)), (span, SHNOR.line, Literal(2))]:
        doc.add(triple)
    entities = Graph()
    entities.add((org, RDF.type, SHNOR.Organization))
    entities.add((org, SKOS.prefLabel, Literal(SCRIPT + " мониторинг", lang="ru")))
    data = text.encode()
    app.extensions["shnor_kg"].catalog.add(Submission(
        "ru-tul-tula-2024-prikaz-x", doc, entities, data, SCRIPT + ".txt", "text/plain",
        hashlib.sha256(data).hexdigest(), meta={"act_iri": str(act)}))
    return app.test_client()


def assert_inert(response) -> None:
    """No markup from the data or the request reaches the page unescaped; scripts only by src."""
    body, doc = response.data.decode(), html.fromstring(response.data)
    assert SCRIPT not in body and IMG not in body
    assert not doc.xpath("//img") and "alert" not in "".join(doc.xpath("//script/text()"))
    for element in doc.iter():
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.tag
    for script in doc.iter("script"):
        assert script.get("src") or script.get("type") == "application/json"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", [
    "/", "/id/act/ru-tul-tula/2024/prikaz-x", "/id/act/ru-tul-tula/2024/prikaz-x/plan/item/1",
    "/id/org/ru-tul-tula/x", "/search?q=мониторинг", "/search?q=" + SCRIPT, "/search?q=%22%3E%3Cscript%3E",
    "/id/org/ru-tul-tula/y", "/?lang=" + SCRIPT,
])
def test_markup_in_data_and_parameters_is_escaped(hostile_client, path):
    response = hostile_client.get(path, headers={"Accept": "text/html"})
    assert response.status_code in (200, 404)
    assert_inert(response)


def test_escaped_markup_is_shown_as_text(hostile_client):
    doc = get(hostile_client, "/id/act/ru-tul-tula/2024/prikaz-x")
    assert doc.find_class("lead")[0].text_content() == SCRIPT
    assert IMG in doc.get_element_by_id("act-text").text_content()
    results = get(hostile_client, "/search?q=мониторинг").get_element_by_id("results").text_content()
    assert SCRIPT in results and IMG in results
