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
from functools import cache

import pyoxigraph as ox
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, TIME

from ..errors import NotFound
from ..ontology import ELI, GRAPH_BASE, OA, ORG, PREFIXES, SHNOR, VOCABULARY_GRAPH
from ..ontology.vocabulary import load_vocabulary
from . import pages_messages  # noqa: F401 (registers the words used here)
from .i18n import t

VALIDATION_SUFFIX = "/validation"
LIST_LIMIT = 300          # rows shown per group of incoming links
INCOMING_LIMIT = 5000     # incoming links read at most
IRI_SAFE = re.compile(r"[^\s<>\"{}|^`\\]+")

#: The resource kinds, by the most specific type first.
KINDS: tuple[tuple[str, str], ...] = (
    (str(SHNOR.School), "school"), (str(SHNOR.Organization), "organisation"),
    (str(SHNOR.CollectiveResponsible), "collective"), (str(SHNOR.Person), "person"),
    (str(SHNOR.Order), "act"), (str(SHNOR.PlanItem), "item"), (str(SHNOR.PlanSection), "section"),
    (str(SHNOR.Plan), "plan"), (str(SHNOR.Clause), "clause"), (str(SHNOR.RoleAssignment), "role"),
    (str(SHNOR.MentorshipLink), "mentorship"), (str(SHNOR.Municipality), "municipality"),
    (str(SHNOR.Region), "region"), (str(SHNOR.SourceDocument), "source"),
    (str(TIME.ProperInterval), "interval"), (str(TIME.Instant), "instant"),
    (str(OA.TextPositionSelector), "span"), (str(SKOS.Concept), "concept"),
)
_KIND_OF_TYPE = dict(KINDS)
_KIND_RANK = {kind: i for i, (_, kind) in enumerate(KINDS)}

#: Labels of terms the vocabulary does not label.
TERM_FALLBACK = {
    str(RDF.type): {"ru": "тип", "en": "type"},
    str(RDFS.label): {"ru": "метка", "en": "label"},
}

#: Predicates read to name a resource (one query per batch of resources).
LABEL_PREDICATES = (SKOS.prefLabel, SKOS.altLabel, FOAF.name, DCTERMS.title, RDFS.label, SHNOR.number,
                    ELI.number, SHNOR.documentType, ELI.date_document, SHNOR.year, RDF.type, SHNOR.position,
                    ORG.member, ORG.role, ORG.organization, SHNOR.mentor, SHNOR.mentee, TIME.hasBeginning,
                    TIME.hasEnd, TIME.inXSDDate, OA.start, OA.end, SHNOR.line, DCTERMS.description)
#: Predicates whose objects are needed to name composite resources (roles, pairs, intervals).
PART_PREDICATES = (str(ORG.member), str(ORG.organization), str(SHNOR.mentor), str(SHNOR.mentee),
                   str(TIME.hasBeginning), str(TIME.hasEnd))
#: Kinds named from the labels of their parts.
COMPOSITE_KINDS = {"role", "mentorship", "interval"}
#: Segments of an IRI below its act (``…/act/<m>/<year>/<type-num>/plan/item/3``).
ACT_PART = re.compile(r"^(.*?/act/[^/]+/[^/]+/[^/]+)/(?:plan|clause|role|mentorship|span|validation|completeness)(?:/|$)")


# -- IRIs and local pages ---------------------------------------------------------------------------


def href_of(iri: str, base: str) -> str | None:
    """The local page (``/id/…``) of a minted IRI, or None for a foreign IRI."""
    return "/id/" + iri[len(base):] if iri.startswith(base) and len(iri) > len(base) else None


def iri_of(path: str, base: str) -> str:
    """The IRI a ``/id/<path>`` names; NotFound when it cannot be an IRI."""
    iri = base + path
    if not path or not IRI_SAFE.fullmatch(iri):
        raise NotFound(f"no resource /id/{path}", path=path)
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise NotFound(f"no resource /id/{path}", path=path) from None
    return iri


