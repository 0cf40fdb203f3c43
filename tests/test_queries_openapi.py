"""The OpenAPI description at /api/openapi.json: generated from the stored-query headers, valid
OpenAPI 3, and honoured by the live server (schemathesis generates requests for every operation
from the document and checks the answers against it, over HTTP on loopback)."""

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
