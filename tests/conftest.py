"""Shared fixtures: a configuration over a temporary data directory, a store, the app, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shnor_kg.config import load_config

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


@pytest.fixture
def app(config):
    from shnor_kg.server.app import create_app

    app = create_app(config)
    app.config["TESTING"] = True
    return app


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
