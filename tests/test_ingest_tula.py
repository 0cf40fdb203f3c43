"""Golden test: the Tula order, every fact read from examples/tula-2024-prikaz-22-1-osn.txt."""

from __future__ import annotations

import hashlib

from shnor_kg.ingest.blocks import typographic
from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from shnor_kg.ontology import ELI, SHNOR

from .conftest import TULA
from .ingest_helpers import (check_items, ingest, intervals, items, labels, local, no_html, norm, one, query, roles,
                             span_text, strings, title)
from .test_structure import expected_items

BASE = "https://w3id.org/shnor/id/"
ACT = URIRef(BASE + "act/ru-tul-tula/2024/prikaz-22-1-osn")
UO = URIRef(BASE + "org/ru-tul-tula/upravlenie-obrazovaniya-administracii-goroda-tuly")


@pytest.fixture(scope="module")
def tula():
    return ingest(TULA)


def org_labelled(graph, label):
    found = [s for s in graph.subjects(RDF.type, SHNOR.Organization) if norm(label) in labels(graph, s)]
    assert len(found) == 1, (label, found)
    return found[0]


def test_document_id_and_source(tula):
    result, g = tula
    assert result.doc_id == "ru-tul-tula-2024-prikaz-22-1-osn" and result.act_iri == str(ACT)
    data = TULA.read_bytes()
    source = URIRef(BASE + "source/" + hashlib.sha256(data).hexdigest())
    assert one(g, ACT, PROV.wasDerivedFrom) == source
    assert set(g.objects(source, RDF.type)) == {SHNOR.SourceDocument, PROV.Entity}
    assert (str(one(g, source, DCTERMS.title)), str(one(g, source, DCTERMS.format))) == (TULA.name, "text/plain")
    assert str(one(g, source, SHNOR.sha256)) == hashlib.sha256(data).hexdigest()
    assert str(one(g, source, SHNOR.text)) == typographic(data.decode("utf-8"))


def test_order_header(tula):
    _, g = tula
    assert set(g.objects(ACT, RDF.type)) == {SHNOR.Order, ELI.LegalResource}
    assert one(g, ACT, SHNOR.documentType) == SHNOR.prikaz
    assert one(g, ACT, ELI.date_document) == Literal(date(2024, 2, 13))
    assert one(g, ACT, SHNOR.year) == Literal("2024", datatype=XSD.gYear)
    assert one(g, ACT, ELI.number) == Literal("22/1-осн")
    assert title(g, ACT) == ("Об утверждении плана мероприятий (План-график), направленных на повышение качества образования "
                             "школ с низкими образовательными результатами и (или) школ, функционирующих в неблагоприятных "
                             "социальных условиях, на 2024 год")
    assert one(g, ACT, SHNOR.issuedBy) == UO
    assert one(g, UO, SKOS.prefLabel) == Literal("Управление образования администрации города Тулы", lang="ru")
    assert one(g, UO, SHNOR.orgType) == SHNOR.educationAuthority
    text, line = span_text(g, ACT)
    assert line == 3 and text.startswith("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ") and text.endswith("на 2024 год")


def test_signatory_and_place(tula):
    _, g = tula
    signer = one(g, ACT, SHNOR.signedBy)
    assert signer == URIRef(BASE + "person/ru-tul-tula/zolotova-t-v")
    assert (str(one(g, signer, FOAF.name)), str(one(g, signer, FOAF.familyName)), str(one(g, signer, SHNOR.initials))) == (
        "Золотова Т.В.", "Золотова", "Т.В.")
    assert set(g.objects(signer, RDF.type)) == {SHNOR.Person, FOAF.Person}
    mun = one(g, ACT, SHNOR.municipality)
    assert mun == URIRef(BASE + "municipality/ru-tul-tula") and one(g, mun, SKOS.prefLabel) == Literal("город Тула", lang="ru")
    region = one(g, mun, SHNOR.region)
    assert region == URIRef(BASE + "region/RU-TUL")
    assert (one(g, region, SKOS.prefLabel), str(one(g, region, SHNOR.isoCode))) == (Literal("Тульская область", lang="ru"), "RU-TUL")


def test_legal_basis_is_a_stub_of_the_regional_order(tula):
    _, g = tula
    stub = one(g, ACT, ELI.based_on)
    assert stub == URIRef(BASE + "act/ministerstvo-obrazovaniya-tulskoy-oblasti/2024/prikaz-180")
    assert set(g.objects(stub, RDF.type)) == {SHNOR.Order, ELI.LegalResource}
    assert (one(g, stub, SHNOR.documentType), one(g, stub, ELI.date_document), str(one(g, stub, ELI.number))) == (
        SHNOR.prikaz, Literal(date(2024, 2, 7)), "180")
    assert title(g, stub).startswith("Об утверждении перечня школ с низкими образовательными результатами")
    ministry = one(g, stub, SHNOR.issuedBy)
    assert one(g, ministry, SKOS.prefLabel) == Literal("Министерство образования Тульской области", lang="ru")
    assert list(g.objects(ministry, SHNOR.municipality)) == []  # a regional body, not the city's
    assert list(g.objects(stub, PROV.wasDerivedFrom)) == [] and list(g.objects(stub, SHNOR.sourceSpan)) == []


