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

The three fast engines are alive at once and take turns within each repetition of a query (one
warm-up round, then up to ``repeat`` rounds within a time budget; medians), so that every ratio
compares times taken under the same load of the shared machine. Our server runs with the row cap
lifted (``SHNOR_KG_ROW_LIMIT``), so every engine returns every row; row counts are compared.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from pathlib import Path

from .run_common import BIN, Client, Server, free_port, isolated, median, ms

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


def load_direct(nquads: str):
    """pyoxigraph in memory with the quads; (store, seconds to load, the queries to run on it)."""
    import pyoxigraph as ox

    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter() - started
    (row,) = list(store.query(TOP_RESPONSIBLE, use_default_graph_as_union=True))
    (act,) = list(store.query(FIRST_ACT, use_default_graph_as_union=True))
    return store, loaded, stored_queries(row[0].value) + [probe(act[0].value)]


def interleaved(nquads: str, ours_port: int, oxigraph_port: int, repeat: int, budget: float) -> dict:
    """Every query on every engine, the engines taking turns within each repetition, so that each
    ratio compares times taken under the same machine load: pyoxigraph direct (rows pulled; JSON
    serialised), our /sparql, the Oxigraph server's /query. One warm-up round, then up to ``repeat``
    rounds while they fit in ``budget`` seconds."""
    store, loaded, queries = load_direct(nquads)
    ours, oxigraph = Client(ours_port), Client(oxigraph_port)
    engines = {"rows_pulled": lambda q: _pull(store, q), "json": lambda q: _json(store, q),
               "ours": lambda q: _http(ours, "/sparql", q), "oxigraph": lambda q: _http(oxigraph, "/query", q)}
    results = {}
    for q in queries:
        rows = {"direct": len([tuple(s) for s in store.query(q["sparql"], use_default_graph_as_union=True)]),
                "ours": _http_rows(ours, "/sparql", q["sparql"]), "oxigraph": _http_rows(oxigraph, "/query", q["sparql"])}
        samples: dict[str, list[float]] = {name: [] for name in engines}
        first = {name: run(q["sparql"]) for name, run in engines.items()}
        spent = sum(first.values())
        while len(samples["ours"]) < repeat and (not samples["ours"] or spent < budget):
            for name, run in engines.items():
                seconds = run(q["sparql"])
                samples[name].append(seconds)
                spent += seconds
        results[q["name"]] = {"rows": rows, "samples": len(samples["ours"]),
                              **{name: {"median_ms": ms(median(v)), "first_ms": ms(first[name])} for name, v in samples.items()}}
    ours.close()
    oxigraph.close()
    return {"load_s": round(loaded, 2), "quads": len(store), "queries": queries, "results": results}


def _http(client: Client, path: str, sparql: str) -> float:
    status, _, seconds = client.sparql(path, sparql)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return seconds


def _http_rows(client: Client, path: str, sparql: str) -> int | None:
    status, body, _ = client.sparql(path, sparql)
    return len(json.loads(body)["results"]["bindings"]) if status == 200 else None


def _pull(store, sparql: str) -> float:
    started = time.perf_counter()
    [tuple(s) for s in store.query(sparql, use_default_graph_as_union=True)]
    return time.perf_counter() - started


def _json(store, sparql: str) -> float:
    import pyoxigraph as ox

    started = time.perf_counter()
    store.query(sparql, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - started


# -- our service -------------------------------------------------------------------------------------


def serve_command(data_dir: str, port: int, workers: int = 2) -> list[str]:
    return [str(BIN / "shnor-kg"), "--data-dir", data_dir, "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers)]


SERVER_ENV = {"SHNOR_KG_ROW_LIMIT": "100000000", "SHNOR_KG_QUERY_TIMEOUT": "300", "SHNOR_KG_RATE_LIMIT": "0"}
ASK = "ASK { ?s ?p ?o }"


def start_ours(data_dir: str, log: Path) -> tuple[Server, float]:
    """Our server on the store; (server, seconds from start to the first answered query)."""
    port = free_port()
    server = Server(serve_command(data_dir, port), port, env=SERVER_ENV, log=log)
    server.start()
    client = Client(port)
    try:
        startup = server.wait_until(lambda: client.sparql("/sparql", ASK)[0] == 200, timeout=900)
    except BaseException:
        server.stop()
        raise
    finally:
        client.close()
    return server, startup


def api_and_views(port: int, queries: list[dict], views: list[str], repeat: int) -> dict:
    """``/api/queries/<name>`` (first call, cached calls) and the views (first call, warm calls)."""
    client = Client(port)
    out = {"api": {q["name"]: _api(client, q) for q in queries if q["name"] != PROBE},
           "views": {path: _view(client, path, repeat) for path in views}}
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


def start_oxigraph(nquads: str, location: str, log: Path) -> tuple[Server, float, float]:
    """Load the quads into an on-disk Oxigraph store and serve it; (server, load s, start-up s)."""
    import subprocess

    started = time.perf_counter()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", location, "--file", nquads], check=True,
                   capture_output=True, timeout=3600)
    loaded = time.perf_counter() - started
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--location", location, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    server = Server(command, port, log=log)
    server.start()
    client = Client(port)
    try:
        startup = server.wait_until(lambda: client.sparql("/query", ASK)[0] == 200, timeout=600)
    except BaseException:
        server.stop()
        raise
    finally:
        client.close()
    return server, loaded, startup


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
