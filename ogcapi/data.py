"""The files the service reads, generated from the app's own loaders at start.

The service never reads the YAML catalogue or the boundary file itself: it serves what
``layers.locate.catalogue_frame()`` and ``geo.export.district_features()`` produce, written as
RFC 7946 GeoJSON into a directory that is then made read-only. The app and the service
therefore always agree, and a request cannot change what is served.
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from layers.schema import CATEGORIES, PLAN_STAGES, PRECISIONS

# Columns the items collection serves besides the export columns (labels for the codes, a located flag).
LABEL_COLUMNS: tuple[str, ...] = (
    "group", "category_zh", "category_en", "plan_stage_zh", "plan_stage_en", "precision_zh", "precision_en",
    "located", "geometry_note",
)
# Columns served when the catalogue frame has them. Progress tracking adds ``tracked_status`` (and its date and
# evidence) to the frame; listing a column here is all it takes to serve it and make it queryable.
OPTIONAL_ITEM_COLUMNS: tuple[str, ...] = ("tracked_status", "tracked_as_of", "tracked_evidence")

NO_GEOMETRY_NOTES: dict[str, str] = {
    "none": "未定位:规划未给出可定位的地点,仅列出不绘制 / Not located: listed, not drawn",
    "district": "区级:仅知所在区,不绘制点位 / District level: known only to its district, not drawn as a point",
}


@dataclass(frozen=True)
class ServedData:
    """Where the generated collections are and how many features each has."""

    directory: Path
    districts: Path
    items: Path
    counts: dict[str, int]


def items_service_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The catalogue frame with the label columns the service adds (Chinese and English next to each code)."""
    out = frame.copy()
    out["category_zh"] = out["category"].map(lambda c: CATEGORIES[c][1])
    out["category_en"] = out["category"].map(lambda c: CATEGORIES[c][2])
    out["plan_stage_zh"] = out["plan_stage"].map(lambda s: PLAN_STAGES[s][0])
    out["plan_stage_en"] = out["plan_stage"].map(lambda s: PLAN_STAGES[s][1])
    out["precision_zh"] = out["precision"].map(lambda p: PRECISIONS[p][0])
    out["precision_en"] = out["precision"].map(lambda p: PRECISIONS[p][1])
    located = out.geometry.notna() & ~out.geometry.is_empty
    out["located"] = located.astype(bool)
    out["geometry_note"] = [
        "" if ok else NO_GEOMETRY_NOTES.get(prec, NO_GEOMETRY_NOTES["none"])
        for ok, prec in zip(located, out["precision"], strict=True)
    ]
    return out


def item_columns(frame: gpd.GeoDataFrame) -> tuple[str, ...]:
    """The extra columns served for ``frame``: the labels, and each optional column it carries."""
    return LABEL_COLUMNS + tuple(c for c in OPTIONAL_ITEM_COLUMNS if c in frame.columns)


def items_collection(frame: gpd.GeoDataFrame | None = None) -> dict:
    """The items collection as served (RFC 7946 FeatureCollection), from the app's catalogue frame."""
    from layers.export import to_geojson_dict
    from layers.locate import catalogue_frame

    served = items_service_frame(catalogue_frame() if frame is None else frame)
    return to_geojson_dict(served, extra_columns=item_columns(served))


def _write_read_only(path: Path, collection: dict) -> None:
    path.write_text(json.dumps(collection, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def write_served_data(directory: Path) -> ServedData:
    """Write ``districts.geojson`` and ``items.geojson`` into ``directory`` (created if needed), then make
    the files and the directory read-only.

    ``directory`` must be empty or hold only an earlier run's files: they are replaced.
    """
    from geo.export import district_features

    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    districts = district_features()
    items = items_collection()
    paths = {"districts": directory / "districts.geojson", "items": directory / "items.geojson"}
    for name, collection in (("districts", districts), ("items", items)):
        if paths[name].exists():
            os.chmod(paths[name], stat.S_IRUSR | stat.S_IWUSR)
            paths[name].unlink()
        _write_read_only(paths[name], collection)
    directory.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return ServedData(directory, paths["districts"], paths["items"],
                      {"districts": len(districts["features"]), "items": len(items["features"])})
