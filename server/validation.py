"""Validation and completeness over the store: what the CLI, the API and the pages show.

- :func:`validate_graph_of` validates what the store holds: everything (the union of the named
  graphs, with the compiled SPARQL checks, or pyshacl over an export) or one document (its graph
  with its own contribution to the entities graph, as at ingest);
- :func:`overview`, :func:`document_results` and :func:`completeness_rows` read the validation
  graphs that ingest stored (``graph/<doc_id>/validation``);
- :func:`require_no_violations` is the ``--strict`` ingest rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import BadParameter, NotFound, ValidationFailed
from ..ontology import GRAPH_BASE, SH, VOCABULARY_GRAPH, sparql_prologue
from ..shapes import Report, shapes_graph, validate, validate_sparql, validate_store, validation_summary
from ..shapes.report import path_label, path_sparql
from ..shapes.submission import ENGINES, validate_submission
from .catalog import Submission, document_graph, validation_graph

VALIDATION_SUFFIX = "/validation"
LEVELS = ("document", "municipality", "region")
SEVERITIES = ("Violation", "Warning", "Info")
EXCERPT_LIMIT = 600


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise BadParameter(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}", parameter="engine")
    return engine


# -- validating what the store holds ----------------------------------------------------------------


def document_data(store, catalog, doc_id: str) -> Graph:
    """A stored document's graph with its own contribution to the entities graph (rdflib)."""
    entities = catalog.entity_contribution(doc_id)  # raises NotFound
    graph = Graph()
    graph.parse(data=store.export(ox.RdfFormat.N_TRIPLES, graph=document_graph(doc_id)), format="nt")
    if entities:
        graph.parse(data=entities, format="nt")
    return graph


def _data_graphs(store) -> list[str]:
    return [g for g in store.graphs() if not g.endswith(VALIDATION_SUFFIX) and g != str(VOCABULARY_GRAPH)]


def validate_graph_of(store, catalog, *, doc_id: str | None = None, engine: str = "sparql",
                      timeout: float | None = None) -> Report:
    """Validate one stored document (as at ingest) or the whole store (every document graph and
    the entities graph together, so a school's head stated by another act counts)."""
    check_engine(engine)
    catalog.ensure_vocabulary()  # scheme membership and class hierarchy are checked against it
    if doc_id is not None:
        data = document_data(store, catalog, doc_id)
        return validate(data) if engine == "pyshacl" else validate_sparql(data)
    if engine == "sparql":
        return validate_store(store, timeout=timeout)
    data = Graph()
    for graph in _data_graphs(store):
        data.parse(data=store.export(ox.RdfFormat.N_TRIPLES, graph=graph), format="nt")
    return validate(data)


def require_no_violations(sub: Submission, config) -> Submission:
    """The ``--strict`` rule: refuse a document whose validation finds Violations.

    Uses the validation graph the pipeline made; validates now when there is none (RDF files,
    ``validate_on_ingest`` off). Raises :class:`ValidationFailed`; the store is not touched.
    """
    validation = sub.validation
    if validation is None:
        validation = validate_submission(sub.document, sub.entities, engine=config.validation_engine)
    violations = validation_summary(validation)["Violation"]
    if violations:
        first = _first_violation_message(validation)
        raise ValidationFailed(f"{sub.source_name}: refused by --strict: {violations} SHACL violation(s), e.g. {first}",
                               file=sub.source_name, violations=violations)
    return sub


def _first_violation_message(graph: Graph) -> str:
    for result in sorted(graph.subjects(URIRef(SH.resultSeverity), URIRef(SH.Violation)), key=str):
        focus = graph.value(result, URIRef(SH.focusNode))
        messages = {m.language: str(m) for m in graph.objects(result, URIRef(SH.resultMessage))}
        return f"{focus}: {messages.get('en') or next(iter(messages.values()), '')}"
    return ""


# -- reading the stored validation graphs -------------------------------------------------------------


def doc_id_of_graph(graph: str) -> str:
    """``graph/<doc_id>/validation`` → ``doc_id``."""
    return graph.removeprefix(GRAPH_BASE).removesuffix(VALIDATION_SUFFIX)


COUNTS_QUERY = """
SELECT ?graph ?act ?severity (COUNT(?result) AS ?n) WHERE {
  GRAPH ?graph {
    ?report a sh:ValidationReport .
    OPTIONAL { ?report dct:subject ?act }
    OPTIONAL { ?report sh:result ?result . ?result sh:resultSeverity ?severity }
  }
} GROUP BY ?graph ?act ?severity"""


