"""The network views on a small contract-shaped dataset written for these tests.

The dataset below follows docs/ontology-contract.md and the graph split of development.md: two
regions, three acts, six schools, mentorship links, plan items with responsible parties and
themes, role assignments. Every expected value is counted from it by hand (comments say how).
The sample acts are covered by tests/test_network_samples.py.
"""

from __future__ import annotations

import io
import json

import networkx as nx
import pyoxigraph as ox
import pytest

from shnor_kg.ontology import ENTITIES_GRAPH, GRAPH_BASE
from shnor_kg.server import network as net
from shnor_kg.server import network_metrics as metrics
from shnor_kg.server.store import GraphChange

from .conftest import make_app

ID = "https://w3id.org/shnor/id/"
PREFIXES = f"""
@prefix shnor: <https://w3id.org/shnor/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{ID}> .
"""

ENTITIES = PREFIXES + """
id:region\\/RU-TUL a shnor:Region ; skos:prefLabel "Тульская область"@ru ; shnor:isoCode "RU-TUL" .
id:region\\/RU-KOS a shnor:Region ; skos:prefLabel "Костромская область"@ru ; shnor:isoCode "RU-KOS" .
id:municipality\\/ru-tul-tula a shnor:Municipality ; skos:prefLabel "город Тула"@ru ; shnor:region id:region\\/RU-TUL .
id:municipality\\/ru-kos-kostroma a shnor:Municipality ; skos:prefLabel "город Кострома"@ru ; shnor:region id:region\\/RU-KOS .
""" + "".join(
    f'id:org\\/{m}\\/{s} a shnor:School, shnor:Organization ; skos:prefLabel "{label}"@ru ; shnor:municipality id:municipality\\/{m} .\n'
    for s, m, label in [
        ("s1", "ru-tul-tula", "Школа 1"), ("s2", "ru-tul-tula", "Школа 2"), ("s3", "ru-tul-tula", "Школа 3"),
        ("s4", "ru-tul-tula", "Школа 4"), ("s5", "ru-tul-tula", "Школа 5"), ("s6", "ru-kos-kostroma", "Школа 6"),
    ]
) + """
id:org\\/ru-tul-tula\\/o1 a shnor:Organization ; skos:prefLabel "Управление образования"@ru ; shnor:municipality id:municipality\\/ru-tul-tula .
id:org\\/ru-tul-tula\\/o2 a shnor:Organization ; skos:prefLabel "Методический центр"@ru ; shnor:municipality id:municipality\\/ru-tul-tula .
id:org\\/ru-kos-kostroma\\/o3 a shnor:Organization ; skos:prefLabel "Центр качества"@ru ; shnor:municipality id:municipality\\/ru-kos-kostroma .
id:collective\\/ru-kos-kostroma\\/c1 a shnor:CollectiveResponsible ; skos:prefLabel "Руководители ОУ"@ru .
id:person\\/ru-tul-tula\\/p1 a shnor:Person ; foaf:name "Иванова Анна Петровна" .
id:person\\/ru-tul-tula\\/p2 a shnor:Person ; foaf:name "Петров П.П." .
id:person\\/ru-tul-tula\\/p3 a shnor:Person ; foaf:name "Сидорова С.С." .
id:org\\/ru-tul-tula\\/s1 shnor:mentors id:org\\/ru-tul-tula\\/s2 , id:org\\/ru-tul-tula\\/s3 .
id:org\\/ru-tul-tula\\/s4 shnor:mentors id:org\\/ru-tul-tula\\/s5 .
"""

A1 = ID + "act/ru-tul-tula/2024/prikaz-1"
A2 = ID + "act/ru-kos-kostroma/2023/rasporyazhenie-2"
A3 = ID + "act/ru-tul-tula/2023/prikaz-3"


def school(n: int) -> str:
    return ID + ("org/ru-kos-kostroma/s6" if n == 6 else f"org/ru-tul-tula/s{n}")


O1, O2 = ID + "org/ru-tul-tula/o1", ID + "org/ru-tul-tula/o2"
O3, C1 = ID + "org/ru-kos-kostroma/o3", ID + "collective/ru-kos-kostroma/c1"
P1 = ID + "person/ru-tul-tula/p1"

