"""The ``shnor-kg`` command line: ingest, serve, query, export, stats."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from ..config import SETTINGS_BY_NAME, load_config
from ..errors import BadParameter, IngestError, NotFound, ShnorError, ValidationFailed
from .catalog import Catalog, Submission
from .intake import read_file, submission_from_bytes
from .store import QueryResult, open_store

EXPORT_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


def user_errors(command):
    """Report the project's errors as one line on stderr and their exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ShnorError as exc:
            click.echo(f"shnor-kg: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


class Context:
    def __init__(self, overrides: dict) -> None:
        self.config = load_config(overrides)
        self._store = None

    @property
    def store(self):
        if self._store is None:
            self._store = open_store(self.config)
        return self._store

    def catalog(self) -> Catalog:
        return Catalog(self.store, self.config.data_dir, base_iri=self.config.base_iri)


REMOTE_STORE_FLAGS = ("store_query_url", "store_update_url", "store_gsp_url", "store_user", "store_auth", "store_dialect")


def remote_store_options(command):
    """``--store-query-url`` … for the remote back end (the password only by environment)."""
    for name in reversed(REMOTE_STORE_FLAGS):
        command = click.option("--" + name.replace("_", "-"), name, help=SETTINGS_BY_NAME[name].help)(command)
    return command


@click.group()
@click.option("--data-dir", help=SETTINGS_BY_NAME["data_dir"].help)
@click.option("--store", "store", help=SETTINGS_BY_NAME["store"].help)
@remote_store_options
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, store: str | None, **remote: str | None) -> None:
    """shnor-kg: a knowledge graph of municipal acts on schools with low educational results."""
    try:
        ctx.obj = Context({"data_dir": data_dir, "store": store, **remote})
    except ShnorError as exc:
        click.echo(f"shnor-kg: error: {exc.message}", err=True)
        sys.exit(exc.exit_code)


# -- ingest ---------------------------------------------------------------------------------------


def _skipped_in_folder(path: Path) -> bool:
    """Hidden files and a folder's own documentation (README, LICENSE, *.md) are not acts."""
    return path.name.startswith(".") or path.suffix.lower() == ".md" or path.stem.upper() in ("README", "LICENSE")


def _expand(paths: tuple[str, ...]) -> list[Path]:
    """Files of the given paths, folders walked; a path that does not exist stays in the list
    (reading it fails with a clear error, counted with the other failures of the batch)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _skipped_in_folder(p)))
        else:
            files.append(path)
    return files


def build_submission(path: Path, config) -> Submission:
    """Read one file into a Submission (RDF as it is, acts through the ingest pipeline)."""
    return submission_from_bytes(str(path), read_file(path, max_bytes=config.max_upload_bytes), config=config)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Refuse documents whose SHACL validation finds Violations (they are not stored; exit code 1).")
@click.pass_obj
@user_errors
def ingest(obj: Context, paths: tuple[str, ...], strict: bool) -> None:
    """Ingest acts (files or folders) into the store; bad files are reported and skipped."""
    files = _expand(paths)
    catalog = obj.catalog()
    vocabulary_ready = False
    counts = {"ingested": 0, "replaced": 0, "unchanged": 0, "failed": 0}
    exit_codes = set()
    failures: list[str] = []
    with click.progressbar(files, label="ingesting", file=sys.stderr, show_pos=True) if len(files) > 5 else _plain(files) as items:
        for path in items:
            try:
                submission = build_submission(path, obj.config)
                if strict:
                    from .validation import require_no_violations

                    require_no_violations(submission, obj.config)
                if not vocabulary_ready:  # only once a document is good: bad input changes nothing
                    catalog.ensure_vocabulary()
                    vocabulary_ready = True
                outcome = catalog.add(submission)
                counts[outcome.status] += 1
            except ShnorError as exc:
                counts["failed"] += 1
                exit_codes.add(exc.exit_code)
                failures.append(exc.message)
                click.echo(f"shnor-kg: error: {exc.message}", err=True)
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))
    if failures and len(files) > 5:  # the progress bar may have hidden the messages among its lines
        click.echo("shnor-kg: failed files:\n" + "\n".join(f"  {m}" for m in failures), err=True)
    if counts["failed"]:
        sys.exit(IngestError.exit_code if exit_codes - {ValidationFailed.exit_code} else ValidationFailed.exit_code)


# -- validate -------------------------------------------------------------------------------------


@main.command("validate")
@click.option("--document", "doc_id", help="Validate only this document (its graph and its entities), as at ingest.")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default=None,
              help="sparql (the compiled shapes on the store) or pyshacl (the reference); default: the validation_engine setting.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default=None, help="Language of the messages in text output.")
@click.pass_obj
@user_errors
def validate(obj: Context, doc_id: str | None, fmt: str, engine: str | None, lang: str | None) -> None:
    """Validate the whole graph (or one document) with the SHACL shapes; exit code 1 on Violations."""
    from .validation import validate_graph_of

    report = validate_graph_of(obj.store, obj.catalog(), doc_id=doc_id, engine=engine or obj.config.validation_engine)
    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "turtle":
        from ..ontology import bind_prefixes

        graph = report.to_graph()
        bind_prefixes(graph)
        click.echo(graph.serialize(format="turtle").rstrip("\n"))
    else:
        click.echo(report.to_text(lang or obj.config.default_lang))
    if report.violations:
        sys.exit(ValidationFailed.exit_code)


class _plain:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


# -- query ----------------------------------------------------------------------------------------

QUERY_WORDS = ("select", "ask", "construct", "describe", "prefix", "base")
RESULT_FORMATS = ("table", "csv", "tsv", "json")


def _resolve_query(text: str) -> str:
    """A query given as a .rq file or as SPARQL text (stored query names are handled before)."""
    if len(text) < 1024 and "\n" not in text:
        path = Path(text)
        if path.suffix == ".rq" or path.is_file():
            try:
                return path.read_text("utf-8")
            except OSError as exc:
                raise BadParameter(f"{text}: cannot read the query file: {exc.strerror}", parameter="query") from None
    if text.lstrip().lower().startswith(QUERY_WORDS) or "{" in text:
        return text
    raise NotFound(f"unknown stored query {text!r} (list them with: shnor-kg queries)", query=text)


def _param_values(params: tuple[str, ...]) -> dict[str, str]:
    """``--param name=value`` options as a dict; raises BadParameter on a malformed or repeated one."""
    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BadParameter(f"--param {item!r}: write it as name=value", parameter="param")
        if name in values:
            raise BadParameter(f"--param {name} is given twice", parameter=name)
        values[name] = value
    return values


def format_result(result: QueryResult, fmt: str) -> str:
    """A query result as a text table, CSV (no BOM on a terminal), TSV or JSON."""
    from ..queries import formats

    if result.kind == "ask":
        return json.dumps(result.boolean) if fmt == "json" else str(result.boolean).lower()
    if result.kind == "graph":
        return (ox.serialize(result.triples, format=ox.RdfFormat.TURTLE) or b"").decode()
    if fmt == "json":
        return json.dumps(formats.json_rows(result), ensure_ascii=False, indent=1)
    if fmt == "csv":
        return formats.to_csv(result, bom=False)
    if fmt == "tsv":
        return formats.to_tsv(result)
    return formats.to_text_table(result)


def _run(obj: Context, query: str, params: tuple[str, ...]) -> QueryResult:
    from ..queries import QueryRunner, load_catalogue

    if query in load_catalogue():
        runner = QueryRunner(obj.store, limit=obj.config.row_limit, timeout=obj.config.query_timeout)
        return runner.run(query, _param_values(params)).result
    if params:
        raise BadParameter("--param applies to stored queries only", parameter="param")
    return obj.store.query(_resolve_query(query), limit=obj.config.row_limit, timeout=obj.config.query_timeout)


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, help="A stored query's parameter, as name=value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", help="Output format.")
@click.pass_obj
@user_errors
def query(obj: Context, query: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a stored query by name (see `shnor-kg queries`), a .rq file, or SPARQL text."""
    result = _run(obj, query, params)
    click.echo(format_result(result, fmt).rstrip("\r\n"))
    if result.truncated:
        click.echo(f"shnor-kg: note: result truncated at {obj.config.row_limit} rows", err=True)


