"""Defects users hit on the map, checked where they hit them: in a real browser."""
from __future__ import annotations

from tests.browser.conftest import map_frame


def no_error_shown(page) -> None:
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "KeyError" not in body, body[:2000]
    assert page.locator("[data-testid='stException']").count() == 0


def test_language_switch_then_a_click_keeps_the_view_district_and_filters(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?view=district&district=longgang&dist=longgang&basemap=gaode")
    page.get_by_text("龙岗区 · Longgang District", exact=False).first.wait_for()
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_text("Items in this district", exact=False).first.wait_for(timeout=60_000)
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'", timeout=60_000)
    # then any further interaction: a search in the sidebar
    box = page.get_by_label("Filter by name (Chinese or English)")
    box.fill("zzzz")
    box.press("Enter")
    page.wait_for_function("() => new URL(location.href).searchParams.get('query') === 'zzzz'", timeout=60_000)
    no_error_shown(page)
    params = page.evaluate("() => Object.fromEntries(new URL(location.href).searchParams)")
    assert params.get("view") == "district" and params.get("district") == "longgang"
    assert params.get("dist") == "longgang" and params.get("basemap") == "gaode"
    page.get_by_text("Longgang District 龙岗区", exact=False).first.wait_for()
    map_frame(page)
    no_error_shown(page)
