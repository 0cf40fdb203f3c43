"""The embedded store: atomic graph replacement, union default graph, durability, sync."""

import multiprocessing

import pyoxigraph as ox
import pytest

from shnor_kg.errors import QuerySyntaxError, StoreUnavailable
from shnor_kg.server.store import GraphChange
from shnor_kg.server.store_embedded import EmbeddedStore

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"


def triples(*names):
    return [ox.Triple(ox.NamedNode(EX + n), ox.NamedNode(EX + "p"), ox.Literal(n)) for n in names]


def count(store, graph=None):
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0][0].value)


def test_replace_graph_replaces_and_union_default_graph_sees_all(store):
    store.replace_graph(G1, triples("a", "b"))
    store.replace_graph(G2, triples("c"))
    assert count(store) == 3
    store.replace_graph(G1, triples("d"))
    assert count(store, G1) == 1
    assert count(store) == 2
    assert store.graphs() == [G1, G2]


def test_drop_graph_and_add_to_graph(store):
    store.replace_graph(G1, triples("a"))
    store.add_to_graph(G1, triples("b", "a"))
    assert count(store, G1) == 2
    store.drop_graph(G1)
    assert count(store) == 0


def test_commit_applies_several_changes_and_bumps_version(store):
    before = store.version()
    store.commit([GraphChange("replace", G1, tuple(triples("a"))), GraphChange("replace", G2, tuple(triples("b")))])
    assert count(store) == 2
    assert store.version() != before


def test_data_survives_reopening(config):
    store = EmbeddedStore.open(config.data_dir)
    store.replace_graph(G1, triples("a", "b"))
    store.add_to_graph(G1, triples("c"))
    reopened = EmbeddedStore.open(config.data_dir)
    assert count(reopened, G1) == 3
    assert reopened.export(ox.RdfFormat.N_QUADS) == store.export(ox.RdfFormat.N_QUADS)


def _write_from_another_process(data_dir):
    EmbeddedStore.open(data_dir).replace_graph(G2, triples("x", "y"))


def test_a_reader_sees_commits_of_another_process(config):
    reader = EmbeddedStore.open(config.data_dir)
    reader.replace_graph(G1, triples("a"))
    process = multiprocessing.get_context("spawn").Process(target=_write_from_another_process, args=(config.data_dir,))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert count(reader, G2) == 2
    assert count(reader) == 3


def test_limit_truncates_and_says_so(store):
    store.replace_graph(G1, triples(*"abcdef"))
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=4)
    assert (len(result.rows), result.truncated) == (4, True)
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=6)
    assert (len(result.rows), result.truncated) == (6, False)


def test_substitutions_bind_variables_as_terms(store):
    store.replace_graph(G1, triples("a", "b"))
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"s": ox.NamedNode(EX + "b")})
    assert [r[1].value for r in result.rows] == ["b"]


def test_malformed_query_raises_syntax_error(store):
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT WHERE {")


def test_interrupted_commit_leaves_previous_version(config, monkeypatch):
    store = EmbeddedStore.open(config.data_dir)
    store.replace_graph(G1, triples("a"))
    import shnor_kg.server.store_embedded as module

    real = module._write_durably

    def crash_on_manifest(path, data):
        if path.name == module.MANIFEST:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(module, "_write_durably", crash_on_manifest)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        store.replace_graph(G1, triples("b", "c"))
    monkeypatch.undo()
    assert count(EmbeddedStore.open(config.data_dir), G1) == 1


def test_a_substitution_of_an_unprojected_variable_is_bad_input(store):
    from shnor_kg.errors import BadInput

    store.replace_graph(G1, triples("a"))
    with pytest.raises(BadInput, match="cannot take these bindings"):
        store.query("SELECT ?o WHERE { ?s ?p ?o }", substitutions={"s": ox.NamedNode(EX + "a")})


def test_entities_keep_one_name_per_resource_across_acts(config):
    """Two acts name one person differently: the fullest form is the name, the other an altLabel;
    removing the act that gave the full form brings the short one back."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import FOAF, SKOS

    from shnor_kg.server.catalog import Catalog, Submission

    store = EmbeddedStore.open(config.data_dir)
    catalog = Catalog(store, config.data_dir)
    person = URIRef("https://w3id.org/shnor/id/person/ru-tul-tula/pryazhina-e-n")

    def act(doc_id, name):
        entities = Graph()
        entities.add((person, FOAF.name, Literal(name)))
        document = Graph()
        document.add((URIRef(f"https://w3id.org/shnor/id/act/{doc_id}"), URIRef("http://example.org/names"), person))
        return Submission(doc_id, document, entities, doc_id.encode(), f"{doc_id}.txt", "text/plain", doc_id * 4)

    def names():
        rows = store.query(f"SELECT ?p ?o WHERE {{ <{person}> ?p ?o }}").rows
        return sorted((r[0].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], r[1].value) for r in rows)

    catalog.add(act("a", "Пряжина Е.Н."))
    catalog.add(act("b", "Пряжина Елена Николаевна"))
    assert names() == [("altLabel", "Пряжина Е.Н."), ("name", "Пряжина Елена Николаевна")]
    catalog.remove("b")
    assert names() == [("name", "Пряжина Е.Н.")]
