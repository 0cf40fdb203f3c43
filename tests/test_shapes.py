"""Each shape with one conforming and one failing example, checked by pyshacl and by the SPARQL
fast path, which must report the same results.

The conforming example is ``tests/data/shapes-base.ttl`` (a small hand-written act that satisfies
every shape); each failing example is a small SPARQL Update of it, with the results a reader of
the change expects: (focus, shape, constraint component, severity).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from shnor_kg.ontology import SH
from shnor_kg.shapes import SHS, shapes_graph, validate, validate_sparql
from shnor_kg.shapes.compiler import UnsupportedShape, compile_shapes, default_checks

BASE = Path(__file__).parent / "data" / "shapes-base.ttl"
ID = "https://w3id.org/shnor/id/"
PROLOGUE = """
PREFIX shnor: <https://w3id.org/shnor/ontology#>
PREFIX id: <https://w3id.org/shnor/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

# short names of the base graph's resources
ACT = "act/x/2024/prikaz-1"
SRC = "source/0a1b"
PLAN = f"{ACT}/plan"
SEC = f"{PLAN}/section/1"
ITEM1, ITEM2 = f"{PLAN}/item/1", f"{PLAN}/item/2"
INTERVAL = f"{ITEM1}/deadline/1"
BEGIN, END = f"{INTERVAL}/begin", f"{INTERVAL}/end"
UO, SCHOOL1, SCHOOL2, OU = "org/x/uo", "org/x/school-1", "org/x/school-2", "collective/x/ou"
IVANOVA, PETROV = "person/x/ivanova-a-p", "person/x/petrov-p-p"
ROLE1, ROLE2, LINK = f"{ACT}/role/1", f"{ACT}/role/2", f"{ACT}/mentorship/1"
MUN, REG = "municipality/x", "region/RU-XXX"


SEP = "\n;\n"  # between the parts of one update


def iri(short: str) -> str:
    """A resource of the base graph as an IRI in a SPARQL update."""
    return f"<{ID}{short}>"


@dataclass(frozen=True)
class Case:
    shape: str  # the shape the example fails (local name in shs:)
    update: str  # SPARQL Update applied to the base graph
    expected: tuple  # (focus short name, shape, component local name without suffix, severity letter)

    @property
    def id(self) -> str:
        return self.shape


def c(shape: str, update: str, *expected: tuple) -> Case:
    return Case(shape, update, expected)


def delete(subject: str, predicate: str) -> str:
    return f"DELETE WHERE {{ {iri(subject)} {predicate} ?o }}"


def replace(subject: str, predicate: str, new: str) -> str:
    s = iri(subject)
    return f"DELETE {{ {s} {predicate} ?o }} INSERT {{ {s} {predicate} {new} }} WHERE {{ {s} {predicate} ?o }}"


def insert(triples: str) -> str:
    return f"INSERT DATA {{ {triples} }}"


