"""Turning each catalogue item's location spec into WGS84 geometry, honestly graded.

The result is one GeoDataFrame (the "catalogue frame") that the map, the filters and the
exports share. Every row says how precise its location is and where it came from; items
known only to a district or not located at all keep a null geometry.
"""
from __future__ import annotations

import io
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

import settings
from fileio import DataError, DataFileError, read_text, shown_path
from geo.boundaries import district_problems, districts_for, nearest_district
from geo.coords import convert_lonlat, gcj02_to_wgs84
from layers.catalogue import load_sourced
from layers.schema import CATEGORIES, CatalogueItem
from layers.synthetic import scaled
from plan_text import PlanIndex, load_plan

# Points of one named station further apart than this are treated as ambiguous.
STATION_SPREAD_LIMIT_M = 800.0
# A point this close to a district boundary also counts for the neighbour (coast, reclamation).
DISTRICT_TOLERANCE_M = 300.0
COAST_FALLBACK_M = 2000.0  # a point in no district takes the nearest one within this distance
# A point declared WGS84 that lands this close to an OSM station only after a GCJ-02 -> WGS84 shift,
# while lying at least GCJ_FAR_M from every station as entered, was almost surely copied from a Chinese
# web map (GCJ-02, ~300-600 m off in Shenzhen).
GCJ_MATCH_M = 30.0
GCJ_FAR_M = 200.0
OSM_COLUMNS = ("kind", "name", "station_type", "ref", "source", "data_date", "wkt")

FRAME_COLUMNS = [
    "id", "name_zh", "name_en", "category", "group", "part", "chapter", "section", "column",
    "paragraph_id", "quote", "stage_phrase", "plan_stage", "plan_districts", "districts",
    "precision", "location_method", "location_source", "radius_m", "cited_in", "baseline", "period", "geometry",
]


class LocationError(DataError):
    """An item's location cannot be resolved; the message names the item and the field."""


@lru_cache(maxsize=1)
def load_osm_locations(path: Path | None = None) -> pd.DataFrame:
    """The OSM features the catalogue refers to (extracted at build time by ``layers.osm_extract``)."""
    path = path or settings.CATALOGUE_LOCATIONS_PATH
    name = shown_path(path)
    try:
        frame = pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"{name}: not valid CSV ({str(exc).strip().splitlines()[0]})") from None
    missing = [c for c in OSM_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(f"{name}: missing column(s) {', '.join(missing)}")
    geoms = []
    for i, text in enumerate(frame["wkt"]):
        row = f"{name}: row {i + 2}, field wkt"  # row 1 is the header
        try:
            geom = shapely_wkt.loads(text)
        except shapely.errors.ShapelyError:
            raise DataFileError(f"{row}: not a WKT geometry") from None
        xy = shapely.get_coordinates(geom)
        if geom.is_empty or not np.isfinite(xy).all():
            raise DataFileError(f"{row}: empty geometry or a coordinate that is not a finite number")
        geoms.append(geom)
    frame["geometry"] = geoms
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
        courses = ([loc.stations] if loc.stations else []) + loc.lines
        lines = [LineString([_station_point(item, n, osm)[0] for n in names]) for names in courses]
        through = "; ".join(" → ".join(names) for names in courses)
        course = lines[0] if len(lines) == 1 else MultiLineString(lines)
        return course, ("Schematic line through OSM stations " + through
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


def gcj02_suspect(item: CatalogueItem, stations_m: np.ndarray) -> str | None:
    """Why a point declared WGS84 looks like a GCJ-02 coordinate (None when it does not).

    Only detectable where a trusted WGS84 reference exists: the check compares the point with the
    OSM stations in ``osm_locations.csv`` as entered and after a GCJ-02 -> WGS84 shift. A GCJ-02
    point placed anywhere else (a building, a park) cannot be told from a correct estimate.
    """
    loc = item.location
    if loc.method != "point" or loc.crs != "wgs84" or loc.lon is None or loc.lat is None or not len(stations_m):
        return None
    slon, slat = gcj02_to_wgs84(loc.lon, loc.lat)
    pts = gpd.GeoSeries([Point(loc.lon, loc.lat), Point(float(slon), float(slat))], crs=4326)
    pts = pts.to_crs(settings.METRIC_CRS)
    xy = shapely.get_coordinates(pts.to_numpy())
    as_is, shifted = (float(np.min(np.hypot(*(stations_m - p).T))) for p in xy)
    if shifted <= GCJ_MATCH_M and as_is >= GCJ_FAR_M:
        return (f"location.lon/lat: declared WGS84, but lies {as_is:.0f} m from the nearest OSM station and "
                f"{shifted:.0f} m from one after a GCJ-02 -> WGS84 shift; looks like GCJ-02 (set crs: gcj02)")
    return None


def build_frame(items: tuple[CatalogueItem, ...], osm: pd.DataFrame, plan: PlanIndex,
                sources: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """Resolve every item and compute the districts it lies in from its geometry.

    ``sources`` maps item ids to their catalogue file, named in error messages.
    """
    # With a district left out of the boundaries (reported by geo.boundaries), "in no district" proves nothing.
    all_districts = not any(not p.repaired for p in district_problems())
    rows: list[dict[str, object]] = []
    errors: list[str] = []
    station_geoms = gpd.GeoSeries(list(osm.loc[osm["kind"] == "station", "geometry"]), crs=4326)
    station_geoms = station_geoms.to_crs(settings.METRIC_CRS)
    stations_m = shapely.get_coordinates(station_geoms.to_numpy())

    def where(item: CatalogueItem) -> str:
        return f"{sources[item.id]}: " if sources and item.id in sources else ""

    for item in items:
        try:
            geom, source = resolve(item, osm)
        except LocationError as exc:
            errors.append(where(item) + str(exc))
            continue
        suspect = gcj02_suspect(item, stations_m)
        if suspect:
            errors.append(f"{where(item)}item {item.id}: {suspect}")
            continue
        if geom is not None:
            if geom.is_empty or not all(math.isfinite(v) for v in geom.bounds):
                errors.append(f"{where(item)}item {item.id}: location: no finite geometry")
                continue
            districts = districts_for(geom, tolerance_m=DISTRICT_TOLERANCE_M if geom.geom_type == "Point" else 0)
            if not districts and geom.geom_type == "Point":
                # off a generalised coastline or in a border river: the nearest district, if close
                near = nearest_district(geom, COAST_FALLBACK_M)
                districts = [near] if near else []
            if not districts and not item.location.at_sea and all_districts:
                field = "location.lon/lat" if item.location.method == "point" else "location"
                errors.append(f"{where(item)}item {item.id}: {field}: lies in no district of Shenzhen or Shenshan "
                              "(set at_sea: true only for an offshore item)")
                continue
            if not districts:
                districts = list(item.plan_districts)
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
            "baseline": item.baseline,
            "period": "baseline" if item.baseline else "plan",  # the period filter's column
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
    factor = settings.map_scale()
    sourced = load_sourced()
    frame = build_frame(tuple(s.item for s in sourced), load_osm_locations(), load_plan(),
                        {s.item.id: s.source_file for s in sourced})
    if factor > 1:
        frame = scaled(frame, factor)
    return frame


def items_by_paragraph(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The items citing each paragraph (as their main or another citation), in catalogue order.

    Built once from the catalogue frame: the plan view looks paragraphs up in it on every rerun.
    """
    pairs = frame[["id", "cited_in"]].explode("cited_in").dropna()
    return {str(pid): tuple(ids) for pid, ids in pairs.groupby("cited_in", sort=False)["id"]}
