"""Benchmark of SHACL validation (issue 7; not run by ``make test``).

    .venv/bin/python bench/validation_bench.py [--triples 1000000] [--reference-copies 8] [--repeat 3]

1. Per document, as at ingest: each sample act validated with its entities by pyshacl and by the
   compiled SPARQL checks (median of ``--repeat``).
2. Whole graph: both sample acts are ingested through the real pipeline (so the store also holds
   their validation graphs, as in production), then renamed copies of all their graphs (every
   minted IRI but the regions gets a ``c<k>/`` prefix: a new municipality per copy) are committed
   to a fresh embedded store until it holds ``--triples`` quads. ``validate_store`` (what
   ``shnor-kg validate`` runs) is timed on it, and its report is checked: exactly the sample
   acts' results, renamed, once per copy.
3. Reference: pyshacl on a smaller copy (``--reference-copies``) must give the same results as the
   fast path on the same data.

Results are printed and written to ``bench/results/validation.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def sample_store(data_dir: str):
    """An embedded store with the vocabulary and both sample acts ingested (with their reports)."""
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
    return store, catalog


def per_document(repeat: int) -> list[dict]:
    """pyshacl vs the compiled checks on each sample act with its entities (ingest-time validation)."""
    from shnor_kg.ingest.pipeline import ingest_act
    from shnor_kg.shapes.submission import validate_document

    rows = []
    for path in EXAMPLES:
        act = ingest_act(path.read_bytes(), path.name)
        timings = {}
        for engine in ("pyshacl", "sparql"):
            validate_document(act.document, act.entities, engine=engine)  # warm: imports, shapes, compiled checks
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                report = validate_document(act.document, act.entities, engine=engine)
                runs.append(time.perf_counter() - started)
            timings[engine] = (statistics.median(runs), report)
        same = timings["pyshacl"][1].keys() == timings["sparql"][1].keys()
        rows.append({"act": path.name, "triples": len(act.document) + len(act.entities),
                     "pyshacl_s": round(timings["pyshacl"][0], 3), "sparql_s": round(timings["sparql"][0], 3),
                     "ratio": round(timings["pyshacl"][0] / timings["sparql"][0], 1), "same_results": same,
                     "results": len(timings["sparql"][1].results)})
    return rows


def _copy_term(term, k: int):
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID) and not term.value.startswith(ID + "region/"):
        return ox.NamedNode(f"{ID}c{k}/{term.value[len(ID):]}")
    if isinstance(term, ox.BlankNode):
        raise ValueError("the stored graphs have no blank nodes")
    return term


def _graph_copy(graph: str, k: int) -> str:
    if graph in SHARED_GRAPHS:
        return graph
    doc = graph[len(GRAPH):]
    return f"{GRAPH}c{k}-{doc}"


def scaled_graphs(quads: list[ox.Quad], copies: int) -> dict[str, set[ox.Triple]]:
    """Graph IRI → triples: the vocabulary once, every other graph once per copy (renamed)."""
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for quad in quads:
        graph = quad.graph_name.value
        if graph == GRAPH + "vocabulary":
            graphs[graph].add(quad.triple)
            continue
        for k in range(copies):
            graphs[_graph_copy(graph, k)].add(ox.Triple(*(_copy_term(t, k) for t in (quad.subject, quad.predicate, quad.object))))
    return graphs


def expected_keys(sample_keys: set[tuple], copies: int) -> set[tuple]:
    """The sample results, renamed into every copy."""
    from rdflib import URIRef

    def rename(term, k):
        if isinstance(term, URIRef) and str(term).startswith(ID) and not str(term).startswith(ID + "region/"):
            return URIRef(f"{ID}c{k}/{str(term)[len(ID):]}")
        return term

    return {(rename(f, k), p, c, s, sh, rename(v, k)) for (f, p, c, s, sh, v) in sample_keys for k in range(copies)}


def load(graphs: dict[str, set[ox.Triple]], data_dir: str):
    from shnor_kg.config import load_config
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import GraphChange, open_store

    config = load_config({"data_dir": data_dir}, environ={})
    store = open_store(config)
    store.commit([GraphChange("replace", g, tuple(t)) for g, t in graphs.items()])
    return store, Catalog(store, data_dir, base_iri=config.base_iri)


def whole_graph(quads: list[ox.Quad], sample_keys: set[tuple], copies: int, tmp: Path, repeat: int) -> dict:
    from shnor_kg.server.store_embedded import EmbeddedStore
    from shnor_kg.server.validation import validate_graph_of

    graphs = scaled_graphs(quads, copies)
    triples = sum(len(t) for t in graphs.values())
    data_dir = str(tmp / f"scaled-{copies}")
    started = time.perf_counter()
    store, catalog = load(graphs, data_dir)
    commit_s = time.perf_counter() - started
    del graphs
    store.close()
    started = time.perf_counter()
    store = EmbeddedStore.open(data_dir)  # what `shnor-kg validate` does first
    open_s = time.perf_counter() - started
    from shnor_kg.server.catalog import Catalog

    catalog = Catalog(store, data_dir)
    runs, cpu, report = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = validate_graph_of(store, catalog, engine="sparql")
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    correct = report.keys() == expected_keys(sample_keys, copies)
    quads_in_store = store.triple_count()
    store.close()
    return {"copies": copies, "quads": quads_in_store, "commit_s": round(commit_s, 1), "open_s": round(open_s, 1),
            "validate_s": [round(r, 2) for r in runs], "validate_median_s": round(statistics.median(runs), 2),
            "validate_cpu_s": [round(c, 2) for c in cpu], "load_average": [round(x, 1) for x in os.getloadavg()],
            "results": len(report.results), "counts": report.counts(), "exactly_the_renamed_sample_results": correct}


def reference(quads: list[ox.Quad], copies: int) -> dict:
    """pyshacl and the fast path on the same scaled data (an rdflib graph of the union)."""
    from rdflib import Graph

    from shnor_kg.shapes import validate, validate_sparql

    graphs = scaled_graphs([q for q in quads if not q.graph_name.value.endswith("/validation")], copies)
    data = Graph()
    for name, triples in graphs.items():
        if name != GRAPH + "vocabulary":
            data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    started = time.perf_counter()
    slow = validate(data)
    slow_s = time.perf_counter() - started
    started = time.perf_counter()
    fast = validate_sparql(data)
    fast_s = time.perf_counter() - started
    return {"copies": copies, "triples": len(data), "pyshacl_s": round(slow_s, 1), "sparql_s": round(fast_s, 2),
            "results": len(slow.results), "same_results": slow.keys() == fast.keys()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="quads in the whole-graph store (approximately)")
    parser.add_argument("--reference-copies", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from shnor_kg.server.validation import validate_graph_of

    report: dict = {"per_document": per_document(args.repeat)}
    for row in report["per_document"]:
        print(f"{row['act']}: {row['triples']} triples, pyshacl {row['pyshacl_s']} s, sparql {row['sparql_s']} s "
              f"({row['ratio']}×), same results: {row['same_results']}")
    with tempfile.TemporaryDirectory() as tmp:
        store, catalog = sample_store(str(Path(tmp) / "sample"))
        sample = validate_graph_of(store, catalog, engine="sparql")
        quads = list(ox.parse(store.export(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
        store.close()
        per_copy = sum(1 for q in quads if q.graph_name.value != GRAPH + "vocabulary")
        vocabulary = len(quads) - per_copy
        copies = max(1, round((args.triples - vocabulary) / per_copy))
        report["reference"] = reference(quads, args.reference_copies)
        ref = report["reference"]
        print(f"reference, {ref['copies']} copies, {ref['triples']} triples: pyshacl {ref['pyshacl_s']} s, "
              f"sparql {ref['sparql_s']} s, {ref['results']} results, same: {ref['same_results']}")
        report["whole_graph"] = whole_graph(quads, sample.keys(), copies, Path(tmp), args.repeat)
    whole = report["whole_graph"]
    print(f"whole graph, {whole['copies']} copies, {whole['quads']} quads: committed in {whole['commit_s']} s, "
          f"opened in {whole['open_s']} s, validated in {whole['validate_s']} s (median {whole['validate_median_s']} s, "
          f"CPU {whole['validate_cpu_s']} s, load average {whole['load_average']}); "
          f"{whole['results']} results {whole['counts']}; exactly the renamed sample results: "
          f"{whole['exactly_the_renamed_sample_results']}")
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = ROOT / "bench" / "results" / "validation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
