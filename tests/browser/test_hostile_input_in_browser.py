"""Hostile text in the data and in links is shown as text in a real browser: nothing runs, nothing loads.

The app is served with a copy of the district profiles and the catalogue (``SZ_PLAN_PROFILES_DIR``,
``SZ_PLAN_CATALOGUE_DIR``) whose names carry markup; the tests hover and click them and check that
no script ran, no dialog opened and the literal text is what the visitor reads.
"""
from __future__ import annotations

import re
import shutil

import pytest
import yaml

import settings
from bench.servers import streamlit_server
from tests.browser.conftest import ROOT, folium_frame, map_frame
from tests.browser.test_map_in_browser import hoverable_point

HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)">'
DISTRICT_NAME_EN = f"Guangming {HOSTILE}"
ITEM_ID = "xili-hub"
ITEM_NAME_EN = f"Xili Hub {HOSTILE}"


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory, chromium_path):
    data = tmp_path_factory.mktemp("hostile")
    profiles = shutil.copytree(settings.ROOT / "district_profiles", data / "profiles",
                               ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    profile = yaml.safe_load((profiles / "guangming.yaml").read_text(encoding="utf-8"))
    profile["name_en"] = DISTRICT_NAME_EN
    (profiles / "guangming.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), "utf-8")
    catalogue = shutil.copytree(settings.ROOT / "layers" / "catalogue", data / "catalogue")
    changed = 0
    for path in catalogue.glob("*.yaml"):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        hits = [item for item in items if item.get("id") == ITEM_ID]
        for item in hits:
            item["name_en"] = ITEM_NAME_EN
        if hits:  # only the file holding the item is rewritten
            path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
            changed += len(hits)
    assert changed == 1, f"the catalogue has no item {ITEM_ID}"
    env = {settings.PROFILES_DIR_ENV: str(profiles), settings.CATALOGUE_DIR_ENV: str(catalogue)}
    with streamlit_server(ROOT / "app.py", env_extra=env, log_path=ROOT / "build" / "browser-hostile-server.log",
                          timeout_s=60) as (url, _proc):
        yield url


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def assert_nothing_ran(page, dialogs: list[str]) -> None:
    from playwright.sync_api import Error as PlaywrightError

    assert dialogs == [], f"a dialog opened: {dialogs}"
    for attempt in range(3):
        try:
            assert folium_frame(page).evaluate("() => typeof window.__xss") == "undefined"
            break
        except PlaywrightError as exc:  # the map was drawn anew (a district opened) while we looked
            if "detached" not in str(exc) or attempt == 2:
                raise
            map_frame(page)
    assert page.evaluate("() => typeof window.__xss") == "undefined"


def test_hostile_district_name_is_shown_as_text_on_hover_label_and_profile(hostile_app_url, offline_page):
    page = offline_page.page
    dialogs = watch_dialogs(page)
    page.goto(hostile_app_url + "/?query=zzzz")  # no item drawn: only the districts to hover
    frame = map_frame(page)
    label = frame.locator(".district-label", has_text="光明区")
    label.wait_for()
    assert HOSTILE in label.inner_text()  # the permanent label: the literal text
    assert frame.locator(".district-label img").count() == 0
    x, y = hoverable_point(page, frame, "光明区")
    tooltip = frame.locator(".leaflet-tooltip", has_text="光明区").first
    for attempt in range(3):  # a hover that lands while the page is still settling is repeated
        page.mouse.move(5, 5)
        page.mouse.move(x, y, steps=5)
        try:
            tooltip.wait_for(timeout=10_000)
            break
        except Exception:
            if attempt == 2:
                raise
    assert HOSTILE in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    page.mouse.click(x, y)
    page.get_by_text(DISTRICT_NAME_EN, exact=False).first.wait_for(timeout=30_000)  # the profile's heading
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    assert_nothing_ran(page, dialogs)
    assert offline_page.external == []


def test_hostile_item_name_is_shown_as_text_in_tooltip_and_card(hostile_app_url, offline_page):
    page = offline_page.page
    dialogs = watch_dialogs(page)
    page.goto(hostile_app_url + "/?query=西丽枢纽")
    frame = map_frame(page)
    point = frame.locator("path.leaflet-interactive[fill='#c0392b']").first  # the hub, an exact point
    point.wait_for()
    point.hover()
    tooltip = frame.locator(".leaflet-tooltip", has_text="西丽枢纽").first
    tooltip.wait_for()
    assert HOSTILE in tooltip.inner_text() and tooltip.locator("img").count() == 0
    point.click()
    card = frame.locator(".leaflet-popup-content .card")
    card.wait_for()
    assert ITEM_NAME_EN in card.inner_text() and card.locator("img").count() == 0
    assert_nothing_ran(page, dialogs)
    assert offline_page.external == []


@pytest.mark.parametrize("query, host", [
    ("view=" + "![x](http://203.0.113.9/t.png)", "203.0.113.9"),
    ("cat=" + "[请重新登录 Please sign in again](https://evil.example/login)", "evil.example"),
])
def test_link_values_in_the_notice_are_inert_text(app_url, offline_page, query, host):
    page = offline_page.page
    page.goto(app_url + "/?" + query)
    notice = page.locator("[data-testid='stAlert']").first
    notice.wait_for()
    text = notice.inner_text()
    assert query[:30] in text  # shown as typed (shortened), as text
    assert notice.locator("img").count() == 0 and notice.locator("a").count() == 0
    assert page.locator(f"a[href*='{host}'], img[src*='{host}']").count() == 0
    assert not [u for u in offline_page.external if host in u], "the notice made the browser fetch the value"
    assert re.search(r"\]\(https?://", text), "the Markdown syntax itself is visible"


VIEW_MARKERS = [  # (link, text the view shows once drawn)
    ("view=map&item=" + ITEM_ID, "进展记录(最新在前)"),
    ("view=district&district=guangming", "本区项目"),
    ("view=plan&para=ch06-s03-p12", "引用本段的地图项目"),
    ("view=progress", "各区规划与实际"),
    ("view=about", "定位精度 Location precision"),
    ("view=audit", "审计与账号管理仅对市级管理员开放"),
]


@pytest.fixture(scope="module")
def hostile_records(hostile_app_url):
    """Progress records whose evidence and note carry markup, scripts and links (the app's own database)."""
    from tracking import Store

    store = Store.open()
    if store.get_user("hostile-admin") is None:
        store.add_user("hostile-admin", "a long enough password", "admin")
    latest = store.latest_record(ITEM_ID)
    store.record(ITEM_ID, "under_construction", "2024-01-02",
                 f"{HOSTILE} [点此登录](https://evil.example/login) ![x](http://203.0.113.9/t.png)",
                 "javascript:alert(1) <script>window.__xss=1</script> **bold?**", user="hostile-admin",
                 expected_latest_id=latest.id if latest else None)
    store.close()
    return hostile_app_url


@pytest.mark.parametrize("link,marker", VIEW_MARKERS, ids=[v.split("&")[0] for v, _ in VIEW_MARKERS])
def test_every_view_shows_hostile_data_and_records_as_text(hostile_records, offline_page, link, marker):
    page = offline_page.page
    dialogs = watch_dialogs(page)
    page.goto(hostile_records + "/?" + link)
    page.get_by_text(marker).first.wait_for()
    if "view=map" in link:
        map_frame(page)
        page.get_by_text("依据: " + HOSTILE, exact=False).first.wait_for()
        assert page.locator("a[href*='evil.example'], img[src*='203.0.113.9']").count() == 0
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    for frame in page.frames:
        assert frame.evaluate("() => typeof window.__xss") == "undefined"
    assert offline_page.external == [], offline_page.external
