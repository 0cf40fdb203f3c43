"""Linked-data resources: what a minted IRI says, what links to it, and where each fact was stated.

Everything here reads the store and returns plain dataclasses for the templates and the API; the
routes are in ``pages.py``.

Machine representations (Turtle, JSON-LD, N-Triples) are exactly the endpoint's
``DESCRIBE <iri>``: with Oxigraph that is the concise bounded description over the union default
graph — every triple whose subject is the resource, in any named graph, plus the closure over
blank-node objects (our data mints no blank nodes, so it is the subject's triples). TriG gives the
same triples in their named graphs.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS

from ..errors import NotFound
from ..ontology import ELI, GRAPH_BASE, OA, ORG, PREFIXES, SHNOR, VOCABULARY_GRAPH
from .i18n import t
from .pages_labels import (IRI_SAFE, KIND_RANK, Label, act_of, curie, display_date, href_of, iri_ref,
                           is_vocabulary_term, labels, term_label, values_block)

VALIDATION_SUFFIX = "/validation"
LIST_LIMIT = 300          # rows shown per group of incoming links
INCOMING_LIMIT = 5000     # incoming links read at most


def _kept_graph(graph: str) -> bool:
    """Graphs of statements (not the vocabulary, not validation reports)."""
    return graph != str(VOCABULARY_GRAPH) and not graph.endswith(VALIDATION_SUFFIX)


# -- source excerpts --------------------------------------------------------------------------------


@dataclass
class Excerpt:
    """A cited span in its context: ``before`` + ``cited`` (highlighted) + ``after``."""

    before: str
    cited: str
    after: str
    line: int | None
    start: int
    end: int
    act: str | None
    cut_before: bool = False
    cut_after: bool = False


class TextCache:
    """Source texts by (store version, source IRI); a few recent ones are kept."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._texts: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store, source: str) -> str:
        key = (store.version(), source)
        with self._lock:
            if key in self._texts:
                self._texts.move_to_end(key)
                return self._texts[key]
        rows = store.query(f"SELECT ?text WHERE {{ {iri_ref(source)} <{SHNOR.text}> ?text }} LIMIT 1").rows
        text = rows[0][0].value if rows else ""
        with self._lock:
            self._texts[key] = text
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return text


TEXTS = TextCache()


@dataclass(frozen=True)
class Span:
    fact: str
    start: int
    end: int
    line: int | None
    source: str
    act: str


def spans(store, facts) -> dict[str, list[Span]]:
    """The source spans of ``facts`` (fact IRI → its spans) with the act and source of each."""
    facts = [f for f in set(facts) if IRI_SAFE.fullmatch(f)]
    if not facts:
        return {}
    query = (f"SELECT ?x ?start ?end ?line ?src ?act WHERE {{ VALUES ?x {{ {values_block(facts)} }} "
             f"GRAPH ?g {{ ?x <{SHNOR.sourceSpan}> ?sp . ?sp <{OA.start}> ?start ; <{OA.end}> ?end . "
             f"OPTIONAL {{ ?sp <{SHNOR.line}> ?line }} ?act <{PROV.wasDerivedFrom}> ?src }} }}")
    found: dict[str, list[Span]] = defaultdict(list)
    for x, start, end, line, src, act in store.query(query).rows:
        found[x.value].append(Span(x.value, int(start.value), int(end.value), int(line.value) if line else None,
                                   src.value, act.value))
    return dict(found)


def excerpt(text: str, span: Span, *, context: int = 160, longest: int = 700) -> Excerpt:
    """The span in its line(s), at most ``context`` characters either side; long spans cut in the middle."""
    start, end = max(0, min(span.start, len(text))), max(0, min(span.end, len(text)))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left, right = max(line_start, start - context), min(line_end, end + context)
    cited = text[start:end]
    if len(cited) > longest:
        cited = cited[: longest * 2 // 3].rstrip() + " … " + cited[-(longest // 3):].lstrip()
    return Excerpt(text[left:start], cited, text[end:right], span.line, span.start, span.end, span.act,
                   cut_before=left > line_start, cut_after=right < line_end)


def excerpts(store, facts) -> dict[str, list[Excerpt]]:
    """The excerpts of the facts that have source spans."""
    found = spans(store, facts)
    return {fact: [excerpt(TEXTS.get(store, s.source), s) for s in sorted(items, key=lambda s: s.start)]
            for fact, items in found.items()}


# -- a resource's description -----------------------------------------------------------------------


@dataclass
class Ref:
    """A resource shown as a link (``href`` None for foreign IRIs)."""

    iri: str
    label: str
    href: str | None
    kind: str = "resource"
    detail: str = ""
    title: str = ""


@dataclass
class Value:
    """An object of a statement: a resource or a literal."""

    ref: Ref | None = None
    text: str = ""
    lang: str | None = None
    datatype: str | None = None
    long: bool = False


@dataclass
class Property:
    iri: str
    label: str
    curie: str
    values: list[Value]
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class Row:
    """One incoming link: the subject, the act it belongs to, its parts and excerpts."""

    ref: Ref
    act: Ref | None = None
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class Group:
    """Incoming links of one property, worded for the reader."""

    key: str
    predicate: str
    heading: str
    rows: list[Row]
    total: int


@dataclass
class Description:
    iri: str
    href: str | None
    label: Label
    alt_labels: list[str]
    types: list[Ref]
    properties: list[Property]
    incoming: list[Group]
    graphs: list[str]
    excerpts: list[Excerpt]
    roles: list["RoleRow"] = field(default_factory=list)
    validation: list[dict] = field(default_factory=list)


def statements(store, iri: str) -> list[tuple[str, ox.Term, str]]:
    """``(predicate, object, graph)`` of every statement about ``iri``."""
    rows = store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {iri_ref(iri)} ?p ?o }} }}").rows
    return [(p.value, o, g.value) for p, o, g in rows]


