"""Defects users hit on the map, checked where they hit them: in a real browser."""
from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import folium_frame, map_frame

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


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
    page.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'en'",
                           timeout=60_000, polling=250)
    # then any further interaction: a search in the sidebar
    box = page.get_by_label("Filter by name (Chinese or English)")
    box.fill("zzzz")
    box.press("Enter")
    page.wait_for_function("() => new URL(location.href).searchParams.get('query') === 'zzzz'",
                           timeout=60_000, polling=250)
    no_error_shown(page)
    params = page.evaluate("() => Object.fromEntries(new URL(location.href).searchParams)")
    assert params.get("view") == "district" and params.get("district") == "longgang"
    assert params.get("dist") == "longgang" and params.get("basemap") == "gaode"
    page.get_by_text("Longgang District 龙岗区", exact=False).first.wait_for()
    map_frame(page)
    no_error_shown(page)


# The screen position (inside the map's frame) of a drawn item: a point's centre, or the middle of a line.
ITEM_POINT_JS = """(id) => {
  let pt = null;
  map_div.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (!p || p.id !== id || !p.group || !l._path) { return; }
    if (l instanceof L.CircleMarker) {
      const c = map_div.latLngToContainerPoint(l.getLatLng()); pt = [c.x, c.y]; return;
    }
    const q = l._path.getPointAtLength(l._path.getTotalLength() / 2);
    const m = l._path.getScreenCTM(); pt = [q.x * m.a + m.e, q.y * m.d + m.f];
  });
  return pt;
}"""


def click_item_and_read_card(page, item_id: str, offset: tuple[float, float] = (0, 0)) -> str:
    """Click (once the page settles, retried if the map was still moving) where an item is drawn;
    return the text of the card the map then shows."""
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    folium_frame(page).wait_for_function("(id) => { let n = 0; map_div.eachLayer(l => { "
                                         "if (l.feature && l.feature.properties.id === id && l._path) n++; }); "
                                         "return n > 0; }", arg=item_id, polling=250)
    card = frame.locator(".leaflet-popup-content .card")
    for attempt in range(3):
        pt = folium_frame(page).evaluate(ITEM_POINT_JS, item_id)
        box = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        page.mouse.click(box["x"] + pt[0] + offset[0], box["y"] + pt[1] + offset[1])
        try:
            card.first.wait_for(timeout=20_000)
            break
        except Exception:
            if attempt == 2:
                raise
    return card.first.inner_text()


def test_a_rail_line_opens_its_card_on_a_click_beside_it(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?query=赣深高铁")
    text = click_item_and_read_card(page, "ganzhou-shenzhen-hsr", offset=(0, 6))  # a finger's width off the line
    assert "赣深高铁" in text
    page.wait_for_url("**item=ganzhou-shenzhen-hsr**")
    no_error_shown(page)


def test_dragging_the_map_from_a_line_pans_and_selects_nothing(app_url, offline_page):
    """A drag that starts on a line or a finger's width beside it moves the map: it opens no card and selects no
    item (the click that ends a drag is no click)."""
    page = offline_page.page
    page.goto(app_url + "/?query=赣深高铁")
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")
    fframe = folium_frame(page)
    fframe.wait_for_function("(id) => { let n = 0; map_div.eachLayer(l => { if (l.feature && "
                             "l.feature.properties.id === id && l._path) n++; }); return n > 0; }",
                             arg="ganzhou-shenzhen-hsr", polling=250)
    for offset in (0, 6):
        fframe = folium_frame(page)
        before = fframe.evaluate("() => map_div.getCenter().lng")
        pt = fframe.evaluate(ITEM_POINT_JS, "ganzhou-shenzhen-hsr")
        box = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        x, y = box["x"] + pt[0], box["y"] + pt[1] + offset
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 120, y + 40, steps=6)
        page.mouse.up()
        fframe.wait_for_function("(lng) => Math.abs(map_div.getCenter().lng - lng) > 1e-4 && "
                                 "!map_div._panAnim?._inProgress", arg=before, polling=100)
        assert frame.locator(".leaflet-popup").count() == 0, offset
        assert fframe.evaluate("() => window.__GLOBAL_DATA__.last_active_drawing") is None, offset
    assert "item=" not in page.url


