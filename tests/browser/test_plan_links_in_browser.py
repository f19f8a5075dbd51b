"""The plan view's cited items select them on the map: in a real browser."""
from __future__ import annotations

import re

from layers.locate import catalogue_frame, items_by_paragraph
from tests.browser.conftest import map_frame

DRAWN = {"exact", "proxy", "approximate", "zone", "schematic"}


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
