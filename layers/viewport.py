"""Where the map looks: the centre and (quarter-level) zoom that frame a set of bounds or items."""
from __future__ import annotations

import math

import geopandas as gpd

import settings
from layers.geometry import display_bounds

Bounds = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
View = tuple[float, float, float]  # lat, lon, zoom


def zoom_for(bounds: Bounds, width_px: int = 600, height_px: int = 600) -> float:
    """The zoom (in quarter levels, as the map snaps) at which lon/lat bounds fit a map of that size with a margin."""

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dlon = max(bounds[2] - bounds[0], 0.005)
    dy = max(merc(bounds[3]) - merc(bounds[1]), 0.0001)
    z = min(math.log2(0.85 * width_px * 360 / (256 * dlon)), math.log2(0.85 * height_px * 2 * math.pi / (256 * dy)))
    return max(float(settings.MAP_MIN_ZOOM), min(15.0, math.floor(z * 4) / 4))


def view_for(bounds: Bounds, width_px: int, height_px: int) -> View:
    """(lat, lon, zoom) that frames lon/lat bounds on a map of that size."""
    return (bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2, zoom_for(bounds, width_px, height_px)


def view_of_items(frame: gpd.GeoDataFrame, width_px: int, height_px: int, max_zoom: float | None = None) -> View | None:
    """(lat, lon, zoom) that frames the items as drawn: an estimate with its whole circle of
    uncertainty, so zooming to one estimate shows where it may lie and its surroundings, not
    only the inside of its circle. ``max_zoom`` keeps the district outlines in view where the
    map is about context (a paragraph's items) rather than one feature. None when none is drawn."""
    if not frame.geometry.notna().any():
        return None
    lat, lon, zoom = view_for(display_bounds(frame), width_px, height_px)
    return lat, lon, min(zoom, max_zoom) if max_zoom is not None else zoom


def view_of_result(items: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, chosen_districts: tuple[str, ...],
                   width_px: int, height_px: int) -> View | None:
    """Where to look after the filters change: the chosen districts when the filter names any (a line
    through a district should not pull the view out to its whole length), else the drawn items.
    None when there is nothing to frame (the view then stays where it is)."""
    if chosen_districts:
        shapes = districts[districts["id"].isin(chosen_districts)]
        if not shapes.empty:
            b = shapes.total_bounds
            return view_for((float(b[0]), float(b[1]), float(b[2]), float(b[3])), width_px, height_px)
    return view_of_items(items, width_px, height_px)


def link_position(view: View) -> View:
    """A view as the map shows it and the browser writes it into the page's URL (``static/view_sync.js``):
    centre to 5 decimals (about 1 m), zoom in the quarter levels the map snaps to, within its limits."""
    lat, lon, zoom = view
    snapped = min(max(round(zoom * 4) / 4, float(settings.MAP_MIN_ZOOM)), float(settings.MAP_MAX_ZOOM))
    return round(lat, 5), round(lon, 5), snapped
