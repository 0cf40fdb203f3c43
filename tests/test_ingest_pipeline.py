"""The pipeline end to end: determinism, refusals, the CLI over examples/, the shared sample store."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from shnor_kg.errors import IngestError
from shnor_kg.ingest.pipeline import ingest_act
from shnor_kg.ontology import sparql_prologue

from .conftest import EXAMPLES, KOSTROMA, TULA


@pytest.mark.parametrize("path", [TULA, KOSTROMA])
def test_reingesting_gives_the_same_graphs_without_blank_nodes(path):
    first, second = ingest_act(path.read_bytes(), path.name), ingest_act(path.read_bytes(), path.name)
    assert first.doc_id == second.doc_id
    assert isomorphic(first.document, second.document) and isomorphic(first.entities, second.entities)
    assert set(first.document) == set(second.document)  # no blank nodes: even the triples are equal
    assert not any(getattr(term, "n3", lambda: "")().startswith("_:") for t in first.document for term in t)


def test_the_file_name_does_not_change_the_identifiers():
    data = TULA.read_bytes()
    a, b = ingest_act(data, "a.txt"), ingest_act(data, "other-name.txt")
    assert a.doc_id == b.doc_id and a.act_iri == b.act_iri
    assert set(a.entities) == set(b.entities)


def test_the_base_iri_is_configurable():
    result = ingest_act(TULA.read_bytes(), TULA.name, base_iri="http://example.org/kg")
    assert result.act_iri == "http://example.org/kg/act/ru-tul-tula/2024/prikaz-22-1-osn"
    assert all(str(s).startswith("http://example.org/kg/") for s in result.document.subjects())


@pytest.mark.parametrize(("text", "reason"), [
    ("Список покупок\nхлеб\nмолоко\n", "not a municipal act"),
    ("ПРИКАЗ\n\nО чём-то\n\nПРИКАЗЫВАЮ\n\n1. Сделать.\n", "cannot tell the municipality"),
])
def test_a_file_that_is_not_an_act_is_refused_with_the_reason(text, reason):
    with pytest.raises(IngestError) as err:
        ingest_act(text.encode(), "note.txt")
    assert err.value.message.startswith("note.txt: ") and reason in err.value.message


def test_an_act_without_a_plan_is_ingested_as_far_as_it_goes():
    text = "АДМИНИСТРАЦИЯ ГОРОДА ТУЛЫ\n\nПРИКАЗ\n\nот 01.02.2025 № 5\n\nО проверке\n\nПРИКАЗЫВАЮ:\n\n1. Провести проверку.\n"
    result = ingest_act(text.encode(), "short.txt")
    assert result.doc_id == "ru-tul-tula-2025-prikaz-5"
    rows = list(result.document.query(sparql_prologue() + "SELECT ?p WHERE { ?o shnor:approves ?p }"))
    assert rows == [] and result.act.plan is None and [c.number for c in result.act.clauses] == ["1"]


def _count(cli, where: str) -> int:
    result = cli("query", sparql_prologue() + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)[0]["n"])


def test_cli_ingests_the_examples_folder(cli):
    result = cli("ingest", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert "2 ingested" in result.output and "0 failed" in result.output
    assert _count(cli, "?o a shnor:Order ; prov:wasDerivedFrom ?s") == 2
    assert _count(cli, "?i a shnor:PlanItem") == 67 + 23
    assert _count(cli, "?s a shnor:PlanSection") == 7 + 6
    assert _count(cli, "?l a shnor:MentorshipLink") == 1
    assert _count(cli, "?o shnor:targetSchool ?s") == 1 + 5
    assert _count(cli, "?s shnor:operatorFor ?o") == 1
    assert _count(cli, "?i shnor:parentItem ?p") == 4
    again = cli("ingest", str(EXAMPLES))
    assert again.exit_code == 0 and "2 unchanged" in again.output


def test_sample_store_holds_each_fact_once(sample_store):
    total = sample_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values()[0]["n"]
    distinct = sample_store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").values()[0]["n"]
    assert int(total) == int(distinct)
    people = sample_store.query(sparql_prologue() + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a shnor:Person }").values()[0]["n"]
    assert int(people) == 6 + 10


def test_sample_store_graph_equals_the_pipeline_output(sample_store):
    import pyoxigraph as ox

    from shnor_kg.server.catalog import document_graph

    expected = ingest_act(TULA.read_bytes(), TULA.name)
    stored = Graph()
    stored.parse(data=sample_store.export(ox.RdfFormat.N_TRIPLES, graph=document_graph(expected.doc_id)), format="nt")
    # Oxigraph keeps oa:start/oa:end (xsd:nonNegativeInteger) as xsd:integer
    canonical = Graph()
    for s, p, o in expected.document:
        integer = isinstance(o, Literal) and o.datatype == XSD.nonNegativeInteger
        canonical.add((s, p, Literal(str(o), datatype=XSD.integer) if integer else o))
    assert isomorphic(stored, canonical)


def test_blank_cells_state_nothing():
    """A plan row whose measure cell is empty gets no dct:title at all (not an empty string)."""
    from rdflib.namespace import DCTERMS

    from shnor_kg.ontology import SHNOR

    text = TULA.read_text("utf-8").replace("2.3\tРазработка адресных мероприятий по поддержке МБОУ ЦО № 48\t", "2.3\t \t")
    act = ingest_act(text.encode(), "tula.txt", base_iri="https://w3id.org/shnor/id/")
    [item] = [s for s, n in act.document.subject_objects(SHNOR.number) if str(n) == "2.3"]
    assert (item, DCTERMS.title, None) not in act.document
    assert not [o for o in act.document.objects() if isinstance(o, Literal) and not str(o).strip()]