DOC_A1 = PREFIXES + f"""
<{A1}> a shnor:Order ; eli:number "1" ; shnor:year "2024"^^xsd:gYear ; shnor:municipality id:municipality\\/ru-tul-tula ;
  shnor:issuedBy <{O1}> ; shnor:signedBy id:person\\/ru-tul-tula\\/p2 ; shnor:targetSchool <{school(2)}> , <{school(3)}> ;
  shnor:approves <{A1}/plan> .
<{A1}/mentorship/1> a shnor:MentorshipLink ; shnor:mentor <{school(1)}> ; shnor:mentee <{school(2)}> ; shnor:establishedBy <{A1}> .
<{A1}/mentorship/2> a shnor:MentorshipLink ; shnor:mentor <{school(1)}> ; shnor:mentee <{school(3)}> ; shnor:establishedBy <{A1}> .
<{A1}/plan/section/1> a shnor:PlanSection ; shnor:theme shnor:themeNetworking .
<{A1}/plan/item/1> a shnor:PlanItem ; shnor:inPlan <{A1}/plan> ; shnor:theme shnor:themeMonitoring ; shnor:responsible <{O1}> , <{O2}> .
<{A1}/plan/item/2> a shnor:PlanItem ; shnor:inPlan <{A1}/plan> ; shnor:inSection <{A1}/plan/section/1> ;
  shnor:responsible <{O1}> , <{O2}> , <{school(2)}> .
<{A1}/plan/item/3> a shnor:PlanItem ; shnor:inPlan <{A1}/plan> ; shnor:responsible <{O2}> .
<{A1}/role/1> a shnor:RoleAssignment ; org:member <{P1}> ; org:organization <{school(2)}> ; org:role shnor:director ; shnor:assignedBy <{A1}> .
<{A1}/role/2> a shnor:RoleAssignment ; org:member id:person\\/ru-tul-tula\\/p3 ; org:organization <{O1}> ; org:role shnor:municipalCoordinator ; shnor:assignedBy <{A1}> .
"""

DOC_A2 = PREFIXES + f"""
<{A2}> a shnor:Order ; shnor:year "2023"^^xsd:gYear ; dct:title "Об утверждении плана" ; shnor:municipality id:municipality\\/ru-kos-kostroma ;
  shnor:targetSchool <{school(6)}> ; shnor:approves <{A2}/plan> .
<{A2}/plan/item/1> a shnor:PlanItem ; shnor:inPlan <{A2}/plan> ; shnor:responsible <{O3}> , <{C1}> .
<{A2}/plan/item/2> a shnor:PlanItem ; shnor:inPlan <{A2}/plan> ; shnor:responsible <{O3}> .
"""

DOC_A3 = PREFIXES + f"""
<{A3}> a shnor:Order ; eli:number "3" ; shnor:year "2023"^^xsd:gYear ; shnor:municipality id:municipality\\/ru-tul-tula .
<{A3}/mentorship/1> a shnor:MentorshipLink ; shnor:mentor <{school(1)}> ; shnor:mentee <{school(2)}> ; shnor:establishedBy <{A3}> .
<{A3}/mentorship/2> a shnor:MentorshipLink ; shnor:mentor <{school(4)}> ; shnor:mentee <{school(5)}> ; shnor:establishedBy <{A3}> .
"""


def _triples(turtle: str) -> tuple:
    return tuple(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory):
    from shnor_kg.config import load_config

    config = load_config({"data_dir": str(tmp_path_factory.mktemp("network") / "kg")}, environ={})
    app = make_app(config)
    store = app.extensions["shnor_kg"].store
    store.commit([
        GraphChange("add", str(ENTITIES_GRAPH), _triples(ENTITIES)),
        GraphChange("replace", GRAPH_BASE + "a1", _triples(DOC_A1)),
        GraphChange("replace", GRAPH_BASE + "a2", _triples(DOC_A2)),
        GraphChange("replace", GRAPH_BASE + "a3", _triples(DOC_A3)),
    ])
    yield app
    store.close()


@pytest.fixture
def client(contract_app):
    return contract_app.test_client()


