"""The network page in real headless Chromium (Playwright driving the system Chromium).

Uses the shared fixtures of tests/browser.py (loopback server, Chromium, pages that abort and
record every request leaving loopback and fail on JavaScript errors). Data: the two sample acts (``sample_app`` of conftest, the real ingest) and the contract-shaped
dataset of tests/test_network.py. Screenshots go to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import pytest

from tests.test_network import ID, P1, contract_app, school  # noqa: F401 (contract_app is a fixture)

pytestmark = pytest.mark.browser

SAMPLE_CO_48 = ID + "org/ru-tul-tula/mbou-co-48"
SAMPLE_CO_42 = ID + "org/ru-tul-tula/mbou-co-42"


class NetworkPage:
    """The network page in a shared ``BrowserPage`` (tests/browser.py: requests leaving
    loopback are aborted and recorded, JavaScript errors fail the test)."""

    def __init__(self, browser_page, base: str) -> None:
        self.base = base
        self.browser_page = browser_page(viewport=(1280, 860))
        self.page = self.browser_page.page

    def open(self, query: str) -> None:
        self.page.goto(f"{self.base}/network?{query}")
        self.settled()

    def settled(self, timeout: float = 20_000) -> None:
        """Wait until the network is loaded (shown or empty) and the layout worker stopped."""
        self.page.wait_for_selector(
            "#network-app:is([data-state=ready][data-layout=stopped], [data-state=empty], [data-state=error])",
            timeout=timeout)

    def state(self) -> dict:
        return self.page.eval_on_selector("#network-app", "e => ({...e.dataset})")

    def labels(self) -> set[str]:
        return set(self.page.evaluate("() => window.shnorNetwork.state.graph.mapNodes((n, a) => a.label)"))

    def click_node(self, node: str) -> None:
        """Click a node with the mouse at its rendered position and wait for its panel."""
        # sigma takes two clicks within its doubleClickTimeout (300 ms) for a double click (zoom),
        # wherever they land: leave the gap a person leaves between two clicks.
        self.page.wait_for_timeout(350)
        self.page.wait_for_function("() => !window.shnorNetwork.state.renderer.getCamera().isAnimated()")
        position = self.page.evaluate("id => window.shnorNetwork.nodePosition(id)", node)
        box = self.page.locator("#net-canvas").bounding_box()
        self.page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
        self.page.wait_for_selector(f"#net-panel[data-state=ready][data-node='{node}']", timeout=10_000)

    def choose(self, select: str, value: str) -> None:
        """Pick a filter value and wait for the view that answers it."""
        self.page.select_option(select, value)
        self.page.wait_for_function(
            "v => document.querySelector('#network-app').dataset.query.includes(v)", arg=value.split("/")[-1])
        self.settled()

    def screenshot(self, name: str) -> None:
        self.browser_page.screenshot(name)


@pytest.fixture
def page(browser_page, live_server_for, contract_app):
    return NetworkPage(browser_page, live_server_for(contract_app))


@pytest.fixture
def sample_page(browser_page, sample_live_server):
    return NetworkPage(browser_page, sample_live_server)


def test_sample_acts_mentorship_view(sample_page):
    """Both Tula schools, the director in the panel, the region filter empties and refills."""
    page = sample_page
    page.open("kind=mentorship")
    labels = page.labels()
    assert len(labels) == 2 and all(any(f"№ {n}" in label for label in labels) for n in (42, 48))
    page.click_node(SAMPLE_CO_48)
    panel = page.page.inner_text("#net-panel")
    assert "Белова Татьяна Васильевна" in panel and "Центр образования № 48" in panel
    page.click_node(SAMPLE_CO_42)
    assert "Кубанова Елена Николаевна" in page.page.inner_text("#net-panel")
    page.screenshot("network-sample-mentorship")
    page.choose("#net-region", ID + "region/RU-KOS")
    assert page.state()["state"] == "empty" and page.page.locator("#net-canvas canvas").count() == 0
    assert "Костромы" in page.page.inner_text("#net-summary")  # its schools without a mentor
    page.choose("#net-region", ID + "region/RU-TUL")
    assert page.state()["state"] == "ready" and page.state()["nodes"] == "2" and page.state()["edges"] == "1"


def test_sample_acts_co_responsibility_view(sample_page):
    sample_page.open("kind=co-responsibility&region=RU-TUL&lang=en")
    assert sample_page.state()["nodes"] == "5" and sample_page.state()["edges"] == "8"
    sample_page.screenshot("network-sample-co-responsibility")


def test_mentorship_view_click_and_region_filter(page):
    page.open("kind=mentorship")
    assert page.state()["state"] == "ready"
    assert {"Школа 1", "Школа 2", "Школа 3", "Школа 4", "Школа 5"} <= page.labels()
    assert page.state()["edges"] == "3"
    assert "Школа 6" in page.page.inner_text("#net-summary")  # the school without a mentor

    page.click_node(school(2))
    panel = page.page.inner_text("#net-panel")
    assert "Школа 2" in panel and "Иванова Анна Петровна" in panel and "директор" in panel
    assert page.page.get_attribute("#net-panel a.net-resource", "href") == "/id/org/ru-tul-tula/s2"

    page.choose("#net-region", ID + "region/RU-KOS")
    assert page.state()["state"] == "empty" and page.state()["nodes"] == "0"
    page.choose("#net-region", ID + "region/RU-TUL")
    assert page.state()["state"] == "ready" and page.state()["edges"] == "3"
    assert {"Школа 1", "Школа 2"} <= page.labels()
    page.screenshot("network-contract-mentorship")


def test_english_page_search_and_colours(page):
    page.open("kind=participation&lang=en")
    assert "Network of schools and organisations" in page.page.title()
    assert page.page.inner_text("label:has(#net-region)").startswith("Region")
    page.page.fill("#net-search", "Иванова Анна Петровна")
    page.page.press("#net-search", "Enter")
    page.page.wait_for_selector("#net-panel[data-state=ready]")
    assert page.page.get_attribute("#net-panel", "data-node") == P1
    assert "person" in page.page.inner_text("#net-panel .net-node-type")
    assert "director" in page.page.inner_text("#net-panel .net-acts")
    page.page.select_option("#net-colour", "community")
    assert page.page.inner_text("#net-legend") == ""
    page.page.select_option("#net-size", "betweenness")
    href = page.page.get_attribute("#export-gexf", "href")
    assert href.startswith("/api/network/participation?") and "format=gexf" in href
