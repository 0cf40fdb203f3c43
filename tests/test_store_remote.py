"""The remote back end beyond the shared contract: its query rewriting, its HTTP behaviour (auth,
time limits, retries, a dead server → 503 and recovery), its configuration and the CLI and web
service running against real servers (tests/remote_servers.py)."""

from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from shnor_kg.config import load_config
from shnor_kg.errors import BadParameter, QuerySyntaxError, QueryTimeout, StoreUnavailable
from shnor_kg.server.store import GraphChange, open_store
from shnor_kg.server.store_remote import (
    BACKOFF_SECONDS,
    RemoteStore,
    bind_values,
    cap_rows,
    chunks,
    default_update_url,
    describe_construct,
    describe_selects,
    json_term,
    pack,
    public_url,
    syntax_probe,
    update_operations,
)

from .remote_servers import OxigraphServer, free_port, start_oxigraph

ROOT = Path(__file__).resolve().parent.parent
TULA = ROOT / "examples" / "tula-2024-prikaz-22-1-osn.txt"
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


# -- query text --------------------------------------------------------------------------------------


def test_values_go_first_in_the_outermost_group_whatever_the_strings_and_comments_say():
    query = 'PREFIX ex: <http://e/#>\nSELECT ?s (CONCAT("{", ?o) AS ?x) # a { comment\nWHERE { ?s ex:p ?o { SELECT ?o WHERE { ?o ?q "}" } } }'
    bound = bind_values(query, {"s": ox.NamedNode(EX + "a")})
    assert bound.startswith(query[: query.index("WHERE {") + len("WHERE {")] + " VALUES (?s) { (<http://example.org/a>) }")
    assert ox.Store().query(bound) is not None  # still a valid query


def test_values_leave_out_unused_variables_and_refuse_blank_nodes_and_odd_names():
    assert bind_values("SELECT * WHERE { ?s ?p ?o }", {"unused": ox.Literal("x")}) == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(BadParameter):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": ox.BlankNode()})
    with pytest.raises(BadParameter):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s) } DROP ALL {": ox.Literal("x")})


def test_literals_are_written_escaped():
    tricky = ox.Literal('a"} ; DROP ALL ; {\\\n', language="ru")
    bound = bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"o": tricky})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), tricky, ox.DefaultGraph()))
    assert [row["o"] for row in store.query(bound)] == [tricky]


def test_short_construct_gains_a_template_and_describe_without_where_is_refused():
    bound = bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"o": ox.Literal("b")})
    assert bound.replace(" ", "") == 'CONSTRUCT{?s?p?o}WHERE{VALUES(?o){("b")}?s?p?o}'
    with pytest.raises(BadParameter):
        bind_values("DESCRIBE ?x", {"x": ox.NamedNode(EX + "a")})


def test_a_row_cap_is_added_only_where_it_is_safe():
    assert cap_rows("SELECT * WHERE { ?s ?p ?o }", 11).endswith("\nLIMIT 11")
    assert cap_rows("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 3", 11).endswith("OFFSET 3\nLIMIT 11")
    for unchanged in ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://e/> }",
                      "ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
        assert cap_rows(unchanged, 11) == unchanged
    inner_limit = "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 } }"
    assert cap_rows(inner_limit, 11).endswith("LIMIT 11")


