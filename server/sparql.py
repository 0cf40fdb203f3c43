"""The SPARQL endpoint: ``/sparql`` (SPARQL 1.1 Protocol, read-only, closed, time-limited), its
Service Description, the VoID description at ``/.well-known/void``, and the query page.

Every response of these paths carries a query receipt: ``X-Shnor-Elapsed-Ms`` (time spent serving
the request), ``X-Shnor-Rows`` (rows, triples, or 1 for ASK), ``X-Shnor-Truncated`` (the row cap
cut the answer), ``X-Shnor-Dataset-Version`` (changes on every ingest) and ``X-Shnor-Row-Limit``.
"""

from __future__ import annotations

import re
import time

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from ..errors import BadInput, MethodNotAllowed, NotFound, ShnorError
from ..ontology import PREFIXES, SD, VOID, sparql_prologue
from .app import services
from .i18n import current_lang
from .protocol import QueryRequest, apply_cors, negotiate, prefers_html, preflight, read_request
from .query_workers import Answer, QueryJob, evaluate_here
from .results import FORMATS, ResultFormat, serialize_result, serialize_transport, table, to_transport
from .sparql_description import StatsCache, service_description, void_description
from .sparql_guard import QueryInfo, check_graphs, check_query, inspect_query
from .sparql_examples import examples

blueprint = Blueprint("sparql", __name__)

METHODS = "GET, POST, OPTIONS"
DESCRIBED_PATHS = ("/sparql", "/.well-known/void")

#: The page's own words.
TEXT = {
    "ru": {
        "title": "SPARQL-запросы", "lead": "Запросы SPARQL 1.1 к графу знаний. Точка доступа для программ: ",
        "limits": "Ограничения: {timeout} с на запрос, не более {rows} строк, запрос до {length} символов; "
                  "только чтение, без SERVICE.",
        "examples": "Примеры (сохранённые запросы)", "run": "Выполнить", "query": "Запрос",
        "results": "Результат", "rows": "строк", "ms": "мс", "version": "версия данных",
        "truncated": "Результат обрезан: показаны первые {rows} строк (ограничение сервера).",
        "nojs": "Без JavaScript запрос выполняется сервером и показывается таблицей ниже.",
        "error": "Ошибка",
    },
    "en": {
        "title": "SPARQL queries", "lead": "SPARQL 1.1 queries over the knowledge graph. Endpoint for programs: ",
        "limits": "Limits: {timeout} s per query, at most {rows} rows, queries up to {length} characters; "
                  "read-only, no SERVICE.",
        "examples": "Examples (stored queries)", "run": "Run", "query": "Query",
        "results": "Result", "rows": "rows", "ms": "ms", "version": "dataset version",
        "truncated": "The result is truncated: the first {rows} rows are shown (the server's limit).",
        "nojs": "Without JavaScript the server runs the query and shows the table below.",
        "error": "Error",
    },
}


# -- receipts and CORS on every response of the endpoint ------------------------------------------


@blueprint.before_app_request
def _start_clock() -> None:
    if request.path in DESCRIBED_PATHS:
        g.sparql_started = time.perf_counter()


