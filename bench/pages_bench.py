"""Benchmark of the browsing pages on a scaled copy of the two sample acts (not run by ``make test``).

    .venv/bin/python bench/pages_bench.py [--copies 200] [--repeat 5]

Builds the scaled dataset of ``bench/queries_bench.py`` (``--copies`` renamed copies of both acts,
each a new municipality; the two regions shared), then measures through the Flask test client:
the search index build (cold, once per dataset version), searches, the home page, resource pages
(a school, a person, a region with every municipality linking to it), the Tula act page, and a
404 with suggestions. Prints medians and writes ``bench/results/pages.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from queries_bench import load, sample_quads, scaled_graphs  # noqa: E402

PAGES = {
    "home": "/",
    "school": "/id/c0/org/ru-tul-tula/mbou-co-48",
    "person": "/id/c0/person/ru-tul-tula/pryazhina-e-n",
    "region (all municipalities link to it)": "/id/region/RU-TUL",
    "act page (Tula)": "/id/c0/act/ru-tul-tula/2024/prikaz-22-1-osn",
    "act Turtle": "/id/c0/act/ru-tul-tula/2024/prikaz-22-1-osn.ttl",
    "404 with suggestions": "/id/c0/org/ru-tul-tula/mbou-co-84",
}
SEARCHES = ["Пряжиной", "цнппм", "ЦО № 48", "мониторинг", "е"]


def timed(client, path: str, repeat: int) -> dict:
    times, status = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": "text/html"})
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return {"status": status, "first_ms": round(times[0], 1), "median_ms": round(statistics.median(times[1:] or times), 1),
            "bytes": len(response.data)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from shnor_kg.config import load_config
    from shnor_kg.server import search
    from shnor_kg.server.app import create_app

    with tempfile.TemporaryDirectory() as sample_dir, tempfile.TemporaryDirectory() as data_dir:
        graphs = scaled_graphs(sample_quads(sample_dir), args.copies)
        store = load(graphs, data_dir)
        triples = sum(len(t) for t in graphs.values())
        app = create_app(load_config({"data_dir": data_dir}, environ={}), store=store)
        client = app.test_client()
        started = time.perf_counter()
        index = search.INDEXES.get(store)
        build_ms = (time.perf_counter() - started) * 1000
        results = {"copies": args.copies, "triples": triples, "indexed_resources": len(index.entries),
                   "index_words": len(index.postings), "index_build_ms": round(build_ms, 1), "search": {}, "pages": {}}
        for q in SEARCHES:
            results["search"][q] = timed(client, "/api/search?q=" + q, args.repeat)
        for name, path in PAGES.items():
            results["pages"][name] = timed(client, path, args.repeat)
        store.close()
    print(json.dumps(results, ensure_ascii=False, indent=1))
    out = ROOT / "bench" / "results" / "pages.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
