"""The network page in real headless Chromium (Playwright driving the system Chromium).

Fixtures of this module (a live loopback server and a page that aborts and records every
non-loopback request) are local because no shared browser fixture existed when it was written.
Data: the two sample acts (``sample_app`` of conftest, the real ingest) and the contract-shaped
dataset of tests/test_network.py. Screenshots go to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_network import ID, P1, contract_app, school  # noqa: F401 (contract_app is a fixture)

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("SHNOR_KG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SAMPLE_CO_48 = ID + "org/ru-tul-tula/mbou-co-48"
SAMPLE_CO_42 = ID + "org/ru-tul-tula/mbou-co-42"


def _chromium_or_skip():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return sync_playwright


def _serve(app):
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture(scope="module")
def live_server(contract_app):
    """The contract app on loopback."""
    yield from _serve(contract_app)


@pytest.fixture(scope="module")
def sample_server(sample_app):
    """The app over the two sample acts on loopback."""
    yield from _serve(sample_app)


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A browser page that aborts and records every request leaving the loopback interface."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 860})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

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
        return set(self.page.evaluate(
            "() => window.shnorNetwork.state.graph.mapNodes((n, a) => a.label)"))

    def click_node(self, node: str) -> None:
        """Click a node with the mouse at its rendered position."""
        position = self.page.evaluate("id => window.shnorNetwork.nodePosition(id)", node)
        box = self.page.locator("#net-canvas").bounding_box()
        self.page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
        self.page.wait_for_selector("#net-panel[data-state=ready]", timeout=10_000)

    def choose(self, select: str, value: str) -> None:
        """Pick a filter value and wait for the view that answers it."""
        self.page.select_option(select, value)
        self.page.wait_for_function(
            "v => document.querySelector('#network-app').dataset.query.includes(v)", arg=value.split("/")[-1])
        self.settled()

    def close(self) -> None:
        self.context.close()


def _page(browser, base):
    page = Page(browser, base)
    yield page
    page.close()
    assert page.errors == [], page.errors
    assert page.external == [], f"the page tried to reach the network: {page.external}"


@pytest.fixture
def page(browser, live_server):
    yield from _page(browser, live_server)


@pytest.fixture
def sample_page(browser, sample_server):
    yield from _page(browser, sample_server)


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
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "network-sample-mentorship.png"))
    page.choose("#net-region", ID + "region/RU-KOS")
    assert page.state()["state"] == "empty" and page.page.locator("#net-canvas canvas").count() == 0
    assert "Костромы" in page.page.inner_text("#net-summary")  # its schools without a mentor
    page.choose("#net-region", ID + "region/RU-TUL")
    assert page.state()["state"] == "ready" and page.state()["nodes"] == "2" and page.state()["edges"] == "1"


def test_sample_acts_co_responsibility_view(sample_page):
    sample_page.open("kind=co-responsibility&region=RU-TUL&lang=en")
    assert sample_page.state()["nodes"] == "5" and sample_page.state()["edges"] == "8"
    sample_page.page.screenshot(path=str(ARTIFACTS / "network-sample-co-responsibility.png"))


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
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "network-contract-mentorship.png"))


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
