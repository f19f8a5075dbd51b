"""Exports of the catalogue (whole or filtered) as CSV and GeoJSON, with the citations.

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly; it
carries lon/lat (for points) and WKT (for every geometry). GeoJSON follows RFC 7946 (WGS84,
counter-clockwise exteriors, no more precision than the data) and keeps items that are not
located, with a null geometry. The GeoPackage (``to_gpkg_bytes``) carries the districts, the
items and optionally a selection, with QGIS styles that draw them the way the map does.
"""
from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd

import settings
from geo.rfc7946 import json_value, rfc7946_geometry

EXPORT_COLUMNS = [
    "id", "name_zh", "name_en", "category", "part", "chapter", "section", "column", "paragraph_id",
    "quote", "stage_phrase", "plan_stage", "districts", "plan_districts", "precision", "radius_m",
    "location_source",
]
ATTRIBUTION = (
    f"Plan: {settings.PLAN_TITLE_ZH} (Shenzhen Municipal People's Government, 2021). "
    f"Locations marked OSM: {settings.OSM_ATTRIBUTION}."
)


def _plain(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_csv_bytes(frame: gpd.GeoDataFrame) -> bytes:
    table = pd.DataFrame({c: frame[c].map(_plain) for c in EXPORT_COLUMNS})
    geoms = frame.geometry
    table["lon"] = [round(g.x, 6) if g is not None and g.geom_type == "Point" else "" for g in geoms]
    table["lat"] = [round(g.y, 6) if g is not None and g.geom_type == "Point" else "" for g in geoms]
    table["wkt"] = [g.wkt if g is not None else "" for g in geoms]
    buf = io.StringIO()
    table.to_csv(buf, index=False)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_geojson_dict(frame: gpd.GeoDataFrame, extra_columns: tuple[str, ...] = ()) -> dict:
    """An RFC 7946 FeatureCollection: WGS84, counter-clockwise exteriors, 6 decimals, null for no value.

    ``extra_columns`` (present in ``frame``) are added after the export columns, for consumers
    such as the OGC API service that also serve labels or a tracked status.
    """
    features = []
    for _, row in frame.iterrows():
        props = {c: json_value(row[c]) for c in (*EXPORT_COLUMNS, *extra_columns)}
        for k in ("part", "chapter", "section", "column", "radius_m"):
            if props[k] is not None:
                props[k] = int(props[k])
        features.append({"type": "Feature", "id": row["id"],
                         "geometry": rfc7946_geometry(row.geometry, f"item {row['id']}"),
                         "properties": props})
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    return json.dumps(to_geojson_dict(frame), ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
