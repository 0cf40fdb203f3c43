"""Names of resources for the pages: local pages of IRIs, vocabulary labels, and labels of minted
resources (organisations, people, acts, plan items, roles, mentor pairs, deadlines, spans),
read for many resources in one query and worded in the page language."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, TIME

from ..errors import NotFound
from ..ontology import ELI, OA, ORG, PREFIXES, SHNOR
from ..ontology.vocabulary import load_vocabulary
from . import pages_messages  # noqa: F401 (registers the words used here)
from .i18n import t

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
KIND_RANK = {kind: i for i, (_, kind) in enumerate(KINDS)}

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


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query text, for IRIs read from the store or checked by :func:`iri_of`."""
    if not IRI_SAFE.fullmatch(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def values_block(iris) -> str:
    """IRIs for a ``VALUES`` block."""
    return " ".join(iri_ref(i) for i in sorted(set(iris)))


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
    return min(kinds, key=KIND_RANK.get) if kinds else "resource"


def _pick(values: list[ox.Literal], lang: str) -> str | None:
    """A literal in ``lang``, else Russian, else untagged, else any."""
    for wanted in (lang, "ru", None):
        for value in values:
            if (value.language or None) == wanted:
                return value.value
    return values[0].value if values else None


def display_date(text: str, lang: str) -> str:
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
    query = f"SELECT ?x ?p ?v WHERE {{ VALUES ?x {{ {values_block(iris)} }} ?x ?p ?v FILTER(?p IN ({predicates})) }}"
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
    alts = sorted((v.value for v in f.get(str(SKOS.altLabel), ())), key=short_form_rank)
    short = alts[0] if alts and len(alts[0]) < len(name) else name
    return Label(iri, name, short, "", sort=(name.lower(),))


def short_form_rank(text: str) -> tuple:
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
        words.append(t("label.dated", lang, date=display_date(day, lang)))
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
    name = display_date(_lit(f, TIME.inXSDDate) or _fallback(iri), lang)
    return Label(iri, name, name, "", sort=(name,))


def _name_span(iri: str, f: dict, named: dict, lang: str) -> Label:
    name = t("label.span", lang, line=_lit(f, SHNOR.line) or "?", start=_lit(f, OA.start) or "?", end=_lit(f, OA.end) or "?")
    return Label(iri, name, name, "", sort=(name,))


_NAMERS = {"act": _name_act, "item": _name_item, "section": _name_section, "clause": _name_clause,
           "role": _name_role, "mentorship": _name_mentorship, "interval": _name_interval,
           "instant": _name_instant, "span": _name_span}
