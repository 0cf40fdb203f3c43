"""Every term type survives every result format: the answers of the live endpoint are read back
with parsers independent of Oxigraph (rdflib's result and RDF parsers, Python's csv) and compared
with the Turtle fixture as rdflib reads it."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from tests.sparql_support import (  # noqa: F401 (fixtures)
    CONSTRUCT_TERMS, EX, SELECT_TERMS, TERMS_TTL, call, terms_app, terms_server, terms_store,
)

#: rdflib 7.6's own quad parsers warn about its deprecated ConjunctiveGraph / default_context.
RDFLIB_QUAD_PARSERS = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]


def fixture_graph() -> Graph:
    return Graph().parse(data=TERMS_TTL, format="turtle")


def canonical(rows) -> set[tuple]:
    """Rows with blank nodes replaced by the label of what they are (their ``ex:label``)."""
    graph = fixture_graph()
    rows = [tuple(row) for row in rows]
    labels = {s: str(o) for s, p, o in rows if p == URIRef(EX + "label")}
    if not labels:  # fixture side
        labels = {s: str(o) for s, o in graph.subject_objects(URIRef(EX + "label"))}

    def name(term):
        return ("blank", labels.get(term, "?")) if isinstance(term, BNode) else term

    return {tuple(name(t) for t in row) for row in rows}


def expected_rows() -> set[tuple]:
    return canonical(fixture_graph())


def test_the_fixture_has_every_term_type():
    kinds = {type(o).__name__ for o in fixture_graph().objects()}
    datatypes = {str(o.datatype).rsplit("#", 1)[1] for o in fixture_graph().objects() if isinstance(o, Literal) and o.datatype}
    langs = {o.language for o in fixture_graph().objects() if isinstance(o, Literal) and o.language}
    assert kinds == {"URIRef", "BNode", "Literal"} and datatypes == {"date", "gYear", "integer"} and langs == {"ru", "en"}


@pytest.mark.parametrize("fmt, accept", [
    ("json", "application/sparql-results+json"),
    ("xml", "application/sparql-results+xml"),
    ("tsv", "text/tab-separated-values"),
])
def test_select_round_trip(terms_server, fmt, accept):
    reply = call(terms_server, params={"query": SELECT_TERMS}, headers={"Accept": accept})
    assert reply.status == 200 and reply.content_type == accept
    result = Result.parse(io.BytesIO(reply.body), format=fmt)
    assert [str(v) for v in result.vars] == ["s", "p", "o"]
    assert canonical(result) == expected_rows()


def test_blank_nodes_keep_their_identity_across_rows(terms_server):
    for accept, fmt in (("application/sparql-results+json", "json"), ("text/tab-separated-values", "tsv"), ("application/sparql-results+xml", "xml")):
        rows = list(Result.parse(io.BytesIO(call(terms_server, params={"query": SELECT_TERMS}, headers={"Accept": accept}).body), format=fmt))
        first = next(o for s, p, o in rows if p == URIRef(EX + "bnode"))
        second = next(o for s, p, o in rows if p == URIRef(EX + "next"))
        assert isinstance(first, BNode) and first != second
        assert (first, URIRef(EX + "label"), Literal("пустой узел")) in rows
        assert (second, URIRef(EX + "label"), Literal("второй")) in rows
        assert (first, URIRef(EX + "next"), second) in rows


def test_csv_values_round_trip(terms_server):
    """CSV carries lexical values only (SPARQL 1.1 CSV): commas, quotes, tabs, CR/LF survive."""
    reply = call(terms_server, params={"query": SELECT_TERMS}, headers={"Accept": "text/csv"})
    assert reply.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8"), newline="")))
    assert rows[0] == ["s", "p", "o"]
    got = {(row[1], row[2]) for row in rows[1:] if row[0] == EX + "s1"}
    expected = {(str(p), str(o)) for p, o in fixture_graph().predicate_objects(URIRef(EX + "s1")) if not isinstance(o, BNode)}
    assert expected <= got
    tricky = next(o for p, o in got if p.endswith("/tricky"))
    assert tricky == "a,b; \"quoted\" 'single'\ttab\nnew line\r\nwindows \\ backslash"
    blanks = [row for row in rows[1:] if row[0].startswith("_:")]
    assert {row[2] for row in blanks if row[1].endswith("/label")} == {"пустой узел", "второй"}


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
    pytest.param("application/n-quads", "nquads", marks=RDFLIB_QUAD_PARSERS),
    pytest.param("application/trig", "trig", marks=RDFLIB_QUAD_PARSERS),
])
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_construct_round_trip(terms_server, accept, fmt):
    reply = call(terms_server, params={"query": CONSTRUCT_TERMS}, headers={"Accept": accept})
    assert reply.status == 200 and reply.content_type == accept
    graph = Graph().parse(data=reply.body, format=fmt)
    assert isomorphic(graph, fixture_graph())


def test_values_as_the_json_results_write_them(terms_server):
    """The exact JSON terms (SPARQL 1.1 Query Results JSON) of each kind."""
    bindings = call(terms_server, params={"query": SELECT_TERMS}).json()["results"]["bindings"]
    by_predicate = {b["p"]["value"].rsplit("/", 1)[1]: b["o"] for b in bindings if b["s"]["type"] == "uri"}
    assert by_predicate["plain"] == {"type": "literal", "value": "простой текст"}
    assert by_predicate["lang"] == {"type": "literal", "value": "Школа № 1", "xml:lang": "ru"}
    assert by_predicate["date"] == {"type": "literal", "value": "2024-03-01", "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert by_predicate["int"] == {"type": "literal", "value": "42", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert by_predicate["cyrillic"] == {"type": "uri", "value": EX + "школа-1"}
    assert by_predicate["bnode"]["type"] == "bnode"
