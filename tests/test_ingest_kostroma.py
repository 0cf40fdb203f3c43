"""Golden test: the Kostroma directive, every fact read from examples/kostroma-2023-rasporyazhenie.txt."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, RDF, SKOS, XSD

from shnor_kg.ontology import ELI, SHNOR

from .conftest import KOSTROMA
from .ingest_helpers import check_items, ingest, intervals, items, labels, norm, one, query, roles, span_text, strings, title
from .test_structure import expected_items

BASE = "https://w3id.org/shnor/id/"
KOMITET = "Комитет образования, культуры, спорта и работы с молодёжью Администрации города Костромы"
UO = "Управление образования Комитета образования, культуры, спорта и работы с молодёжью Администрации города Костромы"
GCOKO = "Муниципальное бюджетное учреждение города Костромы «Городской центр обеспечения качества образования»"
SCHOOL = "Муниципальное бюджетное общеобразовательное учреждение города Костромы "


@pytest.fixture(scope="module")
def kostroma():
    result, g = ingest(KOSTROMA)
    return result, g, URIRef(result.act_iri)


def by_label(g, label):
    found = [s for s in set(g.subjects(SKOS.prefLabel, None)) if norm(label) in labels(g, s)]
    assert len(found) == 1, (label, found)
    return found[0]


def by_number(g):
    return {str(one(g, s, SHNOR.number)): s for s in items(g).values() if list(g.objects(s, SHNOR.number))}


def test_order_without_date_or_number(kostroma):
    result, g, act = kostroma
    assert act.startswith(BASE + "act/ru-kos-kostroma/2023/rasporyazhenie-") and len(str(act).rsplit("-", 1)[1]) == 8
    assert result.doc_id == str(act)[len(BASE + "act/"):].replace("/", "-")
    assert one(g, act, SHNOR.documentType) == SHNOR.rasporyazhenie
    assert one(g, act, SHNOR.year) == Literal("2023", datatype=XSD.gYear)
    assert list(g.objects(act, ELI.date_document)) == [] and list(g.objects(act, ELI.number)) == []
    assert title(g, act) == ("Об утверждении муниципального плана мероприятий, направленных на повышение качества образования в "
                             "школах с низкими результатами обучения и в школах, функционирующих в неблагоприятных условиях, на 2023 год")
    assert one(g, act, SHNOR.issuedBy) == by_label(g, KOMITET)
    assert one(g, one(g, act, SHNOR.municipality), SKOS.prefLabel) == Literal("город Кострома", lang="ru")
    assert str(one(g, one(g, one(g, act, SHNOR.municipality), SHNOR.region), SHNOR.isoCode)) == "RU-KOS"


def test_signatory(kostroma):
    _, g, act = kostroma
    signer = one(g, act, SHNOR.signedBy)
    assert signer == URIRef(BASE + "person/ru-kos-kostroma/silakova-i-v")
    assert str(one(g, signer, FOAF.name)) == "Силакова И.В."


def test_basis_is_the_committee_regulation(kostroma):
    _, g, act = kostroma
    stub = one(g, act, ELI.based_on)
    assert stub == URIRef(BASE + "act/ru-kos-kostroma/2012/otherDocument-2366")
    assert (one(g, stub, SHNOR.documentType), str(one(g, stub, ELI.date_document)), str(one(g, stub, ELI.number))) == (
        SHNOR.otherDocument, "2012-11-09", "2366")
    assert title(g, stub) == "Положение о Комитете образования, культуры, спорта и работы с молодежью Администрации города Костромы"
    assert list(g.objects(stub, SHNOR.issuedBy)) == []  # the citation names no issuer


def test_plan_sections_and_items(kostroma):
    _, g, act = kostroma
    plan = one(g, act, SHNOR.approves)
    assert one(g, plan, SHNOR.year) == Literal("2023", datatype=XSD.gYear)
    rows = query(g, "SELECT ?n ?theme WHERE { ?s a shnor:PlanSection ; shnor:number ?n ; shnor:theme ?theme } ORDER BY ?n")
    assert [(str(n), str(t).split("#")[1]) for n, t in rows] == [
        ("1", "themeNormativeBasis"), ("2", "themeInfrastructure"), ("3", "themeQualityAssessment"),
        ("4", "themeProfessionalDevelopment"), ("5", "themeNetworking"), ("6", "themeLeadership")]
    rows = expected_items("kostroma_items.tsv")
    check_items(g, rows)
    positions = items(g)
    for row in rows:
        results = strings(g, positions[int(row["position"])], SHNOR.expectedResult)
        assert (len(results), all(r.startswith(row["result"]) for r in results)) == ((1, True) if row["result"] else (0, True)), row


def test_sub_items_and_the_empty_item(kostroma):
    _, g, _ = kostroma
    numbers = by_number(g)
    for k in range(1, 5):
        sub = numbers[f"5.1.{k}"]
        assert one(g, sub, SHNOR.parentItem) == numbers["5.1"]
        assert [list(g.objects(sub, p)) for p in (SHNOR.responsible, SHNOR.deadlineText, SHNOR.deadline)] == [[], [], []]
    assert list(g.objects(numbers["5.1"], SHNOR.parentItem)) == []
    empty = numbers["6.1"]
    for prop in (SHNOR.responsible, SHNOR.deadlineText, SHNOR.deadline, SHNOR.deadlineQualifier, SHNOR.parentItem):
        assert list(g.objects(empty, prop)) == [], prop
    assert len(set(g.objects(numbers["2.2"], SHNOR.responsible))) == 2
    assert len(set(g.objects(numbers["5.1"], SHNOR.responsible))) == 3


def test_deadlines_take_the_plan_year(kostroma):
    _, g, _ = kostroma
    numbers = by_number(g)
    assert intervals(g, numbers["1.1"]) == [("2023-03-01", "2023-03-31")]
    assert intervals(g, numbers["3.1"]) == [("2023-10-01", "2023-10-31")]
    assert intervals(g, numbers["2.1"]) == [("2023-01-01", "2023-12-31")]
    assert str(one(g, numbers["2.1"], SHNOR.deadlineText)) == "В течение   года"


def test_target_schools_directors_and_concerns(kostroma):
    _, g, act = kostroma
    names = ["«Средняя общеобразовательная школа № 7»", "«Средняя общеобразовательная школа № 10»",
             "«Средняя общеобразовательная школа № 11»",
             "«Основная общеобразовательная школа № 19 имени выдающегося земляка Героя Советского Союза Ю.С. Беленогова»",
             "«Средняя общеобразовательная школа № 37 имени выдающегося земляка Тартышева Андрея Михайловича»"]
    schools = [by_label(g, SCHOOL + n) for n in names]
    assert set(g.objects(act, SHNOR.targetSchool)) == set(schools)
    assert all({SHNOR.School, SHNOR.Organization} <= set(g.objects(s, RDF.type)) for s in schools)
    assert set(g.objects(by_number(g)["2.1"], SHNOR.concerns)) == set(schools)
    directors = {(p, org) for p, role, org in roles(g) if role == "director" and org.startswith(SCHOOL)}
    assert directors == {("Рыжова Н.Ю.", SCHOOL + names[0]), ("Бутенина Е.В.", SCHOOL + names[1]), ("Шукаева О.Н.", SCHOOL + names[2]),
                         ("Караваева О.А.", SCHOOL + names[3]), ("Поляков А.В.", SCHOOL + names[4])}
    people = {str(one(g, p, FOAF.name)) for p in g.subjects(RDF.type, SHNOR.Person)}
    assert not {n for n in people if "Беленогов" in n or "Тартышев" in n}


def test_abbreviation_list_joins_the_quality_centre(kostroma):
    _, g, _ = kostroma
    centre = by_label(g, "МБУ ГЦОКО")
    assert centre == by_label(g, "Городской центр обеспечения качества образования")
    assert one(g, centre, SKOS.prefLabel) == Literal(GCOKO, lang="ru")
    assert one(g, centre, SHNOR.orgType) == SHNOR.methodologicalCentre
    assert Literal("МБУ ГЦОКО", lang="ru") in set(g.objects(centre, SKOS.altLabel))


def test_collectives(kostroma):
    _, g, _ = kostroma
    rows = query(g, "SELECT ?l WHERE { ?c a shnor:CollectiveResponsible ; skos:prefLabel ?l }")
    assert sorted(str(r[0]) for r in rows) == ["Муниципальный координатор регионального проекта", "Общеобразовательные организации",
                                                "Руководители МО", "Руководители ОУ", "Руководитель ОУ"]
    for c in g.subjects(RDF.type, SHNOR.CollectiveResponsible):
        assert str(c).startswith(BASE + "collective/ru-kos-kostroma/") and SHNOR.Organization not in set(g.objects(c, RDF.type))


def test_roles_sign_off_and_contact(kostroma):
    _, g, _ = kostroma
    assert roles(g) - {r for r in roles(g) if r[1] == "director" and r[2].startswith(SCHOOL)} == {
        ("Силакова И.В.", "signatory", KOMITET),
        ("Силакова И.В.", "head", KOMITET),
        ("Силакова И.В.", "deputyHead", "АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ"),
        ("Скачкова Т.Н.", "executionController", KOMITET),
        ("Скачкова Т.Н.", "head", UO),
        ("Скачкова Т.Н.", "approver", UO),
        ("Шпигарева Т.С.", "approver", UO),
        ("Шпигарева Т.С.", "departmentHead", UO),
        ("Исмагилова С.Е.", "approver", GCOKO),
        ("Исмагилова С.Е.", "director", GCOKO),
        ("Бучина Ольга Борисовна", "contactPerson", KOMITET),
    }
    lines = {(str(one(g, one(g, n, URIRef("http://www.w3.org/ns/org#member")), FOAF.name)),
              str(one(g, n, URIRef("http://www.w3.org/ns/org#role"))).split("#")[1]): span_text(g, n)[1]
             for n in g.subjects(RDF.type, SHNOR.RoleAssignment)}
    assert (lines[("Скачкова Т.Н.", "executionController")], lines[("Скачкова Т.Н.", "approver")],
            lines[("Исмагилова С.Е.", "approver")], lines[("Бучина Ольга Борисовна", "contactPerson")]) == (18, 25, 42, 52)


def test_no_mentorship_and_no_operator_invented(kostroma):
    result, g, _ = kostroma
    assert list(g.subjects(RDF.type, SHNOR.MentorshipLink)) == []
    assert list(g.triples((None, SHNOR.mentors, None))) == []
    assert list(g.triples((None, SHNOR.operatorFor, None))) == []


def test_clauses(kostroma):
    _, g, act = kostroma
    rows = query(g, "SELECT ?n WHERE { ?o shnor:clause ?c . ?c shnor:number ?n } ORDER BY ?n")
    assert [str(r[0]) for r in rows] == ["1", "2", "3", "4"]
    assert list(g.triples((None, SHNOR.deadlineText, None))) and not list(g.objects(URIRef(str(act) + "/clause/1"), SHNOR.deadlineText))
