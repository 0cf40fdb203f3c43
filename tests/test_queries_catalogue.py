"""The stored-query catalogue: every .rq file parses with Oxigraph, has bilingual titles and
descriptions, declares exactly the parameters it uses; a broken file stops the application."""

import re

import pytest

from shnor_kg.errors import StoredQueryError
from shnor_kg.queries import catalogue as catalogue_module
from shnor_kg.queries import load_catalogue, sigil_variables
from shnor_kg.queries.catalogue import load_file

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

GOOD = """#+ title.ru: Проба
#+ title.en: Probe
#+ description.ru: Пункты по году.
#+ description.en: Items by year.
#+ view: table
#+ param: year gYear default=2024
SELECT ?item WHERE {
  #@values
  ?item shnor:year $year .
}
"""


def test_at_least_fifteen_queries_all_valid():
    catalogue = load_catalogue()
    assert len(catalogue) >= 15
    for name, query in catalogue.items():
        assert query.filename == f"{name}.rq"
        assert query.variables, name  # it ran on an empty store and projects something


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_titles_and_descriptions_in_russian_and_english(name):
    query = load_catalogue()[name]
    for field in (query.title, query.description):
        assert CYRILLIC.search(field["ru"]), f"{name}: the Russian text has no Cyrillic"
        assert re.search(r"[A-Za-z]{3}", field["en"]) and field["en"] != field["ru"]
    for param in query.params:
        assert param.labels.get("ru") and param.labels.get("en"), f"{name}: parameter {param.name} needs ru/en labels"


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_declares_every_parameter_it_uses_and_uses_every_one_it_declares(name):
    query = load_catalogue()[name]
    dollars, questions = sigil_variables(query.body)
    declared = {p.name for p in query.params}
    assert dollars == declared
    assert not declared & questions


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_bound_parameter_reaches_the_query_as_a_values_block(name):
    query = load_catalogue()[name]
    from shnor_kg.queries.params import sample_value

    terms = query.bind({p.name: sample_value(p) for p in query.params})
    text = query.sparql(terms)
    for param in query.params:
        assert f"VALUES ${param.name} {{ {terms[param.name]} }}" in text
    assert text.startswith("PREFIX shnor: <https://w3id.org/shnor/ontology#>")


def test_sigil_scanner_ignores_strings_iris_and_comments():
    body = 'SELECT ?a WHERE { ?a ?p "cost $x" . <http://e/$y> ?q $z # $w\n FILTER(REGEX(?a, \'$v\')) }'
    dollars, questions = sigil_variables(body)
    assert dollars == {"z"} and questions == {"a", "p", "q"}


@pytest.mark.parametrize("text, reason", [
    (GOOD.replace("#+ title.en: Probe\n", ""), "title.en"),
    (GOOD.replace("#+ description.ru: Пункты по году.\n", ""), "description.ru"),
    (GOOD.replace("#+ view: table", "#+ view: pie"), "view"),
    (GOOD.replace("#+ view: table", "#+ view: bar"), "bar: x"),
    (GOOD.replace("shnor:year $year", "shnor:year ?year"), "declared but never used"),
    (GOOD.replace("shnor:year $year", "shnor:year $year ; shnor:number $n"), "$n is used but not declared"),
    (GOOD.replace("#+ param: year gYear default=2024", "#+ param: year date default=2024"), "expects a date"),
    (GOOD.replace("#+ param: year gYear default=2024", "#+ param: year colour"), "unknown type"),
    (GOOD.replace("  #@values\n", ""), "#@values"),
    (GOOD.replace("?item shnor:year $year .", "?item shnor:year $year"), ""),
    (GOOD.replace("?item shnor:year $year .\n}", "?item shnor:year $year ."), "does not run"),
    ("PREFIX ex: <http://e/>\n" + GOOD, "header"),
    (GOOD.replace("SELECT ?item WHERE {", "PREFIX ex: <http://e/>\nSELECT ?item WHERE {"), "PREFIX"),
    (GOOD.replace("#+ view: table", "#+ view: table\n#+ colour: red"), "unknown header key"),
    (GOOD.replace("SELECT ?item WHERE", "ASK WHERE"), "SELECT"),
])
def test_a_broken_query_file_is_reported_with_its_name(text, reason):
    if not reason:  # a trailing '.' is optional in SPARQL: this one is valid
        assert load_file("probe", "probe.rq", text).variables == ("item",)
        return
    with pytest.raises(StoredQueryError) as info:
        load_file("probe", "probe.rq", text)
    assert info.value.message.startswith("stored query probe.rq: ")
    if reason != "header":
        assert reason in info.value.message


def test_a_broken_file_stops_the_app_with_a_message_naming_it(tmp_path, monkeypatch, config):
    from shnor_kg.server.app import create_app

    (tmp_path / "fine.rq").write_text(GOOD, "utf-8")
    (tmp_path / "broken-one.rq").write_text(GOOD.replace("SELECT ?item WHERE {", "SELECT ?item WHERE {{"), "utf-8")
    monkeypatch.setattr(catalogue_module, "files", lambda package: tmp_path)
    load_catalogue.cache_clear()
    try:
        with pytest.raises(StoredQueryError, match=r"stored query broken-one\.rq: the query does not run"):
            create_app(config)
    finally:
        load_catalogue.cache_clear()


def test_bad_file_name_is_refused():
    with pytest.raises(StoredQueryError, match="file name"):
        load_file("Bad_Name", "Bad_Name.rq", GOOD)
