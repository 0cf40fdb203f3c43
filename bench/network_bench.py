"""Benchmark of the network browser on a synthetic contract-shaped corpus (not run by ``make test``).

    .venv/bin/python bench/network_bench.py [--orgs 5000] [--target-edges 20000] [--no-browser] [--exact-baseline]

Writes a synthetic dataset (regions, municipalities, organisations and schools in the entities
graph; acts with plans, items, responsible parties and mentorship links in one graph per act) into
a fresh embedded store, then measures, in one run:

- the baseline: the plain way — one SPARQL query and a networkx graph built from its rows (and,
  with ``--exact-baseline``, networkx's default exact betweenness and Louvain on it);
- our build of the co-responsibility network, phase by phase (directory, query + graph,
  metrics, layout), cold, and the API cold (first request) and warm (cached) over loopback HTTP;
- the page in headless Chromium: time to first render (navigation start → sigma's first frame)
  and frames per second while the ForceAtlas2 worker runs and while the camera zooms.

Results are printed and written to ``bench/results/network.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
SHNOR = "https://w3id.org/shnor/ontology#"
ID = "https://w3id.org/shnor/id/"
GRAPH = "https://w3id.org/shnor/graph/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
GYEAR = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
THEMES = ["themeMonitoring", "themeInfrastructure", "themeNetworking", "themeProfessionalDevelopment",
          "themeLeadership", "themeQualityAssessment", "themeFailurePrevention", "themeNormativeBasis"]


def s(name: str) -> ox.NamedNode:
    return ox.NamedNode(SHNOR + name)


def i(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID + path)


# -- the synthetic corpus ------------------------------------------------------------------------


def _entities(orgs: int, per_municipality: int, rng: random.Random) -> tuple[list, dict[str, list[ox.NamedNode]]]:
    """Regions, municipalities and organisations (a third of them schools)."""
    triples, members = [], {}
    municipalities = max(1, orgs // per_municipality)
    for r in range(2):
        region = i(f"region/RU-S{r}")
        triples += [ox.Triple(region, RDF_TYPE, s("Region")), ox.Triple(region, PREF_LABEL, ox.Literal(f"Область {r}", language="ru")),
                    ox.Triple(region, s("isoCode"), ox.Literal(f"RU-S{r}"))]
    for m in range(municipalities):
        slug = f"ru-s{m % 2}-m{m}"
        municipality = i(f"municipality/{slug}")
        triples += [ox.Triple(municipality, RDF_TYPE, s("Municipality")), ox.Triple(municipality, s("region"), i(f"region/RU-S{m % 2}")),
                    ox.Triple(municipality, PREF_LABEL, ox.Literal(f"город {m}", language="ru"))]
        members[slug] = []
        for k in range(per_municipality):
            org = i(f"org/{slug}/o{k}")
            members[slug].append(org)
            kind = "School" if k % 3 else "Organization"
            triples += [ox.Triple(org, RDF_TYPE, s(kind)), ox.Triple(org, RDF_TYPE, s("Organization")),
                        ox.Triple(org, PREF_LABEL, ox.Literal(f"Организация {m}-{k} «Центр № {rng.randint(1, 99)}»", language="ru")),
                        ox.Triple(org, s("municipality"), municipality)]
    return triples, members


def _act(slug: str, number: int, year: int, orgs: list[ox.NamedNode], items: int, rng: random.Random) -> tuple[str, list]:
    """One act: order, plan, items with 1–4 responsible parties (and sometimes a hub), six
    mentorship links and their target schools."""
    act = f"act/{slug}/{year}/prikaz-{number}"
    order, plan = i(act), i(act + "/plan")
    triples = [ox.Triple(order, RDF_TYPE, s("Order")), ox.Triple(order, s("year"), ox.Literal(str(year), datatype=GYEAR)),
               ox.Triple(order, s("municipality"), i(f"municipality/{slug}")), ox.Triple(order, s("approves"), plan),
               ox.Triple(order, ox.NamedNode("http://data.europa.eu/eli/ontology#number"), ox.Literal(str(number))),
               ox.Triple(order, s("issuedBy"), orgs[0])]
    for position in range(1, items + 1):
        item = i(f"{act}/plan/item/{position}")
        triples += [ox.Triple(item, RDF_TYPE, s("PlanItem")), ox.Triple(item, s("inPlan"), plan),
                    ox.Triple(item, s("theme"), s(rng.choice(THEMES)))]
        responsible = {rng.choice(orgs) for _ in range(rng.randint(1, 4))}
        if rng.random() < 0.3:
            responsible.add(orgs[rng.randrange(5)])  # a few hubs: the education authority and centres
        triples += [ox.Triple(item, s("responsible"), org) for org in responsible]
    schools = [o for o in orgs if not o.value.endswith(("/o0", "/o3", "/o6"))]
    for n, mentee in enumerate(rng.sample(schools, min(len(schools), 6))):
        mentor = rng.choice(schools[:10])
        if mentor != mentee:
            link = i(f"{act}/mentorship/{n + 1}")
            triples += [ox.Triple(link, RDF_TYPE, s("MentorshipLink")), ox.Triple(link, s("mentor"), mentor),
                        ox.Triple(link, s("mentee"), mentee), ox.Triple(link, s("establishedBy"), order),
                        ox.Triple(order, s("targetSchool"), mentee)]
    return act, triples


def generate(store, *, orgs: int, target_edges: int, seed: int = 7) -> dict:
    """Write the corpus into ``store``; return its size."""
    from shnor_kg.server.store import GraphChange

    rng = random.Random(seed)
    per_municipality = 100
    entities, members = _entities(orgs, per_municipality, rng)
    acts_per_municipality = 4
    items = max(10, int(target_edges / len(members) / acts_per_municipality / 2.2))
    changes = [GraphChange("add", GRAPH + "entities", tuple(entities))]
    total = len(entities)
    for slug, org_list in members.items():
        for a in range(acts_per_municipality):
            act, triples = _act(slug, a + 1, 2022 + a % 3, org_list, items, rng)
            changes.append(GraphChange("replace", GRAPH + act.replace("/", "-"), tuple(triples)))
            total += len(triples)
    store.commit(changes)
    return {"triples": total, "acts": len(changes) - 1, "items_per_plan": items, "municipalities": len(members)}


# -- measurements --------------------------------------------------------------------------------


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def baseline(store, *, exact: bool) -> dict:
    """The plain way: one query, rows into networkx, weights counted in Python."""
    from shnor_kg.ontology import sparql_prologue

    query = sparql_prologue() + """SELECT ?item ?org WHERE { ?order shnor:approves ?plan .
        ?item shnor:inPlan ?plan ; shnor:responsible ?org . }"""
    started = time.perf_counter()
    rows = store.query(query).rows
    queried = time.perf_counter()
    by_item: dict = {}
    for item, org in rows:
        by_item.setdefault(item.value, []).append(org.value)
    graph = nx.Graph()
    for orgs in by_item.values():
        graph.add_nodes_from(orgs)
        for x in range(len(orgs)):
            for y in range(x + 1, len(orgs)):
                a, b = orgs[x], orgs[y]
                weight = graph[a][b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    built = time.perf_counter()
    out = {"query_s": queried - started, "graph_s": built - queried, "total_s": built - started,
           "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    degree, out["degree_s"] = timed(lambda: dict(graph.degree(weight="weight")))
    _, out["louvain_default_s"] = timed(nx.community.louvain_communities, graph, weight="weight")
    if exact:
        _, out["betweenness_exact_s"] = timed(nx.betweenness_centrality, graph)
    return out


def ours(store) -> dict:
    """Our build, phase by phase, without the cache."""
    from shnor_kg.server import network as net
    from shnor_kg.server import network_metrics as metrics
    from shnor_kg.server.network_filters import Filters

    directory, t_directory = timed(net.load_directory, store)
    (graph, extra), t_graph = timed(net.build_co_responsibility, store, directory, Filters())
    summary, t_metrics = timed(metrics.annotate, graph)
    _, t_layout = timed(metrics.layout, graph)
    network = net.Network("co-responsibility", graph, summary, Filters(), store.version())
    body, t_json = timed(network.encoded, "json", href=lambda iri: None)
    compact, t_compact = timed(network.encoded, "json", href=lambda iri: None, provenance=False)
    return {"directory_s": t_directory, "query_and_graph_s": t_graph, "metrics_s": t_metrics, "layout_s": t_layout,
            "json_s": t_json, "json_bytes": len(body), "json_compact_s": t_compact, "json_compact_bytes": len(compact), "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "betweenness_pivots": summary["betweenness"]["pivots"],
            "total_s": t_directory + t_graph + t_metrics + t_layout + t_json}


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


def api(base: str, kind: str, runs: int = 7) -> dict:
    from shnor_kg.server import network as net

    net.cache_clear()
    body, cold = fetch(f"{base}/api/network/{kind}")
    warm = [fetch(f"{base}/api/network/{kind}")[1] for _ in range(runs)]
    data = json.loads(body)
    return {"cold_s": cold, "warm_median_s": statistics.median(warm), "bytes": len(body),
            "nodes": len(data["nodes"]), "edges": len(data["edges"])}


FPS_JS = """ms => new Promise(done => { let frames = 0; const start = performance.now();
  function tick(now) { frames++; if (now - start < ms) requestAnimationFrame(tick); else done(frames * 1000 / (now - start)); }
  requestAnimationFrame(tick); })"""


def page(base: str, kind: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 860})
        tab.goto(f"{base}/network?kind={kind}")
        tab.wait_for_selector("#network-app[data-state=ready]", timeout=300_000)
        first = float(tab.get_attribute("#network-app", "data-first-render"))
        fetched = float(tab.get_attribute("#network-app", "data-fetched"))
        phases = tab.eval_on_selector("#network-app", "e => [e.dataset.requested, e.dataset.buildMs, e.dataset.sigmaMs].map(Number)")
        tab.evaluate("() => window.shnorNetwork.state.renderer.getCamera().animate({ratio: 0.2}, {duration: 2000})")
        fps_zoom = tab.evaluate(FPS_JS, 2000)
        tab.click("#net-layout")
        fps_layout = tab.evaluate(FPS_JS, 3000)
        tab.click("#net-layout")
        nodes = int(tab.get_attribute("#network-app", "data-nodes"))
        browser.close()
    return {"request_sent_ms": phases[0], "data_loaded_ms": fetched, "graph_build_ms": phases[1], "sigma_init_ms": phases[2],
            "first_render_ms": first, "fps_during_zoom": fps_zoom,
            "fps_during_fa2_layout": fps_layout, "nodes": nodes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=5100)
    parser.add_argument("--target-edges", type=int, default=20000)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--exact-baseline", action="store_true", help="also time networkx's exact betweenness (minutes)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from shnor_kg.config import load_config
    from shnor_kg.server.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(load_config({"data_dir": tmp}, environ={}))
        store = app.extensions["shnor_kg"].store
        corpus, t_generate = timed(generate, store, orgs=args.orgs, target_edges=args.target_edges)
        results = {"corpus": {**corpus, "generate_and_load_s": t_generate}}
        results["baseline_plain_networkx"] = baseline(store, exact=args.exact_baseline)
        results["ours_cold_build"] = ours(store)
        server, base = serve(app)
        try:
            results["api_co_responsibility"] = api(base, "co-responsibility")
            results["api_mentorship"] = api(base, "mentorship")
            if not args.no_browser:
                fetch(f"{base}/api/network/co-responsibility?provenance=none")  # the page is measured on a warm cache
                results["page_co_responsibility"] = page(base, "co-responsibility")
        finally:
            server.shutdown()
            server.server_close()
    report(results)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "network.json").write_text(json.dumps(results, indent=1))
    return 0


def report(results: dict) -> None:
    for section, values in results.items():
        print(f"{section}:")
        for key, value in values.items():
            print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    base, mine = results["baseline_plain_networkx"], results["ours_cold_build"]
    print(f"ratio ours (query+graph) / baseline (query+graph): {mine['query_and_graph_s'] / base['total_s']:.2f}")
    if "api_co_responsibility" in results:
        print(f"ratio warm API / baseline build: {results['api_co_responsibility']['warm_median_s'] / base['total_s']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
