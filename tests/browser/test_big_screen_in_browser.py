"""Presentation mode on a 1920×1080 screen: the map ends on the screen, its text reads from across a room, and
the wheel zooms only once the presenter has clicked into the map."""
from __future__ import annotations

import pytest

from tests.browser.conftest import map_frame


@pytest.fixture
def big_page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_navigation_timeout(120_000)
    context.set_default_timeout(60_000)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "http://localhost", "data:", "blob:")) else route.abort())
    yield context.new_page()
    context.close()


def _font_px(locator) -> float:
    return float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))


def test_presentation_mode_fills_the_screen_with_large_text(app_url, big_page):
    page = big_page
    page.goto(app_url + "/?present=1")
    frame = map_frame(page)
    frame.locator(".sz-big-screen .district-label").nth(10).wait_for(state="attached")  # some hide where they overlap
    # the map is sized to the screen once drawn: wait until its frame ends on the screen
    page.wait_for_function("""() => {
        const f = document.querySelector("iframe[title*='streamlit_folium']");
        const r = f.getBoundingClientRect();
        return r.bottom <= innerHeight && r.height >= 0.5 * innerHeight;
    }""", polling=250)
    inner_bottom = frame.locator("#map_div.leaflet-container").evaluate("e => e.getBoundingClientRect().bottom")
    frame_box = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
    assert frame_box is not None and frame_box["y"] + inner_bottom <= 1080
    assert _font_px(frame.locator(".map-legend").first) >= 20
    assert _font_px(frame.locator(".district-label").first) >= 20
    assert _font_px(frame.locator(".district-label span").first) >= 20


def test_presentation_mode_wheel_zooms_only_after_a_click_into_the_map(app_url, big_page):
    page = big_page
    page.goto(app_url + "/?present=1")
    frame = map_frame(page)
    frame.locator(".sz-big-screen").wait_for()
    # the folium map is a global of the map's frame; find it by what it is, not by its generated name
    probe = ("() => Object.values(window).find(v => v && v._leaflet_id && v.getZoom && v.scrollWheelZoom)"
             ".scrollWheelZoom.enabled()")
    inner = next(f for f in page.frames if f.locator(".sz-big-screen").count())
    assert inner.evaluate(probe) is False
    inner.locator("#map_div.leaflet-container").click(position={"x": 300, "y": 200})
    inner.wait_for_function(probe, polling=250)
    page.mouse.move(5, 5)  # the pointer leaves the map
    inner.wait_for_function(f"() => !({probe})()", polling=250)