def get(client, path: str, **params) -> dict:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def edges(data: dict) -> dict[tuple[str, str], dict]:
    return {(e["source"], e["target"]): e for e in data["edges"]}


def undirected_weights(data: dict) -> dict[frozenset, int]:
    return {frozenset((e["source"], e["target"])): e["weight"] for e in data["edges"]}


# -- mentorship ------------------------------------------------------------------------------------


def test_mentorship_edges_orders_years_and_mentor_load(client):
    data = get(client, "/api/network/mentorship")
    assert data["directed"] is True
    found = edges(data)
    # s1→s2 is established by A1 (2024) and A3 (2023); s1→s3 by A1; s4→s5 by A3.
    assert set(found) == {(school(1), school(2)), (school(1), school(3)), (school(4), school(5))}
    assert found[(school(1), school(2))]["weight"] == 2
    assert found[(school(1), school(2))]["years"] == [2023, 2024]
    assert found[(school(1), school(2))]["provenance"]["orders"] == sorted([A1, A3])
    assert found[(school(4), school(5))]["provenance"]["orders"] == [A3]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[school(1)]["metrics"]["mentor_load"] == 2
    assert nodes[school(2)]["metrics"]["mentors"] == 1
    assert nodes[school(1)]["type"] == "school" and nodes[school(1)]["label"] == "Школа 1"
    load = data["summary"]["mentor_load"]
    assert (load["mentors"], load["max"], load["distribution"]) == (2, 2, {"1": 1, "2": 1})
    # Target schools: s2, s3 (A1) and s6 (A2); only s6 has no mentor.
    assert [s["id"] for s in data["summary"]["schools_without_mentor"]] == [school(6)]
    assert data["summary"]["components"] == 2


def test_mentorship_year_filter(client):
    data = get(client, "/api/network/mentorship", year="2024")
    assert set(edges(data)) == {(school(1), school(2)), (school(1), school(3))}
    assert edges(data)[(school(1), school(2))]["years"] == [2024]
    assert data["summary"]["schools_without_mentor"] == []
    assert data["filters"] == {"year": 2024}


@pytest.mark.parametrize("value", ["RU-KOS", "ru-kos", ID + "region/RU-KOS"])
def test_region_filter_by_code_or_iri(client, value):
    data = get(client, "/api/network/mentorship", region=value)
    assert data["edges"] == [] and data["nodes"] == []
    assert [s["id"] for s in data["summary"]["schools_without_mentor"]] == [school(6)]
    assert data["filters"] == {"region": ID + "region/RU-KOS"}


def test_municipality_filter_by_slug(client):
    data = get(client, "/api/network/co-responsibility", municipality="ru-tul-tula")
    assert {n["id"] for n in data["nodes"]} == {O1, O2, school(2)}


# -- co-responsibility -----------------------------------------------------------------------------


def test_co_responsibility_weights_are_shared_items(client):
    data = get(client, "/api/network/co-responsibility")
    # A1 items: {o1,o2}, {o1,o2,s2}, {o2}; A2 items: {o3,c1}, {o3}.
    assert undirected_weights(data) == {
        frozenset((O1, O2)): 2, frozenset((O1, school(2))): 1, frozenset((O2, school(2))): 1, frozenset((O3, C1)): 1,
    }
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {k: nodes[k]["metrics"]["items"] for k in nodes} == {O1: 2, O2: 3, school(2): 1, O3: 2, C1: 1}
    assert nodes[C1]["type"] == "collective"
    assert nodes[O2]["metrics"]["weighted_degree"] == 3 and nodes[O2]["metrics"]["degree"] == 2
    pair = next(e for e in data["edges"] if {e["source"], e["target"]} == {O1, O2})
    assert pair["provenance"]["items"] == [A1 + "/plan/item/1", A1 + "/plan/item/2"]
    assert pair["provenance"]["orders"] == [A1]
    assert data["summary"]["items"] == 5


