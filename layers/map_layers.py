"""Folium map layers: the offline base map, the district layer and the project layers.

No Streamlit here: the functions return folium objects so that the app, the benchmark and the
browser tests build exactly the same map. Leaflet's files are served by the app itself
(``settings.STATIC_URL``), never from a CDN, so the map works on networks without internet.
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from functools import lru_cache

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

import settings
from geo.boundaries import display_districts
from geo.coords import from_wgs84
from layers.basemaps import Basemap
from layers.schema import CATEGORIES, CATEGORY_GROUPS, PLAN_STAGES, PRECISIONS

GROUP_COLOURS: dict[str, str] = {
    "transport": "#c0392b",
    "science_education": "#1f6fb2",
    "health": "#d63384",
    "culture_sport": "#7b4fb0",
    "water_energy": "#0f9aa8",
    "ecology": "#2e8b3a",
    "zones": "#e07b00",
}

VENDOR = f"{settings.STATIC_URL}/vendor"


class OfflineMap(folium.Map):
    """A folium map whose Leaflet assets come from the app's own static files."""

    default_js = [
        ("leaflet", f"{VENDOR}/leaflet/leaflet.js"),
        ("card_js", f"{settings.STATIC_URL}/card.js"),  # project cards and tooltips, built in the browser
    ]
    default_css = [
        ("leaflet_css", f"{VENDOR}/leaflet/leaflet.css"),
        ("map_css", f"{settings.STATIC_URL}/map.css"),
    ]


def rounded(geom, decimals: int = 5):
    """Coordinates to ~1 m: what a screen shows, at a fraction of the bytes sent to the browser."""
    return None if geom is None else shapely.transform(geom, lambda xy: np.round(xy, decimals))


