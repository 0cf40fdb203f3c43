"""Validation at ingest: one document graph with its entities → the graph the catalog stores.

The validation graph of a document (``graph/<doc_id>/validation``) holds:

- the SHACL report, ``<act>/validation a sh:ValidationReport``, linked to the act it is about
  (``dct:subject``) and to the source document (``prov:wasDerivedFrom``), its results named
  ``<act>/validation/result/<n>``;
- the act's completeness scores (:mod:`.completeness`).
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from ..errors import BadParameter
from ..ontology import SH, SHNOR
from .report import Report

ENGINES = ("pyshacl", "sparql")


def ingested_act(document: Graph) -> tuple[URIRef | None, URIRef | None]:
    """The act read from the document and its source document (``prov:wasDerivedFrom``)."""
    for act, source in sorted(document.subject_objects(PROV.wasDerivedFrom)):
        if (act, RDF.type, SHNOR.Order) in document and isinstance(act, URIRef):
            return act, source
    return None, None


def merged(*graphs: Graph) -> Graph:
    """One graph with the triples of several."""
    out = Graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def validate_document(document: Graph, entities: Graph, *, engine: str = "pyshacl") -> Report:
    """Validate a document graph together with its contribution to the entities graph."""
    from .engine import validate, validate_sparql

    if engine not in ENGINES:
        raise BadParameter(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}", parameter="validation_engine")
    data = merged(document, entities)
    return validate(data) if engine == "pyshacl" else validate_sparql(data)


def validate_submission(document: Graph, entities: Graph, *, engine: str = "pyshacl") -> Graph:
    """The validation graph of one document: its SHACL report and its completeness scores."""
    from .completeness import completeness_graph

    report = validate_document(document, entities, engine=engine)
    act, source = ingested_act(document)
    iri = URIRef(f"{act}/validation") if act is not None else None
    graph = report.to_graph(iri, subject=act)
    if iri is not None and source is not None:
        graph.add((iri, PROV.wasDerivedFrom, source))
    if act is not None:
        for triple in completeness_graph(merged(document, entities), act):
            graph.add(triple)
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