@blueprint.after_app_request
def _receipt(response: Response) -> Response:
    """Add the query receipt and CORS headers to every response of the endpoint paths."""
    if request.path not in DESCRIBED_PATHS:
        return response
    svc = services()
    answer: Answer | None = g.get("sparql_answer")
    started = g.get("sparql_started", time.perf_counter())
    response.headers["X-Shnor-Elapsed-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
    response.headers["X-Shnor-Rows"] = str(answer.count if answer else 0)
    response.headers["X-Shnor-Truncated"] = "true" if answer and answer.truncated else "false"
    response.headers["X-Shnor-Row-Limit"] = str(svc.config.row_limit)
    response.headers["X-Shnor-Dataset-Version"] = _version(svc.store)
    if answer is not None:
        response.headers["Server-Timing"] = f"query;dur={answer.elapsed * 1000:.2f}"
    if response.status_code == 405:
        response.headers["Allow"] = METHODS
    return apply_cors(response, request.headers.get("Origin"), svc.config.cors_origins)


def _version(store) -> str:
    try:
        return store.version()
    except ShnorError:
        return "unavailable"


# -- the endpoint ---------------------------------------------------------------------------------


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"], provide_automatic_options=False)
def endpoint() -> Response:
    """SPARQL 1.1 Protocol query operation; without a query: the page or the Service Description."""
    svc = services()
    if request.method == "OPTIONS":
        return preflight(request, svc.config.cors_origins, METHODS)
    if request.method not in ("GET", "POST"):
        raise MethodNotAllowed(f"{request.method} is not allowed on /sparql: it answers queries with GET or POST "
                               "(no SPARQL Update, no Graph Store Protocol)")
    query_request = read_request(request, max_length=svc.config.max_query_length)
    if query_request.query is None:
        return _without_query(query_request)
    return _answer(query_request)


def _adhoc_job(query: str, dataset: tuple, output: str | None = None) -> QueryJob:
    """A job of the endpoint (ad hoc: may be moved to a long slot, or start there when it is a
    cross product, see ``query_workers.py``)."""
    return QueryJob(query, *dataset, limit=services().config.row_limit, output=output, adhoc=True,
                    long=inspect_query(query).cross_product)


def _without_query(query_request: QueryRequest) -> Response:
    """A GET without a query: the page for browsers, the Service Description for machines."""
    if request.method == "POST":
        raise BadInput("a 'query' parameter is required (or a body with Content-Type application/sparql-query)", parameter="query")
    if prefers_html(request) and not query_request.formats:
        return _page(_example_query(request.args.get("example")))
    return _description(query_request, service_description)


def _answer(query_request: QueryRequest) -> Response:
    """Check, negotiate (406 before evaluating), evaluate and serialize one query."""
    svc = services()
    info = check_query(query_request.query)
    dataset = _dataset(query_request, info, svc.store)
    fmt = _format(query_request, info)
    if fmt is not None and fmt.key == "html":
        return _page(query_request.query, dataset)
    job = _adhoc_job(query_request.query, dataset, output=fmt.key if fmt else None)
    answer = g.sparql_answer = _execute_kept(svc, job)
    if fmt is None:  # the guard did not recognise the form: negotiate on what the engine answered
        fmt = negotiate(request, answer.kind, query_request.formats)
        if fmt.key == "html":
            return _page(query_request.query, dataset)
        return _response(serialize_transport(answer.kind, answer.body, fmt.key), fmt)
    return _response(answer.body, fmt)


KEEP_AFTER = 0.05  # seconds: cheaper answers are evaluated again rather than kept on disk
VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)  # a new answer at each evaluation


def _format(query_request: QueryRequest, info: QueryInfo) -> ResultFormat | None:
    """The negotiated format, before evaluation (406 is answered without running the query)."""
    return negotiate(request, info.kind, query_request.formats) if info.kind else None