def act_of(iri: str) -> str | None:
    """The act IRI a resource of an act (plan item, clause, role…) lives under, else None."""
    match = ACT_PART.match(iri)
    return match.group(1) if match else None


def _ref(iri: str) -> str:
    """``<iri>`` for a query text, for IRIs read from the store or checked by :func:`iri_of`."""
    if not IRI_SAFE.fullmatch(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _values(iris) -> str:
    return " ".join(_ref(i) for i in sorted(set(iris)))


def _kept_graph(graph: str) -> bool:
    """Graphs of statements (not the vocabulary, not validation reports)."""
    return graph != str(VOCABULARY_GRAPH) and not graph.endswith(VALIDATION_SUFFIX)


# -- vocabulary labels ------------------------------------------------------------------------------


@cache
def _vocabulary_labels() -> dict[str, dict[str, str]]:
    graph = load_vocabulary()
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for predicate in (SKOS.prefLabel, RDFS.label):
        for subject, label in graph.subject_objects(predicate):
            if isinstance(label, RdfLiteral):
                labels[str(subject)].setdefault(label.language or "", str(label))
    return dict(labels)


def term_label(iri: str, lang: str) -> str:
    """The vocabulary label of a class, property or concept in ``lang`` (else Russian, else a CURIE)."""
    labels = _vocabulary_labels().get(iri) or TERM_FALLBACK.get(iri) or {}
    return labels.get(lang) or labels.get("ru") or labels.get("") or curie(iri)


def curie(iri: str) -> str:
    """``prefix:local`` for an IRI of a known namespace, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def is_vocabulary_term(iri: str) -> bool:
    return iri in _vocabulary_labels()


# -- naming resources -------------------------------------------------------------------------------


@dataclass
class Label:
    """How a resource is shown: ``name`` (main), ``short`` (compact), ``detail`` (secondary text)."""

    iri: str
    name: str
    short: str
    kind: str
    detail: str = ""
    sort: tuple = ()
    act: str | None = None


def kind_of(types) -> str:
    """The kind of a resource from its types (``school``, ``act``, ``item``…), else ``resource``."""
    kinds = [_KIND_OF_TYPE[t] for t in types if t in _KIND_OF_TYPE]
    return min(kinds, key=_KIND_RANK.get) if kinds else "resource"


def _pick(values: list[ox.Literal], lang: str) -> str | None:
    """A literal in ``lang``, else Russian, else untagged, else any."""
    for wanted in (lang, "ru", None):
        for value in values:
            if (value.language or None) == wanted:
                return value.value
    return values[0].value if values else None


def _date(text: str, lang: str) -> str:
    if lang == "ru" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        y, m, d = text.split("-")
        return f"{d}.{m}.{y}"
    return text


def natural(text: str) -> str:
    """``text`` with every number zero-padded, so that strings sort as people count ("5.2" < "5.10")."""
    return re.sub(r"\d+", lambda m: m.group().zfill(8), text)


def _cut(text: str, size: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _read(store, iris) -> dict[str, dict[str, list]]:
    """The label predicates of ``iris``: iri → predicate → values."""
    iris = [i for i in set(iris) if IRI_SAFE.fullmatch(i)]
    facts: dict[str, dict[str, list]] = {i: defaultdict(list) for i in iris}
    if not iris:
        return facts
    predicates = ", ".join(f"<{p}>" for p in LABEL_PREDICATES)
    query = f"SELECT ?x ?p ?v WHERE {{ VALUES ?x {{ {_values(iris)} }} ?x ?p ?v FILTER(?p IN ({predicates})) }}"
    for x, p, v in store.query(query).rows:
        facts[x.value][p.value].append(v)
    return facts


def labels(store, iris, lang: str) -> dict[str, Label]:
    """Labels of many resources in two queries (the second names the parts of roles, pairs, spans)."""
    facts = _read(store, iris)
    parts = {v.value for f in facts.values() for p in PART_PREDICATES for v in f.get(p, ()) if isinstance(v, ox.NamedNode)}
    parts |= {a for a in map(act_of, facts) if a}
    everything = {**_read(store, parts - set(facts)), **facts}
    kinds = {iri: kind_of([v.value for v in f.get(str(RDF.type), ())]) for iri, f in everything.items()}
    named: dict[str, Label] = {}
    for iri in sorted(everything, key=lambda i: kinds[i] in COMPOSITE_KINDS):  # composites name their parts
        named[iri] = _label(iri, kinds[iri], everything[iri], named, lang)
    return {i: named[i] for i in facts}


def _label(iri: str, kind: str, f: dict[str, list], named: dict[str, Label], lang: str) -> Label:
    if is_vocabulary_term(iri) and not f.get(str(SKOS.prefLabel)):
        return Label(iri, term_label(iri, lang), term_label(iri, lang), "term")
    builder = _NAMERS.get(kind, _name_plain)
    label = builder(iri, f, named, lang)
    label.kind = kind
    label.act = act_of(iri)
    return label


def _lit(f: dict, predicate, lang: str = "ru") -> str | None:
    return _pick([v for v in f.get(str(predicate), ()) if isinstance(v, ox.Literal)], lang)


def _obj(f: dict, predicate) -> str | None:
    values = [v.value for v in f.get(str(predicate), ()) if isinstance(v, ox.NamedNode)]
    return min(values) if values else None


def _fallback(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1] or iri


def _name_plain(iri: str, f: dict, named: dict, lang: str) -> Label:
    name = (_lit(f, SKOS.prefLabel, lang) or _lit(f, FOAF.name, lang) or _lit(f, DCTERMS.title, lang)
            or _lit(f, RDFS.label, lang) or _fallback(iri))
    alts = sorted((v.value for v in f.get(str(SKOS.altLabel), ())), key=_short_form_rank)
    short = alts[0] if alts and len(alts[0]) < len(name) else name
    return Label(iri, name, short, "", sort=(name.lower(),))


def _short_form_rank(text: str) -> tuple:
    """Well-formed short forms first (balanced quotes, no stray dot, capitalised, not shouted), then short."""
    words = [w for w in re.findall(r"\w+", text) if not w.isdigit()]
    shouted = len(words) > 2 and all(w.isupper() for w in words)
    return (text.count("«") != text.count("»"), bool(re.search(r"\s\.", text)), not text[:1].isupper(),
            shouted, len(text), text)


def _name_act(iri: str, f: dict, named: dict, lang: str) -> Label:
    doc_type = _obj(f, SHNOR.documentType)
    words = [term_label(doc_type, lang).capitalize() if doc_type else t("kind.act", lang)]
    number, day, year = _lit(f, ELI.number), _lit(f, ELI.date_document), _lit(f, SHNOR.year)
    if number:
        words.append(f"№ {number}")
    if day:
        words.append(t("label.dated", lang, date=_date(day, lang)))
    elif year:
        words.append(t("label.year", lang, year=year))
    name = " ".join(words)
    title = _lit(f, DCTERMS.title) or ""
    return Label(iri, name, name, "", detail=title, sort=(day or year or "", name))


def _name_item(iri: str, f: dict, named: dict, lang: str) -> Label:
    number, title = _lit(f, SHNOR.number), _lit(f, DCTERMS.title) or ""
    position = _lit(f, SHNOR.position)
    name = t("label.item", lang, number=number) if number else t("label.item_unnumbered", lang, position=position or "?")
    pos = int(position) if position and position.isdigit() else 0
    return Label(iri, name, name, "", detail=title, sort=(act_of(iri) or "", natural(str(pos))))


def _name_section(iri: str, f: dict, named: dict, lang: str) -> Label:
    number, title = _lit(f, SHNOR.number), _lit(f, DCTERMS.title) or ""
    name = t("label.section", lang, number=number or "", title=_cut(title, 80)).strip()
    return Label(iri, name, name, "", detail=title, sort=(act_of(iri) or "", natural(number or "")))


def _name_clause(iri: str, f: dict, named: dict, lang: str) -> Label:
    number = _lit(f, SHNOR.number) or _fallback(iri)
    name = t("label.clause", lang, number=number)
    return Label(iri, name, name, "", detail=_lit(f, DCTERMS.description) or "", sort=(act_of(iri) or "", natural(_fallback(iri))))


def _part_name(named: dict, iri: str | None, *, short: bool = True) -> str:
    if not iri:
        return "?"
    label = named.get(iri)
    return (label.short if short else label.name) if label else _fallback(iri)


def _name_role(iri: str, f: dict, named: dict, lang: str) -> Label:
    role = _obj(f, ORG.role)
    name = t("label.role", lang, person=_part_name(named, _obj(f, ORG.member), short=False),
             role=term_label(role, lang) if role else "?", org=_part_name(named, _obj(f, ORG.organization)))
    return Label(iri, name, name, "", sort=(act_of(iri) or "", natural(_fallback(iri))))


def _name_mentorship(iri: str, f: dict, named: dict, lang: str) -> Label:
    name = t("label.mentorship", lang, mentor=_part_name(named, _obj(f, SHNOR.mentor)),
             mentee=_part_name(named, _obj(f, SHNOR.mentee)))
    return Label(iri, name, name, "", sort=(act_of(iri) or "", natural(_fallback(iri))))


def _name_interval(iri: str, f: dict, named: dict, lang: str) -> Label:
    begin, end = (named.get(_obj(f, p) or "") for p in (TIME.hasBeginning, TIME.hasEnd))
    name = f"{begin.name if begin else '?'} – {end.name if end else '?'}"
    return Label(iri, name, name, "", sort=(name,))


def _name_instant(iri: str, f: dict, named: dict, lang: str) -> Label:
    name = _date(_lit(f, TIME.inXSDDate) or _fallback(iri), lang)
    return Label(iri, name, name, "", sort=(name,))


def _name_span(iri: str, f: dict, named: dict, lang: str) -> Label:
    name = t("label.span", lang, line=_lit(f, SHNOR.line) or "?", start=_lit(f, OA.start) or "?", end=_lit(f, OA.end) or "?")
    return Label(iri, name, name, "", sort=(name,))


_NAMERS = {"act": _name_act, "item": _name_item, "section": _name_section, "clause": _name_clause,
           "role": _name_role, "mentorship": _name_mentorship, "interval": _name_interval,
           "instant": _name_instant, "span": _name_span}


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
        rows = store.query(f"SELECT ?text WHERE {{ {_ref(source)} <{SHNOR.text}> ?text }} LIMIT 1").rows
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
    query = (f"SELECT ?x ?start ?end ?line ?src ?act WHERE {{ VALUES ?x {{ {_values(facts)} }} "
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
    rows = store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {_ref(iri)} ?p ?o }} }}").rows
    return [(p.value, o, g.value) for p, o, g in rows]


def incoming_links(store, iri: str) -> list[tuple[str, str, str]]:
    """``(subject, predicate, graph)`` of statements pointing at ``iri`` (IRI subjects only)."""
    rows = store.query(f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {_ref(iri)} }} FILTER(isIRI(?s)) }} "
                       f"LIMIT {INCOMING_LIMIT}").rows
    return [(s.value, p.value, g.value) for s, p, g in rows if _kept_graph(g.value)]


def exists(store, iri: str) -> bool:
    """Whether the graph says anything about ``iri`` or points at it."""
    x = _ref(iri)
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
            text = _date(text, mk.lang)
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
        subjects.sort(key=lambda s: (_KIND_RANK.get(mk.named[s].kind, 99), *mk.named[s].sort) if s in mk.named else (99, s))
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
    query = (f"SELECT ?r ?person ?role ?org WHERE {{ ?r <{side}> {_ref(iri)} ; <{ORG.member}> ?person ; "
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


def validation_results(store, *, graph: str | None = None, focus: str | None = None, base: str, lang: str) -> list[dict]:
    """SHACL results stored in validation graphs: of one report graph, or about one focus node.

    Each result: ``severity`` (Violation/Warning/Info), ``focus`` (with ``focus_label``,
    ``focus_href``), ``path`` (with ``path_label``), ``message`` in ``lang``, ``value``.
    """
    sh = "http://www.w3.org/ns/shacl#"
    where = f"GRAPH {_ref(graph)} {{" if graph else "GRAPH ?g {"
    f = _ref(focus) if focus else "?f"
    query = (f"SELECT ?r ?sev ?path ?msg ?value WHERE {{ {where} ?r <{sh}focusNode> {f} ; <{sh}resultSeverity> ?sev . "
             f"OPTIONAL {{ ?r <{sh}resultPath> ?path FILTER(isIRI(?path)) }} OPTIONAL {{ ?r <{sh}resultMessage> ?msg }} "
             f"OPTIONAL {{ ?r <{sh}value> ?value }} }} "
             + ("" if graph else f"FILTER(STRENDS(STR(?g), \"{VALIDATION_SUFFIX}\")) ") + "}")
    merged: dict[str, dict] = {}
    rows = store.query(query.replace("SELECT ?r", "SELECT ?r ?f", 1) if not focus else query).rows
    for row in rows:
        r, node, sev, path, msg, value = row if not focus else (row[0], None, *row[1:])
        entry = merged.setdefault(str(r), {
            "severity": sev.value.rsplit("#", 1)[-1], "focus": node.value if node else focus,
            "path": path.value if path else None, "messages": {}, "value": value.value if value else None})
        if msg is not None:
            entry["messages"][msg.language or ""] = msg.value
    results = []
    for entry in merged.values():
        messages = entry.pop("messages")
        entry["message"] = messages.get(lang) or messages.get("ru") or messages.get("") or next(iter(messages.values()), "")
        results.append(entry)
    named = labels(store, {r["focus"] for r in results if IRI_SAFE.fullmatch(r["focus"])}, lang)
    for r in results:
        r["focus_label"] = named[r["focus"]].name if r["focus"] in named else r["focus"]
        r["focus_href"] = href_of(r["focus"], base)
        r["path_label"] = term_label(r["path"], lang) if r["path"] else None
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda e: (rank.get(e["severity"], 3), e["focus_label"], e["path"] or ""))


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
    return store.query(f"DESCRIBE {_ref(iri)}").triples


def graph_quads(store, iri: str) -> list[ox.Quad]:
    """The same triples as :func:`describe_triples`, each in the named graph that states it."""
    return [ox.Quad(ox.NamedNode(iri), ox.NamedNode(p), o, ox.NamedNode(g)) for p, o, g in
            ((p.value, o, g.value) for p, o, g in
             store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {_ref(iri)} ?p ?o }} }}").rows)]


def serialize(store, iri: str, suffix: str) -> bytes:
    """The resource in the format of ``suffix`` (``ttl``, ``jsonld``, ``nt``, ``trig``)."""
    fmt = FORMATS[suffix]
    data = graph_quads(store, iri) if suffix == "trig" else describe_triples(store, iri)
    prefixes = PREFIXES if suffix in ("ttl", "trig") else None
    return ox.serialize(data, format=fmt, prefixes=prefixes) or b""


def document_graphs(graphs) -> list[str]:
    """The named graphs of documents among ``graphs`` (``graph/<doc_id>``)."""
    return [g for g in graphs if g.startswith(GRAPH_BASE) and _kept_graph(g)]

