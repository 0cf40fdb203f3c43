"""The shared response cache: encoded answers on disk per dataset version, read by every server
process over the same data directory (two apps over one directory stand for two gunicorn workers)."""

from __future__ import annotations

import json

import pytest

from shnor_kg.server import sparql as sparql_module
from shnor_kg.server.response_cache import ResponseCache
from shnor_kg.server.store import open_store

from .conftest import make_app
from .queries_support import load_into
from .test_queries_api import ADDED_ITEM

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def test_an_answer_is_kept_per_version_and_other_versions_are_removed(tmp_path):
    cache = ResponseCache(tmp_path, max_bytes=1 << 20)
    assert cache.get("1", ("q", 1)) is None
    assert cache.put("1", ("q", 1), {"format": "json"}, b'{"rows":[]}')
    assert cache.get("1", ("q", 1)) == ({"format": "json"}, b'{"rows":[]}')
    assert cache.get("1", ("q", 2)) is None and cache.get("2", ("q", 1)) is None
    old = cache.version_dir("1")
    assert cache.put("2", ("q", 1), {}, b"new")
    assert not old.exists() and cache.get("2", ("q", 1)) == ({}, b"new")
    assert not list(cache.version_dir("2").glob(".tmp-*"))  # written under a temporary name, then renamed


def test_the_cache_stops_taking_answers_at_its_size_and_can_be_off(tmp_path):
    cache = ResponseCache(tmp_path, max_bytes=100)
    assert cache.put("1", "a", {}, b"x" * 40)
    assert not cache.put("1", "b", {}, b"x" * 80)
    assert cache.get("1", "b") is None and cache.get("1", "a") is not None
    again = ResponseCache(tmp_path, max_bytes=100)  # another process counts what is already there
    assert not again.put("1", "c", {}, b"x" * 80)
    off = ResponseCache(tmp_path / "off", max_bytes=0)
    assert not off.put("1", "a", {}, b"x") and off.get("1", "a") is None and not (tmp_path / "off").exists()


@pytest.fixture
def two_workers(config):
    """Two apps (two server processes) over one data directory holding the query fixture."""
    store = load_into(config)
    other = open_store(config)
    yield make_app(config, store=store).test_client(), make_app(config, store=other).test_client()
    store.close()
    other.close()


def test_a_stored_answer_computed_by_one_process_is_read_by_the_other(two_workers):
    first, second = two_workers
    computed = first.get("/api/queries/themes-by-region?lang=en")
    read = second.get("/api/queries/themes-by-region?lang=en")
    assert (computed.headers["X-Shnor-Cache"], read.headers["X-Shnor-Cache"]) == ("miss", "hit")
    body, kept = computed.get_json(), read.get_json()
    assert (body["cached"], kept["cached"]) == (False, True)
    assert {k: v for k, v in kept.items() if k not in ("cached", "elapsed_ms")} == {k: v for k, v in body.items() if k not in ("cached", "elapsed_ms")}
    assert body["rows"] and kept["elapsed_ms"] >= 0
    for header in ("X-Shnor-Rows", "X-Shnor-Truncated", "X-Shnor-Dataset-Version", "Content-Type"):
        assert read.headers[header] == computed.headers[header]
    assert second.get("/api/queries/themes-by-region?lang=ru").headers["X-Shnor-Cache"] == "miss"  # other parameters
    assert second.get("/api/queries/themes-by-region?lang=en&format=csv").headers["X-Shnor-Cache"] == "miss"  # other format
    csv = first.get("/api/queries/themes-by-region?lang=en&format=csv")
    assert csv.headers["X-Shnor-Cache"] == "hit" and csv.headers["Content-Disposition"].endswith('themes-by-region.csv"')


def test_defaults_and_explicit_values_share_an_answer(two_workers):
    first, second = two_workers
    first.get("/api/queries/themes-by-region")
    assert second.get("/api/queries/themes-by-region?lang=ru").headers["X-Shnor-Cache"] == "hit"


def test_an_ingest_by_another_process_makes_every_answer_new(two_workers, cli, tmp_path):
    first, second = two_workers
    before = first.get("/api/queries/title-search")
    extra = tmp_path / "extra.ttl"
    extra.write_text(ADDED_ITEM, "utf-8")
    assert cli("ingest", str(extra)).exit_code == 0
    after = second.get("/api/queries/title-search")
    assert after.headers["X-Shnor-Cache"] == "miss"
    assert len(after.get_json()["rows"]) == len(before.get_json()["rows"]) + 1
    assert first.get("/api/queries/title-search").headers["X-Shnor-Cache"] == "hit"  # kept by the other, new version


