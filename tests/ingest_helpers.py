"""Helpers for the golden ingest tests: one act ingested, its graphs merged, small readers."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from shnor_kg.ingest.pipeline import ingest_act
from shnor_kg.ontology import OA, ORG, SHNOR, sparql_prologue


def ingest(path):
    """The ingested act and the union of its two graphs."""
    result = ingest_act(path.read_bytes(), path.name)
    union = Graph()
    for triple in result.document:
        union.add(triple)
    for triple in result.entities:
        union.add(triple)
    return result, union


def norm(text: str) -> str:
    """Compare labels: white space collapsed, lower case, ё as е."""
    return " ".join(str(text).split()).lower().replace("ё", "е")


def one(graph: Graph, s, p):
    values = list(graph.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


def strings(graph: Graph, s, p) -> set[str]:
    return {str(o) for o in graph.objects(s, p)}


def labels(graph: Graph, node) -> set[str]:
    return {norm(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(node, p)}


def items(graph: Graph) -> dict[int, URIRef]:
    return {int(one(graph, s, SHNOR.position)): s for s in graph.subjects(RDF.type, SHNOR.PlanItem)}


def query(graph: Graph, text: str) -> list:
    return list(graph.query(sparql_prologue() + text))


def span_text(graph: Graph, node) -> tuple[str, int]:
    """The text a node's span cuts from the stored shnor:text, and its line."""
    span = one(graph, node, SHNOR.sourceSpan)
    text = str(next(graph.objects(None, SHNOR.text)))
    start, end = int(one(graph, span, OA.start)), int(one(graph, span, OA.end))
    return text[start:end], int(one(graph, span, SHNOR.line))


def intervals(graph: Graph, item) -> list[tuple[str, str]]:
    rows = query(graph, f"""SELECT ?b ?e WHERE {{ <{item}> shnor:deadline ?i . ?i time:hasBeginning/time:inXSDDate ?b ;
                                                  time:hasEnd/time:inXSDDate ?e }} ORDER BY ?b""")
    return [(str(b), str(e)) for b, e in rows]


def roles(graph: Graph) -> set[tuple[str, str, str]]:
    """(person foaf:name, role local name, organisation prefLabel) of every role assignment."""
    out = set()
    for node in graph.subjects(RDF.type, SHNOR.RoleAssignment):
        person, org = one(graph, node, ORG.member), one(graph, node, ORG.organization)
        role = str(one(graph, node, ORG.role)).split("#")[1]
        out.add((str(one(graph, person, FOAF.name)), role, str(one(graph, org, SKOS.prefLabel))))
    return out


def title(graph: Graph, node) -> str:
    return str(one(graph, node, DCTERMS.title))


def check_items(graph: Graph, rows: list[dict]) -> None:
    """Every item against the expected file: number, title prefix, deadline text, responsible."""
    by_position = items(graph)
    assert sorted(by_position) == list(range(1, len(rows) + 1))
    for row in rows:
        item = by_position[int(row["position"])]
        where = f"item {row['position']} ({row['number']})"
        assert strings(graph, item, SHNOR.number) == ({row["number"]} if row["number"] else set()), where
        assert title(graph, item).startswith(row["title"]), where
        assert strings(graph, item, SHNOR.deadlineText) == ({row["deadline"]} if row["deadline"] else set()), where
        _check_responsible(graph, item, row["responsible"].split(" | ") if row["responsible"] else [], where)
        text, _ = span_text(graph, item)
        flat = " ".join(text.split())
        assert row["number"] in flat and row["title"][:30] in flat, where


def _check_responsible(graph: Graph, item, parties: list[str], where: str) -> None:
    responsible = list(graph.objects(item, SHNOR.responsible))
    assert len(responsible) == len(parties), (where, responsible)
    for party in parties:
        assert sum(norm(party) in labels(graph, r) for r in responsible) == 1, (where, party)


def no_html(text: str) -> bool:
    return not re.search(r"<[^>]+>|&[a-z]+;", text)


def local(node) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def lit(value) -> Literal:
    return Literal(value)
