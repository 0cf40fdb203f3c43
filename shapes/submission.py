"""Validation at ingest: one document graph with its entities → the graph the catalog stores.

The validation graph of a document (``graph/<doc_id>/validation``) holds:

- the SHACL report, ``<act>/validation a sh:ValidationReport``, linked to the act it is about
  (``dct:subject``), to the source document (``prov:wasDerivedFrom``) and to the shapes that made
  it (``prov:wasGeneratedBy <act>/validation/activity``, which ``prov:used`` the shapes graph
  ``https://w3id.org/shnor/shapes``), its results named ``<act>/validation/result/<n>``;
- the act's completeness scores (:mod:`.completeness`).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from ..errors import BadParameter
from ..ontology import SH, SHNOR
from . import SHAPES_IRI
from .report import Report

ENGINES = ("pyshacl", "sparql")


def ingested_act(document: Graph) -> tuple[URIRef | None, URIRef | None]:
    """The act read from the document and its source document (``prov:wasDerivedFrom``)."""
    for act, source in sorted(document.subject_objects(PROV.wasDerivedFrom)):
        if (act, RDF.type, SHNOR.Order) in document and isinstance(act, URIRef):
            return act, source
    return None, None


def merged(*graphs: Graph) -> Graph:
    """One rdflib graph with the triples of several (e.g. a document and its entities)."""
    out = Graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def validate_document(document: Graph, entities: Graph, *, engine: str = "pyshacl", store: ox.Store | None = None) -> Report:
    """Validate a document graph together with its contribution to the entities graph.

    ``store`` may give the same triples already loaded in Oxigraph (with the validation
    vocabulary, see :func:`.engine.oxigraph_store`) for the ``sparql`` engine.
    """
    from .engine import oxigraph_store, validate, validate_oxigraph

    if engine not in ENGINES:
        raise BadParameter(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}", parameter="validation_engine")
    if engine == "pyshacl":
        return validate([document, entities])
    return validate_oxigraph(store if store is not None else oxigraph_store(document, entities))


def validate_submission(document: Graph, entities: Graph, *, engine: str = "pyshacl") -> Graph:
    """The validation graph of one document: its SHACL report and its completeness scores."""
    from .completeness import completeness_graph
    from .engine import oxigraph_store

    store = oxigraph_store(document, entities)
    report = validate_document(document, entities, engine=engine, store=store)
    act, source = ingested_act(document)
    iri = URIRef(f"{act}/validation") if act is not None else None
    graph = report.to_graph(iri, subject=act)
    if iri is not None:
        activity = URIRef(f"{iri}/activity")
        graph.add((iri, PROV.wasGeneratedBy, activity))
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, PROV.used, URIRef(SHAPES_IRI)))
        if source is not None:
            graph.add((iri, PROV.wasDerivedFrom, source))
    if act is not None:
        graph += completeness_graph(store, act)
    return graph


def validation_summary(graph: Graph | None) -> dict[str, int]:
    """Number of results per severity (``Violation``, ``Warning``, ``Info``) in a validation graph."""
    counts = {"Violation": 0, "Warning": 0, "Info": 0}
    if graph is None:
        return counts
    for severity in graph.objects(None, URIRef(SH.resultSeverity)):
        name = str(severity).rsplit("#", 1)[-1]
        counts[name] = counts.get(name, 0) + 1
    return counts


__all__ = ["ENGINES", "ingested_act", "merged", "validate_document", "validate_submission", "validation_summary"]
