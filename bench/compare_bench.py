"""Benchmark of the cross-region comparison on a ~1M-triple graph (not run by ``make test``).

    .venv/bin/python bench/compare_bench.py [--regions 25] [--municipalities 13] [--runs 9] [--seed 11]

The corpus is the two sample acts, ingested once through the real pipeline, replicated with renamed
IRIs: every municipality of every synthetic region gets a Tula-shaped act (2023 or 2024) and a
Kostroma-shaped act (2022 or 2023), each in its own named graph with its validation graph, their
organisations, people and places in the shared entities graph (so no triple is in two graphs: the
script checks that the union's COUNT(*) equals the number of distinct triples). Each replica drops a
random 0–30 % of its ``shnor:responsible`` statements, so columns differ.

Measured in one run, on the same store:

- the naive baseline (median of 3): the comparison's numbers (items per body type, per theme and type, totals)
  as plain GROUP BY queries over the whole union graph, labels joined in, the regions filtered
  with ``FILTER(?region IN (…))`` — what one writes first;
- ours, cold (median over 3 fresh :class:`Comparator`: the place directory, labels and the four
  shaped queries per column), other columns on the same comparator (the per-version shared parts
  cached: only the columns' queries), and warm (the same request again: a cache hit), in process and through
  ``/api/compare`` over loopback HTTP; the drill-down ``/api/compare/items`` cold and warm;
- that our counts equal the baseline's (types merged over organisations and collectives).

Results are printed and written to ``bench/results/compare.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GRAPH = "https://w3id.org/shnor/graph/"
SHNOR = "https://w3id.org/shnor/ontology#"
GYEAR = "^^<http://www.w3.org/2001/XMLSchema#gYear>"
RESPONSIBLE = f"<{SHNOR}responsible>"
#: per sample act: municipality slug, region code, region and municipality labels, year, years to choose from
SAMPLES = {
    "tula-2024-prikaz-22-1-osn.txt": ("ru-tul-tula", "RU-TUL", "Тульская область", "город Тула", "2024", ("2023", "2024")),
    "kostroma-2023-rasporyazhenie.txt": ("ru-kos-kostroma", "RU-KOS", "Костромская область", "город Кострома", "2023", ("2022", "2023")),
}


# -- the corpus ------------------------------------------------------------------------------------


def sample_submissions(config) -> dict[str, dict[str, str]]:
    """The two sample acts through the real ingest: N-Triples of their document, entities and
    validation graphs, with the doc id and source hash."""
    from shnor_kg.ingest.pipeline import submission_for

    out = {}
    for name in SAMPLES:
        path = EXAMPLES / name
        sub = submission_for(path, path.read_bytes(), config=config)
        out[name] = {"doc_id": sub.doc_id, "sha256": sub.sha256,
                     **{part: getattr(sub, part).serialize(format="nt") for part in ("document", "entities", "validation")}}
    return out


def renamer(name: str, region: int, municipality: int, year: str, replica: int, sha256: str):
    """A function renaming one sample act's N-Triples into replica ``replica``."""
    slug, code, region_label, municipality_label, sample_year, _ = SAMPLES[name]
    new_slug, new_code = f"ru-z{region:02d}-m{municipality:03d}", f"RU-Z{region:02d}"
    pairs = [
        (f"{slug}/{sample_year}/", f"{new_slug}/{year}/"), (f"{slug}-{sample_year}-", f"{new_slug}-{year}-"),
        (slug, new_slug), (code, new_code), (slug.rsplit("-", 1)[0] + "-", f"ru-z{region:02d}-"),
        (f'"{region_label}"@ru', f'"Область Z{region:02d}"@ru'),
        (f'"{municipality_label}"@ru', f'"город М-{region:02d}-{municipality:03d}"@ru'),
        (f'"{sample_year}"{GYEAR}', f'"{year}"{GYEAR}'), (sha256, sha256[:-8] + f"{replica:08x}"),
    ]
    pattern = re.compile("|".join(re.escape(old) for old, _ in pairs))
    table = dict(pairs)
    return lambda text: pattern.sub(lambda m: table[m.group(0)], text)


def drop_some_responsible(text: str, rng: random.Random) -> tuple[str, int]:
    """The document's N-Triples without a random 0–30 % of its responsible statements."""
    rate = rng.uniform(0, 0.3)
    kept, dropped = [], 0
    for line in sorted(text.splitlines()):  # rdflib writes N-Triples in no fixed order
        if RESPONSIBLE in line and rng.random() < rate:
            dropped += 1
            continue
        kept.append(line)
    return "\n".join(kept) + "\n", dropped


