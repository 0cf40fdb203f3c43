"""Search over the two sample acts (``/api/search``, ``/search``) and the matching rules.

Expectations read from the acts: Tula clause 2 appoints "Пряжину Елену Николаевну", clause 4
names "Пряжиной Е.Н." (one person, Пряжина Елена Николаевна); clause 3 and the plan name the
methodological centre "МКУ «ЦНППМ г. Тулы»"; Kostroma's list of abbreviations gives "МБУ ГЦОКО";
Kostroma's committee is "… по работе с молодёжью" (written with ё and without).
"""

from __future__ import annotations

import pytest
from lxml import html

from shnor_kg.server.search import SearchIndex, Entry, snippet, stem, words

ID = "https://w3id.org/shnor/id/"
PRYAZHINA = ID + "person/ru-tul-tula/pryazhina-e-n"
CNPPM = ID + "org/ru-tul-tula/mku-cnppm"
CO48 = ID + "org/ru-tul-tula/mbou-co-48"


def api(client, q: str, **params) -> dict:
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.data
    return response.get_json()


def first(client, q: str, **params) -> dict:
    results = api(client, q, **params)["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]


@pytest.mark.parametrize("q", ["Пряжиной", "Пряжину", "пряжина", "ПРЯЖИНОЙ Е.Н.", "Пряжиной Елене Николаевне"])
def test_people_in_any_grammatical_case(sample_client, q):
    hit = first(sample_client, q)
    assert hit["iri"] == PRYAZHINA
    assert hit["label"] == "Пряжина Елена Николаевна"
    assert hit["kind"] == "person" and hit["href"] == "/id/person/ru-tul-tula/pryazhina-e-n"


@pytest.mark.parametrize("q", ["цнппм", "ЦНППМ", "МКУ ЦНППМ", "Цнппм г. Тулы"])
def test_abbreviations_find_the_organisation(sample_client, q):
    hit = first(sample_client, q)
    assert hit["iri"] == CNPPM
    assert hit["kind"] == "organisation"
    assert any(matched and piece.lower() == "цнппм" for piece, matched in hit["snippet"])


def test_written_out_name_finds_the_same_organisation(sample_client):
    assert first(sample_client, "центр непрерывного повышения профессионального мастерства")["iri"] == CNPPM


def test_yo_and_ye_are_one_letter(sample_client):
    with_yo = api(sample_client, "молодёжью", kind="organisation")["results"]
    with_ye = api(sample_client, "молодежью", kind="organisation")["results"]
    assert with_yo and [r["iri"] for r in with_yo] == [r["iri"] for r in with_ye]
    assert all("kostroma" in r["iri"] for r in with_yo)


def test_school_by_short_name_ranks_before_its_plan_items(sample_client):
    results = api(sample_client, "ЦО № 48")["results"]
    assert results[0]["iri"] == CO48 and results[0]["kind"] == "school"
    assert {r["kind"] for r in results[1:]} == {"item"}
    assert all(r["act"]["href"] == "/id/act/ru-tul-tula/2024/prikaz-22-1-osn" for r in results[1:])


def test_acts_by_number_and_items_by_text(sample_client):
    assert first(sample_client, "22/1-осн")["href"] == "/id/act/ru-tul-tula/2024/prikaz-22-1-osn"
    items = api(sample_client, "программы развития", kind="item")["results"]
    assert items and all(r["kind"] == "item" for r in items)
    assert "Анализ программы развития МБОУ ЦО № 48" in [r["detail"] for r in items]


def test_kind_filter_and_limit(sample_client):
    assert api(sample_client, "ЦО", kind="school", limit="1")["count"] == 1
    assert {r["kind"] for r in api(sample_client, "ЦО", kind="item")["results"]} == {"item"}


def test_nothing_found_is_an_empty_list(sample_client):
    body = api(sample_client, "квазар")
    assert (body["query"], body["count"], body["results"]) == ("квазар", 0, [])
    assert body["version"]


@pytest.mark.parametrize("params, parameter", [
    ({}, "q"), ({"q": "  "}, "q"), ({"q": "ш" * 201}, "q"), ({"q": "ЦО", "kind": "planet"}, "kind"),
    ({"q": "ЦО", "limit": "0"}, "limit"), ({"q": "ЦО", "limit": "x"}, "limit"),
])
def test_bad_requests_are_400_naming_the_parameter(sample_client, params, parameter):
    response = sample_client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_search_page_lists_results_with_marks(sample_client):
    response = sample_client.get("/search", query_string={"q": "Пряжиной"}, headers={"Accept": "text/html"})
    doc = html.fromstring(response.data)
    results = doc.get_element_by_id("results")
    link = results.find_class("result-link")[0]
    assert link.text_content() == "Пряжина Елена Николаевна"
    assert link.get("href") == "/id/person/ru-tul-tula/pryazhina-e-n"
    assert [m.text_content() for m in results.find_class("result")[0].iter("mark")] == ["Пряжина"]


def test_search_page_without_query_shows_the_form(sample_client):
    doc = html.fromstring(sample_client.get("/search").data)
    assert doc.get_element_by_id("search-q") is not None
    assert doc.get_element_by_id("results", None) is None


def test_search_page_says_when_nothing_is_found(sample_client):
    doc = html.fromstring(sample_client.get("/search?q=квазар&lang=en").data)
    assert "Nothing found" in doc.get_element_by_id("no-results").text_content()


# -- the rules, on their own --------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [("Пряжиной", "Пряжина"), ("Пряжину", "Пряжина"), ("Беловой", "Белова"),
                                  ("мониторинга", "мониторинг"), ("образования", "образование"), ("Тулы", "Тула")])
def test_forms_of_one_word_share_a_stem(a, b):
    assert stem(words(a)[0]) == stem(words(b)[0])


def test_short_words_and_numbers_are_kept_whole():
    assert stem("цо") == "цо" and stem("48") == "48" and stem("ней") == "ней"


def test_every_query_word_must_match():
    index = SearchIndex([Entry("a", {"x"}, [("p", "Центр образования № 48")]),
                         Entry("b", {"x"}, [("p", "Центр образования № 42")])])
    assert [h.entry.iri for h in index.search("центра 48")] == ["a"]
    assert {h.entry.iri for h in index.search("центр")} == {"a", "b"}
    assert index.search("центр 49") == []


def test_snippet_marks_matches_and_cuts_long_texts():
    text = "слово " * 60 + "Пряжиной Е.Н. оказать содействие" + " слово" * 60
    pieces = snippet(text, words("Пряжина"))
    assert ["Пряжиной", True] in pieces
    assert pieces[0] == ["…", False] and pieces[-1] == ["…", False]
    assert sum(len(p) for p, _ in pieces) < 230
