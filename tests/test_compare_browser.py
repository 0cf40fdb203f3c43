"""The comparison page in real headless Chromium, over the two sample acts (``sample_live_server``).

The fixtures of tests/browser.py abort and record every request leaving loopback and fail the test
on JavaScript errors. Expected numbers: tests/test_compare.py (counted by hand from the plans).
Screenshots go to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS
from tests.test_compare import KOSTROMA_ITEMS, TULA_ITEMS

pytestmark = pytest.mark.browser

TUL, KOS = "region:RU-TUL", "region:RU-KOS"


class ComparePage:
    """The /compare page in a shared ``BrowserPage``."""

    def __init__(self, browser_page, base: str, **options) -> None:
        self.base = base
        self.browser_page = browser_page(viewport=(1280, 900), **options)
        self.page = self.browser_page.page

    def choose_both_regions(self, lang: str = "ru") -> None:
        """Open the form, tick Тульская and Костромская области, submit, wait for the numbers."""
        self.page.goto(f"{self.base}/compare?lang={lang}")
        self.page.get_by_label("Тульская область").check()
        self.page.get_by_label("Костромская область").check()
        self.page.click("#compare-submit")
        self.page.wait_for_selector("#compare-app[data-state=ready]", timeout=20_000)

    def cell(self, table: str, category: str, column: str):
        return self.page.locator(f"#{table} tr[data-category='{category}'] td[data-column='{column}'] button.drill")

    def bar_point(self, column: str, category: str) -> dict:
        """The page coordinates of the bar segment of ``category`` in ``column``."""
        point = self.page.evaluate("""([column, category]) => {
            const canvas = document.getElementById('compare-chart');
            const chart = Chart.getChart(canvas);
            const ids = document.getElementById('compare-app').dataset.columns.split(' ');
            const index = ids.indexOf(column);
            const dataset = chart.data.datasets.findIndex(d => d.key === category);
            const centre = chart.getDatasetMeta(dataset).data[index].getCenterPoint();
            return {x: centre.x, y: centre.y};
        }""", [column, category])
        box = self.page.locator("#compare-chart").bounding_box()
        return {"x": box["x"] + point["x"], "y": box["y"] + point["y"]}

    def drilled(self) -> list[str]:
        self.page.wait_for_selector("#compare-drill[data-state=ready]", timeout=10_000)
        return self.page.eval_on_selector_all("#drill-items > li", "items => items.map(i => i.dataset.number)")


@pytest.fixture
def compare(browser_page, sample_live_server):
    return ComparePage(browser_page, sample_live_server)


def test_both_regions_side_by_side_with_a_rendered_chart(compare):
    compare.choose_both_regions()
    page = compare.page
    assert "region=RU-TUL" in page.url and "region=RU-KOS" in page.url  # the choice is in the address (shareable)
    headers = page.eval_on_selector_all("#compare-types thead th[data-column]", "ths => ths.map(t => t.textContent)")
    assert sorted(headers) == ["Костромская область", "Тульская область"]
    assert compare.cell("compare-types", "methodologicalCentre", TUL).text_content() == "60"
    assert compare.cell("compare-types", "none", KOS).text_content() == "5"
    assert page.locator("#compare-types tr.total td[data-column='region:RU-TUL'] button").text_content() == "67"
    chart = page.evaluate("""() => {
        const canvas = document.getElementById('compare-chart');
        const chart = Chart.getChart(canvas);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return {labels: chart.data.labels, datasets: chart.data.datasets.map(d => d.key), painted: painted,
                stacked: chart.options.scales.y.stacked};
    }""")
    assert sorted(chart["labels"]) == ["Костромская область", "Тульская область"]
    assert {"methodologicalCentre", "educationAuthority", "school", "collective:school", "none"} <= set(chart["datasets"])
    assert chart["stacked"] is True and chart["painted"] > 5000
    # heat maps, role holders and completeness for both columns
    assert page.locator("table.heatmap").count() == 2
    assert "Пряжина Елена Николаевна" in page.locator("#compare-roles td[data-column='region:RU-TUL']").first.text_content()
    assert page.locator("#compare-completeness tr[data-metric='ordersWithDate'] td").count() == 2
    compare.browser_page.screenshot("compare")


def test_clicking_a_bar_lists_the_items_behind_it(compare):
    compare.choose_both_regions()
    point = compare.bar_point(TUL, "methodologicalCentre")
    compare.page.mouse.click(point["x"], point["y"])
    numbers = compare.drilled()
    assert [n or None for n in numbers] == TULA_ITEMS["methodologicalCentre"]
    caption = compare.page.locator("#drill-caption").text_content()
    assert "Тульская область" in caption and "методический центр" in caption and "60" in caption
    first = compare.page.locator("#drill-items > li").first
    assert first.locator("blockquote.excerpt").text_content().startswith("1.1")
    assert first.locator("a.item-link").get_attribute("href").startswith("/id/act/ru-tul-tula/2024/prikaz-22-1-osn/plan/item/")
    assert first.locator("a.to-line").get_attribute("href").endswith("#L46")  # line 46 of the act holds item 1.1
    assert compare.page.locator("#drill-csv").get_attribute("href").endswith("format=csv")
    ARTIFACTS.mkdir(exist_ok=True)
    compare.page.screenshot(path=str(ARTIFACTS / "compare-drill.png"))  # the viewport: the list scrolled into view


def test_clicking_table_and_heat_map_cells_lists_their_items(compare):
    compare.choose_both_regions()
    compare.cell("compare-types", "none", KOS).click()
    assert compare.drilled() == KOSTROMA_ITEMS["none"]
    heat = compare.page.locator("table.heatmap[data-column='region:RU-TUL'] tr[data-theme='themeNetworking'] "
                                "td[data-category='school'] button")
    assert heat.text_content() == "2"
    heat.click()
    compare.page.wait_for_function("() => document.querySelector('#compare-drill').dataset.theme === 'themeNetworking'")
    assert compare.drilled() == ["3.2", "3.4"]


def test_long_lists_come_in_pages(compare):
    compare.choose_both_regions()
    compare.page.eval_on_selector("#compare-app", "app => { app.dataset.pageSize = '25'; }")
    compare.cell("compare-types", "school", TUL).click()
    assert len(compare.drilled()) == 25
    assert compare.page.locator("#drill-more").text_content() == "показаны 25 из 41 — показать ещё"
    compare.page.click("#drill-more")  # the next page (16 items) is appended
    compare.page.wait_for_function("() => document.querySelectorAll('#drill-items > li').length === 41")
    assert [n or None for n in compare.drilled()] == TULA_ITEMS["school"]
    assert compare.page.locator("#drill-more").count() == 0


def test_english_page(compare):
    compare.choose_both_regions(lang="en")
    page = compare.page
    assert page.locator("h1").text_content() == "Comparison of responsible bodies across regions and years"
    labels = page.eval_on_selector_all("#compare-types tbody th", "ths => ths.map(t => t.textContent.trim())")
    assert "methodological centre" in labels and "collective: school" in labels and "no responsible party" in labels