def incoming_links(store, iri: str) -> list[tuple[str, str, str]]:
    """``(subject, predicate, graph)`` of statements pointing at ``iri`` (IRI subjects only)."""
    rows = store.query(f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {iri_ref(iri)} }} FILTER(isIRI(?s)) }} "
                       f"LIMIT {INCOMING_LIMIT}").rows
    return [(s.value, p.value, g.value) for s, p, g in rows if _kept_graph(g.value)]


def exists(store, iri: str) -> bool:
    """Whether the graph says anything about ``iri`` or points at it."""
    x = iri_ref(iri)
    return bool(store.query(f"ASK {{ {{ {x} ?p ?o }} UNION {{ ?s ?p {x} }} }}").boolean)


def describe(store, iri: str, *, base: str, lang: str) -> Description:
    """The page model of one resource. Raises NotFound when the graph knows nothing of it."""
    own = statements(store, iri)
    incoming = incoming_links(store, iri)
    if not own and not incoming:
        raise NotFound(f"no resource {iri}", iri=iri)
    refs = {o.value for _, o, _ in own if isinstance(o, ox.NamedNode)} | {s for s, _, _ in incoming}
    named = labels(store, refs | {iri} | {a for a in map(act_of, refs) if a}, lang)
    mk = _RefMaker(named, base, lang)
    span_facts = {s for s, _, _ in incoming if named.get(s) and named[s].kind in EXCERPT_KINDS} | {iri}
    found = excerpts(store, span_facts)
    label = named[iri]
    roles = role_rows(store, iri, label.kind, base=base, lang=lang)
    if roles:
        incoming = [(s, p, g) for s, p, g in incoming if p not in (str(ORG.organization), str(ORG.member))]
    return Description(
        iri=iri, href=href_of(iri, base), label=label,
        alt_labels=sorted({o.value for p, o, _ in own if p == str(SKOS.altLabel)} - {label.name}),
        types=[mk.term(o.value) for p, o, _ in own if p == str(RDF.type)],
        properties=_properties(own, mk, lang),
        incoming=_groups(incoming, label.kind, mk, found, store, lang),
        graphs=sorted({g for _, _, g in own}),
        excerpts=found.get(iri, []),
        roles=roles,
        validation=validation_results(store, focus=iri, base=base, lang=lang),
    )


#: Kinds of linking resources whose own source span is shown next to the link.
EXCERPT_KINDS = {"item", "role", "mentorship", "clause", "section"}
#: Predicates not listed among the properties (shown elsewhere on the page).
HIDDEN = {str(RDF.type), str(SHNOR.sourceSpan)}
#: Properties first in the list, in this order.
FIRST = [str(SKOS.prefLabel), str(SKOS.altLabel), str(FOAF.name), str(DCTERMS.title), str(ELI.number),
         str(SHNOR.number), str(SHNOR.documentType), str(ELI.date_document), str(SHNOR.year)]


class _RefMaker:
    """Turns IRIs into links with labels."""

    def __init__(self, named: dict[str, Label], base: str, lang: str) -> None:
        self.named, self.base, self.lang = named, base, lang

    def ref(self, iri: str) -> Ref:
        label = self.named.get(iri)
        if label is None:
            text = term_label(iri, self.lang) if is_vocabulary_term(iri) else iri
            return Ref(iri, text, href_of(iri, self.base), "term", title=iri)
        return Ref(iri, label.name, href_of(iri, self.base), label.kind, detail=label.detail, title=iri)

    def short(self, iri: str) -> Ref:
        ref = self.ref(iri)
        label = self.named.get(iri)
        if label is not None and label.short != label.name:
            ref.label, ref.title = label.short, label.name
        return ref

    def term(self, iri: str) -> Ref:
        return Ref(iri, term_label(iri, self.lang), _term_href(iri), "term", title=curie(iri))


