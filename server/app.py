"""The Flask application factory (no global app)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

from flask import Flask, current_app, jsonify

from ..config import Config, load_config
from .catalog import Catalog
from . import i18n, security
from .errors import register_error_handlers
from .response_cache import ResponseCache
from .store import Store, open_store


@dataclass
class Services:
    """What the request handlers share: configuration, store, catalog and the response cache."""

    config: Config
    store: Store
    catalog: Catalog
    responses: ResponseCache


def services() -> Services:
    """The services of the current application."""
    return current_app.extensions["shnor_kg"]


def create_app(config: Config | None = None, *, store: Store | None = None) -> Flask:
    """Build the web application over the configured (or given) store."""
    config = config or load_config()
    app = Flask(__name__, instance_path=tempfile.gettempdir())
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.json.ensure_ascii = False
    store = store or open_store(config)
    catalog = Catalog(store, config.data_dir, base_iri=config.base_iri)
    catalog.ensure_vocabulary()
    responses = ResponseCache(config.data_dir, config.response_cache_mb * 1024 * 1024)
    app.extensions["shnor_kg"] = Services(config, store, catalog, responses)
    register_error_handlers(app)
    security.install(app, rate_limit=config.rate_limit)
    i18n.install(app)
    _register_blueprints(app)

    @app.get("/health")
    def health():
        version = store.version()
        return jsonify(status="ok", version=version, cache=responses.state(version))

    return app


def _register_blueprints(app: Flask) -> None:
    from .documents_api import blueprint as documents_api

    app.register_blueprint(documents_api)
    from .sparql import blueprint as sparql

    app.register_blueprint(sparql)
    from .ontology_page import blueprint as ontology_page

    app.register_blueprint(ontology_page)
    from .network_views import blueprint as network_views

    app.register_blueprint(network_views)
    from .api_queries import blueprint as api_queries
    from .queries_pages import blueprint as queries_pages

    app.register_blueprint(api_queries)
    app.register_blueprint(queries_pages)
    from .pages import blueprint as pages

    app.register_blueprint(pages)
    from .validation_views import blueprint as validation_views

    app.register_blueprint(validation_views)
    from .compare_views import blueprint as compare_views

    app.register_blueprint(compare_views)
