"""The query page in real headless Chromium: it loads with no external network, runs a stored
example and shows the result table with IRIs leading to the resource pages; the truncation is
shown; without JavaScript the server renders the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sparql_support import ROW_LIMIT, terms_app, terms_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ID = "https://w3id.org/shnor/id/"
YASGUI = Path(__file__).resolve().parent.parent / "server" / "static" / "vendor" / "yasgui" / "yasgui.min.js"




def open_editor(browser_page, url):
    if not YASGUI.exists():
        pytest.skip("YASGUI is not installed: `make assets` needs npm (CI installs it in .ci/run)")
    page = browser_page(url)
    page.page.wait_for_selector("body.sparql-ready", timeout=20_000)
    return page


def test_page_runs_a_stored_example_and_links_iris(browser_page, sample_live_server):
    page = open_editor(browser_page, sample_live_server + "/sparql")
    text = page.page.evaluate("window.shnorSparql.yasqe.getValue()")
    assert text.startswith("PREFIX shnor: <https://w3id.org/shnor/ontology#>")
    examples = page.page.locator("#examples a.example")
    assert examples.count() >= 3
    page.page.click('#examples a.example[href*="example=acts-overview"]')
    page.page.wait_for_selector("#yasr table.dataTable tbody tr a.iri", timeout=20_000)
    rows = page.page.locator("#yasr table.dataTable tbody tr")
    assert rows.count() == 2  # the two sample acts
    hrefs = page.page.eval_on_selector_all("#yasr table.dataTable a.iri", "links => links.map(a => a.getAttribute('href'))")
    assert any(h.startswith("/id/act/") for h in hrefs), hrefs
    assert not any(h.startswith(ID) for h in hrefs), hrefs
    receipt = page.page.inner_text("#receipt")
    assert receipt.startswith("2 строк") and "версия данных" in receipt
    assert page.page.is_hidden("#truncated")
    page.screenshot("sparql-page")
    local = next(h for h in hrefs if h.startswith("/id/act/"))
    resource = page.page.request.get(sample_live_server + local)
    assert resource.status == 200
    assert page.console_errors == []


def test_english_page_shows_the_truncation(browser_page, terms_server):
    page = open_editor(browser_page, terms_server + "/sparql?lang=en")
    assert page.page.inner_text("h1") == "SPARQL queries"
    page.page.evaluate("window.shnorSparql.yasqe.setValue('SELECT ?s ?p ?o WHERE { ?s ?p ?o }')")
    page.page.evaluate("window.shnorSparql.run()")
    page.page.wait_for_selector("#truncated:not([hidden])", timeout=20_000)
    assert f"first {ROW_LIMIT} rows" in page.page.inner_text("#truncated")
    assert page.page.inner_text("#receipt").startswith(f"{ROW_LIMIT} rows")
    page.screenshot("sparql-page-truncated")
    assert page.console_errors == []


def test_errors_are_shown_in_the_page(browser_page, terms_server):
    page = open_editor(browser_page, terms_server + "/sparql?lang=en")
    page.page.evaluate("window.shnorSparql.yasqe.setValue('SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')")
    page.page.evaluate("window.shnorSparql.run()")
    page.page.wait_for_function("document.querySelector('#yasr').innerText.includes('SERVICE')", timeout=20_000)
    assert "not allowed" in page.page.inner_text("#yasr")


def test_without_javascript_the_server_renders_the_table(browser_page, sample_live_server):
    page = browser_page(sample_live_server + "/sparql?lang=en", java_script_enabled=False)
    assert page.page.is_visible("#query-form textarea")
    page.page.click('#examples a.example[href*="example=acts-overview"]')
    page.page.wait_for_selector("#server-results table tbody tr")
    assert page.page.locator("#server-results tbody tr").count() == 2
    assert page.page.locator('#server-results a.iri[href^="/id/act/"]').count() >= 2
    page.page.fill("#query-form textarea", "SELECT (COUNT(*) AS ?n) WHERE { ?s a shnor:Order }")
    page.page.click("#query-form button[type=submit]")
    page.page.wait_for_selector("#server-error, #server-results")
    assert "prefix" in page.page.inner_text("#server-error").lower()  # no prologue: shnor: is unknown


def test_completion_uses_this_dataset_not_the_network(browser_page, terms_server):
    """Classes and properties are completed from our vocabulary and VoID; the library's default
    look-ups at lov.linkeddata.es would show as aborted requests or CSP errors."""
    page = open_editor(browser_page, terms_server + "/sparql?lang=en")
    page.page.evaluate("window.shnorSparql.yasqe.setValue('PREFIX shnor: <https://w3id.org/shnor/ontology#>\\nSELECT * WHERE {\\n  ?s a ')")
    page.page.click(".CodeMirror")
    page.page.keyboard.press("Control+End")
    page.page.keyboard.type("shnor:Pla")
    page.page.keyboard.press("Control+Space")
    page.page.wait_for_selector(".CodeMirror-hint", timeout=10_000)
    hints = page.page.eval_on_selector_all(".CodeMirror-hint", "items => items.map(item => item.innerText)")
    assert hints == ["shnor:Plan", "shnor:PlanItem", "shnor:PlanSection"]
    page.page.keyboard.press("Escape")
    page.page.keyboard.type(" .")
    page.page.keyboard.press("Enter")
    page.page.keyboard.type("?s shnor:inPl")
    page.page.keyboard.press("Control+Space")
    page.page.wait_for_function("[...document.querySelectorAll('.CodeMirror-hint')].some(h => h.innerText === 'shnor:inPlan')", timeout=10_000)
    assert page.console_errors == [] and page.external == []
