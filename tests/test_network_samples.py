"""The networks of the two sample acts, ingested by the real pipeline (``sample_client``).

Expected values are read from the acts in examples/:

- Tula, clause 5, items 3.2 and 3.4 and Annex 3: МБОУ ЦО № 42 is the mentor (curator) school of
  МБОУ ЦО № 48; Kostroma pairs no schools. Kostroma's Annex 2 lists five schools (СОШ № 7, 10,
  11, ООШ № 19, СОШ № 37), none with a mentor.
- Tula plan, column «Ответственные» (67 rows), counted by hand. U = Управление образования
  администрации города Тулы, C = МКУ «ЦНППМ г. Тулы» (also «ЦНППМ . Тулы», «ЦНППМ г. Тулы»
  without the closing quote), 48 / 42 = МБОУ ЦО № 48 / № 42, P = МБУ ДО «Центр ППСС»:
    U–C  19: 1.1–1.9, 1.11, 1.12 (11); 3.2, 3.3, 3.4, 3.5 (4); 5.1, 5.2 (2); 6.4 and the
             unnumbered row after it (2)
    C–48 34: 2.2, 2.7, 3.2; 4.1–4.21 (21); 6.2, 6.3, 6.4, unnumbered row; 7.1–7.6 (6)
    U–48  5: 2.1, 3.2, 6.1, 6.4, unnumbered row
    C–P   6: 7.1–7.6            48–P  6: 7.1–7.6
    U–42  2: 3.2, 3.4           C–42  2: 3.2, 3.4           48–42 2: 2.6, 3.2
  and no item names U with P, or 42 with P.
"""

from __future__ import annotations

import io

import networkx as nx
import pytest

ID = "https://w3id.org/shnor/id/"
TULA_ACT = ID + "act/ru-tul-tula/2024/prikaz-22-1-osn"
U = ID + "org/ru-tul-tula/upravlenie-obrazovaniya-administracii-goroda-tuly"
C = ID + "org/ru-tul-tula/mku-cnppm"
S48 = ID + "org/ru-tul-tula/mbou-co-48"
S42 = ID + "org/ru-tul-tula/mbou-co-42"
P = ID + "org/ru-tul-tula/mbu-do-cppss"
TULA_WEIGHTS = {
    frozenset((U, C)): 19, frozenset((C, S48)): 34, frozenset((U, S48)): 5, frozenset((C, P)): 6,
    frozenset((S48, P)): 6, frozenset((U, S42)): 2, frozenset((C, S42)): 2, frozenset((S48, S42)): 2,
}
KOSTROMA_SCHOOLS = {ID + f"org/ru-kos-kostroma/{s}" for s in ("mbou-sosh-7", "mbou-sosh-10", "mbou-sosh-11", "mbou-oosh-19", "mbou-sosh-37")}


def get(client, path: str, **params) -> dict:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def weights(data: dict) -> dict[frozenset, int]:
    return {frozenset((e["source"], e["target"])): e["weight"] for e in data["edges"]}


def test_mentorship_has_exactly_the_edge_42_to_48(sample_client):
    data = get(sample_client, "/api/network/mentorship")
    assert [(e["source"], e["target"]) for e in data["edges"]] == [(S42, S48)]
    (edge,) = data["edges"]
    assert edge["provenance"]["orders"] == [TULA_ACT] and edge["years"] == [2024] and edge["weight"] == 1
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {S42, S48}
    assert nodes[S42]["metrics"]["mentor_load"] == 1 and nodes[S48]["metrics"]["mentors"] == 1
    assert "«Центр образования № 42»" in nodes[S42]["label"]
    assert {s["id"] for s in data["summary"]["schools_without_mentor"]} == KOSTROMA_SCHOOLS


def test_mentorship_filters(sample_client):
    tula = get(sample_client, "/api/network/mentorship", region="RU-TUL", year="2024")
    assert [(e["source"], e["target"]) for e in tula["edges"]] == [(S42, S48)]
    assert tula["summary"]["schools_without_mentor"] == []
    kostroma = get(sample_client, "/api/network/mentorship", municipality="ru-kos-kostroma")
    assert kostroma["nodes"] == [] and {s["id"] for s in kostroma["summary"]["schools_without_mentor"]} == KOSTROMA_SCHOOLS
    assert get(sample_client, "/api/network/mentorship", year="2023")["edges"] == []


def test_co_responsibility_of_the_tula_plan(sample_client):
    data = get(sample_client, "/api/network/co-responsibility", region="RU-TUL")
    assert {n["id"] for n in data["nodes"]} == {U, C, S48, S42, P}
    assert weights(data) == TULA_WEIGHTS
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[C]["metrics"]["weighted_degree"] == 19 + 34 + 6 + 2
    assert nodes[S48]["type"] == "school" and nodes[C]["type"] == "organization"
    assert data["summary"]["items"] == 67  # every row of the Tula plan names someone responsible
    # Unfiltered, the Tula pairs are the same (Kostroma's parties are other IRIs).
    everything = weights(get(sample_client, "/api/network/co-responsibility"))
    assert {pair: w for pair, w in everything.items() if pair <= {U, C, S48, S42, P}} == TULA_WEIGHTS


def test_co_responsibility_theme_filter_keeps_only_items_of_the_theme(sample_client):
    networking = get(sample_client, "/api/network/co-responsibility", region="RU-TUL", theme="themeNetworking")
    # Section 3 «Развитие сетевого взаимодействия и партнерства» (3.1–3.5): U–C in 3.2–3.5,
    # and 3.2 / 3.4 bring ЦО № 48 and ЦО № 42 (3.1 names U alone).
    assert weights(networking) == {
        frozenset((U, C)): 4, frozenset((U, S48)): 1, frozenset((C, S48)): 1, frozenset((S48, S42)): 1,
        frozenset((U, S42)): 2, frozenset((C, S42)): 2,
    }


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_exports_read_back(sample_client, fmt, reader):
    response = sample_client.get("/api/network/co-responsibility", query_string={"region": "RU-TUL", "format": fmt})
    assert response.status_code == 200
    graph = reader(io.BytesIO(response.data))
    assert set(graph.nodes) == {U, C, S48, S42, P}
    assert {frozenset((a, b)): int(d["weight"]) for a, b, d in graph.edges(data=True)} == TULA_WEIGHTS
    assert graph.nodes[S48]["type"] == "school"
    mentorship = reader(io.BytesIO(sample_client.get("/api/network/mentorship", query_string={"format": fmt}).data))
    assert mentorship.is_directed() and list(mentorship.edges) == [(S42, S48)]


def test_bad_filters_are_400(sample_client):
    for params, parameter in (({"region": "RU-XXX"}, "region"), ({"year": "2024г"}, "year"), ({"theme": "sport"}, "theme")):
        response = sample_client.get("/api/network/co-responsibility", query_string=params)
        assert response.status_code == 400 and response.get_json()["error"]["parameter"] == parameter


def test_side_panel_names_the_directors(sample_client):
    for school, director in ((S48, "Белова Татьяна Васильевна"), (S42, "Кубанова Елена Николаевна")):
        details = get(sample_client, "/api/network/node", id=school)
        assert director in [h["name"] for h in details["heads"]]
        roles = {r["key"] for act in details["acts"] if act["id"] == TULA_ACT for r in act["roles"]}
        assert "responsible" in roles and ("mentor" in roles if school == S42 else "mentee" in roles)
