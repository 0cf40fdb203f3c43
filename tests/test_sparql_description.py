"""Self-description: the SPARQL 1.1 Service Description on GET /sparql without a query, and the
VoID description at /.well-known/void, read back with rdflib and checked against the store."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF

from tests.sparql_support import (  # noqa: F401 (fixtures)
    EX, G_OTHER, G_TERMS, QUERY_TIMEOUT, ROW_LIMIT, call, terms_app, terms_server, terms_store,
)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


def graph_counts(store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    return {g.value: int(n.value) for g, n in rows}


def test_service_description(terms_server, terms_store):
    reply = call(terms_server, headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.content_type == "text/turtle"
    sd = Graph().parse(data=reply.body, format="turtle")
    service = URIRef(terms_server + "/sparql")
    assert (service, RDF.type, SD.Service) in sd
    assert (service, SD.endpoint, service) in sd
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (service, SD.feature, SD.UnionDefaultGraph) in sd
    formats = set(sd.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV, FORMATS.SPARQL_Results_TSV,
            FORMATS.Turtle, FORMATS["N-Triples"], FORMATS["N-Quads"], FORMATS.TriG, FORMATS["JSON-LD"], FORMATS.RDF_XML} <= formats
    comment = str(next(sd.objects(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))))
    assert f"{QUERY_TIMEOUT:g} s per query" in comment and str(ROW_LIMIT) in comment
    dataset = next(sd.objects(service, SD.defaultDataset))
    names = {str(sd.value(named, SD.name)): int(sd.value(sd.value(named, SD.graph), VOID.triples))
             for named in sd.objects(dataset, SD.namedGraph)}
    assert names == graph_counts(terms_store)
    default = sd.value(dataset, SD.defaultGraph)
    assert int(sd.value(default, VOID.triples)) == sum(names.values())


def test_service_description_is_the_default_for_machines(terms_server):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/ld+json"}):
        reply = call(terms_server, headers=headers)
        assert reply.status == 200
        assert reply.content_type in ("text/turtle", "application/ld+json")
    assert call(terms_server, headers={"Accept": "application/ld+json"}).content_type == "application/ld+json"


def test_void_description(terms_server, terms_store):
    reply = call(terms_server, path="/.well-known/void")
    assert reply.status == 200 and reply.content_type == "text/turtle"
    void = Graph().parse(data=reply.body, format="turtle")
    dataset = next(void.subjects(RDF.type, VOID.Dataset, unique=True))
    while (None, VOID.subset, dataset) in void:  # the top dataset, not a subset
        dataset = next(void.subjects(VOID.subset, dataset))
    counts = graph_counts(terms_store)
    assert int(void.value(dataset, VOID.triples)) == sum(counts.values())
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(terms_server + "/sparql")
    assert void.value(dataset, VOID.uriSpace) == Literal("https://w3id.org/shnor/id/")
    subsets = {str(void.value(s, SD.name)): int(void.value(s, VOID.triples)) for s in void.objects(dataset, VOID.subset)}
    assert subsets == counts and subsets[G_OTHER] == 2
    classes = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities)) for p in void.objects(dataset, VOID.classPartition)}
    owl_classes = int(terms_store.query(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{OWL.Class}> }}").rows[0][0].value)
    assert classes[OWL.Class] == owl_classes > 0
    assert int(void.value(dataset, VOID.classes)) == len(classes)
    properties = {void.value(p, VOID.property): int(void.value(p, VOID.triples)) for p in void.objects(dataset, VOID.propertyPartition)}
    assert sum(properties.values()) == sum(counts.values())
    assert properties[URIRef(EX + "label")] == 2
    assert int(void.value(dataset, VOID.properties)) == len(properties)


def test_void_follows_the_dataset_version(tmp_path, live_server_for):
    from tests.sparql_support import build_app

    app = build_app(str(tmp_path / "kg"))
    base = live_server_for(app)

    def other_triples() -> int:
        void = Graph().parse(data=call(base, path="/.well-known/void", headers={"Accept": "application/n-triples"}).body, format="nt")
        subset = next(s for s in void.subjects(SD.name, URIRef(G_OTHER)))
        return int(void.value(subset, VOID.triples))

    assert other_triples() == 2
    app.extensions["shnor_kg"].store.drop_graph(G_TERMS)
    app.extensions["shnor_kg"].store.add_to_graph(G_OTHER, [])
    assert other_triples() == 2
    from tests.sparql_support import triples_of

    app.extensions["shnor_kg"].store.add_to_graph(G_OTHER, triples_of("<urn:x:a> <urn:x:b> 'c' ."))
    assert other_triples() == 3
