"""The OpenAPI 3.0 description of the HTTP API, generated from the stored-query headers.

Each stored query is its own operation (``GET /api/queries/<name>``) with its typed parameters,
so clients and generated SDKs see exactly what each query takes. The other endpoints of the
service (SPARQL, health, documents, search, network, validation…) are described here by hand;
add yours to ``STATIC_PATHS`` when you add an endpoint (tests/test_queries_openapi.py then runs
schemathesis over it against the live server).
"""

from __future__ import annotations

from typing import Mapping

from ..queries import StoredQuery
from ..queries.formats import DELIMITERS
from .i18n import LANGS
from .network import KINDS, NODE_TYPES
from .search import MAX_LIMIT, MAX_QUERY, SEARCH_KINDS
from .validation import LEVELS as VALIDATION_LEVELS
from .validation import SEVERITIES

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


# -- shapes of the answers of the documents, search, network and validation APIs ----------------------


def _str(nullable: bool = False) -> dict:
    return {"type": "string", "nullable": True} if nullable else {"type": "string"}


def _obj(required: tuple[str, ...], properties: dict, *, nullable: bool = False) -> dict:
    """An object schema with its required names (extra properties allowed: answers may grow)."""
    schema = {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}
    return {**schema, "nullable": True} if nullable else schema


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


_NAMED = _obj(("id", "label"), {"id": _str(), "label": _str(True)}, nullable=True)
_COUNTS = _obj(SEVERITIES, {name: {"type": "integer", "minimum": 0} for name in SEVERITIES})
_LANG = {"name": "lang", "in": "query", "required": False, "description": "the language of labels and messages "
         "(else the lang cookie, else the default)", "schema": {"type": "string", "enum": list(LANGS)}}
_DOC_ID = {"name": "doc_id", "in": "path", "required": True, "description": "a document id (ru-tul-tula-2024-prikaz-22-1-osn)",
           "schema": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}}

