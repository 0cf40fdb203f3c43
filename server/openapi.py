"""The OpenAPI 3.0 description of the HTTP API, generated from the stored-query headers.

Each stored query is its own operation (``GET /api/queries/<name>``) with its typed parameters,
so clients and generated SDKs see exactly what each query takes. The other endpoints of the
service (SPARQL, health, documents, network) are described here by hand; add yours to
``STATIC_PATHS`` when you add an endpoint.
"""

from __future__ import annotations

from typing import Mapping

from ..queries import StoredQuery
from ..queries.formats import DELIMITERS

OPENAPI_VERSION = "3.0.3"
JSON = "application/json"
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": ERROR_REF}}}


ERRORS = {
    "400": _error("A parameter is missing, unknown or not of its declared type (the message names it)."),
    "429": _error("Too many requests from this client (see Retry-After)."),
    "503": _error("The query ran past the time limit, or the store is unavailable."),
}

COMPONENTS = {
    "schemas": {
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["code", "message", "status"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "status": {"type": "integer"}},
                "additionalProperties": True,
            }},
        },
        "Param": {
            "type": "object",
            "properties": {
                "name": {"type": "string"}, "type": {"type": "string"}, "classes": {"type": "array", "items": {"type": "string"}},
                "default": {"type": "string", "nullable": True}, "required": {"type": "boolean"},
                "choices": {"type": "array", "items": {"type": "string"}}, "expected": {"type": "string"},
                "label": {"oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]},
            },
        },
        "CatalogueEntry": {
            "type": "object", "required": ["name", "title", "description", "view", "params", "href"],
            "properties": {
                "name": {"type": "string"},
                "title": {"oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]},
                "description": {"oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]},
                "view": {"type": "string", "enum": ["table", "bar", "network", "timeline"]},
                "hints": {"type": "object", "additionalProperties": {"type": "string"}},
                "variables": {"type": "array", "items": {"type": "string"}},
                "params": {"type": "array", "items": {"$ref": "#/components/schemas/Param"}},
                "href": {"type": "string"}, "page": {"type": "string"},
            },
        },
        "SparqlResults": {"type": "object", "description": "SPARQL 1.1 Query Results JSON"},
    },
    "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
}


def _format_parameters() -> list[dict]:
    return [
        {"name": "format", "in": "query", "required": False, "description": "json (default), csv (UTF-8 with BOM), tsv, sparql-json",
         "schema": {"type": "string", "enum": ["json", "csv", "tsv", "sparql-json"], "default": "json"}},
        {"name": "delimiter", "in": "query", "required": False, "description": "CSV delimiter (format=csv only); ';' for Excel in a Russian locale",
         "schema": {"type": "string", "enum": sorted(DELIMITERS)}},
    ]


def _query_parameter(param) -> dict:
    return {
        "name": param.name, "in": "query", "required": param.required,
        "description": f"{param.label('en')} / {param.label('ru')}: {param.expected}",
        "schema": param.json_schema(),
    }


def _row_schema(query: StoredQuery) -> dict:
    value = {"nullable": True, "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
    return {"type": "object", "properties": {v: value for v in query.variables}, "additionalProperties": False}


def _result_schema(query: StoredQuery) -> dict:
    return {
        "type": "object",
        "required": ["query", "params", "version", "variables", "rows", "truncated", "cached"],
        "properties": {
            "query": {"type": "string", "enum": [query.name]},
            "params": {"type": "object", "additionalProperties": {"type": "string"}},
            "version": {"type": "string"},
            "variables": {"type": "array", "items": {"type": "string", "enum": list(query.variables)}},
            "rows": {"type": "array", "items": _row_schema(query)},
            "truncated": {"type": "boolean"},
            "cached": {"type": "boolean"},
            "elapsed_ms": {"type": "number"},
        },
    }


def query_operation(query: StoredQuery) -> dict:
    """The ``get`` operation of one stored query."""
    return {
        "operationId": "query_" + query.name.replace("-", "_"),
        "tags": ["stored queries"],
        "summary": query.title["en"],
        "description": f"{query.description['en']}\n\n{query.title['ru']}. {query.description['ru']}",
        "parameters": [_query_parameter(p) for p in query.params] + _format_parameters(),
        "responses": {
            "200": {
                "description": "The result (rows in the query's variable order).",
                "headers": {
                    "X-Shnor-Rows": {"schema": {"type": "integer"}, "description": "rows returned"},
                    "X-Shnor-Truncated": {"schema": {"type": "string", "enum": ["true", "false"]}, "description": "cut at the row limit"},
                    "X-Shnor-Cache": {"schema": {"type": "string", "enum": ["hit", "miss"]}, "description": "answered from the per-version cache"},
                    "X-Shnor-Dataset-Version": {"schema": {"type": "string"}, "description": "the data version answered"},
                    "X-Shnor-Elapsed-Ms": {"schema": {"type": "string"}, "description": "milliseconds spent on this call"},
                },
                "content": {
                    JSON: {"schema": _result_schema(query)},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                },
            },
            **ERRORS,
        },
    }


STATIC_PATHS: dict[str, dict] = {
    "/api/queries": {"get": {
        "operationId": "list_queries", "tags": ["stored queries"], "summary": "The catalogue of stored queries",
        "parameters": [{"name": "lang", "in": "query", "required": False, "description": "only this language's titles",
                        "schema": {"type": "string", "enum": ["ru", "en"]}}],
        "responses": {"200": {"description": "The catalogue", "content": {JSON: {"schema": {
            "type": "object", "required": ["queries"],
            "properties": {"queries": {"type": "array", "items": {"$ref": "#/components/schemas/CatalogueEntry"}}}}}}},
            **ERRORS},
    }},
    "/api/openapi.json": {"get": {
        "operationId": "openapi", "tags": ["service"], "summary": "This description",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {JSON: {"schema": {"type": "object"}}}}, "429": ERRORS["429"]},
    }},
    "/health": {"get": {
        "operationId": "health", "tags": ["service"], "summary": "Liveness and the dataset version",
        "responses": {"200": {"description": "ok", "content": {JSON: {"schema": {
            "type": "object", "required": ["status", "version"],
            "properties": {"status": {"type": "string"}, "version": {"type": "string"}}}}}}},
    }},
    "/sparql": {
        "get": {
            "operationId": "sparql_get", "tags": ["SPARQL"], "summary": "SPARQL 1.1 query (protocol, GET)",
            "parameters": [{"name": "query", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}}],
            "responses": {
                "200": {"description": "SELECT/ASK results or a graph", "content": {
                    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                    "application/n-triples": {"schema": {"type": "string"}}}},
                **ERRORS,
            },
        },
    },
    "/api/documents": {
        "get": {
            "operationId": "list_documents", "tags": ["documents"], "summary": "The stored documents",
            "responses": {"200": {"description": "metadata of every document", "content": {JSON: {"schema": {
                "type": "object", "properties": {"documents": {"type": "array", "items": {"type": "object"}}}}}}},
                "429": ERRORS["429"]},
        },
        "post": {
            "operationId": "upload_document", "tags": ["documents"], "summary": "Ingest an act (needs the write token)",
            "security": [{"bearerAuth": []}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {
                "201": {"description": "ingested", "content": {JSON: {"schema": {"type": "object"}}}},
                "200": {"description": "replaced or unchanged", "content": {JSON: {"schema": {"type": "object"}}}},
                "401": _error("no bearer token"), "403": _error("wrong token or writes disabled"),
                "413": _error("the file is too large"), **ERRORS,
            },
        },
    },
    "/api/documents/{doc_id}": {
        "delete": {
            "operationId": "delete_document", "tags": ["documents"], "summary": "Remove a document (needs the write token)",
            "security": [{"bearerAuth": []}],
            "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}],
            "responses": {"204": {"description": "removed"}, "401": _error("no bearer token"),
                          "403": _error("wrong token or writes disabled"), "404": _error("no such document"), **ERRORS},
        },
    },
    "/api/compare": {"get": {
        "operationId": "compare", "tags": ["comparison"],
        "summary": "Items by type of responsible body, themes, role holders and completeness, per region or municipality (and year)",
        "description": "One column per place (times each year given). An item counts once for each body category it "
                       "involves (<orgType> for organisations, collective:<orgType> for collective responsibles, none "
                       "for no responsible party); share = items involving the category / all items of the column.",
        "parameters": [
            {"name": "region", "in": "query", "required": False, "style": "form", "explode": True,
             "description": "a region's ISO 3166-2 code (RU-TUL) or IRI; repeat for more columns",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "municipality", "in": "query", "required": False, "style": "form", "explode": True,
             "description": "a municipality's slug (ru-tul-tula) or IRI; repeat for more columns",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "year", "in": "query", "required": False, "style": "form", "explode": True,
             "description": "split each place by these years of the acts",
             "schema": {"type": "array", "items": {"type": "string", "pattern": r"^\d{4}$"}}},
            {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["ru", "en"]}},
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}},
            {"name": "table", "in": "query", "required": False, "description": "the table to download (format=csv only)",
             "schema": {"type": "string", "enum": ["types", "themes", "roles", "completeness"]}},
            {"name": "delimiter", "in": "query", "required": False, "description": "CSV delimiter (format=csv only)",
             "schema": {"type": "string", "enum": sorted(DELIMITERS)}},
        ],
        "responses": {"200": {"description": "the comparison", "content": {
            JSON: {"schema": {"type": "object", "required": ["categories", "themes", "columns", "rule", "version", "cached"],
                              "properties": {"categories": {"type": "array", "items": {"type": "object"}},
                                             "themes": {"type": "array", "items": {"type": "object"}},
                                             "columns": {"type": "array", "items": {"type": "object", "required": [
                                                 "id", "label", "items", "types", "themes", "roles", "completeness"]}},
                                             "rule": {"type": "string"}, "version": {"type": "string"}, "cached": {"type": "boolean"}}}},
            "text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
    }},
    "/api/compare/items": {"get": {
        "operationId": "compare_items", "tags": ["comparison"], "summary": "The plan items behind a number of the comparison",
        "parameters": [
            {"name": "column", "in": "query", "required": True, "description": "region:RU-TUL, municipality:ru-tul-tula@2024 …",
             "schema": {"type": "string", "minLength": 1}},
            {"name": "type", "in": "query", "required": False, "description": "a body category, none, or all (default)",
             "schema": {"type": "string"}},
            {"name": "theme", "in": "query", "required": False, "description": "a theme (themeNetworking or its IRI), or none",
             "schema": {"type": "string"}},
            {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 0}},
            {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200}},
            {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["ru", "en"]}},
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}},
            {"name": "delimiter", "in": "query", "required": False, "schema": {"type": "string", "enum": sorted(DELIMITERS)}},
        ],
        "responses": {"200": {"description": "the items, each with its source text span", "content": {
            JSON: {"schema": {"type": "object", "required": ["column", "total", "items"],
                              "properties": {"column": {"type": "object"}, "total": {"type": "integer"},
                                             "items": {"type": "array", "items": {"type": "object", "required": [
                                                 "item", "number", "title", "act", "line", "span", "excerpt", "responsible"]}}}}},
            "text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
    }},
}


def openapi_document(catalogue: Mapping[str, StoredQuery], *, server_url: str | None = None) -> dict:
    """The whole OpenAPI document: the static endpoints plus one operation per stored query."""
    paths = dict(STATIC_PATHS)
    for query in catalogue.values():
        paths[f"/api/queries/{query.name}"] = {"get": query_operation(query)}
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "shnor-kg API",
            "version": "1",
            "description": "Stored research queries, SPARQL and documents of the knowledge graph of municipal acts "
                           "on schools with low educational results (ШНОР).",
        },
        "paths": paths,
        "components": COMPONENTS,
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
