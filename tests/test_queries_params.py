"""Typed parameters: values are validated against their declared type, bound as RDF terms (never
pasted into the query), and a bad value is a 400 naming the parameter and the expected type."""

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shnor_kg.errors import BadParameter
from shnor_kg.queries import get_query
from shnor_kg.queries.params import Param, parse_declaration

from .queries_support import SHNOR, fixture_app, fixture_client, fixture_config, fixture_store  # noqa: F401

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("kind, raw, term", [
    ("iri", "shnor:school", ox.NamedNode(SHNOR + "school")),
    ("iri", " https://w3id.org/shnor/id/region/RU-TUL ", ox.NamedNode("https://w3id.org/shnor/id/region/RU-TUL")),
    ("iri", "urn:x-test:1", ox.NamedNode("urn:x-test:1")),
    ("string", 'кавычки " и \\ и\nперевод', ox.Literal('кавычки " и \\ и\nперевод')),
    ("integer", "+042", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("integer", "-3", ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer"))),
    ("date", "2024-02-29", ox.Literal("2024-02-29", datatype=ox.NamedNode(XSD + "date"))),
    ("gYear", "2023", ox.Literal("2023", datatype=ox.NamedNode(XSD + "gYear"))),
    ("month", "2024-03", ox.Literal("2024-03", datatype=ox.NamedNode(XSD + "gYearMonth"))),
    ("lang", "EN", ox.Literal("en")),
])
def test_good_values_become_typed_terms(kind, raw, term):
    assert Param("p", kind).to_term(raw) == term


@pytest.mark.parametrize("kind, raw", [
    ("iri", "not an iri"), ("iri", "http://a b"), ("iri", "http://e/<x>"), ("iri", "nope:local"), ("iri", "ftp://e/x"),
    ("iri", "http://e/x> } ; DROP ALL ; { <http://e/y"),
    ("string", ""), ("string", "x" * 501), ("string", "bell\x07"),
    ("integer", "1.5"), ("integer", "ten"), ("integer", "1" * 19),
    ("date", "2023-02-29"), ("date", "13.02.2024"), ("date", "2024-2-1"),
    ("gYear", "24"), ("gYear", "2024-01"), ("month", "2024-13"), ("month", "2024-3"), ("month", "март"),
    ("lang", "русский"), ("lang", "e"),
])
def test_bad_values_are_refused_naming_the_parameter_and_the_type(kind, raw):
    with pytest.raises(BadParameter) as info:
        Param("p", kind).to_term(raw)
    assert info.value.status == 400
    assert info.value.details == {"parameter": "p", "expected": kind}
    assert "'p'" in info.value.message


def test_choices_and_classes_are_part_of_the_expectation():
    param = parse_declaration('assessment string "choices=ВПР,функциональная грамотность"')
    assert param.to_term("ВПР") == ox.Literal("ВПР")
    with pytest.raises(BadParameter, match="one of: ВПР, функциональная грамотность"):
        param.to_term("ОГЭ")
    region = parse_declaration("region iri shnor:Region required")
    assert region.classes == (SHNOR + "Region",) and region.required
    assert region.expected == "the IRI of a shnor:Region"


@pytest.mark.parametrize("text, reason", [
    ("x", "name and a type"), ("Bad iri", "lower case"), ("p iri shnor:Region ex:Other", "unexpected"),
    ("p iri nope:Class", "neither a known prefixed name"), ("p gYear default=2024 required", "exclude each other"),
])
def test_bad_declarations_are_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_declaration(text)


def test_bind_fills_defaults_and_refuses_unknown_missing_and_repeated_names():
    query = get_query("items-due-in-month")
    assert {k: t.value for k, t in query.bind({}).items()} == {"month": "2024-03"}
    assert query.bind({"month": " "})["month"].value == "2024-03"  # an empty form field is absent
    with pytest.raises(BadParameter, match="has no parameter 'colour'"):
        query.bind({"colour": "red"})
    with pytest.raises(BadParameter, match="'responsible' is required"):
        get_query("items-of-responsible").bind({})


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60, alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")).filter(
    lambda s: s.strip() and not any(ord(c) < 32 and c not in "\t\n\r" for c in s)))
def test_any_text_survives_binding_unchanged(text):
    """The N-Triples form of a bound literal is valid SPARQL and denotes the same string."""
    term = Param("q", "string").to_term(text)
    store = ox.Store()
    answer = store.query(f"SELECT $q WHERE {{ VALUES $q {{ {term} }} }}")
    assert [s["q"] for s in answer] == [ox.Literal(text.strip())]


def test_a_quote_in_a_search_text_is_data_not_syntax(fixture_client):
    response = fixture_client.get("/api/queries/title-search", query_string={"q": '") } } SELECT * WHERE { ?s ?p ?o } #'})
    assert response.status_code == 200
    assert response.get_json()["rows"] == []


@pytest.mark.parametrize("name, args, parameter, expected", [
    ("items-due-in-month", {"month": "2024-13"}, "month", "month"),
    ("mentor-pairs", {"year": "двадцать"}, "year", "gYear"),
    ("co-responsibility", {"min_items": "two"}, "min_items", "integer"),
    ("mentor-pairs", {"region": "not an iri"}, "region", "iri"),
    ("themes-by-region", {"lang": "русский"}, "lang", "lang"),
    ("title-search", {"q": "x" * 501}, "q", "string"),
    ("assessment-items", {"assessment": "ЦТ"}, "assessment", "string"),
])
def test_api_bad_parameter_is_400_naming_it_and_the_type(fixture_client, name, args, parameter, expected):
    response = fixture_client.get(f"/api/queries/{name}", query_string=args)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["parameter"] == parameter and error["expected"] == expected
    assert f"'{parameter}'" in error["message"]


def test_api_iri_of_the_wrong_class_is_400(fixture_client):
    response = fixture_client.get("/api/queries/mentor-pairs", query_string={"region": "https://w3id.org/shnor/id/municipality/ru-aaa-perviy"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "region" and "shnor:Region" in error["message"]


def test_api_unknown_parameter_and_repeated_parameter_are_400(fixture_client):
    response = fixture_client.get("/api/queries/mentor-pairs?colour=red")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "colour"
    response = fixture_client.get("/api/queries/mentor-pairs?year=2024&year=2023")
    assert response.status_code == 400 and "given 2 times" in response.get_json()["error"]["message"]
