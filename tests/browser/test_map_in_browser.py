"""What only a browser shows: the map drawn offline, hover labels, clicks and filters updating the map."""
from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import folium_frame, map_frame

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DISTRICT_FILLS = ("#f7f4ea", "#f4e3b5")


def district_path_count(frame) -> int:
    return frame.locator("path.leaflet-interactive").evaluate_all(
        f"els => els.filter(e => {list(DISTRICT_FILLS)!r}.includes(e.getAttribute('fill'))).length")


def project_feature_count(frame) -> int:
    return frame.locator("path.leaflet-interactive").evaluate_all(
        f"els => els.filter(e => !{list(DISTRICT_FILLS)!r}.includes(e.getAttribute('fill'))).length")


def label_centre(page, frame, name: str) -> tuple[float, float]:
    box = frame.locator(".district-label", has_text=name).first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_map_shows_eleven_districts_offline(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    assert district_path_count(frame) == 11
    assert frame.locator(".district-label").count() == 11
    assert frame.locator(".map-legend").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map.png"), full_page=True)
    assert offline_page.external == [], f"requests left the machine: {offline_page.external[:5]}"


def hoverable_point(page, frame, name: str) -> tuple[float, float]:
    """The centre of a district's label, checked to lie on a district shape and not under a control."""
    x, y = label_centre(page, frame, name)
    iframe = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
    folium_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    hit = folium_frame.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); "
        "return e ? (e.getAttribute('fill') || e.tagName) : null; }",
        [x - iframe["x"], y - iframe["y"]])
    assert hit in DISTRICT_FILLS, f"the label of {name} is covered by {hit!r}, not its district"
    return x, y


