"""The benchmark harness of issue 13 (not run by ``make test``).

    make bench          # .venv/bin/python -m bench.run --scale small   (100 acts, ~150k quads; < 10 min)
    make bench-large    # .venv/bin/python -m bench.run --scale large   (1,000 acts, ~1.5M quads)
    .venv/bin/python -m bench.run --scale small --steps queries --profile

Steps (``--steps``, default all), each measured against its baseline in the same run:

1. ``corpus`` — the synthetic acts of :mod:`bench.generate` (kept in ``var/bench/corpus-<n>``);
2. ``ingest`` — the stages of the pipeline per document (parse, normalise, validate, store), then
   the whole corpus on one process (documents/s, triples/s, per quarter: is it linear?) and on two
   processes writing into one store; the one-process store is kept (``var/bench/store-<n>``),
   with snapshots at the smaller sizes of the scale;
3. ``queries`` — per dataset size: every stored query on pyoxigraph in memory called directly
   (the floor), through our HTTP endpoint, on the Oxigraph server over HTTP, and on rdflib's own
   engine (smaller sizes); the start-up of our server to its first answered query, the
   comparison and network views (first and warm), peak memory of each;
4. ``validation`` — whole-graph validation with the compiled SPARQL checks vs pyshacl, reports compared.

Medians and ratios are printed and written to ``bench/results/run-<scale>.json``; the latency
plot ``docs/benchmarks-latency.png`` is redrawn from every ``run-*.json`` (``bench/plot.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from . import run_ingest, run_queries, run_validation
from .run_common import RESULTS, WORK, code_state, fresh_dir, isolated, machine, versions, write_json

SCALES = {
    "smoke": {"acts": 6, "points": [3, 6], "stage_sample": 3, "parallel_sample": 6, "rdflib_max": 6, "pyshacl_max": 6,
              "repeat": 2, "budget": 2.0, "rdflib_per_query": 5.0, "timeout": 600},
    "small": {"acts": 100, "points": [20, 100], "stage_sample": 15, "parallel_sample": 50, "rdflib_max": 100,
              "pyshacl_max": 100, "repeat": 5, "budget": 5.0, "rdflib_per_query": 6.0, "timeout": 1800},
    "large": {"acts": 1000, "points": [1000], "stage_sample": 30, "parallel_sample": 300, "rdflib_max": 0,
              "pyshacl_max": 1000, "repeat": 5, "budget": 20.0, "rdflib_per_query": 0, "timeout": 7200},
    "huge": {"acts": 5000, "points": [5000], "stage_sample": 30, "parallel_sample": 1000, "rdflib_max": 0,
             "pyshacl_max": 0, "repeat": 3, "budget": 30.0, "rdflib_per_query": 0, "timeout": 14400},
}
STEPS = ("corpus", "ingest", "queries", "validation")


# -- corpus ------------------------------------------------------------------------------------------------


def corpus(acts: int, seed: int) -> tuple[Path, list[str], dict]:
    """The generated corpus of ``acts`` acts (made once, then reused); files in act order."""
    from .generate import CorpusConfig, fingerprint, generate, load_manifests

    root = WORK / f"corpus-{acts}-s{seed}"
    summary_path = root / "corpus.json"
    config = CorpusConfig(acts=acts, seed=seed)
    made = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    if made.get("generator") != fingerprint() or made.get("config", {}).get("acts") != acts:
        fresh_dir(root)
        started = time.perf_counter()
        generate(config, root)
        print(f"generated {acts} acts in {time.perf_counter() - started:.1f} s → {root}", flush=True)
    manifests = sorted(load_manifests(root).values(), key=lambda m: int(Path(m["file"]).stem.rsplit("-", 1)[1]))
    summary = json.loads(summary_path.read_text())
    summary["regions_of_acts"] = [m["region"] for m in manifests]
    return root, [str(root / m["file"]) for m in manifests], summary


def store_dir(acts: int) -> Path:
    return WORK / f"store-{acts}"


# -- ingest ------------------------------------------------------------------------------------------------


def ingest(files: list[str], scale: dict, profile: bool, stamp: Path) -> dict:
    """The ingest step (see the module docs); ``stamp`` (the corpus summary) is copied into the
    store, so that bench.load knows which corpus a kept store was made from."""
    n = len(files)
    sample = files[: scale["stage_sample"]]
    print(f"ingest: stages on {len(sample)} documents …", flush=True)
    stages, peak = isolated(run_ingest.stages, sample, str(fresh_dir(WORK / "stages")), profile, timeout=scale["timeout"])
    out = {"stages": {**stages, "peak_mb": peak}}
    print(f"ingest: {n} documents on one process …", flush=True)
    checkpoints = sorted({max(1, n * k // 4) for k in range(1, 5)} | set(scale["points"]) | {min(n, scale["parallel_sample"])})
    snapshots = {p: str(store_dir(p)) for p in scale["points"] if p < n}
    serial, peak = isolated(run_ingest.ingest_serial, files, str(fresh_dir(store_dir(n))), checkpoints, snapshots,
                            timeout=scale["timeout"])
    shutil.copyfile(stamp, store_dir(n) / "corpus.json")
    out["one_process"] = {**serial, "peak_mb": peak, "per_stretch": run_ingest.linearity(
        [c for c in serial["checkpoints"] if c["documents"] in {max(1, n * k // 4) for k in range(1, 5)}])}
    part = files[: scale["parallel_sample"]]
    print(f"ingest: {len(part)} documents on two processes …", flush=True)
    parallel_dir = fresh_dir(WORK / f"store-{n}-p2")
    out["two_processes"] = run_ingest.ingest_parallel(part, str(parallel_dir), 2, timeout=scale["timeout"])
    shutil.rmtree(parallel_dir, ignore_errors=True)
    first = next(c for c in serial["checkpoints"] if c["documents"] >= len(part))  # the same documents on one process
    out["speedup_two_processes"] = round(out["two_processes"]["documents_per_s"] / (first["documents"] / first["seconds"]), 2)
    return out


# -- queries and views ---------------------------------------------------------------------------------------


def export_nquads(data_dir: str, path: str) -> int:
    """Write the whole store as N-Quads; return the number of quads."""
    import pyoxigraph as ox

    from shnor_kg.server.store_embedded import EmbeddedStore

    store = EmbeddedStore.open(data_dir, query_workers=0)
    Path(path).write_bytes(store.export(ox.RdfFormat.N_QUADS))
    count = store.triple_count()
    store.close()
    return count


def queries_at(acts: int, scale: dict, regions: list[str]) -> dict:
    """Every engine on the store of ``acts`` acts: our server and the Oxigraph server alive at once,
    pyoxigraph direct in an isolated process that takes turns with them; then the API, the views,
    memory; rdflib last, alone."""
    data_dir = str(store_dir(acts))
    nquads = str(WORK / f"store-{acts}.nq")
    quads, _ = isolated(export_nquads, data_dir, nquads, timeout=scale["timeout"])
    print(f"queries at {acts} acts ({quads} quads): starting our server and the Oxigraph server …", flush=True)
    ours, startup = run_queries.start_ours(data_dir, WORK / f"serve-{acts}.log")
    location = str(fresh_dir(WORK / f"oxigraph-{acts}"))
    try:
        oxigraph, load_s, oxi_startup = run_queries.start_oxigraph(nquads, location, WORK / f"oxigraph-{acts}.log")
        try:
            print("  every stored query, engines interleaved …", flush=True)
            measured, peak = isolated(run_queries.interleaved, nquads, ours.port, oxigraph.port, scale["repeat"],
                                      scale["budget"], timeout=scale["timeout"])
            queries = measured.pop("queries")
            print("  API and views …", flush=True)
            served = run_queries.api_and_views(ours.port, queries, run_queries.view_paths(regions), scale["repeat"])
            out = {"acts": acts, "quads": quads, "queries": [{"name": q["name"], "params": q["params"]} for q in queries],
                   "direct": {"load_s": measured["load_s"], "peak_mb": peak}, "measured": measured["results"],
                   "ours": {"startup_s": round(startup, 2), **served, "memory": ours.memory()},
                   "oxigraph_server": {"load_s": round(load_s, 2), "startup_s": round(oxi_startup, 2), "memory": oxigraph.memory()}}
        finally:
            oxigraph.stop()
    finally:
        ours.stop()
        shutil.rmtree(location, ignore_errors=True)
    if acts <= scale["rdflib_max"]:
        print("  rdflib …", flush=True)
        out["rdflib"] = run_queries.run_isolated_rdflib(nquads, queries, scale["rdflib_per_query"], 3, timeout=scale["timeout"])
    out["table"] = query_table(out)
    return out


def query_table(point: dict) -> list[dict]:
    """Per stored query: medians per engine (ms), ratios and the targets."""
    rows = []
    for q in point["queries"]:
        name = q["name"]
        m = point["measured"][name]
        floor = min(m["rows_pulled"]["median_ms"], m["json"]["median_ms"])
        r = point.get("rdflib", {}).get("results", {}).get(name, {})
        api = point["ours"]["api"].get(name, {})
        row = {"query": name, "rows": m["rows"]["direct"], "samples": m["samples"],
               "direct_rows_ms": m["rows_pulled"]["median_ms"], "direct_json_ms": m["json"]["median_ms"],
               "ours_ms": m["ours"]["median_ms"], "oxigraph_ms": m["oxigraph"]["median_ms"],
               "rdflib_ms": r.get("median_ms") or (f">{r['timeout_s'] * 1000:.0f}" if "timeout_s" in r else None),
               "api_first_ms": api.get("first_ms"), "api_cached_ms": api.get("cached_median_ms"),
               "same_rows": len(set(m["rows"].values())) == 1,
               "rdflib_rows": r.get("rows")}
        row["ours_over_floor"] = round(row["ours_ms"] / floor, 2) if floor else None
        row["within_1_3x_plus_2ms"] = row["ours_ms"] <= 1.3 * floor + 2
        row["faster_than_oxigraph_server"] = row["ours_ms"] <= row["oxigraph_ms"]
        row["ours_over_oxigraph"] = round(row["ours_ms"] / row["oxigraph_ms"], 2) if row["oxigraph_ms"] else None
        rows.append(row)
    return rows


# -- validation ----------------------------------------------------------------------------------------------


def validation_at(acts: int, scale: dict) -> dict:
    data_dir = str(store_dir(acts))
    print(f"validation at {acts} acts: compiled SPARQL checks …", flush=True)
    fast, peak = isolated(run_validation.validate_whole, data_dir, "sparql", timeout=scale["timeout"])
    out = {"sparql": {**{k: v for k, v in fast.items() if k != "keys"}, "peak_mb": peak}}
    if acts <= scale["pyshacl_max"]:
        print("  pyshacl …", flush=True)
        try:
            slow, peak = isolated(run_validation.validate_whole, data_dir, "pyshacl", timeout=scale["timeout"])
            out["pyshacl"] = {**{k: v for k, v in slow.items() if k != "keys"}, "peak_mb": peak}
            out["same_report"] = run_validation.compare_reports(fast, slow)
            out["speedup"] = round(slow["validate_s"] / fast["validate_s"], 1) if fast["validate_s"] else None
        except TimeoutError as exc:
            out["pyshacl"] = {"timeout": str(exc)}
    return out


# -- printing ------------------------------------------------------------------------------------------------


def print_summary(results: dict) -> None:
    ingest_part = results.get("ingest")
    if ingest_part:
        st, one, two = ingest_part["stages"], ingest_part["one_process"], ingest_part["two_processes"]
        print("\ningest, median ms per document:", st["median_ms"], f"(≈{st['median_triples_per_document']:.0f} triples/doc)")
        print("ingest, median CPU ms per document:", st["median_cpu_ms"])
        print(f"one process: {one['documents_per_s']} docs/s ({one['documents_per_cpu_s']} per CPU-second), "
              f"{one['triples_per_s']} triples/s, per quarter: "
              + ", ".join(str(s["documents_per_s"]) for s in one["per_stretch"]) + f"; peak {one['peak_mb']} MB")
        print(f"two processes: {two['documents_per_s']} docs/s ({ingest_part['speedup_two_processes']}×)")
    for point in results.get("points", []):
        print(f"\n{point['acts']} acts, {point['quads']} quads — medians in ms")
        header = ("query", "rows", "direct", "json", "ours", "×floor", "oxigraph", "×oxi", "rdflib", "api-1st", "api-hit")
        print("{:40} {:>6} {:>8} {:>8} {:>8} {:>6} {:>9} {:>6} {:>9} {:>8} {:>7}".format(*header))
        for r in point["table"]:
            print("{:40} {:>6} {:>8} {:>8} {:>8} {:>6} {:>9} {:>6} {:>9} {:>8} {:>7}".format(
                r["query"], r["rows"], *(str(r.get(k)) for k in ("direct_rows_ms", "direct_json_ms", "ours_ms", "ours_over_floor",
                                                                  "oxigraph_ms", "ours_over_oxigraph", "rdflib_ms", "api_first_ms", "api_cached_ms"))))
        ours = point["ours"]
        print(f"start-up to first answer: ours {ours['startup_s']} s, oxigraph server {point['oxigraph_server']['startup_s']} s "
              f"(+ load {point['oxigraph_server']['load_s']} s); memory ours {ours['memory']}, oxigraph {point['oxigraph_server']['memory']}, "
              f"direct {point['direct']['peak_mb']} MB, rdflib {point.get('rdflib', {}).get('peak_mb')} MB")
        for path, view in ours["views"].items():
            print(f"view {path}: first {view['first_ms']} ms, warm {view['warm_median_ms']} ms ({view['status']})")
    for acts, val in results.get("validation", {}).items():
        print(f"\nvalidation at {acts} acts: sparql {val['sparql']['validate_s']} s ({val['sparql']['results']} results, "
              f"{val['sparql']['peak_mb']} MB); pyshacl {val.get('pyshacl', {}).get('validate_s')} s "
              f"({val.get('pyshacl', {}).get('peak_mb')} MB); same report: {val.get('same_report', {}).get('identical')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated: " + ", ".join(STEPS))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest stages (top functions in the JSON)")
    args = parser.parse_args(argv)
    scale, steps = SCALES[args.scale], set(args.steps.split(","))
    started = time.perf_counter()
    results: dict = {"scale": args.scale, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine(),
                     "versions": versions(), "code": code_state(),
                     "command": f"python -m bench.run {' '.join(argv or sys.argv[1:])}".strip()}
    root, files, summary = corpus(scale["acts"], args.seed)
    results["corpus"] = summary
    previous = RESULTS / f"run-{args.scale}.json"
    if previous.exists() and steps != set(STEPS):  # a partial run keeps the other steps' figures
        results = {**json.loads(previous.read_text("utf-8")), **{k: results[k] for k in ("machine", "versions", "code", "command")}}
    name = f"run-{args.scale}.json"
    results["complete"] = False
    if "ingest" in steps:
        results["ingest"] = ingest(files, scale, args.profile, root / "corpus.json")
        write_json(name, results)  # each step's figures are kept even if a later step fails
    if "queries" in steps:
        regions = summary["regions_of_acts"]
        results["points"] = [queries_at(p, scale, list(dict.fromkeys(regions[:p]))) for p in scale["points"]]
        write_json(name, results)
    if "validation" in steps:
        results["validation"] = {str(p): validation_at(p, scale) for p in scale["points"]}
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["complete"] = True
    path = write_json(name, results)
    print_summary(results)
    print(f"\nwritten {path} in {results['total_s']} s")
    from .plot import plot_latency

    print(f"plot: {plot_latency()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
