"""Stored research queries: one ``.rq`` file per query with a ``#+`` metadata header.

Public interface (no Flask here; the API, the pages and the CLI build on it):

- :func:`load_catalogue` — every query by name, parsed and validated once per process (a broken
  file raises :class:`shnor_kg.errors.StoredQueryError` naming it); :func:`get_query`;
- :class:`StoredQuery` — metadata, parameters, ``bind(raw) -> terms``, ``sparql(terms)``;
- :class:`Param` and ``PARAM_TYPES`` — the typed parameters (see ``params.py`` for the grammar);
- :class:`QueryRunner` — runs a query on a store with results cached per dataset version;
- ``formats`` — CSV (BOM, ``;`` option), TSV, JSON rows, text table.

The header grammar is documented in ``catalogue.py``.
"""

from .catalogue import StoredQuery, get_query, load_catalogue, sigil_variables
from .params import PARAM_TYPES, Param
from .runner import Execution, QueryRunner, VersionedCache

__all__ = ["PARAM_TYPES", "Execution", "Param", "QueryRunner", "StoredQuery", "VersionedCache", "get_query",
           "load_catalogue", "sigil_variables"]
