"""The application factory, /health and the basic /sparql answer."""

from shnor_kg.server.catalog import Catalog

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_sparql_get_and_post_answer_a_count(client):
    for response in (client.get("/sparql", query_string={"query": COUNT}), client.post("/sparql", data={"query": COUNT})):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        n = response.get_json()["results"]["bindings"][0]["n"]
        assert n["datatype"].endswith("#integer") and int(n["value"]) >= 0


def test_missing_query_is_400_with_the_canonical_body(client):
    response = client.post("/sparql", data={"format": "json"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "bad_input" and "query" in body["error"]["message"]


def test_unknown_page_is_404(client):
    assert client.get("/api/nothing").status_code == 404


def test_vocabulary_graph_is_loaded_once(app):
    from shnor_kg.server.app import Services

    services: Services = app.extensions["shnor_kg"]
    version = services.store.version()
    Catalog(services.store, services.config.data_dir).ensure_vocabulary()
    assert services.store.version() == version


def test_a_malformed_document_id_is_404_not_500(client):
    for path in ("/api/validation/a%3Eb", "/api/validation/A%20B", "/validation/x%3E"):
        response = client.get(path)
        assert response.status_code == 404, path
