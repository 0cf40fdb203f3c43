"""The partnership networks, built with networkx from SPARQL results and cached per store version.

Kinds (:data:`KINDS`):

- ``mentorship``: schools; a directed edge mentor → mentee per pair, with the establishing
  orders and their years (weight = number of establishing orders). The summary lists the
  mentor load (mentees per mentor) and the schools without a mentor: target schools of the acts
  in scope that are neither mentored nor mentors.
- ``co-responsibility``: organisations and collective responsible parties; an edge when two
  share plan items (weight = number of shared items, provenance = the items).
- ``participation``: bipartite, acts ↔ schools, organisations, collectives and people; an edge
  when the act names the node, with its roles (issuer, signer, target school, operator, mentor,
  mentee, responsible, concerned, or a ``shnor:Roles`` concept) and weight = statements.

Filters (:mod:`.network_filters`): region, municipality and year select acts; theme selects the
acts whose plan has an item of the theme (an item's own theme or its section's), and in the
co-responsibility network it selects the items themselves.
"""

from __future__ import annotations

import io
import json
import threading
import weakref
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable

import networkx as nx

from ..errors import NotFound
from ..ontology import SHNOR_NS
from . import network_queries as q
from .network_filters import Filters
from .network_metrics import annotate, layout

KINDS = ("mentorship", "co-responsibility", "participation")
NODE_TYPES = ("school", "organization", "collective", "person", "act")
_CLASS_TYPE = {
    SHNOR_NS + "School": "school",
    SHNOR_NS + "CollectiveResponsible": "collective",
    SHNOR_NS + "Organization": "organization",
    SHNOR_NS + "Person": "person",
}
_TYPE_RANK = {"school": 0, "collective": 1, "organization": 2, "person": 3}
CACHE_SIZE = 32


# -- the directory of nodes (shared by every kind, cached per store version) ---------------------


@dataclass
class Directory:
    """What the store says about the resources a network can show."""

    nodes: dict[str, dict] = field(default_factory=dict)
    places: dict[str, dict] = field(default_factory=dict)
    concepts: dict[str, dict[str, str]] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)

    def info(self, iri: str) -> dict:
        """Type, label and places of a node (a fallback for resources the directory lacks)."""
        return self.nodes.get(iri) or {"type": "organization", "label": _local_name(iri)}

    def place_label(self, iri: str | None) -> str | None:
        return self.places.get(iri, {}).get("label") if iri else None

    def region_of(self, municipality: str | None) -> str | None:
        return self.places.get(municipality, {}).get("region") if municipality else None


def _local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _load_entities(store, directory: Directory) -> None:
    for node, cls, label, municipality in store.query(q.compose(q.DIRECTORY)).rows:
        entry = directory.nodes.setdefault(node.value, {"type": None, "label": None, "municipality": None})
        kind = _CLASS_TYPE[cls.value]
        if entry["type"] is None or _TYPE_RANK[kind] < _TYPE_RANK[entry["type"]]:
            entry["type"] = kind
        if label is not None and (entry["label"] is None or getattr(label, "language", None) in (None, "ru")):
            entry["label"] = label.value
        if municipality is not None:
            entry["municipality"] = municipality.value


def _load_places(store, directory: Directory) -> None:
    for place, cls, label, region, iso in store.query(q.compose(q.PLACES)).rows:
        entry = directory.places.setdefault(place.value, {"class": _local_name(cls.value).lower()})
        if label is not None and (entry.get("label") is None or getattr(label, "language", None) in (None, "ru")):
            entry["label"] = label.value
        if region is not None:
            entry["region"] = region.value
        if iso is not None:
            entry["iso"] = iso.value


def _load_concepts(store, directory: Directory) -> None:
    for concept, scheme, label in store.query(q.compose(q.CONCEPTS)).rows:
        entry = directory.concepts.setdefault(concept.value, {"scheme": _local_name(scheme.value)})
        entry[getattr(label, "language", None) or "ru"] = label.value


def _act_label(directory: Directory, number, year, title, municipality) -> str:
    place = directory.place_label(municipality.value if municipality else None)
    head = f"№ {number.value}" if number is not None else (title.value[:60] + ("…" if len(title.value) > 60 else "") if title is not None else "?")
    return ", ".join(p for p in (head, place, year.value if year is not None else None) if p)


