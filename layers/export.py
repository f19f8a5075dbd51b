"""Exports of the catalogue (whole or filtered) as CSV and GeoJSON, with the citations.

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly; it
carries lon/lat (for points) and WKT (for every geometry). GeoJSON follows RFC 7946 (WGS84,
counter-clockwise exteriors, no more precision than the data) and keeps items that are not
located, with a null geometry. The GeoPackage (``to_gpkg_bytes``) carries the districts, the
items and optionally a selection, with QGIS styles that draw them the way the map does.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import sqlite3
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

import settings
from fileio import dumps_json
from geo.rfc7946 import json_value, rfc7946_geometry
from layers.schema import CATEGORIES, PLAN_STAGES, PRECISIONS
from tracking.frame import outcome_label, tracked_label

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


@dataclass(frozen=True)
class ExportLabels:
    """Readable names for the codes a CSV carries, so a reader needs no code book.

    ``district_names``: district id -> (zh, en); ``citations``: paragraph id -> (zh, en).
    """

    district_names: Mapping[str, tuple[str, str]]
    citations: Mapping[str, tuple[str, str]]


def _vocabulary_label(vocab: Mapping, code: object, lang: str) -> str:
    entry = vocab.get(code) if isinstance(code, str) else None
    return "" if entry is None else str(getattr(entry, lang))


def _district_labels(ids: object, names: Mapping[str, tuple[str, str]], index: int) -> str:
    if not isinstance(ids, (list, tuple)):
        return ""
    return ";".join(names[d][index] if d in names else str(d) for d in ids)


def readable_table(frame: pd.DataFrame, labels: ExportLabels) -> pd.DataFrame:
    """The export columns with ``<code>_zh`` and ``<code>_en`` beside each coded column and the
    paragraph's citation beside its id."""
    table = pd.DataFrame({c: frame[c].map(_plain) for c in EXPORT_COLUMNS})
    out: dict[str, pd.Series] = {}
    for c in EXPORT_COLUMNS:
        out[c] = table[c]
        if c == "paragraph_id":
            for i, lang in enumerate(("zh", "en")):
                out[f"citation_{lang}"] = frame[c].map(lambda p, i=i: labels.citations.get(p, ("", ""))[i])
        for vocab_col, vocab in (("category", CATEGORIES), ("plan_stage", PLAN_STAGES), ("precision", PRECISIONS)):
            if c == vocab_col:
                for lang in ("zh", "en"):
                    out[f"{c}_{lang}"] = frame[c].map(
                        lambda v, lang=lang, vocab=vocab: _vocabulary_label(vocab, v, lang))
        if c in ("districts", "plan_districts"):
            for i, lang in enumerate(("zh", "en")):
                out[f"{c}_{lang}"] = frame[c].map(lambda ds, i=i: _district_labels(ds, labels.district_names, i))
    if "tracked_status" in frame.columns:  # progress as of the app's date (tracking.frame.with_progress)
        for col, label in (("tracked_status", tracked_label), ("outcome", outcome_label)):
            out[col] = frame[col]
            for i, lang in enumerate(("zh", "en")):
                out[f"{col}_{lang}"] = frame[col].map(lambda v, i=i, label=label: label(str(v))[i])
        out["tracked_as_of"] = frame["tracked_as_of"]
    return pd.DataFrame(out, index=frame.index)


def _file_part(value: object) -> str:
    """A value made safe for a file name (letters of any script, digits, plus signs and dashes)."""
    return re.sub(r"[^\w+-]+", "-", str(value)).strip("-_")[:40]


def export_file_name(extension: str, day: dt.date, *, district: str | None = None,
                     chosen: Mapping[str, tuple[object, ...]] | None = None, query: str = "") -> str:
    """A download's name that says what it holds: the district, the filters (by their link keys) and the day,
    e.g. ``shenzhen-14fyp_longgang_cat-railway_2026-11-27.csv``."""
    parts = ["shenzhen-14fyp"]
    if district:
        parts.append(_file_part(district))
    for key, values in (chosen or {}).items():
        if values:
            parts.append(_file_part(f"{key}-{'+'.join(str(v) for v in values)}"))
    if query.strip():
        parts.append(_file_part(f"q-{query.strip()}"))
    if len(parts) == 1:
        parts.append("all")
    return "_".join(p for p in parts if p) + f"_{day.isoformat()}.{extension}"


