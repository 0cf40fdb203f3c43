"""The ontology's documentation page (``/ontology``) and its Turtle (``/ontology.ttl``).

Term IRIs ``https://w3id.org/shnor/ontology#X`` resolve here: w3id.org redirects
``/shnor/ontology`` to this server's ``/ontology`` and the browser keeps the fragment, which
selects the term's anchor (``id="X"``). ``/ontology`` answers Turtle to clients that prefer
``text/turtle`` (content negotiation), HTML otherwise; the version IRI
``https://w3id.org/shnor/ontology/<version>`` is served the same way at ``/ontology/<version>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flask import Blueprint, Response, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..errors import NotFound
from ..ontology import ONTOLOGY_IRI, PREFIXES, SCHEMA, SHNOR, SHNOR_NS
from ..ontology.vocabulary import load_vocabulary
from . import i18n

blueprint = Blueprint("ontology", __name__)

TURTLE = "text/turtle"
_ONTOLOGY = URIRef(ONTOLOGY_IRI)
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_CONCEPT_EXTRAS = (SHNOR.headingKeyword, SHNOR.qualifierPhrase)

#: The page's own words (labels and comments come from the vocabulary).
i18n.register({
    "ru": {
        "ontology.page": "Онтология", "ontology.version": "Версия", "ontology.version_iri": "IRI версии",
        "ontology.license": "Лицензия", "ontology.creator": "Авторы", "ontology.changes": "Изменения",
        "ontology.namespace": "Пространство имён", "ontology.download": "Turtle (онтология и все схемы понятий)",
        "ontology.classes": "Классы", "ontology.properties": "Свойства", "ontology.schemes": "Схемы понятий",
        "ontology.external": "Термины других словарей, которые мы используем", "ontology.term": "Термин",
        "ontology.label_ru": "Название (рус.)", "ontology.label_en": "Название (англ.)",
        "ontology.comment": "Описание", "ontology.kind": "Вид", "ontology.supers": "Надклассы и надсвойства",
        "ontology.domain": "Область определения", "ontology.range": "Область значений",
        "ontology.domain_includes": "Область определения (одно из)",
        "ontology.range_includes": "Область значений (одно из)", "ontology.notation": "Код",
        "ontology.definition": "Определение", "ontology.extras": "Ключи сопоставления",
        "ontology.types": "Другие типы",
        "ontology.resolve": "IRI терминов https://w3id.org/shnor/ontology#X перенаправляются сервисом w3id.org "
                            "на эту страницу; фрагмент #X выбирает якорь термина.",
    },
    "en": {
        "ontology.page": "Ontology", "ontology.version": "Version", "ontology.version_iri": "Version IRI",
        "ontology.license": "Licence", "ontology.creator": "Creators", "ontology.changes": "Changes",
        "ontology.namespace": "Namespace", "ontology.download": "Turtle (the ontology and every concept scheme)",
        "ontology.classes": "Classes", "ontology.properties": "Properties", "ontology.schemes": "Concept schemes",
        "ontology.external": "Terms of other vocabularies that we use", "ontology.term": "Term",
        "ontology.label_ru": "Label (Russian)", "ontology.label_en": "Label (English)",
        "ontology.comment": "Description", "ontology.kind": "Kind",
        "ontology.supers": "Super-classes and super-properties", "ontology.domain": "Domain",
        "ontology.range": "Range", "ontology.domain_includes": "Domain includes",
        "ontology.range_includes": "Range includes", "ontology.notation": "Notation",
        "ontology.definition": "Definition", "ontology.extras": "Matching keys", "ontology.types": "Other types",
        "ontology.resolve": "Term IRIs https://w3id.org/shnor/ontology#X are redirected by w3id.org to this page; "
                            "the fragment #X selects the term's anchor.",
    },
})


@dataclass(frozen=True)
class Link:
    """A term shown on the page: its compact name and where it points (an anchor or its IRI)."""

    text: str
    href: str


@dataclass
class TermDoc:
    """What the page shows of one class, property or concept."""

    anchor: str
    iri: str
    curie: str
    label_ru: str
    label_en: str
    comment: str
    kind: str = ""
    supers: list[Link] = field(default_factory=list)
    domain: list[Link] = field(default_factory=list)
    range: list[Link] = field(default_factory=list)
    domain_includes: list[Link] = field(default_factory=list)
    range_includes: list[Link] = field(default_factory=list)
    notation: str = ""
    extras: list[str] = field(default_factory=list)


@dataclass
class SchemeDoc:
    """A concept scheme and its concepts."""

    term: TermDoc
    concepts: list[TermDoc]


@dataclass
class OntologyDoc:
    """The whole page: the ontology's header, its classes, properties, schemes and borrowed terms."""

    title: str
    comment: str
    version: str
    version_iri: str
    license: str
    creator: str
    change_note: str
    classes: list[TermDoc]
    properties: list[TermDoc]
    schemes: list[SchemeDoc]
    external: list[TermDoc]


@cache
def _graph() -> Graph:
    """The merged vocabulary, parsed once per process (read-only)."""
    return load_vocabulary()


@cache
def vocabulary_turtle() -> bytes:
    """Every vocabulary file merged into one Turtle document (UTF-8), with the project's prefixes."""
    return _graph().serialize(format="turtle", encoding="utf-8")


def curie(iri: URIRef) -> str:
    """``prefix:local`` for an IRI under a namespace of the prefix table, else the IRI itself."""
    text = str(iri)
    matches = [(ns, p) for p, ns in PREFIXES.items() if text.startswith(ns) and len(text) > len(ns)]
    if not matches:
        return text
    ns, prefix = max(matches, key=lambda m: len(m[0]))
    return f"{prefix}:{text[len(ns):]}"


