"""Completeness scores of an act, as data (``shnor:CompletenessScore``).

One query computes, for every act read from a source document (``prov:wasDerivedFrom``), each
metric of the scheme ``shnor:CompletenessMetrics`` as a numerator and a denominator. Scores are
stored per act in its document's validation graph; per municipality and per region the stored
query ``completeness-scores`` sums numerators and denominators, so shares are exact.

The same rules as the shapes: a sub-item inherits the responsible party and the deadline of the
item it belongs to (``shnor:parentItem*``); a school's head is a role assignment as director,
acting director or head.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..ontology import SHNOR, sparql_prologue

_ITEMS = """
      ?order prov:wasDerivedFrom ?source ; shnor:approves ?plan .
      ?item a shnor:PlanItem ; shnor:inPlan ?plan ."""

_SCHOOLS = """
      ?order prov:wasDerivedFrom ?source .
      { ?order shnor:targetSchool ?school }
      UNION { ?link shnor:establishedBy ?order ; shnor:mentor ?school }
      UNION { ?link shnor:establishedBy ?order ; shnor:mentee ?school }"""

#: metric → (pattern binding ?order and the counted ?thing, condition that the thing satisfies)
METRICS: dict[str, tuple[str, str]] = {
    "itemsWithResponsible": (_ITEMS, "EXISTS { ?item shnor:parentItem*/shnor:responsible ?party }"),
    "itemsWithDeadline": (_ITEMS, "EXISTS { ?item shnor:parentItem*/shnor:deadlineText ?text }"),
    "itemsWithParsedDeadline": (_ITEMS, "EXISTS { ?item shnor:parentItem*/shnor:deadline ?interval }"),
    "itemsWithNumber": (_ITEMS, "EXISTS { ?item shnor:number ?number }"),
    "ordersWithDate": ("?order prov:wasDerivedFrom ?source . BIND (?order AS ?item)", "EXISTS { ?order eli:date_document ?date }"),
    "ordersWithNumber": ("?order prov:wasDerivedFrom ?source . BIND (?order AS ?item)", "EXISTS { ?order eli:number ?number }"),
    "schoolsWithHead": (_SCHOOLS + " BIND (?school AS ?item)",
                        "EXISTS { ?role org:organization ?school ; org:role ?kind . "
                        "FILTER (?kind IN (shnor:director, shnor:actingDirector, shnor:head)) }"),
}


def metrics_query() -> str:
    """One SELECT of ``?order ?metric ?numerator ?denominator`` over every metric."""
    parts = []
    for name, (pattern, condition) in METRICS.items():
        parts.append(f"""{{
    SELECT ?order ?metric (SUM(?ok) AS ?numerator) (COUNT(?item) AS ?denominator) WHERE {{
      {{ SELECT DISTINCT ?order ?item WHERE {{ {pattern} }} }}
      BIND (IF({condition}, 1, 0) AS ?ok)
      BIND (shnor:{name} AS ?metric)
    }} GROUP BY ?order ?metric
  }}""")
    return sparql_prologue() + "SELECT ?order ?metric ?numerator ?denominator WHERE {\n  " + "\n  UNION\n  ".join(parts) + "\n}"


def share(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator to four decimal places."""
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def score_iri(act: URIRef, metric: URIRef) -> URIRef:
    """``<act>/completeness/<metric notation>``."""
    name = str(metric).rsplit("#", 1)[-1]
    slug = "".join("-" + ch.lower() if ch.isupper() else ch for ch in name)
    return URIRef(f"{act}/completeness/{slug}")


def scores(data: Graph | ox.Store) -> list[tuple[URIRef, URIRef, int, int]]:
    """(act, metric, numerator, denominator) for every act read from a source document in
    ``data`` (an rdflib graph, or a pyoxigraph store whose union of graphs is read)."""
    store = data
    if isinstance(data, Graph):
        store = ox.Store()
        store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out = []
    for row in store.query(metrics_query(), use_default_graph_as_union=True):
        denominator = int(row["denominator"].value)
        if denominator:
            out.append((URIRef(row["order"].value), URIRef(row["metric"].value), int(row["numerator"].value), denominator))
    return sorted(out)


def completeness_graph(data: Graph | ox.Store, act: URIRef | None = None) -> Graph:
    """The completeness scores of the acts in ``data`` (only of ``act`` when given) as triples."""
    graph = Graph()
    for order, metric, numerator, denominator in scores(data):
        if act is not None and order != act:
            continue
        node = score_iri(order, metric)
        graph.add((node, RDF.type, SHNOR.CompletenessScore))
        graph.add((node, SHNOR.completenessOf, order))
        graph.add((node, SHNOR.metric, metric))
        graph.add((node, SHNOR.numerator, Literal(numerator, datatype=XSD.integer)))
        graph.add((node, SHNOR.denominator, Literal(denominator, datatype=XSD.integer)))
        graph.add((node, SHNOR.value, Literal(share(numerator, denominator), datatype=XSD.decimal)))
    return graph
