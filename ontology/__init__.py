"""The shnor vocabulary: the closed namespace, the prefix table and the fixed graph IRIs.

Every other module takes vocabulary terms and prefixes from here; nothing else spells them.
"""

from __future__ import annotations

from importlib.resources import files

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/shnor/ontology"
SHNOR_NS = ONTOLOGY_IRI + "#"
DEFAULT_ID_BASE = "https://w3id.org/shnor/id/"
GRAPH_BASE = "https://w3id.org/shnor/graph/"
ENTITIES_GRAPH = URIRef(GRAPH_BASE + "entities")
VOCABULARY_GRAPH = URIRef(GRAPH_BASE + "vocabulary")


class SHNOR(DefinedNamespace):
    """The project's ontology, ``https://w3id.org/shnor/ontology#`` (closed: unknown terms raise)."""

    _NS = Namespace(SHNOR_NS)
    _fail = True

    # Classes
    SourceDocument: URIRef
    Order: URIRef
    Plan: URIRef
    PlanSection: URIRef
    PlanItem: URIRef
    Organization: URIRef
    School: URIRef
    CollectiveResponsible: URIRef
    Person: URIRef
    RoleAssignment: URIRef
    MentorshipLink: URIRef
    Municipality: URIRef
    Region: URIRef
    Clause: URIRef
    CompletenessScore: URIRef

    # Properties
    sha256: URIRef
    text: URIRef
    documentType: URIRef
    year: URIRef
    issuedBy: URIRef
    signedBy: URIRef
    approves: URIRef
    municipality: URIRef
    targetSchool: URIRef
    inPlan: URIRef
    inSection: URIRef
    number: URIRef
    position: URIRef
    parentItem: URIRef
    deadlineText: URIRef
    deadline: URIRef
    responsible: URIRef
    expectedResult: URIRef
    theme: URIRef
    concerns: URIRef
    sourceSpan: URIRef
    line: URIRef
    orgType: URIRef
    initials: URIRef
    assignedBy: URIRef
    mentor: URIRef
    mentee: URIRef
    establishedBy: URIRef
    mentors: URIRef
    operatorFor: URIRef
    region: URIRef
    isoCode: URIRef
    clause: URIRef
    deadlineQualifier: URIRef
    headingKeyword: URIRef
    qualifierPhrase: URIRef
    completenessOf: URIRef
    metric: URIRef
    numerator: URIRef
    denominator: URIRef
    value: URIRef

    # Concept schemes and their concepts
    DocumentTypes: URIRef
    prikaz: URIRef
    rasporyazhenie: URIRef
    postanovlenie: URIRef
    otherDocument: URIRef

    OrgTypes: URIRef
    school: URIRef
    educationAuthority: URIRef
    methodologicalCentre: URIRef
    supportCentre: URIRef
    regionalInstitute: URIRef
    administration: URIRef
    otherOrganization: URIRef

    Roles: URIRef
    director: URIRef
    actingDirector: URIRef
    head: URIRef
    deputyHead: URIRef
    departmentHead: URIRef
    municipalCoordinator: URIRef
    signatory: URIRef
    approver: URIRef
    executionController: URIRef
    contactPerson: URIRef

    Themes: URIRef
    themeMonitoring: URIRef
    themeInfrastructure: URIRef
    themeNetworking: URIRef
    themeProfessionalDevelopment: URIRef
    themeLeadership: URIRef
    themeQualityAssessment: URIRef
    themeFailurePrevention: URIRef
    themeNormativeBasis: URIRef

    DeadlineQualifiers: URIRef
    asConducted: URIRef
    byAgreement: URIRef
    bySeparatePlan: URIRef
    asInformationArrives: URIRef
    perWorkPlan: URIRef
    asNeeded: URIRef
    weekly: URIRef
    monthly: URIRef
    quarterly: URIRef
    annually: URIRef

    RiskProfiles: URIRef
    riskLowEquipment: URIRef
    riskTeacherShortage: URIRef
    riskLowTeacherCompetence: URIRef
    riskLowAdaptivity: URIRef
    riskWeakInSchoolTraining: URIRef
    riskLanguageBarriers: URIRef
    riskLowParentalInvolvement: URIRef
    riskPoorSchoolEnvironment: URIRef
    riskHighFailureShare: URIRef
    riskLowDiscipline: URIRef

    CompletenessMetrics: URIRef
    itemsWithResponsible: URIRef
    itemsWithDeadline: URIRef
    itemsWithParsedDeadline: URIRef
    itemsWithNumber: URIRef
    ordersWithDate: URIRef
    ordersWithNumber: URIRef
    schoolsWithHead: URIRef


ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The prefix table used by queries, exports and pages (defined once, here).
PREFIXES: dict[str, str] = {
    "shnor": SHNOR_NS,
    "eli": str(ELI),
    "org": str(ORG),
    "foaf": str(FOAF),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "time": str(TIME),
    "p-plan": str(PPLAN),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}


def sparql_prologue() -> str:
    """``PREFIX`` lines for every prefix of the table, for queries and the SPARQL editor."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def ontology_files() -> list:
    """The Turtle files of the vocabulary (the ontology and its SKOS schemes), as resources."""
    return sorted((f for f in files(__package__).iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


def bind_prefixes(graph) -> None:
    """Bind the prefix table on an rdflib graph or dataset (for readable serialisations)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
