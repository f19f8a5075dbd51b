"""The map component gets exactly what st_folium would send for the same map, with the base map rendered once."""
from __future__ import annotations

import pytest
import streamlit_folium as sf
from streamlit_folium import st_folium

from bench.run import bench_labels
from interface import map_component
from interface.map_component import BaseCache, component_args, render_base
from layers import filters
from layers.item_layers import MapItems
from layers.locate import catalogue_frame
from layers.map_assembly import assemble_base, assemble_map

STATES = [
    filters.ViewState(),
    filters.ViewState(basemap="gaode", district="longgang", item="qianhai-hub",
                      filters={"categories": ("railway", "airport")}),
    filters.ViewState(basemap="osm", present=True, query="大学"),
]


def st_folium_call(built, key: str, height: int) -> dict:
    seen: dict = {}

    def capture(**kwargs):
        seen.update(kwargs)

    original = sf._component_func
    sf._component_func = capture
    try:
        st_folium(built.base, key=key, height=height, use_container_width=True, feature_group_to_add=built.layers,
                  layer_control=built.control, center=built.center, zoom=built.zoom,
                  returned_objects=["last_active_drawing"])
    finally:
        sf._component_func = original
    seen.pop("on_change")
    return seen


@pytest.mark.parametrize("state", STATES)
def test_the_component_gets_what_st_folium_would_send_and_the_items_once(state):
    """Base map, run's layers and menu as st_folium would send them; the items follow the base map in its script
    and the run adds only which to show."""
    frame = filters.apply(catalogue_frame(), state)
    labels = bench_labels()
    focus = (22.54, 113.9, 14.0)
    items = MapItems(catalogue_frame())
    full = assemble_map(frame, state, labels, items=items, focus=focus)
    for ref in full.categories or []:  # the items' categories, as the layers menu names them
        full.base.add_child(ref, name=ref.get_name())
    theirs = st_folium_call(full, "plan_map", 620)
    built = assemble_map(frame, state, labels, items=items, focus=focus, base=False)
    assert built.spec is not None and built.items is not None
    ours = component_args(render_base(assemble_base(built.spec, labels)), built, key="plan_map", height=620,
                          returned_objects=["last_active_drawing"]).kwargs
    assert ours.keys() == theirs.keys()
    assert ours["script"] == theirs["script"] + built.items.init_script()
    assert ours["feature_group"] == built.show + theirs["feature_group"]
    assert built.show.startswith("\nszItems.show(map_div, {") and len(built.show) < 40 * len(built.items.ids) + 400
    for name in set(theirs) - {"script", "feature_group", "key"}:
        assert ours[name] == theirs[name], name
    assert "szMap.groupedLayers(map_div" in ours["layer_control"]
    # another item set is another map in the page; the same one keeps the map
    again = component_args(render_base(assemble_base(built.spec, labels)), built, key="plan_map", height=620,
                           returned_objects=["last_active_drawing"]).kwargs
    assert again["key"] == ours["key"]
    other = assemble_map(frame, state, labels, items=MapItems(catalogue_frame().head(5)), base=False)
    assert component_args(render_base(assemble_base(built.spec, labels)), other, key="plan_map", height=620,
                          returned_objects=["last_active_drawing"]).kwargs["key"] != ours["key"]


def test_a_base_map_is_rendered_once_per_spec():
    cache = BaseCache(size=2)
    labels = bench_labels()
    calls = []
    real = map_component.assemble_base

    def counting(spec, lab):
        calls.append(spec)
        return real(spec, lab)

    map_component.assemble_base = counting
    try:
        state = filters.ViewState()
        spec = assemble_map(catalogue_frame().head(3), state, labels, base=False).spec
        assert spec is not None
        first = cache.get(spec, labels)
        again = cache.get(spec, labels)
        other = assemble_map(catalogue_frame().head(3), state.with_(basemap="osm"), labels, base=False).spec
        assert other is not None
        cache.get(other, labels)
        assert first is again and len(calls) == 2
        assert cache.get(spec, labels) is first and len(calls) == 2
    finally:
        map_component.assemble_base = real


def test_the_layers_menu_still_lists_the_base_maps_own_layers():
    import folium

    from layers.map_assembly import AssembledMap

    def build() -> AssembledMap:
        m = folium.Map(tiles=None)
        folium.TileLayer("OpenStreetMap", name="OSM 底图").add_to(m)
        folium.FeatureGroup(name="区界 Districts").add_to(m)
        fg = folium.FeatureGroup(name="项目 Projects")
        folium.CircleMarker([22.5, 114.0], radius=5).add_to(fg)
        return AssembledMap(m, [fg], folium.LayerControl(), None, None)

    theirs = st_folium_call(build(), "k", 400)
    built = build()
    ours = component_args(render_base(built.base), build(), key="k", height=400,
                          returned_objects=["last_active_drawing"]).kwargs
    assert ours["layer_control"] == theirs["layer_control"]
    assert "Districts" in ours["layer_control"] and "Projects" in ours["layer_control"]