def test_plan_and_sections(tula):
    _, g = tula
    plan = one(g, ACT, SHNOR.approves)
    assert plan == URIRef(str(ACT) + "/plan") and one(g, plan, SHNOR.year) == Literal("2024", datatype=XSD.gYear)
    assert title(g, plan).startswith("План-график исполнения мероприятий")
    rows = query(g, "SELECT ?n ?t ?theme WHERE { ?s a shnor:PlanSection ; shnor:number ?n ; dct:title ?t ; shnor:theme ?theme } ORDER BY ?n")
    assert [(str(n), local(th)) for n, _, th in rows] == [
        ("1", "themeMonitoring"), ("2", "themeInfrastructure"), ("3", "themeNetworking"), ("4", "themeProfessionalDevelopment"),
        ("5", "themeLeadership"), ("6", "themeQualityAssessment"), ("7", "themeFailurePrevention")]
    assert str(rows[6][1]) == "Профилактика школьной неуспешности"


def test_every_item_against_the_expected_file(tula):
    _, g = tula
    check_items(g, expected_items("tula_items.tsv"))
    by_position = items(g)
    for position, item in by_position.items():
        assert one(g, item, SHNOR.inPlan) == URIRef(str(ACT) + "/plan")
        assert set(g.objects(item, RDF.type)) >= {SHNOR.PlanItem}
        assert no_html(title(g, item)) and list(g.objects(item, SHNOR.expectedResult)) == []
        assert list(g.objects(item, SHNOR.parentItem)) == []


def test_unnumbered_row_after_6_4_is_its_own_item(tula):
    _, g = tula
    by_position = items(g)
    six_four, unnumbered = by_position[60], by_position[61]
    assert strings(g, six_four, SHNOR.number) == {"6.4"} and strings(g, unnumbered, SHNOR.number) == set()
    assert one(g, unnumbered, SHNOR.inSection) == URIRef(str(ACT) + "/plan/section/6")
    assert title(g, unnumbered).startswith("Анализ динамики показателей") and "Анализ динамики" not in title(g, six_four)
    assert span_text(g, unnumbered)[1] == 118


def test_items_2_6_and_5_2(tula):
    _, g = tula
    by_number = {str(one(g, s, SHNOR.number)): s for s in items(g).values() if list(g.objects(s, SHNOR.number))}
    schools = set(g.objects(by_number["2.6"], SHNOR.responsible))
    assert len(schools) == 2 and all(SHNOR.School in set(g.objects(s, RDF.type)) for s in schools)
    assert title(g, by_number["5.2"]) == (
        "Методическое сопровождение и организация участия педагогических и руководящих работников МБОУ ЦО № 48 в конкурсах "
        "профессионального мастерства: - региональные этапы Всероссийских конкурсов; - региональные конкурсы; - муниципальные "
        "конкурсы («Профессионал», Лидер года в образовании», «Лучший наставник», в профессиональных олимпиадах")


def test_deadlines_become_intervals(tula):
    _, g = tula
    by_number = {str(one(g, s, SHNOR.number)): s for s in items(g).values() if list(g.objects(s, SHNOR.number))}
    assert intervals(g, by_number["1.1"]) == [("2024-01-01", "2024-02-29")]
    assert intervals(g, by_number["1.8"]) == [("2024-05-01", "2024-05-31"), ("2024-12-01", "2024-12-31")]
    assert intervals(g, by_number["1.11"]) == [("2023-06-01", "2023-06-30"), ("2023-12-01", "2023-12-31")]
    assert intervals(g, by_number["2.1"]) == [("2024-01-01", "2024-12-31")]
    assert set(g.objects(by_number["4.7"], SHNOR.deadlineQualifier)) == {SHNOR.perWorkPlan, SHNOR.asInformationArrives}
    assert set(g.objects(by_number["7.5"], SHNOR.deadlineQualifier)) == {SHNOR.byAgreement}
    assert set(g.objects(by_number["1.7"], SHNOR.deadlineQualifier)) == {SHNOR.asConducted}


def test_responsible_organisations_and_concerns(tula):
    _, g = tula
    rows = query(g, "SELECT DISTINCT ?o WHERE { ?i shnor:responsible ?o }")
    assert len(rows) == 5
    cnppm = org_labelled(g, "МКУ «ЦНППМ г. Тулы»")
    assert {"мку «цнппм . тулы»", "мку «цнппм г. тулы"} <= labels(g, cnppm)
    assert one(g, cnppm, SHNOR.orgType) == SHNOR.methodologicalCentre
    by_number = {str(one(g, s, SHNOR.number)): s for s in items(g).values() if list(g.objects(s, SHNOR.number))}
    co48, co42 = org_labelled(g, "МБОУ ЦО № 48"), org_labelled(g, "МБОУ ЦО № 42")
    assert set(g.objects(by_number["3.2"], SHNOR.concerns)) == {co48, co42}
    assert set(g.objects(by_number["1.3"], SHNOR.concerns)) == {co48}
    assert set(g.objects(by_number["2.4"], SHNOR.concerns)) == set()


