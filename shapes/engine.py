"""The two validation engines: pyshacl (the reference) and the compiled SPARQL checks on Oxigraph."""

from __future__ import annotations

import time
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from ..ontology import SH, VOCABULARY_GRAPH, ontology_files
from .compiler import Check, Plan, default_plan
from .report import Report, Result, from_oxigraph, results_from_graph

#: A function running one SELECT and returning its rows as dicts of pyoxigraph terms.
QueryFunction = Callable[[str], Iterable[dict]]


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    graph = Graph()
    for resource in ontology_files():
        graph.parse(data=resource.read_text("utf-8"), format="turtle")
    return graph


def ontology_graph() -> Graph:
    """The ontology and its SKOS schemes (parsed once; do not change it)."""
    return _ontology()


#: What the shapes need of the vocabulary: the class hierarchy (sh:class, sh:targetClass) and the
#: membership of concepts in their schemes (documentType, orgType, role, theme).
VOCABULARY_PREDICATES = (RDFS.subClassOf, SKOS.inScheme)


@lru_cache(maxsize=1)
def _vocabulary() -> Graph:
    graph = Graph()
    for predicate in VOCABULARY_PREDICATES:
        for triple in _ontology().triples((None, predicate, None)):
            graph.add(triple)
    return graph


def validation_vocabulary() -> Graph:
    """The part of the vocabulary that validation adds to the data (parsed once; do not change it)."""
    return _vocabulary()


@lru_cache(maxsize=1)
def _vocabulary_ntriples() -> bytes:
    return _vocabulary().serialize(format="nt", encoding="utf-8")


@lru_cache(maxsize=256)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pyshacl runs a SPARQL-based constraint once per focus node with the same text and
    ``initBindings``; rdflib would parse it every time (≈25 ms each, most of the cost of a
    document's validation). Prepared queries with bindings are rdflib's documented usage.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _with_ontology(graphs: Sequence[Graph], ontology: bool) -> Graph:
    merged = _PreparedQueryGraph()
    for graph in [*graphs, _vocabulary()] if ontology else graphs:
        for triple in graph:
            merged.add(triple)
    return merged


def validate(data_graph: Graph | Sequence[Graph], *, ontology: bool = True) -> Report:
    """Validate an rdflib graph (or several together) with pyshacl, the reference engine.

    With ``ontology`` the class hierarchy and the scheme membership of the vocabulary
    (:func:`validation_vocabulary`) are added to the data (a copy; the arguments are not
    changed). Validate a document graph together with its entities: a school's head is in the
    document, its label and types are in the entities.
    """
    from pyshacl import validate as pyshacl_validate

    from . import shapes_graph

    data = _with_ontology([data_graph] if isinstance(data_graph, Graph) else data_graph, ontology)
    started = time.monotonic()
    _, graph, _ = pyshacl_validate(data, shacl_graph=shapes_graph(), advanced=True, inference="none", inplace=True)
    results = [_with_declared_messages(r, shapes_graph()) for r in results_from_graph(graph)]
    return Report(results, "pyshacl", time.monotonic() - started, graph)


def _with_declared_messages(result: Result, shapes: Graph) -> Result:
    """The shape's own messages (pyshacl drops the language tags of SPARQL constraints' messages)."""
    carrier = result.source_constraint if result.source_constraint is not None else result.source_shape
    declared = tuple(sorted((m for m in shapes.objects(carrier, URIRef(SH.message)) if isinstance(m, Literal)),
                            key=lambda m: (m.language or "", str(m))))
    return replace(result, messages=declared) if declared else result


def oxigraph_store(*graphs: Graph, ontology: bool = True) -> ox.Store:
    """A temporary Oxigraph store with the graphs' triples (and the validation vocabulary)."""
    store = ox.Store()
    for graph in graphs:
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    if ontology:
        store.bulk_load(_vocabulary_ntriples(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(VOCABULARY_GRAPH)))
    return store


def validate_sparql(data_graph: Graph | Sequence[Graph], *, ontology: bool = True) -> Report:
    """Validate an rdflib graph (or several together) with the compiled SPARQL checks, on a
    temporary Oxigraph store."""
    graphs = [data_graph] if isinstance(data_graph, Graph) else list(data_graph)
    return validate_oxigraph(oxigraph_store(*graphs, ontology=ontology))


def validate_oxigraph(store: ox.Store) -> Report:
    """Validate a pyoxigraph store (the union of its graphs) with the compiled checks: one query
    per check (one UNION of all checks was measured 6× slower on one act)."""
    return run_checks(lambda query: _oxigraph_rows(store, query), engine="sparql")


def _oxigraph_rows(store: ox.Store, query: str) -> Iterable[dict]:
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names}


def validate_store(store, *, default_graph: Sequence[str] | None = None, timeout: float | None = None) -> Report:
    """Validate what a project store holds (any back end), with the compiled SPARQL checks.

    ``default_graph`` limits the data to some named graphs (IRIs); by default the union of all
    graphs is validated, which includes the vocabulary graph. Validation graphs do not disturb
    the checks: no shape targets or follows the terms they use.
    """

    def rows(query: str) -> Iterable[dict]:
        return store.query(query, default_graph=default_graph, timeout=timeout).records()

    return run_checks(rows, engine="sparql")


def run_checks(query: QueryFunction, *, engine: str, plan: Plan | None = None) -> Report:
    """Run the planned queries of the compiled checks through ``query``; collect the report."""
    started = time.monotonic()
    plan = plan if plan is not None else default_plan()
    results: list[Result] = []
    for text in plan.queries:
        for row in query(text):
            results.append(_result(plan.checks[int(row["check"].value)], row))
    return Report(_unique(results), engine, time.monotonic() - started)


def _result(check: Check, row: dict) -> Result:
    path = row.get("path")
    return Result(
        focus=from_oxigraph(row["this"]),
        path=f"<{path.value}>" if path is not None else check.path,
        component=check.component,
        severity=check.severity,
        source_shape=check.shape,
        value=from_oxigraph(row.get("value")),
        messages=check.messages,
        source_constraint=check.constraint,
    )


def _unique(results: list[Result]) -> list[Result]:
    seen, out = set(), []
    for result in results:
        if result.key() not in seen:
            seen.add(result.key())
            out.append(result)
    return out


__all__ = ["ontology_graph", "oxigraph_store", "run_checks", "validate", "validate_oxigraph",
           "validate_sparql", "validate_store", "validation_vocabulary"]
