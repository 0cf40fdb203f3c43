"""The SPARQL 1.1 Protocol over raw HTTP (http.client against a live loopback server): every
operation, content negotiation, the dataset parameters, each error with its status, receipts,
the row cap, CORS."""

from __future__ import annotations

import pytest

from tests.sparql_support import (  # noqa: F401 (fixtures)
    CORS_ORIGINS, DIRECT_HEADERS, FORM_HEADERS, G_OTHER, G_TERMS, MAX_QUERY_LENGTH, ROW_LIMIT, SELECT_TERMS,
    call, form, terms_app, terms_server, terms_store,
)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ASK = f"ASK {{ GRAPH <{G_TERMS}> {{ ?s ?p ?o }} }}"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G_OTHER}> {{ ?s ?p ?o }} }}"
RECEIPTS = ("X-Shnor-Elapsed-Ms", "X-Shnor-Rows", "X-Shnor-Truncated", "X-Shnor-Dataset-Version")


def count(reply) -> int:
    assert reply.status == 200, reply.body
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def count_in(store, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    return int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0][0].value)


# -- the three operations -------------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(terms_server):
    replies = [
        call(terms_server, params={"query": SELECT_TERMS}),
        call(terms_server, "POST", body=form(SELECT_TERMS), headers=FORM_HEADERS),
        call(terms_server, "POST", body=SELECT_TERMS, headers=DIRECT_HEADERS),
        call(terms_server, "POST", body=SELECT_TERMS, headers={"Content-Type": "application/sparql-query; charset=UTF-8"}),
    ]
    for reply in replies:
        assert reply.status == 200, reply.body
        assert reply.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    bodies = [sorted(map(str, r.json()["results"]["bindings"])) for r in replies]
    assert all(body == bodies[0] for body in bodies) and len(bodies[0]) == 14


def test_default_graph_is_the_union_of_the_named_graphs(terms_server, terms_store):
    assert count(call(terms_server, params={"query": COUNT})) == count_in(terms_store) > 0


# -- content negotiation ------------------------------------------------------------------------