def test_theme_filter_selects_items_by_own_or_section_theme(client):
    own = get(client, "/api/network/co-responsibility", theme="themeMonitoring")
    assert undirected_weights(own) == {frozenset((O1, O2)): 1}
    section = get(client, "/api/network/co-responsibility", theme="shnor:themeNetworking")
    assert set(undirected_weights(section)) == {frozenset((O1, O2)), frozenset((O1, school(2))), frozenset((O2, school(2)))}
    # For acts (mentorship), the theme keeps the acts whose plan has an item of the theme: A1 only.
    mentorship = get(client, "/api/network/mentorship", theme="themeNetworking")
    assert set(edges(mentorship)) == {(school(1), school(2)), (school(1), school(3))}


# -- participation ---------------------------------------------------------------------------------


def test_participation_is_bipartite_with_roles(client):
    data = get(client, "/api/network/participation", year="2024")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[A1]["type"] == "act" and nodes[A1]["label"] == "№ 1, город Тула, 2024"
    assert all((nodes[e["source"]]["type"] == "act") != (nodes[e["target"]]["type"] == "act") for e in data["edges"])
    by_node = {e["target"] if e["source"] == A1 else e["source"]: e for e in data["edges"]}
    assert by_node[school(2)]["roles"] == ["mentee", "responsible", "targetSchool"]
    assert by_node[school(2)]["weight"] == 3  # target school, mentee, one responsible item
    assert by_node[O1]["roles"] == ["issuer", "responsible"] and by_node[O1]["weight"] == 3
    assert by_node[P1]["roles"] == ["director"]
    assert by_node[ID + "person/ru-tul-tula/p3"]["roles"] == ["municipalCoordinator"]
    assert by_node[ID + "person/ru-tul-tula/p2"]["roles"] == ["signer"]
    assert by_node[school(1)]["roles"] == ["mentor"]
    assert data["summary"]["node_types"] == {"act": 1, "organization": 2, "person": 3, "school": 3}


# -- exports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", net.KINDS)
def test_graphml_and_gexf_read_back(client, kind):
    data = get(client, f"/api/network/{kind}")
    graphml = client.get(f"/api/network/{kind}", query_string={"format": "graphml"})
    gexf = client.get(f"/api/network/{kind}", query_string={"format": "gexf"})
    assert graphml.mimetype == "application/graphml+xml" and gexf.mimetype == "application/gexf+xml"
    for graph in (nx.read_graphml(io.BytesIO(graphml.data)), nx.read_gexf(io.BytesIO(gexf.data))):
        assert set(graph.nodes) == {n["id"] for n in data["nodes"]}
        assert graph.is_directed() == data["directed"]
        pairs = {(a, b) for a, b in graph.edges()}
        if not data["directed"]:
            pairs = {frozenset(p) for p in pairs}
        expected = {(e["source"], e["target"]) if data["directed"] else frozenset((e["source"], e["target"])) for e in data["edges"]}
        assert pairs == expected
        for node in data["nodes"]:
            attrs = graph.nodes[node["id"]]
            assert attrs["label"] == node["label"]
            assert int(attrs["degree"]) == node["metrics"]["degree"]
            assert int(attrs["community"]) == node["community"]
        for edge in data["edges"]:
            attrs = graph.edges[edge["source"], edge["target"]]
            assert int(attrs["weight"]) == edge["weight"]
            assert attrs["orders"].split() == edge["provenance"]["orders"]


