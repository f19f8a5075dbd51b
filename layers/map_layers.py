"""Folium map layers: the offline base map, the district layer, the selection and the district-level badges.

No Streamlit here: the functions return folium objects so that the app, the benchmark and the
browser tests build exactly the same map (``layers.map_assembly`` puts them together). Names and
labels shown on the map are passed in (``MapLabels``), not loaded here. Leaflet's files are served by
the app itself (``settings.STATIC_URL``), never from a CDN, so the map works on networks without internet.
"""
from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import folium
import geopandas as gpd
import pandas as pd

import settings
from district_profiles import DistrictProfile
from geo.boundaries import display_districts
from geo.coords import CrsName
from layers.basemaps import Basemap
from layers.geojson_layer import GeoJsonLayer, LayerGroup
from layers.geometry import display_geometry, rounded, shifted, shifted_geometry
from layers.map_controls import (
    CARD_JS,
    CONTROLS_JS,
    ITEMS_JS,
    BigScreen,
    CardLookup,
    DeclutterLabels,
    DistrictBadges,
    DistrictTooltip,
    MetricScale,
    OpenCard,
    script_json,
)
from layers.schema import CATEGORIES, CATEGORY_GROUPS, PLAN_STAGES, PRECISIONS
from plan_text import PlanIndex

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
# Shenzhen-Shanwei Special Cooperation Zone lies 60 km east of the rest: the default view leaves it to the locator.
DETACHED_DISTRICT = "shenshan"


@dataclass(frozen=True)
class MapLabels:
    """The names the map shows: district names (zh, en) and the card labels sent once with the base map."""

    district_names: Mapping[str, tuple[str, str]]
    card_lookup_json: str


def map_labels(plan: PlanIndex, profiles: Mapping[str, DistrictProfile], frame: pd.DataFrame,
               extra_lookup: Mapping[str, Mapping[str, str]] | None = None) -> MapLabels:
    """Labels shared by every district and project card, from the plan, the profiles and the catalogue.

    Holds the category, stage and precision labels, district names and the citation of every
    paragraph the catalogue cites; ``static/card.js`` turns a feature's few properties into its card.
    ``extra_lookup`` adds tables of labels from outside the catalogue (the tracked statuses, for one).
    """
    names = {d: (p.name_zh, p.name_en) for d, p in profiles.items()}
    lookup = {
        "category": {k: f"{c.zh} {c.en}" for k, c in CATEGORIES.items()},
        "stage": {k: f"{v.zh} {v.en}" for k, v in PLAN_STAGES.items()},
        "precision": {k: f"{v.zh} {v.en}" for k, v in PRECISIONS.items()},
        "district": {d: f"{zh} {en}" for d, (zh, en) in names.items()},
        "district_names": {d: [zh, en] for d, (zh, en) in names.items()},
        "citation": {pid: plan.get(pid).citation_zh for pid in sorted(set(frame["paragraph_id"]))},
        "citation_en": {pid: plan.get(pid).citation_en for pid in sorted(set(frame["paragraph_id"]))},
        **{name: dict(table) for name, table in (extra_lookup or {}).items()},
    }
    return MapLabels(district_names=names, card_lookup_json=script_json(lookup))


class OfflineMap(folium.Map):
    """A folium map whose Leaflet assets come from the app's own static files."""

    default_js = [
        ("leaflet", f"{VENDOR}/leaflet/leaflet.js"),
        CARD_JS,  # project cards and tooltips, built in the browser
        CONTROLS_JS,  # legend, tooltips, popups and scales
        ITEMS_JS,  # the project items (layers.item_layers)
    ]
    default_css = [
        ("leaflet_css", f"{VENDOR}/leaflet/leaflet.css"),
        ("map_css", f"{settings.STATIC_URL}/map.css"),
    ]


