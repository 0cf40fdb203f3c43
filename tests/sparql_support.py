"""Shared data and helpers of the SPARQL endpoint tests (tests/test_sparql_*.py).

``terms_server`` serves an app whose store holds a small Turtle fixture with every kind of term
(IRIs, a Cyrillic IRI, blank nodes, plain, @ru and @en literals, xsd:date, xsd:gYear,
xsd:integer, Cyrillic and emoji text, commas, quotes, tabs and newlines) in one named graph, a
second small graph, and the vocabulary graph. Its limits are small so that the tests are fast:
1.5 s per query, 500 rows, queries of at most 20,000 characters.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import pytest

from shnor_kg.config import load_config

from .conftest import make_app

EX = "https://w3id.org/shnor/id/test/"
G_TERMS = "https://w3id.org/shnor/graph/test-terms"
G_OTHER = "https://w3id.org/shnor/graph/test-other"
QUERY_TIMEOUT = 1.5
ROW_LIMIT = 500
MAX_QUERY_LENGTH = 20_000
CORS_ORIGINS = "https://research.example.org, http://localhost:8080"

TERMS_TTL = r"""
@prefix ex: <https://w3id.org/shnor/id/test/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:s1 ex:plain "простой текст" ;
      ex:lang "Школа № 1"@ru ;
      ex:english "School No. 1"@en ;
      ex:date "2024-03-01"^^xsd:date ;
      ex:year "2023"^^xsd:gYear ;
      ex:int "42"^^xsd:integer ;
      ex:emoji "Отчёт 📊 готов ✅" ;
      ex:tricky "a,b; \"quoted\" 'single'\ttab\nnew line\r\nwindows \\ backslash" ;
      ex:bnode _:b1 ;
      ex:iri <https://example.org/path?a=1&b=2#frag> ;
      ex:cyrillic <https://w3id.org/shnor/id/test/школа-1> .
_:b1 ex:label "пустой узел" ;
     ex:next _:b2 .
_:b2 ex:label "второй" .
"""

OTHER_TTL = """
@prefix ex: <https://w3id.org/shnor/id/test/> .
ex:o1 ex:p "one" .
ex:o2 ex:p "two" .
"""

SELECT_TERMS = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{G_TERMS}> {{ ?s ?p ?o }} }}"
CONSTRUCT_TERMS = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G_TERMS}> {{ ?s ?p ?o }} }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def triples_of(turtle: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)]


def build_app(data_dir: str, **overrides):
    """The app over a fresh store holding the two test graphs (and the vocabulary)."""
    settings = {"data_dir": data_dir, "query_timeout": QUERY_TIMEOUT, "row_limit": ROW_LIMIT,
                "max_query_length": MAX_QUERY_LENGTH, "cors_origins": CORS_ORIGINS, **overrides}
    app = make_app(load_config(settings, environ={}))
    store = app.extensions["shnor_kg"].store
    store.replace_graph(G_TERMS, triples_of(TERMS_TTL))
    store.replace_graph(G_OTHER, triples_of(OTHER_TTL))
    return app


@pytest.fixture(scope="session")
def terms_app(tmp_path_factory):
    app = build_app(str(tmp_path_factory.mktemp("sparql") / "kg"))
    yield app
    app.extensions["shnor_kg"].store.close()


@pytest.fixture(scope="session")
def terms_server(terms_app):
    from tests.browser import serve_app

    with serve_app(terms_app) as base:
        yield base


@pytest.fixture
def terms_store(terms_app):
    return terms_app.extensions["shnor_kg"].store


@dataclass
class Reply:
    """A raw HTTP response."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)

    @property
    def error(self) -> dict:
        """The canonical error body's ``error`` object."""
        return self.json()["error"]


def call(base: str, method: str = "GET", path: str = "/sparql", *, params=None, body: bytes | str | None = None,
         headers: dict | None = None, raw_query: str | None = None, timeout: float = 30) -> Reply:
    """One raw HTTP request with http.client (no client library in between)."""
    parts = urlsplit(base)
    target = path
    if params is not None:
        target += "?" + urlencode(params)
    elif raw_query is not None:
        target += "?" + raw_query
    if isinstance(body, str):
        body = body.encode("utf-8")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def form(query: str, **more) -> bytes:
    """An application/x-www-form-urlencoded body."""
    return urlencode({"query": query, **more}).encode()


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT_HEADERS = {"Content-Type": "application/sparql-query"}
