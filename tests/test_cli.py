"""The command line: the happy paths and every bad-input path (clear message, exit code, store unchanged)."""

import os

import pytest


TTL = """@prefix ex: <http://example.org/> .
ex:a ex:p "один" .
ex:b ex:p "два" .
"""


@pytest.fixture
def ttl(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(TTL, "utf-8")
    return path


def export(cli):
    result = cli("export", "--format", "nquads")
    assert result.exit_code == 0
    return result.stdout_bytes


def test_ingest_rdf_then_query_and_stats(cli, ttl):
    result = cli("ingest", str(ttl))
    assert result.exit_code == 0, result.output
    assert "1 ingested" in result.output
    result = cli("query", "SELECT ?o WHERE { <http://example.org/a> ?p ?o }", "--format", "csv")
    assert result.output.splitlines() == ["o", "один"]
    assert "stored documents: 1" in cli("stats").output


def test_reingesting_the_same_file_is_unchanged(cli, ttl):
    cli("ingest", str(ttl))
    before = export(cli)
    result = cli("ingest", str(ttl))
    assert "1 unchanged" in result.output
    assert export(cli) == before


def test_missing_file_is_a_clear_error_and_changes_nothing(cli, ttl, tmp_path):
    cli("ingest", str(ttl))
    before = export(cli)
    result = cli("ingest", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "nope.txt: no such file or directory" in result.stderr
    assert "Traceback" not in result.output
    assert export(cli) == before


def test_unreadable_file_is_a_clear_error(cli, tmp_path, monkeypatch):
    path = tmp_path / "secret.ttl"
    path.write_text(TTL, "utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any mode: make the read fail the way the kernel would
        real = type(path).read_bytes
        monkeypatch.setattr(type(path), "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")) if self.name == "secret.ttl" else real(self))
    result = cli("ingest", str(path))
    assert result.exit_code == 2
    assert "secret.ttl: permission denied" in result.stderr


def test_file_that_is_not_valid_rdf_is_reported(cli, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("this is not turtle <<<", "utf-8")
    before = export(cli)
    result = cli("ingest", str(bad))
    assert result.exit_code == 2
    assert "broken.ttl: not valid RDF" in result.stderr
    assert export(cli) == before


def test_unknown_stored_query_is_a_clear_error(cli):
    result = cli("query", "no-such-query")
    assert result.exit_code == 2
    assert "unknown stored query 'no-such-query'" in result.stderr


def test_malformed_sparql_is_a_clear_error_and_changes_nothing(cli, ttl):
    cli("ingest", str(ttl))
    before = export(cli)
    result = cli("query", "SELECT ?x WHERE { ?x ")
    assert result.exit_code == 2
    assert "malformed SPARQL query" in result.stderr
    assert export(cli) == before


def test_export_of_an_unknown_document_is_refused(cli):
    result = cli("export", "--document", "nothing-here")
    assert result.exit_code == 2
    assert "no document 'nothing-here'" in result.stderr
