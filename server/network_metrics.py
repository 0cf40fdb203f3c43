"""Metrics and layout of a network: degree, weighted degree, betweenness, components, Louvain
communities, and precomputed positions.

Costs (docs/performance.md): betweenness is exact up to :data:`EXACT_BETWEENNESS_NODES` nodes and
sampled above (``k`` pivots with a fixed seed, chosen so that ``k × (nodes + edges)`` stays near
:data:`BETWEENNESS_BUDGET`); Louvain uses a fixed seed so that communities are reproducible. The
layout is O(nodes): communities on a sunflower spiral, each community a sunflower of its nodes
with hubs in the middle; the page refines it with ForceAtlas2 in a web worker. networkx's
spring layout is never used (20 s for 2k nodes).
"""

from __future__ import annotations

import math
from typing import Iterable

import networkx as nx

SEED = 42
EXACT_BETWEENNESS_NODES = 1000
BETWEENNESS_BUDGET = 2_000_000
MIN_PIVOTS = 32
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def undirected(graph: nx.Graph) -> nx.Graph:
    """The graph itself, or an undirected view of a directed one."""
    return graph.to_undirected(as_view=True) if graph.is_directed() else graph


def betweenness_pivots(nodes: int, edges: int) -> int | None:
    """``None`` for exact betweenness, else the number of sampled pivots."""
    if nodes <= EXACT_BETWEENNESS_NODES:
        return None
    return max(MIN_PIVOTS, min(nodes, BETWEENNESS_BUDGET // max(1, nodes + edges)))


def ranked(groups: Iterable[Iterable]) -> list[list]:
    """Groups of nodes, largest first, ties broken by their smallest member (stable numbering)."""
    return sorted((sorted(g, key=str) for g in groups), key=lambda g: (-len(g), str(g[0])))


def communities(graph: nx.Graph) -> list[list]:
    """Louvain communities (seeded), largest first."""
    if graph.number_of_nodes() == 0:
        return []
    return ranked(nx.community.louvain_communities(graph, weight="weight", seed=SEED))


def annotate(graph: nx.Graph) -> dict:
    """Store per-node metrics on ``graph`` (``degree``, ``weighted_degree``, ``betweenness``,
    ``component``, ``community``) and return the network-level summary."""
    view = undirected(graph)
    pivots = betweenness_pivots(graph.number_of_nodes(), graph.number_of_edges())
    between = nx.betweenness_centrality(view, k=pivots, seed=SEED) if graph.number_of_nodes() else {}
    components = ranked(nx.connected_components(view))
    groups = communities(view)
    for index, members in enumerate(components):
        for node in members:
            graph.nodes[node]["component"] = index
    for index, members in enumerate(groups):
        for node in members:
            graph.nodes[node]["community"] = index
    weighted = dict(graph.degree(weight="weight"))
    for node, degree in graph.degree():
        data = graph.nodes[node]
        data["degree"] = degree
        data["weighted_degree"] = weighted[node]
        data["betweenness"] = round(between.get(node, 0.0), 6)
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "components": len(components),
        "largest_component": len(components[0]) if components else 0,
        "communities": len(groups),
        "modularity": round(nx.community.modularity(view, groups, weight="weight"), 4) if view.number_of_edges() else 0.0,
        "betweenness": {"exact": pivots is None, "pivots": pivots},
    }


def _sunflower(count: int, radius: float) -> list[tuple[float, float]]:
    """``count`` evenly spread points in a disc of ``radius`` (Vogel's model), centre first."""
    return [
        (radius * math.sqrt((i + 0.5) / count) * math.cos(i * GOLDEN_ANGLE),
         radius * math.sqrt((i + 0.5) / count) * math.sin(i * GOLDEN_ANGLE))
        for i in range(count)
    ]


def layout(graph: nx.Graph) -> None:
    """Store initial positions ``x``, ``y`` on every node (needs ``community`` and ``degree``)."""
    groups: dict[int, list] = {}
    for node, data in graph.nodes(data=True):
        groups.setdefault(data.get("community", 0), []).append(node)
    ordered = sorted(groups.values(), key=lambda g: -len(g))
    centres = _community_centres([len(g) for g in ordered])
    for members, (cx, cy) in zip(ordered, centres):
        members.sort(key=lambda n: (-graph.nodes[n].get("degree", 0), str(n)))
        for node, (dx, dy) in zip(members, _sunflower(len(members), math.sqrt(len(members)))):
            graph.nodes[node]["x"] = round(cx + dx, 3)
            graph.nodes[node]["y"] = round(cy + dy, 3)


def _community_centres(sizes: list[int]) -> list[tuple[float, float]]:
    """Centres of communities on a spiral whose area grows with the communities placed so far."""
    centres, area = [], 0.0
    for index, size in enumerate(sizes):
        radius = 1.6 * math.sqrt(area + size / 2) if index else 0.0
        centres.append((radius * math.cos(index * GOLDEN_ANGLE), radius * math.sin(index * GOLDEN_ANGLE)))
        area += size * 1.4
    return centres
