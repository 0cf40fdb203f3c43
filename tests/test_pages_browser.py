"""The browsing pages in real headless Chromium over the two sample acts: home → search → school
page → act page, with the cited span marked; every request off loopback is aborted and the test
fails if any was attempted (the ``browser_page`` fixture of tests/browser.py).

Expectations read from the Tula act: item 1.3 "Анализ программы развития МБОУ ЦО № 48" is on
line 48; clause 5 (line 24) pairs ЦО № 42 with ЦО № 48.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ACT = "/id/act/ru-tul-tula/2024/prikaz-22-1-osn"
SCHOOL = "/id/org/ru-tul-tula/mbou-co-48"


def test_home_search_school_act_walk(sample_live_server, browser_page):
    view = browser_page(sample_live_server + "/?lang=ru")
    page = view.page
    assert page.locator("h1").inner_text() == "Граф муниципальных актов о ШНОР"
    assert page.locator('[data-count="items"] .number').inner_text() == "90"

    page.fill("#home-q", "ЦО № 48")
    page.press("#home-q", "Enter")
    page.wait_for_selector("#results")
    first = page.locator("#results .result-link").first
    assert first.inner_text() == "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 48»"
    assert page.locator("#results .result").first.get_attribute("data-kind") == "school"

    first.click()
    page.wait_for_url("**" + SCHOOL)
    assert "Белова Татьяна Васильевна" in page.locator("#roles").inner_text()
    assert "22/1-осн" in page.locator("#in-targetSchool").inner_text()
    row = page.locator("#in-concerns .link-row").filter(has_text="Анализ программы развития МБОУ ЦО № 48").first
    assert "ЦО № 48" in row.locator("mark.cited").inner_text()

    row.locator("a.excerpt-line").click()
    page.wait_for_url("**" + ACT + "#L48")
    page.wait_for_selector("html[data-pages-ready]")
    assert page.evaluate("document.querySelector(':target').id") == "L48"
    cited = page.locator("#L48 a.fact.k-item")
    assert cited.count() == 1
    assert cited.get_attribute("href") == ACT + "/plan/item/3"
    assert cited.inner_text().startswith("1.3\tАнализ программы развития МБОУ ЦО № 48")
    assert _in_view(page, "#L48", "#act-text")
    assert page.evaluate("getComputedStyle(document.querySelector('#L48 a.fact')).textDecorationLine") == "underline"

    cited.hover()
    assert "lit" in cited.get_attribute("class")
    assert "lit" in page.locator(".fact-list li.lit").first.get_attribute("class")
    assert page.locator(".fact-list li.lit a").first.inner_text() == "п. 1.3"
    view.screenshot("pages-act")
    assert view.external == []


def test_a_passage_stating_several_facts_lists_them(sample_live_server, browser_page):
    view = browser_page(sample_live_server + ACT + "?lang=ru#L24")
    page = view.page
    page.wait_for_selector("html[data-pages-ready]")
    passage = page.locator("#L24 a.fact.multi").first
    passage.click()
    menu = page.locator(".fact-menu")
    menu.wait_for()
    labels = menu.locator("a").all_inner_texts()
    assert "МБОУ ЦО № 42 → МБОУ ЦО № 48" in labels and "п. 5 акта" in labels
    menu.locator("a", has_text="МБОУ ЦО № 42 → МБОУ ЦО № 48").click()
    page.wait_for_url("**" + ACT + "/mentorship/1")
    assert "«Центр образования № 42»" in page.locator("#properties").inner_text()


def test_language_switch_is_remembered_across_pages(sample_live_server, browser_page):
    view = browser_page(sample_live_server + SCHOOL + "?lang=ru")
    page = view.page
    page.click("#lang-switch")
    page.wait_for_url("**lang=en")
    assert page.locator("#in-targetSchool h3").inner_text().startswith("Acts that name this school")
    page.goto(sample_live_server + "/")
    assert page.locator("h1").inner_text() == "Knowledge graph of municipal acts on low-result schools"
    assert page.locator("html").get_attribute("lang") == "en"


def _in_view(page, selector: str, container: str) -> bool:
    """Whether ``selector`` is scrolled into the visible part of the scrolling ``container``."""
    return page.evaluate(
        """([s, c]) => { const e = document.querySelector(s).getBoundingClientRect();
                         const b = document.querySelector(c).getBoundingClientRect();
                         return e.top >= b.top - 1 && e.top < b.bottom && e.top < window.innerHeight; }""",
        [selector, container])
