"""The tour in a real browser: a clicker's PageDown/PageUp step through it, the link follows, and
switching language keeps the step."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from publish.tour import load_tour


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