def _load_acts(store, directory: Directory) -> None:
    years = set()
    for node, number, year, title, municipality, _doc_type in store.query(q.compose(q.ACTS)).rows:
        directory.nodes[node.value] = {
            "type": "act",
            "label": _act_label(directory, number, year, title, municipality),
            "municipality": municipality.value if municipality else None,
            "year": int(year.value[:4]) if year is not None and year.value[:4].isdigit() else None,
        }
        if directory.nodes[node.value]["year"] is not None:
            years.add(directory.nodes[node.value]["year"])
    directory.years = sorted(years)


def load_directory(store) -> Directory:
    """Read the directory of nodes, places and concept labels from the store."""
    directory = Directory()
    _load_places(store, directory)
    _load_entities(store, directory)
    _load_acts(store, directory)
    _load_concepts(store, directory)
    for entry in directory.nodes.values():
        if entry["label"] is None:
            entry["label"] = "?"
    return directory


# -- building the graphs -------------------------------------------------------------------------


def _add_node(graph: nx.Graph, directory: Directory, iri: str) -> None:
    if iri in graph:
        return
    info = directory.info(iri)
    municipality = info.get("municipality")
    graph.add_node(iri, type=info["type"], label=info["label"], municipality=municipality,
                   region=directory.region_of(municipality))


def _rows(store, template: str, filters: Filters, *, item_theme: bool = False):
    """Rows of an edge query under the filters; with ``item_theme`` the theme selects items."""
    by_item = item_theme and filters.theme is not None
    acts = [f for f in filters.active() if not (by_item and f == "theme")]
    return store.query(q.compose(template, acts=acts, item_theme=by_item, bind=filters.terms())).rows


def build_mentorship(store, directory: Directory, filters: Filters) -> tuple[nx.DiGraph, dict]:
    """Schools with mentor → mentee edges; the summary adds mentor load and schools without a mentor."""
    graph = nx.DiGraph()
    for mentor, mentee, order, year in _rows(store, q.MENTORSHIP, filters):
        for iri in (mentor.value, mentee.value):
            _add_node(graph, directory, iri)
        data = graph.get_edge_data(mentor.value, mentee.value) or {"orders": set(), "years": set()}
        data["orders"].add(order.value)
        if year is not None:
            data["years"].add(int(year.value[:4]))
        graph.add_edge(mentor.value, mentee.value, **data)
    for _, _, data in graph.edges(data=True):
        data.update(type="mentors", weight=len(data["orders"]), items=set())
    targets = {school.value for school, _ in _rows(store, q.TARGET_SCHOOLS, filters)}
    for node in graph:
        graph.nodes[node]["mentor_load"] = graph.out_degree(node)
        graph.nodes[node]["mentors"] = graph.in_degree(node)
    unmentored = sorted(t for t in targets if t not in graph)
    return graph, {
        "mentor_load": _mentor_load(graph),
        "schools_without_mentor": [{"id": t, "label": directory.info(t)["label"]} for t in unmentored],
    }


def _mentor_load(graph: nx.DiGraph) -> dict:
    loads = {n: graph.out_degree(n) for n in graph if graph.out_degree(n)}
    distribution: dict[str, int] = defaultdict(int)
    for load in loads.values():
        distribution[str(load)] += 1
    top = sorted(loads, key=lambda n: (-loads[n], graph.nodes[n]["label"]))[:20]
    return {
        "mentors": len(loads),
        "max": max(loads.values(), default=0),
        "mean": round(sum(loads.values()) / len(loads), 3) if loads else 0.0,
        "distribution": dict(sorted(distribution.items(), key=lambda kv: int(kv[0]))),
        "top": [{"id": n, "label": graph.nodes[n]["label"], "mentees": loads[n]} for n in top],
    }


def build_co_responsibility(store, directory: Directory, filters: Filters) -> tuple[nx.Graph, dict]:
    """Responsible parties; an edge per pair sharing plan items, weight = shared items."""
    responsible: dict[str, set[str]] = defaultdict(set)
    orders: dict[str, str] = {}
    for item, org, order in _rows(store, q.CO_RESPONSIBILITY, filters, item_theme=True):
        responsible[item.value].add(org.value)
        orders[item.value] = order.value
    load: dict[str, int] = defaultdict(int)
    pairs: dict[tuple[str, str], tuple[set, set]] = {}
    for item, orgs in responsible.items():
        for org in orgs:
            load[org] += 1
        for pair in combinations(sorted(orgs), 2):
            items, acts = pairs.setdefault(pair, (set(), set()))
            items.add(item)
            acts.add(orders[item])
    graph = nx.Graph()
    for org in sorted(load):
        _add_node(graph, directory, org)
        graph.nodes[org]["items"] = load[org]
    graph.add_edges_from(
        (a, b, {"items": items, "orders": acts, "type": "coResponsible", "weight": len(items), "years": set()})
        for (a, b), (items, acts) in pairs.items()
    )
    return graph, {"items": len(responsible)}


