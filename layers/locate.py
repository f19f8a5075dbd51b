"""Turning each catalogue item's location spec into WGS84 geometry, honestly graded.

The result is one GeoDataFrame (the "catalogue frame") that the map, the filters and the
exports share. Every row says how precise its location is and where it came from; items
known only to a district or not located at all keep a null geometry.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

import settings
from geo.boundaries import districts_for, nearest_district
from geo.coords import convert_lonlat
from layers.catalogue import load_catalogue
from layers.schema import CATEGORIES, CatalogueItem
from layers.synthetic import scaled
from plan_text import PlanIndex, load_plan

# Points of one named station further apart than this are treated as ambiguous.
STATION_SPREAD_LIMIT_M = 800.0
# A point this close to a district boundary also counts for the neighbour (coast, reclamation).
DISTRICT_TOLERANCE_M = 300.0
COAST_FALLBACK_M = 2000.0  # a point in no district takes the nearest one within this distance

FRAME_COLUMNS = [
    "id", "name_zh", "name_en", "category", "group", "part", "chapter", "section", "column",
    "paragraph_id", "quote", "stage_phrase", "plan_stage", "plan_districts", "districts",
    "precision", "location_method", "location_source", "radius_m", "cited_in", "geometry",
]


class LocationError(ValueError):
    """An item's location cannot be resolved; the message names the item and the field."""


@lru_cache(maxsize=1)
def load_osm_locations(path: Path | None = None) -> pd.DataFrame:
    """The OSM features the catalogue refers to (extracted at build time by ``layers.osm_extract``)."""
    path = path or settings.CATALOGUE_LOCATIONS_PATH
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["geometry"] = frame["wkt"].map(shapely_wkt.loads)
    return frame


def _metres(a: BaseGeometry, b: BaseGeometry) -> float:
    s = gpd.GeoSeries([a, b], crs=4326).to_crs(settings.METRIC_CRS)
    return float(s.iloc[0].distance(s.iloc[1]))


def _station_point(item: CatalogueItem, name: str, osm: pd.DataFrame) -> tuple[Point, str]:
    loc = item.location
    rows = osm[(osm["kind"] == "station") & (osm["name"] == name)]
    if loc.station_type != "any":
        rows = rows[rows["station_type"] == loc.station_type]
    if rows.empty:
        raise LocationError(f"item {item.id}: location.stations: no OSM station named {name!r}"
                            + (f" of type {loc.station_type}" if loc.station_type != "any" else ""))
    points = list(rows["geometry"])
    spread = max((_metres(p, q) for p in points for q in points), default=0.0)
    if spread > STATION_SPREAD_LIMIT_M:
        raise LocationError(
            f"item {item.id}: location.stations: {name!r} matches OSM stations {spread:.0f} m apart; "
            "set station_type to choose one")
    centre = gpd.GeoSeries(points, crs=4326).union_all().centroid
    types = "/".join(sorted(set(rows["station_type"]) - {""})) or "station"
    return centre, f"{name} ({types}, {rows['data_date'].iloc[0]})"


