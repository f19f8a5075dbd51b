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
from layers.basemaps import BASEMAPS
from layers.map_layers import (Legend, OfflineMap, base_map, card_lookup_json, district_geojson,
                               district_layer, display_geometry, project_layers, zoom_for)
from layers.schema import CATEGORY_GROUPS


def _links(m: folium.Map) -> list[str]:
    """The JS/CSS links the browser will load, collected the way streamlit-folium collects them."""
    out = []

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
    m = base_map(BASEMAPS["none"])
    district_layer("wgs84").add_to(m)
    for layer in project_layers(_frame(), "wgs84"):
        layer.add_to(m)
    links = _links(m)
    assert links, "the map declares its assets"
    for url in links:
        assert url.startswith(settings.STATIC_URL + "/"), url
        assert (settings.STATIC_DIR / url[len(settings.STATIC_URL) + 1:]).is_file(), url
    html = m.get_root().render()
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_no_basemap_means_no_tile_requests():
    html = base_map(BASEMAPS["none"]).get_root().render()
    assert "L.tileLayer" not in html


def test_tianditu_without_token_draws_no_tiles_and_with_token_uses_it():
    assert "L.tileLayer" not in base_map(BASEMAPS["tianditu"], token="").get_root().render()
    html = base_map(BASEMAPS["tianditu"], token="abc123").get_root().render()
    assert "tk=abc123" in html and "vec_w" in html and "cva_w" in html


def test_gaode_overlays_are_shifted_into_gcj02():
    wgs = json.loads(district_geojson("wgs84"))
    gcj = json.loads(district_geojson("gcj02"))
    for fw, fg in zip(wgs["features"], gcj["features"]):
        assert fw["properties"]["id"] == fg["properties"]["id"]
        pw = list(shape(fw["geometry"]).representative_point().coords)[0]
        ring_w = shape(fw["geometry"]).geoms[0].exterior.coords if fw["geometry"]["type"] == "MultiPolygon" \
            else shape(fw["geometry"]).exterior.coords
        ring_g = shape(fg["geometry"]).geoms[0].exterior.coords if fg["geometry"]["type"] == "MultiPolygon" \
            else shape(fg["geometry"]).exterior.coords
        for (lon, lat), (glon, glat) in list(zip(ring_w, ring_g))[::50]:
            expected = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
            assert glat == pytest.approx(expected.lat, abs=1.2e-5)  # both sides are sent rounded to 5 decimals (~1 m)
            assert glon == pytest.approx(expected.lon, abs=1.2e-5)  # both sides are sent rounded to 5 decimals (~1 m)
        assert pw  # non-empty


def test_gaode_shift_applies_to_project_layers_too():
    frame = _frame()
    wgs = project_layers(frame, "wgs84")
    gcj = project_layers(frame, "gcj02")
    def first_point(layers):
        for layer in layers:
            for child in layer._children.values():
                if isinstance(child, folium.GeoJson):
                    for f in child.data["features"]:
                        if f["geometry"]["type"] == "Point":
                            return f["geometry"]["coordinates"]
    lon, lat = first_point(wgs)
    glon, glat = first_point(gcj)
    expected = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
    assert (glat, glon) == pytest.approx((expected.lat, expected.lon), abs=1.2e-5)  # both sides are sent rounded to 5 decimals (~1 m)


def test_precision_grades_are_drawn_honestly():
    layers = project_layers(_frame(), "wgs84")
    features = {}
    for layer in layers:
        for child in layer._children.values():
            if isinstance(child, folium.GeoJson):
                for f in child.data["features"]:
                    features[f["properties"]["id"]] = f
    assert features["exact-pt"]["geometry"]["type"] == "Point"
    # an estimate is drawn as its circle of uncertainty (Leaflet L.Circle in metres), not as a pin
    assert features["approx-pt"]["properties"]["radius_m"] == 2000
    circle_layers = [c for layer in layers for c in layer._children.values()
                     if isinstance(c, folium.GeoJson) and any(f["properties"]["id"] == "approx-pt" for f in c.data["features"])]
    assert isinstance(circle_layers[0].marker, folium.Circle)
    assert circle_layers[0].style_function(features["approx-pt"])["radius"] == 2000
    assert circle_layers[0].style_function(features["approx-pt"])["dashArray"] == "6 4"
    exact_layer = [c for layer in layers for c in layer._children.values()
                   if isinstance(c, folium.GeoJson) and any(f["properties"]["id"] == "exact-pt" for f in c.data["features"])]
    assert isinstance(exact_layer[0].marker, folium.CircleMarker) and not isinstance(exact_layer[0].marker, folium.Circle)
    # exact points are solid dots, estimates are filled lightly, lines are never filled
    exact_style = exact_layer[0].style_function(features["exact-pt"])
    assert exact_style["fill"] is True and exact_style["fillOpacity"] > 0.9
    assert circle_layers[0].style_function(features["approx-pt"])["fill"] is True
    line_layer = [c for layer in layers for c in layer._children.values()
                  if isinstance(c, folium.GeoJson) and any(f["properties"]["id"] == "line" for f in c.data["features"])]
    line_style = line_layer[0].style_function(features["line"])
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
    layers = project_layers(_frame(), "wgs84")
    props = next(f["properties"] for layer in layers for c in layer._children.values()
                 if isinstance(c, folium.GeoJson) for f in c.data["features"] if f["properties"]["id"] == "exact-pt")
    assert props["para"] == "ch06-s03-p07" and props["precision"] == "exact" and props["src"] == "test"
    assert props["districts"] == ["futian"] and props["stage_phrase"]
    lookup = json.loads(card_lookup_json())
    assert lookup["citation"]["ch06-s03-p07"] == "第三篇 · 第六章 · 第三节 · 专栏5 (ch06-s03-p07)"
    assert lookup["precision"]["exact"].startswith("精确要素") and lookup["district"]["futian"].startswith("福田区 Futian")
    html = base_map(BASEMAPS["none"]).get_root().render()
    assert "window.SZ_CARD_LOOKUP" in html and "/app/static/card.js" in html


