"""Running stored queries over a store, with results cached per dataset version.

The cache key is (query name, bound parameter terms); the whole cache is dropped as soon as the
store reports another ``version()`` (any ingest or removal changes it), so a repeated call is a
dictionary lookup and an ingest invalidates every cached answer.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, Mapping

import pyoxigraph as ox

from ..errors import BadParameter
from ..ontology import sparql_prologue
from .catalogue import StoredQuery, get_query
from .params import Param, compact_iri

CHOICES_LIMIT = 1000


@dataclass(frozen=True)
class Execution:
    """One answered stored query: what ran, with which terms, on which data version."""

    query: StoredQuery
    terms: Mapping[str, ox.NamedNode | ox.Literal]
    sparql: str
    result: object  # shnor_kg.server.store.QueryResult
    version: str
    cached: bool
    elapsed: float  # seconds spent answering this call (a cache hit is a lookup)

    @property
    def params(self) -> dict[str, str]:
        """The bound values as plain strings (IRIs and lexical forms)."""
        return {name: term.value for name, term in self.terms.items()}


class VersionedCache:
    """A small LRU map that empties itself when the dataset version changes.

    Single flight: callers asking for a key that another thread is computing wait for that
    computation instead of repeating it (a cold aggregate asked by ten clients at once runs once);
    if it fails, the waiters take turns computing it and each sees its own error."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._version: str | None = None
        self._lock = threading.Lock()
        self._flights: dict[tuple[str, Hashable], threading.Event] = {}

    def get_or_compute(self, version: str, key: Hashable, compute: Callable[[], object]) -> tuple[object, bool]:
        """The cached value for ``key`` at ``version`` and True, or the computed value and False."""
        found = self._look(version, key)
        while isinstance(found, threading.Event):
            found.wait()
            found = self._look(version, key)
        if found is not None:
            return found[0], True
        try:
            value = compute()
            with self._lock:
                if version == self._version:
                    self._entries[key] = value
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
        finally:
            with self._lock:
                event = self._flights.pop((version, key), None)
            if event is not None:
                event.set()
        return value, False

    def _look(self, version: str, key: Hashable):
        """(value,) when cached; else an Event to wait on when another thread computes the key,
        or None after registering this thread as the one that computes it."""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            if key in self._entries:
                self._entries.move_to_end(key)
                return (self._entries[key],)
            event = self._flights.get((version, key))
            if event is not None:
                return event
            self._flights[(version, key)] = threading.Event()
            return None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class QueryRunner:
    """Validates parameters, binds them, runs stored queries and caches their results."""

    def __init__(self, store, *, limit: int | None = None, timeout: float | None = None, max_entries: int = 256) -> None:
        self.store = store
        self.limit = limit
        self.timeout = timeout
        self.cache = VersionedCache(max_entries)

    def run(self, name: str, raw: Mapping[str, str | None] | None = None) -> Execution:
        """Answer the stored query ``name`` with the given raw parameter values.
        Raises NotFound (unknown query), BadParameter, QueryTimeout, StoreUnavailable."""
        started = time.perf_counter()
        query = get_query(name)
        terms = query.bind(raw or {})
        version = self.store.version()
        self._check_classes(query, terms, version)
        sparql = query.sparql(terms)
        key = ("run", query.name, tuple(sorted((k, str(t)) for k, t in terms.items())))
        result, cached = self.cache.get_or_compute(version, key, lambda: self._query(sparql))
        return Execution(query, terms, sparql, result, version, cached, time.perf_counter() - started)

    def _query(self, sparql: str):
        return self.store.query(sparql, limit=self.limit, timeout=self.timeout)

    def _check_classes(self, query: StoredQuery, terms: Mapping, version: str) -> None:
        """An IRI parameter with classes must name an instance of one of them in the data."""
        for param in query.params:
            term = terms.get(param.name)
            if term is None or not param.classes:
                continue
            key = ("is-a", term.value, param.classes)
            ok, _ = self.cache.get_or_compute(version, key, lambda: self._is_instance(term, param))
            if not ok:
                raise BadParameter(
                    f"parameter '{param.name}' expects {param.expected}; {compact_iri(term.value)} is not one in the data",
                    parameter=param.name, expected=param.type,
                )

    def _is_instance(self, term: ox.NamedNode, param: Param) -> bool:
        classes = " ".join(f"<{c}>" for c in param.classes)
        ask = f"ASK {{ VALUES ?class {{ {classes} }} {term} a ?class }}"
        return bool(self.store.query(ask, timeout=self.timeout).boolean)

    def choices(self, param: Param) -> list[tuple[str, str]]:
        """(IRI, label) of every instance of an IRI parameter's classes, for a form's select."""
        if not param.classes:
            return []
        key = ("choices", param.classes)
        value, _ = self.cache.get_or_compute(self.store.version(), key, lambda: self._choices(param))
        return value

    def _choices(self, param: Param) -> list[tuple[str, str]]:
        classes = " ".join(f"<{c}>" for c in param.classes)
        sparql = sparql_prologue() + f"""SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{
  VALUES ?class {{ {classes} }} ?x a ?class .
  OPTIONAL {{ ?x skos:prefLabel|foaf:name ?l }}
}} GROUP BY ?x ORDER BY LCASE(STR(?label)) STR(?x) LIMIT {CHOICES_LIMIT}"""
        rows = self.store.query(sparql, timeout=self.timeout).rows
        return [(x.value, label.value if label is not None else x.value) for x, label in rows]
