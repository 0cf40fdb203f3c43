"""Shared fixtures: a configuration over a temporary data directory, a store, the app, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shnor_kg.config import load_config

from .remote_servers import oxigraph_server, virtuoso_server  # noqa: F401  (one of each per session)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TULA = EXAMPLES / "tula-2024-prikaz-22-1-osn.txt"
KOSTROMA = EXAMPLES / "kostroma-2023-rasporyazhenie.txt"


@pytest.fixture
def config(tmp_path):
    return load_config({"data_dir": str(tmp_path / "kg")}, environ={})


@pytest.fixture
def store(config):
    from shnor_kg.server.store import open_store

    store = open_store(config)
    yield store
    store.close()


def make_app(config, *, store=None):
    """``create_app(config, store=store)`` in Flask's testing mode (errors propagate to the test)."""
    from shnor_kg.server.app import create_app

    app = create_app(config, store=store)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def app(config):
    return make_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(config):
    """Run ``shnor-kg`` in-process against the temporary data directory."""
    from shnor_kg.server.cli import main

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--data-dir", config.data_dir, *args], catch_exceptions=False)

    return run


# -- the two sample acts, ingested once per session (read-only: never write to these) ------------


@pytest.fixture(scope="session")
def sample_config(tmp_path_factory):
    """A configuration over a session data directory that holds both sample acts."""
    return load_config({"data_dir": str(tmp_path_factory.mktemp("sample") / "kg")}, environ={})


@pytest.fixture(scope="session")
def sample_store(sample_config):
    """A store with the vocabulary and both sample acts ingested through the real pipeline."""
    from shnor_kg.ingest.pipeline import submission_for
    from shnor_kg.server.catalog import Catalog
    from shnor_kg.server.store import open_store

    store = open_store(sample_config)
    catalog = Catalog(store, sample_config.data_dir, base_iri=sample_config.base_iri)
    catalog.ensure_vocabulary()
    for path in (TULA, KOSTROMA):
        catalog.add(submission_for(path, path.read_bytes(), config=sample_config))
    yield store
    store.close()


@pytest.fixture(scope="session")
def sample_app(sample_config, sample_store):
    """The app over ``sample_store``."""
    return make_app(sample_config, store=sample_store)


@pytest.fixture
def sample_client(sample_app):
    return sample_app.test_client()


# Shared live-server and headless-Chromium fixtures (see tests/browser.py for what each does).
from tests.browser import browser, browser_page, live_server_for, sample_live_server  # noqa: E402,F401