def test_the_syntax_probe_fetches_nothing():
    probe = syntax_probe("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert probe == "SELECT * WHERE { GRAPH  <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert syntax_probe('SELECT * WHERE { ?s ?p "SERVICE" }') == 'SELECT * WHERE { ?s ?p "SERVICE" }'


def test_describe_becomes_selects_and_a_construct_following_blank_nodes():
    by_pattern, by_name = describe_selects("PREFIX ex: <http://e/>\nDESCRIBE ?x ex:a <http://e/b> WHERE { ?x ?p 1 } LIMIT 3")
    assert by_pattern == "PREFIX ex: <http://e/>\nSELECT DISTINCT ?x  WHERE { ?x ?p 1 } LIMIT 3"
    assert by_name == "PREFIX ex: <http://e/>\nSELECT ?r WHERE { VALUES ?r { ex:a <http://e/b> } }"
    store = ox.Store()
    store.update("INSERT DATA { <http://a> <http://p> _:b . _:b <http://q> _:c . _:c <http://r> 'x' . <http://z> <http://p> <http://a> }")
    described = set(store.query(describe_construct([ox.NamedNode("http://a")])))
    assert described == set(store.query("DESCRIBE <http://a>"))
    assert len(described) == 3


# -- results and writes --------------------------------------------------------------------------


def test_server_quirks_in_json_results_are_read_as_the_same_terms():
    assert json_term({"type": "typed-literal", "datatype": XSD + "integer", "value": "7"}) == ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))
    assert json_term({"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"}) == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert json_term({"type": "bnode", "value": "nodeID://b10007"}) == ox.BlankNode("nodeID___b10007")
    assert json_term({"type": "literal", "xml:lang": "ru", "value": "Тула"}) == ox.Literal("Тула", language="ru")


def test_updates_keep_blank_node_groups_together_and_change_the_version_last():
    blank = [ox.BlankNode() for _ in range(3)]
    linked = [ox.Triple(blank[0], ox.NamedNode(EX + "p"), blank[1]), ox.Triple(blank[1], ox.NamedNode(EX + "p"), blank[2])]
    plain = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i))) for i in range(5)]
    groups = list(chunks(plain + linked, size=2))
    assert [len(g) for _, g in groups] == [2, 2, 1, 2]
    assert groups[-1] == (True, linked)
    ops = update_operations([GraphChange("replace", EX + "g", tuple(plain + linked))], "token")
    assert ops[0] == f"DROP SILENT GRAPH <{EX}g>"
    assert ops[-1].startswith("INSERT DATA { GRAPH <https://w3id.org/shnor/graph/meta>") and '"token"' in ops[-1]
    assert any(op.startswith("INSERT {") and op.endswith("WHERE {}") for op in ops)
    assert pack(["a" * 10] * 5, max_bytes=30) == ["a" * 10 + " ;\n" + "a" * 10] * 2 + ["a" * 10]


def test_urls_settings_and_messages():
    assert default_update_url("http://h:7878/query") == "http://h:7878/update"
    assert default_update_url("http://h/ds/query?x=1") == "http://h/ds/update?x=1"
    assert default_update_url("http://h:8890/sparql") == "http://h:8890/sparql"
    assert public_url("http://user:secret@h:8890/sparql?x=1") == "http://h:8890/sparql"
    config = load_config({"store": "sparql+http://127.0.0.1:1/query", "data_dir": "/tmp/unused"}, environ={})
    store = open_store(config)
    assert (store.query_url, store.update_url) == ("http://127.0.0.1:1/query", "http://127.0.0.1:1/update")
    with pytest.raises(BadParameter, match="query URL"):
        open_store(load_config({"store": "sparql"}, environ={}))
    with pytest.raises(BadParameter):
        RemoteStore("ftp://h/sparql")
    with pytest.raises(BadParameter):
        RemoteStore("http://h/sparql", auth="kerberos")


# -- HTTP behaviour -------------------------------------------------------------------------------