@dataclass
class DocumentStatus:
    """One document of the /validation list."""

    doc_id: str
    title: str | None
    source_name: str | None
    act: str | None = None
    validated: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "source_name": self.source_name, "act": self.act,
                "validated": self.validated, "counts": self.counts,
                "conforms": self.validated and not any(self.counts.values())}


def overview(store, catalog) -> list[DocumentStatus]:
    """Every stored document with its counts of results by severity (most Violations first)."""
    statuses = {m["doc_id"]: DocumentStatus(m["doc_id"], m.get("act_title"), m.get("source_name"))
                for m in catalog.documents()}
    for row in store.query(sparql_prologue() + COUNTS_QUERY).records():
        graph = row["graph"].value
        if not graph.endswith(VALIDATION_SUFFIX):
            continue
        status = statuses.get(doc_id_of_graph(graph))
        if status is None:
            continue
        status.validated = True
        status.act = row["act"].value if row["act"] is not None else status.act
        if row["severity"] is not None:
            name = row["severity"].value.rsplit("#", 1)[-1]
            status.counts[name] = status.counts.get(name, 0) + int(row["n"].value)
    return sorted(statuses.values(), key=lambda s: (-s.counts["Violation"], -s.counts["Warning"], -s.counts["Info"], s.doc_id))


RESULTS_QUERY = """
SELECT $validation $document ?result ?focus ?path ?severity ?component ?shape ?value ?message ?span ?start ?end ?line WHERE {
  GRAPH $validation {
    ?report sh:result ?result .
    ?result sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:sourceConstraintComponent ?component ;
            sh:sourceShape ?shape .
    OPTIONAL { ?result sh:resultPath ?path }
    OPTIONAL { ?result sh:value ?value }
    OPTIONAL { ?result sh:resultMessage ?message }
  }
  OPTIONAL {
    GRAPH $document {
      { ?focus shnor:sourceSpan ?span }
      UNION { ?owner shnor:deadline ?focus ; shnor:sourceSpan ?span }
      UNION { ?interval time:hasBeginning|time:hasEnd ?focus . ?owner shnor:deadline ?interval ; shnor:sourceSpan ?span }
      UNION { ?owner shnor:sourceSpan ?focus . BIND (?focus AS ?span) }
      ?span oa:start ?start ; oa:end ?end .
      OPTIONAL { ?span shnor:line ?line }
    }
  }
}"""

TEXT_QUERY = "SELECT $document ?text WHERE { GRAPH $document { ?source a shnor:SourceDocument ; shnor:text ?text } } LIMIT 1"


def document_results(store, doc_id: str, *, lang: str = "ru", base_iri: str) -> list[dict]:
    """The stored results of one document, each with its resource link and its source text span."""
    substitutions = {"validation": ox.NamedNode(validation_graph(doc_id)), "document": ox.NamedNode(document_graph(doc_id))}
    rows = store.query(sparql_prologue() + RESULTS_QUERY, substitutions=substitutions).records()
    if not rows and not store.query(f"ASK {{ GRAPH <{validation_graph(doc_id)}> {{ ?s ?p ?o }} }}").boolean:
        raise NotFound(f"no validation report for the document {doc_id!r}", doc_id=doc_id)
    text_rows = store.query(sparql_prologue() + TEXT_QUERY, substitutions={"document": substitutions["document"]}).rows
    text = text_rows[0][1].value if text_rows else ""
    results: dict[str, dict] = {}
    for row in rows:
        key = row["result"].value
        record = _result_record(row, text, base_iri)
        known = results.setdefault(key, record)
        if known["span"] is None:
            known["span"], known["line"] = record["span"], record["line"]
        message = row["message"]
        if message is not None and (message.language == lang or (not known["message"] and message.language == "en")):
            known["message"] = message.value
    order = {name: i for i, name in enumerate(SEVERITIES)}
    return sorted(results.values(), key=lambda r: (order.get(r["severity"], 9), r["line"] or 0, r["focus"], r["path"] or ""))


def _result_record(row: dict, text: str, base_iri: str) -> dict:
    focus = row["focus"].value
    start = int(row["start"].value) if row["start"] is not None else None
    end = int(row["end"].value) if row["end"] is not None else None
    span = None
    if start is not None and end is not None and 0 <= start < end <= len(text):
        excerpt = text[start:end]
        span = {"start": start, "end": end, "text": excerpt[:EXCERPT_LIMIT], "truncated": len(excerpt) > EXCERPT_LIMIT}
    return {
        "focus": focus,
        "href": local_href(focus, base_iri),
        "path": _path_text(row),
        "severity": row["severity"].value.rsplit("#", 1)[-1],
        "component": row["component"].value.rsplit("#", 1)[-1].removesuffix("ConstraintComponent"),
        "shape": row["shape"].value,
        "value": row["value"].value if row["value"] is not None else None,
        "message": "",
        "line": int(row["line"].value) if row["line"] is not None else None,
        "span": span,
    }


