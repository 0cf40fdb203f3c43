"""Warming the caches, so that the first visitors after a start or an ingest do not wait for the
aggregates: in the shared response cache, every stored query with its default parameters, in
each language it declares and for each region in the data where it takes a region (about 250
answers at 1,000 acts); in each process's memory, both networks and the comparison profile of
the whole data and of each region.

The server (``shnor-kg serve``, each gunicorn worker) calls :func:`install`, which starts a
background thread at once and again at the first request of each new dataset version; across
processes one of them holds the version's warming lock while the others go on serving and read
its files. ``/health`` tells
``cache: warm | warming | cold | off``. The app factory alone never warms (tests stay
deterministic).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time

from flask import Flask

from ..errors import ShnorError
from ..ontology import SHNOR_NS
from ..queries import load_catalogue
from . import network as net
from .api_queries import runner, stored_answer
from .app import services
from .compare import parse_columns
from .compare_views import comparator
from .network_filters import parse_filters
from .network_views import resource_href

LOG = logging.getLogger(__name__)
LANGS = ("ru", "en")
EXTENSION = "shnor_kg_warmup"


def warm_requests() -> list[tuple[str, dict[str, str]]]:
    """(query name, parameters) to answer ahead: needs an application context (regions are read
    from the store)."""
    requests = []
    for query in load_catalogue().values():
        if any(p.required and p.default is None for p in query.params):
            continue
        choices = []
        for param in query.params:
            if param.type == "lang":
                choices.append([(param.name, lang) for lang in LANGS])
            elif param.classes == (SHNOR_NS + "Region",):
                choices.append([(param.name, "")] + [(param.name, iri) for iri, _ in runner().choices(param)])
        for combination in itertools.product(*choices):
            requests.append((query.name, {k: v for k, v in combination if v}))
    return requests


def warm(app: Flask, version: str) -> dict | None:
    """Answer :func:`warm_requests` into the cache for ``version`` unless another process does;
    stops when the version changes. Returns the receipt, or None when it did not warm."""
    with app.app_context():
        svc = services()
        with svc.responses.claim_warming(version) as claimed:
            if not claimed or svc.responses.state(version) == "warm":
                return None
            started, answered, failed = time.monotonic(), 0, 0
            for name, raw in warm_requests():
                if svc.store.version() != version:
                    return None
                try:
                    stored_answer(name, raw)
                    answered += 1
                except ShnorError as exc:  # a time limit: the answer stays cold, the others go on
                    failed += 1
                    LOG.warning("warming %s %s: %s", name, raw, exc.message)
            receipt = {"answers": answered, "failed": failed, "seconds": round(time.monotonic() - started, 2)}
            svc.responses.mark_warm(version, receipt)
            LOG.info("response cache warm for version %s: %s", version, receipt)
            return receipt


def warm_views() -> int:
    """This process's network and comparison caches for the whole data and each region (needs an
    application context); returns the number of views built."""
    svc = services()
    codes = [region["code"] for region in comparator().places()["regions"] if region["code"]]
    built = 0
    for code in [None, *codes]:
        args = {"region": [code]} if code else {}
        filters = parse_filters(args, svc.store, base_iri=svc.config.base_iri)
        for kind in net.KINDS:
            network = net.network(svc.store, kind, filters)
            for provenance in (False, True):
                network.encoded("json", href=resource_href, provenance=provenance)
            built += 1
        if code:
            comparator().profile(parse_columns([("region", code)], svc.store, svc.config.base_iri)[0])
            built += 1
    return built


def warm_all(app: Flask, version: str) -> None:
    """This process's views, then the shared stored answers (unless another process warms them)."""
    with app.app_context():
        try:
            LOG.info("views warm in this process: %d", warm_views())
        except ShnorError as exc:
            LOG.warning("warming the views: %s", exc.message)
    warm(app, version)


class _Warmer:
    """Starts one warming thread per dataset version seen by this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.version: str | None = None
        self.lock = threading.Lock()

    def __call__(self) -> None:
        version = services().store.version()
        with self.lock:
            if version == self.version:
                return
            self.version = version
        threading.Thread(target=warm_all, args=(self.app, version), name="shnor-kg-warmup", daemon=True).start()


def install(app: Flask) -> None:
    """Warm the cache now, and again from the first request of each new dataset version."""
    if not app.extensions["shnor_kg"].responses.enabled:
        return
    warmer = _Warmer(app)
    app.before_request(warmer)
    with app.app_context():
        warmer()