def _shift(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Overlays in the basemap's CRS (a copy; WGS84 input is returned as is)."""
    if crs == "wgs84":
        return gdf
    out = gdf.copy()
    out["geometry"] = [None if g is None else from_wgs84(g, crs) for g in gdf.geometry]
    return out


def zoom_for(bounds: tuple[float, float, float, float], width_px: int = 600, height_px: int = 600) -> float:
    """The zoom (in quarter levels, as the map snaps) at which lon/lat bounds fit a map of that size with a margin."""

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dlon = max(bounds[2] - bounds[0], 0.005)
    dy = max(merc(bounds[3]) - merc(bounds[1]), 0.0001)
    z = min(math.log2(0.85 * width_px * 360 / (256 * dlon)), math.log2(0.85 * height_px * 2 * math.pi / (256 * dy)))
    return max(float(settings.MAP_MIN_ZOOM), min(15.0, math.floor(z * 4) / 4))


def view_for(bounds: tuple[float, float, float, float], width_px: int, height_px: int) -> tuple[float, float, float]:
    """(lat, lon, zoom) that frames lon/lat bounds on a map of that size."""
    return (bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2, zoom_for(bounds, width_px, height_px)


def view_of_items(frame: gpd.GeoDataFrame, width_px: int, height_px: int,
                  max_zoom: float | None = None) -> tuple[float, float, float] | None:
    """(lat, lon, zoom) that frames the items as drawn: an estimate with its whole circle of
    uncertainty, so zooming to one estimate shows where it may lie and its surroundings, not
    only the inside of its circle. ``max_zoom`` keeps the district outlines in view where the
    map is about context (a paragraph's items) rather than one feature. None when none is drawn."""
    located = frame[frame.geometry.notna()]
    if located.empty:
        return None
    lat, lon, zoom = view_for(tuple(display_geometry(located).total_bounds), width_px, height_px)
    return lat, lon, min(zoom, max_zoom) if max_zoom is not None else zoom


def base_map(basemap: Basemap, token: str = "", location: tuple[float, float] | None = None,
             zoom: float | None = None, big_screen: bool = False) -> OfflineMap:
    """The map without overlays: tiles (if any) and a plain background that stays legible offline.

    ``big_screen`` enlarges the labels, legend and cards drawn inside the map for a presentation.
    """
    m = OfflineMap(
        location=list(location or settings.MAP_CENTER),
        zoom_start=zoom or settings.MAP_ZOOM,
        tiles=None,
        control_scale=False,  # a metric-only scale bar is added below
        prefer_canvas=False,
        # Leaflet's own limits (folium's min_zoom/max_zoom only reach a tile layer, and this map may
        # have none): the view cannot be zoomed out to an empty world or panned away from the city.
        minZoom=settings.MAP_MIN_ZOOM,
        maxZoom=settings.MAP_MAX_ZOOM,
        max_bounds=True,
        min_lon=settings.MAP_MAX_BOUNDS[0], min_lat=settings.MAP_MAX_BOUNDS[1],
        max_lon=settings.MAP_MAX_BOUNDS[2], max_lat=settings.MAP_MAX_BOUNDS[3],
        zoom_snap=0.25,  # fit the wide city-plus-Shenshan extent more closely than whole levels allow
    )
    CardLookup().add_to(m)
    if big_screen:
        BigScreen().add_to(m)
    MetricScale().add_to(m)
    if location is None:
        w, s_, e, n = display_districts().total_bounds
        m.fit_bounds([[s_, w], [n, e]], padding=(12, 12))  # room for the edge districts' labels
    url = basemap.tile_url(token)
    if url and not (basemap.needs_token and not token):
        folium.TileLayer(url, attr=basemap.provider.html_attribution, name=basemap.label_zh,
                         subdomains=basemap.provider.get("subdomains", "abc"),
                         max_zoom=basemap.provider.get("max_zoom", 18), control=False).add_to(m)
        if basemap.overlay is not None:
            folium.TileLayer(basemap.overlay.build_url(fill_subdomain=False, tk=token),
                             attr=basemap.overlay.html_attribution,
                             subdomains=basemap.overlay.get("subdomains", "abc"), overlay=True,
                             control=False, name=basemap.label_zh + " 注记").add_to(m)
    return m


@lru_cache(maxsize=8)
def district_geojson(crs: str) -> str:
    """The simplified district polygons as GeoJSON text in the given CRS (cached per CRS)."""
    gdf = display_districts()[["id", "name_zh", "name_en", "boundary_approximate", "geometry"]].copy()
    gdf["boundary_approximate"] = gdf["boundary_approximate"].astype(bool)
    out = _shift(gdf, crs)
    out["geometry"] = [rounded(g) for g in out.geometry]
    return out.to_json(drop_id=True)


def district_layer(crs: str, selected: str | None = None) -> folium.GeoJson:
    """District polygons with zh/en hover labels; approximate boundaries are drawn dashed."""

    def style(feature: dict) -> dict:
        props = feature["properties"]
        is_sel = props["id"] == selected
        return {
            "color": "#333" if is_sel else "#666",
            "weight": 3 if is_sel else 1.2,
            "dashArray": "6 4" if props["boundary_approximate"] else None,
            "fillColor": "#f4e3b5" if is_sel else "#f7f4ea",
            "fillOpacity": 0.55 if is_sel else 0.35,
        }

    return folium.GeoJson(
        district_geojson(crs),
        name="行政区 Districts",
        style_function=style,
        highlight_function=lambda f: {"weight": 3, "color": "#222", "fillOpacity": 0.5},
        tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en"], labels=False, sticky=True),
        control=False,
        zoom_on_click=False,
    )


def district_labels(crs: str) -> folium.FeatureGroup:
    """Permanent zh/en name labels, so the map reads on a big screen without hovering."""
    fg = folium.FeatureGroup(name="区名 District names", control=False)
    gdf = display_districts()
    for _, row in gdf.iterrows():
        pt = row.geometry.representative_point()
        if crs != "wgs84":
            pt = from_wgs84(pt, crs)
        label = (f"<div class='district-label'>{html.escape(row['name_zh'])}"
                 f"<span>{html.escape(row['name_en'])}</span></div>")
        folium.Marker([pt.y, pt.x], icon=folium.DivIcon(html=label, icon_size=(120, 34), icon_anchor=(60, 17)),
                      interactive=False).add_to(fg)
    return fg


@lru_cache(maxsize=1)
def card_lookup_json() -> str:
    """Labels shared by every project card, sent once with the base map instead of once per feature.

    Holds the category, stage and precision labels, district names and the citation of every
    paragraph the catalogue cites; ``static/card.js`` turns a feature's few properties into its card.
    """
    from district_profiles import load_profiles
    from layers.locate import catalogue_frame
    from plan_text import load_plan

    plan = load_plan()
    cited = sorted(set(catalogue_frame()["paragraph_id"]))
    lookup = {
        "category": {k: f"{zh} {en}" for k, (_, zh, en) in CATEGORIES.items()},
        "stage": {k: f"{v[0]} {v[1]}" for k, v in PLAN_STAGES.items()},
        "precision": {k: f"{v[0]} {v[1]}" for k, v in PRECISIONS.items()},
        "district": {d: f"{p.name_zh} {p.name_en}" for d, p in load_profiles().items()},
        "citation": {pid: plan.get(pid).citation_zh for pid in cited},
    }
    # UTF-8 rather than \u escapes (a third of the bytes for Chinese); "</" escaped for a <script> block
    return json.dumps(lookup, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


class CardLookup(MacroElement):
    """Puts the shared card labels on the map's window (static: a filter change does not resend them)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.SZ_CARD_LOOKUP = {{ this.lookup_json }};
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "CardLookup"
        self.lookup_json = card_lookup_json()


class ProjectCard(MacroElement):
    """Binds the project card (popup) and the hover tooltip, both drawn by ``static/card.js``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}
          .bindPopup(function(layer) { return szCard(layer.feature.properties); },
                     {maxWidth: 380, className: 'foliumpopup'})
          .bindTooltip(function(layer) { return szTip(layer.feature.properties); }, {sticky: true});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ProjectCard"


FUZZY = ("approximate", "zone")  # precision grades drawn as a circle of uncertainty


def display_geometry(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """What to draw for each item: approximate and zone points become their uncertainty circle."""
    geoms = frame.geometry.copy()
    fuzzy = frame["precision"].isin(FUZZY) & frame["radius_m"].notna() & frame.geometry.notna()
    if fuzzy.any():
        projected = frame.loc[fuzzy].geometry.to_crs(32650)
        circles = [g.buffer(float(r), quad_segs=16) for g, r in zip(projected, frame.loc[fuzzy, "radius_m"])]
        geoms.loc[fuzzy] = gpd.GeoSeries(circles, crs=32650, index=projected.index).to_crs(4326)
    return geoms


def _feature_style(feature: dict) -> dict:
    p = feature["properties"]
    colour = GROUP_COLOURS[p["group"]]
    prec = p["precision"]
    if prec == "exact":
        return {"color": "#ffffff" if p["point"] else colour, "weight": 1.5 if p["point"] else 4,
                "fill": bool(p["point"]), "fillColor": colour, "fillOpacity": 0.95, "radius": 7}
    if prec == "proxy":
        return {"color": colour, "weight": 2, "dashArray": "3 3", "fill": True, "fillColor": colour,
                "fillOpacity": 0.55, "radius": 7}
    if prec == "schematic":
        return {"color": colour, "weight": 3, "dashArray": "8 6", "opacity": 0.85}
    # approximate / zone: a dashed circle of uncertainty (radius in metres), lightly filled
    return {"color": colour, "weight": 1.5, "dashArray": "6 4", "fill": True, "fillColor": colour,
            "fillOpacity": 0.12 if prec == "zone" else 0.2, "radius": p["radius_m"]}


def project_layers(frame: gpd.GeoDataFrame, crs: str) -> list[folium.FeatureGroup]:
    """One toggleable layer per category, holding the located items of the (filtered) frame.

    Items known only to their district are drawn as a count badge on the district, never as a
    pin; items that are not located are not drawn (the table lists them).
    """
    drawn = _shift(frame[frame.geometry.notna()], crs)
    # One pass over plain records (row-wise pandas access costs more than the rest of this put together)
    columns = ["id", "name_zh", "name_en", "group", "category", "plan_stage", "stage_phrase", "paragraph_id",
               "districts", "precision", "location_source", "radius_m", "quote"]
    records = drawn[columns].to_dict("records")
    geoms = list(drawn.geometry)
    shapes = rounded(np.asarray(geoms, dtype=object)) if geoms else []
    by_category: dict[str, tuple[list[dict], list[dict]]] = {}
    for rec, geom, shape in zip(records, geoms, shapes):
        feature = {"type": "Feature", "geometry": shape.__geo_interface__,
                   "properties": _row_props(rec, geom.geom_type == "Point")}
        exact, fuzzy = by_category.setdefault(rec["category"], ([], []))
        (fuzzy if rec["precision"] in FUZZY else exact).append(feature)
    layers: list[folium.FeatureGroup] = []
    for category, (group, zh, en) in CATEGORIES.items():
        if category not in by_category:
            continue
        parts = by_category[category]
        fg = folium.FeatureGroup(name=f"{zh} {en} ({len(parts[0]) + len(parts[1])})", show=True)
        # Estimates travel as a point and a radius; Leaflet draws the circle of uncertainty (L.Circle,
        # in metres), so the browser gets a few bytes instead of a polygon per item.
        for features, marker in zip(parts, (folium.CircleMarker(radius=7), folium.Circle(radius=1000))):
            if not features:
                continue
            layer = folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                style_function=_feature_style,
                marker=marker,
                highlight_function=lambda f: {"weight": 4},
                zoom_on_click=False,
            )
            ProjectCard().add_to(layer)
            layer.add_to(fg)
        layers.append(fg)
    badge_layer = district_badges(frame, crs)
    if badge_layer is not None:
        layers.append(badge_layer)
    return layers


def selection_layer(rows: gpd.GeoDataFrame, crs: str) -> folium.FeatureGroup | None:
    """A bold outline around the selected item, with its card open, so the card and the map point at the same thing."""
    rows = rows[rows.geometry.notna()]
    if rows.empty:
        return None
    shown = _shift(gpd.GeoDataFrame(geometry=display_geometry(rows), crs=4326), crs)
    fg = folium.FeatureGroup(name="选中项目 Selected item", control=False)
    folium.GeoJson(
        shown.to_json(),
        style_function=lambda f: {"color": "#111", "weight": 4, "fillOpacity": 0, "radius": 12},
        marker=folium.CircleMarker(radius=12, keep_size=True),
        interactive=False,
    ).add_to(fg)
    anchor = _shift(rows.iloc[:1], crs).geometry.iloc[0]
    anchor = anchor if anchor.geom_type == "Point" else anchor.interpolate(0.5, normalized=True) \
        if anchor.geom_type in ("LineString", "MultiLineString") else anchor.representative_point()
    first = rows.iloc[0]
    OpenCard(_row_props(first, first.geometry.geom_type == "Point"), (round(anchor.y, 6), round(anchor.x, 6))).add_to(fg)
    return fg


class OpenCard(MacroElement):
    """Opens the selected item's card on the map (after a click, a search or a table row selection)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(fg) {
          setTimeout(function() {
            if (!fg._map || typeof szCard !== 'function') { return; }
            L.popup({maxWidth: 380, className: 'foliumpopup', autoPan: false})
              .setLatLng({{ this.latlng_json }})
              .setContent(szCard({{ this.props_json }}))
              .openOn(fg._map);
          }, 0);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, props: dict, latlng: tuple[float, float]) -> None:
        super().__init__()
        self._name = "OpenCard"
        self.props_json = json.dumps(props, ensure_ascii=False).replace("</", "<\\/")
        self.latlng_json = json.dumps(list(latlng))


def _row_props(row: Mapping, is_point: bool) -> dict:
    """The few properties a feature carries; the card's labels come from ``card_lookup_json``."""
    radius = row["radius_m"]
    props = {
        "id": row["id"],
        "name_zh": row["name_zh"],
        "name_en": row["name_en"],
        "group": row["group"],
        "category": row["category"],
        "stage": row["plan_stage"],
        "stage_phrase": row["stage_phrase"],
        "para": row["paragraph_id"],
        "districts": list(row["districts"]),
        "precision": row["precision"],
        "src": row["location_source"],
        "point": is_point,
        "radius_m": None if radius is None or pd.isna(radius) else int(radius),
    }
    if row["quote"] != row["name_zh"]:  # most quotes are the name itself; the card falls back to it
        props["quote"] = row["quote"]
    return props


def district_badges(frame: gpd.GeoDataFrame, crs: str) -> folium.FeatureGroup | None:
    """A count badge per district for items located only to district level (never a pin)."""
    level = frame[frame["precision"] == "district"]
    if level.empty:
        return None
    centres = display_districts().set_index("id").geometry.representative_point()
    fg = folium.FeatureGroup(name=f"区级定位 District-level only ({len(level)})", show=True)
    counts: dict[str, list[str]] = {}
    for _, row in level.iterrows():
        for d in row["districts"]:
            counts.setdefault(d, []).append(f"{row['name_zh']} {row['name_en']}")
    for d, names in counts.items():
        if d not in centres.index:  # a district left out of the boundaries (reported on load) has no badge
            continue
        pt = from_wgs84(centres[d], crs) if crs != "wgs84" else centres[d]
        listing = "".join(f"<li>{html.escape(n)}</li>" for n in names)
        marker = folium.Marker(
            [pt.y, pt.x],
            icon=folium.DivIcon(html=f"<div class='district-badge' title='区级定位'>{len(names)}</div>",
                                icon_size=(28, 28), icon_anchor=(14, -12)),  # just below the name label
            tooltip=f"{len(names)} 项仅知所在区 / known only to district level",
        )
        HtmlPopup(f"<b>仅知所在区的项目 Items known only to district level</b><ul>{listing}</ul>").add_to(marker)
        marker.add_to(fg)
    return fg


class HtmlPopup(MacroElement):
    """A popup with fixed HTML content, bound without jQuery (folium's Popup builds its content with $())."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html_json }}, {maxWidth: 360});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "HtmlPopup"
        self.html_json = json.dumps(html_text, ensure_ascii=False).replace("</", "<\\/")


class Legend(MacroElement):
    """A legend control on the map: category colours and how each precision grade is drawn."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: 'bottomright'});
          legend.onAdd = function() {
            var div = L.DomUtil.create('div', 'map-legend');
            div.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          legend.addTo({{ this._parent.get_name() }});
          // Counts of what is drawn per group, kept in step with filters and the layer switcher
          // in the browser (the legend itself is static, so a filter change does not resend it).
          var map = {{ this._parent.get_name() }}, pending = null;
          function recount() {
            pending = null;
            var counts = {};
            map.eachLayer(function(l) {
              var p = l.feature && l.feature.properties;
              if (p && p.group) { counts[p.group] = (counts[p.group] || 0) + 1; }
            });
            var cells = legend.getContainer().querySelectorAll('[data-group]');
            for (var i = 0; i < cells.length; i++) {
              cells[i].textContent = counts[cells[i].getAttribute('data-group')] || 0;
            }
          }
          function later() { if (!pending) { pending = setTimeout(recount, 30); } }
          map.on('layeradd layerremove', later);
          later();
        })();
        {% endmacro %}
    """)

    def __init__(self, counts: dict[str, int] | None = None, open_: bool = True):
        super().__init__()
        self._name = "Legend"
        rows = []
        for group, (zh, en) in CATEGORY_GROUPS.items():
            n = f" <span class='n' data-group='{group}'>{'' if counts is None else counts.get(group, 0)}</span>"
            rows.append(f"<div><span class='sw' style='background:{GROUP_COLOURS[group]}'></span>{zh} {en}{n}</div>")
        rows.append("<hr>")
        rows.append("<div><span class='pt exact'></span>精确要素 Exact feature</div>")
        rows.append("<div><span class='pt proxy'></span>代理点 Proxy (~500 m)</div>")
        rows.append("<div><span class='ring'></span>估计范围 Approximate / zone area</div>")
        rows.append("<div><span class='dash'></span>示意线路 Schematic line</div>")
        rows.append("<div><span class='district-badge mini'>n</span>仅知所在区 District level</div>")
        rows.append("<div><span class='sw boundary'></span>边界为近似 Approximate boundary</div>")
        self.html_json = json.dumps(
            f"<details{' open' if open_ else ''}><summary><b>图例 Legend</b></summary>"
            "<div class='note'>数字:图上所绘项目 Numbers: items drawn</div>" + "".join(rows) + "</details>",
            ensure_ascii=False)


class BigScreen(MacroElement):
    """Marks the map container so ``static/map.css`` draws its text at presentation size."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().classList.add('sz-big-screen');
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "BigScreen"


class MetricScale(MacroElement):
    """A scale bar in kilometres only: planners here do not read miles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class ViewSync(MacroElement):
    """Keeps the page URL's lat/lon/zoom in step with the map, in the browser only.

    Panning and zooming must not rerun the app, so the position is written with
    history.replaceState; the app reads it back on its next run and keeps it in shared links.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on('moveend', function() {
          try {
            var m = {{ this._parent.get_name() }}, c = m.getCenter(), w = window.top;
            var u = new URL(w.location.href);
            u.searchParams.set('lat', c.lat.toFixed(5));
            u.searchParams.set('lon', c.lng.toFixed(5));
            u.searchParams.set('zoom', String(Math.round(m.getZoom() * 100) / 100));
            w.history.replaceState(w.history.state, '', u.toString());
          } catch (e) { /* a page that embeds the map elsewhere keeps its own URL */ }
        });
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ViewSync"


class PointScale(MacroElement):
    """Smaller point symbols at city scale, full size when zoomed in, so hundreds of items stay readable."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(map) {
          function size(z) { return z <= 9 ? 3.5 : z <= 10 ? 4.5 : z <= 12 ? 6 : 7; }
          function fit(layer) {
            if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle) && !layer.options.keepSize) {
              layer.setRadius(size(map.getZoom()));
            }
          }
          map.on('layeradd', function(e) { fit(e.layer); });
          map.on('zoomend', function() { map.eachLayer(fit); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PointScale"