@pytest.mark.parametrize("accept, media_type", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("text/html", "text/html"),
])
def test_select_formats_by_accept(terms_server, accept, media_type):
    reply = call(terms_server, params={"query": SELECT_TERMS}, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.body
    assert reply.content_type == media_type
    assert "Accept" in reply.headers.get("Vary", "")


@pytest.mark.parametrize("accept, media_type, marker", [
    (None, "text/turtle", b"<https://w3id.org/shnor/id/test/o1>"),
    ("text/turtle", "text/turtle", b'"one"'),
    ("application/n-triples", "application/n-triples", b'<https://w3id.org/shnor/id/test/o1> <https://w3id.org/shnor/id/test/p> "one" .'),
    ("application/n-quads", "application/n-quads", b'"two" .'),
    ("application/trig", "application/trig", b'"two"'),
    ("application/ld+json", "application/ld+json", b'"@value":"one"'),
    ("application/rdf+xml", "application/rdf+xml", b"<rdf:RDF"),
])
def test_construct_formats_by_accept(terms_server, accept, media_type, marker):
    reply = call(terms_server, params={"query": CONSTRUCT}, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.body
    assert reply.content_type == media_type and marker in reply.body


def test_describe_is_a_graph_result(terms_server):
    reply = call(terms_server, params={"query": f"DESCRIBE <{'https://w3id.org/shnor/id/test/o1'}>"}, headers={"Accept": "application/n-triples"})
    assert reply.status == 200 and reply.content_type == "application/n-triples"
    assert b'"one"' in reply.body


def test_ask_in_json_and_xml(terms_server):
    assert call(terms_server, params={"query": ASK}).json() == {"head": {}, "boolean": True}
    reply = call(terms_server, params={"query": ASK}, headers={"Accept": "application/sparql-results+xml"})
    assert reply.content_type == "application/sparql-results+xml" and b"<boolean>true</boolean>" in reply.body


@pytest.mark.parametrize("query, value, media_type", [
    (SELECT_TERMS, "csv", "text/csv"),
    (SELECT_TERMS, "tsv", "text/tab-separated-values"),
    (SELECT_TERMS, "xml", "application/sparql-results+xml"),
    (SELECT_TERMS, "application/sparql-results+json", "application/sparql-results+json"),
    (CONSTRUCT, "json-ld", "application/ld+json"),
    (CONSTRUCT, "xml", "application/rdf+xml"),
    (CONSTRUCT, "nt", "application/n-triples"),
])
def test_format_parameter_wins_over_accept(terms_server, query, value, media_type):
    reply = call(terms_server, params={"query": query, "format": value}, headers={"Accept": "text/turtle, application/sparql-results+json"})
    assert reply.status == 200 and reply.content_type == media_type


def test_repeated_format_values_as_sparqlwrapper_sends_them(terms_server):
    reply = call(terms_server, params=[("query", CONSTRUCT), ("format", "rdf+xml"), ("format", "application/rdf+xml")])
    assert reply.status == 200, reply.body
    assert reply.content_type == "application/rdf+xml"


@pytest.mark.parametrize("query, headers, params", [
    (SELECT_TERMS, {"Accept": "text/turtle"}, {}),
    (SELECT_TERMS, {"Accept": "image/png"}, {}),
    (SELECT_TERMS, {}, {"format": "turtle"}),
    (SELECT_TERMS, {}, {"format": "pdf"}),
    (CONSTRUCT, {"Accept": "application/sparql-results+json"}, {}),
    (CONSTRUCT, {}, {"format": "csv"}),
])
def test_406_when_no_format_fits(terms_server, query, headers, params):
    reply = call(terms_server, params={"query": query, **params}, headers=headers)
    assert reply.status == 406, reply.body
    error = reply.error
    assert error["code"] == "not_acceptable"
    assert "this endpoint offers" in error["message"] or "use one of" in error["message"]
    assert error["offered"]


# -- the dataset ----------------------------------------------------------------------------------


def test_default_graph_uri_and_named_graph_uri(terms_server, terms_store):
    reply = call(terms_server, params={"query": COUNT, "default-graph-uri": G_OTHER})
    assert count(reply) == count_in(terms_store, G_OTHER) == 2
    both = call(terms_server, params=[("query", COUNT), ("default-graph-uri", G_OTHER), ("default-graph-uri", G_TERMS)])
    assert count(both) == count_in(terms_store, G_OTHER) + count_in(terms_store, G_TERMS)
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = call(terms_server, params={"query": graphs, "named-graph-uri": G_TERMS})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [G_TERMS]


def test_from_and_from_named_in_the_query(terms_server, terms_store):
    reply = call(terms_server, params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{G_OTHER}> WHERE {{ ?s ?p ?o }}"})
    assert count(reply) == 2
    only_named = call(terms_server, params={"query": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G_OTHER}> WHERE {{ ?s ?p ?o }}"})
    assert count(only_named) == 0  # SPARQL: with only FROM NAMED the default graph is empty
    graph = call(terms_server, params={"query": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G_OTHER}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"})
    assert count(graph) == 2


def test_protocol_dataset_overrides_the_query_dataset(terms_server, terms_store):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G_OTHER}> WHERE {{ ?s ?p ?o }}"
    reply = call(terms_server, params={"query": query, "default-graph-uri": G_TERMS})
    assert count(reply) == count_in(terms_store, G_TERMS) != 2


@pytest.mark.parametrize("params, named", [
    ({"query": COUNT, "default-graph-uri": "https://w3id.org/shnor/graph/nothing"}, "default-graph-uri"),
    ({"query": COUNT, "named-graph-uri": "https://w3id.org/shnor/graph/nothing"}, "named-graph-uri"),
    ({"query": "SELECT * FROM <https://w3id.org/shnor/graph/nothing> WHERE { ?s ?p ?o }"}, "FROM"),
    ({"query": "SELECT * FROM NAMED <https://w3id.org/shnor/graph/nothing> WHERE { ?s ?p ?o }"}, "FROM"),
])
def test_graphs_outside_the_store_are_refused(terms_server, params, named):
    reply = call(terms_server, params=params)
    assert reply.status == 400
    assert reply.error["code"] == "query_refused"
    assert named in reply.error["message"] and "https://w3id.org/shnor/graph/nothing" in reply.error["message"]


# -- errors, each with its status ----------------------------------------------------------------


def test_malformed_query_names_line_and_column(terms_server):
    query = "SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x"
    reply = call(terms_server, params={"query": query})
    assert reply.status == 400
    error = reply.error
    assert error["code"] == "query_syntax"
    assert (error["line"], error["column"]) == (3, 7)  # the "x"
    assert "line 3, column 7" in error["message"] and "LIMIT x\n        ^" in error["message"]


@pytest.mark.parametrize("method, kwargs, fragment", [
    ("GET", {"raw_query": "query=ASK%7B%7D&query=ASK%7B%7D"}, "2 times"),
    ("POST", {"body": b"query=ASK%7B%7D&query=ASK%7B%7D", "headers": FORM_HEADERS}, "2 times"),
    ("POST", {"body": b"query=ASK%7B%7D", "headers": FORM_HEADERS, "raw_query": "query=ASK%7B%7D"}, "2 times"),
    ("POST", {"body": b"ASK {}", "headers": DIRECT_HEADERS, "raw_query": "query=ASK%7B%7D"}, "the body"),
])
def test_repeated_query_is_400(terms_server, method, kwargs, fragment):
    reply = call(terms_server, method, **kwargs)
    assert reply.status == 400 and reply.error["parameter"] == "query"
    assert fragment in reply.error["message"]


def test_missing_or_empty_query_is_400(terms_server):
    for reply in (call(terms_server, "POST", body=b"format=json", headers=FORM_HEADERS),
                  call(terms_server, "POST", body=b"", headers=DIRECT_HEADERS),
                  call(terms_server, params={"query": "  \n "})):
        assert reply.status == 400, reply.body
        assert "query" in reply.error["message"]


@pytest.mark.parametrize("headers, status, fragment", [
    ({}, 415, "needs a Content-Type"),
    ({"Content-Type": "text/plain"}, 415, "text/plain is not accepted"),
    ({"Content-Type": "application/json"}, 415, "application/json is not accepted"),
    ({"Content-Type": "multipart/form-data; boundary=x"}, 415, "multipart/form-data is not accepted"),
    ({"Content-Type": "application/sparql-query; charset=iso-8859-1"}, 415, "must be UTF-8"),
])
def test_wrong_or_missing_content_type(terms_server, headers, status, fragment):
    reply = call(terms_server, "POST", body=b"ASK {}", headers=headers)
    assert reply.status == status
    assert reply.error["code"] == "unsupported_media_type" and fragment in reply.error["message"]


@pytest.mark.parametrize("method, kwargs", [
    ("POST", {"body": "ASK { ?s ?p 'школа' }".encode("cp1251"), "headers": DIRECT_HEADERS}),
    ("POST", {"body": b"query=ASK+%7B+%3Fs+%3Fp+%27%F8%EA%EE%EB%E0%27+%7D", "headers": FORM_HEADERS}),
    ("GET", {"raw_query": "query=ASK+%7B+%3Fs+%3Fp+%27%F8%EA%EE%EB%E0%27+%7D"}),
])
def test_non_utf8_query_is_400(terms_server, method, kwargs):
    reply = call(terms_server, method, **kwargs)
    assert reply.status == 400
    assert "UTF-8" in reply.error["message"]


@pytest.mark.parametrize("method, kwargs", [
    ("POST", {"body": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "headers": {"Content-Type": "application/sparql-update"}}),
    ("POST", {"body": form("ASK {}", update="INSERT DATA { <urn:a> <urn:b> <urn:c> }"), "headers": FORM_HEADERS}),
    ("POST", {"body": b"update=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D", "headers": FORM_HEADERS}),
    ("GET", {"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
    ("GET", {"params": {"query": "PREFIX ex: <urn:x:> DELETE WHERE { ?s ?p ?o }"}}),
    ("POST", {"body": b"CLEAR ALL", "headers": DIRECT_HEADERS}),
    ("GET", {"params": {"query": "DROP GRAPH <https://w3id.org/shnor/graph/test-other>"}}),
])
def test_updates_are_refused(terms_server, terms_store, method, kwargs):
    before = terms_store.version()
    reply = call(terms_server, method, **kwargs)
    assert reply.status == 400
    assert reply.error["code"] == "query_refused" and "read-only" in reply.error["message"]
    assert terms_store.version() == before and count_in(terms_store, G_OTHER) == 2


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(terms_server, method):
    reply = call(terms_server, method, body=b"<urn:a> <urn:b> <urn:c> .", headers={"Content-Type": "text/turtle"})
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, POST, OPTIONS"
    assert reply.error["code"] == "method_not_allowed" and method in reply.error["message"]


def test_query_longer_than_the_limit_is_413(terms_server):
    long_query = "ASK { ?s ?p ?o }" + " " * MAX_QUERY_LENGTH
    for reply in (call(terms_server, "POST", body=long_query, headers=DIRECT_HEADERS),
                  call(terms_server, "POST", body=form(long_query), headers=FORM_HEADERS)):
        assert reply.status == 413
        assert str(MAX_QUERY_LENGTH) in reply.error["message"]
    at_limit = "ASK { ?s ?p ?o }".ljust(MAX_QUERY_LENGTH)
    assert call(terms_server, "POST", body=at_limit, headers=DIRECT_HEADERS).status == 200


# -- receipts and the row cap --------------------------------------------------------------------


def test_every_response_carries_a_receipt(terms_server, terms_store):
    replies = [
        call(terms_server, params={"query": SELECT_TERMS}),
        call(terms_server, params={"query": "SELECT * WHERE {"}),
        call(terms_server, "PUT"),
        call(terms_server, params={"query": SELECT_TERMS}, headers={"Accept": "image/png"}),
        call(terms_server, headers={"Accept": "text/turtle"}),
        call(terms_server, path="/.well-known/void"),
    ]
    for reply in replies:
        for header in RECEIPTS:
            assert reply.headers.get(header) is not None, (reply.status, header)
        assert float(reply.headers["X-Shnor-Elapsed-Ms"]) >= 0
        assert reply.headers["X-Shnor-Dataset-Version"] == terms_store.version()
    assert replies[0].headers["X-Shnor-Rows"] == "14" and replies[0].headers["X-Shnor-Truncated"] == "false"
    assert replies[0].headers["Server-Timing"].startswith("query;dur=")


def test_dataset_version_changes_with_the_data(tmp_path, live_server_for):
    from tests.sparql_support import build_app

    app = build_app(str(tmp_path / "kg"))
    base = live_server_for(app)
    before = call(base, params={"query": COUNT})
    app.extensions["shnor_kg"].store.drop_graph(G_OTHER)
    after = call(base, params={"query": COUNT})
    assert after.headers["X-Shnor-Dataset-Version"] != before.headers["X-Shnor-Dataset-Version"]
    assert count(after) == count(before) - 2


def test_row_cap_truncates_and_says_so(terms_server, terms_store):
    assert count_in(terms_store) > ROW_LIMIT
    reply = call(terms_server, params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    assert reply.headers["X-Shnor-Truncated"] == "true" and reply.headers["X-Shnor-Rows"] == str(ROW_LIMIT)
    assert reply.headers["X-Shnor-Row-Limit"] == str(ROW_LIMIT)
    assert len(reply.json()["results"]["bindings"]) == ROW_LIMIT
    tsv = call(terms_server, params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "format": "tsv"})
    assert tsv.body.count(b"\n") == ROW_LIMIT + 1
    graph = call(terms_server, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert graph.headers["X-Shnor-Truncated"] == "true" and graph.body.count(b"\n") == ROW_LIMIT
    small = call(terms_server, params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 500"})
    assert small.headers["X-Shnor-Truncated"] == "false" and small.headers["X-Shnor-Rows"] == "500"


def test_html_view_states_the_truncation(terms_server):
    reply = call(terms_server, params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}, headers={"Accept": "text/html"})
    assert reply.status == 200 and reply.content_type == "text/html"
    assert reply.headers["X-Shnor-Truncated"] == "true"
    page = reply.body.decode()
    truncated = page.split('id="truncated"', 1)[1].split("</p>", 1)[0]
    assert "hidden" not in truncated.split(">", 1)[0] and str(ROW_LIMIT) in truncated
    assert page.count("<tr>") == ROW_LIMIT + 1


def test_html_view_links_our_iris_to_resource_pages(terms_server):
    reply = call(terms_server, params={"query": SELECT_TERMS, "lang": "en"}, headers={"Accept": "text/html"})
    page = reply.body.decode()
    assert 'href="/id/test/s1"' in page
    assert 'href="https://example.org/path?a=1&amp;b=2#frag"' in page
    assert "Отчёт 📊 готов ✅" in page and "@ru" in page and "xsd:gYear" in page
    assert 'id="truncated" class="sparql-truncated" hidden' in page


# -- CORS ---------------------------------------------------------------------------------------


def test_cors_for_listed_origins_without_credentials(terms_server):
    allowed = call(terms_server, params={"query": ASK}, headers={"Origin": "https://research.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://research.example.org"
    assert "Origin" in allowed.headers["Vary"]
    assert "X-Shnor-Truncated" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    other = call(terms_server, params={"query": ASK}, headers={"Origin": "https://evil.example.com"})
    assert other.status == 200 and "Access-Control-Allow-Origin" not in other.headers


def test_cors_preflight(terms_server):
    reply = call(terms_server, "OPTIONS", headers={"Origin": "http://localhost:8080", "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in reply.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in reply.headers
    refused = call(terms_server, "OPTIONS", headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_cors_any_origin_by_default(tmp_path, live_server_for):
    from tests.sparql_support import build_app

    base = live_server_for(build_app(str(tmp_path / "kg"), cors_origins="*"))
    reply = call(base, params={"query": ASK}, headers={"Origin": "https://anywhere.example"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in reply.headers
    assert CORS_ORIGINS  # the shared server lists origins; this one allows any