CASES = [
    # -- source documents and acts ---------------------------------------------------------------
    c("SourceDocument-text", delete(SRC, "shnor:text"), (SRC, "SourceDocument-text", "MinCount", "V")),
    c("SourceDocument-sha256", replace(SRC, "shnor:sha256", '"0A1B"'), (SRC, "SourceDocument-sha256", "Pattern", "V")),
    c("SourceDocument-title", delete(SRC, "dct:title"), (SRC, "SourceDocument-title", "MinCount", "W")),
    c("SourceDocument-format", delete(SRC, "dct:format"), (SRC, "SourceDocument-format", "MinCount", "W")),
    c("Order-documentType", replace(ACT, "shnor:documentType", "shnor:school"), (ACT, "Order-documentType", "Node", "V")),
    c("Order-date", replace(ACT, "eli:date_document", '"13.02.2024"'), (ACT, "Order-date", "Datatype", "V")),
    c("Order-year", replace(ACT, "shnor:year", "2024"), (ACT, "Order-year", "Datatype", "V")),
    c("Order-number", insert(f'{iri(ACT)} eli:number "1-осн" .'), (ACT, "Order-number", "MaxCount", "V")),
    c("Order-title", replace(ACT, "dct:title", iri(PLAN)), (ACT, "Order-title", "NodeKind", "V")),
    c("Order-issuedBy", replace(ACT, "shnor:issuedBy", iri(IVANOVA)), (ACT, "Order-issuedBy", "Class", "V")),
    c("Order-signedBy", replace(ACT, "shnor:signedBy", iri(UO)), (ACT, "Order-signedBy", "Class", "V")),
    c("Order-basedOn", insert(f"{iri(ACT)} eli:based_on {iri(PLAN)} ."), (ACT, "Order-basedOn", "Class", "V")),
    c("Order-approves", insert(f"{iri(ACT)} shnor:approves {iri(SEC)} ."), (ACT, "Order-approves", "Class", "V")),
    c("Order-municipality", replace(ACT, "shnor:municipality", iri(REG)), (ACT, "Order-municipality", "Class", "V")),
    c("Order-targetSchool", insert(f"{iri(ACT)} shnor:targetSchool {iri(UO)} ."), (ACT, "Order-targetSchool", "Class", "V")),
    c("Order-clause", insert(f"{iri(ACT)} shnor:clause {iri(ITEM1)} ."), (ACT, "Order-clause", "Class", "V")),
    c("IngestedOrder-issuer", delete(ACT, "shnor:issuedBy"), (ACT, "IngestedOrder-issuer", "MinCount", "V")),
    c("IngestedOrder-number", delete(ACT, "eli:number"), (ACT, "IngestedOrder-number", "MinCount", "W")),
    c("IngestedOrder-date", delete(ACT, "eli:date_document"), (ACT, "IngestedOrder-date", "MinCount", "W")),
    c("IngestedOrder-year", delete(ACT, "shnor:year"), (ACT, "IngestedOrder-year", "MinCount", "W")),
    c("IngestedOrder-title", delete(ACT, "dct:title"), (ACT, "IngestedOrder-title", "MinCount", "W")),
    c("IngestedOrder-documentType", delete(ACT, "shnor:documentType"), (ACT, "IngestedOrder-documentType", "MinCount", "W")),
    c("IngestedOrder-source", insert(f"{iri(ACT)} prov:wasDerivedFrom {iri(PLAN)} ."),
      (ACT, "IngestedOrder-source", "MaxCount", "V"), (ACT, "IngestedOrder-source", "Class", "V")),
    c("IngestedOrder-span", delete(ACT, "shnor:sourceSpan"), (ACT, "IngestedOrder-span", "MinCount", "V")),
    c("IngestedOrder-municipality", delete(ACT, "shnor:municipality"), (ACT, "IngestedOrder-municipality", "MinCount", "W")),
    # the stub of a cited act has no issuer, date or source: that is not reported
    c("stub-without-issuer", insert(f'{iri("act/x/2012/other-2366")} a shnor:Order ; eli:number "2366" . '
                                    f'{iri(ACT)} eli:based_on {iri("act/x/2012/other-2366")} .')),
    c("Clause-order", f"DELETE WHERE {{ ?a shnor:clause ?cl }}", (f"{ACT}/clause/1", "Clause-order", "MinCount", "V")),
    c("Clause-span", delete(f"{ACT}/clause/1", "shnor:sourceSpan"), (f"{ACT}/clause/1", "Clause-span", "MinCount", "V")),
    c("Clause-number", insert(f'{iri(ACT + "/clause/1")} shnor:number "2" .'), (f"{ACT}/clause/1", "Clause-number", "MaxCount", "V")),
    c("Span-type", delete(f"{ACT}/span", "rdf:type"), (f"{ACT}/span", "Span-type", "HasValue", "V")),
    c("Span-start", replace(f"{ACT}/span", "oa:start", "-1"), (f"{ACT}/span", "Span-start", "MinInclusive", "V")),
    c("Span-end", replace(f"{ACT}/span", "oa:end", '"30"'),
      (f"{ACT}/span", "Span-end", "Or", "V"), (f"{ACT}/span", "Span-end", "MinInclusive", "V"),
      (f"{ACT}/span", "Span-order", "LessThan", "V")),
    c("Span-order", replace(f"{ACT}/span", "oa:start", '"40"^^xsd:nonNegativeInteger'), (f"{ACT}/span", "Span-order", "LessThan", "V")),
    c("Span-line", replace(f"{ACT}/span", "shnor:line", "0"), (f"{ACT}/span", "Span-line", "MinInclusive", "V")),
    # -- plans, sections, items --------------------------------------------------------------------
    c("Plan-approvedBy", delete(ACT, "shnor:approves"), (PLAN, "Plan-approvedBy", "MinCount", "V")),
    c("Plan-title", delete(PLAN, "dct:title"), (PLAN, "Plan-title", "MinCount", "W")),
    c("Plan-yearMissing", delete(PLAN, "shnor:year"), (PLAN, "Plan-yearMissing", "MinCount", "W")),
    c("Plan-year", replace(PLAN, "shnor:year", '"2024"'), (PLAN, "Plan-year", "Datatype", "V")),
    c("PlanSection-plan", delete(SEC, "shnor:inPlan"), (SEC, "PlanSection-plan", "MinCount", "V")),
    c("PlanSection-title", delete(SEC, "dct:title"), (SEC, "PlanSection-title", "MinCount", "W")),
    c("PlanSection-numberMissing", delete(SEC, "shnor:number"), (SEC, "PlanSection-numberMissing", "MinCount", "W")),
    c("PlanSection-number", insert(f'{iri(SEC)} shnor:number "2" .'), (SEC, "PlanSection-number", "MaxCount", "V")),
    c("PlanSection-theme", replace(SEC, "shnor:theme", "shnor:prikaz"), (SEC, "PlanSection-theme", "Node", "V")),
    c("PlanItem-plan", replace(ITEM2, "shnor:inPlan", iri(SEC)), (ITEM2, "PlanItem-plan", "Class", "V")),
    c("PlanItem-title", delete(ITEM1, "dct:title"), (ITEM1, "PlanItem-title", "MinCount", "V")),
    c("PlanItem-title-blank", replace(ITEM1, "dct:title", '"  "'), (ITEM1, "PlanItem-title", "Pattern", "V"),
      (ITEM1, "ItemText-short", "MinLength", "I")),
    c("PlanItem-markup", replace(ITEM1, "dct:title", '"<p>Анализ программы развития</p>"'), (ITEM1, "PlanItem-markup", "Not", "W")),
    c("PlanItem-numberMissing", delete(ITEM2, "shnor:number"), (ITEM2, "PlanItem-numberMissing", "MinCount", "W")),
    c("PlanItem-number", insert(f'{iri(ITEM1)} shnor:number "1.2" .'), (ITEM1, "PlanItem-number", "MaxCount", "V")),
    c("PlanItem-numberForm", replace(ITEM1, "shnor:number", '"1.1."'), (ITEM1, "PlanItem-numberForm", "Pattern", "W")),
    c("PlanItem-position", replace(ITEM1, "shnor:position", '"1"'), (ITEM1, "PlanItem-position", "Datatype", "V"),
      (ITEM1, "PlanItem-position", "MinInclusive", "V")),
    c("PlanItem-sectionMissing", delete(ITEM2, "shnor:inSection"), (ITEM2, "PlanItem-sectionMissing", "MinCount", "W")),
    c("PlanItem-section", replace(ITEM2, "shnor:inSection", iri(PLAN)), (ITEM2, "PlanItem-section", "Class", "V")),
    c("PlanItem-parent", insert(f"{iri(ITEM1)} shnor:parentItem {iri(SEC)} ."), (ITEM1, "PlanItem-parent", "Class", "V")),
    c("PlanItem-responsibleKind", insert(f"{iri(ITEM1)} shnor:responsible {iri(IVANOVA)} ."),
      (ITEM1, "PlanItem-responsibleKind", "Or", "V")),
    # a sub-item inherits its parent's responsible party and deadline: both lose them
    c("PlanItem-responsibleMissing", delete(ITEM1, "shnor:responsible"),
      (ITEM1, "PlanItem-responsibleMissing", "MinCount", "W"), (ITEM2, "PlanItem-responsibleMissing", "MinCount", "W")),
    c("PlanItem-deadlineMissing", delete(ITEM1, "shnor:deadlineText"),
      (ITEM1, "PlanItem-deadlineMissing", "MinCount", "W"), (ITEM2, "PlanItem-deadlineMissing", "MinCount", "W")),
    c("PlanItem-deadlineText", insert(f'{iri(ITEM1)} shnor:deadlineText "Июнь 2024 г." .'), (ITEM1, "PlanItem-deadlineText", "MaxCount", "V")),
    c("PlanItem-concerns", insert(f"{iri(ITEM1)} shnor:concerns {iri(UO)} ."), (ITEM1, "PlanItem-concerns", "Class", "V")),
    c("PlanItem-theme", replace(ITEM1, "shnor:theme", "shnor:director"), (ITEM1, "PlanItem-theme", "Node", "V")),
    c("PlanItem-span", delete(ITEM2, "shnor:sourceSpan"), (ITEM2, "PlanItem-span", "MinCount", "V")),
    c("Deadline-understood", delete(ITEM1, "shnor:deadline"), (ITEM1, "Deadline-understood", "MinCount", "W")),
    c("Deadline-inPlanYear",
      replace(ITEM1, "shnor:deadlineText", '"Май 2023 г."') + SEP
      + replace(BEGIN, "time:inXSDDate", '"2023-05-01"^^xsd:date') + SEP
      + replace(END, "time:inXSDDate", '"2023-05-31"^^xsd:date'),
      (ITEM1, "DeadlineInPlanYearShape", "SPARQL", "W")),
    c("Interval-type", delete(INTERVAL, "rdf:type"), (INTERVAL, "Interval-type", "HasValue", "V")),
    c("Interval-beginning", delete(INTERVAL, "time:hasBeginning"), (INTERVAL, "Interval-beginning", "MinCount", "V")),
    c("Interval-end", insert(f'{iri(INTERVAL)} time:hasEnd {iri(INTERVAL + "/end2")} . '
                             f'{iri(INTERVAL + "/end2")} a time:Instant ; time:inXSDDate "2024-06-30"^^xsd:date .'),
      (INTERVAL, "Interval-end", "MaxCount", "V")),
    c("Interval-order", replace(BEGIN, "time:inXSDDate", '"2024-06-01"^^xsd:date'), (INTERVAL, "IntervalShape", "SPARQL", "V")),
    c("Instant-type", delete(BEGIN, "rdf:type"), (BEGIN, "Instant-type", "HasValue", "V")),
    c("Instant-date", replace(BEGIN, "time:inXSDDate", '"2024-05-01T00:00:00"^^xsd:dateTime'), (BEGIN, "Instant-date", "Datatype", "V")),
    c("ItemText-short", replace(ITEM1, "dct:title", '"Анализ"'), (ITEM1, "ItemText-short", "MinLength", "I")),
    c("ItemText-lowerCase", replace(ITEM1, "dct:title", '"анализ программы развития"'), (ITEM1, "ItemText-lowerCase", "Pattern", "I")),
    c("ItemText-midWord", replace(ITEM1, "dct:title", '"ие и организация методической работы"'),
      (ITEM1, "ItemText-midWord", "Or", "I"), (ITEM1, "ItemText-lowerCase", "Pattern", "I")),
    # a sub-item continues its parent's sentence: lower case there is not suspicious (base: item 2)
    c("subitem-lower-case", replace(ITEM2, "dct:title", '"ие и организация методической работы"')),
    # -- organisations, people, roles, mentorship ---------------------------------------------------
    c("Organization-label", delete(UO, "skos:prefLabel"), (UO, "Organization-label", "MinCount", "V")),
    c("Organization-orgTypeMissing", delete(UO, "shnor:orgType"), (UO, "Organization-orgTypeMissing", "MinCount", "W")),
    c("Organization-orgType", replace(UO, "shnor:orgType", "shnor:director"), (UO, "Organization-orgType", "Node", "V")),
    c("Organization-municipality", replace(UO, "shnor:municipality", iri(REG)), (UO, "Organization-municipality", "Class", "V")),
    c("Organization-operatorFor", replace(UO, "shnor:operatorFor", iri(PLAN)), (UO, "Organization-operatorFor", "Class", "V")),
    c("School-organization", f"DELETE DATA {{ {iri(SCHOOL1)} a shnor:Organization }}", (SCHOOL1, "School-organization", "HasValue", "V")),
    c("School-orgType", replace(SCHOOL1, "shnor:orgType", "shnor:educationAuthority"), (SCHOOL1, "School-orgType", "HasValue", "W")),
    c("School-head", replace(ROLE2, "org:role", "shnor:deputyHead"), (SCHOOL2, "School-head", "QualifiedMinCount", "W")),
    c("CollectiveResponsible-label", delete(OU, "skos:prefLabel"), (OU, "CollectiveResponsible-label", "MinCount", "V")),
    c("CollectiveResponsible-orgTypeMissing", delete(OU, "shnor:orgType"), (OU, "CollectiveResponsible-orgTypeMissing", "MinCount", "W")),
    c("CollectiveResponsible-orgType", insert(f"{iri(OU)} shnor:orgType shnor:administration ."),
      (OU, "CollectiveResponsible-orgType", "MaxCount", "V")),
    c("Person-name", delete(IVANOVA, "foaf:name"), (IVANOVA, "Person-name", "MinCount", "V")),
    c("Person-familyNameMissing", delete(IVANOVA, "foaf:familyName"), (IVANOVA, "Person-familyNameMissing", "MinCount", "W")),
    c("Person-familyName", insert(f'{iri(IVANOVA)} foaf:familyName "Иванов" .'), (IVANOVA, "Person-familyName", "MaxCount", "V")),
    c("Person-givenNameOrInitials", delete(IVANOVA, "foaf:givenName"), (IVANOVA, "Person-givenNameOrInitials", "MinCount", "W")),
    c("RoleAssignment-member", replace(ROLE1, "org:member", iri(UO)), (ROLE1, "RoleAssignment-member", "Class", "V")),
    c("RoleAssignment-organization", insert(f"{iri(ROLE1)} org:organization {iri(UO)} ."),
      (ROLE1, "RoleAssignment-organization", "MaxCount", "V")),
    c("RoleAssignment-role", replace(ROLE1, "org:role", "shnor:school"),
      (ROLE1, "RoleAssignment-role", "Node", "V"), (SCHOOL1, "School-head", "QualifiedMinCount", "W")),
    c("RoleAssignment-assignedBy", delete(ROLE1, "shnor:assignedBy"), (ROLE1, "RoleAssignment-assignedBy", "MinCount", "V")),
    c("RoleAssignment-span", delete(ROLE1, "shnor:sourceSpan"), (ROLE1, "RoleAssignment-span", "MinCount", "V")),
    c("MentorshipLink-mentor", replace(LINK, "shnor:mentor", iri(UO)) + SEP + insert(f"{iri(UO)} shnor:mentors {iri(SCHOOL1)} ."),
      (LINK, "MentorshipLink-mentor", "Class", "V")),
    c("MentorshipLink-mentee", delete(LINK, "shnor:mentee"), (LINK, "MentorshipLink-mentee", "MinCount", "V")),
    c("MentorshipLink-distinct", replace(LINK, "shnor:mentee", iri(SCHOOL2)) + SEP
      + insert(f"{iri(SCHOOL2)} shnor:mentors {iri(SCHOOL2)} ."), (LINK, "MentorshipLink-distinct", "Disjoint", "V")),
    c("MentorshipLink-establishedBy", replace(LINK, "shnor:establishedBy", iri(PLAN)), (LINK, "MentorshipLink-establishedBy", "Class", "V")),
    c("MentorshipLink-direct", delete(SCHOOL2, "shnor:mentors"), (LINK, "MentorshipTripleShape", "SPARQL", "W")),
    # -- places -----------------------------------------------------------------------------------
    c("Municipality-label", delete(MUN, "skos:prefLabel"), (MUN, "Municipality-label", "MinCount", "V")),
    c("Municipality-region", delete(MUN, "shnor:region"), (MUN, "Municipality-region", "MinCount", "V")),
    c("Region-label", delete(REG, "skos:prefLabel"), (REG, "Region-label", "MinCount", "V")),
    c("Region-isoCode", replace(REG, "shnor:isoCode", '"RUS-X1"'), (REG, "Region-isoCode", "Pattern", "V")),
]



