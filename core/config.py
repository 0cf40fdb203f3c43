"""Configuration: one table of settings with defaults and help texts.

Each key can be overridden by an environment variable ``SHNOR_KG_<KEY>`` (upper case) and by
CLI flags; the README documents every key (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import BadParameter


def _bool(value: str) -> bool:
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _niceness(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 19:
        raise ValueError(f"a CPU niceness is 0 to 19, not {number}")
    return number


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./var/kg", "Directory of the embedded store: the document registry (sources, graphs) that the in-memory Oxigraph store is loaded from."),
    Setting("store", "embedded", "Store back end: `embedded` (Oxigraph in this process) or `sparql` (a remote SPARQL 1.1 server, see the `store_*` keys; `sparql+http://host:port/path` also sets the query URL)."),
    Setting("store_query_url", "", "Remote back end: the SPARQL query endpoint URL."),
    Setting("store_update_url", "", "Remote back end: the SPARQL Update endpoint URL (defaults to the query URL, or its `/update` sibling when the query URL ends in `/query`)."),
    Setting("store_gsp_url", "", "Remote back end: the Graph Store Protocol URL; when set, graphs are written with PUT instead of SPARQL Update."),
    Setting("store_user", "", "Remote back end: user name for HTTP authentication."),
    Setting("store_password", "", "Remote back end: password for HTTP authentication."),
    Setting("store_auth", "basic", "Remote back end: HTTP authentication scheme, `basic` or `digest`."),
    Setting("store_timeout", 30.0, "Remote back end: seconds to wait for the server on each request.", float),
    Setting("store_retries", 3, "Remote back end: retries with exponential backoff on connection errors.", int),
    Setting("store_dialect", "auto", "Remote back end: `oxigraph` (asks for the union default graph in each query), `virtuoso` (checks that its system graphs are private), `generic` (the server's default graph must already be the union of the named graphs), or `auto` (chosen from the `Server` header)."),
    Setting("base_iri", "https://w3id.org/shnor/id/", "Base IRI of every minted resource; resource pages are served under `/id/`."),
    Setting("host", "127.0.0.1", "Address the service listens on."),
    Setting("port", 5000, "Port the service listens on.", int),
    Setting("workers", 1, "Number of gunicorn worker processes for `serve --workers` (1 = development server).", int),
    Setting("threads", 64, "Threads per gunicorn worker process for `serve --workers`. Each holds one request at a time, most of it waiting for a query process; a keep-alive connection whose next request finds every thread taken waits in the queue (at 16 threads, slow ad hoc queries made cached answers wait up to seconds under load).", int),
    Setting("query_timeout", 10.0, "Per-query time limit in seconds; a query past it is stopped and answered with 503.", float),
    Setting("row_limit", 10000, "Maximum rows a query returns; truncation is stated in the `X-Shnor-Truncated` header.", int),
    Setting("max_query_length", 100_000, "Maximum length of a SPARQL query, in characters.", int),
    Setting("query_workers", 4, "Embedded store: processes that evaluate time-limited queries (forked from the server, sharing its memory; a query past the limit is killed with its process). Queries beyond this number wait; 0 evaluates in the server process, where a time limit cannot stop a running aggregate.", int),
    Setting("adhoc_nice", 10, "Embedded store: CPU niceness (0-19) of the processes that evaluate ad hoc SPARQL queries, which have as many processes again as `query_workers`: when the cores are busy, stored queries, views and pages come first (0 = same priority).", _niceness),
    Setting("long_query_seconds", 0.5, "Embedded store: an ad hoc SPARQL query that has used this many CPU seconds moves to the lowest CPU priority, so that it cannot starve short queries (0 = off).", float),
    Setting("long_queries", 1, "Embedded store: ad hoc queries past `long_query_seconds` that may run at once per server process; one more is stopped at that point with 503 and Retry-After.", int),
    Setting("response_cache_mb", 256, "Megabytes of encoded answers (stored queries, slow SPARQL queries) kept on disk under `<data_dir>/cache` for the current dataset version and shared by the server processes (0 = off).", int),
    Setting("cors_origins", "*", "Origins allowed by CORS on the query endpoint and the API (comma-separated, `*` for any)."),
    Setting("write_token", "", "Bearer token that authorises uploads and deletions through the API; empty disables writes."),
    Setting("rate_limit", 0, "Requests per minute allowed per client address on the query endpoint and the API (0 = unlimited).", int),
    Setting("max_upload_bytes", 50 * 1024 * 1024, "Largest accepted upload or ingested file, in bytes.", int),
    Setting("ingest_time_limit", 120.0, "Seconds one file may take to be read and turned into graphs; past it the file is refused with an error and the store is unchanged (0 = no limit).", float),
    Setting("validate_on_ingest", True, "Validate each document with the SHACL shapes at ingest and store the report.", _bool),
    Setting("validation_engine", "sparql", "SHACL engine at ingest and in `shnor-kg validate`: `sparql` (the shapes compiled to SPARQL, run on Oxigraph; 10–15× faster) or `pyshacl` (the reference; the tests check that both report the same results)."),
    Setting("default_lang", "ru", "Default interface language of the pages (`ru` or `en`)."),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
ENV_PREFIX = "SHNOR_KG_"


@dataclass(frozen=True)
class Config:
    """Resolved settings; attribute access by key (``config.data_dir``)."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **overrides: Any) -> "Config":
        """A copy with some keys overridden (values are parsed like environment values)."""
        values = dict(self.values)
        values.update(_parse_all(overrides))
        return Config(values)


def _parse(setting: Setting, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise BadParameter(f"setting {setting.name}: {exc}", parameter=setting.name) from None


def _parse_all(overrides: Mapping[str, Any]) -> dict[str, Any]:
    parsed = {}
    for name, raw in overrides.items():
        if raw is None:
            continue
        if name not in SETTINGS_BY_NAME:
            raise BadParameter(f"unknown setting: {name}", parameter=name)
        parsed[name] = _parse(SETTINGS_BY_NAME[name], raw)
    return parsed


def load_config(overrides: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then ``SHNOR_KG_*`` environment variables, then ``overrides`` (None values skipped)."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    from_env = {s.name: environ[ENV_PREFIX + s.name.upper()] for s in SETTINGS if ENV_PREFIX + s.name.upper() in environ}
    values.update(_parse_all(from_env))
    values.update(_parse_all(overrides or {}))
    return Config(values)