def test_another_base_map_is_another_map_in_the_page():
    """The component's key follows the base map: switching the basemap or district draws a new map (a map whose
    key stayed would keep drawing the old base map, since a drawn map's script is never run again)."""
    labels = bench_labels()
    items = MapItems(catalogue_frame())
    keys = set()
    for state in (filters.ViewState(), filters.ViewState(basemap="osm"), filters.ViewState(district="futian")):
        built = assemble_map(catalogue_frame(), state, labels, items=items, base=False)
        assert built.spec is not None
        keys.add(component_args(map_component.BASES.get(built.spec, labels), built, key="plan_map", height=620,
                                returned_objects=["last_active_drawing"]).kwargs["key"])
    assert len(keys) == 3


def test_the_items_travel_in_a_file_the_page_loads_once_not_with_every_run(tmp_path):
    """The component's arguments are sent whole on every run: with the items in a file, a run's arguments hold
    only the name of their set, and the file (loaded after static/items.js, before the map's script) files the
    very data the script would have carried under that name."""
    import json

    state = filters.ViewState(query="大学")
    labels = bench_labels()
    items = MapItems(catalogue_frame())
    built = assemble_map(filters.apply(catalogue_frame(), state), state, labels, items=items, base=False)
    assert built.spec is not None and built.items is not None
    files = map_component.ItemFiles(tmp_path / "generated", "/app/static/generated")
    url = files.url_of(built.items)
    assert url == f"/app/static/generated/{built.items.file_name}"
    path = tmp_path / "generated" / built.items.file_name
    text = path.read_text(encoding="utf-8")
    prefix = f"window.szItemData = window.szItemData || {{}};\nwindow.szItemData[\"{built.items.digest}\"] = "
    assert text.startswith(prefix)
    assert json.loads(text[len(prefix):].rstrip().rstrip(";")) == json.loads(built.items.data_json)
    base = render_base(assemble_base(built.spec, labels))
    kwargs = component_args(base, built, key="plan_map", height=620, returned_objects=["last_active_drawing"],
                            items_url=url).kwargs
    assert kwargs["script"] == base.script + f"\nszItems.init(map_div, window.szItemData[\"{built.items.digest}\"]);\n"
    assert kwargs["js_links"][-1] == url
    assert kwargs["js_links"].index("/app/static/items.js") < len(kwargs["js_links"]) - 1
    inline = component_args(base, built, key="plan_map", height=620, returned_objects=["last_active_drawing"]).kwargs
    assert len(json.dumps(kwargs)) < len(json.dumps(inline)) - len(built.items.data_json) + 1000
    # written once per process: the file is not written again
    path.write_text(text + "// kept", encoding="utf-8")
    assert files.url_of(built.items) == url and path.read_text(encoding="utf-8").endswith("// kept")


def test_where_the_items_file_cannot_be_written_the_items_travel_in_the_script(tmp_path):
    """A read-only install: the map still gets its items, in its script."""
    items = MapItems(catalogue_frame().head(20)).for_crs("wgs84")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the directory would be", encoding="utf-8")
    assert map_component.ItemFiles(blocker / "generated", "/app/static/generated").url_of(items) is None
    assert not (blocker / "generated").exists()


def test_an_existing_items_file_of_another_size_is_written_again(tmp_path):
    """A file cut short (a full disk, a copy interrupted) is not served as the items: it is written again."""
    from layers.item_layers import write_data_file

    items = MapItems(catalogue_frame().head(20)).for_crs("wgs84")
    path = write_data_file(items, tmp_path)
    path.write_text(path.read_text(encoding="utf-8")[:100], encoding="utf-8")
    write_data_file(items, tmp_path)
    assert path.read_text(encoding="utf-8") == items.data_script()


def test_the_map_frames_scripts_are_served_as_one_file_in_their_order(tmp_path):
    """One request instead of one per script (the component loads them one after another)."""
    import settings

    links = ["/app/static/vendor/leaflet/leaflet.js", "/app/static/card.js", "/app/static/map_controls.js",
             "/app/static/items.js"]
    bundles = map_component.ScriptBundles(settings.STATIC_DIR, "/app/static", tmp_path, "/app/static/generated")
    (url,) = bundles.links(links)
    assert url.startswith("/app/static/generated/scripts-") and url.endswith(".js")
    text = (tmp_path / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")
    starts = [text.index(f"/* {link} */\n") for link in links]
    assert starts == sorted(starts)
    for link in links:
        original = (settings.STATIC_DIR / link.removeprefix("/app/static/")).read_text(encoding="utf-8")
        kept = [line for line in original.splitlines() if not line.startswith("//# sourceMappingURL=")]
        assert "\n".join(kept) in text
    assert "sourceMappingURL" not in text
    assert bundles.links(links) == [url]
    # anything not among the app's static files, or missing, leaves the links as they are
    assert bundles.links([*links, "https://example.org/x.js"]) == [*links, "https://example.org/x.js"]
    assert bundles.links([*links, "/app/static/missing.js"]) == [*links, "/app/static/missing.js"]
