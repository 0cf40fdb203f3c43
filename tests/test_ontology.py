"""The ontology and its SKOS schemes: the public contract, the closed namespace, the theme mapping.

The expectations below were written by reading ``ontology-contract.md`` and the two sample acts in
``examples/``; they are copied here as literals so that the suite does not depend on files
outside the repository.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from shnor_kg.ontology import ELI, OA, ORG, PPLAN, PREFIXES, SCHEMA, SHNOR, SHNOR_NS, ontology_files
from shnor_kg.ontology.vocabulary import (
    heading_keywords,
    load_vocabulary,
    normalise_heading,
    pref_label,
    qualifier_phrases,
    themes_for_heading,
)

ONTOLOGY = URIRef("https://w3id.org/shnor/ontology")

# --- the contract, as written in ontology-contract.md ------------------------------------------

CONTRACT_CLASSES = {
    "SourceDocument", "Order", "Plan", "PlanSection", "PlanItem", "Organization", "School",
    "CollectiveResponsible", "Person", "RoleAssignment", "MentorshipLink", "Municipality", "Region",
}
# literal-valued properties of the contract (hashes, texts, numbers, years, codes)
CONTRACT_DATATYPE_PROPERTIES = {
    "sha256", "text", "year", "number", "position", "deadlineText", "expectedResult", "line",
    "initials", "isoCode",
}
# resource-valued properties of the contract
CONTRACT_OBJECT_PROPERTIES = {
    "documentType", "issuedBy", "signedBy", "approves", "municipality", "targetSchool", "inPlan",
    "inSection", "parentItem", "deadline", "responsible", "theme", "concerns", "sourceSpan",
    "orgType", "assignedBy", "mentor", "mentee", "establishedBy", "mentors", "operatorFor", "region",
}
CONTRACT_SCHEMES = {
    "DocumentTypes": {"prikaz", "rasporyazhenie", "postanovlenie", "otherDocument"},
    "OrgTypes": {"school", "educationAuthority", "methodologicalCentre", "supportCentre",
                 "regionalInstitute", "administration", "otherOrganization"},
    "Roles": {"director", "actingDirector", "head", "deputyHead", "departmentHead",
              "municipalCoordinator", "signatory", "approver", "executionController", "contactPerson"},
}
# the super-classes and super-properties that the contract names (sub, relation, super)
CONTRACT_SUPERS = [
    (SHNOR.SourceDocument, RDFS.subClassOf, PROV.Entity),
    (SHNOR.Order, RDFS.subClassOf, ELI.LegalResource),
    (SHNOR.Plan, RDFS.subClassOf, PPLAN.Plan),
    (SHNOR.PlanItem, RDFS.subClassOf, PPLAN.Step),
    (SHNOR.Organization, RDFS.subClassOf, ORG.FormalOrganization),
    (SHNOR.School, RDFS.subClassOf, SHNOR.Organization),
    (SHNOR.School, RDFS.subClassOf, SCHEMA.School),
    (SHNOR.Person, RDFS.subClassOf, FOAF.Person),
    (SHNOR.RoleAssignment, RDFS.subClassOf, ORG.Membership),
    (SHNOR.issuedBy, RDFS.subPropertyOf, ELI.passed_by),
    (SHNOR.signedBy, RDFS.subPropertyOf, ELI.passed_by),
    (SHNOR.responsible, RDFS.subPropertyOf, PROV.wasAttributedTo),
]
# external terms that the contract tells the data to use: declared (not copied) in shnor.ttl
CONTRACT_EXTERNAL_TERMS = {
    OWL.Class: [PROV.Entity, ELI.LegalResource, PPLAN.Plan, PPLAN.Step, ORG.FormalOrganization,
                ORG.Membership, SCHEMA.School, FOAF.Person, TIME.ProperInterval, TIME.Instant,
                OA.TextPositionSelector, SKOS.Concept],
    OWL.ObjectProperty: [PROV.wasDerivedFrom, PROV.wasAttributedTo, ELI.passed_by, ELI.based_on,
                         ORG.member, ORG.organization, ORG.role, TIME.hasBeginning, TIME.hasEnd],
    OWL.DatatypeProperty: [ELI.date_document, ELI.number, DCTERMS.title, DCTERMS.format, FOAF.name,
                           FOAF.familyName, FOAF.givenName, TIME.inXSDDate, OA.start, OA.end],
    OWL.AnnotationProperty: [SKOS.prefLabel, SKOS.altLabel],
}
CONTRACT_NAMESPACES = {
    "shnor": "https://w3id.org/shnor/ontology#", "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#", "foaf": "http://xmlns.com/foaf/0.1/",
    "dct": "http://purl.org/dc/terms/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#", "time": "http://www.w3.org/2006/time#",
    "p-plan": "http://purl.org/net/p-plan#", "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
}

# --- names fixed for the other modules (issue 3) -----------------------------------------------

THEMES = {"themeMonitoring", "themeInfrastructure", "themeNetworking", "themeProfessionalDevelopment",
          "themeLeadership", "themeQualityAssessment", "themeFailurePrevention", "themeNormativeBasis"}
DEADLINE_QUALIFIERS = {"asConducted", "byAgreement", "bySeparatePlan", "asInformationArrives",
                       "perWorkPlan", "asNeeded", "weekly", "monthly", "quarterly", "annually"}
RISK_PROFILE_LABELS = {
    "Низкий уровень оснащения школы",
    "Дефицит педагогических кадров",
    "Недостаточная предметная и методическая компетентность педагогических работников",
    "Низкое качество преодоления языковых и культурных барьеров",
    "Низкий уровень вовлеченности родителей",
    "Пониженный уровень качества школьной образовательной и воспитательной среды",
    "Высокая доля обучающихся с рисками учебной неуспешности",
    "Низкий уровень дисциплины в классе",
}

# --- every section heading of both sample plans, as the acts write them, with its theme ---------

SECTION_HEADINGS = [
    # Tula 2024, Annex 1 (7 sections)
    ("Информационное и аналитическое обеспечение проведения мониторингов по вопросам качества "
     "образования", "themeMonitoring"),
    ("Создание условий для выравнивания возможностей доступа обучающихся к современным условиям "
     "обучения и образовательным ресурсам в соответствии с ФГОС ОО", "themeInfrastructure"),
    ("Развитие сетевого взаимодействия и партнерства", "themeNetworking"),
    ("Подготовка, переподготовка и повышение квалификации педагогических и руководящих работников",
     "themeProfessionalDevelopment"),
    ("Формирование в профессиональном педагогическом сообществе культуры лидерства и высоких "
     "достижений", "themeLeadership"),
    ("Создание системы независимой оценки работы учреждений и участников образовательного процесса",
     "themeQualityAssessment"),
    ("Профилактика школьной неуспешности", "themeFailurePrevention"),
    # Kostroma 2023, Annex 1 (6 sections)
    ("Нормативно-правовое, программное обеспечение ", "themeNormativeBasis"),
    ("Создание современной инфраструктуры", "themeInfrastructure"),
    ("Создание единой системы управления качеством образования", "themeQualityAssessment"),
    ("Повышение профессиональной компетентности педагогических работников (профессиональное "
     "развитие педагогов)", "themeProfessionalDevelopment"),
    ("Организация сетевого взаимодействия и партнерства", "themeNetworking"),
    ("Распространение позитивных педагогических и управленческих практик.", "themeLeadership"),
]

# deadlines of the sample plans that carry qualifiers, with the qualifiers they carry
QUALIFIED_DEADLINES = [
    ("В течение 2024 г. (по мере проведения)", {"asConducted"}),
    ("В течение 2024 г. (по отдельному плану)", {"bySeparatePlan"}),
    ("В течение 2024 г. (по мере поступления информации о мероприятиях)", {"asInformationArrives"}),
    ("В течение 2024 г. (по плану работы ГОУ ДПО ТО «ИПК и ППРО ТО», по мере поступления информации)",
     {"perWorkPlan", "asInformationArrives"}),
    ("В течение 2024 г. (по плану работы ГОУ ДПО ТО «ИПК и ППРО ТО»)", {"perWorkPlan"}),
    ("В течение 2024г. (по согласованию)", {"byAgreement"}),
    ("Май, декабрь 2024 г.", set()),
]

# kinds of declaration: a term has exactly one of these types
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
         SKOS.Concept, SKOS.ConceptScheme, OWL.Ontology)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return load_vocabulary()


def shnor_terms(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if str(s).startswith(SHNOR_NS)}


def local(term: URIRef) -> str:
    return str(term)[len(SHNOR_NS):]


def lang_values(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for value in graph.objects(subject, predicate):
        assert isinstance(value, Literal), (subject, predicate, value)
        values[value.language or ""].append(str(value))
    return values


# --- parsing and the closed namespace ----------------------------------------------------------


def test_every_vocabulary_file_parses_and_has_no_blank_node():
    names = [f.name for f in ontology_files()]
    assert "shnor.ttl" in names and len([n for n in names if n.startswith("schemes-")]) == 7
    for resource in ontology_files():
        graph = Graph().parse(data=resource.read_text("utf-8"), format="turtle")
        assert len(graph) > 20, resource.name
        assert not [t for t in graph if any(isinstance(x, BNode) for x in t)], resource.name


def test_closed_namespace_equals_the_declared_terms(vocab):
    declared = set().union(*(shnor_terms(vocab, kind) for kind in KINDS))
    assert set(dir(SHNOR)) == declared


def test_the_namespace_is_closed():
    with pytest.raises(AttributeError):
        SHNOR.Organisation  # noqa: B018 (the British spelling is not a term)


def test_every_shnor_iri_in_the_vocabulary_is_declared(vocab):
    used = {x for triple in vocab for x in triple if isinstance(x, URIRef) and str(x).startswith(SHNOR_NS)}
    assert used <= set(dir(SHNOR)), sorted(used - set(dir(SHNOR)))


def test_no_term_is_declared_twice_with_different_kinds(vocab):
    kinds: dict[URIRef, set[URIRef]] = defaultdict(set)
    for kind in KINDS:
        for subject in vocab.subjects(RDF.type, kind):
            kinds[subject].add(kind)
    assert kinds and not {s: k for s, k in kinds.items() if len(k) > 1}


# --- the contract ------------------------------------------------------------------------------


def test_contract_classes_and_properties_exist_with_their_kind(vocab):
    assert {local(t) for t in shnor_terms(vocab, OWL.Class)} >= CONTRACT_CLASSES
    assert {local(t) for t in shnor_terms(vocab, OWL.DatatypeProperty)} >= CONTRACT_DATATYPE_PROPERTIES
    assert {local(t) for t in shnor_terms(vocab, OWL.ObjectProperty)} >= CONTRACT_OBJECT_PROPERTIES


def test_contract_schemes_and_concepts_exist(vocab):
    for scheme, concepts in CONTRACT_SCHEMES.items():
        assert (SHNOR[scheme], RDF.type, SKOS.ConceptScheme) in vocab
        assert {local(c) for c in vocab.subjects(SKOS.inScheme, SHNOR[scheme])} == concepts
    assert (SHNOR.Themes, RDF.type, SKOS.ConceptScheme) in vocab


def test_contract_super_classes_and_super_properties(vocab):
    missing = [triple for triple in CONTRACT_SUPERS if triple not in vocab]
    assert not missing


def test_external_terms_of_the_contract_are_declared_not_copied(vocab):
    for kind, terms in CONTRACT_EXTERNAL_TERMS.items():
        for term in terms:
            assert (term, RDF.type, kind) in vocab, term
            assert vocab.value(term, RDFS.isDefinedBy) is not None, term
            # a declaration, not a copy: no comment, no domain or range of theirs
            assert not set(vocab.objects(term, RDFS.comment)) and vocab.value(term, RDFS.range) is None, term


def test_prefix_table_holds_the_contract_namespaces():
    assert {p: PREFIXES[p] for p in CONTRACT_NAMESPACES} == CONTRACT_NAMESPACES


def test_ontology_header(vocab):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in vocab
    version = str(vocab.value(ONTOLOGY, OWL.versionInfo))
    assert vocab.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"https://w3id.org/shnor/ontology/{version}")
    assert vocab.value(ONTOLOGY, DCTERMS.license) == URIRef("https://spdx.org/licenses/MIT")
    assert "shnor-kg" in str(vocab.value(ONTOLOGY, DCTERMS.creator))
    for predicate in (RDFS.label, RDFS.comment, SKOS.changeNote):
        values = lang_values(vocab, ONTOLOGY, predicate)
        assert set(values) == {"ru", "en"}, predicate
    assert all(note.startswith(version) for notes in lang_values(vocab, ONTOLOGY, SKOS.changeNote).values()
               for note in notes)


# --- documentation of every term ---------------------------------------------------------------


def test_every_class_and_property_has_both_labels_and_comments(vocab):
    terms = set().union(*(shnor_terms(vocab, k) for k in KINDS[:4]))
    assert len(terms) >= len(CONTRACT_CLASSES | CONTRACT_DATATYPE_PROPERTIES | CONTRACT_OBJECT_PROPERTIES)
    for term in terms:
        for predicate in (RDFS.label, RDFS.comment):
            values = lang_values(vocab, term, predicate)
            assert sorted(values) == ["en", "ru"] and all(len(v) == 1 for v in values.values()), (term, predicate)
        assert vocab.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_domains_and_ranges_name_declared_classes_or_datatypes(vocab):
    classes = set(vocab.subjects(RDF.type, OWL.Class))
    datatypes = {XSD.string, XSD.integer, XSD.decimal, XSD.gYear, RDFS.Literal}
    targets = (RDFS.domain, RDFS.range, SCHEMA.domainIncludes, SCHEMA.rangeIncludes)
    for term in shnor_terms(vocab, OWL.ObjectProperty) | shnor_terms(vocab, OWL.DatatypeProperty):
        for predicate in targets:
            for value in vocab.objects(term, predicate):
                assert value in classes or value in datatypes, (term, predicate, value)
    for term in shnor_terms(vocab, OWL.DatatypeProperty):
        assert vocab.value(term, RDFS.range) in datatypes, term
    for term in shnor_terms(vocab, OWL.ObjectProperty):
        assert vocab.value(term, RDFS.range) in classes or vocab.value(term, SCHEMA.rangeIncludes), term


def test_every_super_class_is_declared(vocab):
    classes = set(vocab.subjects(RDF.type, OWL.Class))
    properties = set(vocab.subjects(RDF.type, OWL.ObjectProperty)) | set(vocab.subjects(RDF.type, OWL.DatatypeProperty))
    assert all(o in classes for o in vocab.objects(None, RDFS.subClassOf))
    assert all(o in properties for o in vocab.objects(None, RDFS.subPropertyOf))


# --- SKOS schemes ------------------------------------------------------------------------------


def test_every_concept_is_in_exactly_one_scheme_and_fully_labelled(vocab):
    schemes = shnor_terms(vocab, SKOS.ConceptScheme)
    concepts = shnor_terms(vocab, SKOS.Concept)
    assert len(schemes) == 7 and len(concepts) > 40
    for concept in concepts:
        in_schemes = set(vocab.objects(concept, SKOS.inScheme))
        assert len(in_schemes) == 1 and in_schemes <= schemes, concept
        (scheme,) = in_schemes
        assert set(vocab.objects(concept, SKOS.topConceptOf)) == {scheme}, concept
        assert (scheme, SKOS.hasTopConcept, concept) in vocab, concept
        for predicate in (SKOS.prefLabel, SKOS.definition):
            values = lang_values(vocab, concept, predicate)
            assert sorted(values) == ["en", "ru"] and all(len(v) == 1 for v in values.values()), (concept, predicate)
        assert len(list(vocab.objects(concept, SKOS.notation))) == 1, concept


def test_every_scheme_is_labelled_and_its_top_concepts_are_its_own(vocab):
    for scheme in shnor_terms(vocab, SKOS.ConceptScheme):
        for predicate in (SKOS.prefLabel, SKOS.definition):
            assert sorted(lang_values(vocab, scheme, predicate)) == ["en", "ru"], (scheme, predicate)
        tops = set(vocab.objects(scheme, SKOS.hasTopConcept))
        assert tops and tops == set(vocab.subjects(SKOS.inScheme, scheme)), scheme
        notations = [str(vocab.value(c, SKOS.notation)) for c in tops]
        assert len(notations) == len(set(notations)), scheme


def test_fixed_concept_names_of_themes_qualifiers_and_risks(vocab):
    assert {local(c) for c in vocab.subjects(SKOS.inScheme, SHNOR.Themes)} == THEMES
    assert {local(c) for c in vocab.subjects(SKOS.inScheme, SHNOR.DeadlineQualifiers)} == DEADLINE_QUALIFIERS
    risks = list(vocab.subjects(SKOS.inScheme, SHNOR.RiskProfiles))
    assert all(local(r).startswith("risk") for r in risks)
    assert RISK_PROFILE_LABELS <= {pref_label(r, "ru") for r in risks}


def test_roles_are_org_roles(vocab):
    for role in vocab.subjects(SKOS.inScheme, SHNOR.Roles):
        assert (role, RDF.type, ORG.Role) in vocab, role


def test_pref_label_reads_the_vocabulary():
    assert pref_label(SHNOR.prikaz, "ru") == "приказ"
    assert pref_label(SHNOR.themeNetworking, "en") == "networking and partnership"
    assert pref_label(SHNOR.prikaz, "de") is None


# --- the theme mapping of section headings -----------------------------------------------------


def test_keywords_are_lower_case_stems_written_with_e(vocab):
    keywords = heading_keywords()
    assert set(keywords) == {SHNOR[t] for t in THEMES}
    for words in keywords.values():
        assert words and all(w == normalise_heading(w) and w.strip() == w for w in words), words


@pytest.mark.parametrize(("heading", "theme"), SECTION_HEADINGS, ids=[f"tula-{i + 1}" if i < 7 else f"kostroma-{i - 6}" for i in range(len(SECTION_HEADINGS))])
def test_each_sample_section_heading_maps_to_exactly_one_theme(heading, theme):
    assert themes_for_heading(heading) == [SHNOR[theme]]


def test_sample_plans_have_thirteen_sections_covering_every_theme():
    assert len(SECTION_HEADINGS) == 13
    assert {theme for _, theme in SECTION_HEADINGS} == THEMES


def test_heading_matching_ignores_case_yo_and_spacing():
    assert themes_for_heading("РАЗВИТИЕ  СЕТЕВОГО взаимодействия и ПАРТНЁРСТВА") == [SHNOR.themeNetworking]
    assert themes_for_heading("Разное") == []


# --- deadline qualifiers -----------------------------------------------------------------------


def test_every_qualifier_has_one_lower_case_phrase(vocab):
    for concept in vocab.subjects(SKOS.inScheme, SHNOR.DeadlineQualifiers):
        phrases = [str(p) for p in vocab.objects(concept, SHNOR.qualifierPhrase)]
        assert len(phrases) == 1 and phrases[0] == normalise_heading(phrases[0]), concept
    assert (SHNOR.deadlineQualifier, RDFS.range, SKOS.Concept) in vocab


@pytest.mark.parametrize(("deadline", "expected"), QUALIFIED_DEADLINES)
def test_qualifier_phrases_find_the_qualifiers_of_the_sample_deadlines(deadline, expected):
    text = normalise_heading(deadline)
    found = {local(concept) for phrase, concept in qualifier_phrases().items() if phrase in text}
    assert found == expected