def test_graphml_keeps_typed_scalars(client):
    graph = nx.read_graphml(io.BytesIO(client.get("/api/network/mentorship", query_string={"format": "graphml"}).data))
    attrs = graph.nodes[school(1)]
    assert attrs["type"] == "school" and attrs["mentor_load"] == 2 and isinstance(attrs["betweenness"], float)
    assert graph.edges[school(1), school(2)]["years"] == "2023 2024"
    assert graph.graph["kind"] == "mentorship"


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("params, parameter", [
    ({"region": "Тула"}, "region"),
    ({"region": "RU-MOW"}, "region"),
    ({"region": ID + "region/RU-XXX"}, "region"),
    ({"municipality": "Город Тула"}, "municipality"),
    ({"municipality": "ru-tul-nowhere"}, "municipality"),
    ({"year": "20x4"}, "year"),
    ({"year": "1200"}, "year"),
    ({"theme": "no such theme"}, "theme"),
    ({"theme": "themeNothing"}, "theme"),
    ({"region": "http://bad iri"}, "region"),
    ({"colour": "red"}, "colour"),
    ({"format": "pdf"}, "format"),
])
def test_bad_filters_are_400_naming_the_parameter(client, params, parameter):
    response = client.get("/api/network/mentorship", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and parameter in error["message"]


def test_repeated_filter_is_refused(client):
    response = client.get("/api/network/mentorship?year=2023&year=2024")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "year"


def test_empty_filter_values_are_unset(client):
    assert get(client, "/api/network/mentorship", region="", year="")["filters"] == {}


def test_unknown_kind_is_404(client):
    response = client.get("/api/network/friendship")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# -- cache -----------------------------------------------------------------------------------------


def test_networks_are_cached_per_store_version(contract_app, client):
    store = contract_app.extensions["shnor_kg"].store
    filters = net.Filters(year=2023)
    first = net.network(store, "mentorship", filters)
    assert net.network(store, "mentorship", filters) is first
    response = client.get("/api/network/mentorship", query_string={"year": "2023"})
    again = client.get("/api/network/mentorship", query_string={"year": "2023"}, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    extra = PREFIXES + f"""<{A3}/mentorship/3> a shnor:MentorshipLink ; shnor:mentor <{school(3)}> ;
        shnor:mentee <{school(5)}> ; shnor:establishedBy <{A3}> ."""
    store.add_to_graph(GRAPH_BASE + "a3", _triples(extra))
    try:
        rebuilt = net.network(store, "mentorship", filters)
        assert rebuilt is not first and rebuilt.version != first.version
        assert (school(3), school(5)) in rebuilt.graph.edges
        fresh = client.get("/api/network/mentorship", query_string={"year": "2023"}, headers={"If-None-Match": response.headers["ETag"]})
        assert fresh.status_code == 200
    finally:
        store.replace_graph(GRAPH_BASE + "a3", _triples(DOC_A3))


# -- node details and the page ---------------------------------------------------------------------


def test_node_details_name_the_director_and_the_roles(client):
    details = get(client, "/api/network/node", id=school(2), lang="en")
    assert details["label"] == "Школа 2" and details["type"] == "school"
    assert details["href"] == "/id/org/ru-tul-tula/s2"
    assert [(h["name"], h["role"], h["role_label"]) for h in details["heads"]] == [("Иванова Анна Петровна", "director", "director")]
    assert details["municipality"]["label"] == "город Тула" and details["region"]["label"] == "Тульская область"
    # s2 is a target school, mentee and responsible in A1, and mentee again in A3.
    assert [a["id"] for a in details["acts"]] == [A1, A3]
    first, second = details["acts"]
    assert first["label"] == "№ 1, город Тула, 2024" and first["href"] == "/id/act/ru-tul-tula/2024/prikaz-1"
    assert {r["key"] for r in first["roles"]} == {"targetSchool", "mentee", "responsible"}
    assert {r["label"] for r in first["roles"]} == {"target school", "mentee school", "responsible for plan items"}
    assert [r["key"] for r in second["roles"]] == ["mentee"]


def test_node_details_refuse_unknown_nodes(client):
    assert client.get("/api/network/node", query_string={"id": ID + "org/none"}).status_code == 404
    assert client.get("/api/network/node", query_string={"id": "s2"}).get_json()["error"]["parameter"] == "id"


@pytest.mark.parametrize("lang, phrase", [("ru", "Сеть школ и организаций"), ("en", "Network of schools and organisations")])
def test_page_renders_in_both_languages(client, lang, phrase):
    response = client.get("/network", query_string={"lang": lang, "kind": "co-responsibility", "region": "RU-TUL"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and phrase in html
    assert "vendor/sigma/sigma.min.js" in html and "vendor/graphology/graphology-library.min.js" in html
    boot = json.loads(html.split('id="network-boot">', 1)[1].split("</script>", 1)[0])
    assert boot["kind"] == "co-responsibility" and boot["filters"] == {"region": ID + "region/RU-TUL"}
    assert [r["iso"] for r in boot["facets"]["regions"]] == ["RU-KOS", "RU-TUL"]
    assert boot["facets"]["years"] == [2023, 2024]
    assert any(t["id"].endswith("#themeNetworking") for t in boot["facets"]["themes"])
    scripts = [part.split('"', 1)[0] for part in html.split('<script src="')[1:]]
    assert len(scripts) == 4 and all(src.startswith("/static/") for src in scripts)


def _boot(html: str) -> dict:
    return json.loads(html.split('id="network-boot">', 1)[1].split("</script>", 1)[0])


def test_language_is_remembered_and_an_unknown_one_ignored(client):
    """The shared rule of server/i18n.py: ?lang, else the cookie it set, else the default."""
    response = client.get("/network", query_string={"lang": "en", "kind": "participation"})
    html = response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert 'href="/network?kind=participation&amp;lang=ru"' in html  # the switch keeps the page's parameters
    assert _boot(html)["text"]["loading"] == "loading…" and _boot(html)["text"]["participation"] == "participation in acts"
    remembered = client.get("/network").get_data(as_text=True)
    assert '<html lang="en">' in remembered and _boot(remembered)["lang"] == "en"
    details = get(client, "/api/network/node", id=school(2))  # the panel follows the cookie too
    assert {r["label"] for a in details["acts"] for r in a["roles"]} >= {"mentee school"}
    ignored = client.get("/network", query_string={"lang": "de"})
    assert ignored.status_code == 200 and _boot(ignored.get_data(as_text=True))["lang"] == "en"
    fresh = client.application.test_client().get("/network?lang=de")
    assert fresh.status_code == 200 and _boot(fresh.get_data(as_text=True))["lang"] == "ru"


def test_page_refuses_a_bad_filter(client):
    response = client.get("/network", query_string={"year": "soon"}, headers={"Accept": "text/html"})
    assert response.status_code == 400 and "year" in response.get_data(as_text=True)


# -- metrics ---------------------------------------------------------------------------------------


def test_metrics_on_a_path_and_two_triangles():
    graph = nx.Graph()
    graph.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")], weight=1)
    graph.add_node("lonely")
    summary = metrics.annotate(graph)
    assert summary["components"] == 2 and summary["largest_component"] == 6
    assert summary["communities"] == 3  # the two triangles and the lonely node
    assert graph.nodes["a"]["community"] == graph.nodes["b"]["community"] != graph.nodes["y"]["community"]
    # c lies on the shortest paths of the 6 pairs {a, b} × {x, y, z}; normalised by the 15 pairs of the other 6 nodes.
    assert graph.nodes["c"]["betweenness"] == pytest.approx(6 / 15)
    assert graph.nodes["a"]["betweenness"] == 0.0
    assert summary["betweenness"] == {"exact": True, "pivots": None}
    metrics.layout(graph)
    assert len({(d["x"], d["y"]) for _, d in graph.nodes(data=True)}) == 7


def test_betweenness_is_sampled_on_large_graphs(monkeypatch):
    assert metrics.betweenness_pivots(500, 2000) is None
    assert metrics.betweenness_pivots(5000, 20000) == 80
    assert metrics.betweenness_pivots(50000, 200000) == metrics.MIN_PIVOTS
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_NODES", 100)
    monkeypatch.setattr(metrics, "BETWEENNESS_BUDGET", 60_000)
    graph = nx.barabasi_albert_graph(400, 2, seed=1)
    nx.set_edge_attributes(graph, 1, "weight")
    summary = metrics.annotate(graph)
    assert summary["betweenness"] == {"exact": False, "pivots": 60_000 // (400 + graph.number_of_edges())}
    again = graph.copy()
    metrics.annotate(again)
    assert [graph.nodes[n]["community"] for n in graph] == [again.nodes[n]["community"] for n in again]


def test_compact_json_leaves_provenance_out(client):
    full = get(client, "/api/network/co-responsibility")
    compact = get(client, "/api/network/co-responsibility", provenance="none")
    assert [e["provenance"] for e in compact["edges"]] == [None] * len(full["edges"])
    assert [(e["source"], e["target"], e["weight"]) for e in compact["edges"]] == [(e["source"], e["target"], e["weight"]) for e in full["edges"]]
    response = client.get("/api/network/co-responsibility", query_string={"provenance": "some"})
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "provenance"