def test_hover_names_a_district_and_click_opens_its_profile(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?query=zzzz")  # a filter matching no item leaves only the districts to hover
    frame = map_frame(page)
    frame.locator(".district-label", has_text="光明区").wait_for()
    page.wait_for_timeout(500)  # let the initial fit settle before measuring positions
    x, y = hoverable_point(page, frame, "光明区")
    tooltip = frame.locator(".leaflet-tooltip").first
    for attempt in range(3):  # a hover that lands while the page is still settling is repeated, not waived
        page.mouse.move(5, 5)  # off the map, so the next move is a fresh hover
        page.mouse.move(x, y, steps=5)
        try:
            tooltip.wait_for(timeout=10_000)
            break
        except Exception:
            if attempt == 2:
                raise
    assert "光明区" in tooltip.inner_text() and "Guangming" in tooltip.inner_text()
    page.mouse.click(x, y)
    page.get_by_text("深圳北部中心、科技创新中心、重要交通枢纽", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_text("ch06-s01-p11", exact=False).count() >= 1
    page.screenshot(path=str(SHOTS / "profile.png"), full_page=True)
    assert offline_page.external == []


def test_filter_changes_map_and_table(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    page.wait_for_function("() => true", polling=250)
    before_features = project_feature_count(frame)
    folium_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    folium_frame.evaluate("() => { map_div.__sentinel = 'same map'; }")
    before_caption = page.get_by_text("共 ", exact=False).filter(has_text="项").first.inner_text()
    box = page.get_by_label("名称筛选(中文或英文)")
    box.fill("机场")
    box.press("Enter")
    page.wait_for_function(
        "before => !document.body.innerText.includes(before)", arg=before_caption, timeout=30_000, polling=250)
    after_caption = page.get_by_text("共 ", exact=False).filter(has_text="项").first.inner_text()
    assert after_caption != before_caption
    frame = map_frame(page)
    assert before_features > 0
    next(f for f in page.frames if "streamlit_folium" in f.url).wait_for_function(
        f"() => [...document.querySelectorAll('path.leaflet-interactive')].filter(e => "
        f"!{list(DISTRICT_FILLS)!r}.includes(e.getAttribute('fill'))).length < {before_features}", polling=100)
    after_features = project_feature_count(frame)
    assert after_features < before_features
    # the legend's counts follow the filter: they add up to the features drawn (counted again just after)
    next(f for f in page.frames if "streamlit_folium" in f.url).wait_for_function(
        "n => { const c = [...document.querySelectorAll('.map-legend [data-group]')].map(e => "
        "parseInt(e.textContent || '0', 10)); return c.length === 7 && c.reduce((a, b) => a + b, 0) === n; }",
        arg=after_features, polling=100)
    assert after_features > 0
    # only the project layers changed: the Leaflet map object (and the base layers) survived
    folium_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert folium_frame.evaluate("() => map_div.__sentinel") == "same map"
    assert "ch" not in page.url or "q=" in page.url
    assert "query=%E6%9C%BA%E5%9C%BA" in page.url or "query=机场" in page.url
    page.screenshot(path=str(SHOTS / "filtered.png"), full_page=True)
    assert offline_page.external == []


# Each drawn item's Leaflet layer, marked with the first time it was seen (static/items.js creates it once).
MARK_JS = """() => { const seen = []; map_div.eachLayer(l => {
  if (l.feature && l.feature.properties && l.feature.properties.group) {
    l.__seen = l.__seen || 'first'; seen.push(l.feature.properties.id); } }); return seen.sort(); }"""


def test_a_filter_change_shows_and_hides_the_items_already_in_the_map(app_url, offline_page):
    """The items arrive once: clearing a filter shows again the very shapes drawn before it, none built anew."""
    page = offline_page.page
    page.goto(app_url)
    map_frame(page).locator(".district-label").nth(10).wait_for(state="attached")
    fframe = next(f for f in page.frames if "streamlit_folium" in f.url)
    fframe.wait_for_function("() => map_div._szItems && map_div._szItems.on.some(v => v)", polling=100)
    first = fframe.evaluate(MARK_JS)
    assert len(first) > 100
    box = page.get_by_label("名称筛选(中文或英文)")
    for query, fewer in (("机场", True), ("", False)):
        box.fill(query)
        box.press("Enter")
        fframe.wait_for_function(
            "([n, fewer]) => { let k = 0; map_div.eachLayer(l => { if (l.feature && l.feature.properties"
            " && l.feature.properties.group) k++; }); return fewer ? k < n : k === n; }", arg=[len(first), fewer],
            polling=100)
    again = fframe.evaluate("() => { const ids = []; map_div.eachLayer(l => { if (l.__seen) ids.push("
                            "l.feature.properties.id); }); return ids.sort(); }")
    assert again == first  # the same layer objects, not new ones


REPORTS_JS = """() => { const S = window.Streamlit, send = S.setComponentValue; window.__reports = [];
  S.setComponentValue = function (v) {
    window.__reports.push({handover: v.handover || null, at: performance.timeOrigin + performance.now(),
                           shown: map_div._szItems.on.reduce((a, b) => a + b, 0)});
    return send.call(S, v); }; }"""
CAPTION_JS = """before => { window.__captionAt = null; const seen = () => [...document.querySelectorAll(
  '[data-testid="stCaptionContainer"]')].some(e => /共 \\d+ 项/.test(e.innerText) && !e.innerText.includes(before));
  new MutationObserver((_, obs) => { if (seen()) { window.__captionAt = performance.timeOrigin + performance.now();
  obs.disconnect(); } }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def test_a_filter_change_draws_the_map_first_and_the_page_follows_when_the_map_says_it_has_drawn(
        app_url, offline_page):
    """A filter change brings the map's new items first; the map then says it has drawn them, and only then does
    the rest of the page (the counts, the table) come, so that it does not compete with the drawing."""
    page = offline_page.page
    page.goto(app_url)
    map_frame(page).locator(".district-label").nth(10).wait_for(state="attached")
    box = page.get_by_label("名称筛选(中文或英文)")  # the controls come once the map has said it is drawn
    fframe = folium_frame(page)
    fframe.wait_for_function("() => map_div._szItems && map_div._szItems.on.some(v => v)", polling=100)
    shown_before = fframe.evaluate("() => map_div._szItems.on.reduce((a, b) => a + b, 0)")
    fframe.evaluate(REPORTS_JS)
    before = page.get_by_text("共 ", exact=False).filter(has_text="项").first.inner_text()
    page.evaluate(CAPTION_JS, before)
    box.fill("机场")
    box.press("Enter")
    page.wait_for_function("() => window.__captionAt !== null", polling=100)
    reports = fframe.evaluate("() => window.__reports")
    handovers = [r for r in reports if r["handover"]]
    assert len(handovers) == 1, reports
    report = handovers[0]
    assert 0 < report["shown"] < shown_before  # reported once the filtered items were on the map
    assert page.evaluate("() => window.__captionAt") > report["at"]  # and the counts came after the report
    assert "项" in page.get_by_text("共 ", exact=False).filter(has_text="项").first.inner_text()


def test_a_filter_change_moves_the_map_before_it_adds_the_items_so_each_is_placed_once(app_url, offline_page):
    """The map moves to frame a new result before the result's items come onto it: an item added first would be
    placed for the old view and then placed again for the new one (every shape, at many items)."""
    page = offline_page.page
    page.goto(app_url)
    map_frame(page).locator(".district-label").nth(10).wait_for(state="attached")
    box = page.get_by_label("名称筛选(中文或英文)")
    fframe = folium_frame(page)
    fframe.wait_for_function("() => map_div._szItems && map_div._szItems.on.some(v => v)", polling=100)
    all_items = fframe.evaluate("() => map_div._szItems.on.reduce((a, b) => a + b, 0)")
    box.fill("机场")
    box.press("Enter")
    fframe.wait_for_function("n => map_div._szItems.on.reduce((a, b) => a + b, 0) < n", arg=all_items, polling=100)
    view = fframe.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
    kept = fframe.evaluate("() => map_div._szItems.on.reduce((a, b) => a + b, 0)")
    fframe.evaluate("""() => { window.__order = [];
      map_div.on('viewreset', () => window.__order.push('move'));
      Object.values(window.szItemGroups).forEach(g => g.on('layeradd', () => window.__order.push('add'))); }""")
    box.fill("")
    box.press("Enter")
    fframe.wait_for_function("n => map_div._szItems.on.reduce((a, b) => a + b, 0) === n", arg=all_items, polling=100)
    order = fframe.evaluate("() => window.__order")
    moved = fframe.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
    assert moved != view  # the whole city is framed again
    assert order.count("add") == all_items - kept > 0  # every other item came back onto the map
    assert order[0] == "move" and "move" not in order[1:], order[:5]  # moved once, before the first item came


def test_map_position_goes_into_the_link_without_rerunning(app_url, offline_page, browser):
    page = offline_page.page
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(app_url + "/?ch=6")
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    page.wait_for_timeout(2000)
    settled = len(sent)
    assert settled > 0, "the page asked the server for its first run over the websocket"
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("() => new URL(location.href).searchParams.has('zoom')", timeout=10_000, polling=250)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    assert len(sent) == settled, "zooming the map sent messages to the server (a rerun)"
    url = page.url
    assert "ch=6" in url  # the filters stay in the link
    zoom = float(url.split("zoom=")[1].split("&")[0])
    # reopening the link shows the map at the same zoom
    other = browser.new_context()
    try:
        p2 = other.new_page()
        p2.goto(url)
        f2 = map_frame(p2)
        f2.locator(".district-label").first.wait_for()
        frames = [f for f in p2.frames if "streamlit_folium" in f.url]
        assert frames[0].evaluate("() => map_div.getZoom()") == zoom
    finally:
        other.close()


def test_project_card_shows_citation_and_precision_and_links_to_the_paragraph(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?query=西丽枢纽")
    frame = map_frame(page)
    point = frame.locator("path.leaflet-interactive[fill='#c0392b']").first  # the hub, drawn as an exact point
    point.wait_for()
    point.hover()
    tooltip = frame.locator(".leaflet-tooltip", has_text="西丽枢纽").first  # the district's own may show too
    tooltip.wait_for()
    assert "精确要素" in tooltip.inner_text()
    leaflet = folium_frame(page)
    leaflet.evaluate("() => { window.szOpened = 0; map_div.on('popupopen', () => { window.szOpened += 1; }); }")
    point.click()
    card = frame.locator(".leaflet-popup-content .card")
    card.wait_for()
    # the click also selects the item (a run of the app that outlines it and opens its card): the card the
    # click opened stays, and no second copy is opened over it
    page.wait_for_function("() => new URL(location.href).searchParams.get('item')", timeout=30_000, polling=100)
    frame.locator("path[stroke='#111']").first.wait_for(state="attached")
    opened = leaflet.evaluate("() => new Promise(r => setTimeout(() => setTimeout(() => r(window.szOpened), 0), 0))")
    assert opened == 1, f"{opened} cards were opened by one click"
    assert frame.locator(".leaflet-popup").count() == 1
    text = card.inner_text()
    for expected in ("西丽枢纽", "交通枢纽", "第三篇 · 第六章", "Part 3, Chapter 6", "南山区", "精确要素",
                     "OpenStreetMap"):
        assert expected in text, f"{expected!r} missing from the card: {text!r}"
    link = card.locator("a")
    href = link.get_attribute("href")
    assert href.startswith("/?view=plan&para=ch06-")
    # the citation opens the plan at that paragraph in a new tab (the map's frame may not navigate the page)
    with offline_page.context.expect_page() as opened:
        link.click()
    plan_page = opened.value
    plan_page.wait_for_url("**view=plan**")
    plan_page.get_by_text(href.split("para=")[1], exact=False).first.wait_for()
    assert offline_page.external == []


def test_exported_files_carry_the_filtered_rows(app_url, offline_page, tmp_path):
    import csv
    import io
    import json
    import re

    page = offline_page.page
    page.goto(app_url + "/?query=机场")
    map_frame(page)
    caption = page.get_by_text(re.compile(r"共 \d+ 项")).first
    caption.wait_for()
    found = re.search(r"共 (\d+) 项", caption.inner_text())
    assert found is not None
    n = int(found.group(1))
    assert n > 0
    with page.expect_download() as download:
        page.get_by_role("button", name="导出CSV").click()
    text = download.value.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff"), "CSV without a BOM opens garbled in Excel"
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == n and all("机场" in r["name_zh"] or "airport" in r["name_en"].lower() for r in rows)
    assert {"paragraph_id", "quote", "precision", "location_source"} <= set(rows[0])
    with page.expect_download() as download:
        page.get_by_role("button", name="导出GeoJSON").click()
    features = json.loads(download.value.path().read_text("utf-8"))["features"]
    assert [f["properties"]["id"] for f in features] == [r["id"] for r in rows]


def test_district_level_badge_lists_its_items_not_a_pin(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?prec=district")
    frame = map_frame(page)
    badge = frame.locator(".district-badge").first
    badge.wait_for()
    assert project_feature_count(frame) == 0  # items known only to their district are never drawn as shapes
    badge.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "仅知所在区的项目" in popup.inner_text() and popup.locator("li").count() == int(badge.inner_text())


def test_clicking_a_table_row_zooms_the_map_to_the_item_and_opens_its_card(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?query=西丽枢纽")
    map_frame(page)
    folium_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    zoom_before = folium_frame.evaluate("() => map_div.getZoom()")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection box of the first (only) row
    page.wait_for_url("**item=xili-hub**")
    frame = map_frame(page)
    card = frame.locator(".leaflet-popup-content .card")
    card.wait_for()
    assert "西丽枢纽" in card.inner_text()
    folium_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert folium_frame.evaluate("() => map_div.getZoom()") > zoom_before + 3
    from layers.locate import catalogue_frame

    hub = catalogue_frame().set_index("id").loc["xili-hub"].geometry
    assert folium_frame.evaluate("([lat, lon]) => map_div.getBounds().contains([lat, lon])", [hub.y, hub.x])


def test_presentation_link_opens_a_full_width_map_without_the_sidebar(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?present=1")
    frame = map_frame(page)
    frame.locator(".district-label").nth(10).wait_for(state="attached")  # some are hidden where they overlap
    sidebar = page.locator("[data-testid='stSidebar']").bounding_box()
    assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0, "the sidebar should start folded away"
    # the map is as tall as the screen allows (sized once drawn): it ends on the screen
    page.wait_for_function("""() => {
        const r = document.querySelector("iframe[title*='streamlit_folium']").getBoundingClientRect();
        return r.bottom <= innerHeight && r.height >= 0.55 * innerHeight;
    }""", polling=250)
    iframe = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
    assert iframe["width"] > 0.8 * page.viewport_size["width"]
