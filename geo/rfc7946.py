"""Geometry as RFC 7946 wants it, for every GeoJSON the project writes.

RFC 7946 asks producers for WGS84 longitude/latitude, polygon exteriors wound
counter-clockwise and holes clockwise (§3.1.6), no more precision than the data has
(§11.2) and plain JSON numbers (no NaN or infinity). Our sources carry about a metre of
precision, so coordinates are rounded to 6 decimals (~0.1 m); GDAL and QGIS read the
files either way, but strict consumers (and the IETF text) do not accept clockwise rings.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from fileio import OutputError

# Decimal places of longitude/latitude written: 1e-6 degree is about 0.1 m at Shenzhen's latitude.
COORDINATE_DECIMALS: int = 6


class GeoJSONError(OutputError):
    """A geometry cannot be written as RFC 7946 GeoJSON; the message names the feature (an ``OutputError``, so the
    command line reports it in one line like any other write that cannot be done)."""


def rfc7946_geometry(geometry: BaseGeometry | None, label: str = "geometry") -> dict[str, Any] | None:
    """The GeoJSON geometry object of a WGS84 shapely geometry, oriented and rounded per RFC 7946.

    ``None`` or an empty geometry gives ``None`` (a Feature with a null geometry). ``label``
    names the feature in the error raised for non-finite or out-of-range coordinates.
    """
    if geometry is None or geometry.is_empty:
        return None
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        raise GeoJSONError(f"cannot write GeoJSON: {label}: coordinates are not finite numbers (NaN or infinity)")
    if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise GeoJSONError(f"cannot write GeoJSON: {label}: coordinates are not WGS84 longitude/latitude")
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    # Orient after rounding so that the written rings are the ones whose winding is checked.
    oriented = shapely.orient_polygons(rounded, exterior_cw=False)
    return _plain(mapping(oriented))


def _plain(obj: Any) -> Any:
    """Tuples to lists and numpy scalars to Python numbers, so json.dumps writes plain JSON."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def json_value(value: Any) -> Any:
    """A property value as plain JSON: NaN/NA become null, numpy scalars Python numbers, tuples lists."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value
