"""The endpoint is closed and bounded: no federation, no foreign dataset, no file or network access
(a canary HTTP server on loopback must see nothing), and a time limit that kills the work."""

from __future__ import annotations

import http.server
import os
import threading
import time

import pyoxigraph as ox
import pytest

from shnor_kg.errors import BadInput, QueryRefused, QueryTimeout, ServerBusy
from shnor_kg.server.query_workers import QueryJob, QueryProcesses
from shnor_kg.server.sparql_guard import check_query, inspect_query
from tests.sparql_support import (  # noqa: F401 (fixtures)
    CARTESIAN, DIRECT_HEADERS, FORM_HEADERS, G_OTHER, QUERY_TIMEOUT, call, form, terms_app, terms_server, terms_store,
)


class Canary:
    """An HTTP server on loopback that records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                canary.requests.append(f"{self.command} {self.path}")
                body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _record

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.close()


def test_the_canary_would_see_an_unguarded_engine(canary):
    """Control: pyoxigraph on its own *does* open HTTP connections for SERVICE, so the canary
    can detect it (and the assertions below can fail)."""
    store = ox.Store()
    list(store.query(f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}"))
    assert len(canary.requests) == 1 and canary.requests[0].split()[1].startswith("/sparql")


def attacks(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/silent> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICESILENT<{url}/glued>{{ ?s ?p ?o }} }}",
        f"select * where {{ ?s ?p ?o . optional {{ service <{url}/lower> {{ ?s ?p ?x }} }} }}",
        f"SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{url}/exists> {{ ?s ?p ?o }} }} AS ?b) }}",
        f"PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:prefixed {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}/var> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}/after-true>{{ ?a ?b ?c }} }}",
        f"SELECT * FROM <{url}/from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/from-named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"ASKFROM<{url}/ask>{{ ?s ?p ?o }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
        f"LOAD <{url}/data.ttl>",
        f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:x>",
        "LOAD <file:///etc/passwd>",
    ]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_federation_foreign_datasets_and_load_are_refused_before_evaluation(terms_server, canary, how):
    for query in attacks(canary.url):
        if how == "get":
            reply = call(terms_server, params={"query": query})
        elif how == "form":
            reply = call(terms_server, "POST", body=form(query), headers=FORM_HEADERS)
        else:
            reply = call(terms_server, "POST", body=query, headers=DIRECT_HEADERS)
        assert reply.status == 400, (query, reply.body)
        assert reply.error["code"] == "query_refused", query
    assert canary.requests == []


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_foreign_protocol_dataset_is_refused(terms_server, canary, parameter):
    for graph in (canary.url + "/g", "file:///etc/passwd"):
        reply = call(terms_server, params={"query": "ASK { ?s ?p ?o }", parameter: graph})
        assert reply.status == 400 and parameter in reply.error["message"]
    assert canary.requests == []


def test_update_and_load_through_the_update_media_type(terms_server, canary):
    reply = call(terms_server, "POST", body=f"LOAD <{canary.url}/x.ttl>", headers={"Content-Type": "application/sparql-update"})
    assert reply.status == 400 and reply.error["code"] == "query_refused"
    reply = call(terms_server, "POST", body=f"update=LOAD+%3C{canary.url}/y.ttl%3E".encode(), headers=FORM_HEADERS)
    assert reply.status == 400
    assert canary.requests == []


def test_worker_processes_cannot_open_network_connections(canary, tmp_path):
    """Defence in depth: even with the guard bypassed, the sandboxed worker cannot connect."""
    store = ox.Store()
    workers = QueryProcesses(store, size=1)
    try:
        job = QueryJob(f"SELECT * WHERE {{ SERVICE <{canary.url}/bypass> {{ ?s ?p ?o }} }}")
        with pytest.raises(BadInput) as refused:
            workers.run(job, timeout=10, generation=lambda: 0, fork_lock=threading.Lock())
        assert "could not be evaluated" in refused.value.message
        answer = workers.run(QueryJob("ASK {}"), timeout=10, generation=lambda: 0, fork_lock=threading.Lock())
        assert answer.sandboxed, "the seccomp filter could not be installed on this platform"
    finally:
        workers.close()
    assert canary.requests == []


# -- the guard on its own -----------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT ?service WHERE { ?service a <http://x/SERVICE> }",
    'SELECT * WHERE { ?s ?p """FROM <http://x/> \n SERVICE""" }',
    "SELECT * WHERE { ?s <http://x/from> ?o FILTER(?s < ?o && ?o > ?s) }",
    "SELECT * WHERE { ?s ex:service ?o }",
])
def test_guard_ignores_keywords_inside_strings_iris_comments_and_names(query):
    info = inspect_query(query)
    assert not info.service and not info.has_dataset and info.form == "select"