def _path_text(row: dict) -> str | None:
    """The result's path for people: the property shape's own path, or the path a SPARQL
    constraint reported (stored path structures are not read back)."""
    path = row["path"]
    if path is None:
        return None
    shapes = shapes_graph()
    declared = shapes.value(URIRef(row["shape"].value), URIRef(SH.path))
    if declared is not None:
        return path_label(path_sparql(shapes, declared))
    return path_label(f"<{path.value}>") if isinstance(path, ox.NamedNode) else None


def local_href(iri: str, base_iri: str) -> str | None:
    """The page of a minted resource (``/id/…``), or None for an IRI outside the data base."""
    return "/id/" + iri[len(base_iri):] if iri.startswith(base_iri) and len(iri) > len(base_iri) else None


# -- completeness -------------------------------------------------------------------------------------

_SCORES = """
  GRAPH ?vgraph { ?score a shnor:CompletenessScore ; shnor:completenessOf ?act ; shnor:metric ?metric ;
                           shnor:numerator ?numerator ; shnor:denominator ?denominator }
  OPTIONAL { ?act shnor:municipality ?municipality . OPTIONAL { ?municipality shnor:region ?region } }"""

COMPLETENESS_QUERIES = {
    "document": """
SELECT ?vgraph ?act ?title ?municipality ?region ?metric ?numerator ?denominator WHERE {""" + _SCORES + """
  OPTIONAL { ?act dct:title ?title }
} ORDER BY ?act ?metric""",
    "municipality": """
SELECT ?municipality ?region ?metric (SUM(?numerator) AS ?numerators) (SUM(?denominator) AS ?denominators) (COUNT(?act) AS ?acts) WHERE {""" + _SCORES + """
} GROUP BY ?municipality ?region ?metric ORDER BY ?municipality ?metric""",
    "region": """
SELECT ?region ?metric (SUM(?numerator) AS ?numerators) (SUM(?denominator) AS ?denominators) (COUNT(?act) AS ?acts) WHERE {""" + _SCORES + """
} GROUP BY ?region ?metric ORDER BY ?region ?metric""",
}


LABELS_QUERY = "SELECT ?thing ?label WHERE { VALUES ?thing { %s } ?thing skos:prefLabel ?label }"


def place_labels(store, iris: set[str], lang: str) -> dict[str, str]:
    """skos:prefLabel of municipalities and regions in ``lang`` (else Russian, else any)."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))
    found: dict[str, dict[str, str]] = {}
    for row in store.query(sparql_prologue() + LABELS_QUERY % values).records():
        found.setdefault(row["thing"].value, {})[row["label"].language or ""] = row["label"].value
    return {iri: labels.get(lang) or labels.get("ru") or next(iter(labels.values())) for iri, labels in found.items()}


def completeness_rows(store, level: str = "document", *, lang: str = "ru") -> list[dict]:
    """Stored completeness scores per act, or summed per municipality or region (exact shares),
    with the labels of the places in ``lang``."""
    if level not in LEVELS:
        raise BadParameter(f"unknown level {level!r}: use one of {', '.join(LEVELS)}", parameter="level")
    rows = _completeness_values(store, level)
    places = {row[key] for row in rows for key in ("municipality", "region") if row.get(key)}
    labels = place_labels(store, places, lang)
    for row in rows:
        for key in ("municipality", "region"):
            if key in row:
                row[f"{key}_label"] = labels.get(row[key]) if row[key] else None
    return rows


def _completeness_values(store, level: str) -> list[dict]:
    out = []
    for row in store.query(sparql_prologue() + COMPLETENESS_QUERIES[level]).values():
        numerator = int(row.pop("numerators", None) or row.get("numerator") or 0)
        denominator = int(row.pop("denominators", None) or row.get("denominator") or 0)
        row["numerator"], row["denominator"] = numerator, denominator
        row["value"] = round(numerator / denominator, 4) if denominator else None
        row["metric"] = row["metric"].rsplit("#", 1)[-1]
        if "acts" in row:
            row["acts"] = int(row["acts"])
        if "vgraph" in row:
            row["doc_id"] = doc_id_of_graph(row.pop("vgraph"))
        out.append(row)
    return out


__all__ = ["LEVELS", "DocumentStatus", "completeness_rows", "document_data", "document_results",
           "local_href", "overview", "require_no_violations", "validate_graph_of"]