def test_a_proxy_point_inside_an_area_opens_its_own_card(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?query=前海")  # the hub lies inside Qianhai's zone circles
    text = click_item_and_read_card(page, "qianhai-hub")
    assert text.startswith("前海综合交通枢纽") and "近似代理点" in text, text
    page.wait_for_url("**item=qianhai-hub**")


def chart_labels(chart) -> list[str]:
    """The category labels of a drawn bar chart, top to bottom, as the browser shows them."""
    chart.locator("svg .role-axis-label text").first.wait_for()
    axes = chart.locator("svg .role-axis-label").evaluate_all(
        "gs => gs.map(g => Array.from(g.querySelectorAll('text'))"
        ".map(e => [e.getBoundingClientRect().top, e.textContent]).sort((a, b) => a[0] - b[0]).map(a => a[1]))")
    return next(a for a in axes if not all(x.replace(".", "").isdigit() for x in a))  # the category axis


def test_district_charts_are_drawn_in_the_plans_order_and_exports_are_labelled(app_url, offline_page):
    import csv
    import io
    import json
    import re

    from layers.schema import PLAN_STAGES
    from plan_text.index import cn_numeral, to_cn_numeral

    page = offline_page.page
    page.goto(app_url + "/?view=district&district=longgang")
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.nth(1).wait_for()
    chapters = chart_labels(charts.nth(0))
    found = [re.match(r"第([一二三四五六七八九十]+)章 ", c) for c in chapters]
    numbers = [cn_numeral(m.group(1)) for m in found if m is not None]
    assert len(numbers) == len(chapters), chapters
    assert len(numbers) >= 3 and numbers == sorted(numbers), chapters
    assert chapters[0].startswith(f"第{to_cn_numeral(numbers[0])}章")
    stages = chart_labels(charts.nth(1))
    order = [s.split(" ")[0] for s in stages]
    vocab = [v.zh for v in PLAN_STAGES.values()]
    from layers.locate import catalogue_frame

    frame = catalogue_frame()
    in_district = frame[frame["districts"].map(lambda ds: "longgang" in ds)]
    assert len(order) == in_district["plan_stage"].nunique(), stages  # every bar is labelled
    assert order == sorted(order, key=vocab.index), stages
    with page.expect_download() as download:
        page.get_by_role("button", name="导出CSV").click()
    assert re.fullmatch(r"shenzhen-14fyp_longgang_\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert rows and all("龙岗区" in r["districts_zh"] and "Longgang" in r["districts_en"] for r in rows)
    assert all(r["citation_zh"].startswith("第") and r["category_en"] for r in rows)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出GeoJSON").click()
    assert download.value.suggested_filename.startswith("shenzhen-14fyp_longgang_")
    features = json.loads(download.value.path().read_text("utf-8"))["features"]
    assert [f["id"] for f in features] == [r["id"] for r in rows]
    no_error_shown(page)


MAP_STATE_JS = """() => {
  const w = document.querySelector('.leaflet-popup-content-wrapper'), r = w && w.getBoundingClientRect();
  const c = map_div.getCenter(), s = map_div.getSize();
  return {card: r && [r.left, r.top, r.right, r.bottom].map(Math.round), window: [innerWidth, innerHeight],
          map: [s.x, s.y], centre: [c.lat, c.lng], zoom: map_div.getZoom(),
          cards: document.querySelectorAll('.leaflet-popup').length};
}"""


def wait_for_card_on_screen(frame, timeout: float = 30_000) -> None:
    """Wait until the open card lies wholly inside the map's frame; on failure, say where map and card are."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        frame.wait_for_function(
            "() => { const w = document.querySelector('.leaflet-popup-content-wrapper');"
            " if (!w) return false; const r = w.getBoundingClientRect();"
            " return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }",
            timeout=timeout, polling=250)
    except PlaywrightTimeout:
        raise AssertionError(f"the card is not on screen: {frame.evaluate(MAP_STATE_JS)}") from None


def test_on_a_phone_the_card_fits_the_screen_and_the_legend_starts_folded(app_url, browser):
    from tests.browser.conftest import OfflinePage

    phone = OfflinePage(browser)
    try:
        page = phone.page
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(app_url + "/?item=qianhai-hub")
        frame = map_frame(page)
        card = frame.locator(".leaflet-popup-content .card")
        card.wait_for()
        iframe = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        assert iframe["width"] <= 390
        popup = frame.locator(".leaflet-popup-content-wrapper").first
        # the card is placed (and the map panned to it) once the map has settled: wait for it to fit
        wait_for_card_on_screen(folium_frame(page))
        box = popup.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        # The city inset moves on its own (when resized, folded or unfolded, which a slow page does at
        # any time): the main map, and the card on it, stay where they are.
        fr = folium_frame(page)
        fr.wait_for_function("() => !!(map_div.szLocator && map_div.szLocator._miniMap)", timeout=30_000, polling=250)
        before = fr.evaluate("() => map_div.getCenter()")
        fr.evaluate("() => map_div.szLocator._miniMap.setView([22.3, 114.9], 6, {animate: false})")
        fr.evaluate("() => map_div.szLocator._miniMap.setView([22.71, 114.48], 7, {animate: false})")
        after = fr.evaluate("() => map_div.getCenter()")
        assert abs(after["lat"] - before["lat"]) < 1e-6 and abs(after["lng"] - before["lng"]) < 1e-6, (before, after)
        assert popup.bounding_box() == box
        # Whatever else moves the map while the card is open (here 370 px, as a late layout did), the card
        # comes back on screen.
        fr.evaluate("() => map_div.panBy([0, -370], {animate: false})")
        wait_for_card_on_screen(fr)
        legend = frame.locator(".map-legend")
        legend.wait_for()
        assert legend.locator("details").evaluate("d => d.open") is False
        lbox = legend.bounding_box()
        assert lbox["width"] * lbox["height"] < 0.25 * iframe["width"] * iframe["height"]
        page.screenshot(path=str(SHOTS / "phone-card.png"))
        assert phone.external == []
    finally:
        phone.close()


def test_the_map_frames_the_result_of_a_filter_unless_the_view_is_kept(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    city_zoom = folium_frame(page).evaluate("() => map_div.getZoom()")
    box = page.get_by_label("名称筛选(中文或英文)")
    box.fill("西丽枢纽")
    box.press("Enter")
    folium_frame(page).wait_for_function(f"() => map_div.getZoom() >= {city_zoom + 3}", timeout=60_000, polling=250)
    from layers.locate import catalogue_frame

    hub = catalogue_frame().set_index("id").loc["xili-hub"].geometry
    assert folium_frame(page).evaluate("([lat, lon]) => map_div.getBounds().contains([lat, lon])", [hub.y, hub.x])
    # with the view kept, the next filter change leaves the map where it is
    page.get_by_text("筛选时保持当前视图").click()
    zoom = folium_frame(page).evaluate("() => map_div.getZoom()")
    before = page.url
    box.fill("机场")
    box.press("Enter")
    page.wait_for_function("before => location.href !== before", arg=before, timeout=60_000, polling=250)
    # the new layers (and any move) arrive together: wait until the legend counts more than the hub
    folium_frame(page).wait_for_function(
        "() => Array.from(document.querySelectorAll('.map-legend [data-group]'))"
        ".reduce((n, e) => n + parseInt(e.textContent || '0', 10), 0) > 1", timeout=60_000, polling=250)
    assert folium_frame(page).evaluate("() => map_div.getZoom()") == zoom


def test_default_view_shows_the_core_city_large_with_shenshan_in_a_locator_and_no_labels_overlap(
        app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    locator = frame.locator(".leaflet-control-minimap")
    locator.wait_for()
    # the inset draws all eleven districts, Shenzhen-Shanwei included, and marks the main map's view
    frame.locator(".leaflet-control-minimap path").nth(10).wait_for()
    assert frame.locator(".leaflet-control-minimap path").count() >= 12
    # the core city (without Shenshan) spans most of the map's width
    span = folium_frame(page).evaluate("""() => {
        const w = map_div.latLngToContainerPoint([22.6, 113.76]).x;
        const e = map_div.latLngToContainerPoint([22.6, 114.62]).x;
        return (e - w) / map_div.getSize().x; }""")
    assert span > 0.6, span
    folium_frame(page).wait_for_function("""() => {
        const shown = Array.from(document.querySelectorAll('.district-label'))
          .filter(e => e.style.visibility !== 'hidden').map(e => e.getBoundingClientRect());
        if (shown.length < 6) return false;
        return shown.every((a, i) => shown.every((b, j) => i === j ||
          !(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)));
    }""", timeout=30_000, polling=250)
    assert frame.locator(".map-legend details").evaluate("d => d.open") is True  # room for it here
    page.screenshot(path=str(SHOTS / "map-default-1400.png"))
    assert offline_page.external == []


def test_a_card_opened_on_a_wide_window_stays_on_screen_when_the_window_narrows(app_url, offline_page):
    """A phone's page may be laid out wide first (or a window narrowed, a tablet turned): the card moves on screen."""
    page = offline_page.page
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app_url + "/?item=qianhai-hub")
    frame = map_frame(page)
    frame.locator(".leaflet-popup-content .card").wait_for()
    fr = folium_frame(page)
    assert fr.evaluate("() => map_div.getSize().x") >= 500  # opened on a wide map: the map was not moved for it
    page.set_viewport_size({"width": 380, "height": 844})
    fr.wait_for_function("() => map_div.getSize().x < 500", timeout=60_000, polling=250)
    wait_for_card_on_screen(fr)
