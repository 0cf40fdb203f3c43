"""Validation results and reports, independent of the engine that produced them.

A :class:`Result` names the focus node, the path (as SPARQL property-path text, so that paths from
any engine compare equal), the constraint component, the severity, the source shape, the value
and the messages. :meth:`Report.to_graph` writes the canonical SHACL report that the catalog
stores, whichever engine ran.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from ..ontology import PREFIXES, SH

SEVERITIES: tuple[URIRef, ...] = (URIRef(SH.Violation), URIRef(SH.Warning), URIRef(SH.Info))
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_name(severity: Node) -> str:
    """``Violation``, ``Warning`` or ``Info`` for a SHACL severity IRI."""
    return str(severity).rsplit("#", 1)[-1]


#: XSD types derived from xsd:integer: Oxigraph stores their literals as xsd:integer.
INTEGER_TYPES = {XSD[t] for t in ("nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                  "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort",
                                  "unsignedByte")}


def normal_term(term: Node | None) -> Node | None:
    """A term in one canonical form, so that results of both engines compare equal: plain and
    xsd:string literals are one form, and integer-derived literals are xsd:integer, as Oxigraph
    stores them."""
    if isinstance(term, Literal) and term.language is None:
        if term.datatype == XSD.string:
            return Literal(str(term))
        if term.datatype in INTEGER_TYPES:
            return Literal(str(term), datatype=XSD.integer)
    return term


def from_oxigraph(term) -> Node | None:
    """A pyoxigraph term as the equal rdflib term (``None`` stays ``None``)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return normal_term(Literal(term.value, datatype=URIRef(term.datatype.value)))


# -- paths --------------------------------------------------------------------------------------


def _wrap(text: str) -> str:
    return text if text.startswith(("<", "(")) else f"({text})"


def path_sparql(graph: Graph, node: Node) -> str:
    """A SHACL property path (as found in ``graph``) as SPARQL property-path text with full IRIs.

    A node is a predicate unless the graph describes it as a path (a list, or a node with
    ``sh:inversePath``, ``sh:alternativePath``…): stored reports name path nodes with IRIs."""
    if isinstance(node, URIRef) and not any(p == RDF.first or str(p).startswith(str(SH)) for p in graph.predicates(node)):
        return f"<{node}>"
    if graph.value(node, RDF.first) is not None:
        return "(" + "/".join(path_sparql(graph, n) for n in Collection(graph, node)) + ")"
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(node, URIRef(predicate))
        if inner is not None:
            return template.format(_wrap(path_sparql(graph, inner)))
    alternatives = graph.value(node, URIRef(SH.alternativePath))
    if alternatives is not None:
        return "(" + "|".join(path_sparql(graph, n) for n in Collection(graph, alternatives)) + ")"
    raise ValueError(f"not a SHACL property path: {node!r}")


_IRI = re.compile(r"<([^>]*)>")


def path_label(path: str | None) -> str:
    """A path's text with prefixed names (``^org:organization/org:role``) for people to read."""
    if path is None:
        return ""

    def short(match: re.Match) -> str:
        iri = match.group(1)
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}"
        return match.group(0)

    text = _IRI.sub(short, path)
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    return text


