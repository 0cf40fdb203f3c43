"""Benchmark of the SPARQL endpoint against pyoxigraph called directly (not run by ``make test``).

    .venv/bin/python bench/sparql_bench.py [--copies 100] [--repeat 7]

Builds the scaled copy of the two sample acts of ``bench/queries_bench.py`` in an embedded store,
serves the app on loopback (werkzeug, threaded), and measures for every stored query (default
parameters) plus a point lookup and a 10k-row result:

- direct: ``pyoxigraph.Store.query`` on the same in-memory store, union default graph, every row
  pulled into a tuple (the cost of getting the answer into Python);
- direct JSON: the same, serialized to SPARQL JSON by Oxigraph;
- worker: the embedded store's ``evaluate`` (worker process round trip, row cap, SPARQL JSON),
  without HTTP;
- endpoint: POST (form) to ``/sparql`` over HTTP, Accept SPARQL JSON, body read; this includes
  the guard, the worker process round trip, the row cap, the serialization and HTTP.

Medians of ``--repeat`` runs, interleaved, after one warm-up run. The target (docs/performance.md): endpoint
within 1.3 x direct + 2 ms. Results are printed and written to ``bench/results/sparql.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
POINT = "SELECT ?p ?o WHERE { <https://w3id.org/shnor/id/c0/region/RU-TUL> ?p ?o }"
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"


def queries() -> dict[str, str]:
    from shnor_kg.queries import get_query, load_catalogue

    sys.path.insert(0, str(ROOT))
    from bench.queries_bench import PARAMS

    texts = {"point-lookup": POINT, "10k-rows": MANY}
    for name in load_catalogue():
        stored = get_query(name)
        texts[name] = stored.sparql(stored.bind(PARAMS.get(name, {})))
    return texts


def interleaved(functions: dict, repeat: int) -> tuple[dict[str, float], dict[str, object]]:
    """Median milliseconds of each function, the runs interleaved (so that a shared, noisy machine
    weighs on every contender alike), after one warm-up run each; and each function's last value."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    values: dict[str, object] = {name: function() for name, function in functions.items()}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            values[name] = function()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(s) for name, s in samples.items()}, values


def post(base: str, query: str) -> tuple[int, int]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("POST", "/sparql", body=urlencode({"query": query}),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:500]
        return len(body), int(response.headers["X-Shnor-Rows"])
    finally:
        connection.close()


def measure(store, base: str, repeat: int) -> list[dict]:
    import pyoxigraph as ox

    from shnor_kg.server.query_workers import QueryJob

    memory = store._memory
    rows = []
    for name, text in queries().items():
        ms, values = interleaved({
            "direct": lambda: len([tuple(s) for s in memory.query(text, use_default_graph_as_union=True)]),
            "direct_json": lambda: memory.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON),
            "worker": lambda: store.evaluate(QueryJob(text, limit=10_000, output="json"), timeout=60),
            "endpoint": lambda: post(base, text),
        }, repeat)
        rows.append({"query": name, "rows": values["direct"], "served_rows": values["endpoint"][1],
                     **{f"{k}_ms": round(v, 2) for k, v in ms.items()},
                     "ratio": round(ms["endpoint"] / ms["direct"], 2), "within_target": ms["endpoint"] <= 1.3 * ms["direct"] + 2.0})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.queries_bench import load, sample_quads, scaled_graphs
    from shnor_kg.config import load_config
    from shnor_kg.server.app import create_app
    from tests.browser import serve_app

    with tempfile.TemporaryDirectory() as tmp:
        graphs = scaled_graphs(sample_quads(str(Path(tmp) / "sample")), args.copies)
        triples = sum(len(t) for t in graphs.values())
        store = load(graphs, str(Path(tmp) / "scaled"))
        config = load_config({"data_dir": str(Path(tmp) / "scaled"), "row_limit": 10_000, "query_timeout": 60}, environ={})
        with serve_app(create_app(config, store=store)) as base:
            results = measure(store, base, args.repeat)
        store.close()
    report = {"copies": args.copies, "triples": triples, "repeat": args.repeat, "queries": results}
    print(f"{args.copies} copies of both acts: {triples} triples; medians of {args.repeat} runs")
    print(f"{'query':40} {'rows':>6} {'direct':>9} {'dir.JSON':>9} {'worker':>9} {'endpoint':>9} {'ratio':>6}  target")
    for r in results:
        print(f"{r['query']:40} {r['rows']:>6} {r['direct_ms']:>9} {r['direct_json_ms']:>9} {r['worker_ms']:>9} {r['endpoint_ms']:>9} "
              f"{r['ratio']:>6}  {'ok' if r['within_target'] else 'MISSED'}")
    print(f"within 1.3 x direct + 2 ms: {sum(r['within_target'] for r in results)} of {len(results)}")
    out = ROOT / "bench" / "results" / "sparql.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
