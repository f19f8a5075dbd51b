"""The plan view's cited items select them on the map, and a basemap that cannot load says so: in a real browser."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from layers.locate import catalogue_frame, items_by_paragraph
from tests.browser.conftest import folium_frame, map_frame
from tests.browser.conftest import pick_option as _pick

DRAWN = {"exact", "proxy", "approximate", "zone", "schematic"}


def test_basemap_tiles_that_fail_offline_are_reported_once_in_the_map(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?lang=en")
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")
    assert frame.locator(".map-tile-notice").count() == 0  # no basemap, nothing to fail
    sidebar = page.locator("[data-testid='stSidebar']")
    _pick(page, sidebar, "Basemap", "OpenStreetMap")  # a click while the page settles is repeated
    page.wait_for_function("() => new URL(location.href).searchParams.get('basemap') === 'osm'",
                           timeout=60_000, polling=250)
    notice = map_frame(page).locator(".map-tile-notice")
    notice.wait_for(timeout=60_000)
    text = notice.inner_text()
    assert "Basemap tiles could not be loaded" in text and "底图瓦片无法加载" in text
    # Further failures (here two more, raised on the tile layer) do not add more notices.
    map_frame(page).locator("#map_div.leaflet-container").evaluate(
        "() => map_div.eachLayer(l => { if (l instanceof L.TileLayer) { l.fire('tileerror'); l.fire('tileerror'); } })")
    assert map_frame(page).locator(".map-tile-notice").count() == 1
    assert any("tile.openstreetmap.org" in u for u in offline_page.external)


def test_an_item_cited_in_the_plan_view_opens_on_the_map_with_its_card(app_url, offline_page):
    frame = catalogue_frame().set_index("id")
    cites = items_by_paragraph(catalogue_frame())
    para, item = next((p, i) for p, ids in sorted(cites.items()) if 2 <= len(ids) <= 4
                      for i in ids if frame.loc[i, "precision"] in DRAWN)
    row = frame.loc[item]
    page = offline_page.page
    page.goto(app_url + f"/?view=plan&para={para}&lang=en&cat={row['category']}")
    button = page.get_by_role("button", name=re.compile(re.escape(str(row["name_en"]))))
    button.wait_for(timeout=60_000)
    button.click()
    page.wait_for_url(f"**item={item}**", timeout=60_000)
    params = page.evaluate("() => Object.fromEntries(new URL(location.href).searchParams)")
    assert params.get("view", "map") == "map" and params.get("cat") == row["category"]  # filters kept
    card = map_frame(page).locator(".leaflet-popup-content .card", has_text=str(row["name_zh"]))
    card.wait_for(timeout=60_000)
    page.get_by_text("Project card", exact=True).wait_for()


def test_copy_link_puts_the_shareable_link_on_the_clipboard(app_url, browser):
    from tests.browser.conftest import OfflinePage

    offline = OfflinePage(browser)
    try:
        offline.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
        page = offline.page
        page.goto(app_url + "/?view=plan&para=ch06-s01-p03&lang=en")
        caption = page.locator("[data-testid='stSidebar']").get_by_text("Link to this view", exact=False)
        caption.wait_for(timeout=60_000)
        link = page.locator("[data-testid='stSidebar'] code").filter(has_text="para=ch06-s01-p03").first
        link.wait_for(timeout=60_000)
        shown_link = link.inner_text().strip()
        copier = page.frame_locator("[data-testid='stSidebar'] iframe").first
        copier.get_by_role("button", name="Copy link").click()
        copier.get_by_text("Copied", exact=True).wait_for(timeout=20_000)
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.split("?")[0] == shown_link.split("?")[0]
        assert parse_qs(urlsplit(copied).query) == parse_qs(urlsplit(shown_link).query)  # the same view
        assert "view=plan" in shown_link and "para=ch06-s01-p03" in shown_link
        # On the map, the link copied says where the map is now, also after a pan the app has not seen.
        page.goto(app_url + "/?lang=en")
        map_frame(page)
        fr = folium_frame(page)
        fr.evaluate("() => map_div.setView([22.6012, 114.0456], 13, {animate: false})")
        page.wait_for_function("() => new URL(location.href).searchParams.get('lat') === '22.60120'",
                               timeout=60_000, polling=250)
        copier = page.frame_locator("[data-testid='stSidebar'] iframe").first
        copier.get_by_role("button", name="Copy link").click()
        copier.get_by_text("Copied", exact=True).wait_for(timeout=20_000)
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert "lat=22.60120" in copied and "lon=114.04560" in copied and "zoom=13" in copied, copied
    finally:
        offline.close()
