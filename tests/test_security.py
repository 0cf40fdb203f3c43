"""Writes only with authority, rate limits, security headers and the JSON access log."""

import io
import json
import logging

import pytest

from shnor_kg.server.security import ACCESS_LOG, RateLimiter
from shnor_kg.errors import TooManyRequests

from .conftest import make_app

TTL = '@prefix ex: <http://example.org/> . ex:a ex:title "<script>alert(1)</script>" .\n'.encode()


@pytest.fixture
def writable(config):
    return make_app(config.replace(write_token="s3cret-token")).test_client()


def upload(client, headers=None, name="act.ttl", data=TTL):
    return client.post("/api/documents", data={"file": (io.BytesIO(data), name)}, headers=headers or {}, content_type="multipart/form-data")


def test_writes_are_disabled_without_a_configured_token(client):
    response = upload(client, {"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert "writes are disabled" in response.get_json()["error"]["message"]


def test_upload_needs_a_bearer_token(writable):
    assert upload(writable).status_code == 401
    assert upload(writable, {"Authorization": "Basic czNjcmV0"}).status_code == 401
    assert upload(writable, {"Authorization": "Bearer wrong"}).status_code == 403
    assert writable.get("/api/documents").get_json()["documents"] == []


def test_upload_and_delete_with_the_token(writable):
    auth = {"Authorization": "Bearer s3cret-token"}
    response = upload(writable, auth, name="../../etc/passwd.ttl")
    assert response.status_code == 201, response.get_json()
    doc_id = response.get_json()["doc_id"]
    [meta] = writable.get("/api/documents").get_json()["documents"]
    assert meta["source_name"] == "passwd.ttl"
    assert writable.delete(f"/api/documents/{doc_id}").status_code == 401
    assert writable.delete(f"/api/documents/{doc_id}", headers=auth).status_code == 204
    assert writable.delete(f"/api/documents/{doc_id}", headers=auth).status_code == 404


def test_empty_and_missing_uploads_are_400(writable):
    auth = {"Authorization": "Bearer s3cret-token"}
    assert upload(writable, auth, data=b"").status_code == 400
    response = writable.post("/api/documents", data={}, headers=auth, content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "file"


def test_oversized_upload_is_413(config):
    client = make_app(config.replace(write_token="t", max_upload_bytes=1000)).test_client()
    response = upload(client, {"Authorization": "Bearer t"}, data=b"x" * 5000)
    assert response.status_code == 413


def test_rate_limit_answers_429_with_retry_after(config):
    client = make_app(config.replace(rate_limit=3)).test_client()
    statuses = [client.get("/sparql", query_string={"query": "ASK {}"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert client.get("/health").status_code == 200  # not rate limited


def test_rate_limiter_window_slides():
    limiter = RateLimiter(2)
    limiter.check("a", now=0)
    limiter.check("a", now=1)
    with pytest.raises(TooManyRequests):
        limiter.check("a", now=30)
    limiter.check("b", now=30)
    limiter.check("a", now=60.5)


def test_security_headers(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    api = client.get("/health")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_access_log_is_one_json_line_per_request(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    ACCESS_LOG.addHandler(handler)
    level = ACCESS_LOG.level
    ACCESS_LOG.setLevel(logging.INFO)
    try:
        client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
        client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
    finally:
        ACCESS_LOG.removeHandler(handler)
        ACCESS_LOG.setLevel(level)
    answered, refused = (json.loads(line) for line in stream.getvalue().strip().splitlines()[-2:])
    assert answered["method"] == "GET" and answered["path"] == "/sparql" and answered["status"] == 200
    assert {"ms", "rows", "truncated", "client"} <= set(answered) and answered["error"] is None
    assert refused["status"] == 400 and refused["error"] == "query_syntax"  # the error code, to tell 503s apart
