"""The SPARQL query endpoint (GET, POST form, POST direct) answering SPARQL JSON."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import BadInput
from .app import services
from .results import to_sparql_json

blueprint = Blueprint("sparql", __name__)


def _query_text() -> str:
    if request.method == "GET":
        values = request.args.getlist("query")
    elif request.mimetype == "application/sparql-query":
        values = [request.get_data(as_text=True)]
    else:
        values = request.form.getlist("query")
    if len(values) != 1 or not values[0].strip():
        raise BadInput("exactly one 'query' parameter is required", parameter="query")
    return values[0]


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    svc = services()
    result = svc.store.query(_query_text(), limit=svc.config.row_limit, timeout=svc.config.query_timeout)
    if result.kind == "graph":
        import pyoxigraph as ox

        body = ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return Response(body, mimetype="application/n-triples")
    return Response(to_sparql_json(result), mimetype="application/sparql-results+json")