def copy_path(source: Graph, node: Node, target: Graph, mint=BNode) -> Node:
    """Copy a SHACL path structure from one graph to another; ``mint()`` names each new node
    (blank nodes by default; the stored reports use IRIs, so that they have no blank node)."""
    if isinstance(node, URIRef):
        return node
    if source.value(node, RDF.first) is not None:
        items = [copy_path(source, n, target, mint) for n in Collection(source, node)]
        cells = [mint() for _ in items]
        for cell, item, rest in zip(cells, items, cells[1:] + [RDF.nil]):
            target.add((cell, RDF.first, item))
            target.add((cell, RDF.rest, rest))
        return cells[0] if cells else RDF.nil
    copy = mint()
    for predicate, obj in source.predicate_objects(node):
        target.add((copy, predicate, copy_path(source, obj, target, mint)))
    return copy


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One validation result."""

    focus: Node
    path: str | None
    component: URIRef
    severity: URIRef
    source_shape: Node
    value: Node | None = None
    messages: tuple[Literal, ...] = ()
    source_constraint: Node | None = None

    def key(self) -> tuple:
        """What two engines must agree on: focus, path, component, severity, shape, value."""
        return (self.focus, self.path, self.component, self.severity, self.source_shape, self.value)

    @property
    def severity_name(self) -> str:
        return severity_name(self.severity)

    def message(self, lang: str = "ru") -> str:
        """The message in ``lang`` (else English, else any)."""
        by_lang = {m.language: str(m) for m in self.messages}
        return by_lang.get(lang) or by_lang.get("en") or next(iter(by_lang.values()), "")

    def sort_key(self) -> tuple:
        return (_SEVERITY_RANK.get(self.severity, 9), str(self.focus), self.path or "", str(self.source_shape), str(self.value))

    def to_dict(self) -> dict:
        """A JSON-ready dict: IRIs and lexical forms, messages by language."""
        return {
            "focus": str(self.focus),
            "path": path_label(self.path) or None,
            "component": str(self.component),
            "severity": self.severity_name,
            "source_shape": str(self.source_shape),
            "value": None if self.value is None else str(self.value),
            "message": {m.language or "": str(m) for m in self.messages},
        }


@dataclass
class Report:
    """The results of one validation run, sorted (Violations first)."""

    results: list[Result]
    engine: str
    elapsed: float = 0.0
    graph: Graph | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.results = sorted(self.results, key=Result.sort_key)

    @property
    def conforms(self) -> bool:
        """SHACL's sense: no result of any severity."""
        return not self.results

    @property
    def violations(self) -> int:
        return self.counts()["Violation"]

    def counts(self) -> dict[str, int]:
        """Number of results per severity name."""
        counts = {severity_name(s): 0 for s in SEVERITIES}
        for result in self.results:
            counts[result.severity_name] = counts.get(result.severity_name, 0) + 1
        return counts

    def keys(self) -> set[tuple]:
        return {r.key() for r in self.results}

    def to_graph(self, report: Node | None = None, *, subject: Node | None = None, shapes: Graph | None = None) -> Graph:
        """The canonical SHACL report graph (results get IRIs under ``report`` when it is an IRI)."""
        return report_graph(self.results, report, subject=subject, shapes=shapes)

    def to_json(self) -> str:
        body = {"conforms": self.conforms, "engine": self.engine, "counts": self.counts(),
                "results": [r.to_dict() for r in self.results]}
        return json.dumps(body, ensure_ascii=False, indent=1)

    def to_text(self, lang: str = "ru") -> str:
        """One line per result (severity, focus, path, message), then the counts."""
        lines = [f"{r.severity_name:9} {r.focus}  {path_label(r.path)}  {r.message(lang)}"
                 + (f"  [{_short(str(r.value))}]" if r.value is not None and r.value != r.focus else "") for r in self.results]
        counts = self.counts()
        lines.append(f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos")
        return "\n".join(lines)


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def report_graph(results: Iterable[Result], report: Node | None = None, *, subject: Node | None = None,
                 shapes: Graph | None = None) -> Graph:
    """Write results as a SHACL validation report; ``subject`` (the act) gets ``dct:subject``.

    With an IRI for ``report``, every node of the report is an IRI (results ``<report>/result/<n>``,
    path nodes ``<result>/path/<k>``): the stored report has no blank node, and re-validating the
    same data gives the same triples."""
    from . import shapes_graph

    shapes = shapes if shapes is not None else shapes_graph()
    results = sorted(results, key=Result.sort_key)
    graph = Graph()
    report = report if report is not None else BNode()
    graph.add((report, RDF.type, URIRef(SH.ValidationReport)))
    graph.add((report, URIRef(SH.conforms), Literal(not results)))
    if subject is not None:
        graph.add((report, DCTERMS.subject, subject))
    for index, result in enumerate(results, 1):
        node = URIRef(f"{report}/result/{index}") if isinstance(report, URIRef) else BNode()
        graph.add((report, URIRef(SH.result), node))
        _add_result(graph, node, result, shapes)
    return graph


def _add_result(graph: Graph, node: Node, result: Result, shapes: Graph) -> None:
    graph.add((node, RDF.type, URIRef(SH.ValidationResult)))
    graph.add((node, URIRef(SH.focusNode), result.focus))
    graph.add((node, URIRef(SH.sourceConstraintComponent), result.component))
    graph.add((node, URIRef(SH.resultSeverity), result.severity))
    graph.add((node, URIRef(SH.sourceShape), result.source_shape))
    if result.path is not None:
        graph.add((node, URIRef(SH.resultPath), _path_node(result, shapes, graph, node)))
    if result.value is not None:
        graph.add((node, URIRef(SH.value), result.value))
    if result.source_constraint is not None:
        graph.add((node, URIRef(SH.sourceConstraint), result.source_constraint))
    for message in result.messages:
        graph.add((node, URIRef(SH.resultMessage), message))


def _path_node(result: Result, shapes: Graph, graph: Graph, node: Node) -> Node:
    match = re.fullmatch(r"<([^<>]*)>", result.path or "")
    if match:
        return URIRef(match.group(1))
    declared = shapes.value(result.source_shape, URIRef(SH.path))
    if declared is None or path_sparql(shapes, declared) != result.path:
        raise ValueError(f"cannot write the path {result.path} of {result.source_shape}")
    if not isinstance(node, URIRef):
        return copy_path(shapes, declared, graph)
    counter = iter(range(1, 1000))
    return copy_path(shapes, declared, graph, mint=lambda: URIRef(f"{node}/path/{next(counter)}"))


def results_from_graph(graph: Graph) -> list[Result]:
    """The results of a SHACL report graph (pyshacl's or ours); nested sh:detail results are left out."""
    results = []
    for report in graph.subjects(RDF.type, URIRef(SH.ValidationReport)):
        for node in graph.objects(report, URIRef(SH.result)):
            results.append(_result_from(graph, node))
    return results


def _result_from(graph: Graph, node: Node) -> Result:
    path = graph.value(node, URIRef(SH.resultPath))
    messages = tuple(sorted((m for m in graph.objects(node, URIRef(SH.resultMessage)) if isinstance(m, Literal)),
                            key=lambda m: (m.language or "", str(m))))
    return Result(
        focus=normal_term(graph.value(node, URIRef(SH.focusNode))),
        path=None if path is None else path_sparql(graph, path),
        component=graph.value(node, URIRef(SH.sourceConstraintComponent)),
        severity=graph.value(node, URIRef(SH.resultSeverity)),
        source_shape=graph.value(node, URIRef(SH.sourceShape)),
        value=normal_term(graph.value(node, URIRef(SH.value))),
        messages=messages,
        source_constraint=graph.value(node, URIRef(SH.sourceConstraint)),
    )
