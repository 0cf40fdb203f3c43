"""The latency plot of docs/benchmarks.md: stored-query latency against graph size, per engine.

Drawn from ``bench/results/run-{small,large,huge}.json``: for each dataset size, the sum over the stored
queries of each engine's median latency (all queries answered once), on log–log axes, with the
target line (1.3 × the floor + 2 ms per query). rdflib points that hit the time limit are drawn
at the limit with an open marker (the real time is larger).

    .venv/bin/python -m bench.plot [--out docs/benchmarks-latency.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .run_common import RESULTS, ROOT

PLOT = ROOT / "docs" / "benchmarks-latency.png"
SCALES = ("small", "large", "huge")  # the smoke scale is for developing the harness
ENGINES = (("direct_floor", "pyoxigraph in memory, direct (floor)", "tab:green"),
           ("ours_ms", "our endpoint /sparql (gunicorn)", "tab:blue"),
           ("oxigraph_ms", "Oxigraph server over HTTP (on disk)", "tab:orange"),
           ("rdflib_ms", "rdflib's own engine", "tab:red"))


def points() -> list[dict]:
    """Every measured dataset size of every result file, by quads."""
    found = {}
    for path in [RESULTS / f"run-{scale}.json" for scale in SCALES]:
        if not path.exists():
            continue
        for point in json.loads(path.read_text("utf-8")).get("points", []):
            found[point["quads"]] = point
    return [found[q] for q in sorted(found)]


def stored(point: dict) -> list[dict]:
    """The rows of the stored queries (not the point-lookup probe)."""
    return [r for r in point["table"] if not r["query"].startswith("probe")]


def totals(point: dict) -> dict:
    """Sum over queries of each engine's median (ms); ``None`` when the engine did not run;
    (value, True) marks a lower bound (a time limit was hit)."""
    out = {}
    for key, _, _ in ENGINES:
        values, bounded = [], False
        for row in stored(point):
            value = min(row["direct_rows_ms"], row["direct_json_ms"]) if key == "direct_floor" else row.get(key)
            if isinstance(value, str):  # ">12000": a time limit
                value, bounded = float(value[1:]), True
            if value is None:
                break
            values.append(value)
        else:
            out[key] = (sum(values), bounded) if values else None
    out["target"] = (sum(1.3 * min(r["direct_rows_ms"], r["direct_json_ms"]) + 2 for r in stored(point)), False)
    return out


def plot_latency(out: Path = PLOT) -> Path | None:
    """Draw the plot (needs matplotlib, the ``bench`` extra); return its path, or None without data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = [(p["quads"], totals(p)) for p in points()]
    if not data:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=120)
    for key, label, colour in ENGINES:
        series = [(q, t[key]) for q, t in data if t.get(key)]
        if series:
            ax.plot([q for q, _ in series], [v for _, (v, _) in series], "-", color=colour, label=label)
            for q, (v, bounded) in series:
                ax.plot(q, v, "o", color=colour, markerfacecolor="white" if bounded else colour)
    ax.plot([q for q, _ in data], [t["target"][0] for _, t in data], "--", color="grey", label="target: 1.3 × floor + 2 ms per query")
    ax.set(xscale="log", yscale="log", xlabel="quads in the store", ylabel="ms to answer every stored query once (sum of medians)",
           title=f"{len(stored(points()[-1]))} stored queries against graph size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PLOT)
    print(plot_latency(parser.parse_args(argv).out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