def test_slow_sparql_answers_are_shared_and_volatile_or_cheap_ones_never(two_workers, monkeypatch):
    first, second = two_workers
    headers = {"Accept": "application/sparql-results+json"}
    calls = []
    real_execute = sparql_module.execute
    monkeypatch.setattr(sparql_module, "execute", lambda *a, **k: calls.append(a) or real_execute(*a, **k))
    cheap = "ASK { ?s ?p ?o }"  # well under KEEP_AFTER
    for client in (first, second):
        assert json.loads(client.get("/sparql", query_string={"query": cheap}, headers=headers).data)["boolean"] is True
    assert len(calls) == 2  # evaluated again, not kept
    monkeypatch.setattr(sparql_module, "KEEP_AFTER", 0.0)  # every answer counts as slow from here on
    computed = first.get("/sparql", query_string={"query": SLOW_QUERY}, headers=headers)
    read = second.get("/sparql", query_string={"query": SLOW_QUERY}, headers=headers)
    assert computed.status_code == 200 and read.data == computed.data
    assert len(calls) == 3  # the second process read the first one's file
    assert read.headers["X-Shnor-Rows"] == "1"
    volatile = "SELECT (COUNT(*) AS ?n) (NOW() AS ?t) WHERE { ?a ?b ?c }"
    for client in (first, second):
        assert client.get("/sparql", query_string={"query": volatile}, headers=headers).status_code == 200
    assert len(calls) == 5  # NOW() is evaluated each time


def test_warming_answers_every_default_language_and_region_once(two_workers):
    from shnor_kg.server import warmup

    first, second = two_workers
    app, other = first.application, second.application
    version = app.extensions["shnor_kg"].store.version()
    assert first.get("/health").get_json()["cache"] == "cold"
    with app.app_context():
        requests = warmup.warm_requests()
    assert len(requests) == len(set(map(repr, requests)))
    assert ("themes-by-region", {"lang": "en"}) in requests and ("themes-by-region", {"lang": "ru"}) in requests
    regions = {raw["region"] for name, raw in requests if name == "co-responsibility" and "region" in raw}
    assert regions == {"https://w3id.org/shnor/id/region/RU-AAA", "https://w3id.org/shnor/id/region/RU-BBB"}
    years = {raw.get("year") for name, raw in requests if name == "deadlines-by-month" and "region" not in raw}
    assert years == {None, "2023", "2024"}  # the years of the acts
    assessments = {raw.get("assessment") for name, raw in requests if name == "assessment-items" and "region" not in raw}
    assert assessments == {None, "ВПР", "ОГЭ", "ЕГЭ", "ГИА", "РКР", "PISA", "функциональная грамотность"}
    responsible = [raw for name, raw in requests if name == "items-of-responsible"]
    assert responsible and all(raw["responsible"].startswith("https://w3id.org/shnor/id/") for raw in responsible)
    basic = [set(raw) <= {"lang", "region"} for _, raw in requests]
    assert basic == sorted(basic, reverse=True)  # defaults in each language and region first
    receipt = warmup.warm(app, version)
    assert receipt["answers"] == len(requests) and receipt["failed"] == 0
    assert warmup.warm(other, version) is None  # the other process finds the version warm
    assert second.get("/health").get_json()["cache"] == "warm"
    for name, raw in requests[:: max(1, len(requests) // 10)]:
        assert second.get(f"/api/queries/{name}", query_string=raw).headers["X-Shnor-Cache"] == "hit", (name, raw)


def test_a_select_too_long_to_list_is_not_warmed_value_by_value(two_workers, monkeypatch):
    from shnor_kg.server import warmup

    monkeypatch.setattr(warmup, "WARM_CHOICES", 1)
    app = two_workers[0].application
    with app.app_context():
        requests = warmup.warm_requests()
    names = {name for name, _ in requests}
    assert "items-of-responsible" not in names  # required, and too many organisations to list
    assert [raw for name, raw in requests if name == "school-heads"] == [{"lang": "ru"}, {"lang": "en"}]  # no municipality


def test_one_process_warms_a_version_while_the_others_serve(two_workers):
    from shnor_kg.server import warmup

    first, second = two_workers
    app = first.application
    version = app.extensions["shnor_kg"].store.version()
    with app.app_context():
        responses = app.extensions["shnor_kg"].responses
        with responses.claim_warming(version) as claimed:
            assert claimed
            assert warmup.warm(second.application, version) is None  # the lock is held elsewhere
            assert second.get("/health").get_json()["cache"] == "warming"


def test_each_process_warms_its_network_and_comparison_views(two_workers, monkeypatch):
    from shnor_kg.server import network as net
    from shnor_kg.server import warmup
    from shnor_kg.server.compare import parse_columns
    from shnor_kg.server.network_filters import parse_filters

    first, _ = two_workers
    app = first.application
    with app.app_context():
        built = warmup.warm_views()
        svc, engine = app.extensions["shnor_kg"], warmup.comparator()
        regions = [r["code"] for r in engine.places()["regions"] if r["code"]]
        assert regions and built == len(net.KINDS) * (len(regions) + 1) + len(regions)

        columns = [parse_columns([("region", code)], svc.store, svc.config.base_iri)[0] for code in regions]
        filters = [parse_filters({"region": [code]}, svc.store, base_iri=svc.config.base_iri) for code in regions]

        def no_queries(*args, **kwargs):
            raise AssertionError("a warmed view ran a query")

        monkeypatch.setattr(engine, "_query", no_queries)
        monkeypatch.setattr(svc.store, "query", no_queries)
        for column, region in zip(columns, filters):
            engine.profile(column)
            for kind in net.KINDS:
                net.network(svc.store, kind, region).encoded("json", href=warmup.resource_href, provenance=False)
