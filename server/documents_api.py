"""The documents API: list, upload (POST) and delete acts. Writes need the configured bearer token."""

from __future__ import annotations

import hmac
import re

from flask import Blueprint, jsonify, request

from ..errors import BadInput, Forbidden, Unauthorized
from .app import services
from .intake import submission_from_bytes

blueprint = Blueprint("documents_api", __name__)
SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def require_write_token() -> None:
    """401 without a bearer token, 403 with a wrong one or when writes are disabled."""
    expected = services().config.write_token
    if not expected:
        raise Forbidden("writes are disabled on this service (no write_token is configured)")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("this operation needs an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Forbidden("the bearer token is not valid")


def _client_file_name(raw: str | None) -> str:
    """Only the base name of what the client calls the file, for metadata; never used as a path."""
    base = (raw or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    return SAFE_NAME.sub("_", base)[:120] or "upload"


@blueprint.get("/api/documents")
def list_documents():
    return jsonify(documents=services().catalog.documents())


@blueprint.post("/api/documents")
def upload_document():
    require_write_token()
    upload = request.files.get("file")
    if upload is None:
        raise BadInput("send the act as a multipart form field named 'file'", parameter="file")
    data = upload.read()
    if not data:
        raise BadInput(f"{_client_file_name(upload.filename)}: the file is empty", parameter="file")
    svc = services()
    outcome = svc.catalog.add(submission_from_bytes(_client_file_name(upload.filename), data, config=svc.config))
    status = 201 if outcome.status == "ingested" else 200
    return jsonify(doc_id=outcome.doc_id, status=outcome.status, triples=outcome.triples), status


@blueprint.delete("/api/documents/<doc_id>")
def delete_document(doc_id: str):
    require_write_token()
    services().catalog.remove(doc_id)
    return "", 204