@pytest.mark.parametrize("query, form_", [
    ("PREFIX x: <http://x/> select * {}", "select"),
    ("  # comment\n ASK {}", "ask"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
    ("DESCRIBE <http://x/>", "describe"),
    ("INSERT DATA { <a:b> <a:b> <a:b> }", "update"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
    ("SELEC * {}", "unknown"),
])
def test_guard_reads_the_query_form(query, form_):
    assert inspect_query(query).form == form_


def test_guard_resolves_dataset_iris_like_the_engine():
    info = inspect_query("BASE <http://a/b/> PREFIX g: <http://g/> SELECT * FROM <../c> FROM NAMED g:d\\.e FROMNAMED<f> WHERE {}")
    assert info.from_graphs == ("http://a/c",) and info.from_named == ("http://g/d.e", "http://a/b/f")
    with pytest.raises(QueryRefused):
        check_query("SELECT * FROM <relative> WHERE {}")
    with pytest.raises(QueryRefused):
        check_query("SELECT * FROM <http://elsewhere/> WHERE {}", graphs=[G_OTHER])
    assert check_query(f"SELECT * FROM <{G_OTHER}> WHERE {{}}", graphs=[G_OTHER]).from_graphs == (G_OTHER,)


# -- the time limit -----------------------------------------------------------------------------


def wait_until(condition, timeout: float = 5.0) -> None:
    """Poll ``condition`` every 10 ms until it holds (fails after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    ticker = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        ticker.wait(0.01)


def test_a_cartesian_product_is_stopped_at_the_limit_while_a_cheap_query_answers(terms_server, terms_app):
    processes = terms_app.extensions["shnor_kg"].store._workers()
    outcome: dict = {}

    def long_query() -> None:
        started = time.monotonic()
        outcome["reply"] = call(terms_server, params={"query": CARTESIAN})
        outcome["seconds"] = time.monotonic() - started

    runner = threading.Thread(target=long_query)
    runner.start()
    wait_until(lambda: len(processes._registry.pids) > len(processes._idle[True]) + len(processes._idle[False]))  # the long query is evaluating
    busy = set(processes._registry.pids)
    started = time.monotonic()
    cheap = call(terms_server, params={"query": "ASK { ?s ?p ?o }"})
    cheap_seconds = time.monotonic() - started
    runner.join(30)
    assert cheap.status == 200 and cheap.json()["boolean"] is True
    assert cheap_seconds < 1.0, cheap_seconds
    reply = outcome["reply"]
    assert reply.status == 503, reply.body
    assert reply.error["code"] == "query_timeout" and f"{QUERY_TIMEOUT:g} s" in reply.error["message"]
    assert reply.error["limit_seconds"] == QUERY_TIMEOUT
    assert b"results" not in reply.body  # never a partial answer
    assert QUERY_TIMEOUT <= outcome["seconds"] < QUERY_TIMEOUT + 1.5
    killed = busy - set(processes._registry.pids)
    assert killed, "the worker that ran the long query is still registered"
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # the work really stopped: the process is gone
    assert call(terms_server, params={"query": "ASK { ?s ?p ?o }"}).status == 200  # a fresh worker


def _cartesian_store() -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i), ox.NamedNode("urn:g")) for i in range(400))
    return store


def test_a_long_adhoc_query_is_reniced_and_one_more_is_stopped_at_once():
    """Past ``long_after`` an ad hoc query leaves its slot for a long one at nice 19; with the long
    slot taken, the next one is stopped there (ServerBusy, Retry-After) while short ones still run."""
    workers = QueryProcesses(_cartesian_store(), size=2, long_slots=1, long_after=0.3)
    lock, outcomes = threading.Lock(), {}

    def run(key: str) -> None:
        started = time.monotonic()
        try:
            workers.run(QueryJob(CARTESIAN, adhoc=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        except (QueryTimeout, ServerBusy) as exc:
            outcomes[key] = (exc, time.monotonic() - started)

    try:
        first = threading.Thread(target=run, args=("first",))
        first.start()
        wait_until(lambda: any(_nice(pid) == 19 for pid in list(workers._registry.pids)))  # moved to the long slot
        second = threading.Thread(target=run, args=("second",))
        second.start()
        second.join(10)
        shed, shed_seconds = outcomes["second"]
        assert isinstance(shed, ServerBusy) and shed.status == 503 and shed.details["retry_after"] > 0
        assert 0.3 <= shed_seconds < 1.5, shed_seconds
        cheap = workers.run(QueryJob("ASK { ?s ?p ?o }", adhoc=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        assert cheap.body == b"true"  # the long one left its slot
        first.join(10)
        stopped, seconds = outcomes["first"]
        assert isinstance(stopped, QueryTimeout) and 3 <= seconds < 4.5
    finally:
        workers.close()


def test_stored_and_internal_queries_are_never_reniced_or_shed():
    workers = QueryProcesses(_cartesian_store(), size=2, long_slots=0, long_after=0.2)
    try:
        with pytest.raises(QueryTimeout):  # not ServerBusy, although no long slot exists
            workers.run(QueryJob(CARTESIAN), timeout=1, generation=lambda: 0, fork_lock=threading.Lock())
    finally:
        workers.close()


def test_ad_hoc_queries_have_their_own_slots_and_a_lower_priority():
    """With every ad hoc slot taken by a long query, ours still get a process at once, at nice 0;
    the ad hoc processes run at ``adhoc_nice``."""
    workers = QueryProcesses(_cartesian_store(), size=1, long_slots=0, adhoc_nice=7)
    lock, outcome = threading.Lock(), {}

    def long_adhoc() -> None:
        try:
            workers.run(QueryJob(CARTESIAN, adhoc=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        except QueryTimeout as exc:
            outcome["adhoc"] = exc

    try:
        runner = threading.Thread(target=long_adhoc)
        runner.start()
        wait_until(lambda: len(workers._registry.pids) == 1)
        (adhoc_pid,) = workers._registry.pids
        wait_until(lambda: _nice(adhoc_pid) == 7)
        started = time.monotonic()
        ours = workers.run(QueryJob("ASK { ?s ?p ?o }"), timeout=3, generation=lambda: 0, fork_lock=lock)
        assert ours.body == b"true" and time.monotonic() - started < 1.0  # no wait for the ad hoc slot
        assert [_nice(pid) for pid in workers._registry.pids - {adhoc_pid}] == [0]
        runner.join(10)
        assert isinstance(outcome["adhoc"], QueryTimeout)
    finally:
        workers.close()


@pytest.mark.parametrize("query, expected", [
    (CARTESIAN, True),
    ("SELECT * WHERE { ?s ?p ?o . ?x ?y ?z }", True),
    ("SELECT * WHERE { { ?s ?p ?o } { $x ?y ?z } }", True),
    ("SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }", False),  # a join on ?o
    ("SELECT * WHERE { ?s ?p ?o . ?x a ?o }", False),  # the second pattern is not a whole-store scan
    ("SELECT ?s ?p ?o ?a ?b ?c WHERE { ?s ?p ?o }", False),  # a projection is not a pattern
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?a ?b ?c", False),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?x = '. ?a ?b ?c .') }", False),  # inside a string
])
def test_the_guard_sees_a_cross_product_of_whole_store_patterns(query, expected):
    assert inspect_query(query).cross_product is expected


def test_a_cross_product_starts_in_a_long_slot_at_the_lowest_priority():
    workers = QueryProcesses(_cartesian_store(), size=1, long_slots=1, long_after=30, adhoc_nice=7)
    lock, outcome = threading.Lock(), {}

    def long_job() -> None:
        try:
            workers.run(QueryJob(CARTESIAN, adhoc=True, long=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        except QueryTimeout as exc:
            outcome["first"] = exc

    try:
        runner = threading.Thread(target=long_job)
        runner.start()
        wait_until(lambda: any(_nice(pid) == 19 for pid in list(workers._registry.pids)))  # long_after (30 s) not reached
        started = time.monotonic()
        with pytest.raises(ServerBusy, match="cross product"):  # the long slot is taken: stopped at once
            workers.run(QueryJob(CARTESIAN, adhoc=True, long=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        assert time.monotonic() - started < 0.5
        cheap = workers.run(QueryJob("ASK { ?s ?p ?o }", adhoc=True), timeout=3, generation=lambda: 0, fork_lock=lock)
        assert cheap.body == b"true"  # the ad hoc slot stayed free
        runner.join(10)
        assert isinstance(outcome["first"], QueryTimeout)
    finally:
        workers.close()


def test_the_endpoint_answers_a_shed_query_with_503_and_retry_after(tmp_path, live_server_for):
    from tests.sparql_support import build_app

    base = live_server_for(build_app(str(tmp_path / "kg"), query_timeout=4.0, long_query_seconds=0.3, long_queries=0))
    started = time.monotonic()
    reply = call(base, params={"query": CARTESIAN})
    assert reply.status == 503 and reply.error["code"] == "server_busy", reply.body
    assert int(reply.headers["Retry-After"]) > 0
    assert time.monotonic() - started < 2.0
    assert call(base, params={"query": "ASK { ?s ?p ?o }"}).status == 200


def _nice(pid: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:
        return None


def test_workers_follow_a_new_dataset_version(tmp_path, live_server_for):
    from tests.sparql_support import build_app, triples_of

    app = build_app(str(tmp_path / "kg"))
    base = live_server_for(app)
    query = "ASK { <https://w3id.org/shnor/id/test/new> ?p ?o }"
    assert call(base, params={"query": query}).json()["boolean"] is False
    app.extensions["shnor_kg"].store.replace_graph(G_OTHER, triples_of('<https://w3id.org/shnor/id/test/new> <urn:p> "x" .'))
    assert call(base, params={"query": query}).json()["boolean"] is True
