"""The eleven planning areas as exported features: boundary, 专栏4 positioning, provenance.

One builder for every place the districts leave the project (the GeoJSON command, the
GeoPackage, the OGC API service), so they all carry the same fields and the same geometry.
The districts and profiles can be passed in (the command line validates them first); geo needs
nothing from the catalogue: the districts file itself is the list of areas.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from district_profiles import DistrictProfile, load_profiles
from geo.boundaries import load_districts
from geo.rfc7946 import json_value, rfc7946_geometry


def district_features(districts: gpd.GeoDataFrame | None = None,
                      profiles: Mapping[str, DistrictProfile] | None = None) -> dict[str, Any]:
    """The areas (in the districts file's order) as an RFC 7946 FeatureCollection (WGS84, counter-clockwise
    exteriors), each carrying its profile. An area without a profile is an error naming it."""
    profiles = profiles if profiles is not None else load_profiles()
    districts = districts if districts is not None else load_districts()
    missing = [did for did in districts["id"] if did not in profiles]
    if missing:
        raise ValueError(f"no district profile for {', '.join(missing)} (expected district_profiles/<id>.yaml)")
    features = []
    for _, row in districts.iterrows():
        did = row["id"]
        p = profiles[did]
        features.append({
            "type": "Feature",
            "id": did,
            "geometry": rfc7946_geometry(row.geometry, f"district {did}"),
            "properties": {
                "id": did,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "positioning": p.positioning.quote,
                "key_areas": [k.name_zh for k in p.key_areas],
                "key_areas_en": [k.name_en for k in p.key_areas],
                "paragraph_id": p.positioning.paragraph_id,
                "area_km2": round(float(row["area_km2"]), 2),
                "official_area_km2": p.official_area_km2,
                "boundary_source": row["boundary_source"],
                "boundary_approximate": bool(row["boundary_approximate"]),
                "boundary_note": json_value(row.get("boundary_note", "")) or "",
            },
        })
    return {"type": "FeatureCollection", "features": features}


def district_frame(districts: gpd.GeoDataFrame | None = None,
                   profiles: Mapping[str, DistrictProfile] | None = None) -> gpd.GeoDataFrame:
    """The same features as a GeoDataFrame (EPSG:4326) for table formats; lists joined with ';'."""
    collection = district_features(districts, profiles)
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    for col in ("key_areas", "key_areas_en"):
        frame[col] = frame[col].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    first = ["id", "name_zh", "name_en"]
    return frame[first + [c for c in frame.columns if c not in first and c != "geometry"] + ["geometry"]]
