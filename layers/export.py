"""Exports of the catalogue (whole or filtered) as CSV and GeoJSON, with the citations.

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly; it
carries lon/lat (for points) and WKT (for every geometry). GeoJSON is WGS84 and keeps items
that are not located, with a null geometry.
"""
from __future__ import annotations

import io
from typing import Any

import geopandas as gpd
import pandas as pd

import settings
from fileio import dumps_json

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


def to_geojson_dict(frame: gpd.GeoDataFrame) -> dict:
    features = []
    for _, row in frame.iterrows():
        props: dict[str, Any] = {c: (list(row[c]) if isinstance(row[c], (list, tuple)) else
                     (None if (isinstance(row[c], float) and pd.isna(row[c])) else row[c]))
                 for c in EXPORT_COLUMNS}
        for k in ("part", "chapter", "section", "column", "radius_m"):
            if props[k] is not None:
                props[k] = int(props[k])
        geom = row.geometry
        features.append({"type": "Feature", "id": row["id"],
                         "geometry": None if geom is None else geom.__geo_interface__,
                         "properties": props})
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """GeoJSON as UTF-8; a NaN or infinity anywhere raises fileio.OutputError instead of writing invalid JSON."""
    return dumps_json(to_geojson_dict(frame), indent=1).encode("utf-8")
