"""The remote back end: any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB…).

Reads are SPARQL protocol requests built with SPARQLWrapper (POST, form-encoded; JSON results for
SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE) and answered with pyoxigraph terms, like the
embedded store. Writes are one SPARQL Update request per commit (``DROP SILENT GRAPH`` +
``INSERT DATA`` in chunks), or Graph Store Protocol requests (PUT/POST/DELETE of a named graph)
when ``store_gsp_url`` is set. All HTTP goes through one small transport: basic (pre-emptive) or
digest authentication, a time limit per request, retries with exponential backoff on connection
errors and on 502/503/504, and the project's errors (StoreUnavailable → 503) instead of tracebacks.

Decisions, so that every back end answers like the embedded store:

- **Union default graph.** Without ``default_graph`` a query's default graph is the union of the
  named graphs. How depends on the server (``store_dialect``, detected from the ``Server``
  header when ``auto``): Oxigraph server gets the ``union-default-graph`` request parameter.
  Virtuoso's default graph already is every graph it lets the query user read, so its own
  system graphs (``virtrdf#``, ``ldp#``, the service description…) must be made private to the
  anonymous ``/sparql`` user (README: "Virtuoso"; Virtuoso 7.2's ``define
  input:default-graph-exclude`` is no way out: with it ``GRAPH <iri> {…}`` matches nothing); the
  first query checks that and fails with that advice otherwise. Other servers (``generic``) must
  be configured so that the default graph is the union (Fuseki ``tdb2:unionDefaultGraph true``;
  GraphDB does it by default).
- **Substitutions** are bound with a ``VALUES`` block placed first in the query's outermost group
  (so aggregates and projections see the bound variable, as with Oxigraph's substitutions); the
  terms are written in N-Triples syntax by pyoxigraph, never pasted text. Only IRIs and literals
  can be bound (SPARQL's ``VALUES`` has no blank nodes).
- **Limit.** A SELECT without its own top-level ``LIMIT`` gets ``LIMIT limit+1`` so the server
  stops early; rows past ``limit`` are cut and ``truncated`` is set. Virtuoso's own cap
  (``ResultSetMaxRows``, reported in ``X-SPARQL-MaxRows``) also sets ``truncated``.
- **Syntax** is checked locally with Oxigraph's parser first (``SERVICE`` rewritten to ``GRAPH``
  for the check, so nothing is fetched), so a malformed query is a QuerySyntaxError on every
  back end and an update cannot be sent as a query.
- **Version.** The store keeps one triple in the graph ``https://w3id.org/shnor/graph/meta``:
  ``<…/graph/meta> <https://w3id.org/shnor/store#version> "<random token>"``, replaced in the
  same request as every commit. ``version()`` reads it (one small query); ``graphs()`` and
  ``export()`` leave that graph out, but SPARQL over the union sees this one extra triple.
- **Atomicity.** A commit is one SPARQL Update request (Oxigraph and Virtuoso apply a request in
  one transaction) unless its text is larger than ``MAX_REQUEST_BYTES``, when it is split into
  several requests. Over the Graph Store Protocol each graph is replaced atomically, but a commit
  of several graphs is several requests.
- Blank nodes are written with ``INSERT { … } WHERE {}`` (Virtuoso refuses them in ``INSERT
  DATA``), keeping every blank node's triples in one operation; re-adding triples with blank
  nodes adds new blank nodes (servers relabel them), unlike the embedded store.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from SPARQLWrapper import CONSTRUCT, JSON, POST, SELECT, TURTLE, URLENCODED, SPARQLWrapper

from ..config import Config
from ..errors import BadParameter, QuerySyntaxError, QueryTimeout, ShnorError, StoreUnavailable
from ..ontology import GRAPH_BASE
from .store import GraphChange, QueryResult, Term

META_GRAPH = GRAPH_BASE + "meta"
VERSION_PREDICATE = "https://w3id.org/shnor/store#version"
EMPTY_GRAPH = "urn:shnor:no-graph"  # a default graph of no graphs (``default_graph=[]``)
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
DIALECTS = ("auto", "oxigraph", "virtuoso", "generic")
CHUNK_TRIPLES = 1000
MAX_REQUEST_BYTES = 8 * 1024 * 1024
BACKOFF_SECONDS = 0.1
BACKOFF_CAP_SECONDS = 2.0
RETRY_STATUSES = (502, 503, 504)
AGENT = "shnor-kg (remote store)"
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"
# A graph every Virtuoso database holds for itself; the query user must not see it.
VIRTUOSO_SCHEMA_GRAPH = "http://www.openlinksw.com/schemas/virtrdf#"


# -- query text --------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    "|".join(
        (
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\n]*)",
            r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
            r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
            r'|"(?:[^"\\\n]|\\.)*"'
            r"|'(?:[^'\\\n]|\\.)*')",
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
            r"(?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)",
            r"(?P<word>[^\s{}()\[\],;\"'<>#?$]+)",
            r"(?P<punct>.)",
        )
    ),
    re.DOTALL,
)
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
VAR_NAME_RE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        """The upper-cased word ('' for anything that is not a bare word)."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(sparql: str) -> list[Token]:
    """The significant tokens of a query (no white space, no comments); strings and IRIs are one
    token each, so braces and keywords inside them are never mistaken for syntax."""
    found = (Token(m.lastgroup or "punct", m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(sparql))
    return [t for t in found if t.kind not in ("ws", "comment")]


def _matching(toks: list[Token], open_index: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_index``."""
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i].text == "{":
            depth += 1
        elif toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise QuerySyntaxError("malformed SPARQL query: unbalanced braces")


@dataclass(frozen=True)
class Shape:
    """Where the parts of a (valid) query are: its form, its outermost group, what follows it."""

    form: str
    form_index: int
    open_index: int | None
    close_index: int | None
    short_construct: bool
    tail: frozenset[str]


def shape(toks: list[Token]) -> Shape:
    """Find the query form and the outermost group graph pattern (the WHERE clause)."""
    form_index = next((i for i, t in enumerate(toks) if t.keyword in FORMS), None)
    if form_index is None:
        raise QuerySyntaxError("malformed SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    form = toks[form_index].keyword
    start = form_index + 1
    short = False
    if form == "CONSTRUCT":
        if start < len(toks) and toks[start].text == "{":
            start = _matching(toks, start) + 1
        else:
            short = True
    parens = 0
    for i in range(start, len(toks)):
        text = toks[i].text
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{" and parens == 0:
            close = _matching(toks, i)
            tail = frozenset(t.keyword for t in toks[close + 1:] if t.keyword)
            return Shape(form, form_index, i, close, short, tail)
    return Shape(form, form_index, None, None, short, frozenset())


def _sparql_term(name: str, term: Term) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)  # N-Triples syntax, escaped by pyoxigraph
    raise BadParameter(f"substitution ?{name}: only IRIs and literals can be bound on a remote store", parameter=name)


def bind_values(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """The query with a VALUES block binding ``substitutions`` first in its outermost group.

    Variables the query does not mention are left out (so ``SELECT *`` gains no column)."""
    for name in substitutions:
        if not VAR_NAME_RE.fullmatch(name):
            raise BadParameter(f"not a SPARQL variable name: {name!r}", parameter=name)
    toks = tokens(sparql)
    used = {t.text[1:] for t in toks if t.kind == "var"}
    names = [n for n in substitutions if n in used]
    if not names:
        return sparql
    values = "VALUES ({}) {{ ({}) }}".format(
        " ".join("?" + n for n in names), " ".join(_sparql_term(n, substitutions[n]) for n in names)
    )
    found = shape(toks)
    if found.open_index is None or found.close_index is None:
        raise BadParameter("substitutions need a query with a WHERE clause", parameter=names[0])
    opening, closing = toks[found.open_index], toks[found.close_index]
    if found.short_construct:  # CONSTRUCT WHERE { T } → CONSTRUCT { T } WHERE { VALUES … T }
        form = toks[found.form_index]
        template = sparql[opening.end:closing.start]
        return f"{sparql[:form.end]} {{{template}}}{sparql[form.end:opening.end]} {values}{sparql[opening.end:]}"
    return f"{sparql[:opening.end]} {values}{sparql[opening.end:]}"


def cap_rows(sparql: str, rows: int) -> str:
    """A SELECT without a top-level LIMIT (or trailing VALUES) with ``LIMIT rows`` appended."""
    found = shape(tokens(sparql))
    if found.form != "SELECT" or found.close_index is None or {"LIMIT", "VALUES"} & found.tail:
        return sparql
    return f"{sparql.rstrip()}\nLIMIT {rows}"


DESCRIBE_DEPTH = 4
DESCRIBE_TARGETS_END = {"FROM", "WHERE", "ORDER", "LIMIT", "OFFSET", "GROUP", "HAVING", "VALUES"}


def describe_selects(sparql: str) -> tuple[str | None, str | None]:
    """A DESCRIBE query as SELECT queries finding what it describes: (the resources its pattern
    binds, or None; the resources it names, or None). Solution modifiers stay with the pattern."""
    toks = tokens(sparql)
    form = toks[shape(toks).form_index]
    targets = []
    for tok in toks[toks.index(form) + 1:]:
        if tok.text == "{" or tok.keyword in DESCRIBE_TARGETS_END:
            break
        targets.append(tok)
    prologue = sparql[:form.start]
    rest = sparql[targets[-1].end:] if targets else sparql[form.end:]
    variables = [t.text for t in targets if t.kind == "var"]
    star = any(t.text == "*" for t in targets)
    names = [t.text for t in targets if t.kind in ("iri", "word") and t.text != "*"]
    by_pattern = f"{prologue}SELECT DISTINCT {'*' if star else ' '.join(variables)} {rest}" if star or variables else None
    by_name = f"{prologue}SELECT ?r WHERE {{ VALUES ?r {{ {' '.join(names)} }} }}" if names else None
    return by_pattern, by_name


def describe_construct(resources: Sequence[ox.NamedNode], depth: int = DESCRIBE_DEPTH) -> str:
    """The CONSTRUCT of Oxigraph's description of ``resources``: the triples whose subject is one
    of them or a blank node reached from one through blank nodes only (up to ``depth`` steps)."""
    values = "VALUES ?r { " + " ".join(str(r) for r in resources) + " }"
    branches = []
    for steps in range(depth + 1):
        path, node = [], "?r"
        for i in range(1, steps + 1):
            path.append(f"{node} ?l{i} ?b{i} . FILTER(isBlank(?b{i}))")
            node = f"?b{i}"
        branches.append(f"{{ {values} {' '.join(path)} BIND({node} AS ?n) ?n ?p ?o }}")
    return "CONSTRUCT { ?n ?p ?o } WHERE { " + " UNION ".join(branches) + " }"


def syntax_probe(sparql: str) -> str:
    """The query with ``SERVICE [SILENT]`` replaced by ``GRAPH`` (same grammar otherwise), so
    Oxigraph can check the syntax on an empty store without fetching anything."""
    parts, last, skip_silent = [], 0, False
    for tok in tokens(sparql):
        if skip_silent and tok.keyword == "SILENT":
            parts.append(sparql[last:tok.start])
            last = tok.end
        skip_silent = False
        if tok.keyword == "SERVICE":
            parts.append(sparql[last:tok.start] + "GRAPH")
            last = tok.end
            skip_silent = True
    parts.append(sparql[last:])
    return "".join(parts)


# -- results -----------------------------------------------------------------------------------------

_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def json_term(value: Mapping | None) -> Term | None:
    """One SPARQL JSON results binding as a pyoxigraph term.

    Tolerates what servers write: ``typed-literal`` (Virtuoso, older spec), blank node labels
    that are not N-Triples labels (``nodeID://b1``), and ``"1"``/``"0"`` for xsd:boolean (written
    in the canonical ``true``/``false`` that other engines answer)."""
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return ox.NamedNode(text)
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return ox.Literal(text, language=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype is None:
            return ox.Literal(text)
        if datatype == XSD_BOOLEAN and text in ("1", "0"):
            text = "true" if text == "1" else "false"
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    if kind == "bnode":
        return ox.BlankNode(_BNODE_UNSAFE.sub("_", text) or "b")
    if kind == "triple":
        parts = text
        return ox.Triple(json_term(parts["subject"]), json_term(parts["predicate"]), json_term(parts["object"]))
    raise ValueError(f"unknown term type {kind!r}")


def parse_solutions(body: bytes, media_type: str) -> tuple[str, list[str], list[tuple], bool | None]:
    """A SELECT or ASK answer as (kind, variables, rows, boolean)."""
    if "json" in media_type or not media_type:
        data = json.loads(body)
        if "boolean" in data:
            return "ask", [], [], bool(data["boolean"])
        variables = list(data["head"].get("vars", []))
        rows = [tuple(json_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
        return "select", variables, rows, None
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"unexpected result type {media_type!r}")
    parsed = ox.parse_query_results(body, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return "ask", [], [], bool(parsed)
    variables = [v.value for v in parsed.variables]
    return "select", variables, [tuple(s[v] for v in variables) for s in parsed], None


def parse_triples(body: bytes, media_type: str) -> list[ox.Triple]:
    """A CONSTRUCT/DESCRIBE answer (or a GSP GET) as triples."""
    fmt = ox.RdfFormat.from_media_type(media_type or "application/n-triples")
    if fmt is None:
        raise ValueError(f"unexpected graph type {media_type!r}")
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=fmt)]


# -- writes ------------------------------------------------------------------------------------------


def _blank_nodes(term: Term) -> Iterator[ox.BlankNode]:
    if isinstance(term, ox.BlankNode):
        yield term
    elif isinstance(term, ox.Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _blank_nodes(part)


def _triple_blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    return [*_blank_nodes(triple.subject), *_blank_nodes(triple.object)]


def chunks(triples: Sequence[ox.Triple], size: int = CHUNK_TRIPLES) -> Iterator[tuple[bool, list[ox.Triple]]]:
    """Split triples into chunks of about ``size``, keeping the triples that share blank nodes
    together. Yields (has blank nodes, triples)."""
    plain = [t for t in triples if not _triple_blank_nodes(t)]
    for i in range(0, len(plain), size):
        yield False, plain[i:i + size]
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    linked = [t for t in triples if _triple_blank_nodes(t)]
    for triple in linked:
        first, *others = _triple_blank_nodes(triple)
        for other in others:
            parent[find(other)] = find(first)
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for triple in linked:
        groups.setdefault(find(_triple_blank_nodes(triple)[0]), []).append(triple)
    batch: list[ox.Triple] = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield True, batch
            batch = []
        batch.extend(group)
    if batch:
        yield True, batch


def _iri(graph: str) -> str:
    try:
        return str(ox.NamedNode(graph))
    except ValueError:
        raise BadParameter(f"not an IRI: {graph!r}", parameter="graph") from None


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def insert_operations(graph: str, triples: Sequence[ox.Triple]) -> list[str]:
    """SPARQL Update operations adding ``triples`` to ``graph``."""
    target = _iri(graph)
    ops = []
    for has_blank_nodes, batch in chunks(triples):
        body = _ntriples(batch)
        if has_blank_nodes:
            ops.append(f"INSERT {{ GRAPH {target} {{\n{body}}} }} WHERE {{}}")
        else:
            ops.append(f"INSERT DATA {{ GRAPH {target} {{\n{body}}} }}")
    return ops


def version_triple(token: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(META_GRAPH), ox.NamedNode(VERSION_PREDICATE), ox.Literal(token))


def update_operations(changes: Sequence[GraphChange], token: str) -> list[str]:
    """The SPARQL Update operations of a commit, the version change last."""
    ops: list[str] = []
    for change in changes:
        if change.action not in ("replace", "add", "drop"):
            raise ValueError(f"unknown graph change {change.action!r}")
        if change.action in ("replace", "drop"):
            ops.append(f"DROP SILENT GRAPH {_iri(change.graph)}")
        if change.action in ("replace", "add"):
            ops.extend(insert_operations(change.graph, change.triples))
    ops.append(f"DROP SILENT GRAPH {_iri(META_GRAPH)}")
    ops.extend(insert_operations(META_GRAPH, [version_triple(token)]))
    return ops


def pack(ops: Sequence[str], max_bytes: int = MAX_REQUEST_BYTES) -> list[str]:
    """Operations joined into as few requests as fit in ``max_bytes`` each (one, usually)."""
    requests, current, size = [], [], 0
    for op in ops:
        length = len(op.encode("utf-8")) + 3
        if current and size + length > max_bytes:
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(op)
        size += length
    if current:
        requests.append(" ;\n".join(current))
    return requests


# -- HTTP ---------------------------------------------------------------------------------------------


def public_url(url: str) -> str:
    """A URL without user information, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read()
    except OSError:
        body = b""
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:300] or (error.reason or "")


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class Transport:
    """Sends requests with authentication, a time limit, retries and the project's errors."""

    def __init__(self, *, user: str, password: str, auth: str, retries: int, urls: Sequence[str]) -> None:
        if auth not in ("basic", "digest"):
            raise BadParameter(f"store_auth must be 'basic' or 'digest', not {auth!r}", parameter="store_auth")
        self.user, self.password, self.auth = user, password, auth
        self.retries = max(0, retries)
        self.urls = [u for u in urls if u]

    def _opener(self) -> urllib.request.OpenerDirector:
        if self.user and self.auth == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.urls, self.user, self.password)
            return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
        return urllib.request.build_opener()

    def _authorise(self, request: urllib.request.Request) -> None:
        if self.user and self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")

    def send(self, request: urllib.request.Request, *, timeout: float, purpose: str, allow: Sequence[int] = ()) -> Response:
        """Send ``request``; ``purpose`` is ``query`` or ``write`` (it shapes the errors)."""
        self._authorise(request)
        url = public_url(request.full_url)
        attempt = 0
        while True:
            try:
                with self._opener().open(request, timeout=timeout) as answer:
                    return Response(answer.status, answer.headers, answer.read())
            except urllib.error.HTTPError as exc:
                if exc.code in allow:
                    return Response(exc.code, exc.headers, b"")
                if exc.code not in RETRY_STATUSES or attempt >= self.retries:
                    raise http_error(exc.code, _detail(exc), url, purpose) from None
                reason = f"HTTP {exc.code}"
            except (TimeoutError, socket.timeout):
                raise timeout_error(purpose, timeout, url) from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    raise timeout_error(purpose, timeout, url) from None
                reason = str(getattr(exc.reason, "strerror", None) or exc.reason)
            except (http.client.HTTPException, ConnectionError, OSError) as exc:
                reason = str(getattr(exc, "strerror", None) or exc) or type(exc).__name__
            if attempt >= self.retries:
                raise StoreUnavailable(
                    f"the SPARQL store at {url} is not reachable ({reason}; tried {attempt + 1} times)", url=url
                )
            time.sleep(min(BACKOFF_SECONDS * 2**attempt, BACKOFF_CAP_SECONDS))
            attempt += 1


def timeout_error(purpose: str, timeout: float, url: str) -> ShnorError:
    if purpose == "query":
        return QueryTimeout(f"the SPARQL store did not answer within {timeout:g} s", url=url)
    return StoreUnavailable(
        f"the SPARQL store at {url} did not confirm the write within {timeout:g} s (it may or may not have been applied)",
        url=url,
    )


TIMEOUT_WORDS = ("timed out", "timeout", "time limit", "cancelled", "canceled", "SR171", "S1T00")


def says_timeout(text: str) -> bool:
    """Whether a server's error text reports its own time limit (Virtuoso's SR171 "Transaction
    timed out", Oxigraph's "operation has been cancelled" written into a started answer…)."""
    lowered = text.lower()
    return any(word.lower() in lowered for word in TIMEOUT_WORDS)


def http_error(status: int, detail: str, url: str, purpose: str) -> ShnorError:
    """The project's error for an HTTP error answer of the store."""
    if purpose == "query" and status >= 500 and says_timeout(detail.split("SPARQL query:")[0]):
        return QueryTimeout(f"the SPARQL store stopped the query at its time limit: {detail}", url=url)
    if status == 400 and purpose == "query":
        return QuerySyntaxError(f"the SPARQL store rejected the query: {detail}")
    if status in (401, 403):
        return StoreUnavailable(
            f"the SPARQL store at {url} refused access (HTTP {status}): check store_user, store_password and store_auth", url=url
        )
    if status == 404:
        return StoreUnavailable(f"no SPARQL service at {url} (HTTP 404): check the store_*_url settings", url=url)
    if status in (408, 504) and purpose == "query":
        return QueryTimeout(f"the SPARQL store stopped the query at its time limit (HTTP {status})", url=url)
    return StoreUnavailable(f"the SPARQL store at {url} failed (HTTP {status}): {detail}", url=url)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper as a request builder; our transport sends the request (one place for auth,
    retries and errors, and no process-wide urllib opener, which SPARQLWrapper's digest installs)."""

    def build(self) -> urllib.request.Request:
        return self._createRequest()


# -- the store ----------------------------------------------------------------------------------------


def default_update_url(query_url: str) -> str:
    """The query URL, or its ``…/update`` sibling when it ends in ``/query`` (Oxigraph, Fuseki)."""
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return query_url


def _check_url(url: str, setting: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise BadParameter(f"{setting} must be an http:// or https:// URL, not {url!r}", parameter=setting)
    return url


class RemoteStore:
    """The store interface over a SPARQL 1.1 server; safe to share between threads."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str = "",
        password: str = "",
        auth: str = "basic",
        timeout: float = 30.0,
        retries: int = 3,
        dialect: str = "auto",
    ) -> None:
        if dialect not in DIALECTS:
            raise BadParameter(f"store_dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}", parameter="store_dialect")
        self.query_url = _check_url(query_url, "store_query_url")
        self.update_url = _check_url(update_url or default_update_url(query_url), "store_update_url")
        self.gsp_url = _check_url(gsp_url, "store_gsp_url") if gsp_url else None
        self.timeout = timeout
        self.transport = Transport(
            user=user, password=password, auth=auth, retries=retries, urls=[self.query_url, self.update_url, self.gsp_url or ""]
        )
        self._dialect_name = dialect
        self._dialect: str | None = None
        self._lock = threading.Lock()
        self._probe = ox.Store()

    @classmethod
    def from_config(cls, config: Config) -> "RemoteStore":
        """The remote store the ``store_*`` settings describe (``store = sparql`` with
        ``store_query_url``, or ``store = sparql+http://host/path``)."""
        values = config.values
        query_url = values.get("store_query_url") or ""
        if not query_url and str(values.get("store", "")).startswith("sparql+"):
            query_url = str(values["store"])[len("sparql+"):]
        if not query_url:
            raise BadParameter(
                "the sparql store needs a query URL: set store_query_url (SHNOR_KG_STORE_QUERY_URL, --store-query-url) "
                "or use --store sparql+http://host:port/path",
                parameter="store_query_url",
            )
        return cls(
            query_url,
            update_url=values.get("store_update_url") or None,
            gsp_url=values.get("store_gsp_url") or None,
            user=values.get("store_user", ""),
            password=values.get("store_password", ""),
            auth=values.get("store_auth", "basic"),
            timeout=float(values.get("store_timeout", 30.0)),
            retries=int(values.get("store_retries", 3)),
            dialect=values.get("store_dialect", "auto"),
        )

    # -- dialect ---------------------------------------------------------------------------------

    def dialect(self) -> str:
        """The server's dialect, detected and checked once (a failure is tried again next time)."""
        if self._dialect is None:
            with self._lock:
                if self._dialect is None:
                    self._dialect = self._detect()
        return self._dialect

    def _detect(self) -> str:
        name = self._dialect_name
        if name == "auto":
            probe = self._send_query("ASK {}", "ask", params=[], timeout=self.timeout)
            server = (probe.headers.get("Server") or "").lower()
            name = "oxigraph" if "oxigraph" in server else "virtuoso" if "virtuoso" in server else "generic"
        if name == "virtuoso":
            self._check_virtuoso()
        return name

    def _check_virtuoso(self) -> None:
        """Virtuoso's union default graph holds its system graphs unless they are private."""
        answer = self._send_query(f"ASK {{ GRAPH <{VIRTUOSO_SCHEMA_GRAPH}> {{ ?s ?p ?o }} }}", "ask", params=[], timeout=self.timeout)
        if self._result("ask", answer).boolean:
            raise StoreUnavailable(
                f"the Virtuoso store at {public_url(self.query_url)} shows its system graphs to the query user, so every "
                "query would see them: make them private (README, section 'Virtuoso') and query the anonymous /sparql endpoint",
                url=public_url(self.query_url),
            )

    # -- reading ---------------------------------------------------------------------------------

    def _send_query(self, text: str, kind: str, *, params: Sequence[tuple[str, str]], timeout: float) -> Response:
        wrapper = _Wrapper(self.query_url, agent=AGENT)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(TURTLE if kind == "graph" else JSON)
        wrapper.queryString = text
        wrapper.queryType = CONSTRUCT if kind == "graph" else SELECT
        for name, value in params:
            wrapper.addParameter(name, value)
        wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT if kind == "graph" else RESULTS_ACCEPT)
        return self.transport.send(wrapper.build(), timeout=timeout, purpose="query")

    def _kind(self, sparql: str) -> str:
        try:
            raw = self._probe.query(syntax_probe(sparql))
        except SyntaxError as exc:
            raise QuerySyntaxError(f"malformed SPARQL query: {exc}") from None
        if isinstance(raw, ox.QueryBoolean):
            return "ask"
        return "select" if isinstance(raw, ox.QuerySolutions) else "graph"

    def _dataset(self, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None) -> list[tuple[str, str]]:
        """The protocol's dataset parameters for a query."""
        params: list[tuple[str, str]] = []
        if default_graph is None and named_graphs is not None and self.dialect() == "oxigraph":
            default_graph = self._every_graph()  # Oxigraph takes no union-default-graph with named-graph-uri
        if default_graph is not None:
            params += [("default-graph-uri", g) for g in (default_graph or [EMPTY_GRAPH])]
        elif self.dialect() == "oxigraph":
            params.append(("union-default-graph", ""))
        if named_graphs is not None:
            params += [("named-graph-uri", g) for g in (named_graphs or [EMPTY_GRAPH])]
        return params

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        kind = self._kind(sparql)
        text = bind_values(sparql, substitutions) if substitutions else sparql
        if limit is not None and kind == "select":
            text = cap_rows(text, limit + 1)
        params = self._dataset(default_graph, named_graphs)
        started = time.monotonic()
        deadline = timeout or self.timeout
        if kind == "graph" and shape(tokens(text)).form == "DESCRIBE":
            result = self._describe(text, params, deadline)
        else:
            result = self._run(text, kind, params, deadline)
        if limit is not None and result.count > limit and kind != "ask":
            result.rows, result.triples, result.truncated = result.rows[:limit], result.triples[:limit], True
        result.elapsed = time.monotonic() - started
        return result

    def _run(self, text: str, kind: str, params: Sequence[tuple[str, str]], timeout: float) -> QueryResult:
        answer = self._send_query(text, kind, params=params, timeout=timeout)
        if answer.headers.get("X-SQL-State"):  # Virtuoso: an "anytime" answer cut at its time limit
            raise QueryTimeout("the SPARQL store stopped the query at its time limit", url=public_url(self.query_url))
        result = self._result(kind, answer)
        result.truncated = bool(answer.headers.get("X-SPARQL-MaxRows"))  # Virtuoso's ResultSetMaxRows
        return result

    def _describe(self, text: str, params: Sequence[tuple[str, str]], timeout: float) -> QueryResult:
        """DESCRIBE as the embedded store answers it (servers differ, and Virtuoso 7.2 misses
        graphs written after its first DESCRIBE): find the resources, then CONSTRUCT."""
        resources: list[ox.NamedNode] = []
        for select in describe_selects(text):
            if select is not None:
                rows = self._run(select, "select", params, timeout).rows
                resources += [t for row in rows for t in row if isinstance(t, ox.NamedNode) and t not in resources]
        if not resources:
            return QueryResult("graph")
        result = self._run(describe_construct(resources), "graph", params, timeout)
        result.triples = list(dict.fromkeys(result.triples))
        return result

    def _every_graph(self) -> list[str]:
        answer = self._send_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "select", params=[], timeout=self.timeout)
        return sorted(r[0].value for r in self._result("select", answer).rows if r[0] is not None)

    def _result(self, kind: str, answer: Response) -> QueryResult:
        try:
            if kind == "graph":
                return QueryResult("graph", triples=parse_triples(answer.body, answer.media_type))
            found, variables, rows, boolean = parse_solutions(answer.body, answer.media_type)
            if kind == "ask" and found == "select":  # Virtuoso: one row, ?__ASK_RETVAL 1 or 0
                return QueryResult("ask", boolean=bool(rows) and rows[0][0] is not None and rows[0][0].value in ("1", "true"))
        except (ValueError, KeyError, TypeError, SyntaxError, IndexError) as exc:
            tail = answer.body[-300:].decode("utf-8", "replace")
            if says_timeout(tail):  # a streamed answer cut by the server's time limit
                raise QueryTimeout("the SPARQL store stopped the query at its time limit", url=public_url(self.query_url)) from None
            raise StoreUnavailable(f"the SPARQL store answered something unreadable: {exc}", url=public_url(self.query_url)) from None
        return QueryResult(found, variables, rows, boolean=boolean)

    def graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted(r[0].value for r in rows if r[0] is not None and r[0].value != META_GRAPH)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of a graph; a server that caps CONSTRUCT answers (Virtuoso's
        ResultSetMaxRows, without saying so) is caught by counting them first."""
        target = _iri(graph)
        expected = int(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}").rows[0][0].value)
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}")
        if result.truncated or len(set(result.triples)) < expected:
            raise StoreUnavailable(
                f"the SPARQL store returned {len(set(result.triples))} of the {expected} triples of {graph} "
                "(raise the server's result limit, e.g. Virtuoso's ResultSetMaxRows)"
            )
        return result.triples

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return ox.serialize(self._graph_triples(graph), format=fmt) or b""
        if not fmt.supports_datasets:
            raise BadParameter(f"the whole dataset has named graphs: export it as N-Quads or TriG, not {fmt.name}", parameter="format")
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in self.graphs() for t in self._graph_triples(g)]
        return ox.serialize(quads, format=fmt) or b""

    def version(self) -> str:
        rows = self.query(f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> ?v }} }}").rows
        return rows[0][0].value if rows and rows[0][0] is not None else "0"

    # -- writing ---------------------------------------------------------------------------------

    def commit(self, changes: Sequence[GraphChange]) -> None:
        """Apply the changes and a new version: one SPARQL Update request (or GSP requests)."""
        token = uuid.uuid4().hex
        if self.gsp_url:
            self._commit_gsp(changes, token)
            return
        for text in pack(update_operations(changes, token)):
            request = urllib.request.Request(
                self.update_url,
                data=urllib.parse.urlencode({"update": text}).encode("ascii"),
                headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": AGENT},
                method="POST",
            )
            self.transport.send(request, timeout=self.timeout, purpose="write")

    def _gsp(self, method: str, graph: str, triples: Sequence[ox.Triple] = ()) -> None:
        separator = "&" if "?" in self.gsp_url else "?"
        url = f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        headers = {"User-Agent": AGENT}
        data = None
        if method in ("PUT", "POST"):
            data = _ntriples(triples).encode("utf-8")  # N-Triples is Turtle, which every server reads
            headers["Content-Type"] = "text/turtle; charset=utf-8"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        self.transport.send(request, timeout=self.timeout, purpose="write", allow=(404,) if method == "DELETE" else ())

    def _commit_gsp(self, changes: Sequence[GraphChange], token: str) -> None:
        for change in changes:
            if change.action not in ("replace", "add", "drop"):
                raise ValueError(f"unknown graph change {change.action!r}")
            _iri(change.graph)
        for change in changes:
            if change.action == "replace" and change.triples:
                self._gsp("PUT", change.graph, change.triples)
            elif change.action in ("replace", "drop"):
                self._gsp("DELETE", change.graph)
            elif change.triples:
                self._gsp("POST", change.graph, change.triples)
        self._gsp("PUT", META_GRAPH, [version_triple(token)])

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        self.commit([GraphChange("replace", graph, tuple(triples))])

    def add_to_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        self.commit([GraphChange("add", graph, tuple(triples))])

    def drop_graph(self, graph: str) -> None:
        self.commit([GraphChange("drop", graph)])

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""
