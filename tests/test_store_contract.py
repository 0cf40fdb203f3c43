"""One contract for every store back end: the embedded store, Oxigraph server and Virtuoso (each
written through SPARQL Update and through the Graph Store Protocol), the stored queries on the
sample acts answering on every remote back end exactly what they answer on the embedded store.

The servers are real processes started once per session (tests/remote_servers.py); Virtuoso's
tests are skipped, with the reason printed, where it is not installed.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pyoxigraph as ox
import pytest

from shnor_kg.config import load_config
from shnor_kg.errors import BadParameter, QuerySyntaxError
from shnor_kg.server.store import GraphChange, QueryResult, open_store
from shnor_kg.server.store_remote import META_GRAPH, RemoteStore


ROOT = Path(__file__).resolve().parent.parent
EX = "http://example.org/"
G1, G2, G3 = EX + "g1", EX + "g2", EX + "g3"
P = ox.NamedNode(EX + "p")
XSD = "http://www.w3.org/2001/XMLSchema#"
BACKENDS = ["embedded", "oxigraph", "oxigraph-gsp", "virtuoso", "virtuoso-gsp"]
SERVERS = {"oxigraph": "oxigraph_server", "virtuoso": "virtuoso_server"}


def backend_config(request, backend: str, data_dir: Path):
    """The configuration of ``backend`` (starting its server on first use)."""
    if backend == "embedded":
        return load_config({"data_dir": str(data_dir)}, environ={})
    server_name, _, mode = backend.partition("-")
    server = request.getfixturevalue(SERVERS[server_name])
    return load_config({"data_dir": str(data_dir), **server.settings(gsp=mode == "gsp")}, environ={})


def clear(store) -> None:
    """Leave a shared server with no graphs of ours."""
    graphs = store.graphs()
    if graphs:
        store.commit([GraphChange("drop", g) for g in graphs])


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path):
    """An empty store of each back end."""
    store = open_store(backend_config(request, request.param, tmp_path / "kg"))
    clear(store)
    yield store
    clear(store)
    store.close()


def triples(*names: str) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(EX + n), P, ox.Literal(n)) for n in names]


def count(store, graph: str | None = None, **kwargs) -> int:
    where = f"GRAPH <{graph}> {{ ?s <{P.value}> ?o }}" if graph else f"?s <{P.value}> ?o"
    return int(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **kwargs).rows[0][0].value)


def parsed(data: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    """The triples of a serialisation (pyoxigraph parses them as default-graph quads)."""
    return {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(data, format=fmt)}


def objects(result: QueryResult, column: int = 0) -> list[str]:
    return sorted(row[column].value for row in result.rows)


# -- writes ---------------------------------------------------------------------------------------


def test_replace_graph_replaces_and_the_union_default_graph_sees_all(any_store):
    any_store.replace_graph(G1, triples("a", "b"))
    any_store.replace_graph(G2, triples("c"))
    assert count(any_store) == 3
    any_store.replace_graph(G1, triples("d"))
    assert (count(any_store, G1), count(any_store)) == (1, 2)
    assert any_store.graphs() == [G1, G2]


def test_add_has_set_semantics_and_drop_removes(any_store):
    any_store.replace_graph(G1, triples("a"))
    any_store.add_to_graph(G1, triples("b", "a"))
    assert count(any_store, G1) == 2
    any_store.drop_graph(G1)
    any_store.drop_graph(G3)  # absent: no error
    assert count(any_store) == 0
    assert any_store.graphs() == []


def test_commit_applies_several_changes_and_changes_the_version(any_store):
    any_store.replace_graph(G3, triples("x"))
    before = any_store.version()
    assert any_store.version() == before  # reading does not change it
    any_store.commit([
        GraphChange("replace", G1, tuple(triples("a", "b"))),
        GraphChange("add", G2, tuple(triples("c"))),
        GraphChange("drop", G3),
    ])
    assert any_store.graphs() == [G1, G2]
    assert (count(any_store, G1), count(any_store, G2), count(any_store)) == (2, 1, 3)
    assert any_store.version() != before


def test_replace_with_no_triples_leaves_no_graph(any_store):
    any_store.replace_graph(G1, triples("a"))
    any_store.replace_graph(G1, [])
    assert any_store.graphs() == []


def test_the_vocabulary_is_loaded_once(any_store, tmp_path):
    """The stored vocabulary reads back as loaded, so a restart does not rewrite it."""
    from shnor_kg.server.catalog import Catalog

    catalog = Catalog(any_store, tmp_path / "registry")
    catalog.ensure_vocabulary()
    version = any_store.version()
    Catalog(any_store, tmp_path / "registry").ensure_vocabulary()
    assert any_store.version() == version


def test_large_graph_goes_in_chunks_and_comes_back_whole(any_store):
    many = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), P, ox.Literal(f"значение {i}")) for i in range(2500)]
    any_store.replace_graph(G1, many)
    assert count(any_store, G1) == 2500
    exported = any_store.export(ox.RdfFormat.N_TRIPLES, graph=G1)
    assert parsed(exported, ox.RdfFormat.N_TRIPLES) == set(many)


# -- terms ----------------------------------------------------------------------------------------

LITERALS = [
    ox.Literal('кавычки " и \\ обратная косая, перевод\nстроки и\tтабуляция'),
    ox.Literal("Центр образования № 48", language="ru"),
    ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2024-01-05", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2024-01-05T10:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")),
]


def test_terms_come_back_as_they_went_in(any_store):
    data = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), P, lit) for i, lit in enumerate(LITERALS)]
    data.append(ox.Triple(ox.NamedNode(EX + "Школа_№_48"), P, ox.NamedNode("https://w3id.org/shnor/id/org/ru-tul-tula/mbou-co-48")))
    any_store.replace_graph(G1, data)
    rows = any_store.query(f"SELECT ?s ?o WHERE {{ ?s <{P.value}> ?o }}").rows
    assert {ox.Triple(s, P, o) for s, o in rows} == set(data)
    graph = any_store.query(f"CONSTRUCT {{ ?s <{P.value}> ?o }} WHERE {{ ?s <{P.value}> ?o }}").triples
    assert set(graph) == set(data)


def test_blank_nodes_keep_their_links(any_store):
    report, result, other = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    focus, message = ox.NamedNode(EX + "focus"), ox.NamedNode(EX + "message")
    data = [
        ox.Triple(report, ox.NamedNode(EX + "result"), result),
        ox.Triple(result, ox.NamedNode(EX + "focusNode"), focus),
        ox.Triple(result, message, ox.Literal("нет ответственного")),
        ox.Triple(other, message, ox.Literal("отдельно")),
    ]
    any_store.replace_graph(G1, data)
    rows = any_store.query(
        f"SELECT ?m WHERE {{ ?r <{EX}result> ?x . ?x <{EX}focusNode> <{focus.value}> ; <{message.value}> ?m }}"
    ).rows
    assert [r[0].value for r in rows] == ["нет ответственного"]
    exported = ox.Dataset(ox.parse(any_store.export(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    expected = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(G1)) for t in data)
    exported.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    expected.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert exported == expected


# -- reads ----------------------------------------------------------------------------------------


def test_named_graph_queries_and_dataset_arguments(any_store):
    any_store.replace_graph(G1, triples("a", "b"))
    any_store.replace_graph(G2, triples("c"))
    per_graph = any_store.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{P.value}> ?o }} }} GROUP BY ?g ORDER BY ?g")
    assert [(g.value, int(n.value)) for g, n in per_graph.rows] == [(G1, 2), (G2, 1)]
    assert objects(any_store.query(f"SELECT ?o WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")) == ["c"]
    assert count(any_store, default_graph=[G2]) == 1
    assert count(any_store, default_graph=[G1, G2]) == 3
    assert count(any_store, default_graph=[]) == 0
    only_g1 = any_store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G1])
    assert objects(only_g1) == [G1]


def test_ask_select_construct_describe(any_store):
    any_store.replace_graph(G1, triples("a", "b"))
    assert any_store.query(f"ASK {{ ?s <{P.value}> 'a' }}").boolean is True
    assert any_store.query(f"ASK {{ ?s <{P.value}> 'z' }}").boolean is False
    assert any_store.query(f"ASK {{ ?s <{P.value}> 'z' }}").kind == "ask"
    built = any_store.query(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{P.value}> ?o }}")
    assert built.kind == "graph" and {t.object.value for t in built.triples} == {"a", "b"}
    described = any_store.query(f"DESCRIBE <{EX}a>")
    assert described.kind == "graph" and ox.Triple(ox.NamedNode(EX + "a"), P, ox.Literal("a")) in described.triples


def test_substitutions_bind_terms_not_text(any_store):
    tricky = ox.Literal('x" } ; DROP ALL ; INSERT DATA { <http://e/s> <http://e/p> "y')
    any_store.replace_graph(G1, triples("a", "b") + [ox.Triple(ox.NamedNode(EX + "t"), P, tricky)])
    rows = any_store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"s": ox.NamedNode(EX + "b")}).rows
    assert [(s.value, o.value) for s, o in rows] == [(EX + "b", "b")]
    found = any_store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"o": tricky})
    assert [(s.value, o) for s, o in found.rows] == [(EX + "t", tricky)]
    assert count(any_store) == 3  # the text stayed a literal
    short = any_store.query("CONSTRUCT WHERE { ?s ?p ?o }", substitutions={"o": ox.Literal("b")})
    assert [t.subject.value for t in short.triples] == [EX + "b"]


def test_limit_truncates_and_says_so(any_store):
    any_store.replace_graph(G1, triples(*"abcdef"))
    query = f"SELECT ?s WHERE {{ ?s <{P.value}> ?o }}"
    result = any_store.query(query, limit=4)
    assert (len(result.rows), result.truncated) == (4, True)
    result = any_store.query(query, limit=6)
    assert (len(result.rows), result.truncated) == (6, False)
    result = any_store.query(query + " ORDER BY ?s LIMIT 2", limit=4)
    assert ([r[0].value for r in result.rows], result.truncated) == ([EX + "a", EX + "b"], False)
    result = any_store.query(f"CONSTRUCT WHERE {{ ?s <{P.value}> ?o }}", limit=5)
    assert (len(result.triples), result.truncated) == (5, True)


def test_malformed_query_and_update_are_syntax_errors(any_store):
    with pytest.raises(QuerySyntaxError):
        any_store.query("SELECT WHERE {")
    with pytest.raises(QuerySyntaxError):
        any_store.query(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 'x' }} }}")
    assert any_store.graphs() == []


def test_export_whole_dataset_and_one_graph(any_store):
    any_store.replace_graph(G1, triples("a", "b"))
    any_store.replace_graph(G2, triples("c"))
    quads = set(ox.parse(any_store.export(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    expected = {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, names in ((G1, "ab"), (G2, "c")) for t in triples(*names)}
    assert quads == expected
    trig = set(ox.parse(any_store.export(ox.RdfFormat.TRIG), format=ox.RdfFormat.TRIG))
    assert trig == expected
    turtle = any_store.export(ox.RdfFormat.TURTLE, graph=G2)
    assert parsed(turtle, ox.RdfFormat.TURTLE) == set(triples("c"))


def test_the_union_counts_each_triple_once_and_the_version_triple_stays_private(any_store):
    any_store.replace_graph(G1, triples("a"))
    assert META_GRAPH not in any_store.graphs()
    assert META_GRAPH.encode() not in any_store.export(ox.RdfFormat.N_QUADS)
    union = int(any_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)
    distinct = int(any_store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").rows[0][0].value)
    assert union == distinct
    # a remote store holds one bookkeeping triple (its version) that SPARQL over the union sees
    assert union == (2 if isinstance(any_store, RemoteStore) else 1)


# -- the stored queries on the sample acts --------------------------------------------------------

SAMPLE_ACTS = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".docx", ".pdf", ".html", ".doc"))


@pytest.fixture(scope="session")
def sample_submissions():
    """The sample acts through the ingest pipeline, once."""
    from shnor_kg.server.cli import build_submission

    config = load_config({}, environ={})
    return [build_submission(path, config) for path in SAMPLE_ACTS]


@pytest.fixture(scope="session")
def loaded_stores(request, sample_submissions, tmp_path_factory):
    """Every back end holding the vocabulary and the sample acts. Loaded on first use, and again
    when another test emptied the shared server meanwhile (its version changed)."""
    from shnor_kg.server.catalog import Catalog

    loaded: dict[str, tuple[object, str]] = {}

    def get(backend: str):
        if backend in loaded and loaded[backend][0].version() == loaded[backend][1]:
            return loaded[backend][0]
        config = backend_config(request, backend, tmp_path_factory.mktemp(f"acts-{backend}"))
        store = open_store(config)
        clear(store)
        catalog = Catalog(store, config.data_dir, base_iri=config.base_iri)
        catalog.ensure_vocabulary()
        for submission in sample_submissions:
            catalog.add(submission)
        loaded[backend] = (store, store.version())
        return store

    yield get
    for store, _ in loaded.values():
        store.close()  # the servers themselves are thrown away with their directories


def _comparable(result: QueryResult) -> list[tuple[tuple[str, str], ...]]:
    """Rows as (variable, N-Triples string) pairs in variable order (blank nodes as one placeholder)."""
    def text(term):
        return "" if term is None else "_:b" if isinstance(term, ox.BlankNode) else str(term)

    return [tuple(sorted((v, text(t)) for v, t in zip(result.variables, row))) for row in result.rows]


def stored_query_runs() -> list[tuple[str, str]]:
    from shnor_kg.queries.catalogue import load_catalogue

    runs = []
    for name, query in sorted(load_catalogue().items()):
        runs.append((name, "defaults"))
        if query.params:
            runs.append((name, "every parameter"))
    return runs


def _bound_sparql(query, mode: str, embedded) -> str:
    """The query text with its defaults, or with every parameter bound: an instance from the data
    for IRI parameters (the first that leaves rows, when one does), else a valid sample value."""
    from shnor_kg.queries.params import sample_value
    from shnor_kg.queries.runner import QueryRunner

    raw = {p.name: sample_value(p) for p in query.params if p.required}
    if mode == "every parameter":
        runner = QueryRunner(embedded)
        for param in query.params:
            candidates = [iri for iri, _ in runner.choices(param)][:10] or [sample_value(param)]
            raw[param.name] = next(
                (c for c in candidates if embedded.query(query.sparql(query.bind({**raw, param.name: c}))).rows), candidates[0]
            )
    return query.sparql(query.bind(raw))


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "embedded" and not b.endswith("-gsp")])
@pytest.mark.parametrize("name,mode", stored_query_runs())
def test_stored_queries_answer_as_on_the_embedded_store(loaded_stores, backend, name, mode):
    from shnor_kg.queries.catalogue import get_query

    embedded = loaded_stores("embedded")
    query = get_query(name)
    sparql = _bound_sparql(query, mode, embedded)
    expected = _comparable(embedded.query(sparql))
    got = _comparable(loaded_stores(backend).query(sparql))
    if "ORDER BY" in sparql.upper():
        assert got == expected
    else:
        assert collections.Counter(got) == collections.Counter(expected)


INTEGER_SUBTYPES = {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                        "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def _stored_graph(store, graph: str) -> ox.Dataset:
    """A graph as stored, blank nodes canonicalised and integer subtypes read as xsd:integer:
    Oxigraph (embedded and server) stores ``"5"^^xsd:nonNegativeInteger`` as ``"5"^^xsd:integer``,
    Virtuoso keeps the subtype, and both are the same value."""
    def term(t):
        if isinstance(t, ox.Literal) and t.datatype.value in INTEGER_SUBTYPES:
            return ox.Literal(t.value, datatype=ox.NamedNode(XSD + "integer"))
        return t

    quads = ox.parse(store.export(ox.RdfFormat.N_TRIPLES, graph=graph), format=ox.RdfFormat.N_TRIPLES)
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, term(q.object), q.graph_name) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_the_sample_acts_are_stored_alike(loaded_stores, backend):
    """Same graphs, same triples (the ingest output is deterministic)."""
    embedded, remote = loaded_stores("embedded"), loaded_stores(backend)
    assert remote.graphs() == embedded.graphs()
    for graph in embedded.graphs():
        assert _stored_graph(remote, graph) == _stored_graph(embedded, graph), graph


def test_a_blank_node_cannot_be_bound_on_a_remote_store(oxigraph_server, tmp_path):
    store = open_store(load_config({"data_dir": str(tmp_path), **oxigraph_server.settings()}, environ={}))
    with pytest.raises(BadParameter):
        store.query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={"s": ox.BlankNode()})
