"""Browser tests: the real app served by Streamlit on loopback, driven by headless Debian Chromium.

Every request that leaves 127.0.0.1 is recorded and aborted, so a test can assert that the
map renders with no internet.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.servers import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
SERVER_LOG = ROOT / "build" / "browser-tests-server.log"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser tests (REQUIRE_BROWSER is set) but is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with streamlit_server(ROOT / "app.py", log_path=SERVER_LOG, timeout_s=60) as (url, _proc):
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


class OfflinePage:
    """A page whose requests to anything but loopback are aborted and recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        # A cold first run of the app (fresh checkout, empty caches, a busy 2-core machine) can take
        # well over Playwright's default 30 s; the tests wait for what they need to see instead.
        self.context.set_default_navigation_timeout(120_000)
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def offline_page(browser):
    p = OfflinePage(browser)
    yield p
    p.close()


def map_frame(page, timeout: float = 60_000):
    """The streamlit-folium iframe once Leaflet has drawn into it."""
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=timeout)
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator("#map_div.leaflet-container").wait_for(timeout=timeout)  # not the locator inset
    return frame


def folium_frame(page):
    """The map's frame as a Playwright Frame: the first one still attached (a map drawn anew replaces its frame,
    and the old one may linger in ``page.frames`` a moment, detached)."""
    frames = [f for f in page.frames if "streamlit_folium" in f.url and not f.is_detached()]
    assert frames, "no map frame on the page"
    return frames[0]


def pick_option(page, scope, label: str, option: str, typed: str | None = None) -> None:
    """Choose an option of a Streamlit select box (by its label), typing ``typed`` first to narrow a long list.

    A click that lands while the page is still settling opens nothing; it is repeated until the list shows. An
    option the list keeps drawing anew (on a loaded machine it was replaced again and again for a minute, so it
    never held still for a click) is chosen as a keyboard user does: its name typed into the box, then Enter.
    """
    box = scope.locator("[data-testid=stSelectbox]").filter(has_text=label).first
    wanted = page.get_by_role("option", name=option).first
    for _ in range(8):
        box.click()
        if typed:
            page.keyboard.type(typed)
        try:
            wanted.wait_for(timeout=8_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    try:
        wanted.click(timeout=10_000)
        return
    except PlaywrightTimeout:
        page.keyboard.press("Escape")
    box.click()
    page.keyboard.type(option)
    wanted.wait_for(timeout=30_000)
    page.keyboard.press("Enter")
