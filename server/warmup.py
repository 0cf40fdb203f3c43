"""Warming the caches, so that the first visitors after a start or an ingest do not wait for the
aggregates: in the shared response cache, every stored query with its default parameters, in
each language it declares and for each region in the data where it takes a region, then with
every value its form offers (about 1,500 answers at 1,000 acts, see :func:`warm_requests`); in
each process's memory, both networks and the comparison profile of the whole data and of each
region.

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
from ..ontology import SHNOR_NS, sparql_prologue
from ..queries import Param, load_catalogue
from . import network as net
from .api_queries import runner, stored_answer
from .app import services
from .compare import parse_columns
from .compare_views import comparator
from .network_filters import parse_filters
from .network_views import resource_href

LOG = logging.getLogger(__name__)
LANGS = ("ru", "en")
WARM_CHOICES = 200  # a form's select with more values than this is not warmed value by value
EXTENSION = "shnor_kg_warmup"


def warm_requests() -> list[tuple[str, dict[str, str]]]:
    """(query name, parameters) to answer ahead, the most asked first (needs an application
    context: regions, municipalities and years are read from the store).

    First each stored query with its defaults, in each language and for each region; then every
    combination of the values its form offers: each instance of a parameter's class where there
    are at most :data:`WARM_CHOICES`, each listed choice, each year of the acts. A required
    parameter without a default and with too many values to list leaves its query out; free text
    and numbers keep their defaults."""
    years = data_years()
    first, rest = [], []
    for query in load_catalogue().values():
        domains = [_domain(param, years) for param in query.params]
        for combination in itertools.product(*domains):
            raw = {param.name: value for param, value in zip(query.params, combination) if value}
            basic = all(param.type == "lang" or param.classes == (SHNOR_NS + "Region",) or not value
                        for param, value in zip(query.params, combination))
            (first if basic else rest).append((query.name, raw))
    return first + rest


def _domain(param: Param, years: list[str]) -> list[str]:
    """The values of ``param`` to warm, its default first ("" for none); empty when they are too
    many to list and the parameter is required."""
    if param.type == "lang":
        return list(LANGS)
    default = [] if param.required and param.default is None else [""]
    if param.choices:
        return default + [c for c in param.choices if c != param.default]
    if param.classes:
        values = runner().choices(param)
        return default + [iri for iri, _ in values] if len(values) <= WARM_CHOICES else default
    if param.type == "gYear":
        return default + [y for y in years if y != param.default]
    return default


def data_years() -> list[str]:
    """The years of the acts in the store."""
    rows = services().store.query(sparql_prologue() + "SELECT DISTINCT ?y WHERE { ?o a shnor:Order ; shnor:year ?y } ORDER BY ?y").rows
    return [row[0].value for row in rows]


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