def base_map(basemap: Basemap, labels: MapLabels, token: str = "", location: tuple[float, float] | None = None,
             zoom: float | None = None, big_screen: bool = False) -> OfflineMap:
    """The map without overlays: tiles (if any) and a plain background that stays legible offline.

    ``big_screen`` enlarges the labels, legend and cards drawn inside the map for a presentation.
    """
    m = OfflineMap(
        location=list(location or settings.MAP_CENTER),
        zoom_start=zoom or settings.MAP_ZOOM,  # type: ignore[arg-type]  # Leaflet takes fractional zooms
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
    CardLookup(labels.card_lookup_json).add_to(m)
    if big_screen:
        BigScreen().add_to(m)
    MetricScale().add_to(m)
    if location is None:
        # The core city fills the map; Shenzhen-Shanwei, 60 km east, is shown in the locator inset.
        gdf = display_districts()
        w, s_, e, n = gdf[gdf["id"] != DETACHED_DISTRICT].total_bounds
        m.fit_bounds([[s_, w], [n, e]], padding=(12, 12))  # room for the edge districts' labels
    url = basemap.tile_url(token)
    provider = basemap.provider
    if url and provider is not None and not (basemap.needs_token and not token):
        folium.TileLayer(url, attr=provider.html_attribution, name=basemap.label_zh,
                         subdomains=provider.get("subdomains", "abc"),
                         max_zoom=provider.get("max_zoom", 18), control=False).add_to(m)
        if basemap.overlay is not None:
            folium.TileLayer(basemap.overlay.build_url(fill_subdomain=False, tk=token),
                             attr=basemap.overlay.html_attribution,
                             subdomains=basemap.overlay.get("subdomains", "abc"), overlay=True,
                             control=False, name=basemap.label_zh + " 注记").add_to(m)
    return m


@lru_cache(maxsize=8)
def district_geojson(crs: CrsName) -> str:
    """The simplified district polygons as GeoJSON text in the given CRS (cached per CRS).

    Only ids and flags travel with the shapes; the names come with the labels (``MapLabels``).
    """
    gdf = display_districts()[["id", "boundary_approximate", "geometry"]].copy()
    gdf["boundary_approximate"] = gdf["boundary_approximate"].astype(bool)
    out = shifted(gdf, crs)
    out["geometry"] = [rounded(g) for g in out.geometry]
    return out.to_json(drop_id=True)


def district_style(feature: dict, selected: str | None = None) -> dict:
    """How a district is drawn: approximate boundaries dashed, the selected district emphasised."""
    props = feature["properties"]
    is_sel = props["id"] == selected
    return {
        "color": "#333" if is_sel else "#666",
        "weight": 3 if is_sel else 1.2,
        "dashArray": "6 4" if props["boundary_approximate"] else None,
        "fillColor": "#f4e3b5" if is_sel else "#f7f4ea",
        "fillOpacity": 0.55 if is_sel else 0.35,
    }


def district_layer(crs: CrsName, selected: str | None = None) -> folium.GeoJson:
    """District polygons with zh/en hover names (inserted as text by ``static/map_controls.js``)."""
    layer = GeoJsonLayer(
        district_geojson(crs),
        name="行政区 Districts",
        style_function=lambda f: district_style(f, selected),
        highlight_function=lambda f: {"weight": 3, "color": "#222", "fillOpacity": 0.5},
        control=False,
        zoom_on_click=False,
    )
    DistrictTooltip().add_to(layer)
    return layer


def district_labels(crs: CrsName, names: Mapping[str, tuple[str, str]]) -> folium.FeatureGroup:
    """Permanent zh/en name labels, so the map reads on a big screen without hovering."""
    fg = LayerGroup(name="区名 District names", control=False)
    gdf = display_districts()
    rank = {did: i for i, did in enumerate(gdf.sort_values("area_km2", ascending=False)["id"])}
    for did, geom in zip(gdf["id"], gdf.geometry, strict=True):
        pt = shifted_geometry(geom.representative_point(), crs)
        zh, en = names.get(did, (did, ""))
        label = (f"<div class='district-label' data-rank='{rank[did]}'>{html.escape(zh)}"
                 f"<span>{html.escape(en)}</span></div>")
        folium.Marker([pt.y, pt.x], icon=folium.DivIcon(html=label, icon_size=(120, 34), icon_anchor=(60, 17)),
                      interactive=False).add_to(fg)
    DeclutterLabels().add_to(fg)
    return fg


def feature_style(feature: dict) -> dict:
    """How a project feature is drawn: its colour (its group's unless it carries one), dashed when estimated."""
    p = feature["properties"]
    colour = p.get("colour") or GROUP_COLOURS[p["group"]]
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


FEATURE_COLUMNS = ["id", "name_zh", "name_en", "group", "category", "plan_stage", "stage_phrase", "paragraph_id",
                   "districts", "precision", "location_source", "radius_m", "quote"]


def selection_layer(rows: gpd.GeoDataFrame, crs: CrsName) -> folium.FeatureGroup | None:
    """A bold outline around the selected item, with its card open, so the card and the map point at the same thing."""
    rows = rows[rows.geometry.notna()]
    if rows.empty:
        return None
    shown = shifted(gpd.GeoDataFrame(geometry=display_geometry(rows), crs=4326), crs)
    fg = LayerGroup(name="选中项目 Selected item", control=False)
    GeoJsonLayer(
        shown.to_json(),
        style_function=lambda f: {"color": "#111", "weight": 4, "fillOpacity": 0, "radius": 12},
        marker=folium.CircleMarker(radius=12, keep_size=True),
        interactive=False,
    ).add_to(fg)
    anchor = shifted_geometry(rows.geometry.iloc[0], crs)
    if anchor.geom_type in ("LineString", "MultiLineString"):
        anchor = anchor.interpolate(0.5, normalized=True)
    elif anchor.geom_type != "Point":
        anchor = anchor.representative_point()
    first = rows.iloc[0]
    props = feature_props(first, first.geometry.geom_type == "Point")
    OpenCard(props, (round(anchor.y, 6), round(anchor.x, 6))).add_to(fg)
    return fg


def feature_props(row: Mapping, is_point: bool) -> dict:
    """The few properties a feature carries (what the browser receives); the card's labels come with the base map."""
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
    if "tracked_status" in row:
        props["tracked"] = row["tracked_status"]
        props["tracked_as_of"] = row.get("tracked_as_of") or ""
        props["outcome"] = row.get("outcome")
    return props


@lru_cache(maxsize=4)
def _district_centres(crs: CrsName) -> dict[str, tuple[float, float]]:
    """Where each district's badge goes: a point inside it (the polygons are large; computed once per CRS)."""
    centres = display_districts().set_index("id").geometry.representative_point()
    return {str(d): (round(p.y, 6), round(p.x, 6))
            for d, p in ((d, shifted_geometry(pt, crs)) for d, pt in centres.items())}


def district_badges(frame: gpd.GeoDataFrame, crs: CrsName) -> folium.FeatureGroup | None:
    """A count badge per district for items located only to district level (never a pin), each listing its items.

    One call of ``static/map_controls.js`` draws them all (the names go in as text).
    """
    # the three columns' values at the matching rows, without a copy of the frame's rows (its geometries too)
    at = (frame["precision"] == "district").to_numpy().nonzero()[0]
    if not len(at):
        return None
    centres = _district_centres(crs)
    listed: dict[str, list[str]] = {}
    for zh, en, districts in zip(frame["name_zh"].to_numpy()[at], frame["name_en"].to_numpy()[at],
                                 frame["districts"].to_numpy()[at], strict=True):
        for d in districts:
            listed.setdefault(d, []).append(f"{zh} {en}")
    fg = LayerGroup(name=f"区级定位 District-level only ({len(at)})", show=True)
    # a district left out of the boundaries (reported on load) has no badge
    DistrictBadges([(centres[d], items) for d, items in listed.items() if d in centres]).add_to(fg)
    return fg


def legend_groups() -> list[tuple[str, str, str]]:
    """(id, colour, "中文 English") per layer group, for the legend."""
    return [(g, GROUP_COLOURS[g], f"{label.zh} {label.en}") for g, label in CATEGORY_GROUPS.items()]
