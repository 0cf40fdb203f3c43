"""SHACL shapes of the contract classes, and their validation.

The shapes are the Turtle files of this package (one shapes graph). Two engines check them:

- :func:`validate` runs pyshacl, the reference, on an rdflib graph;
- :func:`validate_sparql` and :func:`validate_store` run the same shapes compiled to SPARQL
  (:mod:`.compiler`) on Oxigraph — 15–20× faster, and tested to give the same results.

:func:`validate_submission` is what the ingest pipeline calls: it validates one document graph
together with its entities, and returns the validation graph the catalog stores (the report and
the document's completeness scores).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from rdflib import Graph, Namespace

SHAPES_IRI = "https://w3id.org/shnor/shapes"
SHS = Namespace(SHAPES_IRI + "#")


def shape_files() -> list:
    """The Turtle files of the shapes graph, as package resources, in name order."""
    return sorted((f for f in files(__package__).iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    graph = Graph()
    for resource in shape_files():
        graph.parse(data=resource.read_text("utf-8"), format="turtle", publicID=SHAPES_IRI)
    return graph


def load_shapes() -> Graph:
    """The shapes graph (parsed once; a fresh copy each call, so callers may change it)."""
    copy = Graph()
    for triple in _shapes_graph():
        copy.add(triple)
    for prefix, namespace in _shapes_graph().namespaces():
        copy.bind(prefix, namespace, override=True)
    return copy


def shapes_graph() -> Graph:
    """The shared, parsed shapes graph. Read it; do not change it (use :func:`load_shapes`)."""
    return _shapes_graph()


from .report import Report, Result, severity_name  # noqa: E402
from .engine import validate, validate_sparql, validate_store  # noqa: E402
from .submission import validate_submission, validation_summary  # noqa: E402

__all__ = [
    "SHAPES_IRI", "SHS", "Report", "Result", "load_shapes", "severity_name", "shape_files",
    "shapes_graph", "validate", "validate_sparql", "validate_store", "validate_submission",
    "validation_summary",
]
