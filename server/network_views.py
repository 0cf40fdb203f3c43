"""The network browser: the page ``/network``, the API ``/api/network/<kind>`` (node-link JSON,
GraphML, GEXF) and the side-panel details ``/api/network/node?id=…``."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from ..errors import BadParameter, NotFound
from ..ontology import SHNOR_NS
from . import network as net
from . import network_queries as q
from .app import services
from .network_filters import FILTER_NAMES, Filters, parse_filters

blueprint = Blueprint("network", __name__)

MEDIA_TYPES = {"json": "application/json", "graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}
LANGS = ("ru", "en")

#: Labels of the structural roles (the roles that are ``shnor:Roles`` concepts come from the vocabulary).
ROLE_LABELS = {
    "issuer": {"ru": "издатель акта", "en": "issuer"},
    "signer": {"ru": "подписал", "en": "signer"},
    "targetSchool": {"ru": "школа-участница (ШНОР)", "en": "target school"},
    "operator": {"ru": "муниципальный оператор", "en": "operator"},
    "mentor": {"ru": "школа-наставник", "en": "mentor school"},
    "mentee": {"ru": "подшефная школа", "en": "mentee school"},
    "responsible": {"ru": "ответственный за мероприятия", "en": "responsible for plan items"},
    "concerned": {"ru": "упомянута в мероприятиях", "en": "named in plan items"},
}

TEXT = {
    "ru": {
        "title": "Сеть школ и организаций", "kind": "Сеть", "mentorship": "наставничество",
        "co-responsibility": "соисполнители", "participation": "участие в актах", "region": "Регион",
        "municipality": "Муниципалитет", "year": "Год", "theme": "Тема", "any": "все",
        "search": "Поиск по названию", "colour": "Цвет", "by_type": "по типу", "by_community": "по сообществу",
        "size": "Размер", "layout": "Укладка", "layout_run": "уточнить (ForceAtlas2)", "layout_stop": "остановить",
        "nodes": "узлов", "edges": "связей", "components": "компонент", "communities": "сообществ",
        "school": "школа", "organization": "организация", "collective": "коллективный исполнитель",
        "person": "лицо", "act": "акт", "metrics": "Показатели", "acts": "Акты и роли", "heads": "Руководитель",
        "resource": "страница ресурса", "close": "закрыть", "unmentored": "Школы без наставника",
        "mentor_load": "Нагрузка наставников", "loading": "загрузка…", "empty": "Нет данных для этих фильтров",
        "degree": "степень", "weighted_degree": "взвешенная степень", "betweenness": "посредничество",
        "component": "компонента", "community": "сообщество", "mentees": "подшефных", "mentors": "наставников",
        "items": "мероприятий", "export": "Выгрузка", "apply": "Показать", "no_webgl": "Браузер не поддерживает WebGL",
        "municipality_of": "Муниципалитет", "shared_items": "общих мероприятий",
    },
    "en": {
        "title": "Network of schools and organisations", "kind": "Network", "mentorship": "mentorship",
        "co-responsibility": "co-responsibility", "participation": "participation in acts", "region": "Region",
        "municipality": "Municipality", "year": "Year", "theme": "Theme", "any": "all",
        "search": "Search by name", "colour": "Colour", "by_type": "by type", "by_community": "by community",
        "size": "Size", "layout": "Layout", "layout_run": "refine (ForceAtlas2)", "layout_stop": "stop",
        "nodes": "nodes", "edges": "edges", "components": "components", "communities": "communities",
        "school": "school", "organization": "organisation", "collective": "collective party",
        "person": "person", "act": "act", "metrics": "Metrics", "acts": "Acts and roles", "heads": "Head",
        "resource": "resource page", "close": "close", "unmentored": "Schools without a mentor",
        "mentor_load": "Mentor load", "loading": "loading…", "empty": "No data for these filters",
        "degree": "degree", "weighted_degree": "weighted degree", "betweenness": "betweenness",
        "component": "component", "community": "community", "mentees": "mentees", "mentors": "mentors",
        "items": "plan items", "export": "Export", "apply": "Show", "no_webgl": "This browser has no WebGL",
        "municipality_of": "Municipality", "shared_items": "shared items",
    },
}


def _lang() -> str:
    lang = request.args.get("lang") or services().config.default_lang
    if lang not in LANGS:
        raise BadParameter(f"'lang' must be one of {', '.join(LANGS)}, not {lang!r}", parameter="lang")
    return lang


def resource_href(iri: str) -> str | None:
    """The local resource page of a minted IRI (``/id/…``), or ``None`` for foreign IRIs."""
    base = services().config.base_iri
    return "/id/" + iri[len(base):] if iri.startswith(base) else None


def _format() -> str:
    fmt = request.args.get("format", "json") or "json"
    if fmt not in MEDIA_TYPES:
        raise BadParameter(f"'format' must be one of {', '.join(MEDIA_TYPES)}, not {fmt!r}", parameter="format")
    return fmt


def _provenance() -> bool:
    value = request.args.get("provenance", "full") or "full"
    if value not in ("full", "none"):
        raise BadParameter(f"'provenance' must be 'full' or 'none', not {value!r}", parameter="provenance")
    return value == "full"


def _filters(*allowed: str) -> Filters:
    svc = services()
    return parse_filters(request.args.to_dict(flat=False), svc.store, base_iri=svc.config.base_iri, allowed=allowed)


@blueprint.get("/api/network/<kind>")
def network_api(kind: str) -> Response:
    """A network as node-link JSON, or as GraphML / GEXF with ``?format=``; ``?provenance=none``
    leaves the edges' orders and items out of the JSON."""
    if kind not in net.KINDS:
        raise NotFound(f"no network kind {kind!r}; the kinds are {', '.join(net.KINDS)}", kind=kind)
    fmt, provenance = _format(), _provenance()
    built = net.network(services().store, kind, _filters("format", "provenance"))
    tag = hashlib.sha256(repr((built.version, kind, built.filters.key(), fmt, provenance)).encode()).hexdigest()[:32]
    if request.if_none_match.contains(tag):
        return Response(status=304, headers={"ETag": f'"{tag}"'})
    response = Response(built.encoded(fmt, href=resource_href, provenance=provenance), mimetype=MEDIA_TYPES[fmt])
    response.set_etag(tag)
    response.headers["X-Shnor-Version"] = built.version
    if fmt != "json":
        response.headers["Content-Disposition"] = f'attachment; filename="shnor-{kind}.{fmt}"'
    return response