@pytest.fixture(scope="module")
def base() -> Graph:
    return Graph().parse(BASE, format="turtle")


def changed(base: Graph, update: str) -> Graph:
    graph = Graph()
    for triple in base:
        graph.add(triple)
    for part in update.split(SEP):
        graph.update(PROLOGUE + part)
    return graph


def summary(report) -> set[tuple]:
    """Results as (focus short name, shape local name, component short name, severity letter)."""
    out = set()
    for r in report.results:
        component = str(r.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        letter = {"Violation": "V", "Warning": "W", "Info": "I"}[r.severity_name]
        out.add((str(r.focus).removeprefix(ID), str(r.source_shape).removeprefix(str(SHS)), component, letter))
    return out


@pytest.mark.parametrize("engine", [validate, validate_sparql], ids=["pyshacl", "sparql"])
def test_the_base_example_conforms_to_every_shape(base, engine):
    report = engine(base)
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_failing_example(base, case):
    graph = changed(base, case.update)
    reference = validate(graph)
    assert summary(reference) == set(case.expected), reference.to_text("en")
    fast = validate_sparql(graph)
    assert fast.keys() == reference.keys()
    assert [r.messages for r in fast.results] == [r.messages for r in reference.results]


def reportable_shapes() -> set[str]:
    """Shapes that produce results: property shapes of targeted node shapes, and targeted node
    shapes with SPARQL constraints."""
    g = shapes_graph()
    targeted = {s for p in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "target") for s in g.subjects(URIRef(SH[p]), None)}
    names = {p for s in targeted for p in g.objects(s, URIRef(SH.property))}
    names |= {s for s in targeted if (s, URIRef(SH.sparql), None) in g}
    return {str(n).removeprefix(str(SHS)) for n in names}


