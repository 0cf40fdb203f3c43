"""The OpenAPI description at /api/openapi.json: generated from the stored-query headers, valid
OpenAPI 3, and honoured by the live server (schemathesis generates requests for every operation
from the document and checks the answers against it, over HTTP on loopback)."""

import re
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from werkzeug.serving import make_server

from shnor_kg.queries import load_catalogue
from shnor_kg.server.openapi import openapi_document

from .queries_support import fixture_app, fixture_config, fixture_store  # noqa: F401


@pytest.fixture(scope="module")
def live_url(fixture_app):
    """The app served by a real HTTP server on 127.0.0.1 (an ephemeral port) for this module."""
    server = make_server("127.0.0.1", 0, fixture_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def api_schema(live_url):
    return schemathesis.openapi.from_url(f"{live_url}/api/openapi.json")


def test_document_is_valid_openapi_generated_from_the_headers(fixture_app, api_schema):
    api_schema.validate()  # against the OpenAPI 3.0 meta-schema; raises on any error
    document = fixture_app.test_client().get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    for name, query in load_catalogue().items():
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] == query.title["en"] and query.title["ru"] in operation["description"]
        params = {p["name"]: p for p in operation["parameters"]}
        assert set(params) == {p.name for p in query.params} | {"format", "delimiter"}
        for param in query.params:
            assert params[param.name]["required"] is param.required
        row = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["rows"]["items"]
        assert set(row["properties"]) == set(query.variables)
    month = {p["name"]: p for p in document["paths"]["/api/queries/items-due-in-month"]["get"]["parameters"]}["month"]
    assert month["schema"] == {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "default": "2024-03"}
    assert {"/sparql", "/health", "/api/queries", "/api/documents"} <= set(document["paths"])


def test_every_api_route_is_documented(fixture_app):
    """Each /api/ route of the app, with each of its methods, is an operation of the document."""
    paths = openapi_document(load_catalogue())["paths"]
    for rule in fixture_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        documented = [paths[f"/api/queries/{name}"] for name in load_catalogue()] if path == "/api/queries/{name}" else [paths.get(path, {})]
        for item in documented:
            assert {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}} <= set(item), f"{path} is not documented"


OPERATIONS = [(path, method.upper()) for path, item in openapi_document(load_catalogue())["paths"].items() for method in item]


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_live_server_honours_the_document(api_schema, path, method):
    """No 5xx, documented status codes, content types and headers, bodies matching the schemas.

    ``positive_data_acceptance`` is left out: an IRI parameter must also name an instance of its
    class in the data, which a document cannot state, so a well-formed IRI may rightly get 400."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()


# -- the other JSON APIs, on real answers ---------------------------------------------------------------

ID = "https://w3id.org/shnor/id/"
TULA_DOC = "ru-tul-tula-2024-prikaz-22-1-osn"
#: (path, method, case arguments, a JSON list that must not be empty) — so that the schemas are
#: checked against answers that hold data, which random values over the fixture rarely reach.
SAMPLE_CASES = [
    ("/api/search", {"query": {"q": "Пряжиной"}}, "results"),
    ("/api/search", {"query": {"q": "цнппм", "kind": ["organisation", "act"], "limit": 5, "lang": "en"}}, "results"),
    ("/api/network/{kind}", {"path_parameters": {"kind": "mentorship"}}, "edges"),
    ("/api/network/{kind}", {"path_parameters": {"kind": "co-responsibility"}, "query": {"region": "RU-TUL", "year": 2024}}, "edges"),
    ("/api/network/{kind}", {"path_parameters": {"kind": "participation"}, "query": {"provenance": "none"}}, "nodes"),
    ("/api/network/{kind}", {"path_parameters": {"kind": "mentorship"}, "query": {"format": "gexf"}}, None),
    ("/api/network/node", {"query": {"id": ID + "org/ru-tul-tula/mbou-co-42", "lang": "en"}}, "heads"),
    ("/api/validation", {}, "documents"),
    ("/api/validation/{doc_id}", {"path_parameters": {"doc_id": TULA_DOC}, "query": {"lang": "en"}}, "results"),
    ("/api/validation/{doc_id}", {"path_parameters": {"doc_id": "ru-none-2024-prikaz-1"}}, None),
    ("/api/completeness", {}, "scores"),
    ("/api/completeness", {"query": {"level": "municipality"}}, "scores"),
    ("/api/completeness", {"query": {"level": "region"}}, "scores"),
    ("/api/documents", {}, "documents"),
    ("/api/compare", {"query": {"region": ["RU-TUL", "RU-KOS"], "year": ["2024"]}}, "columns"),
    ("/api/compare/items", {"query": {"column": "region:RU-TUL", "limit": 3}}, "items"),
]


@pytest.fixture(scope="module")
def sample_schema(sample_live_server):
    return schemathesis.openapi.from_url(f"{sample_live_server}/api/openapi.json")


@pytest.mark.parametrize("path, arguments, filled", SAMPLE_CASES, ids=[f"{p}#{i}" for i, (p, _, _) in enumerate(SAMPLE_CASES)])
def test_answers_on_the_sample_acts_match_the_document(sample_schema, path, arguments, filled):
    response = sample_schema[path]["GET"].Case(**arguments).call_and_validate()
    if filled:
        assert response.json()[filled], f"{path}: no {filled} to check the schema against"


def test_document_upload_and_removal_with_the_bearer_token(live_server_for, tmp_path):
    """POST and DELETE /api/documents as documented, on a store of their own with writes enabled."""
    from shnor_kg.config import load_config

    from .conftest import TULA, make_app

    app = make_app(load_config({"data_dir": str(tmp_path / "kg"), "write_token": "t0ken"}, environ={}))
    try:
        schema = schemathesis.openapi.from_url(f"{live_server_for(app)}/api/openapi.json")
        token = {"Authorization": "Bearer t0ken"}
        upload = schema["/api/documents"]["POST"].Case(body={"file": TULA.read_bytes()}, media_type="multipart/form-data")
        created = upload.call_and_validate(headers=token)
        assert created.status_code == 201 and created.json()["doc_id"] == TULA_DOC
        listed = schema["/api/documents"]["GET"].Case().call_and_validate()
        assert [d["doc_id"] for d in listed.json()["documents"]] == [TULA_DOC]
        refused = schema["/api/documents/{doc_id}"]["DELETE"].Case(path_parameters={"doc_id": TULA_DOC}).call_and_validate()
        assert refused.status_code == 401
        removed = schema["/api/documents/{doc_id}"]["DELETE"].Case(path_parameters={"doc_id": TULA_DOC}).call_and_validate(headers=token)
        assert removed.status_code == 204
    finally:
        app.extensions["shnor_kg"].store.close()