def corpus_changes(samples: dict, *, regions: int, municipalities: int, seed: int) -> tuple[list, dict]:
    """GraphChanges of the replicated corpus and its size."""
    from shnor_kg.server.store import GraphChange

    rng = random.Random(seed)
    changes, entities, triples, dropped, replica = [], [], 0, 0, 0
    for region in range(1, regions + 1):
        for municipality in range(1, municipalities + 1):
            for name, sample in samples.items():
                replica += 1
                year = rng.choice(SAMPLES[name][5])
                rename = renamer(name, region, municipality, year, replica, sample["sha256"])
                document, lost = drop_some_responsible(rename(sample["document"]), rng)
                dropped += lost
                doc_id = rename(sample["doc_id"])
                for graph, text in ((GRAPH + doc_id, document), (GRAPH + doc_id + "/validation", rename(sample["validation"]))):
                    parsed = tuple(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
                    changes.append(GraphChange("replace", graph, parsed))
                    triples += len(parsed)
                entities.extend(ox.parse(rename(sample["entities"]).encode(), format=ox.RdfFormat.N_TRIPLES))
    entities = tuple(set(entities))
    changes.append(GraphChange("add", GRAPH + "entities", entities))
    return changes, {"acts": replica, "regions": regions, "municipalities": regions * municipalities,
                     "document_and_validation_triples": triples, "entity_triples": len(entities),
                     "responsible_statements_dropped": dropped}


# -- measurements --------------------------------------------------------------------------------


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


NAIVE_TYPES = """SELECT ?region ?region_label ?type ?type_label (COUNT(DISTINCT ?item) AS ?items) WHERE {
  ?region a shnor:Region ; skos:prefLabel ?region_label .
  ?municipality shnor:region ?region .
  ?order shnor:municipality ?municipality ; shnor:approves ?plan .
  ?item a shnor:PlanItem ; shnor:inPlan ?plan ; shnor:responsible ?party .
  ?party shnor:orgType ?type .
  ?type skos:prefLabel ?type_label FILTER(LANG(?type_label) = "ru")
  FILTER(?region IN (%s))
} GROUP BY ?region ?region_label ?type ?type_label"""

NAIVE_THEMES = """SELECT ?region ?theme ?type (COUNT(DISTINCT ?item) AS ?items) WHERE {
  ?region a shnor:Region ; skos:prefLabel ?region_label .
  ?municipality shnor:region ?region .
  ?order shnor:municipality ?municipality ; shnor:approves ?plan .
  ?item a shnor:PlanItem ; shnor:inPlan ?plan ; shnor:inSection ?section ; shnor:responsible ?party .
  ?section shnor:theme ?theme .
  ?party shnor:orgType ?type .
  FILTER(?region IN (%s))
} GROUP BY ?region ?theme ?type"""

NAIVE_TOTALS = """SELECT ?region (COUNT(DISTINCT ?item) AS ?items) WHERE {
  ?municipality shnor:region ?region .
  ?order shnor:municipality ?municipality ; shnor:approves ?plan .
  ?item a shnor:PlanItem ; shnor:inPlan ?plan .
  FILTER(?region IN (%s))
} GROUP BY ?region"""


def naive(store, region_iris: list[str], timeout: float | None) -> tuple[dict, float]:
    """The baseline's numbers and its total time: {(region, type): items}."""
    from shnor_kg.ontology import sparql_prologue

    regions = ", ".join(f"<{r}>" for r in region_iris)
    started = time.perf_counter()
    types = store.query(sparql_prologue() + NAIVE_TYPES % regions, timeout=timeout).values()
    store.query(sparql_prologue() + NAIVE_THEMES % regions, timeout=timeout)
    totals = store.query(sparql_prologue() + NAIVE_TOTALS % regions, timeout=timeout).values()
    elapsed = time.perf_counter() - started
    got = {(r["region"], r["type"].rsplit("#", 1)[-1]): int(r["items"]) for r in types}
    got.update({(r["region"], "total"): int(r["items"]) for r in totals})
    return got, elapsed


def merged_counts(engine, columns) -> dict:
    """Our numbers in the baseline's terms: items involving a type, organisation or collective."""
    out = {}
    for column in columns:
        profile = engine.profile(column)
        out[(column.iri, "total")] = len(profile.categories)
        for cats in profile.categories.values():
            for name in {c.removeprefix("collective:") for c in cats if c != "none"}:
                out[(column.iri, name)] = out.get((column.iri, name), 0) + 1
    return out


def in_process(store, config, columns, runs: int, fresh: int = 3) -> dict:
    """Ours in process: cold (median over ``fresh`` new comparators: places, labels and the four
    queries per column), then warm (the same request again) on the last one."""
    from shnor_kg.server.compare import Comparator

    colds = []
    for _ in range(fresh):
        engine = Comparator(store, base_iri=config.base_iri, timeout=config.query_timeout)
        answer, cold = timed(engine.compare, columns)
        colds.append(cold)
    warm = [timed(engine.compare, columns)[1] for _ in range(runs)]
    return {"engine": engine, "answer": answer, "cold_s": statistics.median(colds), "cold_runs_s": colds,
            "warm_median_s": statistics.median(warm), "warm_max_s": max(warm)}


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def fetch(url: str) -> tuple[bytes, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        body = response.read()
    return body, time.perf_counter() - started


def over_http(base: str, path: str, runs: int) -> dict:
    body, cold = fetch(base + path)
    warm = [fetch(base + path)[1] for _ in range(runs)]
    return {"cold_s": cold, "warm_median_s": statistics.median(warm), "warm_max_s": max(warm), "bytes": len(body)}


def count_triples(store) -> dict:
    union = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)
    distinct = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").rows[0][0].value)
    quads = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value)
    return {"quads": quads, "union_count": union, "distinct_triples": distinct}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=25)
    parser.add_argument("--municipalities", type=int, default=13, help="per region")
    parser.add_argument("--runs", type=int, default=9, help="warm repetitions (median reported)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from shnor_kg.config import load_config
    from shnor_kg.server.app import create_app
    from shnor_kg.server.compare import parse_columns

    with tempfile.TemporaryDirectory() as tmp:
        config = load_config({"data_dir": tmp + "/kg"}, environ={})
        samples, t_ingest = timed(sample_submissions, load_config({"data_dir": tmp + "/samples"}, environ={}))
        changes, corpus = corpus_changes(samples, regions=args.regions, municipalities=args.municipalities, seed=args.seed)
        app = create_app(config)
        store = app.extensions["shnor_kg"].store
        _, t_load = timed(store.commit, changes)
        del changes
        results = {"corpus": {**corpus, **count_triples(store), "ingest_samples_s": t_ingest, "load_s": t_load}}
        print(json.dumps(results["corpus"], indent=1), flush=True)

        two = parse_columns([("region", "RU-Z01"), ("region", "RU-Z02")], store, config.base_iri)
        four = parse_columns([("region", v) for v in ("RU-Z03", "RU-Z04", "RU-Z05", "RU-Z06")], store, config.base_iri)
        by_year = parse_columns([("region", "RU-Z07"), ("municipality", "ru-z08-m001"), ("year", "2023"), ("year", "2024")],
                                store, config.base_iri)
        store.query("ASK { }", timeout=config.query_timeout)  # fork the query workers before timing anything
        for name, columns in (("two_regions", two), ("four_regions", four)):
            runs = [naive(store, [c.iri for c in columns], config.query_timeout) for _ in range(3)]
            expected, t_naive = runs[0][0], statistics.median(t for _, t in runs)
            mine = in_process(store, config, columns, args.runs)
            got = merged_counts(mine["engine"], columns)
            assert got == expected, f"counts differ from the baseline: {sorted(set(got.items()) ^ set(expected.items()))[:6]}"
            others = parse_columns([("region", f"RU-Z{n:02d}") for n in (11, 12, 13, 14)[:len(columns)]], store, config.base_iri)
            _, t_new = timed(mine["engine"].compare, others)
            results[name] = {"naive_group_by_median_s": t_naive, "naive_runs_s": [t for _, t in runs],
                             "ours_cold_median_s": mine["cold_s"], "ours_cold_runs_s": mine["cold_runs_s"],
                             "ours_other_columns_shared_parts_cached_s": t_new,
                             "ours_warm_median_s": mine["warm_median_s"], "ours_warm_max_s": mine["warm_max_s"],
                             "columns": len(columns), "items_per_column": [c["items"] for c in mine["answer"]["columns"]],
                             "same_numbers_as_naive": True}
            print(name, json.dumps(results[name]), flush=True)
        mine = in_process(store, config, by_year, args.runs)
        results["region_and_municipality_by_year"] = {"ours_cold_s": mine["cold_s"], "ours_warm_median_s": mine["warm_median_s"],
                                                      "columns": [c["id"] for c in mine["answer"]["columns"]]}

        server, base = serve(app)
        try:
            results["http_compare_two_regions"] = over_http(base, "/api/compare?region=RU-Z09&region=RU-Z10", args.runs)
            results["http_compare_csv"] = over_http(base, "/api/compare?region=RU-Z09&region=RU-Z10&format=csv&table=themes", args.runs)
            results["http_drill_down"] = over_http(base, "/api/compare/items?column=region:RU-Z09&type=methodologicalCentre", args.runs)
            results["http_page"] = over_http(base, "/compare?region=RU-Z09&region=RU-Z10", args.runs)
        finally:
            server.shutdown()
            server.server_close()
        store.close()
    report(results)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


def report(results: dict) -> None:
    for section, values in results.items():
        print(f"{section}:")
        for key, value in values.items():
            print(f"  {key:34} {value:.4f}" if isinstance(value, float) else f"  {key:34} {value}")
    for name in ("two_regions", "four_regions"):
        r = results[name]
        print(f"{name}: naive {r['naive_group_by_median_s'] * 1000:.0f} ms, ours cold {r['ours_cold_median_s'] * 1000:.0f} ms "
              f"(other columns, shared parts cached: {r['ours_other_columns_shared_parts_cached_s'] * 1000:.0f} ms), "
              f"warm {r['ours_warm_median_s'] * 1000:.3f} ms (naive / warm = {r['naive_group_by_median_s'] / r['ours_warm_median_s']:.0f}×)")
    http = results["http_compare_two_regions"]
    print(f"/api/compare over HTTP: cold {http['cold_s'] * 1000:.0f} ms, warm {http['warm_median_s'] * 1000:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
