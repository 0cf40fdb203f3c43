"""The act page model: the normalised text with every extracted fact marked, the plan as a table,
and the validation results of the act's graph.

Facts are the resources of the act's graph that have a ``shnor:sourceSpan`` (the order, clauses,
role assignments, mentorship links, plan sections and items). Their spans may coincide (a clause
that appoints two people states two role assignments) or nest; the text is cut at every span
boundary and line start, and each piece lists the facts that cover it, the shortest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import PROV, RDF

from ..ontology import GRAPH_BASE, OA, SHNOR
from .catalog import validation_graph
from .pages_labels import Label, href_of, iri_ref, kind_of, labels, term_label
from .resources import TEXTS, validation_results

#: Which fact links a piece of text covered by several facts of the same length.
KIND_PRIORITY = {"role": 0, "mentorship": 1, "item": 2, "section": 3, "clause": 4, "act": 5}


@dataclass
class Fact:
    """A fact with a source span, numbered in text order."""

    index: int
    iri: str
    href: str | None
    kind: str
    label: str
    detail: str
    start: int
    end: int
    line: int | None
    issues: int = 0


@dataclass
class Piece:
    """A run of text and the facts that cover it (``facts`` indexes, ``primary`` the one linked)."""

    text: str
    facts: list[int] = field(default_factory=list)
    primary: int | None = None


@dataclass
class Line:
    number: int
    pieces: list[Piece]


@dataclass
class PlanRow:
    """A row of the plan table: a section heading (``section`` set) or an item."""

    section: str | None = None
    section_href: str | None = None
    item: Label | None = None
    href: str | None = None
    deadline: str = ""
    responsible: list = field(default_factory=list)
    concerns: list = field(default_factory=list)
    line: int | None = None
    issues: int = 0


@dataclass
class ActView:
    iri: str
    doc_id: str
    graph: str
    source: str
    lines: list[Line]
    facts: list[Fact]
    plan: list[PlanRow]
    validation: list[dict] | None
    counts: dict
    completeness: list[dict] = field(default_factory=list)


def act_source(store, iri: str) -> tuple[str, str] | None:
    """``(graph, source IRI)`` of an ingested act; None for a cited act known only by a citation."""
    rows = store.query(f"SELECT ?g ?src WHERE {{ GRAPH ?g {{ {iri_ref(iri)} <{PROV.wasDerivedFrom}> ?src }} }} LIMIT 1").rows
    if not rows or not rows[0][0].value.startswith(GRAPH_BASE):
        return None
    return rows[0][0].value, rows[0][1].value


def act_view(store, iri: str, *, base: str, lang: str) -> ActView | None:
    """The act page model, or None when ``iri`` is not an ingested act."""
    found = act_source(store, iri)
    if found is None:
        return None
    graph, source = found
    doc_id = graph[len(GRAPH_BASE):]
    text = TEXTS.get(store, source)
    validation = _validation(store, doc_id, base, lang)
    issues = _issue_counts(validation)
    spans, types = _spans(store, graph)
    items, links = _plan_data(store, graph)
    plan_iris = {r[0].value for r in items} | {r[3].value for r in items if r[3]} | {r[2].value for r in links}
    named = labels(store, set(spans) | plan_iris, lang)
    facts = _facts(spans, types, named, base, issues)
    plan = plan_rows(items, links, named, base=base, issues=issues, facts=facts)
    counts = {"items": sum(1 for r in plan if r.item), "facts": len(facts)}
    return ActView(iri, doc_id, graph, source, text_lines(text, facts), facts, plan, validation, counts,
                   completeness(store, doc_id, base=base, lang=lang))


def _validation(store, doc_id: str, base: str, lang: str) -> list[dict] | None:
    graph = validation_graph(doc_id)
    if graph not in store.graphs():
        return None
    return validation_results(store, graph=graph, base=base, lang=lang)


def completeness(store, doc_id: str, *, base: str, lang: str) -> list[dict]:
    """The completeness scores stored with the act's validation report (metric, numerator/denominator, value)."""
    query = (f"SELECT ?c ?metric ?num ?den ?value WHERE {{ GRAPH {iri_ref(validation_graph(doc_id))} {{ "
             f"?c a <{SHNOR.CompletenessScore}> ; <{SHNOR.metric}> ?metric ; <{SHNOR.value}> ?value . "
             f"OPTIONAL {{ ?c <{SHNOR.numerator}> ?num }} OPTIONAL {{ ?c <{SHNOR.denominator}> ?den }} }} }}")
    rows = [{"href": href_of(c.value, base), "label": term_label(metric.value, lang),
             "numerator": num.value if num else None, "denominator": den.value if den else None,
             "percent": round(float(value.value) * 100)} for c, metric, num, den, value in store.query(query).rows]
    return sorted(rows, key=lambda r: r["label"])