def _term_href(iri: str) -> str | None:
    """The ontology page anchor of a vocabulary term of ours."""
    return "/ontology#" + iri.split("#", 1)[1] if iri.startswith(str(SHNOR)) else None


def _value(term, mk: _RefMaker) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(ref=mk.ref(term.value) if not is_vocabulary_term(term.value) else mk.term(term.value))
    if isinstance(term, ox.Literal):
        text = term.value
        datatype = term.datatype.value if term.datatype and not term.language else None
        if datatype and datatype.endswith("#date"):
            text = display_date(text, mk.lang)
        return Value(text=text, lang=term.language, datatype=curie(datatype) if datatype else None, long=len(text) > 400)
    return Value(text=str(term))


def _properties(own, mk: _RefMaker, lang: str) -> list[Property]:
    grouped: dict[str, list] = defaultdict(list)
    for p, o, _ in own:
        if p not in HIDDEN:
            grouped[p].append(o)
    order = {p: i for i, p in enumerate(FIRST)}
    props = []
    for p in sorted(grouped, key=lambda p: (order.get(p, len(order)), term_label(p, lang).lower())):
        values = sorted((_value(o, mk) for o in grouped[p]), key=lambda v: ((v.ref.label if v.ref else v.text).lower()))
        props.append(Property(p, term_label(p, lang), curie(p), values))
    return props


def _groups(incoming, kind: str, mk: _RefMaker, found, store, lang: str) -> list[Group]:
    by_predicate: dict[str, list[str]] = defaultdict(list)
    for s, p, _ in incoming:
        if s not in by_predicate[p]:
            by_predicate[p].append(s)
    groups = []
    for p, subjects in by_predicate.items():
        subjects.sort(key=lambda s: (KIND_RANK.get(mk.named[s].kind, 99), *mk.named[s].sort) if s in mk.named else (99, s))
        rows = [_row(s, mk, found, lang) for s in subjects[:LIST_LIMIT]]
        groups.append(Group(_group_key(p), p, incoming_heading(p, kind, lang), rows, len(subjects)))
    return sorted(groups, key=lambda g: (_GROUP_ORDER.get(g.key, 99), g.heading))


def _row(subject: str, mk: _RefMaker, found, lang: str) -> Row:
    label = mk.named.get(subject)
    act = label.act if label else None
    return Row(mk.ref(subject), act=mk.ref(act) if act else None, excerpts=found.get(subject, []))


#: The order of groups on the page, by key.
_GROUP_ORDER = {"organization": 0, "member": 0, "targetSchool": 1, "mentors": 2, "mentee": 3, "mentor": 3,
                "concerns": 4, "responsible": 5, "issuedBy": 6, "signedBy": 7, "operatorFor": 8}


def _group_key(predicate: str) -> str:
    return re.split(r"[#/]", predicate)[-1]


def incoming_heading(predicate: str, kind: str, lang: str) -> str:
    """The human wording of incoming links of ``predicate`` on a page of ``kind``."""
    key = _group_key(predicate)
    for candidate in (f"in.{key}.{kind}", f"in.{key}"):
        text = t(candidate, lang)
        if text != candidate:
            return text
    return t("in.other", lang, property=term_label(predicate, lang))


# -- roles (people in organisations) -----------------------------------------------------------------


@dataclass
class RoleRow:
    """A role assignment: who, what role, where, by which act, and the cited text."""

    person: Ref
    role: str
    org: Ref
    act: Ref | None
    fact: Ref
    excerpts: list[Excerpt]


def role_rows(store, iri: str, kind: str, *, base: str, lang: str) -> list[RoleRow]:
    """Role assignments that name ``iri`` as organisation (for organisations) or member (people)."""
    if kind not in ("school", "organisation", "person"):
        return []
    side = ORG.member if kind == "person" else ORG.organization
    query = (f"SELECT ?r ?person ?role ?org WHERE {{ ?r <{side}> {iri_ref(iri)} ; <{ORG.member}> ?person ; "
             f"<{ORG.role}> ?role ; <{ORG.organization}> ?org }}")
    rows = store.query(query).rows
    if not rows:
        return []
    named = labels(store, {v.value for row in rows for v in (row[0], row[1], row[3])} | {a for a in (act_of(r[0].value) for r in rows) if a}, lang)
    mk = _RefMaker(named, base, lang)
    found = excerpts(store, {r[0].value for r in rows})
    result = [RoleRow(mk.ref(p.value), term_label(role.value, lang), mk.short(o.value),
                      mk.ref(act_of(r.value)) if act_of(r.value) else None, mk.ref(r.value), found.get(r.value, []))
              for r, p, role, o in rows]
    return sorted(result, key=lambda x: (x.act.label if x.act else "", x.person.label, x.role))