def build_participation(store, directory: Directory, filters: Filters) -> tuple[nx.Graph, dict]:
    """Acts and the resources they name; an edge per (act, resource) with its roles."""
    graph = nx.Graph()
    for order, node, role, count in _rows(store, q.PARTICIPATION, filters):
        for iri in (order.value, node.value):
            _add_node(graph, directory, iri)
        data = graph.get_edge_data(order.value, node.value) or {"roles": set(), "weight": 0}
        data["roles"].add(_role_key(role))
        data["weight"] += int(count.value)
        graph.add_edge(order.value, node.value, **data)
    for node, data in graph.nodes(data=True):
        data["bipartite"] = 0 if data["type"] == "act" else 1
    for a, b, data in graph.edges(data=True):
        act = a if graph.nodes[a]["type"] == "act" else b
        data.update(type="participates", orders={act}, items=set(), years=set())
    counts: dict[str, int] = defaultdict(int)
    for _, data in graph.nodes(data=True):
        counts[data["type"]] += 1
    return graph, {"node_types": dict(sorted(counts.items()))}


def _role_key(term) -> str:
    """A role as a short key: the literal of a structural role or a shnor concept's local name."""
    value = term.value
    return value[len(SHNOR_NS):] if value.startswith(SHNOR_NS) else value


BUILDERS: dict[str, Callable] = {
    "mentorship": build_mentorship,
    "co-responsibility": build_co_responsibility,
    "participation": build_participation,
}


# -- the network object and its serialisations ---------------------------------------------------


@dataclass
class Network:
    """A built network with its metrics and layout, for one store version and filter set."""

    kind: str
    graph: nx.Graph
    summary: dict
    filters: Filters
    version: str
    _encoded: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def node_link(self, *, href: Callable[[str], str | None] = lambda iri: None, provenance: bool = True) -> dict:
        """Node-link JSON: nodes with type, label, metrics, community, position; edges with
        type, weight and provenance (orders, items; ``None`` when ``provenance`` is false)."""
        return {
            "kind": self.kind,
            "directed": self.graph.is_directed(),
            "version": self.version,
            "filters": self.filters.as_dict(),
            "summary": self.summary,
            "nodes": [_node_json(n, d, href(n)) for n, d in self.graph.nodes(data=True)],
            "edges": [_edge_json(a, b, d, provenance) for a, b, d in self.graph.edges(data=True)],
        }

    def encoded(self, fmt: str, *, href: Callable[[str], str | None], provenance: bool = True) -> bytes:
        """The network as ``json``, ``graphml`` or ``gexf`` bytes (computed once, then kept).
        ``provenance=False`` leaves the edges' provenance out of the JSON (the page's compact
        form: a third of the bytes on large networks); exports always carry it."""
        key = (fmt, provenance or fmt != "json")
        with self._lock:
            if key not in self._encoded:
                self._encoded[key] = _ENCODERS[fmt](self, href, provenance)
            return self._encoded[key]


_METRICS = ("degree", "weighted_degree", "betweenness", "component", "mentor_load", "mentors", "items")


def _node_json(iri: str, data: dict, href: str | None) -> dict:
    return {
        "id": iri,
        "type": data["type"],
        "label": data["label"],
        "community": data.get("community", 0),
        "x": data.get("x", 0.0),
        "y": data.get("y", 0.0),
        "municipality": data.get("municipality"),
        "region": data.get("region"),
        "href": href,
        "metrics": {m: data[m] for m in _METRICS if m in data},
    }


def _edge_json(a: str, b: str, data: dict, provenance: bool = True) -> dict:
    edge = {
        "source": a,
        "target": b,
        "type": data["type"],
        "weight": data["weight"],
        "provenance": {"orders": sorted(data.get("orders", ())), "items": sorted(data.get("items", ()))} if provenance else None,
    }
    if data.get("years"):
        edge["years"] = sorted(data["years"])
    if data.get("roles"):
        edge["roles"] = sorted(data["roles"])
    return edge