def test_every_shape_has_a_failing_example():
    failing = {shape for case in CASES for (_, shape, _, _) in case.expected}
    assert reportable_shapes() == failing


def test_every_reportable_shape_has_a_severity_and_messages_in_russian_and_english():
    g = shapes_graph()
    for name in reportable_shapes():
        shape = SHS[name]
        assert g.value(shape, URIRef(SH.severity)) in {URIRef(SH.Violation), URIRef(SH.Warning), URIRef(SH.Info)}, name
        carriers = [shape] + list(g.objects(shape, URIRef(SH.sparql)))
        languages = sorted(m.language for carrier in carriers for m in g.objects(carrier, URIRef(SH.message)))
        assert languages == ["en", "ru"], name


def test_every_shape_has_an_iri_and_a_bilingual_label():
    g = shapes_graph()
    for shape in set(g.subjects(RDF.type, URIRef(SH.NodeShape))):
        assert isinstance(shape, URIRef) and str(shape).startswith(str(SHS)), shape
        from rdflib.namespace import RDFS

        assert sorted(l.language for l in g.objects(shape, RDFS.label)) == ["en", "ru"], shape


def test_the_contract_classes_are_all_targeted():
    g = shapes_graph()
    targeted = {str(c).rsplit("#", 1)[-1] for c in g.objects(None, URIRef(SH.targetClass))}
    assert targeted >= {"SourceDocument", "Order", "Plan", "PlanSection", "PlanItem", "Organization", "School",
                        "CollectiveResponsible", "Person", "RoleAssignment", "MentorshipLink", "Municipality", "Region"}
    assert URIRef("https://w3id.org/shnor/ontology#sourceSpan") in set(g.objects(SHS.SpanShape, URIRef(SH.targetObjectsOf)))