SERVICE_SCHEMAS = {
    "Document": _obj(("doc_id",), {
        "doc_id": _str(), "act_iri": _str(True), "act_title": _str(True), "graph": _str(), "source_name": _str(),
        "media_type": _str(), "sha256": _str(), "ingested_at": _str(), "triples": {"type": "integer"},
        "ingest_notes": _list(_str())}),
    "NetworkNode": _obj(("id", "type", "label", "community", "x", "y", "href", "metrics"), {
        "id": _str(), "type": {"type": "string", "enum": list(NODE_TYPES)}, "label": _str(),
        "community": {"type": "integer"}, "x": {"type": "number"}, "y": {"type": "number"},
        "municipality": _str(True), "region": _str(True), "href": _str(True),
        "metrics": {"type": "object", "additionalProperties": {"type": "number"},
                    "description": "degree, weighted_degree, betweenness, component; mentor_load, mentors (mentorship); items"}}),
    "NetworkEdge": _obj(("source", "target", "type", "weight", "provenance"), {
        "source": _str(), "target": _str(), "type": {"type": "string", "enum": ["mentors", "coResponsible", "participates"]},
        "weight": {"type": "number"},
        "provenance": _obj(("orders", "items"), {"orders": _list(_str()), "items": _list(_str())}, nullable=True),
        "years": _list({"type": "integer"}), "roles": _list(_str())}),
    "Network": _obj(("kind", "directed", "version", "filters", "summary", "nodes", "edges"), {
        "kind": {"type": "string", "enum": list(KINDS)}, "directed": {"type": "boolean"}, "version": _str(),
        "filters": _obj((), {"region": _str(), "municipality": _str(), "year": {"type": "integer"}, "theme": _str()}),
        "summary": _obj(("nodes", "edges", "components", "communities"), {
            name: {"type": "integer"} for name in ("nodes", "edges", "components", "communities")}),
        "nodes": _list(_ref("NetworkNode")), "edges": _list(_ref("NetworkEdge"))}),
    "NetworkNodeDetails": _obj(("id", "type", "label", "href", "municipality", "region", "acts", "heads"), {
        "id": _str(), "type": {"type": "string", "enum": list(NODE_TYPES)}, "label": _str(), "href": _str(True),
        "municipality": _NAMED, "region": _NAMED,
        "acts": _list(_obj(("id", "label", "href", "roles"), {
            "id": _str(), "label": _str(), "href": _str(True),
            "roles": _list(_obj(("key", "label", "count"), {"key": _str(), "label": _str(), "count": {"type": "integer"}}))})),
        "heads": _list(_obj(("person", "name", "role", "role_label", "order", "href"), {
            "person": _str(), "name": _str(), "role": _str(), "role_label": _str(), "order": _str(True), "href": _str(True)}))}),
    "SearchResult": _obj(("iri", "href", "kind", "label", "snippet", "score"), {
        "iri": _str(), "href": _str(True), "kind": {"type": "string", "enum": list(SEARCH_KINDS)}, "label": _str(),
        "short": _str(), "detail": _str(),
        "act": _obj(("iri", "href", "label"), {"iri": _str(), "href": _str(True), "label": _str()}, nullable=True),
        "snippet": {"type": "array", "description": "[text, matched] pairs",
                    "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"oneOf": [_str(), {"type": "boolean"}]}}},
        "score": {"type": "number"}}),
    "DocumentStatus": _obj(("doc_id", "validated", "counts", "conforms"), {
        "doc_id": _str(), "title": _str(True), "source_name": _str(True), "act": _str(True),
        "validated": {"type": "boolean"}, "counts": _COUNTS, "conforms": {"type": "boolean"}}),
    "ValidationResult": _obj(("focus", "severity", "component", "shape", "message", "line", "span"), {
        "focus": _str(), "href": _str(True), "path": _str(True), "severity": {"type": "string", "enum": list(SEVERITIES)},
        "component": _str(), "shape": _str(), "value": _str(True), "message": _str(), "line": {"type": "integer", "nullable": True},
        "span": _obj(("start", "end", "text", "truncated"), {
            "start": {"type": "integer"}, "end": {"type": "integer"}, "text": _str(), "truncated": {"type": "boolean"}},
            nullable=True)}),
    "CompletenessScore": _obj(("metric", "numerator", "denominator", "value"), {
        "metric": _str(), "numerator": {"type": "integer"}, "denominator": {"type": "integer"},
        "value": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1},
        "act": _str(True), "doc_id": _str(True), "title": _str(True), "municipality": _str(True), "region": _str(True),
        "acts": {"type": "integer", "description": "acts summed (municipality and region levels)"}}),
}
_UPLOADED = _obj(("doc_id", "status", "triples"), {"doc_id": _str(), "status": _str(), "triples": {"type": "integer"}})

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
        **SERVICE_SCHEMAS,
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
    "/api/search": {"get": {
        "operationId": "search", "tags": ["search"],
        "summary": "Organisations, schools, people, acts and plan items by name or text (case, ё/е, word endings, abbreviations)",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "description": "the search text",
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY, "pattern": r"\S"}},
            {"name": "kind", "in": "query", "required": False, "style": "form", "explode": True,
             "description": "only these kinds (repeat, or separate with commas)",
             "schema": {"type": "array", "items": {"type": "string", "enum": list(SEARCH_KINDS)}}},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}},
            _LANG,
        ],
        "responses": {"200": _json("the best matches first", _obj(("query", "count", "version", "results"), {
            "query": _str(), "count": {"type": "integer"}, "version": _str(), "results": _list(_ref("SearchResult"))})),
            **ERRORS},
    }},
    "/api/network/{kind}": {"get": {
        "operationId": "network", "tags": ["network"],
        "summary": "A network (mentorship, co-responsibility, participation) with metrics per node and per network",
        "description": "Node-link JSON, or GraphML / GEXF for Gephi. The filters take an IRI or a short form; "
                       "one that names nothing in the data is a 400. Answers carry an ETag (304 to If-None-Match).",
        "parameters": [
            {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": list(KINDS)}},
            {"name": "region", "in": "query", "required": False, "description": "an ISO 3166-2 code (RU-TUL) or a region IRI",
             "schema": {"type": "string"}},
            {"name": "municipality", "in": "query", "required": False, "description": "a slug (ru-tul-tula) or a municipality IRI",
             "schema": {"type": "string"}},
            {"name": "year", "in": "query", "required": False, "description": "the year of the acts",
             "schema": {"type": "integer", "minimum": 1900, "maximum": 2100}},
            {"name": "theme", "in": "query", "required": False, "description": "a theme (themeNetworking) or its IRI",
             "schema": {"type": "string"}},
            {"name": "format", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["json", "graphml", "gexf"], "default": "json"}},
            {"name": "provenance", "in": "query", "required": False, "description": "none: edges without their orders and items (JSON)",
             "schema": {"type": "string", "enum": ["full", "none"], "default": "full"}},
        ],
        "responses": {
            "200": {"description": "the network", "headers": {"ETag": {"schema": {"type": "string"}}},
                    "content": {JSON: {"schema": _ref("Network")},
                                "application/graphml+xml": {"schema": {"type": "string"}},
                                "application/gexf+xml": {"schema": {"type": "string"}}}},
            "304": {"description": "not modified (If-None-Match)"},
            "404": _error("no such network kind"), **ERRORS},
    }},
    "/api/network/node": {"get": {
        "operationId": "network_node", "tags": ["network"], "summary": "One node's acts with its roles in each, and its heads",
        "parameters": [
            {"name": "id", "in": "query", "required": True, "description": "the node's IRI",
             "schema": {"type": "string", "pattern": "^https?://"}},
            _LANG,
        ],
        "responses": {"200": _json("the side panel of the network page", _ref("NetworkNodeDetails")),
                      "404": _error("no such node in the networks"), **ERRORS},
    }},
    "/api/validation": {"get": {
        "operationId": "validation_overview", "tags": ["validation"],
        "summary": "Every stored document with its counts of SHACL results by severity",
        "responses": {"200": _json("the documents", _obj(("documents",), {"documents": _list(_ref("DocumentStatus"))})),
                      "429": ERRORS["429"], "503": ERRORS["503"]},
    }},
    "/api/validation/{doc_id}": {"get": {
        "operationId": "validation_document", "tags": ["validation"],
        "summary": "The SHACL results of one document, each with its source text span",
        "parameters": [_DOC_ID, _LANG],
        "responses": {"200": _json("the results, Violations first", _obj(("doc_id", "counts", "results"), {
            "doc_id": _str(), "counts": _COUNTS, "results": _list(_ref("ValidationResult"))})),
            "404": _error("no validation report for this document"), **ERRORS},
    }},
    "/api/completeness": {"get": {
        "operationId": "completeness", "tags": ["validation"],
        "summary": "Completeness scores (numerator, denominator, share) per act, or summed per municipality or region",
        "parameters": [{"name": "level", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": list(VALIDATION_LEVELS), "default": "document"}}],
        "responses": {"200": _json("the scores", _obj(("level", "scores"), {
            "level": {"type": "string", "enum": list(VALIDATION_LEVELS)}, "scores": _list(_ref("CompletenessScore"))})),
            **ERRORS},
    }},
    "/api/documents": {
        "get": {
            "operationId": "list_documents", "tags": ["documents"], "summary": "The stored documents",
            "responses": {"200": _json("metadata of every document, newest first",
                                       _obj(("documents",), {"documents": _list(_ref("Document"))})),
                          "429": ERRORS["429"]},
        },
        "post": {
            "operationId": "upload_document", "tags": ["documents"], "summary": "Ingest an act (needs the write token)",
            "security": [{"bearerAuth": []}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {
                "201": _json("ingested", _UPLOADED), "200": _json("replaced or unchanged", _UPLOADED),
                "401": _error("no bearer token"), "403": _error("wrong token or writes disabled"),
                "413": _error("the file is too large"), **ERRORS,
            },
        },
    },
    "/api/documents/{doc_id}": {
        "delete": {
            "operationId": "delete_document", "tags": ["documents"], "summary": "Remove a document (needs the write token)",
            "security": [{"bearerAuth": []}],
            "parameters": [_DOC_ID],
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