def test_cards_are_not_repeated_per_feature():
    """The popup is bound once per layer and built in the browser, not shipped as HTML in every feature."""
    layers = project_layers(_frame(), "wgs84")
    m = OfflineMap()
    for fg in layers:
        fg.add_to(m)
    rendered = m.get_root().render()
    assert "szCard(layer.feature.properties)" in rendered
    assert "<table>" not in rendered and "\\u003ctable" not in rendered


def test_display_geometry_keeps_exact_points():
    frame = _frame()
    shown = display_geometry(frame)
    assert shown.iloc[0].equals(frame.geometry.iloc[0])


def test_legend_lists_every_group_and_every_precision_symbol():
    legend = Legend({"transport": 3})
    m = OfflineMap()
    legend.add_to(m)
    html = m.get_root().render()
    for zh, en in CATEGORY_GROUPS.values():
        assert zh in html and en in html
    for word in ("Exact feature", "Proxy", "Approximate", "Schematic", "District level", "Approximate boundary"):
        assert word in html


def test_scale_bar_is_metric_only():
    html = base_map(BASEMAPS["none"]).get_root().render()
    assert "L.control.scale({imperial: false" in html and "L.control.scale()" not in html


def test_map_needs_no_jquery():
    """Every popup is bound with Leaflet alone, so the map loads one library less."""
    m = base_map(BASEMAPS["none"])
    district_layer("wgs84").add_to(m)
    for fg in project_layers(_frame(), "wgs84"):
        fg.add_to(m)
    html = m.get_root().render()
    assert "bindPopup" in html and "仅知所在区的项目" in html  # the district-level badge keeps its list
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

        def pixels(zoom: float) -> tuple[float, float]:
            scale = 256 * 2 ** zoom
            merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
            return (b[2] - b[0]) / 360 * scale, (merc(b[3]) - merc(b[1])) / (2 * math.pi) * scale

        w, h = pixels(z)
        assert w <= width and h <= height, did
        w2, h2 = pixels(z + 0.5)
        assert z == 15 or w2 > 0.85 * width or h2 > 0.85 * height, did


def test_big_screen_map_is_marked_for_presentation_sizes():
    assert "sz-big-screen" in base_map(BASEMAPS["none"], big_screen=True).get_root().render()
    assert "sz-big-screen" not in base_map(BASEMAPS["none"]).get_root().render()
    css = (settings.ROOT / "static" / "map.css").read_text(encoding="utf-8")
    assert ".sz-big-screen .district-label" in css and ".sz-big-screen .map-legend" in css


def test_zooming_to_an_estimate_shows_its_whole_circle_of_uncertainty():
    """A paragraph or item whose only location is an estimate is framed with the circle drawn for it,
    so the map shows where it may lie and its surroundings, not a view filled by the circle."""
    from layers.map_layers import view_of_items

    frame = _frame()
    estimate = frame[frame["id"] == "approx-pt"]
    radius_m = float(estimate.iloc[0]["radius_m"])
    lat, lon, zoom = view_of_items(estimate, 480, 420)
    metres_per_px = 156543.03 * math.cos(math.radians(lat)) / 2 ** zoom
    assert 2 * radius_m / metres_per_px <= 420  # the circle's diameter fits the map's height
    point = estimate.iloc[0].geometry
    assert abs(lat - point.y) < 1e-3 and abs(lon - point.x) < 1e-3
    assert view_of_items(frame[frame.geometry.isna()], 480, 420) is None


def test_a_paragraph_map_keeps_the_city_context_around_a_single_site():
    from layers.map_layers import view_of_items

    one_site = _frame()[lambda f: f["id"] == "exact-pt"]
    assert view_of_items(one_site, 480, 420)[2] > settings.PARAGRAPH_MAP_MAX_ZOOM  # an item alone: close up
    assert view_of_items(one_site, 480, 420, max_zoom=settings.PARAGRAPH_MAP_MAX_ZOOM)[2] == settings.PARAGRAPH_MAP_MAX_ZOOM


def test_the_map_cannot_be_zoomed_out_to_the_world_or_panned_away_from_the_city():
    """With no tile layer, Leaflet's own limits keep the view on Shenzhen; a link outside them is refused."""
    from layers import filters

    html = base_map(BASEMAPS["none"]).get_root().render()
    assert f'"minZoom": {settings.MAP_MIN_ZOOM}' in html and f'"maxZoom": {settings.MAP_MAX_ZOOM}' in html
    w, s, e, n = settings.MAP_MAX_BOUNDS
    bounds = re.search(r'"maxBounds":\[\[([-\d.]+),([-\d.]+),?\],\[([-\d.]+),([-\d.]+),?\],?\]', re.sub(r"\s", "", html))
    assert bounds and [float(v) for v in bounds.groups()] == pytest.approx([s, w, n, e])
    minx, miny, maxx, maxy = settings.STUDY_EXTENT
    assert w < minx and s < miny and e > maxx and n > maxy
    assert filters.map_position({"lat": "22.5", "lon": "114.05", "zoom": "3"}) is None
    assert filters.map_position({"lat": "30.0", "lon": "114.05", "zoom": "10"}) is None
