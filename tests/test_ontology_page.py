"""The ontology documentation page and its Turtle, through the Flask test client."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from shnor_kg.ontology import SHNOR
from shnor_kg.ontology.vocabulary import load_vocabulary

from .conftest import make_app
from .test_ontology import (
    CONTRACT_CLASSES,
    CONTRACT_DATATYPE_PROPERTIES,
    CONTRACT_OBJECT_PROPERTIES,
    CONTRACT_SCHEMES,
    THEMES,
)

CONTRACT_TERMS = (CONTRACT_CLASSES | CONTRACT_DATATYPE_PROPERTIES | CONTRACT_OBJECT_PROPERTIES
                  | set(CONTRACT_SCHEMES) | set().union(*CONTRACT_SCHEMES.values()) | {"Themes"} | THEMES)


class _Anchors(HTMLParser):
    """Collects every id attribute and every local href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if (attrs.get("href") or "").startswith("#"):
            self.fragments.add(attrs["href"][1:])


@pytest.fixture(scope="module")
def page_client(tmp_path_factory):
    from shnor_kg.config import load_config

    app = make_app(load_config({"data_dir": str(tmp_path_factory.mktemp("kg"))}, environ={}))
    yield app.test_client()
    app.extensions["shnor_kg"].store.close()


def anchors(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    return parser


def test_page_renders_with_an_anchor_for_every_declared_term(page_client):
    response = page_client.get("/ontology")
    assert response.status_code == 200 and response.mimetype == "text/html"
    found = anchors(response.get_data(as_text=True))
    declared = {str(t).split("#", 1)[1] for t in dir(SHNOR)}
    assert CONTRACT_TERMS <= declared
    assert set(found.ids) >= declared
    assert len(found.ids) == len(set(found.ids)), "duplicate anchors"
    assert found.fragments <= set(found.ids), "links to missing anchors"


def test_page_shows_labels_in_both_languages_comments_and_supers(page_client):
    html = page_client.get("/ontology").get_data(as_text=True)
    school = html[html.index('id="School"'):]
    school = school[:school.index("</section>")]
    assert "общеобразовательная организация (школа)" in school and "school" in school
    assert "Общеобразовательная организация. Данные указывают оба типа" in school
    assert 'href="#Organization"' in school and 'href="https://schema.org/School"' in school
    issued = html[html.index('id="issuedBy"'):]
    issued = issued[:issued.index("</section>")]
    assert "eli:passed_by" in issued and 'href="#Order"' in issued and 'href="#Organization"' in issued
    responsible = html[html.index('id="responsible"'):]
    responsible = responsible[:responsible.index("</section>")]
    assert re.search(r"Область значений \(одно из\)</dt><dd><a href=\"#CollectiveResponsible\">.*#Organization", responsible)
    assert "<html lang=\"ru\"" in html and "Классы" in html


def test_english_switch_is_remembered(page_client):
    client = page_client.application.test_client()  # its own cookies
    response = client.get("/ontology?lang=en")
    html = response.get_data(as_text=True)
    assert "<html lang=\"en\"" in html and "Classes" in html
    assert "A general-education school. The data states both types" in html
    assert 'id="lang-switch" class="lang-switch" href="/ontology?lang=ru"' in html
    assert "lang=en" in response.headers["Set-Cookie"]
    again = client.get("/ontology").get_data(as_text=True)  # the cookie chooses English now
    assert "<html lang=\"en\"" in again and "Classes" in again


def test_an_unknown_language_is_ignored(page_client):
    response = page_client.get("/ontology?lang=de", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "<html lang=\"ru\"" in response.get_data(as_text=True)


def test_theme_keywords_and_qualifier_phrases_are_documented(page_client):
    html = page_client.get("/ontology").get_data(as_text=True)
    row = html[html.index('id="themeInfrastructure"'):]
    row = row[:row.index("</tr>")]
    assert "shnor:headingKeyword «инфраструктур»" in row
    row = html[html.index('id="byAgreement"'):]
    assert "shnor:qualifierPhrase «по согласованию»" in row[:row.index("</tr>")]


def _turtle(response) -> Graph:
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_ontology_ttl_is_every_vocabulary_file_merged(page_client):
    graph = _turtle(page_client.get("/ontology.ttl"))
    assert isomorphic(graph, load_vocabulary())


def test_content_negotiation(page_client):
    graph = _turtle(page_client.get("/ontology", headers={"Accept": "text/turtle"}))
    assert (SHNOR.Order, None, None) in graph
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = page_client.get("/ontology", headers={"Accept": browser})
    assert response.mimetype == "text/html" and "Accept" in response.headers["Vary"]
    prefers_turtle = page_client.get("/ontology", headers={"Accept": "text/html;q=0.5, text/turtle"})
    assert prefers_turtle.mimetype == "text/turtle"


def test_version_iri_resolves_and_other_versions_do_not(page_client):
    turtle = page_client.get("/ontology.ttl").get_data(as_text=True)
    version = re.search(r'owl:versionInfo "([^"]+)"', turtle).group(1)
    assert page_client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    assert page_client.get("/ontology/0.0.0-nothing").status_code == 404