def _link(iri: URIRef) -> Link:
    text = str(iri)
    href = "#" + text[len(SHNOR_NS):] if text.startswith(SHNOR_NS) else text
    return Link(curie(iri), href)


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    """The literal of ``predicate`` in ``lang`` (or any language when it has none in ``lang``)."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    chosen = [v for v in values if v.language == lang] or values
    return str(min(chosen)) if chosen else ""


def _links(graph: Graph, subject: URIRef, *predicates: URIRef) -> list[Link]:
    values = {o for p in predicates for o in graph.objects(subject, p) if isinstance(o, URIRef)}
    return sorted((_link(v) for v in values), key=lambda link: link.text)


def _term(graph: Graph, term: URIRef, lang: str, *, label: URIRef = RDFS.label, comment: URIRef = RDFS.comment) -> TermDoc:
    kinds = [k for k in (OWL.Class, *_PROPERTY_KINDS) if (term, RDF.type, k) in graph]
    return TermDoc(
        anchor=str(term)[len(SHNOR_NS):] if str(term).startswith(SHNOR_NS) else "",
        iri=str(term), curie=curie(term),
        label_ru=_text(graph, term, label, "ru"), label_en=_text(graph, term, label, "en"),
        comment=_text(graph, term, comment, lang),
        kind=curie(kinds[0]) if kinds else "",
        supers=_links(graph, term, RDFS.subClassOf, RDFS.subPropertyOf),
        domain=_links(graph, term, RDFS.domain), range=_links(graph, term, RDFS.range),
        domain_includes=_links(graph, term, SCHEMA.domainIncludes),
        range_includes=_links(graph, term, SCHEMA.rangeIncludes),
    )


def _concept(graph: Graph, concept: URIRef, lang: str) -> TermDoc:
    doc = _term(graph, concept, lang, label=SKOS.prefLabel, comment=SKOS.definition)
    doc.notation = str(graph.value(concept, SKOS.notation) or "")
    doc.extras = sorted(f"{curie(p)} «{o}»" for p in _CONCEPT_EXTRAS for o in graph.objects(concept, p))
    doc.supers = [_link(t) for t in sorted(graph.objects(concept, RDF.type)) if t != SKOS.Concept]
    return doc


def _ours(graph: Graph, kind: URIRef) -> list[URIRef]:
    terms = {s for s in graph.subjects(RDF.type, kind) if str(s).startswith(SHNOR_NS)}
    return sorted(terms, key=lambda t: str(t).lower())


def _external(graph: Graph, lang: str) -> list[TermDoc]:
    kinds = (OWL.Class, *_PROPERTY_KINDS)
    terms = {s for k in kinds for s in graph.subjects(RDF.type, k)
             if isinstance(s, URIRef) and not str(s).startswith(SHNOR_NS)}
    return [_term(graph, t, lang) for t in sorted(terms, key=curie)]


def _scheme(graph: Graph, scheme: URIRef, lang: str) -> SchemeDoc:
    concepts = sorted(graph.subjects(SKOS.inScheme, scheme), key=lambda c: str(c).lower())
    term = _term(graph, scheme, lang, label=SKOS.prefLabel, comment=SKOS.definition)
    return SchemeDoc(term, [_concept(graph, c, lang) for c in concepts])


@cache
def ontology_doc(lang: str) -> OntologyDoc:
    """The documentation model of the vocabulary with texts in ``lang`` ("ru" or "en")."""
    graph = _graph()
    return OntologyDoc(
        title=_text(graph, _ONTOLOGY, RDFS.label, lang),
        comment=_text(graph, _ONTOLOGY, RDFS.comment, lang),
        version=str(graph.value(_ONTOLOGY, OWL.versionInfo)),
        version_iri=str(graph.value(_ONTOLOGY, OWL.versionIRI)),
        license=str(graph.value(_ONTOLOGY, DCTERMS.license)),
        creator=_text(graph, _ONTOLOGY, DCTERMS.creator, lang),
        change_note=_text(graph, _ONTOLOGY, SKOS.changeNote, lang),
        classes=[_term(graph, t, lang) for t in _ours(graph, OWL.Class)],
        properties=[_term(graph, t, lang) for k in _PROPERTY_KINDS for t in _ours(graph, k)],
        schemes=[_scheme(graph, s, lang) for s in _ours(graph, SKOS.ConceptScheme)],
        external=_external(graph, lang),
    )


def _turtle_response() -> Response:
    response = Response(vocabulary_turtle(), mimetype=TURTLE)
    response.charset = "utf-8"
    return response


def _negotiated() -> Response:
    """Turtle when the client prefers ``text/turtle`` to HTML, else the documentation page."""
    best = request.accept_mimetypes.best_match(["text/html", TURTLE], default="text/html")
    response = _turtle_response() if best == TURTLE else Response(_page(i18n.current_lang()), mimetype="text/html")
    response.vary.add("Accept")
    return response


def _page(lang: str) -> str:
    return render_template("ontology.html", doc=ontology_doc(lang), ontology_iri=ONTOLOGY_IRI, namespace=SHNOR_NS)


@blueprint.get("/ontology")
def ontology() -> Response:
    """The documentation page, or the Turtle when the client asks for ``text/turtle``."""
    return _negotiated()


@blueprint.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The version IRI ``…/ontology/<version>``: the current version only (404 for others)."""
    if version != ontology_doc("en").version:
        raise NotFound(f"no ontology version {version!r}; the current one is {ontology_doc('en').version}",
                       parameter="version")
    return _negotiated()


@blueprint.get("/ontology.ttl")
def ontology_turtle() -> Response:
    """The vocabulary (ontology and SKOS schemes) as one Turtle document."""
    return _turtle_response()
