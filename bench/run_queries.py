"""Query latency of every stored query on one dataset, per engine, and the views of the service.

Engines, on the same quads (the store's N-Quads export):

* ``direct`` — pyoxigraph in memory called in-process (the floor): evaluate and pull every row
  into Python (``rows``), and evaluate and serialise SPARQL JSON (``json``, the bytes an endpoint
  has to send);
* ``ours`` — our endpoint: ``POST /sparql`` on ``shnor-kg serve --workers 2`` (gunicorn), SPARQL
  JSON read to the last byte; also ``/api/queries/<name>`` (first call and cached calls) and the
  comparison and network views (first call and warm calls);
* ``oxigraph-server`` — ``oxigraph serve`` on disk (RocksDB, loaded with ``oxigraph load``),
  ``POST /query`` with the union default graph, the same client;
* ``rdflib`` — rdflib's own SPARQL engine on an in-memory ``Dataset`` (default graph = union),
  each query in a forked child killed at the time limit (only on the smaller datasets).

Every query runs once to warm up, then up to ``repeat`` times within a time budget; medians.
Our server runs with the row cap lifted (``SHNOR_KG_ROW_LIMIT``), so every engine returns every
row; row counts are compared across engines.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from pathlib import Path

from .run_common import BIN, Client, Server, free_port, isolated, ms, repeat_timed, running

TOP_RESPONSIBLE = """PREFIX shnor: <https://w3id.org/shnor/ontology#>
SELECT ?org (COUNT(?item) AS ?n) WHERE { ?item shnor:responsible ?org } GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT 1"""
FIRST_ACT = """PREFIX shnor: <https://w3id.org/shnor/ontology#>
SELECT ?act WHERE { ?act a shnor:Order ; shnor:approves ?plan } ORDER BY ?act LIMIT 1"""
PROBE = "probe: point lookup"


def stored_queries(responsible: str) -> list[dict]:
    """Every stored query with its default parameters (items-of-responsible: the busiest party)."""
    from shnor_kg.queries import load_catalogue

    out = []
    for name, query in load_catalogue().items():
        params = {p.name: responsible for p in query.params if p.required and p.type == "iri"}
        out.append({"name": name, "params": params, "sparql": query.sparql(query.bind(params))})
    return out


def probe(act: str) -> dict:
    """A point lookup (every statement of one act): the fixed cost of an engine or an endpoint."""
    return {"name": PROBE, "params": {}, "sparql": f"SELECT ?p ?o WHERE {{ <{act}> ?p ?o }}"}


def direct(nquads: str, repeat: int, budget: float) -> dict:
    """pyoxigraph in memory, in this process: load, then every stored query (rows and JSON)."""
    import pyoxigraph as ox

    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter() - started
    (row,) = list(store.query(TOP_RESPONSIBLE, use_default_graph_as_union=True))
    (act,) = list(store.query(FIRST_ACT, use_default_graph_as_union=True))
    queries = stored_queries(row[0].value) + [probe(act[0].value)]
    results = {}
    for q in queries:
        results[q["name"]] = {
            "rows": len([tuple(s) for s in store.query(q["sparql"], use_default_graph_as_union=True)]),
            "rows_pulled": repeat_timed(lambda: _pull(store, q["sparql"]), repeat=repeat, budget=budget),
            "json": repeat_timed(lambda: _json(store, q["sparql"]), repeat=repeat, budget=budget),
        }
    return {"load_s": round(loaded, 2), "quads": len(store), "queries": queries, "results": results}


def _pull(store, sparql: str) -> float:
    started = time.perf_counter()
    [tuple(s) for s in store.query(sparql, use_default_graph_as_union=True)]
    return time.perf_counter() - started


def _json(store, sparql: str) -> float:
    import pyoxigraph as ox

    started = time.perf_counter()
    store.query(sparql, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - started


def over_http(client: Client, path: str, queries: list[dict], repeat: int, budget: float) -> dict:
    """Every query POSTed to ``path``; medians, and the row count of the first answer."""
    out = {}
    for q in queries:
        status, body, _ = client.sparql(path, q["sparql"])
        rows = len(json.loads(body)["results"]["bindings"]) if status == 200 else None

        def call() -> float:
            code, _, seconds = client.sparql(path, q["sparql"])
            if code != 200:
                raise RuntimeError(f"{path} answered {code} to {q['name']}")
            return seconds

        out[q["name"]] = {"status": status, "rows": rows,
                          **(repeat_timed(call, repeat=repeat, budget=budget, warmup=False) if status == 200 else {})}
    return out


# -- our service -------------------------------------------------------------------------------------


def serve_command(data_dir: str, port: int, workers: int = 2) -> list[str]:
    return [str(BIN / "shnor-kg"), "--data-dir", data_dir, "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers)]


SERVER_ENV = {"SHNOR_KG_ROW_LIMIT": "100000000", "SHNOR_KG_QUERY_TIMEOUT": "300", "SHNOR_KG_RATE_LIMIT": "0"}
ASK = "ASK { ?s ?p ?o }"


def ours(data_dir: str, queries: list[dict], views: list[str], *, repeat: int, budget: float, log: Path) -> dict:
    """Start-up, /sparql per query, /api/queries (first and cached), views (first and warm), memory."""
    port = free_port()
    server = Server(serve_command(data_dir, port), port, env=SERVER_ENV, log=log)
    with running(server):
        client = Client(port)
        startup = server.wait_until(lambda: client.sparql("/sparql", ASK)[0] == 200, timeout=900)
        out = {"startup_s": round(startup, 2), "sparql": over_http(client, "/sparql", queries, repeat, budget)}
        out["api"] = {q["name"]: _api(client, q) for q in queries if q["name"] != PROBE}
        out["views"] = {path: _view(client, path, repeat) for path in views}
        out["memory"] = server.memory()
        client.close()
    return out


def _api(client: Client, q: dict) -> dict:
    from urllib.parse import urlencode

    path = f"/api/queries/{q['name']}" + (f"?{urlencode(q['params'])}" if q["params"] else "")
    status, _, first = client.get(path)
    warm = sorted(client.get(path)[2] for _ in range(5))
    return {"status": status, "first_ms": ms(first), "cached_median_ms": ms(warm[2])}


def _view(client: Client, path: str, repeat: int) -> dict:
    status, body, first = client.get(path)
    warm = [client.get(path)[2] for _ in range(repeat)]
    return {"status": status, "bytes": len(body), "first_ms": ms(first), "warm_median_ms": ms(sorted(warm)[len(warm) // 2])}


def view_paths(regions: list[str]) -> list[str]:
    """The comparison of up to four regions, and the two main networks."""
    compare = "/api/compare?" + "&".join(f"region={r}" for r in regions[:4])
    return [compare, "/api/network/co-responsibility?provenance=none", "/api/network/mentorship?provenance=none"]


# -- the Oxigraph server ---------------------------------------------------------------------------------


def oxigraph_server(nquads: str, location: str, queries: list[dict], *, repeat: int, budget: float, log: Path) -> dict:
    """Load the quads into an on-disk Oxigraph server, start it, run the queries over HTTP."""
    import subprocess

    started = time.perf_counter()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", location, "--file", nquads], check=True,
                   capture_output=True, timeout=3600)
    loaded = time.perf_counter() - started
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--location", location, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    server = Server(command, port, log=log)
    with running(server):
        client = Client(port)
        startup = server.wait_until(lambda: client.sparql("/query", ASK)[0] == 200, timeout=600)
        out = {"load_s": round(loaded, 2), "startup_s": round(startup, 2),
               "sparql": over_http(client, "/query", queries, repeat, budget), "memory": server.memory()}
        client.close()
    return out


# -- rdflib's own engine ------------------------------------------------------------------------------------


def rdflib_engine(nquads: str, queries: list[dict], per_query: float, repeat: int) -> dict:
    """rdflib in memory: load, then each query in a forked child killed after ``per_query`` seconds
    (repeats only while they fit in half of that)."""
    import warnings

    from rdflib import Dataset

    warnings.simplefilter("ignore")  # rdflib warns on every unbound value it casts to a boolean
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    loaded = time.perf_counter() - started
    results = {q["name"]: _forked(lambda q=q: _rdflib_runs(dataset, q["sparql"], repeat, per_query / 2), per_query)
               for q in queries}
    return {"load_s": round(loaded, 2), "triples": len(dataset), "results": results}


def _rdflib_runs(dataset, sparql: str, repeat: int, budget: float) -> dict:
    times, rows = [], None
    while len(times) < repeat and sum(times) < budget:
        started = time.perf_counter()
        rows = len(list(dataset.query(sparql)))
        times.append(time.perf_counter() - started)
    times.sort()
    return {"rows": rows, "first_ms": ms(times[0]), "median_ms": ms(times[len(times) // 2]), "samples": len(times)}


def _forked(fn, timeout: float) -> dict:
    """``fn()`` in a forked child; ``{"timeout_s": …}`` when it does not answer in time."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, never return into the caller's code
        os.close(read)
        try:
            payload = json.dumps(fn()).encode()
        except BaseException as exc:  # noqa: BLE001
            payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}).encode()
        os.write(write, payload)
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], timeout)
    try:
        if not ready:
            os.kill(pid, signal.SIGKILL)
            return {"timeout_s": timeout}
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        return json.loads(b"".join(chunks) or b'{"error": "no answer"}')
    finally:
        os.close(read)
        os.waitpid(pid, 0)


def run_isolated_rdflib(nquads: str, queries: list[dict], per_query: float, repeat: int, timeout: float) -> dict:
    result, peak = isolated(rdflib_engine, nquads, queries, per_query, repeat, timeout=timeout)
    return {**result, "peak_mb": peak}
