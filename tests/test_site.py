"""The site as one service: every page, in both languages, has the full navigation, the language
switch (remembered in the cookie), the right ``lang`` attribute and no message key shown raw."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import html

from shnor_kg.server import i18n

TULA_DOC = "ru-tul-tula-2024-prikaz-22-1-osn"
NAV = ["/", "/search", "/queries", "/network", "/compare", "/sparql", "/ontology", "/validation"]
NAV_KEYS = ["home", "search", "queries", "network", "compare", "sparql", "ontology", "validation"]

#: (path, the navigation entry it belongs to, status)
PAGES = [
    ("/", "/", 200),
    ("/search", "/search", 200),
    ("/search?q=цнппм", "/search", 200),
    ("/queries", "/queries", 200),
    ("/queries/mentor-pairs", "/queries", 200),
    ("/network", "/network", 200),
    ("/network?kind=participation&region=RU-TUL", "/network", 200),
    ("/compare", "/compare", 200),
    ("/compare?region=RU-TUL&region=RU-KOS", "/compare", 200),
    ("/sparql", "/sparql", 200),
    ("/ontology", "/ontology", 200),
    ("/validation", "/validation", 200),
    (f"/validation/{TULA_DOC}", "/validation", 200),
    ("/id/org/ru-tul-tula/mbou-co-48", None, 200),
    ("/id/act/ru-tul-tula/2024/prikaz-22-1-osn", None, 200),
    ("/id/org/ru-tul-tula/mbou-co-84", None, 404),
]

#: Attributes people read (URLs, ids and form values are not words of the interface).
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "content")


def _key_pattern() -> re.Pattern:
    """A message key of any registered page prefix (``network.title``), not part of a URL or a name."""
    prefixes = sorted({key.split(".", 1)[0] for table in i18n.MESSAGES.values() for key in table}, key=len, reverse=True)
    return re.compile(r"(?<![\w./:@#-])(?:" + "|".join(map(re.escape, prefixes)) + r")\.[A-Za-z_][\w-]*(?:\.[\w-]+)*(?![\w/])")


def readable_text(doc) -> list[str]:
    """Text nodes outside scripts and styles, and the attributes people read."""
    texts = [t for t in doc.xpath("//text()[not(ancestor::script) and not(ancestor::style)]") if t.strip()]
    return texts + [v for a in READ_ATTRIBUTES for v in doc.xpath(f"//@{a}")]


def browser_client(app):
    """A test client that asks for HTML as a browser does (else /sparql answers Turtle, errors JSON)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return client


@pytest.fixture(scope="module")
def key_pattern(sample_app):  # the app's modules have registered their messages by now
    return _key_pattern()


def test_a_raw_key_is_detected(key_pattern):
    """The leak check finds a key shown raw (t() falls back to the key), not IRIs or paths."""
    doc = html.fromstring('<p>network.titel <a title="queries.run">x</a> network.js /static/network.js '
                          'https://w3id.org/shnor/ontology#label.x schema.org</p>')
    assert [m.group() for t in readable_text(doc) for m in key_pattern.finditer(t)] == ["network.titel", "network.js", "queries.run"]


def _check_page(response, path: str, section: str | None, status: int, lang: str, key_pattern) -> html.HtmlElement:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    doc = html.fromstring(response.get_data(as_text=True))
    assert doc.get("lang") == lang
    links = doc.xpath('//header//nav[contains(@class, "site-nav")]/a')
    assert [a.get("href") for a in links] == NAV
    assert [a.text_content() for a in links] == [i18n.MESSAGES[lang][f"nav.{key}"] for key in NAV_KEYS]
    assert [a.get("href") for a in links if a.get("aria-current") == "page"] == ([section] if section else [])
    leaked = sorted({m.group() for text in readable_text(doc) for m in key_pattern.finditer(text)})
    assert not leaked, f"{path} ({lang}) shows message keys: {leaked}"
    return doc


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("path, section, status", PAGES, ids=[p for p, _, _ in PAGES])
def test_every_page_in_both_languages(sample_app, key_pattern, path, section, status, lang):
    client = browser_client(sample_app)
    client.get(f"/ontology?lang={lang}")  # the switch on another page: remembered in the cookie
    doc = _check_page(client.get(path), path, section, status, lang, key_pattern)

    other = "en" if lang == "ru" else "ru"
    switch = doc.get_element_by_id("lang-switch")
    assert switch.text_content() == i18n.MESSAGES[lang]["lang.switch"] and switch.get("hreflang") == other
    href = urlsplit(switch.get("href"))
    asked = urlsplit(path)
    assert href.path == asked.path and parse_qsl(href.query) == [*parse_qsl(asked.query), ("lang", other)]
    _check_page(client.get(switch.get("href")), path, section, status, other, key_pattern)
    _check_page(client.get(path), path, section, status, other, key_pattern)  # remembered


def test_an_unknown_language_is_ignored_everywhere(sample_app, key_pattern):
    client = browser_client(sample_app)
    for path, section, status in PAGES:
        response = client.get(path + ("&" if "?" in path else "?") + "lang=de")
        _check_page(response, path, section, status, "ru", key_pattern)
        assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_the_readme_table_lists_every_page_and_api(sample_app):
    """README's "Pages and APIs" names each route of the app (in Flask's spelling) and nothing else."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Pages and APIs\n", 1)[1].split("\n## ", 1)[0]
    listed = {path for row in section.splitlines() if row.startswith("| `")
              for path in re.findall(r"`(/[^`?]*)", row.split(" | ", 1)[0])}
    routes = {rule.rule for rule in sample_app.url_map.iter_rules() if rule.endpoint != "static"}
    assert listed == routes
