"""RDF: an act's structure and facts → the document graph and the entities graph (contract terms).

IRIs are derived from normalised keys (docs/development.md "IRIs"), never from file names or
positions in a file list, and no blank node is written: ingesting the same file twice gives the
same triples. Everything the act says about itself lives under the act IRI
(``act/<municipality>/<year>/<type>-<number>``): ``/plan``, ``/plan/section/<n>``,
``/plan/item/<position>``, ``/clause/<n>``, ``/role/<n>``, ``/mentorship/<n>``, spans
``<resource>/span``, deadlines ``<item>/deadline/<k>``.

The graph split (docs/development.md "Graph split"): a triple whose subject is a shared resource
(organisation, collective responsible, person, municipality, region, cited stub act) and whose
object is not a resource of this act goes to the entities graph; all others to the document graph.

Literals: labels (``skos:prefLabel``/``skos:altLabel``) are tagged ``@ru``; every other text
(titles, names, numbers, deadline texts) is a plain string.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, TIME, XSD

from ..ontology import ELI, OA, ORG, PPLAN, SCHEMA
from ..ontology import SHNOR as _SHNOR
from .blocks import RawDocument, Span
from .deadlines import Deadline
from .facts import Facts
from .organisations import OrgRef
from .people import PersonName
from .structure import Act, Item, collapse
from .translit import slug

SHARED_PATHS = ("org/", "collective/", "person/", "municipality/", "region/")


class _Terms:
    """The closed ``SHNOR`` namespace with each term looked up once (its lookups are slow)."""

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(_SHNOR, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)


SHNOR = _Terms()


@dataclass(frozen=True)
class Graphs:
    """The result of the conversion."""

    act_iri: str
    doc_id: str
    document: Graph
    entities: Graph


def act_path(act: Act, facts: Facts, sha256: str) -> str:
    """``act/<municipality>/<year>/<type>-<number slug>``; no number: ``<type>-<8 hex of the title key>``."""
    header = act.header
    doc_type = header.doc_type or "act"
    ident = slug(header.number) if header.number and slug(header.number) else _title_hash(header.title.text if header.title else None, sha256)
    return f"act/{facts.municipality.slug}/{header.year or 'undated'}/{doc_type}-{ident}"


def _title_hash(title: str | None, sha256: str) -> str:
    if not title:
        return sha256[:8]
    key = collapse(title).lower().replace("ё", "е")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def doc_id_of(path: str) -> str:
    """The document id: the act IRI's path after ``act/`` with ``/`` replaced by ``-``."""
    return path.removeprefix("act/").replace("/", "-")


def build_graphs(raw: RawDocument, act: Act, facts: Facts, *, base_iri: str, sha256: str) -> Graphs:
    """Both graphs of one act."""
    base = base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"
    path = act_path(act, facts, sha256)
    builder = _Builder(base, base + path, raw, act, facts, sha256)
    builder.build()
    document, entities = builder.split()
    return Graphs(base + path, doc_id_of(path), document, entities)


