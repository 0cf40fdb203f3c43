"""Benchmark of the stored queries on a scaled copy of the two sample acts (not run by ``make test``).

    .venv/bin/python bench/queries_bench.py [--copies 200] [--repeat 3]

Ingests both sample acts through the real pipeline, then writes ``--copies`` renamed copies of
their graphs (every minted IRI gets a ``c<k>/`` prefix, so each copy is a new municipality with its
own organisations, people and acts; the two regions stay shared, so regional aggregates grow) into
a fresh embedded store, and measures for every stored query with its default parameters:

- cold: the first run through :class:`QueryRunner` (parse, bind, evaluate, collect rows);
- direct: the same SPARQL text on the store, without the runner (median of ``--repeat``);
- warm: a repeated call answered from the per-version cache.

Results are printed and written to ``bench/results/queries.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/shnor/id/"
GRAPH = "https://w3id.org/shnor/graph/"
SHARED_GRAPHS = {GRAPH + "entities", GRAPH + "vocabulary"}
EXAMPLES = [ROOT / "examples" / "tula-2024-prikaz-22-1-osn.txt", ROOT / "examples" / "kostroma-2023-rasporyazhenie.txt"]
PARAMS = {"items-of-responsible": {"responsible": ID + "c0/org/ru-tul-tula/mku-cnppm"}}


def sample_quads(data_dir: str) -> list[ox.Quad]:
    """The quads of a store holding the vocabulary and both sample acts."""
    from shnor_kg.config import load_config
    from shnor_kg.ingest.pipeline import submission_for
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import open_store

    config = load_config({"data_dir": data_dir}, environ={})
    store = open_store(config)
    catalog = Catalog(store, data_dir, base_iri=config.base_iri)
    catalog.ensure_vocabulary()
    for path in EXAMPLES:
        catalog.add(submission_for(path, path.read_bytes(), config=config))
    quads = list(ox.parse(store.export(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    store.close()
    return quads


def _copy_term(term, k: int, blanks: dict):
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID) and not term.value.startswith(ID + "region/"):
        return ox.NamedNode(f"{ID}c{k}/{term.value[len(ID):]}")
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, ox.BlankNode())
    return term


def scaled_graphs(quads: list[ox.Quad], copies: int) -> dict[str, set[ox.Triple]]:
    """Graph IRI → triples of the scaled dataset (vocabulary once, regions once)."""
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for quad in quads:
        if quad.graph_name.value == GRAPH + "vocabulary":
            graphs[quad.graph_name.value].add(quad.triple)
    for k in range(copies):
        blanks: dict = {}
        for quad in quads:
            graph = quad.graph_name.value
            if graph == GRAPH + "vocabulary":
                continue
            name = graph if graph in SHARED_GRAPHS else f"{graph}-c{k}"
            graphs[name].add(ox.Triple(*(_copy_term(t, k, blanks) for t in (quad.subject, quad.predicate, quad.object))))
    return graphs


def load(graphs: dict[str, set[ox.Triple]], data_dir: str):
    from shnor_kg.config import load_config
    from shnor_kg.server.store import GraphChange, open_store

    store = open_store(load_config({"data_dir": data_dir}, environ={}))
    store.commit([GraphChange("replace", g, tuple(t)) for g, t in graphs.items()])
    return store


def measure(store, repeat: int) -> list[dict]:
    from shnor_kg.queries import QueryRunner, get_query, load_catalogue

    runner = QueryRunner(store, limit=None, timeout=None)
    rows = []
    for name in load_catalogue():
        params = PARAMS.get(name, {})
        started = time.perf_counter()
        cold = runner.run(name, params)
        cold_ms = (time.perf_counter() - started) * 1000
        direct = []
        text = get_query(name).sparql(get_query(name).bind(params))
        for _ in range(repeat):
            started = time.perf_counter()
            store.query(text)
            direct.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        warm = runner.run(name, params)
        warm_ms = (time.perf_counter() - started) * 1000
        assert warm.cached and not cold.cached
        rows.append({"query": name, "rows": len(cold.result.rows), "cold_ms": round(cold_ms, 1),
                     "direct_median_ms": round(statistics.median(direct), 1), "warm_ms": round(warm_ms, 3)})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        quads = sample_quads(str(Path(tmp) / "sample"))
        graphs = scaled_graphs(quads, args.copies)
        triples = sum(len(t) for t in graphs.values())
        started = time.perf_counter()
        store = load(graphs, str(Path(tmp) / "scaled"))
        load_s = time.perf_counter() - started
        results = measure(store, args.repeat)
        store.close()
    report = {"copies": args.copies, "triples": triples, "load_s": round(load_s, 1), "queries": results}
    print(f"{args.copies} copies of both acts: {triples} triples, loaded in {load_s:.1f} s")
    print(f"{'query':42} {'rows':>6} {'cold ms':>9} {'direct ms':>10} {'warm ms':>8}")
    for r in results:
        print(f"{r['query']:42} {r['rows']:>6} {r['cold_ms']:>9} {r['direct_median_ms']:>10} {r['warm_ms']:>8}")
    out = ROOT / "bench" / "results" / "queries.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