def test_no_server_is_store_unavailable_after_retries_with_backoff():
    port = free_port()
    store = RemoteStore(f"http://127.0.0.1:{port}/query", retries=2, dialect="generic")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=rf"127\.0\.0\.1:{port}/query is not reachable .*tried 3 times"):
        store.query(COUNT)
    assert time.monotonic() - started >= BACKOFF_SECONDS * 3  # 0.1 + 0.2


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_server_that_does_not_answer_is_a_query_timeout(silent_server):
    store = RemoteStore(f"http://127.0.0.1:{silent_server}/sparql", dialect="generic", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query(COUNT, timeout=0.3)
    assert time.monotonic() - started < 2
    with pytest.raises(StoreUnavailable, match="did not confirm the write"):
        store.drop_graph(EX + "g")


SCRIPTED_ANSWERS = {
    # a word in the query → (status, content type, body): what servers answer in odd cases
    "rejectme": (400, "text/plain", b"this engine does not support that"),
    "slowme": (200, "application/sparql-results+json", b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled'),
    "busyme": (500, "text/plain", b"Virtuoso S1T00 Error SR171: Transaction timed out\n\nSPARQL query:\nSELECT ..."),
    "cappedme": (200, "application/sparql-results+json", b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e/a"}}]}}'),
    "COUNT(*)": (200, "application/sparql-results+json", b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"3"}}]}}'),
    "CONSTRUCT": (200, "application/n-triples", b'<http://e/a> <http://e/p> "1" .\n'),
    "ASK": (200, "application/sparql-results+json", b'{"head": {}, "boolean": true}'),
}


class _ScriptedSparql(http.server.BaseHTTPRequestHandler):
    """A minimal endpoint that wants HTTP basic credentials and answers from SCRIPTED_ANSWERS."""

    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.end_headers()
            return
        query = form.get("query", [""])[0]
        status, media_type, body = next(answer for word, answer in SCRIPTED_ANSWERS.items() if word in query)
        self.send_response(status)
        if "cappedme" in query:  # Virtuoso's note that ResultSetMaxRows cut the answer
            self.send_header("X-SPARQL-MaxRows", "1")
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted_endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedSparql)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_basic_credentials_are_sent_and_refusal_is_explained(scripted_endpoint):
    good = RemoteStore(scripted_endpoint, user="reader", password="s3cret", dialect="generic")
    assert good.query("ASK { ?s ?p ?o }").boolean is True
    bad = RemoteStore(scripted_endpoint, user="reader", password="wrong", dialect="generic")
    with pytest.raises(StoreUnavailable, match="refused access \\(HTTP 401\\).*store_password"):
        bad.query("ASK { ?s ?p ?o }")


def test_server_side_refusals_and_time_limits_are_named(scripted_endpoint):
    store = RemoteStore(scripted_endpoint, user="reader", password="s3cret", dialect="generic")
    with pytest.raises(QuerySyntaxError, match="rejected the query: this engine does not support that"):
        store.query("ASK { ?s ?p 'rejectme' }")
    with pytest.raises(QueryTimeout):
        store.query("SELECT ?n WHERE { ?s ?p 'slowme' }")
    with pytest.raises(QueryTimeout, match="Transaction timed out"):
        store.query("SELECT ?n WHERE { ?s ?p 'busyme' }")
    capped = store.query("SELECT ?s WHERE { ?s ?p 'cappedme' }")
    assert (len(capped.rows), capped.truncated) == (1, True)


def test_an_export_cut_short_by_the_server_is_an_error(scripted_endpoint):
    store = RemoteStore(scripted_endpoint, user="reader", password="s3cret", dialect="generic")
    with pytest.raises(StoreUnavailable, match="returned 1 of the 3 triples"):
        store.export(ox.RdfFormat.N_TRIPLES, graph=EX + "g")


def test_virtuoso_refuses_a_wrong_digest_password(virtuoso_server):
    settings = virtuoso_server.settings()
    wrong = RemoteStore(settings["store_query_url"], update_url=settings["store_update_url"], user="dba", password="nope", auth="digest")
    with pytest.raises(StoreUnavailable, match="refused access"):
        wrong.drop_graph(EX + "g")


class _VisibleVirtuoso(_ScriptedSparql):
    """Says it is Virtuoso and that its system graph is readable (ASK answers true)."""

    server_version = "Virtuoso/07.20.3229"
    sys_version = ""


def test_a_virtuoso_showing_its_system_graphs_is_refused_with_advice():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _VisibleVirtuoso)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", user="reader", password="s3cret")
        with pytest.raises(StoreUnavailable, match="system graphs .* make them private"):
            store.query(COUNT)
    finally:
        server.shutdown()
        server.server_close()


