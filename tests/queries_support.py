"""Fixtures of the stored-query tests: the hand-written contract dataset ``data/queries_fixture.trig``
loaded into a real embedded store (graph by graph, as the catalog would), with the vocabulary.

Import the fixtures into a test module (``from .queries_support import fixture_store, ...``)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from shnor_kg.config import load_config

from .conftest import make_app

FIXTURE = Path(__file__).parent / "data" / "queries_fixture.trig"
ID = "https://w3id.org/shnor/id/"
SHNOR = "https://w3id.org/shnor/ontology#"
PERVIY = ID + "act/ru-aaa-perviy/2024/prikaz-5-1-osn"
VTOROY = ID + "act/ru-bbb-vtoroy/2023/rasporyazhenie-0a1b2c3d"


def fixture_changes():
    """The fixture as one GraphChange per named graph."""
    from shnor_kg.server.store import GraphChange

    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG):
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return [GraphChange("add", graph, tuple(triples)) for graph, triples in graphs.items()]


def load_into(config):
    """Open a store over ``config`` with the vocabulary and the fixture dataset."""
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import open_store

    store = open_store(config)
    Catalog(store, config.data_dir, base_iri=config.base_iri).ensure_vocabulary()
    store.commit(fixture_changes())
    return store


@pytest.fixture(scope="session")
def fixture_config(tmp_path_factory):
    return load_config({"data_dir": str(tmp_path_factory.mktemp("queries") / "kg")}, environ={})


@pytest.fixture(scope="session")
def fixture_store(fixture_config):
    """A read-only store with the hand-written dataset (never write to it)."""
    store = load_into(fixture_config)
    yield store
    store.close()


@pytest.fixture(scope="session")
def fixture_app(fixture_config, fixture_store):
    return make_app(fixture_config, store=fixture_store)


@pytest.fixture
def fixture_client(fixture_app):
    return fixture_app.test_client()


def rows(execution_or_result) -> list[dict]:
    """Rows as {variable: plain string or None}."""
    result = getattr(execution_or_result, "result", execution_or_result)
    return result.values()


CMP_IRI = ID + "org/ru-aaa-perviy/mku-cnppm"
