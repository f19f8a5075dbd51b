"""The map a view shows, assembled in one place for the app and the benchmark.

``assemble_map`` returns what the app hands to ``st_folium``: the base map (tiles, districts,
labels, legend; it changes only with the basemap, the language or the selected district), the
project layers sent as dynamic feature groups (a filter change replaces only these), the layer
control and where to move the drawn map. The benchmark measures this same function.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd

from layers.basemaps import BASEMAPS
from layers.filters import ViewState
from layers.map_controls import ClickNear, Legend, Locator, PointScale, TileNotice, ViewSync
from layers.map_layers import (
    MapLabels,
    base_map,
    district_labels,
    district_layer,
    legend_groups,
    project_layers,
    selection_layer,
)
from layers.viewport import View


@dataclass
class AssembledMap:
    """Everything ``st_folium`` needs for one map."""

    base: folium.Map
    layers: list[folium.FeatureGroup]
    control: folium.LayerControl
    center: list[float] | None  # where to move the drawn map (None: leave the browser's view)
    zoom: float | None


def assemble_map(frame: gpd.GeoDataFrame, state: ViewState, labels: MapLabels, *, focus: View | None = None,
                 start: View | None = None, token: str = "", sync_view: bool = True, legend_open: bool = True,
                 colour_by: str | None = None, colours: Mapping[str, str] | None = None,
                 colour_labels: Mapping[str, str] | None = None) -> AssembledMap:
    """The map of ``frame`` (already filtered) for a view state.

    ``start`` is where the map is first drawn; ``focus`` moves the drawn map without rebuilding it.
    ``sync_view`` writes the map position into the page URL (the app's main map only).
    ``colour_by``/``colours`` colour features by a column instead of by category group; the legend then lists
    those values (named by ``colour_labels``) and counts the drawn features per value.
    """
    basemap = BASEMAPS[state.basemap]
    crs = basemap.overlay_crs
    m = base_map(basemap, labels, token, start[:2] if start else None, start[2] if start else None,
                 big_screen=state.present)
    if sync_view:
        ViewSync().add_to(m)
    PointScale().add_to(m)
    ClickNear().add_to(m)
    TileNotice().add_to(m)
    districts = district_layer(crs, state.district).add_to(m)
    Locator(center=(22.71, 114.48), zoom=7).add_to(districts)  # the whole city, Shenshan included
    district_labels(crs, labels.district_names).add_to(m)
    # The legend is part of the static base map (its counts follow the drawn features in the browser),
    # so that a filter change only replaces the project layers.
    if colour_by is not None and colours is not None:
        names = colour_labels or {}
        groups = [(k, c, names.get(k, k)) for k, c in colours.items()]
        Legend(groups, open_=legend_open, count_by=colour_by).add_to(m)
    else:
        Legend(legend_groups(), open_=legend_open).add_to(m)
    layers = project_layers(frame, crs, colour_by=colour_by, colours=colours)
    if state.item:
        selected = selection_layer(frame[frame["id"] == state.item], crs)
        if selected is not None:
            layers.append(selected)
    center = [focus[0], focus[1]] if focus is not None else None
    return AssembledMap(m, layers, folium.LayerControl(collapsed=True), center, focus[2] if focus else None)
