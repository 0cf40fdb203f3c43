"""The SPARQL 1.1 Protocol for queries: reading a request, choosing the response format, CORS.

Parameters are decoded from the raw bytes of the URL and the body, strictly as UTF-8, so that a
client that sends another encoding gets a 400 naming the problem instead of a query silently
full of replacement characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request, Response

from ..errors import BadInput, NotAcceptable, PayloadTooLarge, QueryRefused, UnsupportedMediaType
from .results import ResultFormat, by_name, formats_for

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
MAX_FIELDS = 200
UPDATE_REFUSED = "SPARQL Update is not accepted: this endpoint is read-only and answers queries only"
RECEIPT_HEADERS = ("X-Shnor-Elapsed-Ms", "X-Shnor-Rows", "X-Shnor-Truncated", "X-Shnor-Dataset-Version", "X-Shnor-Row-Limit")


@dataclass(frozen=True)
class QueryRequest:
    """A protocol request: the query (None when there is none), the protocol dataset and the
    ``format`` parameter values. ``dataset_given`` says whether default-graph-uri or
    named-graph-uri appeared (they then replace the query's own FROM / FROM NAMED)."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def dataset_given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _decode_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a URL-encoded string, decoded strictly as UTF-8."""
    try:  # latin-1 maps bytes to characters one to one: the UTF-8 check comes after
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FIELDS, encoding="latin-1")
    except ValueError:
        raise BadInput(f"too many parameters in the {where} (at most {MAX_FIELDS})") from None
    try:
        return [(name.encode("latin-1").decode("utf-8"), value.encode("latin-1").decode("utf-8")) for name, value in pairs]
    except UnicodeDecodeError:
        raise BadInput(f"the {where} is not valid UTF-8 once percent-decoded: encode the query as UTF-8") from None


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def _read_body(request: Request, limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"the request body has {length} bytes; this endpoint accepts queries of at most {limit} bytes")
    return request.get_data(cache=True)


def _direct_query(request: Request, max_length: int) -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"a query in the body must be UTF-8, not {charset}: send Content-Type: {DIRECT}; charset=utf-8")
    try:
        return _read_body(request, 4 * max_length).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the request body is not valid UTF-8 (byte {exc.start}): encode the query as UTF-8") from None


def _post_pairs(request: Request, max_length: int) -> tuple[list[tuple[str, str]], str | None]:
    """Parameters of a POST (URL and form body) and the directly posted query, if any."""
    url_pairs = _decode_pairs(request.query_string, "URL")
    mimetype = request.mimetype
    if mimetype == FORM:
        return url_pairs + _decode_pairs(_read_body(request, 12 * max_length + 8192), "form body"), None
    if mimetype == DIRECT:
        return url_pairs, _direct_query(request, max_length)
    if mimetype == UPDATE:
        raise QueryRefused(UPDATE_REFUSED)
    if not mimetype:
        raise UnsupportedMediaType(f"a POST needs a Content-Type: {FORM} (with query=...) or {DIRECT} (the query as the body)")
    raise UnsupportedMediaType(f"Content-Type {mimetype} is not accepted: use {FORM} (with query=...) or {DIRECT} (the query as the body)")


def read_request(request: Request, *, max_length: int) -> QueryRequest:
    """The query request of a GET or POST (raises BadInput, QueryRefused, UnsupportedMediaType,
    PayloadTooLarge naming the problem)."""
    if request.method == "POST":
        pairs, direct = _post_pairs(request, max_length)
    else:
        pairs, direct = _decode_pairs(request.query_string, "URL"), None
    if _values(pairs, "update"):
        raise QueryRefused(UPDATE_REFUSED)
    queries = _values(pairs, "query") + ([direct] if direct is not None else [])
    if len(queries) > 1:
        raise BadInput(f"the query is given {len(queries)} times (parameter 'query'{' and the body' if direct is not None else ''}); give it once", parameter="query")
    query = queries[0] if queries else None
    if query is not None:
        _check_text(query, max_length)
    return QueryRequest(query, tuple(_values(pairs, "default-graph-uri")), tuple(_values(pairs, "named-graph-uri")), tuple(_values(pairs, "format")))


def _check_text(query: str, max_length: int) -> None:
    if len(query) > max_length:
        raise PayloadTooLarge(f"the query has {len(query)} characters; this endpoint accepts at most {max_length}", max_query_length=max_length)
    if not query.strip():
        raise BadInput("the query is empty", parameter="query")


# -- content negotiation ------------------------------------------------------------------------

KIND_NAMES = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}


def negotiate(request: Request, kind: str, format_values: tuple[str, ...] = ()) -> ResultFormat:
    """The response format for a ``kind`` result: the first usable ``format`` value, else the
    best match of the Accept header (the server's preference breaks ties); 406 when none fits."""
    offered = formats_for(kind)
    if format_values:
        for value in format_values:
            fmt = by_name(value, kind)
            if fmt is not None:
                return fmt
        raise NotAcceptable(f"format={format_values[0]} cannot serve a {KIND_NAMES[kind]} result; use one of: "
                            + ", ".join(f.names[0] for f in offered), offered=[f.media_type for f in offered])
    candidates = [f.media_type for f in offered] + [alias for f in offered for alias in f.aliases]
    best = request.accept_mimetypes.best_match(candidates, default=None if request.accept_mimetypes else candidates[0])
    if best is None:
        raise NotAcceptable(f"none of the accepted types ({request.headers.get('Accept')}) can serve a {KIND_NAMES[kind]} result; "
                            "this endpoint offers " + ", ".join(f.media_type for f in offered), offered=[f.media_type for f in offered])
    return next(f for f in offered if f.accepts(best))


def prefers_html(request: Request) -> bool:
    """Whether a browser asks for a page (text/html preferred over every RDF and results type)."""
    accept = request.accept_mimetypes
    return accept["text/html"] > max(accept["text/turtle"], accept["application/sparql-results+json"])


# -- CORS ---------------------------------------------------------------------------------------


def allowed_origin(origin: str | None, setting: str) -> str | None:
    """The Access-Control-Allow-Origin value for a request from ``origin`` (``cors_origins``
    is ``*``, empty for none, or a comma-separated list)."""
    origins = [o.strip().rstrip("/") for o in (setting or "").split(",") if o.strip()]
    if "*" in origins:
        return "*"
    if origin and origin.rstrip("/") in origins:
        return origin
    return None


def apply_cors(response: Response, origin: str | None, setting: str) -> Response:
    """Add CORS headers (never with credentials) and expose the query receipt headers."""
    allowed = allowed_origin(origin, setting)
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
        response.headers["Access-Control-Expose-Headers"] = ", ".join(RECEIPT_HEADERS)
    if allowed != "*":
        response.vary.add("Origin")
    return response


def preflight(request: Request, setting: str, methods: str) -> Response:
    """The answer to a CORS preflight (OPTIONS) request."""
    response = Response(status=204)
    response.headers["Allow"] = methods
    if allowed_origin(request.headers.get("Origin"), setting) is not None:
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return apply_cors(response, request.headers.get("Origin"), setting)