def to_csv_bytes(frame: gpd.GeoDataFrame, labels: ExportLabels | None = None) -> bytes:
    """The rows as CSV; with ``labels``, readable zh/en names beside the codes and the citation."""
    table = (readable_table(frame, labels) if labels is not None
             else pd.DataFrame({c: frame[c].map(_plain) for c in EXPORT_COLUMNS}))
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
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
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
    """GeoJSON as UTF-8; a NaN or infinity anywhere raises fileio.OutputError instead of writing invalid JSON."""
    return dumps_json(to_geojson_dict(frame), indent=1).encode("utf-8")


# ---- GeoPackage ----------------------------------------------------------------------------------------

GPKG_ITEM_COLUMNS = [*EXPORT_COLUMNS, "group", "geometry_kind"]
_INT_COLUMNS = ("part", "chapter", "section", "column", "radius_m")
_LAYER_STYLES_SQL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
  styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT,
  owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)"""


def _geometry_kind(geom: object) -> str:
    kind = getattr(geom, "geom_type", "") or ""
    if kind.endswith("Point"):
        return "point"
    if kind.endswith("LineString"):
        return "line"
    return "polygon" if kind.endswith("Polygon") else ""


def gpkg_items_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The catalogue (or a filtered part) as a GeoPackage table: lists joined with ';', whole numbers as
    nullable integers, ``geometry_kind`` for the styles, EPSG:4326; items not located keep a null geometry."""
    table = pd.DataFrame({c: frame[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                          for c in EXPORT_COLUMNS + ["group"]})
    for c in _INT_COLUMNS:
        table[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in table[c]], dtype="Int64")
    table["geometry_kind"] = [_geometry_kind(g) for g in frame.geometry]
    return gpd.GeoDataFrame(table[GPKG_ITEM_COLUMNS], geometry=list(frame.geometry), crs=frame.crs or 4326).to_crs(4326)


def _add_layer_styles(path: Path, layers: list[str]) -> None:
    """Write the ``layer_styles`` table QGIS reads (registered in gpkg_contents as QGIS does)."""
    from layers.qgis_styles import STYLE_NAME, districts_qml, districts_sld, items_qml, items_sld

    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(_LAYER_STYLES_SQL)
        db.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
                   " VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles',"
                   " strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
        for layer in layers:
            qml, sld = (districts_qml(), districts_sld()) if layer == "districts" else (items_qml(), items_sld(layer))
            db.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                       " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)"
                       " VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, '', NULL)",
                       (layer, STYLE_NAME, qml, sld, "Drawn as on the map / 与地图一致的样式"))


def write_gpkg(path: Path, items: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
               selection: gpd.GeoDataFrame | None = None) -> None:
    """Write one GeoPackage (EPSG:4326) with the layers ``districts`` and ``items`` and, when given, ``selection``
    (a filtered part of the catalogue), each styled for QGIS. ``path`` must not exist yet.

    GeoPackage 1.2 rather than GDAL's default 1.4, so that the QGIS and GDAL versions still common in
    bureaus (QGIS 3.22 LTR with GDAL 3.6, for one) open it without a version warning. The items layer
    holds points and lines (geometry type GEOMETRY); QGIS offers one sublayer per type, styled alike."""
    import pyogrio

    layers: list[tuple[str, gpd.GeoDataFrame]] = [
        ("districts", districts.to_crs(4326)), ("items", gpkg_items_frame(items))]
    if selection is not None:
        layers.append(("selection", gpkg_items_frame(selection)))
    for name, frame in layers:
        geometry_type = "MultiPolygon" if name == "districts" else "Unknown"
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", geometry_type=geometry_type,
                                promote_to_multi=name == "districts", append=path.exists(),
                                dataset_options={"VERSION": "1.2"},
                                layer_options={"GEOMETRY_NAME": "geom", "IDENTIFIER": name,
                                               "DESCRIPTION": ATTRIBUTION})
    _add_layer_styles(path, [name for name, _ in layers])


def to_gpkg_bytes(items: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
                  selection: gpd.GeoDataFrame | None = None) -> bytes:
    """The GeoPackage of ``write_gpkg`` as bytes, for a download button (written in a temporary directory)."""
    with tempfile.TemporaryDirectory(prefix="sz-plan-gpkg-") as tmp:
        path = Path(tmp) / "plan.gpkg"
        write_gpkg(path, items, districts, selection)
        return path.read_bytes()