def _encode_json(network: Network, href, provenance: bool) -> bytes:
    return json.dumps(network.node_link(href=href, provenance=provenance), ensure_ascii=False, separators=(",", ":")).encode()


def flat_graph(network: Network, *, gexf: bool = False) -> nx.Graph:
    """A copy whose attributes are GraphML/GEXF-safe scalars (lists joined with spaces, no
    ``None``); for GEXF, positions go to ``viz``."""
    flat = network.graph.__class__()
    flat.graph.update(kind=network.kind, version=network.version,
                      **{f"filter_{k}": str(v) for k, v in network.filters.as_dict().items()})
    for node, data in network.graph.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None}
        if gexf:
            attrs["viz"] = {"position": {"x": float(attrs.pop("x", 0.0)), "y": float(attrs.pop("y", 0.0)), "z": 0.0}}
        flat.add_node(node, **attrs)
    for a, b, data in network.graph.edges(data=True):
        attrs = {k: _scalar(v) for k, v in data.items() if v not in (None, set(), [])}
        if gexf:
            attrs["edge_type"] = attrs.pop("type")
        flat.add_edge(a, b, **attrs)
    return flat


def _scalar(value):
    if isinstance(value, (set, frozenset, list, tuple)):
        return " ".join(sorted(str(v) for v in value))
    if isinstance(value, bool) or isinstance(value, (int, float, str)):
        return value
    return str(value)


def _encode_graphml(network: Network, href, provenance: bool) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(network), buffer, encoding="utf-8")
    return buffer.getvalue()


def _encode_gexf(network: Network, href, provenance: bool) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(flat_graph(network, gexf=True), buffer, encoding="utf-8", version="1.2draft")
    return buffer.getvalue()


_ENCODERS = {"json": _encode_json, "graphml": _encode_graphml, "gexf": _encode_gexf}
FORMATS = tuple(_ENCODERS)


# -- the cache (per store, cleared when the store's version changes) -----------------------------


class _StoreCache:
    """Directory and networks of one store for its current version (LRU of networks)."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.directory: Directory | None = None
        self.networks: OrderedDict[tuple, Network] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[tuple, threading.Lock] = {}

    def reset(self, version: str) -> None:
        self.version, self.directory = version, None
        self.networks.clear()
        self.building.clear()


_CACHES: "weakref.WeakKeyDictionary[object, _StoreCache]" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(store) -> tuple[_StoreCache, str]:
    version = store.version()
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(store, _StoreCache())
    with cache.lock:
        if cache.version != version:
            cache.reset(version)
    return cache, version


def directory(store) -> Directory:
    """The node directory of the store's current version (cached)."""
    cache, version = _cache(store)
    with cache.lock:
        if cache.directory is None:
            cache.directory = load_directory(store)
        return cache.directory


def network(store, kind: str, filters: Filters) -> Network:
    """The network of ``kind`` under ``filters``, built once per store version.

    Raises :class:`NotFound` for an unknown kind.
    """
    if kind not in BUILDERS:
        raise NotFound(f"no network kind {kind!r}; the kinds are {', '.join(KINDS)}", kind=kind)
    cache, version = _cache(store)
    key = (kind, filters.key())
    with cache.lock:
        if key in cache.networks:
            cache.networks.move_to_end(key)
            return cache.networks[key]
        building = cache.building.setdefault(key, threading.Lock())
    with building:
        with cache.lock:
            if key in cache.networks and cache.version == version:
                return cache.networks[key]
        built = build(store, kind, filters, directory=directory(store), version=version)
        with cache.lock:
            if cache.version == version:
                cache.networks[key] = built
                while len(cache.networks) > CACHE_SIZE:
                    cache.networks.popitem(last=False)
    return built


def build(store, kind: str, filters: Filters, *, directory: Directory, version: str = "") -> Network:
    """Build a network without the cache: query, graph, metrics, layout."""
    graph, extra = BUILDERS[kind](store, directory, filters)
    summary = annotate(graph)
    summary.update(extra)
    layout(graph)
    return Network(kind, graph, summary, filters, version)


def cache_clear() -> None:
    """Forget every cached network (for benchmarks)."""
    with _CACHES_LOCK:
        _CACHES.clear()
