"""The map layers: offline assets, GCJ-02 shift for Gaode, and honest drawing of each precision grade."""
from __future__ import annotations

import json
import math
import re

import folium
import geopandas as gpd
import prcoords
import pytest
from shapely.geometry import LineString, Point, shape

import settings
from district_profiles import load_profiles
from layers.basemaps import BASEMAPS
from layers.geometry import display_geometry
from layers.locate import catalogue_frame
from layers.map_assembly import AssembledMap
from layers.map_controls import Legend
from layers.map_layers import (
    MapLabels,
    OfflineMap,
    base_map,
    district_geojson,
    district_layer,
    legend_groups,
    map_labels,
)
from layers.schema import CATEGORY_GROUPS
from layers.viewport import view_of_items, zoom_for
from plan_text import load_plan


def labels() -> MapLabels:
    return map_labels(load_plan(), load_profiles(), catalogue_frame())


def sent_args(built: AssembledMap) -> dict:
    """What the map component is called with for ``built`` (as ``interface.map_component.draw_map`` calls it)."""
    from interface.map_component import component_args, render_base

    return component_args(render_base(built.base), built, key="k", height=600,
                          returned_objects=["last_active_drawing"]).kwargs


def drawn_features(built: AssembledMap) -> dict[str, dict]:
    """The project features the browser draws for ``built``, per item id: read from the items sent with the base map
    and the run's show script, with what ``static/items.js`` makes of them: the style (the precision grade's
    template with the colour and radius filled in), the tracked status the card shows, and the Leaflet class a
    point becomes ("circlemarker": a dot of fixed pixel size, "circle": metres on the ground)."""
    assert built.items is not None
    data = json.loads(built.items.data_json)
    found = re.search(r"szItems\.show\(map_div, (\{.*\})\);", built.show)
    assert found, built.show[:200]
    payload = json.loads(found.group(1))
    out: dict[str, dict] = {}
    for k, n in enumerate(payload["i"]):
        feature = data["features"][n]
        props = dict(feature["properties"])
        if "s" in payload:
            props.update(tracked=payload["S"][payload["s"][k]], tracked_as_of=payload["D"][payload["d"][k]],
                         outcome=payload["O"][payload["o"][k]])
        colour = (payload["C"][payload["c"][k]] if "c" in payload else "") or data["colours"][props["group"]]
        template = data["styles"][props["precision"] + (":pt" if props["point"] else "")]
        style = {key: colour if v == "@colour" else props["radius_m"] if v == "@radius" else v
                 for key, v in template.items()}
        marker = None
        if feature["geometry"]["type"] == "Point":
            marker = "circle" if props["precision"] in data["fuzzy"] else "circlemarker"
        out[props["id"]] = dict(feature, properties=props, style=style, marker=marker)
    return out


def built_map(frame: gpd.GeoDataFrame, basemap: str = "none", **kwargs) -> AssembledMap:
    from layers.filters import ViewState
    from layers.map_assembly import assemble_map

    return assemble_map(frame, ViewState(basemap=basemap), labels(), **kwargs)


