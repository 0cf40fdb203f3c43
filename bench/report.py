"""The figures of docs/benchmarks.md, rendered from the result files of the last runs.

    .venv/bin/python -m bench.report        # rewrites the part between the figures markers

Reads ``bench/results/run-small.json``, ``run-large.json``, ``run-huge.json`` and ``load-*.json``
(whichever exist) and writes Markdown tables: corpus, ingest, query latency per engine and size,
start-up and memory, views, whole-graph validation, load test — each with its target, met or not.
The prose around the markers (profiles, conclusions) is written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .run_common import RESULTS, ROOT

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- figures:begin (bench/report.py) -->", "<!-- figures:end -->"


def table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return out + [""]


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def yes(flag) -> str:
    return "✅" if flag else "❌"


def corpus_rows(runs: dict) -> list[list]:
    rows = []
    for scale, run in runs.items():
        c = run["corpus"]
        quads = {p["acts"]: p["quads"] for p in run.get("points", [])}
        rows.append([scale, c["acts"], c["items"], c["defects"], c["regions"], c["towns"],
                     ", ".join(f"{a} acts → {q:,} quads" for a, q in quads.items())])
    return rows


def ingest_section(scale: str, run: dict) -> list[str]:
    ing = run.get("ingest")
    if not ing:
        return []
    st, one, two = ing["stages"], ing["one_process"], ing["two_processes"]
    lines = [f"#### Ingest ({scale}: {one['documents']} documents, validation engine `{st['engine']}`)", ""]
    cpu = st.get("median_cpu_ms", {})
    lines += table(["stage (median per document)", "wall ms", "CPU ms"], [[k, v, cpu.get(k)] for k, v in st["median_ms"].items()])
    rate, cpu_rate = one["documents_per_s"], one.get("documents_per_cpu_s")
    lines += table(["run", "documents", "documents/s (wall)", "documents per CPU-second", "triples/s", "seconds", "peak memory"],
                   [["1 process", one["documents"], rate, cpu_rate, f"{one['triples_per_s']:,}", one["seconds"], f"{one['peak_mb']} MB"],
                    ["2 processes, one store", two["documents"], two["documents_per_s"], "—", f"{two['triples_per_s']:,}", two["seconds"],
                     " + ".join(f"{m} MB" for m in two["peak_mb_per_process"])]])
    lines.append(f"Two processes ÷ one process on the same documents: {ing['speedup_two_processes']}×. "
                 "Documents/s per quarter of the corpus, wall (CPU) — linear if constant: "
                 + ", ".join(f"{s['documents']}: {s['documents_per_s']} ({s.get('documents_per_cpu_s')})" for s in one["per_stretch"]) + ".")
    best = cpu_rate or rate
    lines.append(f"Target ≥ 20 documents/s on one core: {yes(best >= 20)} ({cpu_rate} documents per CPU-second, {rate} per wall second "
                 f"on the shared machine; {'met' if best >= 20 else f'{20 / best:.1f}× short'}; "
                 f"≈{st['median_triples_per_document']:.0f} triples per document).")
    return lines + [""]


def latency_section(point: dict) -> list[str]:
    from .run import query_table

    point["table"] = query_table(point)  # the current definitions of the ratios and checks
    rows, within, faster = [], 0, 0
    for r in point["table"]:
        probe = r["query"].startswith("probe")
        within += bool(r.get("within_1_3x_plus_2ms")) and not probe
        faster += bool(r.get("faster_than_oxigraph_server")) and not probe
        rows.append([r["query"], r["rows"], r["direct_rows_ms"], r["direct_json_ms"], r["ours_ms"], r.get("ours_over_floor"),
                     yes(r.get("within_1_3x_plus_2ms")), r["oxigraph_ms"], r.get("ours_over_oxigraph"), r.get("rdflib_ms", ""),
                     r["api_first_ms"], r["api_cached_ms"], yes(r["same_rows"]),
                     "" if r.get("rdflib_rows") in (None, r["rows"]) else r["rdflib_rows"]])
    n = sum(not r["query"].startswith("probe") for r in point["table"])
    lines = [f"#### Stored queries at {point['acts']} acts ({point['quads']:,} quads), median ms", ""]
    lines += table(["query", "rows", "direct rows", "direct JSON", "ours /sparql", "× floor", "≤ 1.3× + 2 ms", "Oxigraph server",
                    "ours ÷ server", "rdflib", "/api first", "/api cached", "same rows", "rdflib rows if different"], rows)
    lines.append(f"Within 1.3 × floor + 2 ms: {within} of {n}; no slower than the Oxigraph server: {faster} of {n}. "
                 "Floor = the faster of the two direct columns; \"same rows\": pyoxigraph, our endpoint and the Oxigraph "
                 "server return the same number of rows (rdflib's count is shown when it differs).")
    return lines + [""]


def serving_section(point: dict) -> list[str]:
    ours, oxi, direct = point["ours"], point["oxigraph_server"], point["direct"]
    rows = [["ours (gunicorn, 2 workers)", f"{ours['startup_s']} s", "—", f"{ours['memory'].get('sum_mb')} MB (largest worker {ours['memory'].get('largest_child_mb')} MB)"],
            ["Oxigraph server (disk)", f"{oxi['startup_s']} s", f"{oxi['load_s']} s", f"{oxi['memory'].get('sum_mb')} MB"],
            ["pyoxigraph in memory", "—", f"{direct['load_s']} s", f"{direct['peak_mb']} MB"]]
    if "rdflib" in point:
        rows.append(["rdflib Dataset", "—", f"{point['rdflib']['load_s']} s", f"{point['rdflib']['peak_mb']} MB"])
    lines = [f"#### Start-up and memory at {point['acts']} acts", ""]
    lines += table(["engine", "start-up to first answer", "load", "peak memory"], rows)
    views = [[path, v["status"], v["first_ms"], v["warm_median_ms"], f"{v['bytes']:,}", yes(v["warm_median_ms"] < 200)]
             for path, v in ours["views"].items()]
    lines += [f"Views at {point['acts']} acts (ms):", ""]
    lines += table(["view", "status", "first", "warm (median)", "bytes", "warm < 200 ms"], views)
    return lines


def validation_section(run: dict) -> list[str]:
    rows = []
    for acts, val in run.get("validation", {}).items():
        fast, slow = val["sparql"], val.get("pyshacl", {})
        rows.append([acts, f"{fast['quads']:,}", fast["validate_s"], fast["open_s"], f"{fast['peak_mb']} MB",
                     slow.get("validate_s", slow.get("timeout", "—")), f"{slow.get('peak_mb', '—')} MB", val.get("speedup"),
                     yes(val.get("same_report", {}).get("identical")) if "same_report" in val else "—", fast["results"]])
    if not rows:
        return []
    return ["#### Whole-graph validation", ""] + table(
        ["acts", "quads", "SPARQL checks s", "store open s", "memory", "pyshacl s", "pyshacl memory", "speed-up", "same report", "results"], rows)


def load_section(result: dict, name: str) -> list[str]:
    rows = [[name, c["requests"], c["requests_per_s"], c.get("p50_ms"), c.get("p95_ms"), c.get("p99_ms"), c.get("max_ms"),
             ", ".join(f"{k}: {v}" for k, v in c["status"].items())] for name, c in result["categories"].items()]
    t = result["targets"]
    mix = ", ".join(f"{k} {v}" for k, v in result["weights"].items())
    lines = [f"#### Load test `{name}`: {result['clients']} clients, {result['seconds']} s, {result['workers']} workers, "
             f"{result['acts']} acts, mix {mix} — {result['requests']:,} requests, {result['requests_per_s']} req/s", ""]
    lines += table(["category", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "status"], rows)
    lines.append(f"No 5xx but the intended 503s: {yes(t['no_unintended_5xx'])} ({t['unintended_5xx_or_errors']} unintended); "
                 f"p99 of stored queries {t['stored_p99_ms']} ms < 500 ms: {yes(t['stored_p99_under_500ms'])}.")
    if result.get("errors_5xx"):
        lines += ["", "5xx answers by request kind, status and error code: "
                      + ", ".join(f"{key} × {n}" for key, n in result["errors_5xx"].items()) + "."]
    slowest = list(result.get("stored_queries", {}).items())[:4]
    if "warmup_s" in result:
        lines += ["", f"The server's start-up {result['startup_s']} s and warm-up {result['warmup_s']} s came before the run; "
                      "the stored queries with the slowest single answer (p50 / p99 / max ms): "
                      + "; ".join(f"{n} {q.get('p50_ms')} / {q.get('p99_ms')} / {q.get('max_ms')}" for n, q in slowest) + "."]
    return lines + [""]


def figures() -> list[str]:
    runs = {s: r for s in ("small", "large", "huge") if (r := load(f"run-{s}.json"))}
    lines = [BEGIN, ""]
    for scale, run in runs.items():
        m, v = run["machine"], run["versions"]
        lines.append(f"**{scale}** — run {run.get('started')}, `{run.get('command')}`, {run.get('total_s')} s; "
                     f"{m['cpus']} CPUs, {m['memory_gb']} GB, load average at start {m['load_average_at_start']}; "
                     + ", ".join(f"{k} {val}" for k, val in v.items()) + ".")
        lines.append("")
    if runs:
        lines += ["#### Corpora", ""] + table(["scale", "acts", "plan items", "planted defects", "regions", "towns", "stores measured"],
                                            corpus_rows(runs))
    for scale, run in runs.items():
        lines += ingest_section(scale, run)
        for point in run.get("points", []):
            lines += latency_section(point) + serving_section(point)
        lines += validation_section(run)
    for path in sorted(RESULTS.glob("load-*.json"), key=lambda p: (len(p.stem), p.stem)):  # the mix first
        result = json.loads(path.read_text("utf-8"))
        if result["acts"] >= 100:
            lines += load_section(result, path.stem.removeprefix("load-"))
    return lines + [END]


def main() -> int:
    text = DOC.read_text("utf-8")
    if BEGIN not in text or END not in text:
        print(f"{DOC}: no figures markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(head + "\n".join(figures()) + tail, "utf-8")
    print(f"rewrote the figures of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
