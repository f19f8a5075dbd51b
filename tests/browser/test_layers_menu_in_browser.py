"""The layers menu in a real browser: seven category groups, one click hides or shows a whole group."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from layers.schema import CATEGORIES, CATEGORY_GROUPS
from tests.browser.conftest import folium_frame, map_frame

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
# Project features drawn on the map now, per category group (a hidden layer's features are not on the map).
DRAWN_JS = """() => {
  const n = {};
  map_div.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.group && p.id && l._path) { n[p.group] = (n[p.group] || 0) + 1; }
  });
  return n;
}"""


def wait_drawn(page, expected: dict[str, int]) -> None:
    folium_frame(page).wait_for_function(
        "([js, want]) => { const n = eval(js)(); return Object.keys(want).every(g => (n[g] || 0) === want[g])"
        " && Object.keys(n).every(g => g in want || n[g] === 0); }",
        arg=[DRAWN_JS, expected], polling=250)


def test_the_layers_menu_groups_categories_and_a_group_box_hides_and_shows_them(app_url, offline_page):
    page = offline_page.page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(app_url + "/")
    frame = map_frame(page)
    fframe = folium_frame(page)
    fframe.wait_for_function(f"() => Object.keys(({DRAWN_JS})()).length === {len(CATEGORY_GROUPS)}", polling=250)
    before = fframe.evaluate(DRAWN_JS)

    menu = frame.locator(".sz-layers")
    menu.hover()  # the menu opens while the pointer is over it
    frame.locator(".sz-layers.leaflet-control-layers-expanded").wait_for()
    heads = [t.strip() for t in menu.locator(".leaflet-control-layers-group-name").all_inner_texts()]
    named = [h for h in heads if h]
    assert [re.sub(r" \(\d+\)$", "", h) for h in named] == [f"{g.zh} {g.en}" for g in CATEGORY_GROUPS.values()]
    for gid, head in zip(CATEGORY_GROUPS, named, strict=True):
        assert head.endswith(f"({before[gid]})"), (head, before[gid])  # the group's count is what is drawn
        group = menu.locator(f".leaflet-control-layers-group:has(input[data-group='{gid}'])")
        rows = [t.strip() for t in group.locator("label:not(.leaflet-control-layers-group-label)").all_inner_texts()]
        listed = [k for k, c in CATEGORIES.items() for r in rows if r.startswith(f"{c.zh} {c.en} (")]
        assert len(listed) == len(rows) and all(CATEGORIES[k].group == gid for k in listed), rows
        assert sum(int(r.rsplit("(", 1)[1].rstrip(")")) for r in rows) == before[gid]
        assert group.locator("input[data-group]").is_checked()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("iframe[title*='streamlit_folium']").first.screenshot(path=str(SHOTS / "layers-menu.png"))

    # One click on a group's box: none of its categories is drawn, every other group still is.
    box = menu.locator("input[data-group='transport']")
    box.click()
    wait_drawn(page, {**before, "transport": 0})
    expect(box).not_to_be_checked()
    transport = menu.locator(".leaflet-control-layers-group:has(input[data-group='transport'])")
    assert not any(c.is_checked() for c in transport.locator("input.leaflet-control-layers-selector").all())
    legend = frame.locator(".map-legend [data-group='transport']")
    expect(legend).to_have_text("0")  # the legend counts what is drawn

    box.click()  # and back
    wait_drawn(page, before)
    expect(box).to_be_checked()
    expect(legend).to_have_text(str(before["transport"]))

    # A single category off: its group's box shows "some" (half ticked).
    transport.locator("label", has_text="机场 Airports").locator("input").click()
    fframe.wait_for_function(f"() => (({DRAWN_JS})().transport || 0) < {before['transport']}", polling=250)
    assert box.evaluate("b => b.indeterminate && !b.checked")
    assert fframe.evaluate(DRAWN_JS)["health"] == before["health"]

    # A filter change redraws the menu, listing what the filter finds; the category turned off stays off.
    box = page.get_by_label("名称筛选(中文或英文)")
    box.fill("机场")
    box.press("Enter")
    # the new menu comes with the run's script: wait for a menu without some of the seven groups
    fframe.wait_for_function("() => { const names = document.querySelectorAll("
                             "'.sz-layers .leaflet-control-layers-group-selector'); "
                             f"return names.length > 0 && names.length < {len(CATEGORY_GROUPS)}; }}", polling=250)
    expect(frame.locator(".sz-layers")).to_have_count(1)

    def group_counts() -> dict[str, int]:
        heads = [h.strip() for h in frame.locator(".sz-layers .leaflet-control-layers-group-name").all_text_contents()]
        return {gid: int(h.rsplit("(", 1)[1].rstrip(")")) for gid, g in CATEGORY_GROUPS.items() for h in heads
                if h.startswith(f"{g.zh} {g.en} (")}

    airports = frame.locator(".sz-layers label", has_text="机场 Airports").locator("input")
    expect(airports).not_to_be_checked()
    n_airports = int(frame.locator(".sz-layers label", has_text="机场 Airports").inner_text().rsplit("(", 1)[1]
                     .rstrip(")"))
    shown = group_counts()
    assert "transport" in shown and n_airports > 0
    drawn = fframe.evaluate(DRAWN_JS)
    assert drawn.get("transport", 0) == shown["transport"] - n_airports, (shown, drawn)
    assert {g: n for g, n in drawn.items() if n and g != "transport"} == {
        g: n for g, n in shown.items() if g != "transport"}
    frame.locator(".sz-layers").hover()  # the new menu starts folded
    frame.locator(".sz-layers.leaflet-control-layers-expanded").wait_for()
    airports.click()  # on again: every item the filter finds is drawn, as the menu says
    wait_drawn(page, shown)
    assert not [e for e in errors if "Error" in e], errors  # no script failed on the way (the menu's included)
