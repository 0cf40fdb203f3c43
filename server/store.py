"""The store interface: a few methods, one selector, and the result object of every query.

Back ends: :class:`shnor_kg.server.store_embedded.EmbeddedStore` (Oxigraph in this process, the
default) and a remote SPARQL 1.1 server. Terms in results are pyoxigraph terms for every back end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Sequence

import pyoxigraph as ox

from ..config import Config
from ..errors import BadParameter

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class QueryResult:
    """What a query returned, with its receipt.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE). ``rows`` holds one tuple per
    solution in ``variables`` order (``None`` for unbound); ``triples`` the graph result;
    ``truncated`` says the row cap cut the result; ``elapsed`` is seconds spent in the store.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        """Rows (SELECT), triples (graph) or 1 (ASK)."""
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1

    def records(self) -> list[dict[str, Term | None]]:
        """Rows as dicts keyed by variable name."""
        return [dict(zip(self.variables, row)) for row in self.rows]

    def values(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRIs and lexical forms), for APIs and templates."""
        return [{v: (None if t is None else t.value) for v, t in zip(self.variables, row)} for row in self.rows]


@dataclass(frozen=True)
class GraphChange:
    """One change of a commit: ``replace`` (the triples become the graph), ``add``, or ``drop``."""

    action: str
    graph: str
    triples: tuple[ox.Triple, ...] = ()


class Store(Protocol):
    """What every back end offers."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a read query; the default graph is the union of all named graphs unless
        ``default_graph`` names graphs. Raises QuerySyntaxError, QueryTimeout, StoreUnavailable."""

    def commit(self, changes: Sequence[GraphChange]) -> None:
        """Apply several graph changes as one atomic write."""

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace the content of a named graph atomically (readers see old or new, never a mix)."""

    def add_to_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Add triples to a named graph (set semantics: duplicates are not stored twice)."""

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples (no error if absent)."""

    def graphs(self) -> list[str]:
        """IRIs of the named graphs."""

    def export(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (N-Quads/TriG) or one graph (any RDF format)."""

    def version(self) -> str:
        """A token that changes whenever the data changes (for caches and receipts)."""

    def close(self) -> None:
        """Release resources."""


def collect(raw: object, *, limit: int | None, deadline: float | None, started: float) -> QueryResult:
    """Turn a pyoxigraph query answer into a QueryResult, capping rows at ``limit``.

    Rows are pulled lazily, so the cap and the deadline stop the evaluation of streaming queries.
    """
    from ..errors import QueryTimeout

    def check_time() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(f"query stopped at the time limit of {deadline - started:.0f} s")

    if isinstance(raw, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw), elapsed=time.monotonic() - started)
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows, truncated = [], False
        for solution in raw:
            check_time()
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(solution))
        return QueryResult("select", variables, rows, truncated=truncated, elapsed=time.monotonic() - started)
    triples, truncated = [], False
    for triple in raw:
        check_time()
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(triple)
    return QueryResult("graph", triples=triples, truncated=truncated, elapsed=time.monotonic() - started)


def open_store(config: Config) -> Store:
    """The back end the configuration names (``store = embedded | sparql``)."""
    if config.store == "embedded":
        from .store_embedded import EmbeddedStore

        return EmbeddedStore.open(config.data_dir, query_workers=config.query_workers, long_queries=config.long_queries,
                                  long_query_seconds=config.long_query_seconds or None, adhoc_nice=config.adhoc_nice)
    if config.store == "sparql" or str(config.store).startswith("sparql+"):
        from .store_remote import RemoteStore  # provided by the remote back-end module

        return RemoteStore.from_config(config)
    raise BadParameter(f"unknown store back end {config.store!r}: use 'embedded', 'sparql' or 'sparql+http://host:port/path'", parameter="store")
