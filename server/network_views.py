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
from . import i18n
from . import network as net
from . import network_queries as q
from .app import services
from .network_filters import FILTER_NAMES, Filters, parse_filters

blueprint = Blueprint("network", __name__)

MEDIA_TYPES = {"json": "application/json", "graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}
#: The page's words (``network.*``) and the labels of the structural roles (``network.role.*``; the
#: roles that are ``shnor:Roles`` concepts come from the vocabulary).
i18n.register({
    "ru": {
        "network.title": "Сеть школ и организаций", "network.kind": "Сеть", "network.mentorship": "наставничество",
        "network.co-responsibility": "соисполнители", "network.participation": "участие в актах",
        "network.region": "Регион", "network.municipality": "Муниципалитет", "network.year": "Год",
        "network.theme": "Тема", "network.any": "все", "network.search": "Поиск по названию",
        "network.colour": "Цвет", "network.by_type": "по типу", "network.by_community": "по сообществу",
        "network.size": "Размер", "network.layout": "Укладка", "network.layout_run": "уточнить (ForceAtlas2)",
        "network.layout_stop": "остановить", "network.nodes": "узлов", "network.edges": "связей",
        "network.components": "компонент", "network.communities": "сообществ", "network.school": "школа",
        "network.organization": "организация", "network.collective": "коллективный исполнитель",
        "network.person": "лицо", "network.act": "акт", "network.metrics": "Показатели",
        "network.acts": "Акты и роли", "network.heads": "Руководитель", "network.resource": "страница ресурса",
        "network.close": "закрыть", "network.unmentored": "Школы без наставника",
        "network.mentor_load": "Нагрузка наставников", "network.loading": "загрузка…",
        "network.empty": "Нет данных для этих фильтров", "network.degree": "степень",
        "network.weighted_degree": "взвешенная степень", "network.betweenness": "посредничество",
        "network.component": "компонента", "network.community": "сообщество", "network.mentees": "подшефных",
        "network.mentors": "наставников", "network.items": "мероприятий", "network.export": "Выгрузка",
        "network.apply": "Показать", "network.no_webgl": "Браузер не поддерживает WebGL",
        "network.municipality_of": "Муниципалитет", "network.shared_items": "общих мероприятий",
        "network.role.issuer": "издатель акта", "network.role.signer": "подписал",
        "network.role.targetSchool": "школа-участница (ШНОР)", "network.role.operator": "муниципальный оператор",
        "network.role.mentor": "школа-наставник", "network.role.mentee": "подшефная школа",
        "network.role.responsible": "ответственный за мероприятия",
        "network.role.concerned": "упомянута в мероприятиях",
    },
    "en": {
        "network.title": "Network of schools and organisations", "network.kind": "Network",
        "network.mentorship": "mentorship", "network.co-responsibility": "co-responsibility",
        "network.participation": "participation in acts", "network.region": "Region",
        "network.municipality": "Municipality", "network.year": "Year", "network.theme": "Theme",
        "network.any": "all", "network.search": "Search by name", "network.colour": "Colour",
        "network.by_type": "by type", "network.by_community": "by community", "network.size": "Size",
        "network.layout": "Layout", "network.layout_run": "refine (ForceAtlas2)", "network.layout_stop": "stop",
        "network.nodes": "nodes", "network.edges": "edges", "network.components": "components",
        "network.communities": "communities", "network.school": "school", "network.organization": "organisation",
        "network.collective": "collective party", "network.person": "person", "network.act": "act",
        "network.metrics": "Metrics", "network.acts": "Acts and roles", "network.heads": "Head",
        "network.resource": "resource page", "network.close": "close",
        "network.unmentored": "Schools without a mentor", "network.mentor_load": "Mentor load",
        "network.loading": "loading…", "network.empty": "No data for these filters", "network.degree": "degree",
        "network.weighted_degree": "weighted degree", "network.betweenness": "betweenness",
        "network.component": "component", "network.community": "community", "network.mentees": "mentees",
        "network.mentors": "mentors", "network.items": "plan items", "network.export": "Export",
        "network.apply": "Show", "network.no_webgl": "This browser has no WebGL",
        "network.municipality_of": "Municipality", "network.shared_items": "shared items",
        "network.role.issuer": "issuer", "network.role.signer": "signer",
        "network.role.targetSchool": "target school", "network.role.operator": "operator",
        "network.role.mentor": "mentor school", "network.role.mentee": "mentee school",
        "network.role.responsible": "responsible for plan items", "network.role.concerned": "named in plan items",
    },
})
ROLES = ("issuer", "signer", "targetSchool", "operator", "mentor", "mentee", "responsible", "concerned")


def script_text(lang: str) -> dict[str, str]:
    """The page's words for network.js (``network.*`` without the prefix, role labels left out)."""
    keys = (k for k in i18n.MESSAGES["ru"] if k.startswith("network.") and not k.startswith("network.role."))
    return {k.removeprefix("network."): i18n.t(k, lang) for k in keys}


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
    if key in ROLES:
        return i18n.t(f"network.role.{key}", lang)
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
    body = json.dumps(node_details(iri, i18n.current_lang()), ensure_ascii=False)
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
    lang = i18n.current_lang()
    kind = request.args.get("kind") or "mentorship"
    if kind not in net.KINDS:
        raise BadParameter(f"'kind' must be one of {', '.join(net.KINDS)}, not {kind!r}", parameter="kind")
    filters = _filters("kind", "lang")
    boot = {"lang": lang, "kind": kind, "kinds": list(net.KINDS), "filters": filters.as_dict(),
            "facets": facets(lang), "text": script_text(lang), "filterNames": list(FILTER_NAMES)}
    data_url = f"/api/network/{kind}?" + urlencode([*((k, str(v)) for k, v in filters.as_dict().items()), ("provenance", "none")])
    return render_template("network.html", boot=boot, kinds=net.KINDS, kind=kind, data_url=data_url)