def test_target_school_mentorship_and_operator(tula):
    result, g = tula
    co48 = org_labelled(g, "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»")
    co42 = org_labelled(g, "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»")
    assert set(g.objects(ACT, SHNOR.targetSchool)) == {co48}
    assert set(g.objects(co48, RDF.type)) >= {SHNOR.School, SHNOR.Organization}
    (link,) = g.subjects(RDF.type, SHNOR.MentorshipLink)
    assert (one(g, link, SHNOR.mentor), one(g, link, SHNOR.mentee), one(g, link, SHNOR.establishedBy)) == (co42, co48, ACT)
    assert span_text(g, link)[1] == 24
    assert (co42, SHNOR.mentors, co48) in result.entities
    operators = set(g.subjects(SHNOR.operatorFor, ACT))
    assert operators == {org_labelled(g, "МКУ «ЦНППМ г. Тулы»")}
    assert (next(iter(operators)), SHNOR.operatorFor, ACT) in result.document


def test_roles(tula):
    _, g = tula
    uo, cnppm = "Управление образования администрации города Тулы", str(one(g, org_labelled(g, "МКУ «ЦНППМ г. Тулы»"), SKOS.prefLabel))
    co48 = "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»"
    co42 = "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»"
    assert roles(g) == {
        ("Пряжина Елена Николаевна", "municipalCoordinator", uo),
        ("Пряжина Елена Николаевна", "departmentHead", uo),
        ("Шагаева В.Е.", "actingDirector", cnppm),
        ("Юдина Ю.И.", "executionController", uo),
        ("Юдина Ю.И.", "deputyHead", uo),
        ("Золотова Т.В.", "signatory", uo),
        ("Золотова Т.В.", "head", uo),
        ("Белова Татьяна Васильевна", "director", co48),
        ("Кубанова Елена Николаевна", "director", co42),
    }
    lines = {local(one(g, n, URIRef("http://www.w3.org/ns/org#role"))): span_text(g, n)[1]
             for n in g.subjects(RDF.type, SHNOR.RoleAssignment)}
    assert (lines["municipalCoordinator"], lines["actingDirector"], lines["executionController"], lines["signatory"]) == (18, 19, 26, 28)
    for node in g.subjects(RDF.type, SHNOR.RoleAssignment):
        assert one(g, node, SHNOR.assignedBy) == ACT


def test_people_are_one_resource_each(tula):
    _, g = tula
    people = {str(one(g, p, FOAF.name)): p for p in g.subjects(RDF.type, SHNOR.Person)}
    assert sorted(people) == ["Белова Татьяна Васильевна", "Золотова Т.В.", "Кубанова Елена Николаевна",
                              "Пряжина Елена Николаевна", "Шагаева В.Е.", "Юдина Ю.И."]
    pryazhina = people["Пряжина Елена Николаевна"]
    assert pryazhina == URIRef(BASE + "person/ru-tul-tula/pryazhina-e-n")
    assert (str(one(g, pryazhina, FOAF.familyName)), str(one(g, pryazhina, FOAF.givenName))) == ("Пряжина", "Елена")


def test_clauses(tula):
    _, g = tula
    rows = query(g, "SELECT ?n ?d WHERE { ?o shnor:clause ?c . ?c shnor:number ?n ; dct:description ?d } ORDER BY ?n")
    assert [str(n) for n, _ in rows] == ["1", "2", "3", "4", "5", "6"]
    clause4 = URIRef(str(ACT) + "/clause/4")
    assert str(one(g, clause4, SHNOR.deadlineText)) == "в срок до 07.03.2024"
    assert intervals(g, clause4) == [("2024-03-07", "2024-03-07")]
    text, line = span_text(g, clause4)
    assert line == 20 and text.startswith("4. Муниципальному координатору") and text.endswith("в срок до 07.03.2024.")


def test_graph_split(tula):
    result, _ = tula
    assert not set(result.document) & set(result.entities)
    for s, _, o in result.entities:
        assert not str(s).startswith(str(ACT)) and not str(o).startswith(str(ACT) + "/")
    assert (UO, SKOS.prefLabel, Literal("Управление образования администрации города Тулы", lang="ru")) in result.entities
    assert not any(True for _ in result.document.triples((UO, SKOS.prefLabel, None)))
    assert all(not isinstance(s, type(None)) and str(s).startswith(BASE) for s in result.document.subjects())
