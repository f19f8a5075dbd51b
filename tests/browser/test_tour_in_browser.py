"""The tour in a real browser: a clicker's PageDown/PageUp step through it, the link follows, and
switching language keeps the step."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from publish.tour import load_tour
from tests.browser.conftest import map_frame


def _step_in_url(page) -> str | None:
    return (parse_qs(urlparse(page.url).query).get("step") or [None])[0]


def test_clicker_keys_step_through_the_tour_and_language_keeps_the_step(app_url, offline_page):
    tour = load_tour()
    first, second = tour.steps[0], tour.steps[1]
    page = offline_page.page
    page.goto(f"{app_url}/?view=tour&step={first.id}")
    page.get_by_text(first.title_zh, exact=True).wait_for()
    # the key script is loaded once its frame has run (it marks the page with its listener)
    page.wait_for_function("() => typeof window.__szTourKeys === 'function'", polling=250)
    page.get_by_text(first.title_zh, exact=True).click()  # focus on the page, not in a field

    page.keyboard.press("PageDown")
    page.get_by_text(second.title_zh, exact=True).wait_for()
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('step') === '{second.id}'", polling=250)
    assert page.get_by_text(first.title_zh, exact=True).count() == 0

    page.keyboard.press("PageUp")
    page.get_by_text(first.title_zh, exact=True).wait_for()
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('step') === '{first.id}'", polling=250)

    page.keyboard.press("ArrowRight")
    page.get_by_text(second.title_zh, exact=True).wait_for()

    page.locator("section[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_text(second.title_en, exact=True).first.wait_for()
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'", polling=250)
    assert _step_in_url(page) == second.id
    assert not offline_page.external


def _wait_step(page, step_id: str) -> None:
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('step') === '{step_id}'", polling=250)


def test_clicker_steps_the_tour_while_focus_stays_on_a_sidebar_radio_or_in_the_map(app_url, offline_page):
    tour = load_tour()
    s0, s1, s2, s3 = (tour.steps[i] for i in range(4))
    page = offline_page.page
    page.goto(f"{app_url}/?view=tour&step={s0.id}")
    page.get_by_text(s0.title_zh, exact=True).wait_for()
    page.wait_for_function("() => typeof window.__szTourKeys === 'function'", polling=250)

    # a presenter switches language: focus stays on the radio, whose own arrow keys would change the language
    page.locator("section[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_text(s0.title_en, exact=True).first.wait_for()
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'", polling=250)
    assert page.evaluate("() => document.activeElement.type") == "radio"

    page.keyboard.press("PageDown")
    page.get_by_text(s1.title_en, exact=True).first.wait_for()
    _wait_step(page, s1.id)
    assert page.evaluate("() => document.activeElement.type") == "radio"

    page.keyboard.press("ArrowRight")  # on the last radio option a radio would wrap round to 中文
    page.get_by_text(s2.title_en, exact=True).first.wait_for()
    _wait_step(page, s2.id)

    page.keyboard.press("PageUp")
    page.get_by_text(s1.title_en, exact=True).first.wait_for()
    _wait_step(page, s1.id)
    # the runs are in order: had the radio taken ArrowRight, the language would have switched by now
    assert parse_qs(urlparse(page.url).query)["lang"] == ["en"]
    page.get_by_text(s1.title_en, exact=True).first.wait_for()

    # focus in the map (a click arms the wheel zoom on a big screen): the clicker still steps
    frame = map_frame(page)
    frame.locator("#map_div").click(position={"x": 20, "y": 200})
    page.wait_for_function(
        "() => (document.activeElement || {}).tagName === 'IFRAME'"
        " && document.activeElement.title.includes('streamlit_folium')", polling=250)
    page.keyboard.press("PageDown")
    page.get_by_text(s2.title_en, exact=True).first.wait_for()
    _wait_step(page, s2.id)
    frame = map_frame(page)
    frame.locator("#map_div").click(position={"x": 20, "y": 200})
    page.keyboard.press("ArrowRight")
    page.get_by_text(s3.title_en, exact=True).first.wait_for()
    _wait_step(page, s3.id)
    assert not offline_page.external


def test_outside_the_tour_the_language_radio_keeps_its_arrow_keys(app_url, offline_page):
    tour = load_tour()
    page = offline_page.page
    page.goto(f"{app_url}/?view=tour&step={tour.steps[0].id}")
    page.get_by_text(tour.steps[0].title_zh, exact=True).wait_for()
    page.wait_for_function("() => typeof window.__szTourKeys === 'function'", polling=250)
    # leave the tour for the map: the key script stays on the page but takes no key there
    page.locator("section[data-testid='stSidebar']").get_by_text("地图", exact=True).click()
    page.wait_for_function("() => !document.querySelector('.st-key-tour_next')", polling=250)
    page.locator("section[data-testid='stSidebar']").get_by_text("中文", exact=True).click()
    assert page.evaluate("() => document.activeElement.type") == "radio"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'", polling=250)
