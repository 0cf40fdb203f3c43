"""Ingest throughput: the stages of one document, and whole corpora on one and two processes.

* :func:`stages` — per document, the time of each stage of the pipeline, as ``submission_for``
  and ``Catalog.add`` run them: parse (read the bytes, find the parts of the act), normalise
  (resolve organisations, people, deadlines; build the RDF), validate (the SHACL report and
  completeness scores, the configured engine), store (N-Triples into the catalog and the store,
  one atomic commit);
* :func:`ingest_serial` — a corpus ingested file after file as ``shnor-kg ingest`` does
  (``build_submission`` + ``Catalog.add``), with the elapsed time at checkpoints (is it linear?)
  and snapshots of the store at given document counts;
* :func:`ingest_parallel` — the same corpus split between N processes writing into one store
  at the same time (the store's write lock serialises the commits).

Each runs inside :func:`bench.run_common.isolated` so that its peak memory is its own.
"""

from __future__ import annotations

import cProfile
import hashlib
import io
import pstats
import shutil
import threading
import time
from pathlib import Path

STAGES = ("parse", "normalise", "validate", "store")


def _config(data_dir: Path):
    from shnor_kg.config import load_config

    return load_config({"data_dir": str(data_dir)}, environ={})


def _open(data_dir: Path):
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import open_store

    config = _config(data_dir)
    store = open_store(config)
    catalog = Catalog(store, config.data_dir, base_iri=config.base_iri)
    catalog.ensure_vocabulary()
    return config, store, catalog


def stages(files: list[str], data_dir: str, profile: bool = False) -> dict:
    """Seconds per stage for each file (medians and totals), and triples per document."""
    from shnor_kg.ingest.facts import extract_facts
    from shnor_kg.ingest.readers import read
    from shnor_kg.ingest.structure import parse_act
    from shnor_kg.ingest.to_rdf import build_graphs
    from shnor_kg.server.catalog import Submission
    from shnor_kg.shapes import validate_submission

    config, store, catalog = _open(Path(data_dir))
    times = {s: [] for s in STAGES}
    cpu = {s: [] for s in STAGES}
    triples = []
    profiler = cProfile.Profile() if profile else None
    profiled = {s: 0.0 for s in STAGES}
    for path in map(Path, files):
        data = path.read_bytes()
        clock = _Clock(profiler, cpu)
        raw = read(data, path.name)
        act = parse_act(raw)
        clock.lap(times["parse"], "parse")
        sha = hashlib.sha256(data).hexdigest()
        graphs = build_graphs(raw, act, extract_facts(act, raw), base_iri=config.base_iri, sha256=sha)
        clock.lap(times["normalise"], "normalise")
        validation = validate_submission(graphs.document, graphs.entities, engine=config.validation_engine)
        clock.lap(times["validate"], "validate")
        outcome = catalog.add(Submission(graphs.doc_id, graphs.document, graphs.entities, data, path.name,
                                         raw.media_type, sha, validation=validation))
        clock.lap(times["store"], "store")
        triples.append(outcome.triples + len(graphs.entities) + len(validation))
    store.close()
    out = {"documents": len(files), "engine": config.validation_engine,
           "median_ms": {s: round(1000 * _median(v), 1) for s, v in times.items()},
           "total_s": {s: round(sum(v), 2) for s, v in times.items()},
           "median_triples_per_document": _median(triples), "triples": sum(triples)}
    out["median_ms"]["total"] = round(sum(out["median_ms"].values()), 1)
    out["median_cpu_ms"] = {s: round(1000 * _median(v), 1) for s, v in cpu.items()}
    out["median_cpu_ms"]["total"] = round(sum(out["median_cpu_ms"].values()), 1)
    out["documents_per_cpu_s"] = round(len(files) / sum(sum(v) for v in cpu.values()), 2)
    out["documents_per_s_from_stage_totals"] = round(len(files) / sum(sum(v) for v in times.values()), 2)
    if profiler is not None:
        out["profile_top"] = _top(profiler)
    return out


