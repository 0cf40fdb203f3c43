"""The stored-query API: ``GET /api/queries`` (the catalogue), ``GET /api/queries/<name>`` (a
result as JSON, CSV, TSV or SPARQL JSON) and ``GET /api/openapi.json`` (the API description
generated from the query headers).

Parameters of a query come as query-string arguments named like the query's parameters;
``format`` (``json`` | ``csv`` | ``tsv`` | ``sparql-json``) and ``delimiter`` (``,`` | ``;``, CSV
only) are reserved. Encoded answers are kept per dataset version in the shared response cache
(``response_cache.py``): a repeated request is a file read, whichever server process answers it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import BadParameter
from ..queries import Execution, QueryRunner, get_query, load_catalogue
from ..queries import formats
from .app import services
from .protocol import RECEIPT_HEADERS, apply_cors
from .response_cache import with_receipt
from .results import to_sparql_json

blueprint = Blueprint("api_queries", __name__)

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "sparql-json": "application/sparql-results+json",
}
RESERVED = ("format", "delimiter")
EXTENSION = "shnor_kg_queries"
CACHE_HEADER = "X-Shnor-Cache"


@blueprint.record_once
def _validate_catalogue(state) -> None:
    """Parse and check every stored query when the app is built: a broken .rq stops start-up."""
    load_catalogue()


@blueprint.after_request
def _cors(response: Response) -> Response:
    """CORS as on the SPARQL endpoint (``cors_origins``), exposing the receipt headers."""
    response = apply_cors(response, request.headers.get("Origin"), services().config.cors_origins)
    if "Access-Control-Expose-Headers" in response.headers:
        response.headers["Access-Control-Expose-Headers"] = ", ".join((*RECEIPT_HEADERS, CACHE_HEADER))
    return response


def runner() -> QueryRunner:
    """The application's query runner (one per app, so the cache is shared by its requests)."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        svc = services()
        extensions[EXTENSION] = QueryRunner(svc.store, limit=svc.config.row_limit, timeout=svc.config.query_timeout)
    return extensions[EXTENSION]


def query_arguments(name: str, *, ignore: tuple[str, ...] = RESERVED) -> dict[str, str]:
    """The request's arguments meant for the stored query ``name`` (one value each).

    ``lang`` is the page language too: it is passed on only to queries that declare it."""
    query = get_query(name)
    raw: dict[str, str] = {}
    for key, values in request.args.lists():
        if key in ignore or (key == "lang" and query.param("lang") is None):
            continue
        if len(values) > 1:
            raise BadParameter(f"parameter '{key}' is given {len(values)} times; give it once", parameter=key)
        raw[key] = values[0]
    return raw


def _choice(name: str, allowed, default: str) -> str:
    value = request.args.get(name, default) or default
    if value not in allowed:
        raise BadParameter(f"'{name}' must be one of {', '.join(allowed)}, not {value!r}", parameter=name, expected="enum")
    return value


@blueprint.get("/api/queries")
def catalogue_api() -> Response:
    """Every stored query with its titles, descriptions, view and typed parameters."""
    lang = request.args.get("lang")
    if lang is not None and lang not in ("ru", "en"):
        raise BadParameter(f"'lang' must be ru or en, not {lang!r}", parameter="lang", expected="enum")
    entries = [dict(q.summary(lang), href=f"/api/queries/{q.name}", page=f"/queries/{q.name}") for q in load_catalogue().values()]
    return jsonify(queries=entries)


@blueprint.get("/api/queries/<name>")
def run_api(name: str) -> Response:
    """Run a stored query with the request's parameters; answer in the requested format."""
    get_query(name)  # 404 before anything else
    fmt = _choice("format", FORMATS, "json")
    delimiter = _choice("delimiter", formats.DELIMITERS, ",")
    if "delimiter" in request.args and fmt != "csv":
        raise BadParameter("'delimiter' applies to format=csv only", parameter="delimiter")
    return stored_answer(name, query_arguments(name), fmt, delimiter).response()


@dataclass(frozen=True)
class StoredAnswer:
    """An encoded answer: ``meta`` holds the content type and the receipt headers; a JSON body
    lacks its closing ``cached`` and ``elapsed_ms`` members, which belong to each request."""

    meta: dict
    body: bytes
    cached: bool
    elapsed: float

    def response(self) -> Response:
        body = self.body
        if self.meta["format"] == "json":
            body = with_receipt(body, self.cached, self.elapsed)
        response = Response(body, content_type=FORMATS[self.meta["format"]])
        response.headers.update(self.meta["headers"])
        response.headers["X-Shnor-Elapsed-Ms"] = f"{self.elapsed * 1000:.3f}"
        response.headers[CACHE_HEADER] = "hit" if self.cached else "miss"
        return response


def stored_answer(name: str, raw: dict[str, str], fmt: str = "json", delimiter: str = ",") -> StoredAnswer:
    """The answer of a stored query, from the shared response cache when it holds it (raises
    BadParameter, QueryTimeout, StoreUnavailable as the runner does)."""
    started = time.perf_counter()
    svc = services()
    terms = get_query(name).bind(raw)
    key = ("stored", name, tuple(sorted((k, str(t)) for k, t in terms.items())), fmt, delimiter)
    version = svc.store.version()
    kept = svc.responses.get(version, key)
    if kept is not None:
        return StoredAnswer(*kept, True, time.perf_counter() - started)
    execution = runner().run(name, raw)
    meta, body = encode(execution, fmt, delimiter=delimiter)
    if execution.version == version:
        svc.responses.put(version, key, meta, body)
    return StoredAnswer(meta, body, execution.cached, time.perf_counter() - started)


def encode(execution: Execution, fmt: str, *, delimiter: str = ",") -> tuple[dict, bytes]:
    """(metadata, body) of an answered query in ``fmt``."""
    result = execution.result
    if fmt == "csv":
        body = formats.to_csv(result, delimiter=delimiter).encode("utf-8")
    elif fmt == "tsv":
        body = formats.to_tsv(result).encode("utf-8")
    elif fmt == "sparql-json":
        body = to_sparql_json(result)
    else:
        body = current_app.json.dumps(_json_body(execution)).encode("utf-8")
    headers = {
        "X-Shnor-Rows": str(len(result.rows)),
        "X-Shnor-Truncated": "true" if result.truncated else "false",
        "X-Shnor-Dataset-Version": execution.version,
    }
    if fmt in ("csv", "tsv"):
        headers["Content-Disposition"] = f'attachment; filename="{execution.query.name}.{fmt}"'
    return {"format": fmt, "headers": headers}, body


def _json_body(execution: Execution) -> dict:
    result = execution.result
    return {
        "query": execution.query.name,
        "params": execution.params,
        "version": execution.version,
        "variables": list(result.variables),
        "rows": formats.json_rows(result),
        "truncated": result.truncated,
    }


@blueprint.get("/api/openapi.json")
def openapi_api() -> Response:
    """The OpenAPI 3 description of the HTTP API, generated from the stored-query headers."""
    from .openapi import openapi_document

    return jsonify(openapi_document(load_catalogue(), server_url=request.host_url.rstrip("/")))