def _role_label(key: str, directory: net.Directory, lang: str) -> str:
    if key in ROLE_LABELS:
        return ROLE_LABELS[key][lang]
    concept = directory.concepts.get(SHNOR_NS + key) or directory.concepts.get(key) or {}
    return concept.get(lang) or concept.get("ru") or key


def node_details(iri: str, lang: str) -> dict:
    """What the side panel shows: the node's acts with its roles in each, and its heads."""
    store = services().store
    directory = net.directory(store)
    if iri not in directory.nodes:
        raise NotFound(f"no network node {iri}", id=iri)
    info = directory.nodes[iri]
    node = {"node": ox.NamedNode(iri)}
    acts: dict[str, dict] = {}
    for order, role, count in store.query(q.compose(q.NODE_ROLES, bind=node)).rows:
        entry = acts.setdefault(order.value, {"id": order.value, "label": directory.info(order.value)["label"],
                                              "href": resource_href(order.value), "roles": []})
        key = net._role_key(role)
        entry["roles"].append({"key": key, "label": _role_label(key, directory, lang), "count": int(count.value)})
    heads = [
        {"person": p.value, "name": name.value if name else directory.info(p.value)["label"],
         "role": net._role_key(role), "role_label": _role_label(net._role_key(role), directory, lang),
         "order": order.value if order else None, "href": resource_href(p.value)}
        for p, name, role, order in store.query(q.compose(q.HEADS, bind=node)).rows
    ]
    municipality = info.get("municipality")
    region = directory.region_of(municipality)
    return {
        "id": iri, "type": info["type"], "label": info["label"], "href": resource_href(iri),
        "municipality": {"id": municipality, "label": directory.place_label(municipality)} if municipality else None,
        "region": {"id": region, "label": directory.place_label(region)} if region else None,
        "acts": sorted(acts.values(), key=lambda a: a["label"]),
        "heads": sorted(heads, key=lambda h: (h["name"], h["order"] or "")),
    }


@blueprint.get("/api/network/node")
def node_api() -> Response:
    """Side-panel details of one node: ``?id=<IRI>&lang=ru|en``."""
    for name in request.args:
        if name not in ("id", "lang"):
            raise BadParameter(f"unknown parameter '{name}'", parameter=name)
    iri = request.args.get("id", "").strip()
    if not iri.startswith(("http://", "https://")):
        raise BadParameter("'id' must be the IRI of a node", parameter="id")
    body = json.dumps(node_details(iri, _lang()), ensure_ascii=False)
    return Response(body, mimetype="application/json")


def facets(lang: str) -> dict:
    """The choices of the filter controls: regions, municipalities, years, themes."""
    directory = net.directory(services().store)
    regions = [{"id": i, "label": p.get("label") or i, "iso": p.get("iso")} for i, p in directory.places.items() if p["class"] == "region"]
    municipalities = [{"id": i, "label": p.get("label") or i, "region": p.get("region")}
                      for i, p in directory.places.items() if p["class"] == "municipality"]
    themes = [{"id": i, "label": c.get(lang) or c.get("ru") or i} for i, c in directory.concepts.items() if c["scheme"] == "Themes"]
    return {
        "regions": sorted(regions, key=lambda r: r["label"]),
        "municipalities": sorted(municipalities, key=lambda m: m["label"]),
        "years": directory.years,
        "themes": sorted(themes, key=lambda t: t["label"]),
    }


@blueprint.get("/network")
def network_page() -> str:
    """The interactive network browser (sigma.js over WebGL, layout refined in a web worker)."""
    lang = _lang()
    kind = request.args.get("kind") or "mentorship"
    if kind not in net.KINDS:
        raise BadParameter(f"'kind' must be one of {', '.join(net.KINDS)}, not {kind!r}", parameter="kind")
    filters = _filters("kind", "lang")
    roles = {k: v[lang] for k, v in ROLE_LABELS.items()}
    boot = {"lang": lang, "kind": kind, "kinds": list(net.KINDS), "filters": filters.as_dict(),
            "facets": facets(lang), "text": TEXT[lang], "roles": roles, "filterNames": list(FILTER_NAMES)}
    data_url = f"/api/network/{kind}?" + urlencode([*((k, str(v)) for k, v in filters.as_dict().items()), ("provenance", "none")])
    return render_template("network.html", lang=lang, text=TEXT[lang], boot=boot, kinds=net.KINDS, kind=kind, data_url=data_url)