def test_every_constraint_of_the_shapes_compiles():
    checks = default_checks()
    assert len(checks) > 100
    assert {str(c.shape).removeprefix(str(SHS)) for c in checks} == reportable_shapes()


@pytest.mark.parametrize("turtle", [
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
], ids=["uniqueLang", "minCount-2", "closed"])
def test_an_unsupported_feature_is_refused_at_compile_time(turtle):
    graph = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> . " + turtle,
                          format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(graph)


def test_paths_are_rewritten_for_oxigraph_with_the_same_meaning():
    from shnor_kg.shapes.compiler import evaluation_path

    g = shapes_graph()
    responsible = g.value(SHS["PlanItem-responsibleMissing"], URIRef(SH.path))
    assert evaluation_path(g, responsible) == (
        "(<https://w3id.org/shnor/ontology#responsible>|"
        "(<https://w3id.org/shnor/ontology#parentItem>+/<https://w3id.org/shnor/ontology#responsible>))")
    head = g.value(SHS["School-head"], URIRef(SH.path))
    assert evaluation_path(g, head) == "(^<http://www.w3.org/ns/org#organization>/<http://www.w3.org/ns/org#role>)"


def test_the_checks_run_as_a_few_grouped_queries():
    from shnor_kg.shapes.compiler import default_plan

    plan = default_plan()
    assert len(plan.queries) < len(plan.checks) / 3
    assert all("?check" in query for query in plan.queries)
