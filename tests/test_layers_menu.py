"""The map's layers menu: the project layers listed under their seven category groups, with counts."""
from __future__ import annotations

import json
import re
from collections import Counter

import settings
from layers import filters
from layers.filters import ViewState
from layers.locate import catalogue_frame
from layers.map_assembly import AssembledMap, assemble_map
from layers.map_controls import GroupedLayers
from layers.schema import CATEGORIES, CATEGORY_GROUPS
from tests.test_map_layers import drawn_features, labels, sent_args


def sent_menu(built: AssembledMap) -> tuple[dict, str]:
    """The menu's configuration and script as the map component receives them (after the run's layers)."""
    script = sent_args(built)["layer_control"]
    found = re.search(r"szMap\.groupedLayers\(map_div, (\{.*?\}),\s*\[", script, re.S)
    assert found, script[:500]
    return json.loads(found.group(1)), script


def test_every_category_is_listed_once_under_its_group_with_the_counts_drawn():
    frame = catalogue_frame()
    built = assemble_map(frame, ViewState(), labels())
    menu, _ = sent_menu(built)
    named = [g for g in menu["groups"] if g["id"]]
    assert [g["id"] for g in named] == list(CATEGORY_GROUPS)  # all seven, in the legend's order
    drawn = Counter(f["properties"]["category"] for f in drawn_features(built).values())
    assert set(drawn) <= set(CATEGORIES)
    listed: Counter[str] = Counter()
    for group in named:
        zh, en = CATEGORY_GROUPS[group["id"]]
        assert group["label"].startswith(f"{zh} {en} (")
        total = 0
        for entry in group["layers"]:
            category = next(k for k, c in CATEGORIES.items() if entry["label"].startswith(f"{c.zh} {c.en} ("))
            assert CATEGORIES[category].group == group["id"], entry
            listed[category] += 1
            found = re.search(r"\((\d+)\)$", entry["label"])
            assert found, entry
            count = int(found.group(1))
            assert count == drawn[category], entry
            total += count
        assert group["label"] == f"{zh} {en} ({total})"
    assert listed == Counter(set(drawn))  # every drawn category exactly once, none that draws nothing
    # the district-level badges (items of every group) come last, under no group
    assert [e["label"] for e in menu["groups"][-1]["layers"]] == [
        fg.layer_name for fg in built.layers if "District-level" in fg.layer_name]
    assert menu["groups"][-1]["id"] == "" and menu["collapsed"] is True


def test_a_filter_leaves_out_the_groups_it_empties():
    state = ViewState(filters={"categories": ("railway", "metro", "hospital")})
    menu, _ = sent_menu(assemble_map(filters.apply(catalogue_frame(), state), state, labels()))
    assert [(g["id"], [e["label"].split(" ")[0] for e in g["layers"]]) for g in menu["groups"] if g["id"]] == [
        ("transport", ["国家铁路", "城市轨道"]), ("health", ["医院与卫生设施"])]


def test_the_menu_is_what_streamlit_folium_replaces_and_loads_from_the_app():
    """streamlit-folium removes window.layer_control before drawing new project layers: the menu must be it."""
    built = assemble_map(catalogue_frame(), ViewState(), labels())
    _, script = sent_menu(built)
    assert "var layer_control_layer_control = szMap.groupedLayers(" in script
    assert script.rstrip().endswith("window.layer_control = layer_control_layer_control;")
    names = re.search(r"\[(szItemGroups[^\n]*)\]\);", script)
    assert built.categories is not None
    assert names and names.group(1).split(", ") == [f'szItemGroups["{c.category}"]' for c in built.categories] + [
        f"feature_group_feature_group_{i}" for i in range(len(built.layers)) if built.layers[i].control]
    assert isinstance(built.control, GroupedLayers)
    links = [u for _, u in built.control.default_js + built.control.default_css]
    assert links and all(u.startswith(f"{settings.STATIC_URL}/vendor/") for u in links)
    for url in links:
        assert (settings.STATIC_DIR / url[len(settings.STATIC_URL) + 1:]).is_file(), url
    js = (settings.STATIC_DIR / "map_controls.js").read_text("utf-8")
    assert "groupCheckboxes: true" in js and "asHtml(e.label)" in js and "asHtml(g.label)" in js


def test_the_vendored_files_are_the_ones_recorded():
    """Every file listed in static/vendor/README.md has the checksum recorded there (and the menu's are listed)."""
    import hashlib

    vendor = settings.STATIC_DIR / "vendor"
    rows = re.findall(r"\| `([^`|]+)` \| `([0-9a-f]{64})` \|", (vendor / "README.md").read_text("utf-8"))
    assert {"leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.js",
            "leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.css"} <= {f for f, _ in rows}
    for name, digest in rows:
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
