"""Serialisation of query results (SPARQL 1.1 Query Results formats)."""

from __future__ import annotations

import json

import pyoxigraph as ox

from .store import QueryResult, Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
