"""``shnor-kg validate`` and ``shnor-kg ingest --strict``: outputs, exit codes, store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from shnor_kg.ontology import SH

from tests.conftest import KOSTROMA, TULA

BASE = Path(__file__).parent / "data" / "shapes-base.ttl"


@pytest.fixture
def tula_without_issuer(tmp_path) -> Path:
    """The Tula act with its first line (the issuer, «УПРАВЛЕНИЕ ОБРАЗОВАНИЯ…») removed."""
    text = TULA.read_text("utf-8")
    path = tmp_path / "tula-without-issuer.txt"
    path.write_text(text.replace("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ\n", "", 1), "utf-8")
    return path


def quads(cli) -> bytes:
    result = cli("export", "--format", "nquads")
    assert result.exit_code == 0
    return result.stdout_bytes


def test_strict_ingest_refuses_an_act_with_a_violation_and_changes_nothing(cli, tula_without_issuer):
    cli("ingest", str(KOSTROMA))
    before = quads(cli)
    result = cli("ingest", "--strict", str(tula_without_issuer))
    assert result.exit_code == 1, result.output
    assert "refused by --strict: 1 SHACL violation(s)" in result.output
    assert "has no issuer" in result.output
    assert "0 ingested" in result.output and "1 failed" in result.output
    assert quads(cli) == before


def test_without_strict_the_act_is_stored_with_its_report(cli, tula_without_issuer):
    result = cli("ingest", str(tula_without_issuer))
    assert result.exit_code == 0, result.output
    validated = cli("validate", "--format", "json")
    assert validated.exit_code == 1
    body = json.loads(validated.stdout)
    assert body["counts"] == {"Violation": 1, "Warning": 2, "Info": 5}
    (violation,) = [r for r in body["results"] if r["severity"] == "Violation"]
    assert violation["source_shape"].endswith("#IngestedOrder-issuer")
    stored = cli("query", "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT (COUNT(?r) AS ?n) WHERE { GRAPH ?g { "
                 "?r a sh:ValidationResult ; sh:resultSeverity sh:Violation } }", "--format", "csv")
    assert stored.output.splitlines()[-1] == "1"


def test_strict_ingest_accepts_acts_with_warnings_only(cli):
    result = cli("ingest", "--strict", str(TULA), str(KOSTROMA))
    assert result.exit_code == 0, result.output
    assert "2 ingested" in result.output


def test_strict_ingest_validates_rdf_files_too(cli, tmp_path):
    conforming = tmp_path / "act.ttl"
    conforming.write_bytes(BASE.read_bytes())
    assert cli("ingest", "--strict", str(conforming)).exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text(BASE.read_text("utf-8").replace("shnor:issuedBy id:org\\/x\\/uo ;", ""), "utf-8")
    result = cli("ingest", "--strict", str(broken))
    assert result.exit_code == 1 and "refused by --strict" in result.output


def test_validate_the_sample_acts_text_and_exit_code(cli):
    cli("ingest", str(TULA), str(KOSTROMA))
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "0 violations, 6 warnings, 5 infos"
    assert any("outside the plan's year" in line and "Июнь, декабрь 2023 г." in line for line in lines)
    russian = cli("validate", "--lang", "ru").stdout
    assert "вне года плана" in russian


def test_validate_one_document_as_turtle(cli, config):
    cli("ingest", str(KOSTROMA))
    (doc_id,) = [p.name for p in (Path(config.data_dir) / "documents").iterdir() if not p.name.startswith(".")]
    result = cli("validate", "--document", doc_id, "--format", "turtle", "--engine", "pyshacl")
    assert result.exit_code == 0, result.output
    report = Graph().parse(data=result.stdout, format="turtle")
    severities = sorted(str(o).rsplit("#", 1)[-1] for o in report.objects(None, SH.resultSeverity))
    assert severities == ["Warning"] * 4


def test_validate_an_unknown_document_is_a_clear_error(cli):
    result = cli("validate", "--document", "no-such-document")
    assert result.exit_code == 2
    assert "no document 'no-such-document'" in result.output