def resolve(item: CatalogueItem, osm: pd.DataFrame) -> tuple[BaseGeometry | None, str]:
    """Geometry in WGS84 (or None) and a human-readable location source for one item."""
    loc = item.location

    def credit(kind: str) -> str:
        """The attribution and the exact extract (archive and commit) the feature was taken from."""
        sources = osm.loc[osm["kind"] == kind, "source"]
        return f"{settings.OSM_ATTRIBUTION}; {sources.iloc[0] if len(sources) else 'OSM'}"

    if loc.method == "osm_station":
        resolved = [_station_point(item, n, osm) for n in loc.stations]
        geom = gpd.GeoSeries([p for p, _ in resolved], crs=4326).union_all().centroid
        names = "; ".join(label for _, label in resolved)
        return geom, f"OSM station {names}. {credit('station')}" + (f". {loc.note}" if loc.note else "")
    if loc.method == "osm_line":
        resolved = [_station_point(item, n, osm) for n in loc.stations]
        line = LineString([p for p, _ in resolved])
        return line, ("Schematic line through OSM stations " + " → ".join(loc.stations)
                      + f"; not the alignment. {credit('station')}" + (f". {loc.note}" if loc.note else ""))
    if loc.method == "osm_runway":
        rows = osm[osm["kind"] == "runway"]
        if loc.runway_ref is not None:
            rows = rows[rows["ref"] == loc.runway_ref]
        if rows.empty:
            raise LocationError(f"item {item.id}: location.runway_ref: no OSM runway {loc.runway_ref!r}")
        geom = MultiLineString([g for g in rows["geometry"] if isinstance(g, LineString)])
        refs = ", ".join(r or "unnamed" for r in rows["ref"])
        return geom, f"OSM runways ({refs}). {credit('runway')}" + (f". {loc.note}" if loc.note else "")
    if loc.method == "point":
        if loc.lon is None or loc.lat is None:  # the schema requires both; say so if a caller skipped it
            raise LocationError(f"item {item.id}: location: method point needs lon and lat")
        lon, lat = convert_lonlat(loc.lon, loc.lat, loc.crs, "wgs84")
        crs_note = "" if loc.crs == "wgs84" else f" (entered in {loc.crs.upper()}, converted to WGS84)"
        return Point(float(lon), float(lat)), f"Manual estimate{crs_note}: {loc.note}"
    if loc.method == "line":
        pts = [convert_lonlat(x, y, loc.crs, "wgs84") for x, y in loc.coords]
        return LineString([(float(x), float(y)) for x, y in pts]), f"Schematic line, manual estimate: {loc.note}"
    if loc.method == "district":
        return None, "Known only to district level" + (f": {loc.note}" if loc.note else "")
    return None, "Not located" + (f": {loc.note}" if loc.note else "")


def _citations(item: CatalogueItem, plan: PlanIndex) -> tuple[dict[str, object], list[str]]:
    para = plan.get(item.paragraph_id)
    cite: dict[str, object] = {
        "part": para.part_no,
        "chapter": para.chapter_no,
        "section": para.section_no,
        "column": para.column_no,
    }
    return cite, [item.paragraph_id] + [c.paragraph_id for c in item.other_citations]


def build_frame(items: tuple[CatalogueItem, ...], osm: pd.DataFrame, plan: PlanIndex) -> gpd.GeoDataFrame:
    """Resolve every item and compute the districts it lies in from its geometry."""
    rows: list[dict[str, object]] = []
    errors: list[str] = []
    for item in items:
        try:
            geom, source = resolve(item, osm)
        except LocationError as exc:
            errors.append(str(exc))
            continue
        if geom is not None:
            districts = districts_for(geom, tolerance_m=DISTRICT_TOLERANCE_M if geom.geom_type == "Point" else 0)
            if not districts and geom.geom_type == "Point":
                # off a generalised coastline or in a border river: the nearest district, if close
                near = nearest_district(geom, COAST_FALLBACK_M)
                districts = [near] if near else []
        elif item.location.method == "district":
            districts = list(item.location.districts)
        else:
            districts = list(item.plan_districts)
        cite, cited_in = _citations(item, plan)
        rows.append({
            "id": item.id,
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "category": item.category,
            "group": CATEGORIES[item.category].group,
            **cite,
            "paragraph_id": item.paragraph_id,
            "quote": item.quote,
            "stage_phrase": item.stage_phrase,
            "plan_stage": item.plan_stage,
            "plan_districts": list(item.plan_districts),
            "districts": districts,
            "precision": item.location.precision,
            "location_method": item.location.method,
            "location_source": source,
            "radius_m": item.location.radius_m,
            "cited_in": cited_in,
            "geometry": geom,
        })
    if errors:
        raise LocationError("cannot locate catalogue items:\n" + "\n".join(errors))
    return gpd.GeoDataFrame(rows, columns=FRAME_COLUMNS, geometry="geometry", crs=4326)


@lru_cache(maxsize=1)
def catalogue_frame() -> gpd.GeoDataFrame:
    """The shipped catalogue, located (cached: built once per process).

    For load testing only, settings.SCALE_ENV=N adds N-1 clearly marked synthetic copies.
    """
    frame = build_frame(load_catalogue(), load_osm_locations(), load_plan())
    factor = int(os.environ.get(settings.SCALE_ENV, "1") or 1)
    if factor > 1:
        frame = scaled(frame, factor)
    return frame


def items_by_paragraph(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The items citing each paragraph (as their main or another citation), in catalogue order.

    Built once from the catalogue frame: the plan view looks paragraphs up in it on every rerun.
    """
    pairs = frame[["id", "cited_in"]].explode("cited_in").dropna()
    return {str(pid): tuple(ids) for pid, ids in pairs.groupby("cited_in", sort=False)["id"]}