class _Builder:
    """Writes the triples of one act into one graph, then splits it."""

    def __init__(self, base: str, act_iri: str, raw: RawDocument, act: Act, facts: Facts, sha256: str) -> None:
        self.base, self.raw, self.act, self.facts, self.sha256 = base, raw, act, facts, sha256
        self.order = URIRef(act_iri)
        self.triples: dict[tuple, None] = {}  # an ordered set: rdflib's Graph.add is slow
        self.stubs: set[URIRef] = set()
        self.shared_prefixes = tuple(base + p for p in SHARED_PATHS)
        self.own_prefix = str(self.order) + "/"

    def add(self, s, p, o) -> None:
        """Add a triple; a missing value or a blank literal states nothing."""
        if o is None or (isinstance(o, Literal) and not str(o).strip()):
            return
        self.triples[(s, p, o)] = None

    def under(self, *parts: object) -> URIRef:
        return URIRef("/".join([str(self.order), *map(str, parts)]))

    # -- the whole act -------------------------------------------------------------------------

    def build(self) -> None:
        self.source()
        self.order_triples()
        self.places()
        self.organisations()
        self.people()
        self.plan()
        self.clauses()
        self.roles()
        self.links()

    def split(self) -> tuple[Graph, Graph]:
        document, entities = Graph(), Graph()
        for triple in self.triples:
            (entities if self._shared_fact(triple) else document).add(triple)
        return document, entities

    def _shared_fact(self, triple) -> bool:
        s, _, o = triple
        shared = s in self.stubs or str.startswith(s, self.shared_prefixes)  # rdflib's startswith takes no tuple
        return shared and not (isinstance(o, URIRef) and self._of_act(o))

    def _of_act(self, node: URIRef) -> bool:
        return node == self.order or str.startswith(node, self.own_prefix) or node == self.source_iri

    # -- provenance ----------------------------------------------------------------------------

    @property
    def source_iri(self) -> str:
        return f"{self.base}source/{self.sha256}"

    def source(self) -> None:
        src = URIRef(self.source_iri)
        for t in (SHNOR.SourceDocument, PROV.Entity):
            self.add(src, RDF.type, t)
        self.add(src, DCTERMS.title, Literal(self.raw.name))
        self.add(src, SHNOR.sha256, Literal(self.sha256))
        self.add(src, DCTERMS.format, Literal(self.raw.media_type))
        self.add(src, SHNOR.text, Literal(self.raw.text))

    def span(self, subject: URIRef, span: Span) -> None:
        node = URIRef(str(subject) + "/span")
        self.add(subject, SHNOR.sourceSpan, node)
        self.add(node, RDF.type, OA.TextPositionSelector)
        self.add(node, OA.start, Literal(span.start, datatype=XSD.integer))  # as every store keeps it
        self.add(node, OA.end, Literal(span.end, datatype=XSD.integer))
        self.add(node, SHNOR.line, Literal(self.raw.line_of(span.start), datatype=XSD.integer))

    # -- the order ----------------------------------------------------------------------------------

    def order_triples(self) -> None:
        order, header, facts = self.order, self.act.header, self.facts
        self.order_type(order, header.doc_type)
        self.dates(order, header.date, header.year)
        self.add(order, ELI.number, Literal(header.number) if header.number else None)
        self.add(order, DCTERMS.title, Literal(header.title.text) if header.title else None)
        self.add(order, SHNOR.issuedBy, self.org_iri(facts.issuer) if facts.issuer else None)
        self.add(order, SHNOR.signedBy, self.person_iri(facts.signatory) if facts.signatory else None)
        self.add(order, SHNOR.municipality, self.municipality_iri())
        self.add(order, PROV.wasDerivedFrom, URIRef(self.source_iri))
        for school in facts.targets:
            self.add(order, SHNOR.targetSchool, self.org_iri(school))
        self.span(order, header.span or Span(0, len(self.raw.text)))
        for cited in facts.cited:
            self.add(order, ELI.based_on, self.stub(cited))

    def order_type(self, order: URIRef, doc_type: str | None) -> None:
        self.add(order, RDF.type, SHNOR.Order)
        self.add(order, RDF.type, ELI.LegalResource)
        self.add(order, SHNOR.documentType, SHNOR[doc_type] if doc_type else None)

    def dates(self, subject: URIRef, day: date | None, year: int | None) -> None:
        self.add(subject, ELI.date_document, Literal(day.isoformat(), datatype=XSD.date) if day else None)
        self.add(subject, SHNOR.year, Literal(str(year), datatype=XSD.gYear) if year else None)

    def stub(self, cited) -> URIRef:
        """A cited act: type, issuer, date, number, title — what the citation gives."""
        c = cited.citation
        owner = cited.issuer.key if cited.issuer else self.facts.municipality.slug
        ident = slug(c.number) if c.number else _title_hash(c.title, self.sha256)
        stub = URIRef(f"{self.base}act/{owner}/{c.year or 'undated'}/{c.doc_type}-{ident}")
        self.stubs.add(stub)
        self.order_type(stub, c.doc_type)
        self.dates(stub, c.date, c.year)
        self.add(stub, ELI.number, Literal(c.number) if c.number else None)
        self.add(stub, DCTERMS.title, Literal(c.title) if c.title else None)
        self.add(stub, SHNOR.issuedBy, self.org_iri(cited.issuer) if cited.issuer else None)
        return stub

    # -- places, organisations, people ----------------------------------------------------------

    def municipality_iri(self) -> URIRef:
        return URIRef(f"{self.base}municipality/{self.facts.municipality.slug}")

    def places(self) -> None:
        m = self.facts.municipality
        mun, region = self.municipality_iri(), URIRef(f"{self.base}region/{m.region_iso}")
        self.add(mun, RDF.type, SHNOR.Municipality)
        self.add(mun, SKOS.prefLabel, Literal(m.label, lang="ru"))
        self.add(mun, SHNOR.region, region)
        self.add(region, RDF.type, SHNOR.Region)
        self.add(region, SKOS.prefLabel, Literal(m.region_label, lang="ru"))
        self.add(region, SHNOR.isoCode, Literal(m.region_iso))

    def org_iri(self, ref: OrgRef) -> URIRef:
        kind = "collective" if ref.collective else "org"
        return URIRef(f"{self.base}{kind}/{self.facts.municipality.slug}/{ref.key}")

    def organisations(self) -> None:
        for ref in self.facts.organisations:
            iri = self.org_iri(ref)
            for t in _org_types(ref):
                self.add(iri, RDF.type, t)
            self.add(iri, SKOS.prefLabel, Literal(ref.pref_label, lang="ru"))
            for alt in sorted(ref.alt_labels - {ref.pref_label}):
                self.add(iri, SKOS.altLabel, Literal(alt, lang="ru"))
            self.add(iri, SHNOR.orgType, SHNOR[ref.org_type])
            if not ref.collective and not _regional(ref):
                self.add(iri, SHNOR.municipality, self.municipality_iri())

    def person_iri(self, key: str) -> URIRef:
        return URIRef(f"{self.base}person/{self.facts.municipality.slug}/{key}")

    def people(self) -> None:
        for key, person in sorted(self.facts.people.items()):
            self.person(self.person_iri(key), person)

    def person(self, iri: URIRef, p: PersonName) -> None:
        self.add(iri, RDF.type, SHNOR.Person)
        self.add(iri, RDF.type, FOAF.Person)
        self.add(iri, FOAF.name, Literal(p.name))
        self.add(iri, FOAF.familyName, Literal(p.family))
        self.add(iri, FOAF.givenName, Literal(p.given) if p.given else None)
        self.add(iri, SHNOR.initials, Literal(p.initials) if not p.given else None)

    # -- the plan ---------------------------------------------------------------------------------------

    def plan(self) -> None:
        plan = self.act.plan
        if plan is None:
            return
        node = self.under("plan")
        self.add(self.order, SHNOR.approves, node)
        self.add(node, RDF.type, SHNOR.Plan)
        self.add(node, RDF.type, PPLAN.Plan)
        self.add(node, DCTERMS.title, Literal(plan.title.text) if plan.title else None)
        self.dates(node, None, plan.year)
        for section in plan.sections:
            self.section(node, section)
        for item in plan.items:
            self.item(node, item)

    def section(self, plan: URIRef, section) -> None:
        node = self.under("plan", "section", section.ordinal)
        self.add(node, RDF.type, SHNOR.PlanSection)
        self.add(node, SHNOR.inPlan, plan)
        self.add(node, SHNOR.number, Literal(section.number) if section.number else None)
        self.add(node, DCTERMS.title, Literal(section.title))
        self.add(node, SHNOR.theme, self.facts.themes.get(section.ordinal))

    def item(self, plan: URIRef, item: Item) -> None:
        node = self.under("plan", "item", item.position)
        facts = self.facts.items[item.position]
        for t in (SHNOR.PlanItem, PPLAN.Step):
            self.add(node, RDF.type, t)
        self.add(node, SHNOR.inPlan, plan)
        self.add(node, SHNOR.inSection, self.under("plan", "section", item.section) if item.section else None)
        self.add(node, SHNOR.number, Literal(item.number) if item.number else None)
        self.add(node, SHNOR.position, Literal(item.position, datatype=XSD.integer))
        self.add(node, DCTERMS.title, Literal(item.title))
        self.add(node, SHNOR.expectedResult, Literal(item.result) if item.result else None)
        self.add(node, SHNOR.parentItem, self._item_by_number(item.parent))
        for ref in facts.responsible:
            self.add(node, SHNOR.responsible, self.org_iri(ref))
        for school in facts.concerns:
            self.add(node, SHNOR.concerns, self.org_iri(school))
        self.deadline(node, facts.deadline)
        self.span(node, item.span)

    def _item_by_number(self, number: str | None) -> URIRef | None:
        parent = next((i for i in self.act.plan.items if number and i.number == number), None)
        return self.under("plan", "item", parent.position) if parent else None

    def deadline(self, node: URIRef, deadline: Deadline | None) -> None:
        if deadline is None:
            return
        self.add(node, SHNOR.deadlineText, Literal(deadline.text))
        for k, (begin, end) in enumerate(deadline.intervals, 1):
            interval = URIRef(f"{node}/deadline/{k}")
            self.add(node, SHNOR.deadline, interval)
            self.add(interval, RDF.type, TIME.ProperInterval)
            self.instant(interval, TIME.hasBeginning, "start", begin)
            self.instant(interval, TIME.hasEnd, "end", end)
        for qualifier in deadline.qualifiers:
            self.add(node, SHNOR.deadlineQualifier, SHNOR[qualifier])

    def instant(self, interval: URIRef, prop: URIRef, name: str, day: date) -> None:
        instant = URIRef(f"{interval}/{name}")
        self.add(interval, prop, instant)
        self.add(instant, RDF.type, TIME.Instant)
        self.add(instant, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date))

    # -- clauses, roles, links ---------------------------------------------------------------------------

    def clauses(self) -> None:
        for k, clause in enumerate(self.act.clauses, 1):
            node = self.under("clause", k)
            self.add(self.order, SHNOR.clause, node)
            self.add(node, RDF.type, SHNOR.Clause)
            self.add(node, RDF.type, ELI.LegalResourceSubdivision)
            self.add(node, SHNOR.number, Literal(clause.number))
            self.add(node, DCTERMS.description, Literal(clause.text))
            self.deadline(node, self.facts.clause_deadlines.get(clause.number))
            self.span(node, clause.span)

    def roles(self) -> None:
        for k, role in enumerate(self.facts.roles, 1):
            node = self.under("role", k)
            for t in (SHNOR.RoleAssignment, ORG.Membership):
                self.add(node, RDF.type, t)
            self.add(node, ORG.member, self.person_iri(role.person))
            self.add(node, ORG.organization, self.org_iri(role.org))
            self.add(node, ORG.role, SHNOR[role.role])
            self.add(node, SHNOR.assignedBy, self.order)
            self.span(node, role.span)

    def links(self) -> None:
        for ref, _span in self.facts.operators:
            self.add(self.org_iri(ref), SHNOR.operatorFor, self.order)
        for k, link in enumerate(self.facts.mentorships, 1):
            node = self.under("mentorship", k)
            mentor, mentee = self.org_iri(link.mentor), self.org_iri(link.mentee)
            self.add(node, RDF.type, SHNOR.MentorshipLink)
            self.add(node, SHNOR.mentor, mentor)
            self.add(node, SHNOR.mentee, mentee)
            self.add(node, SHNOR.establishedBy, self.order)
            self.add(mentor, SHNOR.mentors, mentee)
            self.span(node, link.span)


def _org_types(ref: OrgRef) -> list[URIRef]:
    if ref.collective:
        return [SHNOR.CollectiveResponsible]
    types = [SHNOR.Organization, ORG.FormalOrganization]
    return types + ([SHNOR.School, SCHEMA.School] if ref.is_school else [])


def _regional(ref: OrgRef) -> bool:
    """A body of the region, not of the municipality (a ministry "… области", a regional institute)."""
    label = " ".join([ref.pref_label, *ref.alt_labels]).lower()
    return ref.org_type == "regionalInstitute" or any(w in label for w in ("област", "края", "республик"))
