"""The published static site in a real browser, opened from file:// with every other request blocked."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from publish import site as site_module
from publish.site import build_site

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


class FilePage:
    """A page that may read local files only; anything else is aborted and recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.set_default_timeout(30_000)
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, index: Path, hash_: str = "") -> None:
        self.page.goto(index.as_uri() + hash_)
        self.page.wait_for_selector("body[data-ready='1']")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("pub") / "site")


@pytest.fixture
def fpage(browser):
    p = FilePage(browser)
    yield p
    p.context.close()


def data(index: Path) -> dict:
    html = index.read_text(encoding="utf-8")
    m = re.search(r'type="application/json">(.*?)</script>', html, re.S)
    assert m, "the page carries its data"
    return json.loads(m.group(1))


def shown(page) -> int:
    return int(page.locator("#count").get_attribute("data-shown"))


def wait_shown(page, n: int) -> None:
    page.wait_for_function(f"document.getElementById('count').dataset.shown === '{n}'", polling=250)


def test_site_opens_offline_with_districts_items_and_legend(site, fpage):
    fpage.open(site)
    page = fpage.page
    items = data(site)["items"]
    assert shown(page) == len(items)
    assert page.locator(".district-label").count() == 11
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 100", polling=250)
    assert page.locator(".map-legend").count() == 1
    assert page.locator("#list li").count() == len(items)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "published-site.png"))
    assert fpage.external == [], f"requests left the machine: {fpage.external[:5]}"
    assert fpage.errors == []


def test_filters_and_search_narrow_the_list_and_the_map(site, fpage):
    fpage.open(site)
    page = fpage.page
    items = data(site)["items"]
    paths_before = page.locator("path.leaflet-interactive").count()

    page.select_option("#f-district", "nanshan")
    expected = [i for i in items if "nanshan" in i["districts"]]
    wait_shown(page, len(expected))
    listed = page.locator("#list li").evaluate_all("els => els.filter(e => !e.hidden).map(e => e.dataset.id)")
    assert listed == [i["id"] for i in expected]
    assert page.locator("path.leaflet-interactive").count() < paths_before
    # the count badges of items known only to their district follow the filter
    level = Counter(d for i in expected if i["prec"] == "district" for d in i["districts"])
    assert sorted(page.locator(".district-badge").all_inner_texts()) == sorted(str(n) for n in level.values())

    page.select_option("#f-part", "4")
    wait_shown(page, len([i for i in expected if i["part"] == 4]))
    page.select_option("#f-stage", "construction")
    wait_shown(page, len([i for i in expected if i["part"] == 4 and i["stage"] == "construction"]))

    page.click("#f-reset")
    wait_shown(page, len(items))
    page.select_option("#f-chapter", "13")
    wait_shown(page, len([i for i in items if i["chapter"] == 13]))
    page.click("#f-reset")
    page.select_option("#f-cat", "metro")
    wait_shown(page, len([i for i in items if i["cat"] == "metro"]))
    page.click("#f-reset")
    page.fill("#f-q", "机场")
    wait_shown(page, len([i for i in items if "机场" in i["zh"]]))
    page.fill("#f-q", "airport")
    wait_shown(page, len([i for i in items if "airport" in (i["zh"] + i["en"] + i["id"]).lower()]))

    # a result opens its card, built as text
    page.locator("#list li:not([hidden])").first.click()
    first = [i for i in items if "airport" in (i["zh"] + i["en"] + i["id"]).lower()][0]
    card = page.locator("#item-card")
    card.wait_for()
    assert first["zh"] in card.inner_text() and first["quote"] in card.inner_text()
    assert fpage.external == []


def test_tour_keys_step_and_each_step_is_a_link(site, fpage):
    fpage.open(site)
    page = fpage.page
    steps = data(site)["tour"]["steps"]
    page.keyboard.press("PageDown")
    page.wait_for_function("location.hash === '#step=part-01'", polling=250)
    assert page.locator("#tour-title").inner_text() == steps[0]["title_zh"]
    assert steps[0]["quote"] in page.locator("#tour-quote").inner_text()
    assert "part01-p01" in page.locator("#tour-cite").inner_text()
    page.keyboard.press("PageDown")
    page.wait_for_function("location.hash === '#step=part-02'", polling=250)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#step=part-03'", polling=250)
    page.keyboard.press("PageUp")
    page.wait_for_function("location.hash === '#step=part-02'", polling=250)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("location.hash === '#step=part-01'", polling=250)
    # the framed items are highlighted on the map
    page.keyboard.press("ArrowDown")
    page.wait_for_function("location.hash === '#step=part-02'", polling=250)
    page.wait_for_function("document.querySelectorAll('path[stroke=\"#111\"]').length > 0", polling=250)

    # switching language keeps the step
    page.click("#lang")
    page.wait_for_function("location.hash === '#step=part-02&lang=en'", polling=250)
    assert page.locator("#tour-title").inner_text() == steps[1]["title_en"]
    assert fpage.external == []


def test_a_step_link_opens_on_its_step(site, fpage):
    fpage.open(site, "#step=district-futian&lang=en")
    page = fpage.page
    page.wait_for_function("document.getElementById('tour-title').textContent === 'Futian District'", polling=250)
    assert not page.locator("#district-panel").is_hidden()
    assert "ch06-s01-p03" in page.locator("#dp-cite").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    # an unknown step in a link is named in a notice, and the page still works
    fpage.page = page = fpage.context.new_page()
    fpage.open(site, "#step=no-such-step")
    assert page.locator("#tour-notice").inner_text() == "链接中的导览步骤不存在:no-such-step"
    assert page.locator("#tour-quote").is_hidden()
    page.keyboard.press("PageDown")
    page.wait_for_function("location.hash === '#step=part-01'", polling=250)
    assert page.locator("#tour-notice").is_hidden()


def test_hostile_text_in_the_data_is_shown_as_text(tmp_path, fpage, monkeypatch):
    real = site_module.site_data

    def poisoned(tour):
        d = real(tour)
        d["items"][0]["zh"] = "<img src=x onerror=\"document.title='pwned'\">"
        return d

    monkeypatch.setattr(site_module, "site_data", poisoned)
    index = build_site(tmp_path / "s")
    fpage.open(index)
    page = fpage.page
    page.locator("#list li").first.click()
    page.locator("#item-card").wait_for()
    assert "<img src=x" in page.locator("#item-card").inner_text()
    assert page.locator("#side img, .leaflet-popup img").count() == 0
    assert page.title() != "pwned"


def test_a_shape_on_the_map_opens_its_card_and_names_itself(site, fpage):
    fpage.open(site)
    page = fpage.page
    items = data(site)["items"]
    # the topmost circle drawn for an item (circles are drawn with arcs; the districts come first, underneath)
    box = page.evaluate("""() => {
        const ps = [...document.querySelectorAll('path.leaflet-interactive')]
            .filter(p => /a/.test(p.getAttribute('d')));
        const r = ps[ps.length - 1].getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""")
    page.mouse.move(box["x"], box["y"])
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    named = [i for i in items if i["geom"] and f"{i['zh']} {i['en']}" == tip.inner_text()]
    assert len(named) == 1, tip.inner_text()
    page.mouse.click(box["x"], box["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert named[0]["zh"] in popup.inner_text() and named[0]["quote"] in popup.inner_text()