def _issue_counts(validation: list[dict] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in validation or ():
        counts[result["focus"]] = counts.get(result["focus"], 0) + 1
    return counts


def _spans(store, graph: str) -> tuple[dict[str, tuple], dict[str, set]]:
    """The facts of the act's graph that have a source span: IRI → (start, end, line), IRI → types."""
    query = (f"SELECT ?x ?type ?start ?end ?line WHERE {{ GRAPH {iri_ref(graph)} {{ ?x <{SHNOR.sourceSpan}> ?sp ; "
             f"<{RDF.type}> ?type . ?sp <{OA.start}> ?start ; <{OA.end}> ?end . OPTIONAL {{ ?sp <{SHNOR.line}> ?line }} }} }}")
    spans: dict[str, tuple] = {}
    types: dict[str, set] = {}
    for x, type_, start, end, line in store.query(query).rows:
        spans[x.value] = (int(start.value), int(end.value), int(line.value) if line else None)
        types.setdefault(x.value, set()).add(type_.value)
    return spans, types


def _facts(spans: dict, types: dict, named: dict[str, Label], base: str, issues: dict[str, int]) -> list[Fact]:
    """The facts numbered in text order."""
    ordered = sorted(spans, key=lambda x: (spans[x][0], -spans[x][1], x))
    facts = [Fact(i, x, href_of(x, base), kind_of(types[x]), named[x].name, named[x].detail, *spans[x])
             for i, x in enumerate(ordered)]
    for fact in facts:  # findings about the act itself are listed beside the text, not marked over its header
        fact.issues = issues.get(fact.iri, 0) if fact.kind != "act" else 0
    return facts


def _primary(covering: list[Fact]) -> Fact:
    return min(covering, key=lambda f: (f.end - f.start, KIND_PRIORITY.get(f.kind, 9), f.index))


def text_lines(text: str, facts: list[Fact]) -> list[Line]:
    """The text as numbered lines of pieces, each piece with the facts covering it."""
    cuts = sorted({0, len(text)} | {max(0, min(len(text), p)) for f in facts for p in (f.start, f.end)})
    lines, start = [], 0
    for number, raw in enumerate(text.split("\n"), 1):
        end = start + len(raw)
        inner = [c for c in cuts if start < c < end]
        bounds = [start, *inner, end]
        pieces = [_piece(text, a, b, facts) for a, b in zip(bounds, bounds[1:]) if b > a]
        lines.append(Line(number, pieces or [Piece("")]))
        start = end + 1
    return lines


def _piece(text: str, a: int, b: int, facts: list[Fact]) -> Piece:
    covering = [f for f in facts if f.start <= a and f.end >= b and f.end > f.start]
    if not covering:
        return Piece(text[a:b])
    return Piece(text[a:b], [f.index for f in covering], _primary(covering).index)


def _plan_data(store, graph: str) -> tuple[list, list]:
    """Rows ``(item, position, deadline text, section)`` and ``(item, predicate, party)`` of the plan."""
    g = iri_ref(graph)
    items = store.query(
        f"SELECT ?item ?pos ?dl ?sec WHERE {{ GRAPH {g} {{ ?item a <{SHNOR.PlanItem}> ; <{SHNOR.position}> ?pos . "
        f"OPTIONAL {{ ?item <{SHNOR.deadlineText}> ?dl }} OPTIONAL {{ ?item <{SHNOR.inSection}> ?sec }} }} }}").rows
    links = store.query(
        f"SELECT ?item ?p ?o WHERE {{ GRAPH {g} {{ ?item a <{SHNOR.PlanItem}> ; ?p ?o "
        f"FILTER(?p IN (<{SHNOR.responsible}>, <{SHNOR.concerns}>)) }} }}").rows
    return items, links


def plan_rows(items: list, links: list, named: dict[str, Label], *, base: str, issues: dict[str, int],
              facts: list[Fact]) -> list[PlanRow]:
    """The plan table: section headings and items in plan order, with deadlines and responsible parties."""
    lines = {f.iri: f.line for f in facts}
    parties: dict[tuple[str, str], list] = {}
    for item, p, o in links:
        parties.setdefault((item.value, p.value), []).append(o.value)
    rows, section = [], None
    for item, pos, dl, sec in sorted(items, key=lambda r: int(r[1].value)):
        if sec is not None and sec.value != section:
            section = sec.value
            rows.append(PlanRow(section=named[section].name, section_href=href_of(section, base), issues=issues.get(section, 0)))
        rows.append(PlanRow(item=named[item.value], href=href_of(item.value, base), deadline=dl.value if dl else "",
                            responsible=_refs(parties.get((item.value, str(SHNOR.responsible)), []), named, base),
                            concerns=_refs(parties.get((item.value, str(SHNOR.concerns)), []), named, base),
                            line=lines.get(item.value), issues=issues.get(item.value, 0)))
    return rows


def _refs(iris: list[str], named: dict[str, Label], base: str) -> list[dict]:
    return [{"label": named[i].short, "title": named[i].name, "href": href_of(i, base)}
            for i in sorted(iris, key=lambda i: named[i].short)]

