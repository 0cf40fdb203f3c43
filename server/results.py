"""Query results formats: the table of what the endpoint serves, and the serializers.

SELECT/ASK answers are served as SPARQL 1.1 Query Results JSON, XML, CSV and TSV; CONSTRUCT and
DESCRIBE answers as Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML; both as an HTML view.
Every serialization is Oxigraph's own (written in Rust, conformant, fast): a result arrives as
TSV (solutions) or N-Triples (graphs), the *transport* formats, and is rewritten from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..ontology import PREFIXES
from .store import QueryResult, Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SOLUTIONS = frozenset({"select", "ask"})
GRAPH = frozenset({"graph"})


@dataclass(frozen=True)
class ResultFormat:
    """One format: its key, canonical media type, the result kinds it serves, the names a
    ``format=`` parameter may use, other media types that select it, and Oxigraph's format."""

    key: str
    media_type: str
    kinds: frozenset
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    oxigraph: object = None

    @property
    def content_type(self) -> str:
        """The Content-Type header value (UTF-8 stated for every textual format)."""
        return f"{self.media_type}; charset=utf-8"

    def accepts(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


_R, _F = ox.QueryResultsFormat, ox.RdfFormat
FORMATS: dict[str, ResultFormat] = {f.key: f for f in (
    ResultFormat("json", "application/sparql-results+json", SOLUTIONS, ("json", "srj"), ("application/json",), _R.JSON),
    ResultFormat("xml", "application/sparql-results+xml", SOLUTIONS, ("xml", "srx"), ("application/xml", "text/xml"), _R.XML),
    ResultFormat("csv", "text/csv", SOLUTIONS, ("csv",), (), _R.CSV),
    ResultFormat("tsv", "text/tab-separated-values", SOLUTIONS, ("tsv",), (), _R.TSV),
    ResultFormat("turtle", "text/turtle", GRAPH, ("turtle", "ttl", "n3"),
                 ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"), _F.TURTLE),
    ResultFormat("ntriples", "application/n-triples", GRAPH, ("ntriples", "nt", "n-triples"), ("text/plain",), _F.N_TRIPLES),
    ResultFormat("nquads", "application/n-quads", GRAPH, ("nquads", "nq", "n-quads"), (), _F.N_QUADS),
    ResultFormat("trig", "application/trig", GRAPH, ("trig",), (), _F.TRIG),
    ResultFormat("jsonld", "application/ld+json", GRAPH, ("jsonld", "json-ld", "json"), ("application/json",), _F.JSON_LD),
    ResultFormat("rdfxml", "application/rdf+xml", GRAPH, ("rdfxml", "rdf", "rdf+xml", "xml"), ("application/xml", "text/xml"), _F.RDF_XML),
    ResultFormat("html", "text/html", SOLUTIONS | GRAPH, ("html",), ("application/xhtml+xml",)),
)}

#: Formats in the order the server prefers them when the client accepts several equally.
PREFERENCE = {
    "select": ("json", "xml", "csv", "tsv", "html"),
    "ask": ("json", "xml", "csv", "tsv", "html"),
    "graph": ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml", "html"),
}


def formats_for(kind: str) -> list[ResultFormat]:
    """The formats that can serve a result of ``kind`` (``select``, ``ask``, ``graph``), preferred first."""
    return [FORMATS[key] for key in PREFERENCE[kind]]


def by_name(name: str, kind: str) -> ResultFormat | None:
    """The format a ``format=`` value (a short name or a media type) selects for ``kind``."""
    value = name.strip().lower().split(";")[0].strip()
    for fmt in formats_for(kind):
        if value in fmt.names or fmt.accepts(value):
            return fmt
    return None


# -- serialization ------------------------------------------------------------------------------


def serialize_transport(kind: str, body: bytes, key: str) -> bytes:
    """Rewrite a transport answer (TSV solutions, N-Triples graph, ``true``/``false``) as ``key``."""
    data = _rewrite(kind, body, key)
    if key in ("xml", "rdfxml"):
        # Oxigraph writes a carriage return raw; XML parsers turn a raw CR (and CR LF) into LF, so
        # it must be a character reference to survive (measured with pyoxigraph 0.5.13).
        data = data.replace(b"\r", b"&#13;")
    return data


def _rewrite(kind: str, body: bytes, key: str) -> bytes:
    fmt = FORMATS[key]
    if kind == "ask":
        document = b'{"head":{},"boolean":%s}' % body
        return ox.parse_query_results(document, _R.JSON).serialize(format=fmt.oxigraph) or b""
    if kind == "select":
        if key == "tsv":
            return body
        return ox.parse_query_results(body, _R.TSV).serialize(format=fmt.oxigraph) or b""
    if key == "ntriples":
        return body
    triples = ox.parse(body, format=_F.N_TRIPLES)
    prefixes = PREFIXES if key in ("turtle", "trig", "rdfxml") else None
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b""


def to_transport(result: QueryResult) -> bytes:
    """A QueryResult (from any back end) in the transport format of its kind."""
    if result.kind == "ask":
        return b"true" if result.boolean else b"false"
    if result.kind == "graph":
        return ox.serialize(result.triples, format=_F.N_TRIPLES) or b""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode()


def serialize_result(result: QueryResult, key: str) -> bytes:
    """A QueryResult serialized as the format ``key``."""
    return serialize_transport(result.kind, to_transport(result), key)


# -- JSON terms (kept for callers that build JSON themselves) -----------------------------------


def term_json(term: Term) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate), "object": term_json(term.object)}}


def to_sparql_json(result: QueryResult) -> bytes:
    """SELECT/ASK result as ``application/sparql-results+json``."""
    if result.kind == "ask":
        body = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: term_json(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        body = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False).encode()


# -- the HTML view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One term as the HTML view shows it: text, an optional link, and a note (language,
    datatype or ``blank node``)."""

    text: str
    href: str | None = None
    note: str | None = None
    kind: str = "literal"


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def cell(term: Term | None, *, base_iri: str) -> Cell | None:
    """The HTML cell of a term; IRIs under ``base_iri`` link to their resource page ``/id/...``."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        href = "/id/" + term.value[len(base_iri):] if term.value.startswith(base_iri) else term.value
        return Cell(_short(term.value), href, None, "iri")
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}", None, "blank node", "bnode")
    if isinstance(term, ox.Literal):
        note = f"@{term.language}" if term.language else None
        if note is None and term.datatype.value != XSD_STRING:
            note = _short(term.datatype.value)
        return Cell(term.value, None, note)
    return Cell(str(term), None, "triple term", "triple")


def table(result: QueryResult, *, base_iri: str) -> tuple[list[str], list[list[Cell | None]]]:
    """Header and rows of the HTML view (graph results as subject, predicate, object)."""
    if result.kind == "graph":
        rows = [[cell(t.subject, base_iri=base_iri), cell(t.predicate, base_iri=base_iri), cell(t.object, base_iri=base_iri)] for t in result.triples]
        return ["subject", "predicate", "object"], rows
    if result.kind == "ask":
        return ["boolean"], [[Cell("true" if result.boolean else "false", None, "xsd:boolean")]]
    return list(result.variables), [[cell(t, base_iri=base_iri) for t in row] for row in result.rows]
