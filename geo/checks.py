"""Geometry checks shared by the boundary build and the tests.

Kept separate from the loaders so a failing check can name the offending
districts (and by how much) instead of only returning False.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

import settings

# Overlaps below this are treated as numerical slivers, not topology errors.
OVERLAP_TOLERANCE_KM2: float = 0.01


@dataclass(frozen=True)
class Overlap:
    """Two polygons whose interiors intersect, with the shared area in km²."""

    a: str
    b: str
    area_km2: float


def _labelled(geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry], labels: Sequence[str] | None):
    if isinstance(geoms, gpd.GeoDataFrame):
        series = geoms.geometry
    elif isinstance(geoms, gpd.GeoSeries):
        series = geoms
    else:
        series = gpd.GeoSeries(list(geoms), crs="EPSG:4326")
    if labels is None:
        labels = [str(i) for i in series.index]
    if len(labels) != len(series):
        raise ValueError("labels and geometries differ in length")
    return list(labels), np.asarray(series.values, dtype=object)


def invalid_geometries(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry], labels: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(label, reason) for every invalid or empty geometry; an empty list means all are fine."""
    names, arr = _labelled(geoms, labels)
    problems: list[tuple[str, str]] = []
    for name, geom in zip(names, arr, strict=True):
        if geom is None or geom.is_empty:
            problems.append((name, "empty geometry"))
        elif not geom.is_valid:
            problems.append((name, shapely.is_valid_reason(geom)))
    return problems


def overlapping_pairs(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry],
    labels: Sequence[str] | None = None,
    *,
    min_area_km2: float = 0.0,
    crs: str = "EPSG:4326",
) -> list[Overlap]:
    """Pairs of polygons whose interiors overlap by more than ``min_area_km2`` (equal-area km²)."""
    names, arr = _labelled(geoms, labels)
    if isinstance(geoms, (gpd.GeoSeries, gpd.GeoDataFrame)) and geoms.crs is not None:
        crs = geoms.crs
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left.tolist(), right.tolist(), strict=True) if i < j]
    found: list[Overlap] = []
    if not pairs:
        return found
    inter = shapely.intersection(arr[[i for i, _ in pairs]], arr[[j for _, j in pairs]])
    areas = gpd.GeoSeries(inter, crs=crs).to_crs(settings.AREA_CRS).area.to_numpy() / 1e6
    for (i, j), area in zip(pairs, areas, strict=True):
        if area > min_area_km2:
            found.append(Overlap(names[i], names[j], float(area)))
    return found


def assert_no_overlaps(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry],
    labels: Sequence[str] | None = None,
    *,
    tolerance_km2: float = OVERLAP_TOLERANCE_KM2,
) -> None:
    """Raise ValueError naming every pair that overlaps by more than ``tolerance_km2``."""
    bad = overlapping_pairs(geoms, labels, min_area_km2=tolerance_km2)
    if bad:
        detail = ", ".join(f"{o.a}/{o.b} {o.area_km2:.4f} km²" for o in bad)
        raise ValueError(f"polygons overlap: {detail}")


def coverage_is_clean(geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry]) -> bool:
    """True when the polygons form a coverage: no overlaps and shared edges vertex-identical."""
    _, arr = _labelled(geoms, None)
    return bool(shapely.coverage_is_valid(arr))


def in_study_extent(
    lon: ArrayLike, lat: ArrayLike, extent: tuple[float, float, float, float] = settings.STUDY_EXTENT
) -> bool | NDArray[np.bool_]:
    """Whether lon/lat fall inside the Shenzhen + Shenshan study extent (catches swapped axes)."""
    x0, y0, x1, y1 = extent
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    inside = (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)
    return bool(inside) if inside.ndim == 0 else inside


def outside_extent(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame | Sequence[BaseGeometry],
    labels: Sequence[str] | None = None,
    extent: tuple[float, float, float, float] = settings.STUDY_EXTENT,
) -> list[str]:
    """Labels of geometries with any vertex outside ``extent``."""
    names, arr = _labelled(geoms, labels)
    out: list[str] = []
    for name, geom in zip(names, arr, strict=True):
        xy = shapely.get_coordinates(geom)
        if len(xy) == 0 or not np.all(in_study_extent(xy[:, 0], xy[:, 1], extent)):
            out.append(name)
    return out


def polygon_parts(geom: BaseGeometry) -> Iterable[BaseGeometry]:
    """The polygons inside a (multi)polygon or collection, dropping lines and points."""
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []
