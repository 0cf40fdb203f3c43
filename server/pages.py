"""Browsing pages: the home page, resource pages (``/id/…``, HTML or RDF), act pages, search.

Routes:

- ``/`` — what the graph holds, the latest acts, entry points;
- ``/id/<path>`` — the resource ``<base_iri><path>``: HTML for browsers (acts get the act page),
  Turtle / JSON-LD / N-Triples / TriG by ``Accept`` or by a suffix (``.ttl``, ``.jsonld``,
  ``.nt``, ``.trig``); the named graphs that state its triples are listed in ``X-Shnor-Graph``;
- ``/search?q=`` and ``/api/search?q=`` (JSON) — see ``search.py``.

Unknown resources are 404 with near matches (``suggestions`` in the error details).
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, jsonify, render_template, request
from rdflib.namespace import PROV

from ..errors import NotFound
from ..ontology import SHNOR
from . import pages_act, resources, search as finder
from .app import services
from .i18n import current_lang
from .pages_labels import href_of, iri_of, labels

blueprint = Blueprint("pages", __name__)

HTML = "text/html"
RDF_MEDIA = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt", "application/trig": "trig"}
SUFFIX_MEDIA = {suffix: media for media, suffix in RDF_MEDIA.items()}
LATEST = 10


@blueprint.app_template_filter("local_href")
def local_href(iri: str | None) -> str | None:
    """The local page of a minted IRI (``/id/…``), for templates."""
    return href_of(iri, services().config.base_iri) if iri else None


# -- home ------------------------------------------------------------------------------------------


COUNTS = {
    "acts": f"?x a <{SHNOR.Order}> ; <{PROV.wasDerivedFrom}> ?src",
    "regions": f"?x a <{SHNOR.Region}>",
    "municipalities": f"?x a <{SHNOR.Municipality}>",
    "schools": f"?x a <{SHNOR.School}>",
    "organisations": f"?x a <{SHNOR.Organization}>",
    "people": f"?x a <{SHNOR.Person}>",
    "items": f"?x a <{SHNOR.PlanItem}>",
    "pairs": f"?m <{SHNOR.mentors}> ?n BIND(CONCAT(STR(?m), \" \", STR(?n)) AS ?x)",
}
_counts_cache: dict = {}
_counts_lock = threading.Lock()


def counts(store) -> dict[str, int]:
    """How many acts, regions, municipalities, schools, organisations, people, items, mentor pairs."""
    version = store.version()
    with _counts_lock:
        if version in _counts_cache:
            return _counts_cache[version]
    parts = " ".join(f"{{ SELECT (COUNT(DISTINCT ?x) AS ?{k}) WHERE {{ {pattern} }} }}" for k, pattern in COUNTS.items())
    row = store.query(f"SELECT * WHERE {{ {parts} }}").records()[0]
    result = {k: int(row[k].value) if row.get(k) is not None else 0 for k in COUNTS}
    with _counts_lock:
        _counts_cache.clear()
        _counts_cache[version] = result
    return result


def latest_acts(svc, lang: str) -> list[dict]:
    """The latest ingested documents with their act's label and page."""
    metas = svc.catalog.documents()[:LATEST]
    iris = [m["act_iri"] for m in metas if m.get("act_iri")]
    named = labels(svc.store, iris, lang)
    return [{"href": href_of(m["act_iri"], svc.config.base_iri) if m.get("act_iri") else None,
             "label": named[m["act_iri"]].name if m.get("act_iri") in named else m.get("act_title") or m["doc_id"],
             "title": named[m["act_iri"]].detail if m.get("act_iri") in named else m.get("act_title") or "",
             "file": m.get("source_name"), "ingested": m.get("ingested_at", "")} for m in metas]


@blueprint.get("/")
def home() -> str:
    """The home page."""
    svc, lang = services(), current_lang()
    return render_template("home.html", counts=counts(svc.store), latest=latest_acts(svc, lang),
                           version=svc.store.version())


# -- search ----------------------------------------------------------------------------------------


def _search_args() -> dict:
    return {"kinds": finder.parse_kinds(request.args.getlist("kind")),
            "limit": finder.parse_limit(request.args.get("limit"))}


@blueprint.get("/search")
def search_page() -> str:
    """The search form and its results."""
    svc, lang = services(), current_lang()
    q = finder.parse_query(request.args.get("q"), required=False)
    args = _search_args()
    results = finder.search(svc.store, q, base=svc.config.base_iri, lang=lang, **args) if q else []
    return render_template("search.html", q=q, results=results, kinds=finder.SEARCH_KINDS,
                           chosen=args["kinds"])


@blueprint.get("/api/search")
def search_api() -> Response:
    """Search results as JSON: ``{"query", "count", "version", "results": [...]}``."""
    svc, lang = services(), current_lang()
    q = finder.parse_query(request.args.get("q"), required=True)
    results = finder.search(svc.store, q, base=svc.config.base_iri, lang=lang, **_search_args())
    return jsonify(query=q, count=len(results), version=svc.store.version(), results=results)


# -- resources -------------------------------------------------------------------------------------


def _split_suffix(path: str) -> tuple[str, str | None]:
    """``org/x.ttl`` → (``org/x``, ``ttl``); a path without a known suffix is kept whole."""
    stem, dot, suffix = path.rpartition(".")
    return (stem, suffix) if dot and suffix in SUFFIX_MEDIA and "/" not in suffix else (path, None)


def _negotiated(suffix: str | None) -> str | None:
    """The RDF format asked for (suffix first, then ``Accept``), or None for HTML."""
    if suffix:
        return suffix
    best = request.accept_mimetypes.best_match([HTML, *RDF_MEDIA], default=HTML)
    return RDF_MEDIA.get(best)


def not_found(store, path: str, iri: str) -> NotFound:
    """A 404 naming the IRI, with near matches."""
    svc = services()
    near = finder.suggestions(store, path, base=svc.config.base_iri, lang=current_lang())
    return NotFound(f"no resource {iri}", iri=iri, suggestions=near)


@blueprint.get("/id/<path:path>")
def resource(path: str) -> Response:
    """A resource page (HTML) or its description in an RDF format."""
    svc = services()
    path, suffix = _split_suffix(path)
    iri = iri_of(path, svc.config.base_iri)
    fmt = _negotiated(suffix)
    if fmt is not None:
        return _rdf(svc.store, path, iri, fmt)
    return _html(svc, path, iri)


def _graphs(store, iri: str) -> list[str]:
    return sorted({g for _, _, g in resources.statements(store, iri)})


def _rdf(store, path: str, iri: str, fmt: str) -> Response:
    if not resources.exists(store, iri):
        raise not_found(store, path, iri)
    body = resources.serialize(store, iri, fmt)
    response = Response(body, mimetype=SUFFIX_MEDIA[fmt])
    if fmt != "jsonld":
        response.charset = "utf-8"
    response.headers["X-Shnor-Graph"] = ", ".join(_graphs(store, iri))
    response.headers["Link"] = _links(path)
    response.headers["Vary"] = "Accept"
    return response


def _links(path: str) -> str:
    """``Link`` alternates: the page and every RDF format of the resource."""
    links = [f'</id/{path}>; rel="alternate"; type="text/html"']
    links += [f'</id/{path}.{s}>; rel="alternate"; type="{m}"' for s, m in SUFFIX_MEDIA.items()]
    return ", ".join(links)


def _html(svc, path: str, iri: str) -> Response:
    store, base, lang = svc.store, svc.config.base_iri, current_lang()
    try:
        description = resources.describe(store, iri, base=base, lang=lang)
    except NotFound:
        raise not_found(store, path, iri) from None
    act = pages_act.act_view(store, iri, base=base, lang=lang) if description.label.kind == "act" else None
    template = "act.html" if act else "resource.html"
    page = render_template(template, d=description, act=act, path=path, formats=SUFFIX_MEDIA)
    response = Response(page, mimetype=HTML)
    response.headers["Link"] = _links(path)
    response.headers["Vary"] = "Accept"
    return response
