"""Geometry as the map draws it: rounded coordinates, the shift into a basemap's CRS, circles of uncertainty."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

import settings
from geo.coords import CrsName, from_wgs84

FUZZY = ("approximate", "zone")  # precision grades drawn as a circle of uncertainty


def rounded(geom, decimals: int = 5):  # noqa: ANN001 - a geometry or an array of them, as shapely takes
    """Coordinates to ~1 m: what a screen shows, at a fraction of the bytes sent to the browser."""
    return None if geom is None else shapely.transform(geom, lambda xy: np.round(xy, decimals))


def shifted(gdf: gpd.GeoDataFrame, crs: CrsName) -> gpd.GeoDataFrame:
    """Overlays in the basemap's CRS (a copy; WGS84 input is returned as is)."""
    if crs == "wgs84":
        return gdf
    out = gdf.copy()
    out["geometry"] = [None if g is None else from_wgs84(g, crs) for g in gdf.geometry]
    return out


def shifted_geometry(geom: BaseGeometry, crs: CrsName) -> BaseGeometry:
    """One WGS84 geometry in the basemap's CRS."""
    return geom if crs == "wgs84" else from_wgs84(geom, crs)


def display_geometry(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """What to draw for each item: approximate and zone points become their uncertainty circle."""
    geoms = frame.geometry.copy()
    fuzzy = frame["precision"].isin(FUZZY) & frame["radius_m"].notna() & frame.geometry.notna()
    if fuzzy.any():
        projected = frame.loc[fuzzy].geometry.to_crs(settings.METRIC_CRS)
        circles = [g.buffer(float(r), quad_segs=16)
                   for g, r in zip(projected, frame.loc[fuzzy, "radius_m"], strict=True)]
        geoms.loc[fuzzy] = gpd.GeoSeries(circles, crs=settings.METRIC_CRS, index=projected.index).to_crs(4326)
    return geoms


def display_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """lon/lat bounds of what ``display_geometry`` draws, without building the circles (framing the result of a
    filter change must be cheap): an estimate's circle reaches its radius north, south, east and west. Computed on
    the columns' arrays, without copying the frame's located rows (that copy cost more than the rest)."""
    bounds = shapely.bounds(np.asarray(frame.geometry.values, dtype=object))
    located = ~np.isnan(bounds[:, 0])
    if not located.any():
        raise ValueError("no located item to frame")
    radius = frame["radius_m"].to_numpy(dtype=float, na_value=np.nan)
    fuzzy = frame["precision"].isin(FUZZY).to_numpy() & ~np.isnan(radius) & located
    if fuzzy.any():
        lat = (bounds[:, 1] + bounds[:, 3]) / 2
        dlat = np.where(fuzzy, radius / 111_320.0, 0.0)
        dlon = np.where(fuzzy, radius / (111_320.0 * np.cos(np.radians(np.where(located, lat, 0.0)))), 0.0)
        bounds = bounds + np.column_stack([-dlon, -dlat, dlon, dlat])
    bounds = bounds[located]
    return (float(bounds[:, 0].min()), float(bounds[:, 1].min()), float(bounds[:, 2].max()),
            float(bounds[:, 3].max()))
