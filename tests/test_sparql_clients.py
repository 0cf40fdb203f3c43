"""Real SPARQL clients against the live endpoint: SPARQLWrapper (JSON, XML, CSV, TSV, CONSTRUCT
as Turtle and JSON-LD, GET and POST) and rdflib's SPARQLStore (SELECT, ASK, CONSTRUCT)."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

from tests.sparql_support import (  # noqa: F401 (fixtures)
    EX, G_OTHER, G_TERMS, OTHER_TTL, SELECT_TERMS, terms_app, terms_server, terms_store,
)

ORDERED = f"SELECT ?p ?o WHERE {{ GRAPH <{G_TERMS}> {{ <{EX}s1> ?p ?o }} }} ORDER BY ?p"
CONSTRUCT_OTHER = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G_OTHER}> {{ ?s ?p ?o }} }}"


def wrapper(base: str, query: str, fmt, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def expected_other() -> Graph:
    return Graph().parse(data=OTHER_TTL, format="turtle")


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(terms_server, method):
    results = wrapper(terms_server, ORDERED, JSON, method).queryAndConvert()
    values = {b["p"]["value"].rsplit("/", 1)[1]: b["o"] for b in results["results"]["bindings"]}
    assert values["lang"] == {"type": "literal", "value": "Школа № 1", "xml:lang": "ru"}
    assert values["year"] == {"type": "literal", "value": "2023", "datatype": str(XSD.gYear)}
    assert values["bnode"]["type"] == "bnode"
    assert values["emoji"]["value"] == "Отчёт 📊 готов ✅"


def test_sparqlwrapper_xml(terms_server):
    document = wrapper(terms_server, ORDERED, XML).queryAndConvert()
    literals = {e.getAttribute("datatype"): e.firstChild.data for e in document.getElementsByTagName("literal") if e.getAttribute("datatype")}
    assert literals[str(XSD.date)] == "2024-03-01" and literals[str(XSD.integer)] == "42"
    assert "Школа № 1" in [e.firstChild.data for e in document.getElementsByTagName("literal") if e.getAttribute("xml:lang") == "ru"]


def test_sparqlwrapper_csv_and_tsv(terms_server):
    text = wrapper(terms_server, ORDERED, CSV).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["p", "o"]
    values = {row[0].rsplit("/", 1)[1]: row[1] for row in rows[1:]}
    assert values["tricky"] == "a,b; \"quoted\" 'single'\ttab\nnew line\r\nwindows \\ backslash"
    assert values["int"] == "42" and values["iri"] == "https://example.org/path?a=1&b=2#frag"
    tsv = wrapper(terms_server, ORDERED, TSV).queryAndConvert().decode("utf-8")
    assert tsv.splitlines()[0] == "?p\t?o" and '"Школа № 1"@ru' in tsv


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_construct_as_turtle(terms_server, method):
    data = wrapper(terms_server, CONSTRUCT_OTHER, TURTLE, method).queryAndConvert()
    assert isomorphic(Graph().parse(data=data, format="turtle"), expected_other())


# rdflib 7.6's JSON-LD parser (used by SPARQLWrapper's conversion) warns about its own ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct_as_json_ld(terms_server):
    graph = wrapper(terms_server, CONSTRUCT_OTHER, JSONLD).queryAndConvert()
    assert isomorphic(graph, expected_other())


def test_sparqlwrapper_ask(terms_server):
    assert wrapper(terms_server, f"ASK {{ GRAPH <{G_OTHER}> {{ ?s ?p 'one' }} }}", JSON).queryAndConvert()["boolean"] is True


@pytest.fixture
def rdflib_store(terms_server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(terms_server + "/sparql", returnFormat="xml")
    yield store
    store.close()


def test_rdflib_sparqlstore_select_ask_construct(rdflib_store):
    graph = Graph(store=rdflib_store)
    rows = list(graph.query(ORDERED))
    by_predicate = {str(p).rsplit("/", 1)[1]: o for p, o in rows}
    assert by_predicate["date"] == Literal("2024-03-01", datatype=XSD.date)
    assert by_predicate["english"] == Literal("School No. 1", lang="en")
    assert by_predicate["cyrillic"] == URIRef(EX + "школа-1")
    assert graph.query(f"ASK {{ GRAPH <{G_OTHER}> {{ ?s ?p 'two' }} }}").askAnswer is True
    constructed = graph.query(CONSTRUCT_OTHER).graph
    assert isomorphic(constructed, expected_other())


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_methods(terms_server, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(terms_server + "/sparql", returnFormat="json", method=method)
    try:
        rows = list(Graph(store=store).query(SELECT_TERMS))
    finally:
        store.close()
    assert len(rows) == 14