@main.command("queries")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", help="Language of the titles.")
@user_errors
def list_queries(lang: str) -> None:
    """List the stored queries: name, default view, parameters and title."""
    from ..queries import load_catalogue

    for query in load_catalogue().values():
        params = " ".join(f"{p.name}:{p.type}" + ("!" if p.required else "") for p in query.params)
        click.echo(f"{query.name}\t{query.view}\t{params or '-'}\t{query.title[lang]}")


# -- export and stats -----------------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="nquads")
@click.option("--document", "doc_id", help="Export only this document's graph.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.pass_obj
@user_errors
def export(obj: Context, fmt: str, doc_id: str | None, output: str | None) -> None:
    """Export the whole graph (N-Quads/TriG) or one document's graph."""
    from .catalog import document_graph

    rdf_format = EXPORT_FORMATS[fmt]
    if doc_id is None and fmt in ("turtle", "ntriples"):
        raise BadParameter("the whole dataset has named graphs: export it as nquads or trig", parameter="format")
    graph = None
    if doc_id is not None:
        if obj.catalog().meta(doc_id) is None:
            raise NotFound(f"no document {doc_id!r} in the store", doc_id=doc_id)
        graph = document_graph(doc_id)
    data = obj.store.export(rdf_format, graph=graph)
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


STATS_QUERY = """
PREFIX shnor: <https://w3id.org/shnor/ontology#>
SELECT
  (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?org) AS ?organisations)
  (COUNT(DISTINCT ?person) AS ?people) (COUNT(DISTINCT ?plan) AS ?plans) (COUNT(DISTINCT ?item) AS ?items)
WHERE {
  { ?doc a shnor:SourceDocument } UNION { ?org a shnor:Organization } UNION { ?person a shnor:Person }
  UNION { ?plan a shnor:Plan } UNION { ?item a shnor:PlanItem }
}"""


@main.command()
@click.pass_obj
@user_errors
def stats(obj: Context) -> None:
    """Counts of documents, triples, organisations, people, plans and items."""
    row = obj.store.query(STATS_QUERY).values()[0]
    triples = obj.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values()[0]["n"]
    click.echo(f"stored documents: {len(obj.catalog().documents())}")
    click.echo(f"triples: {triples}")
    for key, value in row.items():
        click.echo(f"{key}: {value}")


# -- serve ----------------------------------------------------------------------------------------


@main.command()
@click.option("--host", help=SETTINGS_BY_NAME["host"].help)
@click.option("--port", type=int, help=SETTINGS_BY_NAME["port"].help)
@click.option("--workers", type=int, help=SETTINGS_BY_NAME["workers"].help)
@click.pass_obj
@user_errors
def serve(obj: Context, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web application (development server, or gunicorn with --workers N > 1)."""
    from .app import create_app

    from .security import configure_access_log

    config = obj.config.replace(host=host, port=port, workers=workers)
    configure_access_log()
    if config.workers > 1:
        from .wsgi import run_gunicorn

        run_gunicorn(config)
        return
    from . import warmup

    app = create_app(config)
    warmup.install(app)
    app.run(host=config.host, port=config.port, threaded=True)


if __name__ == "__main__":  # pragma: no cover
    main()
