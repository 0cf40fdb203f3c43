"""Validation of the two sample acts: exactly what a reading of the acts justifies, from both
engines, at ingest and on demand; and the completeness scores counted by hand from the acts.

What the acts say (examples/, and ../shared/docs/domain.md):
- Tula, item 1.11 «Мониторинг реализации программы развития МБОУ ЦО № 48» has the deadline
  «Июнь, декабрь 2023 г.» in a 2024 plan → Warning, deadline outside the plan's year;
- Tula, the row after 6.4 («Анализ динамики показателей…») has no number → Warning;
- Tula, 6.2 «и методических семинаров…» and 6.3 «ие и организация…» lost the start of their text:
  lower-case start (both), mid-word start (6.3) → Info;
- Tula, 5.8 «<p>индивидуальной работы…» and 5.10 «<p>семинары в рамках…» also start in lower case
  once the HTML is removed (5.8 lost its verb too) → Info, justified by the act;
- Kostroma, the order's date and number are blank («от « » 2023г. №») → two Warnings;
- Kostroma, item 6.1 has empty responsible and deadline cells → two Warnings; its sub-items
  5.1.1–5.1.4 have empty cells that belong to 5.1, so they are not reported;
- nothing else: every other item has a title, a responsible party and a deadline in its year;
  both schools of Tula and the five of Kostroma have a head in the annexes; ЦО № 42 mentors
  ЦО № 48 (two different schools).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from shnor_kg.ontology import SH, SHNOR
from shnor_kg.shapes import SHS, validate, validate_sparql
from shnor_kg.shapes.report import results_from_graph
from shnor_kg.server.catalog import Catalog, validation_graph
from shnor_kg.server.validation import completeness_rows, document_data, validate_graph_of

# (item position, its number as written, the start of its text, shape, severity) — read from the acts
TULA_ITEMS = [
    (11, "1.11", "Мониторинг реализации программы развития", "DeadlineInPlanYearShape", "Warning"),
    (61, None, "Анализ динамики показателей результативности", "PlanItem-numberMissing", "Warning"),
    (54, "5.8", "индивидуальной работы учителей", "ItemText-lowerCase", "Info"),
    (56, "5.10", "семинары в рамках заседаний", "ItemText-lowerCase", "Info"),
    (58, "6.2", "и методических семинаров", "ItemText-lowerCase", "Info"),
    (59, "6.3", "ие и организация методической работы", "ItemText-lowerCase", "Info"),
    (59, "6.3", "ие и организация методической работы", "ItemText-midWord", "Info"),
]
KOSTROMA_ITEMS = [
    (23, "6.1", "Организация участия в образовательных проектах", "PlanItem-responsibleMissing", "Warning"),
    (23, "6.1", "Организация участия в образовательных проектах", "PlanItem-deadlineMissing", "Warning"),
]
KOSTROMA_ORDER = [("IngestedOrder-date", "Warning"), ("IngestedOrder-number", "Warning")]


@pytest.fixture(scope="module")
def catalog(sample_config, sample_store) -> Catalog:
    return Catalog(sample_store, sample_config.data_dir, base_iri=sample_config.base_iri)


@pytest.fixture(scope="module")
def doc_ids(catalog) -> dict[str, str]:
    by_source = {m["source_name"]: m["doc_id"] for m in catalog.documents()}
    return {"tula": by_source["tula-2024-prikaz-22-1-osn.txt"], "kostroma": by_source["kostroma-2023-rasporyazhenie.txt"]}


@pytest.fixture(scope="module")
def data(sample_store, catalog, doc_ids) -> dict[str, Graph]:
    return {name: document_data(sample_store, catalog, doc_id) for name, doc_id in doc_ids.items()}


@pytest.fixture(scope="module")
def reference(data) -> dict:
    """pyshacl on each document (with its entities), once for the module."""
    return {name: validate(graph) for name, graph in data.items()}


def act_of(graph: Graph) -> URIRef:
    (act,) = {s for s in graph.subjects(PROV.wasDerivedFrom, None) if (s, RDF.type, SHNOR.Order) in graph}
    return act


def expected(graph: Graph, items: list[tuple], order: list[tuple] = ()) -> set[tuple]:
    """(focus, shape, severity) of the expected results, after checking that each item position is
    the row the act shows (its number and its text)."""
    act = act_of(graph)
    out = set()
    for position, number, start, shape, severity in items:
        item = URIRef(f"{act}/plan/item/{position}")
        numbers = [str(n) for n in graph.objects(item, SHNOR.number)]
        assert numbers == ([number] if number else []), (position, numbers)
        assert str(graph.value(item, DCTERMS.title)).startswith(start), (position, graph.value(item, DCTERMS.title))
        out.add((item, SHS[shape], severity))
    out |= {(act, SHS[shape], severity) for shape, severity in order}
    return out


def found(report) -> set[tuple]:
    return {(r.focus, r.source_shape, r.severity_name) for r in report.results}


def test_tula_reports_exactly_what_the_act_justifies(data, reference):
    assert found(reference["tula"]) == expected(data["tula"], TULA_ITEMS)


def test_tula_item_1_11_names_its_deadline_as_written(reference):
    (result,) = [r for r in reference["tula"].results if r.source_shape == SHS.DeadlineInPlanYearShape]
    assert result.value == Literal("Июнь, декабрь 2023 г.")
    assert result.path == "<https://w3id.org/shnor/ontology#deadlineText>"
    assert "outside the plan's year" in result.message("en") and "вне года плана" in result.message("ru")


def test_kostroma_reports_exactly_what_the_act_justifies(data, reference):
    assert found(reference["kostroma"]) == expected(data["kostroma"], KOSTROMA_ITEMS, KOSTROMA_ORDER)


def test_kostroma_sub_items_inherit_from_5_1_and_are_not_reported(data, reference):
    graph = data["kostroma"]
    subs = {s for s in graph.subjects(SHNOR.parentItem, None)}
    assert {str(graph.value(s, SHNOR.number)) for s in subs} == {"5.1.1", "5.1.2", "5.1.3", "5.1.4"}
    assert not [r for r in reference["kostroma"].results if r.focus in subs]


def test_nothing_above_info_beyond_the_listed_warnings(reference):
    for name, report in reference.items():
        assert report.violations == 0, report.to_text("en")
    assert reference["tula"].counts() == {"Violation": 0, "Warning": 2, "Info": 5}
    assert reference["kostroma"].counts() == {"Violation": 0, "Warning": 4, "Info": 0}


@pytest.mark.parametrize("name", ["tula", "kostroma"])
def test_the_fast_path_gives_the_same_results_as_pyshacl(data, reference, name):
    fast = validate_sparql(data[name])
    assert fast.keys() == reference[name].keys()


@pytest.mark.parametrize("name", ["tula", "kostroma"])
def test_the_report_stored_at_ingest_is_the_reference_report(sample_store, doc_ids, data, reference, name):
    stored = Graph().parse(data=sample_store.export(ox.RdfFormat.N_TRIPLES, graph=validation_graph(doc_ids[name])), format="nt")
    assert {r.key() for r in results_from_graph(stored)} == reference[name].keys()
    (report,) = stored.subjects(RDF.type, URIRef(SH.ValidationReport))
    assert stored.value(report, DCTERMS.subject) == act_of(data[name])
    assert report == URIRef(f"{act_of(data[name])}/validation")
    activity = stored.value(report, PROV.wasGeneratedBy)
    assert stored.value(activity, PROV.used) == URIRef("https://w3id.org/shnor/shapes")
    assert stored.value(report, PROV.wasDerivedFrom) == data[name].value(act_of(data[name]), PROV.wasDerivedFrom)


def test_whole_graph_validation_agrees_with_pyshacl_and_with_the_documents(sample_store, catalog, reference):
    fast = validate_graph_of(sample_store, catalog, engine="sparql")
    slow = validate_graph_of(sample_store, catalog, engine="pyshacl")
    assert fast.keys() == slow.keys()
    assert fast.keys() == reference["tula"].keys() | reference["kostroma"].keys()


# -- completeness, counted by hand from the acts ---------------------------------------------------
# Tula: 67 rows (12+8+5+21+10+5+6), every row has a responsible party and a deadline of a form the
# parser reads, one row has no number; the order is dated and numbered; ЦО № 48 (Annex 2, target)
# and ЦО № 42 (Annex 3, its mentor) both have heads.
# Kostroma: 23 rows (3+3+5+6+5+1); 6.1 has no responsible party and no deadline, 5.1.1–5.1.4
# inherit 5.1's; every row is numbered; the order has no date and no number; the five schools of
# Annex 2 each have a director.
COMPLETENESS = {
    "tula": {"itemsWithResponsible": (67, 67), "itemsWithDeadline": (67, 67), "itemsWithParsedDeadline": (67, 67),
             "itemsWithNumber": (66, 67), "ordersWithDate": (1, 1), "ordersWithNumber": (1, 1), "schoolsWithHead": (2, 2)},
    "kostroma": {"itemsWithResponsible": (22, 23), "itemsWithDeadline": (22, 23), "itemsWithParsedDeadline": (22, 23),
                 "itemsWithNumber": (23, 23), "ordersWithDate": (0, 1), "ordersWithNumber": (0, 1), "schoolsWithHead": (5, 5)},
}


def test_completeness_scores_stored_per_act(sample_store, doc_ids):
    rows = completeness_rows(sample_store, "document")
    for name, doc_id in doc_ids.items():
        got = {r["metric"]: (r["numerator"], r["denominator"]) for r in rows if r["doc_id"] == doc_id}
        assert got == COMPLETENESS[name], name
    (share,) = [r["value"] for r in rows if r["doc_id"] == doc_ids["tula"] and r["metric"] == "itemsWithNumber"]
    assert share == round(66 / 67, 4)


@pytest.mark.parametrize("level", ["municipality", "region"])
def test_completeness_sums_per_municipality_and_region(sample_store, level):
    rows = completeness_rows(sample_store, level)
    by_place = {}
    for row in rows:
        by_place.setdefault(row[level].rsplit("/", 1)[-1], {})[row["metric"]] = (row["numerator"], row["denominator"])
    tula_key = "ru-tul-tula" if level == "municipality" else "RU-TUL"
    kostroma_key = "ru-kos-kostroma" if level == "municipality" else "RU-KOS"
    assert by_place == {tula_key: COMPLETENESS["tula"], kostroma_key: COMPLETENESS["kostroma"]}