# -- validation results ------------------------------------------------------------------------------


SH = "http://www.w3.org/ns/shacl#"
SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def validation_results(store, *, graph: str | None = None, focus: str | None = None, base: str, lang: str) -> list[dict]:
    """SHACL results stored in validation graphs: of one report graph, or about one focus node.

    Each result: ``severity`` (Violation/Warning/Info), ``focus`` (with ``focus_label``,
    ``focus_href``), ``path`` (with ``path_label``), ``message`` in ``lang``, ``value``.
    """
    results = _merged_results(store.query(_results_query(graph, focus)).rows, lang)
    named = labels(store, {r["focus"] for r in results if IRI_SAFE.fullmatch(r["focus"])}, lang)
    for r in results:
        r["focus_label"] = named[r["focus"]].name if r["focus"] in named else r["focus"]
        r["focus_href"] = href_of(r["focus"], base)
        r["path_label"] = term_label(r["path"], lang) if r["path"] and is_vocabulary_term(r["path"]) else None
    return sorted(results, key=lambda e: (SEVERITY_RANK.get(e["severity"], 3), e["focus_label"], e["path"] or ""))


def _results_query(graph: str | None, focus: str | None) -> str:
    scope = f"GRAPH {iri_ref(graph)}" if graph else "GRAPH ?g"
    only = f"VALUES ?f {{ {iri_ref(focus)} }} " if focus else ""
    reports = "" if graph else f"FILTER(STRENDS(STR(?g), \"{VALIDATION_SUFFIX}\")) "
    return (f"SELECT ?r ?f ?sev ?path ?msg ?value WHERE {{ {only}{scope} {{ ?r <{SH}focusNode> ?f ; "
            f"<{SH}resultSeverity> ?sev . OPTIONAL {{ ?r <{SH}resultPath> ?path FILTER(isIRI(?path)) }} "
            f"OPTIONAL {{ ?r <{SH}resultMessage> ?msg }} OPTIONAL {{ ?r <{SH}value> ?value }} }} {reports}}}")


def _merged_results(rows, lang: str) -> list[dict]:
    """One entry per result node, with its message in ``lang`` (else Russian, else any)."""
    merged: dict[str, dict] = {}
    messages: dict[str, dict] = defaultdict(dict)
    for r, f, sev, path, msg, value in rows:
        merged.setdefault(str(r), {"severity": sev.value.rsplit("#", 1)[-1], "focus": f.value,
                                   "path": path.value if path else None, "value": value.value if value else None})
        if msg is not None:
            messages[str(r)][msg.language or ""] = msg.value
    for key, entry in merged.items():
        texts = messages.get(key, {})
        entry["message"] = texts.get(lang) or texts.get("ru") or texts.get("") or next(iter(texts.values()), "")
    return list(merged.values())


# -- machine representations ------------------------------------------------------------------------


FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
}
MEDIA_TYPES = {fmt.media_type: suffix for suffix, fmt in FORMATS.items()}


def describe_triples(store, iri: str) -> list[ox.Triple]:
    """The endpoint's ``DESCRIBE <iri>`` (validation reports aside: their subjects are results)."""
    return store.query(f"DESCRIBE {iri_ref(iri)}").triples


def graph_quads(store, iri: str) -> list[ox.Quad]:
    """The same triples as :func:`describe_triples`, each in the named graph that states it."""
    return [ox.Quad(ox.NamedNode(iri), ox.NamedNode(p), o, ox.NamedNode(g)) for p, o, g in
            ((p.value, o, g.value) for p, o, g in
             store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {iri_ref(iri)} ?p ?o }} }}").rows)]


def serialize(store, iri: str, suffix: str) -> bytes:
    """The resource in the format of ``suffix`` (``ttl``, ``jsonld``, ``nt``, ``trig``)."""
    fmt = FORMATS[suffix]
    data = graph_quads(store, iri) if suffix == "trig" else describe_triples(store, iri)
    prefixes = PREFIXES if suffix in ("ttl", "trig") else None
    return ox.serialize(data, format=fmt, prefixes=prefixes) or b""


def document_graphs(graphs) -> list[str]:
    """The named graphs of documents among ``graphs`` (``graph/<doc_id>``)."""
    return [g for g in graphs if g.startswith(GRAPH_BASE) and _kept_graph(g)]