def _response(body: bytes, fmt: ResultFormat) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _dataset(query_request: QueryRequest, info: QueryInfo, store) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(default graphs, named graphs) of the query: the protocol's, else the query's own, else
    (None, None) for the union default graph. Every named IRI must be a graph of the store."""
    if not (query_request.dataset_given or info.has_dataset):
        return None, None
    graphs = store.graphs()
    check_graphs(info.from_graphs + info.from_named, graphs, clause="FROM")
    if query_request.dataset_given:
        check_graphs(query_request.default_graphs, graphs, clause="default-graph-uri")
        check_graphs(query_request.named_graphs, graphs, clause="named-graph-uri")
        return query_request.default_graphs, query_request.named_graphs
    return info.from_graphs, info.from_named


def _execute_kept(svc, job: QueryJob) -> Answer:
    """``execute``, through the shared response cache for answers that took at least
    ``KEEP_AFTER`` seconds and cannot change within a dataset version."""
    if VOLATILE.search(job.sparql):
        return execute(svc.store, job, timeout=svc.config.query_timeout)
    key, version = ("sparql", job), svc.store.version()
    kept = svc.responses.get(version, key)
    if kept is not None:
        meta, body = kept
        return Answer(meta["kind"], body, meta["count"], meta["truncated"], meta["elapsed"], job.output, meta["sandboxed"])
    answer = execute(svc.store, job, timeout=svc.config.query_timeout)
    if answer.elapsed >= KEEP_AFTER and svc.store.version() == version:
        meta = {"kind": answer.kind, "count": answer.count, "truncated": answer.truncated, "elapsed": answer.elapsed,
                "sandboxed": answer.sandboxed}
        svc.responses.put(version, key, meta, answer.body)
    return answer


def execute(store, job: QueryJob, *, timeout: float | None) -> Answer:
    """Run a job on any store: through its own ``evaluate`` (the embedded store: worker processes
    under the time limit), else through ``Store.query`` and our serializers."""
    evaluate = getattr(store, "evaluate", None)
    if evaluate is not None:
        return evaluate(job, timeout=timeout)
    result = store.query(job.sparql, substitutions=dict(job.substitutions) or None, default_graph=job.default_graph,
                         named_graphs=job.named_graphs, limit=job.limit, timeout=timeout)
    body = serialize_result(result, job.output) if job.output else to_transport(result)
    return Answer(result.kind, body, result.count, result.truncated, result.elapsed, job.output)


# -- self-description ---------------------------------------------------------------------------


DESCRIPTION_PREFIXES = {**PREFIXES, "sd": str(SD), "void": str(VOID)}


def _stats():
    """The dataset statistics of the current version (cached per application)."""
    svc = services()
    cache = current_app.extensions.setdefault("shnor_kg_sparql_stats", StatsCache())
    return cache.get(svc.store, timeout=svc.config.query_timeout)


def _description(query_request: QueryRequest, build) -> Response:
    """The Service Description or VoID graph (``build``) in the negotiated RDF format."""
    svc = services()
    fmt = negotiate(request, "graph", query_request.formats)
    if fmt.key == "html":
        fmt = FORMATS["turtle"]
    endpoint_iri = url_for("sparql.endpoint", _external=True)
    dataset_iri = url_for("sparql.void", _external=True) + "#dataset"
    triples = build(endpoint=endpoint_iri, dataset=dataset_iri, config=svc.config, stats=_stats())
    prefixes = DESCRIPTION_PREFIXES if fmt.key in ("turtle", "trig", "rdfxml") else None
    return _response(ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b"", fmt)


@blueprint.route("/.well-known/void", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def void() -> Response:
    """The VoID description of the dataset (Turtle by default, any RDF format by Accept/format)."""
    svc = services()
    if request.method == "OPTIONS":
        return preflight(request, svc.config.cors_origins, "GET, OPTIONS")
    return _description(read_request(request, max_length=svc.config.max_query_length), void_description)


# -- the query page -----------------------------------------------------------------------------


def _lang() -> str:
    """The page language (``?lang=``, the remembered cookie, else the configured default)."""
    return current_lang()


def _page(query: str | None, dataset: tuple = (None, None)) -> Response:
    """The query page; with a query, the server also runs it and shows the table (the HTML view)."""
    svc = services()
    lang = _lang()
    text = TEXT[lang]
    context = {"lang": lang, "text": text, "query": query, "error": None, "header": None, "rows": None, "answer": None}
    if query is not None:
        context.update(_view(query, dataset))
    context["boot"] = _boot(lang, query)
    context["limits"] = text["limits"].format(timeout=f"{svc.config.query_timeout:g}", rows=svc.config.row_limit, length=svc.config.max_query_length)
    status = context["error"].status if context["error"] else 200
    response = Response(render_template("sparql.html", **context), status=status, mimetype="text/html")
    response.vary.add("Accept")
    return response


def _view(query: str, dataset: tuple) -> dict:
    """Run ``query`` for the HTML view: the table (header, rows of cells) and the answer, or the error."""
    svc = services()
    try:
        answer = g.sparql_answer = execute(svc.store, _adhoc_job(query, dataset), timeout=svc.config.query_timeout)
    except ShnorError as error:
        return {"error": error}
    header, rows = table(answer.to_result(), base_iri=svc.config.base_iri)
    return {"header": header, "rows": rows, "answer": answer}


def _example_query(name: str | None) -> str | None:
    """The text of the example called ``name`` (None without a name; 404 for an unknown one)."""
    if name is None:
        return None
    found = next((e["query"] for e in examples(_lang()) if e["name"] == name), None)
    if found is None:
        raise NotFound(f"no example query called {name!r}", example=name)
    return found


def _boot(lang: str, query: str | None) -> dict:
    """What sparql.js needs: endpoint, prefixes, the starting query, examples, words."""
    svc = services()
    stored = examples(lang)
    start = query or (stored[0]["query"] if stored else sparql_prologue() + "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    return {"endpoint": url_for("sparql.endpoint"), "void": url_for("sparql.void"), "prefixes": PREFIXES, "query": start, "examples": stored,
            "baseIri": svc.config.base_iri, "rowLimit": svc.config.row_limit, "lang": lang,
            "text": {k: TEXT[lang][k] for k in ("rows", "ms", "version", "truncated", "error")}}
