"""Self-description of the endpoint: SPARQL 1.1 Service Description and a VoID description.

The statistics (triples per named graph, instances per class, triples per property) are computed
with three aggregate queries and cached per dataset version, so only the first request after an
ingest pays for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyoxigraph as ox

from ..ontology import ONTOLOGY_IRI, PREFIXES, SD, VOID
from .results import FORMATS

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

#: The W3C "Unique URIs for file formats" of the formats the endpoint serves.
FORMAT_IRIS = {key: "http://www.w3.org/ns/formats/" + name for key, name in (
    ("json", "SPARQL_Results_JSON"), ("xml", "SPARQL_Results_XML"), ("csv", "SPARQL_Results_CSV"),
    ("tsv", "SPARQL_Results_TSV"), ("turtle", "Turtle"), ("ntriples", "N-Triples"), ("nquads", "N-Quads"),
    ("trig", "TriG"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF_XML"))}

GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
CLASSES_QUERY = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
PROPERTIES_QUERY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"


@dataclass(frozen=True)
class DatasetStats:
    """Counts of one dataset version: (IRI, count) pairs per named graph, class and property."""

    version: str
    graphs: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def _pairs(store, sparql: str, timeout: float | None) -> tuple[tuple[str, int], ...]:
    result = store.query(sparql, timeout=timeout)
    return tuple((row[0].value, int(row[1].value)) for row in result.rows if row[0] is not None and isinstance(row[0], ox.NamedNode))


class StatsCache:
    """Dataset statistics, recomputed when the store's version changes."""

    def __init__(self) -> None:
        self._stats: DatasetStats | None = None
        self._lock = threading.Lock()

    def get(self, store, *, timeout: float | None) -> DatasetStats:
        version = store.version()
        stats = self._stats
        if stats is not None and stats.version == version:
            return stats
        with self._lock:
            if self._stats is None or self._stats.version != version:
                self._stats = DatasetStats(version, _pairs(store, GRAPHS_QUERY, timeout),
                                           _pairs(store, CLASSES_QUERY, timeout), _pairs(store, PROPERTIES_QUERY, timeout))
            return self._stats


def _n(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


class _Graph:
    """A list of triples with small helpers to write them."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []
        self._blank = 0

    def add(self, s, p, o) -> None:
        self.triples.append(ox.Triple(s, p if isinstance(p, ox.NamedNode) else _iri(str(p)), o))

    def node(self, name: str | None = None) -> ox.BlankNode:
        self._blank += 1
        return ox.BlankNode(f"{name or 'n'}{self._blank}")


def _limits_text(config) -> str:
    return (f"Read-only SPARQL 1.1 query endpoint. Limits: {config.query_timeout:g} s per query (503 past it), "
            f"at most {config.row_limit} result rows (truncation stated in the X-Shnor-Truncated header), "
            f"queries of at most {config.max_query_length} characters. SPARQL Update, SERVICE and FROM naming "
            "a graph outside this store are refused. The default graph is the union of the named graphs.")


def service_description(*, endpoint: str, dataset: str, config, stats: DatasetStats) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of the endpoint (``sd:`` vocabulary)."""
    g = _Graph()
    service, me = _iri(endpoint), _iri(dataset)
    g.add(service, RDF_TYPE, _iri(SD.Service))
    g.add(service, SD.endpoint, service)
    g.add(service, SD.supportedLanguage, _iri(SD.SPARQL11Query))
    g.add(service, SD.feature, _iri(SD.UnionDefaultGraph))
    g.add(service, SD.defaultEntailmentRegime, _iri("http://www.w3.org/ns/entailment/Simple"))
    for key in FORMATS:
        if key in FORMAT_IRIS:
            g.add(service, SD.resultFormat, _iri(FORMAT_IRIS[key]))
    g.add(service, RDFS_COMMENT, ox.Literal(_limits_text(config), language="en"))
    g.add(service, SD.defaultDataset, me)
    g.add(me, RDF_TYPE, _iri(SD.Dataset))
    default = g.node("default")
    g.add(me, SD.defaultGraph, default)
    g.add(default, RDF_TYPE, _iri(SD.Graph))
    g.add(default, VOID.triples, _n(stats.triples))
    for graph_iri, count in stats.graphs:
        named, graph = g.node("named"), g.node("graph")
        g.add(me, SD.namedGraph, named)
        g.add(named, RDF_TYPE, _iri(SD.NamedGraph))
        g.add(named, SD.name, _iri(graph_iri))
        g.add(named, SD.graph, graph)
        g.add(graph, RDF_TYPE, _iri(SD.Graph))
        g.add(graph, VOID.triples, _n(count))
    return g.triples


def void_description(*, endpoint: str, dataset: str, config, stats: DatasetStats) -> list[ox.Triple]:
    """VoID description of the dataset: size, named graphs, class and property partitions."""
    g = _Graph()
    me = _iri(dataset)
    g.add(me, RDF_TYPE, _iri(VOID.Dataset))
    g.add(me, DCT + "title", ox.Literal("shnor-kg: municipal acts on schools with low educational results", language="en"))
    g.add(me, VOID.sparqlEndpoint, _iri(endpoint))
    g.add(me, VOID.uriSpace, ox.Literal(config.base_iri))
    g.add(me, VOID.triples, _n(stats.triples))
    g.add(me, VOID.classes, _n(len(stats.classes)))
    g.add(me, VOID.properties, _n(len(stats.properties)))
    g.add(me, VOID.vocabulary, _iri(ONTOLOGY_IRI))
    for namespace in PREFIXES.values():
        if namespace != PREFIXES["shnor"]:
            g.add(me, VOID.vocabulary, _iri(namespace))
    for graph_iri, count in stats.graphs:
        subset = g.node("graph")
        g.add(me, VOID.subset, subset)
        g.add(subset, RDF_TYPE, _iri(VOID.Dataset))
        g.add(subset, RDF_TYPE, _iri(SD.NamedGraph))
        g.add(subset, SD.name, _iri(graph_iri))
        g.add(subset, VOID.triples, _n(count))
    for class_iri, count in stats.classes:
        partition = g.node("class")
        g.add(me, VOID.classPartition, partition)
        g.add(partition, VOID["class"], _iri(class_iri))
        g.add(partition, VOID.entities, _n(count))
    for property_iri, count in stats.properties:
        partition = g.node("property")
        g.add(me, VOID.propertyPartition, partition)
        g.add(partition, VOID.property, _iri(property_iri))
        g.add(partition, VOID.triples, _n(count))
    return g.triples
