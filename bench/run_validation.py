"""Whole-graph validation: the compiled SPARQL checks on the store vs pyshacl on the same data.

Both go through ``server.validation.validate_graph_of`` (what ``shnor-kg validate`` runs): the
fast path validates the union of the store's graphs with the shapes compiled to SPARQL; pyshacl
gets every document graph and the entities graph parsed into one rdflib graph. Each runs in its
own process (its own peak memory); the two reports are compared result by result.
"""

from __future__ import annotations

import time
from collections import Counter


def validate_whole(data_dir: str, engine: str) -> dict:
    """Open the store, validate everything with ``engine``; times, counts and the result keys."""
    from shnor_kg.config import load_config
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import open_store
    from shnor_kg.server.validation import validate_graph_of

    config = load_config({"data_dir": data_dir}, environ={})
    started = time.perf_counter()
    store = open_store(config)
    catalog = Catalog(store, data_dir, base_iri=config.base_iri)
    opened = time.perf_counter()
    report = validate_graph_of(store, catalog, engine=engine)
    validated = time.perf_counter()
    shapes = Counter(str(r.source_shape).rsplit("#", 1)[-1] + " " + r.severity_name for r in report.results)
    return {"engine": engine, "quads": store.triple_count(), "open_s": round(opened - started, 2),
            "validate_s": round(validated - opened, 2), "results": len(report.results), "counts": report.counts(),
            "by_shape": dict(sorted(shapes.items())), "keys": sorted(map(repr, report.keys()))}


def compare_reports(fast: dict, slow: dict) -> dict:
    """Whether two reports hold the same results (and a few of the differences when not)."""
    a, b = set(fast["keys"]), set(slow["keys"])
    return {"identical": a == b, "only_sparql": sorted(a - b)[:5], "only_pyshacl": sorted(b - a)[:5],
            "only_sparql_count": len(a - b), "only_pyshacl_count": len(b - a)}