# -- the service over a remote store --------------------------------------------------------------


def _sparql(client, query: str = COUNT):
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})


def test_a_dead_store_is_a_503_and_the_service_recovers_when_it_is_back(tmp_path):
    from .conftest import make_app

    server = start_oxigraph(tmp_path / "ox")
    restarted = None
    try:
        config = load_config({"data_dir": str(tmp_path / "kg"), "store_retries": "1", **server.settings()}, environ={})
        client = make_app(config).test_client()
        before = _sparql(client)
        assert before.status_code == 200
        triples = int(before.get_json()["results"]["bindings"][0]["n"]["value"])
        assert triples > 0  # the vocabulary, loaded at start-up
        server.kill()
        down = _sparql(client)
        assert down.status_code == 503
        error = down.get_json()["error"]
        assert error["code"] == "store_unavailable" and "not reachable" in error["message"]
        assert client.get("/health").status_code == 503
        restarted = OxigraphServer(server.directory, port=server.port).start()
        again = _sparql(client)
        assert again.status_code == 200
        assert int(again.get_json()["results"]["bindings"][0]["n"]["value"]) == triples  # nothing lost
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()


def test_cli_ingests_queries_and_reports_a_dead_store(tmp_path):
    from shnor_kg.server.cli import main

    server = start_oxigraph(tmp_path / "ox")
    try:
        store_flag = f"sparql+{server.query_url}"
        runner = CliRunner()

        def run(*args):
            return runner.invoke(main, ["--data-dir", str(tmp_path / "kg"), "--store", store_flag, *args], catch_exceptions=False)

        ingested = run("ingest", str(TULA))
        assert ingested.exit_code == 0, ingested.output
        assert "1 ingested" in ingested.output
        counted = run("query", "PREFIX shnor: <https://w3id.org/shnor/ontology#> SELECT (COUNT(?i) AS ?n) WHERE { ?i a shnor:PlanItem }", "--format", "json")
        assert counted.exit_code == 0
        assert int(json.loads(counted.stdout)[0]["n"]) > 50
        server.kill()
        down = run("query", COUNT)
        assert down.exit_code == 3
        assert "not reachable" in down.output and "Traceback" not in down.output
    finally:
        server.stop()


@pytest.mark.slow
def test_several_gunicorn_workers_share_one_store(tmp_path):
    """Stateless workers: two gunicorn workers answer from the store; a write by another process
    (the CLI, with its own data directory) is seen at once, with a new version."""
    server = start_oxigraph(tmp_path / "ox")
    port = free_port()
    env = {**os.environ, "SHNOR_KG_DATA_DIR": str(tmp_path / "web"), "SHNOR_KG_STORE": "sparql",
           "SHNOR_KG_STORE_QUERY_URL": server.query_url}
    cli = Path(sys.executable).with_name("shnor-kg")
    web = subprocess.Popen([str(cli), "serve", "--workers", "2", "--port", str(port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        health = _wait_for_json(f"{base}/health", web)
        items = "PREFIX shnor: <https://w3id.org/shnor/ontology#> SELECT (COUNT(?i) AS ?n) WHERE { ?i a shnor:PlanItem }"
        assert _count(base, items) == 0
        ingest = subprocess.run([str(cli), "--data-dir", str(tmp_path / "cli"), "ingest", str(TULA)], env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert ingest.returncode == 0, ingest.stderr
        answers = {_count(base, items) for _ in range(6)}  # several requests, served by both workers
        assert len(answers) == 1 and answers.pop() > 50
        assert _wait_for_json(f"{base}/health", web)["version"] != health["version"]
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(30)
        server.stop()


def _wait_for_json(url: str, process: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the web service did not start (exit code {process.poll()})") from None
            time.sleep(0.1)


def _count(base: str, query: str) -> int:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])