def _links(m: folium.Map) -> list[str]:
    """The JS/CSS links the browser will load, collected the way streamlit-folium collects them."""
    out: list[str] = []

    def walk(el):
        out.extend(u for _, u in getattr(el, "default_js", []))
        out.extend(u for _, u in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return out


def _frame() -> gpd.GeoDataFrame:
    base = dict(part=3, chapter=6, section=3, column=5, paragraph_id="ch06-s03-p07", quote="深圳机场三跑道",
                stage_phrase="完成", plan_stage="complete", plan_districts=[], location_source="test",
                location_method="point", cited_in=["ch06-s03-p07"], name_en="x")
    rows = [
        dict(base, id="exact-pt", name_zh="甲", category="hub", group="transport", precision="exact",
             districts=["futian"], radius_m=None),
        dict(base, id="approx-pt", name_zh="乙", category="laboratory", group="science_education",
             precision="approximate", districts=["nanshan"], radius_m=2000),
        dict(base, id="line", name_zh="丙", category="railway", group="transport", precision="schematic",
             districts=["longgang"], radius_m=None),
        dict(base, id="district-only", name_zh="丁", category="hospital", group="health", precision="district",
             districts=["pingshan"], radius_m=None),
        dict(base, id="not-located", name_zh="戊", category="water", group="water_energy", precision="none",
             districts=[], radius_m=None),
    ]
    geoms = [Point(114.05, 22.54), Point(113.95, 22.58), LineString([(114.1, 22.6), (114.3, 22.7)]), None, None]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def test_every_asset_is_served_by_the_app_itself():
    m = base_map(BASEMAPS["none"], labels())
    district_layer("wgs84").add_to(m)
    built = built_map(_frame())
    for layer in built.layers:
        layer.add_to(m)
    links = _links(m) + sent_args(built)["js_links"] + sent_args(built)["css_links"]
    assert links, "the map declares its assets"
    assert f"{settings.STATIC_URL}/items.js" in links
    for url in links:
        assert url.startswith(settings.STATIC_URL + "/"), url
        assert (settings.STATIC_DIR / url[len(settings.STATIC_URL) + 1:]).is_file(), url
    html = m.get_root().render()
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_no_basemap_means_no_tile_requests():
    html = base_map(BASEMAPS["none"], labels()).get_root().render()
    assert "L.tileLayer" not in html


def test_tianditu_without_token_draws_no_tiles_and_with_token_uses_it():
    assert "L.tileLayer" not in base_map(BASEMAPS["tianditu"], labels(), token="").get_root().render()
    html = base_map(BASEMAPS["tianditu"], labels(), token="abc123").get_root().render()
    assert "tk=abc123" in html and "vec_w" in html and "cva_w" in html


def test_gaode_overlays_are_shifted_into_gcj02():
    wgs = json.loads(district_geojson("wgs84"))
    gcj = json.loads(district_geojson("gcj02"))
    for fw, fg in zip(wgs["features"], gcj["features"], strict=True):
        assert fw["properties"]["id"] == fg["properties"]["id"]
        pw = list(shape(fw["geometry"]).representative_point().coords)[0]
        ring_w = shape(fw["geometry"]).geoms[0].exterior.coords if fw["geometry"]["type"] == "MultiPolygon" \
            else shape(fw["geometry"]).exterior.coords
        ring_g = shape(fg["geometry"]).geoms[0].exterior.coords if fg["geometry"]["type"] == "MultiPolygon" \
            else shape(fg["geometry"]).exterior.coords
        for (lon, lat), (glon, glat) in list(zip(ring_w, ring_g, strict=True))[::50]:
            expected = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
            assert glat == pytest.approx(expected.lat, abs=1.2e-5)  # both sides are sent rounded to 5 decimals (~1 m)
            assert glon == pytest.approx(expected.lon, abs=1.2e-5)  # both sides are sent rounded to 5 decimals (~1 m)
        assert pw  # non-empty


def test_gaode_shift_applies_to_project_layers_too():
    frame = _frame()
    lon, lat = drawn_features(built_map(frame))["exact-pt"]["geometry"]["coordinates"]
    glon, glat = drawn_features(built_map(frame, "gaode"))["exact-pt"]["geometry"]["coordinates"]
    expected = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
    # both sides are sent rounded to 5 decimals (~1 m)
    assert (glat, glon) == pytest.approx((expected.lat, expected.lon), abs=1.2e-5)


def test_precision_grades_are_drawn_honestly():
    built = built_map(_frame())
    layers = built.layers
    features = drawn_features(built)
    assert features["exact-pt"]["geometry"]["type"] == "Point"
    # an estimate is drawn as its circle of uncertainty (Leaflet L.Circle in metres), not as a pin
    assert features["approx-pt"]["properties"]["radius_m"] == 2000
    assert features["approx-pt"]["marker"] == "circle"
    assert features["approx-pt"]["style"]["radius"] == 2000
    assert features["approx-pt"]["style"]["dashArray"] == "6 4"
    assert features["exact-pt"]["marker"] == "circlemarker"
    # exact points are solid dots, estimates are filled lightly, lines are never filled
    exact_style = features["exact-pt"]["style"]
    assert exact_style["fill"] is True and exact_style["fillOpacity"] > 0.9
    assert features["approx-pt"]["style"]["fill"] is True
    line_style = features["line"]["style"]
    assert not line_style.get("fill") and line_style["dashArray"] == "8 6"
    assert features["line"]["geometry"]["type"] == "LineString"
    # district-level and unlocated items are never drawn as features
    assert "district-only" not in features and "not-located" not in features
    badge_layers = [layer for layer in layers if "District-level" in layer.layer_name]
    assert len(badge_layers) == 1
    m = OfflineMap()
    badge_layers[0].add_to(m)
    assert "丁" in m.get_root().render()


def test_popup_card_data_carries_citation_precision_and_source():
    """Each feature carries what its card shows; the shared labels travel once, with the base map."""
    props = drawn_features(built_map(_frame()))["exact-pt"]["properties"]
    assert props["para"] == "ch06-s03-p07" and props["precision"] == "exact" and props["src"] == "test"
    assert props["districts"] == ["futian"] and props["stage_phrase"]
    lookup = json.loads(labels().card_lookup_json)
    assert lookup["citation"]["ch06-s03-p07"] == "第三篇 · 第六章 · 第三节 · 专栏5 (ch06-s03-p07)"
    assert lookup["citation_en"]["ch06-s03-p07"] == "Part 3, Chapter 6, Section 3, Box 5 (ch06-s03-p07)"
    assert lookup["precision"]["exact"].startswith("精确要素")
    assert lookup["district"]["futian"].startswith("福田区 Futian")
    html = base_map(BASEMAPS["none"], labels()).get_root().render()
    assert "window.SZ_CARD_LOOKUP" in html and "/app/static/card.js" in html


def test_cards_are_not_repeated_per_feature():
    """The popup is bound once per category and built in the browser, not shipped as HTML in every feature."""
    args = sent_args(built_map(_frame()))
    sent = args["script"] + args["feature_group"]
    assert "szMap.bindCard(group)" in (settings.STATIC_DIR / "items.js").read_text(encoding="utf-8")
    assert "szCard(l.feature.properties)" in (settings.STATIC_DIR / "map_controls.js").read_text(encoding="utf-8")
    assert "<table>" not in sent and "\\u003ctable" not in sent


def test_display_geometry_keeps_exact_points():
    frame = _frame()
    shown = display_geometry(frame)
    assert shown.iloc[0].equals(frame.geometry.iloc[0])


def test_legend_lists_every_group_and_every_precision_symbol():
    legend = Legend(legend_groups(), {"transport": 3})
    m = OfflineMap()
    legend.add_to(m)
    html = m.get_root().render()
    for zh, en in CATEGORY_GROUPS.values():
        assert zh in html and en in html
    for word in ("Exact feature", "Proxy", "Approximate", "Schematic", "District level", "Approximate boundary"):
        assert word in html


def test_scale_bar_is_metric_only():
    html = base_map(BASEMAPS["none"], labels()).get_root().render()
    script = (settings.STATIC_DIR / "map_controls.js").read_text(encoding="utf-8")
    assert "szMap.metricScale(" in html and "L.control.scale({imperial: false" in script
    assert "L.control.scale()" not in html + script


def test_map_needs_no_jquery():
    """Every popup is bound with Leaflet alone, so the map loads one library less."""
    m = base_map(BASEMAPS["none"], labels())
    district_layer("wgs84").add_to(m)
    for fg in built_map(_frame()).layers:
        fg.add_to(m)
    html = m.get_root().render()
    assert "szMap.districtBadges(" in html and "仅知所在区的项目" in html  # the district-level badge keeps its list
    assert "$(" not in html and "jquery" not in html.lower()


@pytest.mark.parametrize("width, height", [(480, 430), (600, 620), (1800, 720)])
def test_zoom_for_frames_a_district_inside_the_map(width, height):
    """At the chosen zoom the district's bounds fit the map, and a quarter level more would not leave a margin."""
    import math

    from geo.boundaries import load_districts

    for did, geom in load_districts().set_index("id").geometry.items():
        b = geom.bounds
        z = zoom_for(b, width, height)
        assert z * 4 == int(z * 4)  # quarter levels, as the map snaps

        def pixels(zoom: float, b: tuple[float, ...] = b) -> tuple[float, float]:
            scale = 256 * 2 ** zoom
            merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
            return (b[2] - b[0]) / 360 * scale, (merc(b[3]) - merc(b[1])) / (2 * math.pi) * scale

        w, h = pixels(z)
        assert w <= width and h <= height, did
        w2, h2 = pixels(z + 0.5)
        assert z == 15 or w2 > 0.85 * width or h2 > 0.85 * height, did


def test_big_screen_map_is_marked_for_presentation_sizes():
    assert "szMap.bigScreen(" in base_map(BASEMAPS["none"], labels(), big_screen=True).get_root().render()
    assert "szMap.bigScreen(" not in base_map(BASEMAPS["none"], labels()).get_root().render()
    script = (settings.STATIC_DIR / "map_controls.js").read_text(encoding="utf-8")
    assert 'classList.add("sz-big-screen")' in script
    css = (settings.ROOT / "static" / "map.css").read_text(encoding="utf-8")
    assert ".sz-big-screen .district-label" in css and ".sz-big-screen .map-legend" in css


def test_zooming_to_an_estimate_shows_its_whole_circle_of_uncertainty():
    """A paragraph or item whose only location is an estimate is framed with the circle drawn for it,
    so the map shows where it may lie and its surroundings, not a view filled by the circle."""
    frame = _frame()
    estimate = frame[frame["id"] == "approx-pt"]
    radius_m = float(estimate.iloc[0]["radius_m"])
    view = view_of_items(estimate, 480, 420)
    assert view is not None
    lat, lon, zoom = view
    metres_per_px = 156543.03 * math.cos(math.radians(lat)) / 2 ** zoom
    assert 2 * radius_m / metres_per_px <= 420  # the circle's diameter fits the map's height
    point = estimate.iloc[0].geometry
    assert abs(lat - point.y) < 1e-3 and abs(lon - point.x) < 1e-3
    assert view_of_items(frame[frame.geometry.isna()], 480, 420) is None


def test_a_paragraph_map_keeps_the_city_context_around_a_single_site():
    one_site = _frame()[lambda f: f["id"] == "exact-pt"]
    alone = view_of_items(one_site, 480, 420)
    capped = view_of_items(one_site, 480, 420, max_zoom=settings.PARAGRAPH_MAP_MAX_ZOOM)
    assert alone is not None and capped is not None
    assert alone[2] > settings.PARAGRAPH_MAP_MAX_ZOOM  # an item alone: close up
    assert capped[2] == settings.PARAGRAPH_MAP_MAX_ZOOM


def test_the_map_cannot_be_zoomed_out_to_the_world_or_panned_away_from_the_city():
    """With no tile layer, Leaflet's own limits keep the view on Shenzhen; a link outside them is refused."""
    from layers import filters

    html = base_map(BASEMAPS["none"], labels()).get_root().render()
    assert f'"minZoom": {settings.MAP_MIN_ZOOM}' in html and f'"maxZoom": {settings.MAP_MAX_ZOOM}' in html
    w, s, e, n = settings.MAP_MAX_BOUNDS
    flat = re.sub(r"\s", "", html)
    bounds = re.search(r'"maxBounds":\[\[([-\d.]+),([-\d.]+),?\],\[([-\d.]+),([-\d.]+),?\],?\]', flat)
    assert bounds and [float(v) for v in bounds.groups()] == pytest.approx([s, w, n, e])
    minx, miny, maxx, maxy = settings.STUDY_EXTENT
    assert w < minx and s < miny and e > maxx and n > maxy
    assert filters.map_position({"lat": "22.5", "lon": "114.05", "zoom": "3"}) is None
    assert filters.map_position({"lat": "30.0", "lon": "114.05", "zoom": "10"}) is None


def test_one_assembly_gives_the_app_and_the_benchmark_the_same_map():
    """assemble_map returns the base map, the project layers, the layer control and the focus that
    st_folium takes; the main map keeps the page URL in step, the others do not."""
    from layers.filters import ViewState
    from layers.map_assembly import assemble_map

    frame = _frame()
    built = assemble_map(frame, ViewState(item="exact-pt"), labels(), focus=(22.5, 114.0, 13.0))
    html = built.base.get_root().render()
    assert "szViewSync(" in html and "/app/static/view_sync.js" in html
    assert "szMap.legend(" in html and "szMap.districtTooltip(" in html
    assert set(drawn_features(built)) == {"exact-pt", "approx-pt", "line"}
    assert any("Selected item" in fg.layer_name for fg in built.layers)  # the selection with its open card
    assert (built.center, built.zoom) == ([22.5, 114.0], 13.0)
    # the run's show script carries the same view, which static/items.js applies before it adds the items
    assert '"v":[22.5,114.0,13.0]' in built.show.replace(" ", "")
    other = assemble_map(frame, ViewState(), labels(), sync_view=False)
    assert "szViewSync(" not in other.base.get_root().render() and other.center is None
    assert '"v"' not in other.show


def test_features_can_be_coloured_by_another_column():
    """The hook for colouring by an extra column (a tracked status, later): group colours otherwise."""
    from layers.map_layers import GROUP_COLOURS

    frame = _frame().assign(tracked_status=["late", "on_time", "late", None, None])
    plain = drawn_features(built_map(frame))
    assert plain["exact-pt"]["style"]["fillColor"] == GROUP_COLOURS["transport"]
    coloured = drawn_features(built_map(frame, colour_by="tracked_status",
                                        colours={"late": "#ff0000", "on_time": "#00ff00"}))
    assert coloured["exact-pt"]["style"]["fillColor"] == "#ff0000"
    assert coloured["approx-pt"]["style"]["fillColor"] == "#00ff00"


def test_the_assembled_map_has_an_offline_locator_and_opens_on_the_core_city():
    from layers.filters import ViewState
    from layers.map_assembly import assemble_map

    built = assemble_map(_frame(), ViewState(), labels())
    html = built.base.get_root().render()
    assert "L.Control.MiniMap" in static_text("map_controls.js") and "szMap.locator(" in html
    assert f"{settings.STATIC_URL}/vendor/leaflet-minimap/Control.MiniMap.js" in html
    assert "cdnjs" not in html
    for url in _links(built.base):
        assert (settings.STATIC_DIR / url[len(settings.STATIC_URL) + 1:]).is_file(), url
    bounds = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert bounds is not None
    from layers.map_layers import display_districts

    shenshan = display_districts().set_index("id").loc["shenshan"].geometry
    assert float(bounds.group(4)) < shenshan.bounds[0], "the first view stops short of Shenzhen-Shanwei"


def static_text(name: str) -> str:
    return (settings.STATIC_DIR / name).read_text("utf-8")


def test_display_bounds_are_the_bounds_of_what_is_drawn():
    from layers.geometry import display_bounds

    frame = catalogue_frame()
    drawn = frame[frame.geometry.notna()]
    for sub in (drawn, drawn[drawn["precision"].isin(["approximate", "zone"])], drawn.head(1)):
        expected = display_geometry(sub).total_bounds
        got = display_bounds(sub)
        assert all(abs(a - b) < 2e-4 for a, b in zip(got, expected, strict=True)), (got, expected)  # ~20 m
    # items without a location (district-level) are left out, without the caller having to drop them first
    assert frame.geometry.isna().any()
    assert display_bounds(frame) == display_bounds(drawn)
