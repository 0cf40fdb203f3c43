"""``shnor-kg query <stored name> --param k=v --format csv|tsv|json|table`` and ``shnor-kg queries``."""

import csv
import io
import json

from shnor_kg.queries import load_catalogue

from .queries_support import load_into

TRICKY_TITLE = 'Анализ «рисков» и "трудностей";\nвторая строка'


def test_stored_query_as_csv_with_a_parameter(cli, config):
    load_into(config).close()
    result = cli("query", "items-due-in-month", "--param", "month=2024-05", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert table[0][:3] == ["item", "number", "title"]
    assert [row[2] for row in table[1:]] == [TRICKY_TITLE]
    assert not result.stdout.startswith("\ufeff")  # no BOM on a terminal


def test_stored_query_as_json_tsv_and_table(cli, config):
    load_into(config).close()
    rows = json.loads(cli("query", "co-responsibility", "--param", "min_items=2", "--format", "json").stdout)
    assert [r["shared_items"] for r in rows] == [2]
    tsv = cli("query", "items-due-in-month", "--param", "month=2024-05", "--format", "tsv").stdout.splitlines()
    assert len(tsv) == 2 and TRICKY_TITLE.replace("\n", "\\n") in tsv[1].split("\t")
    table = cli("query", "mentor-pairs").stdout.splitlines()
    assert table[0].split()[:3] == ["link", "mentor", "mentor_label"] and len(table) == 2


def test_defaults_apply_and_bad_parameters_are_one_line_errors(cli, config):
    load_into(config).close()
    assert cli("query", "items-due-in-month", "--format", "csv").stdout.count("\n") == 2  # default month 2024-03
    result = cli("query", "items-due-in-month", "--param", "month=March")
    assert result.exit_code == 2
    assert result.stderr.strip() == "shnor-kg: error: parameter 'month' expects a month YYYY-MM; got 'March'"
    for args, message in [
        (("--param", "month"), "--param 'month': write it as name=value"),
        (("--param", "colour=red"), "has no parameter 'colour'"),
        (("--param", "month=2024-01", "--param", "month=2024-02"), "--param month is given twice"),
    ]:
        result = cli("query", "items-due-in-month", *args)
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    result = cli("query", "items-of-responsible")
    assert result.exit_code == 2 and "'responsible' is required" in result.stderr


def test_param_is_refused_for_plain_sparql(cli):
    result = cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--param", "x=1")
    assert result.exit_code == 2 and "--param applies to stored queries only" in result.stderr


def test_queries_lists_the_catalogue(cli):
    lines = cli("queries", "--lang", "en").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == list(load_catalogue())
    mentor = next(line for line in lines if line.startswith("mentor-pairs\t"))
    assert mentor.split("\t")[1:] == ["network", "region:iri year:gYear", "Mentor–school pairs with their acts and years"]
    assert "items-of-responsible\ttable\tresponsible:iri!\t" in cli("queries").stdout