class _Clock:
    """Laps of a stopwatch (wall and CPU time of this process); the profiler (if any) runs only
    while the clock runs."""

    def __init__(self, profiler, cpu: dict[str, list[float]]) -> None:
        self.profiler, self.cpu = profiler, cpu
        self.last, self.last_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()

    def lap(self, into: list[float], stage: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        into.append(now - self.last)
        self.cpu[stage].append(now_cpu - self.last_cpu)
        self.last, self.last_cpu = now, now_cpu


def _top(profiler, count: int = 30) -> list[str]:
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(count)
    return [line for line in stream.getvalue().splitlines() if line.strip()][:count + 8]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2) if n else 0.0


def ingest_serial(files: list[str], data_dir: str, checkpoints: list[int] = (), snapshots: dict[int, str] | None = None) -> dict:
    """Ingest the files one after the other as the CLI does; time at checkpoints (document counts)."""
    from shnor_kg.server.cli import build_submission

    config, store, catalog = _open(Path(data_dir))
    base = store.triple_count()
    snapshots = snapshots or {}
    marks, paused, failed = [], 0.0, []
    started = time.time()
    clock, cpu = time.perf_counter(), time.process_time()
    for count, path in enumerate(map(Path, files), 1):
        try:
            catalog.add(build_submission(path, config))
        except Exception as exc:  # noqa: BLE001 - a failed file is counted and named, the run goes on
            failed.append(f"{path.name}: {exc}")
        if count in checkpoints or count == len(files):
            marks.append({"documents": count, "seconds": round(time.perf_counter() - clock - paused, 2),
                          "cpu_seconds": round(time.process_time() - cpu, 2), "triples": store.triple_count() - base})
        if str(count) in snapshots or count in snapshots:
            pause = time.perf_counter()
            target = Path(snapshots.get(count) or snapshots[str(count)])
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(data_dir, target)
            paused += time.perf_counter() - pause
    ended = time.time()
    total = marks[-1]
    store.close()
    return {"documents": len(files), "failed": failed, "seconds": total["seconds"], "triples": total["triples"],
            "documents_per_s": round(len(files) / total["seconds"], 2), "triples_per_s": round(total["triples"] / total["seconds"]),
            "cpu_seconds": total["cpu_seconds"], "documents_per_cpu_s": round(len(files) / total["cpu_seconds"], 2),
            "checkpoints": marks, "wall": [started, ended]}


def linearity(marks: list[dict]) -> list[dict]:
    """Documents per second (wall and CPU) in each stretch between checkpoints (constant when linear)."""
    out, previous = [], {"documents": 0, "seconds": 0.0, "cpu_seconds": 0.0}
    for mark in marks:
        docs = mark["documents"] - previous["documents"]
        secs, cpu = mark["seconds"] - previous["seconds"], mark["cpu_seconds"] - previous["cpu_seconds"]
        out.append({"documents": f"{previous['documents'] + 1}–{mark['documents']}",
                    "documents_per_s": round(docs / secs, 2) if secs > 0 else None,
                    "documents_per_cpu_s": round(docs / cpu, 2) if cpu > 0 else None})
        previous = mark
    return out


def ingest_parallel(files: list[str], data_dir: str, processes: int, *, timeout: float) -> dict:
    """The files split between ``processes`` isolated processes writing into one store at once."""
    from .run_common import isolated

    store = _open(Path(data_dir))[1]  # the vocabulary once, before the writers start
    base = store.triple_count()
    store.close()
    parts = [files[k::processes] for k in range(processes)]
    results: list = [None] * processes

    def work(k: int) -> None:
        try:
            results[k] = isolated(ingest_serial, parts[k], data_dir, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - reported in the result
            results[k] = exc

    threads = [threading.Thread(target=work, args=(k,)) for k in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [str(r) for r in results if isinstance(r, Exception)]
    if errors:
        raise RuntimeError("; ".join(errors))
    walls = [r[0]["wall"] for r in results]
    seconds = max(w[1] for w in walls) - min(w[0] for w in walls)
    store = _open(Path(data_dir))[1]
    triples = store.triple_count() - base
    store.close()
    cpu = sum(r[0]["cpu_seconds"] for r in results)
    return {"processes": processes, "documents": len(files), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "documents_per_s": round(len(files) / seconds, 2), "triples_per_s": round(triples / seconds),
            "peak_mb_per_process": [r[1] for r in results], "failed": [f for r in results for f in r[0]["failed"]]}
