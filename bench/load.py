"""Load test (issue 14): concurrent clients against ``shnor-kg serve --workers 2`` on loopback.

    .venv/bin/python -m bench.load [--acts 1000] [--clients 32] [--seconds 60] [--workers 2]

Serves the store of ``--acts`` synthetic acts (``var/bench/store-<acts>``, made by ``bench.run``;
generated and ingested here when absent) with the production settings (gunicorn, query time
limit, row cap) except the per-address rate limit, which would refuse a load generator on one
address. ``--clients`` threads, each on its own keep-alive connection, send requests for
``--seconds`` (at most ``--max-requests`` in all), drawn with fixed weights from:

* ``stored`` — ``/api/queries/<name>`` with varied parameters (region, language, year…);
* ``sparql`` — ad-hoc SPARQL through ``/sparql``: point lookups, counts, a municipality's items,
  a text search — with random values, so nothing is cached;
* ``network`` — ``/api/network/<kind>`` for the whole graph or one region;
* ``compare`` — ``/api/compare`` of two regions;
* ``pathological`` — a cartesian-product count (must end in the intended 503 at the time limit),
  a whole-graph dump (cut at the row cap), a malformed query (400), an oversized query (4xx).

Reports requests/s, p50/p95/p99 per category, status counts and errors; the targets: no 5xx but
the intended 503s of timed-out queries, p99 of stored queries under 500 ms. Writes
``bench/results/load-<acts>.json``. The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

from .run_common import WORK, Client, Server, code_state, free_port, machine, ms, running, versions, write_json
from .run_queries import ASK, serve_command
from shnor_kg.server.response_cache import CACHE_DIR

WEIGHTS = {"stored": 50, "sparql": 25, "network": 10, "compare": 10, "pathological": 5}
PREFIXES = "PREFIX shnor: <https://w3id.org/shnor/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SERVER_ENV = {"SHNOR_KG_RATE_LIMIT": "0"}


# -- what the data holds (read once before the run) --------------------------------------------------------


def catalogue(client: Client) -> dict:
    """Regions, municipalities, acts, organisations and years to draw request values from."""
    def column(query: str) -> list[str]:
        status, body, _ = client.sparql("/sparql", PREFIXES + query)
        if status != 200:
            raise RuntimeError(f"catalogue query answered {status}: {body[:200]!r}")
        rows = json.loads(body)["results"]["bindings"]
        return [next(iter(r.values()))["value"] for r in rows]

    return {
        "regions": column("SELECT DISTINCT ?code WHERE { ?r a shnor:Region ; shnor:isoCode ?code . ?m shnor:region ?r . ?o shnor:municipality ?m ; a shnor:Order }"),
        "region_iris": column("SELECT DISTINCT ?r WHERE { ?r a shnor:Region . ?m shnor:region ?r . ?o shnor:municipality ?m ; a shnor:Order }"),
        "municipalities": column("SELECT DISTINCT ?m WHERE { ?o a shnor:Order ; shnor:municipality ?m }"),
        "acts": column("SELECT ?o WHERE { ?o a shnor:Order ; shnor:approves ?p } LIMIT 2000"),
        "orgs": column("SELECT DISTINCT ?org WHERE { ?i shnor:responsible ?org } LIMIT 2000"),
        "years": column("SELECT DISTINCT ?y WHERE { ?o a shnor:Order ; shnor:year ?y }"),
    }


# -- the requests --------------------------------------------------------------------------------------------


def stored(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    name, params = rng.choice([
        ("acts-overview", {"region": None, "lang": ("ru", "en")}),
        ("acts-and-bases", {"region": None}),
        ("themes-by-region", {"region": None, "lang": ("ru", "en")}),
        ("items-by-responsible-type", {"region": None}),
        ("deadlines-by-month", {"year": "year", "region": None}),
        ("items-due-in-month", {"month": "month", "region": None}),
        ("mentor-pairs", {"region": None, "year": "year"}),
        ("co-responsibility", {"region": None}),
        ("completeness-by-region", {"lang": ("ru", "en")}),
        ("completeness-by-municipality", {"municipality": "municipality"}),
        ("school-heads", {"municipality": "municipality"}),
        ("target-schools", {"municipality": "municipality", "year": "year"}),
        ("coordinators-and-operators", {"municipality": "municipality"}),
        ("responsible-organisations", {"municipality": "municipality"}),
        ("items-of-responsible", {"responsible": "org"}),
        ("items-missing-responsible-or-deadline", {"region": None}),
        ("title-search", {"q": ("мониторинг", "семинар", "наставник", "ВПР"), "region": None}),
        ("assessment-items", {"assessment": ("ВПР", "ОГЭ", "ЕГЭ")}),
    ])
    args = {}
    for key, kind in params.items():
        value = _value(rng, data, key, kind)
        if value is not None:
            args[key] = value
    return f"stored/{name}", f"/api/queries/{name}" + (f"?{urlencode(args)}" if args else ""), None


def stored_default(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    """A stored query with its default parameters (the busiest responsible party where one is
    required): the requests a warmed, shared cache would answer."""
    name = rng.choice(STORED_NAMES)
    args = {"responsible": data["orgs"][0]} if name == "items-of-responsible" else {}
    return f"stored/{name}", f"/api/queries/{name}" + (f"?{urlencode(args)}" if args else ""), None


def _value(rng: random.Random, data: dict, key: str, kind) -> str | None:
    if isinstance(kind, tuple):
        return rng.choice(kind)
    if key == "region":
        return rng.choice(data["region_iris"] + [None, None])
    if kind == "year":
        return rng.choice(data["years"])
    if kind == "month":
        return f"{rng.choice(data['years'])}-{rng.randint(1, 12):02d}"
    if kind == "municipality":
        return rng.choice(data["municipalities"])
    if kind == "org":
        return rng.choice(data["orgs"])
    return None


def sparql(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    act, mun, org = rng.choice(data["acts"]), rng.choice(data["municipalities"]), rng.choice(data["orgs"])
    label, query = rng.choice([
        ("act", f"SELECT ?p ?o WHERE {{ <{act}> ?p ?o }}"),
        ("act-items", f"SELECT ?item ?title WHERE {{ <{act}> shnor:approves ?plan . ?item shnor:inPlan ?plan ; dct:title ?title }}"),
        ("municipality-count", f"SELECT (COUNT(?item) AS ?n) WHERE {{ ?o shnor:municipality <{mun}> ; shnor:approves ?p . ?item shnor:inPlan ?p }}"),
        ("org-items", f"SELECT ?item ?title WHERE {{ ?item shnor:responsible <{org}> ; dct:title ?title }} LIMIT 100"),
        ("types", "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"),
        ("text", f"SELECT ?item ?title WHERE {{ ?item a shnor:PlanItem ; dct:title ?title FILTER(CONTAINS(LCASE(?title), \"{rng.choice(('мониторинг', 'семинар', 'школ'))}\")) }} LIMIT 50"),
        ("org-labels", f"SELECT ?l WHERE {{ <{org}> skos:prefLabel|skos:altLabel ?l }}"),
    ])
    return f"sparql/{label}", "/sparql", PREFIXES + query


def network(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    kind = rng.choice(("mentorship", "co-responsibility"))
    region = rng.choice(data["regions"] + [None])
    return "network", f"/api/network/{kind}?provenance=none" + (f"&region={region}" if region else ""), None


def compare(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    a, b = rng.sample(data["regions"], 2) if len(data["regions"]) > 1 else (data["regions"] * 2)[:2]
    return "compare", f"/api/compare?region={a}&region={b}", None


def pathological(rng: random.Random, data: dict) -> tuple[str, str, str | None]:
    label, query = rng.choice([("cartesian", CARTESIAN), ("dump", "SELECT * WHERE { ?s ?p ?o }"), ("malformed", "SELECT ?x WHERE { ?x "),
                               ("oversized", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000)])
    return f"pathological/{label}", "/sparql", query


STORED_NAMES = ("acts-overview", "acts-and-bases", "themes-by-region", "items-by-responsible-type", "deadlines-by-month",
                "items-due-in-month", "mentor-pairs", "co-responsibility", "completeness-by-region",
                "completeness-by-municipality", "school-heads", "target-schools", "coordinators-and-operators",
                "responsible-organisations", "items-of-responsible", "items-missing-responsible-or-deadline",
                "title-search", "assessment-items")
MAKERS = {"stored": stored, "sparql": sparql, "network": network, "compare": compare, "pathological": pathological,
          "stored_default": stored_default}


# -- the run -------------------------------------------------------------------------------------------------


class Recorder:
    """Thread-safe record of (category, status, seconds) of every request."""

    def __init__(self, budget: int) -> None:
        self.lock = threading.Lock()
        self.samples: list[tuple[str, int, float, str]] = []
        self.errors: Counter = Counter()  # "request kind, status, error code" of 5xx answers
        self.budget = budget

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0:
                return False
            self.budget -= 1
            return True

    def add(self, category: str, status: int, seconds: float, label: str) -> None:
        with self.lock:
            self.samples.append((category, status, seconds, label))


def client_loop(port: int, data: dict, seed: int, deadline: float, recorder: Recorder, mix: dict[str, int]) -> None:
    """One client: draw a request, send it, record it, until the deadline or the request budget."""
    rng = random.Random(seed)
    client = Client(port, timeout=120)
    categories, weights = zip(*mix.items())
    while time.perf_counter() < deadline and recorder.take():
        category = rng.choices(categories, weights)[0]
        label, path, query = MAKERS[category](rng, data)
        try:
            status, body, seconds = client.sparql(path, query) if query is not None else client.get(path)
        except OSError as exc:
            recorder.add(category + ":" + type(exc).__name__, -1, 0.0, label)
            continue
        recorder.add(category, status, seconds, label)
        if status >= 500:
            with recorder.lock:
                recorder.errors[f"{label} {status} {_error_code(body)}"] += 1
    client.close()


def _error_code(body: bytes) -> str:
    """The error code of a JSON error answer ("?" when the body is not one)."""
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {}
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": ms(pick(0.50)), "p95_ms": ms(pick(0.95)), "p99_ms": ms(pick(0.99)), "max_ms": ms(ordered[-1])}


def summarise(samples: list[tuple[str, int, float, str]], seconds: float) -> dict:
    """Per category: requests, rate over the window (every request starts inside it), latency percentiles,
    status counts; per stored query: requests and percentiles; and the targets."""
    by_category, by_query = defaultdict(list), defaultdict(list)
    for category, status, latency, label in samples:
        by_category[category].append((status, latency))
        if label.startswith("stored/") and status > 0:
            by_query[label.removeprefix("stored/")].append(latency)
    out = {"requests": len(samples), "seconds": round(seconds, 1), "requests_per_s": round(len(samples) / seconds, 1),
           "categories": {}}
    for category, rows in sorted(by_category.items()):
        statuses = Counter(s for s, _ in rows)
        out["categories"][category] = {"requests": len(rows), "requests_per_s": round(len(rows) / seconds, 1),
                                       "status": dict(sorted(statuses.items())),
                                       **percentiles([lat for s, lat in rows if s > 0])}
    out["stored_queries"] = {name: {"requests": len(v), **percentiles(v)}
                             for name, v in sorted(by_query.items(), key=lambda kv: -max(kv[1]))}
    unintended = sum(n for c, v in out["categories"].items() for s, n in v["status"].items()
                     if (s >= 500 and not (s == 503 and c == "pathological")) or s < 0)
    stored_p99 = percentiles([lat for c, st, lat, _ in samples if c.startswith("stored") and st > 0]).get("p99_ms")
    out["targets"] = {"unintended_5xx_or_errors": unintended, "stored_p99_ms": stored_p99,
                      "no_unintended_5xx": unintended == 0, "stored_p99_under_500ms": stored_p99 is not None and stored_p99 < 500}
    return out


def ensure_store(acts: int, seed: int) -> Path:
    """The store of ``acts`` synthetic acts, made by bench.run (or here, when absent)."""
    from .run import corpus, store_dir
    from .run_common import fresh_dir, isolated
    from .run_ingest import ingest_serial

    data_dir = store_dir(acts)
    root, files, _ = corpus(acts, seed)
    stamp = data_dir / "corpus.json"  # the corpus this store was made from
    if not (data_dir / "manifest.json").exists() or not stamp.exists() or stamp.read_bytes() != (root / "corpus.json").read_bytes():
        isolated(ingest_serial, files, str(fresh_dir(data_dir)), timeout=4 * 3600)
        shutil.copyfile(root / "corpus.json", stamp)
    return data_dir


def parse_mix(text: str) -> dict[str, int]:
    """"stored=50,sparql=25" → weights (categories of :data:`MAKERS`)."""
    mix = {}
    for part in filter(None, text.split(",")):
        name, _, weight = part.partition("=")
        if name not in MAKERS or not weight.isdigit():
            raise argparse.ArgumentTypeError(f"{part!r}: write category=weight, categories {', '.join(MAKERS)}")
        mix[name] = int(weight)
    return mix


def run(acts: int, clients: int, seconds: float, workers: int, max_requests: int, seed: int,
        mix: dict[str, int] = WEIGHTS) -> dict:
    data_dir = ensure_store(acts, seed)
    shutil.rmtree(data_dir / CACHE_DIR, ignore_errors=True)  # the server warms its cache itself, timed here
    port = free_port()
    server = Server(serve_command(str(data_dir), port, workers), port, env=SERVER_ENV, log=WORK / f"load-{acts}.log")
    with running(server):
        probe = Client(port)
        startup = server.wait_until(lambda: probe.sparql("/sparql", ASK)[0] == 200, timeout=900)
        warmup = server.wait_until(lambda: json.loads(probe.get("/health")[1])["cache"] == "warm", timeout=900) - startup
        data = catalogue(probe)
        for path in ("/api/network/mentorship?provenance=none", "/api/network/co-responsibility?provenance=none"):
            probe.get(path)  # one worker warm; the other warms under load, as in production
        probe.close()
        recorder = Recorder(max_requests)
        started = time.perf_counter()
        threads = [threading.Thread(target=client_loop, args=(port, data, seed * 1000 + k, started + seconds, recorder, mix))
                   for k in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 180)
        elapsed = time.perf_counter() - started
        memory = server.memory()
    result = summarise(recorder.samples, seconds)
    result["errors_5xx"] = dict(recorder.errors.most_common())
    return {"acts": acts, "clients": clients, "workers": workers, "startup_s": round(startup, 2), "warmup_s": round(warmup, 2), "memory": memory,
            "elapsed_with_drain_s": round(elapsed, 1),
            "weights": mix, "machine": machine(), "versions": versions(), "code": code_state(), **result}


def report(result: dict) -> None:
    print(f"{result['clients']} clients, {result['seconds']} s, {result['workers']} workers, {result['acts']} acts: "
          f"{result['requests']} requests, {result['requests_per_s']} req/s")
    print(f"{'category':24} {'req':>6} {'req/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  status")
    for name, c in result["categories"].items():
        print(f"{name:24} {c['requests']:>6} {c['requests_per_s']:>7} {c.get('p50_ms', '-')!s:>8} {c.get('p95_ms', '-')!s:>8} "
              f"{c.get('p99_ms', '-')!s:>8} {c.get('max_ms', '-')!s:>8}  {c['status']}")
    slowest = list(result["stored_queries"].items())[:6]
    print("slowest stored queries (p50/p99 ms): " + ", ".join(f"{n} {q.get('p50_ms')}/{q.get('p99_ms')}" for n, q in slowest))
    print("5xx by request kind and error code:", result.get("errors_5xx"))
    print("targets:", result["targets"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--acts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--mix", type=parse_mix, default=WEIGHTS, help="category=weight,… (default: the issue's mix)")
    parser.add_argument("--name", help="result file name suffix (default: the number of acts)")
    parser.add_argument("--strict", action="store_true", help="exit with 1 when a target is missed")
    args = parser.parse_args(argv)
    result = run(args.acts, args.clients, args.seconds, args.workers, args.max_requests, args.seed, args.mix)
    path = write_json(f"load-{args.name or args.acts}.json", result)
    report(result)
    print(f"written {path}")
    met = result["targets"]["no_unintended_5xx"] and result["targets"]["stored_p99_under_500ms"]
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
