"""The map a view shows, assembled in one place for the app and the benchmark.

``assemble_map`` returns what the map component is drawn from: the base map (tiles, districts, labels, legend;
it changes only with its ``BaseSpec``), the project items (sent once with the base map, ``layers.item_layers``)
and this run's part: which items to show, with their tracked status and colour, the district-level badges and
the selection, as dynamic feature groups (a filter change replaces only these), the layers menu and where to move
the drawn map. The benchmark measures this same function.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd

from layers.basemaps import BASEMAPS
from layers.filters import ViewState
from layers.item_layers import CategoryRef, ItemSet, MapItems, category_counts, show_payload, show_script
from layers.map_controls import ClickNear, GroupedLayers, Legend, Locator, PointScale, TileNotice, ViewSync
from layers.map_layers import (
    MapLabels,
    base_map,
    district_badges,
    district_labels,
    district_layer,
    legend_groups,
    selection_layer,
)
from layers.viewport import View


@dataclass(frozen=True)
class BaseSpec:
    """Everything the base map depends on. Equal specs draw the same base map, so its rendering can be reused."""

    basemap: str
    district: str | None = None
    present: bool = False
    start: View | None = None
    token: str = ""
    sync_view: bool = True
    legend_open: bool = True
    colour_by: str | None = None
    colours: tuple[tuple[str, str], ...] | None = None
    colour_labels: tuple[tuple[str, str], ...] = ()


@dataclass
class AssembledMap:
    """Everything the map component needs for one map."""

    base: folium.Map
    layers: list[folium.FeatureGroup]  # this run's feature groups: district-level badges, the selection
    control: folium.LayerControl
    center: list[float] | None  # where to move the drawn map (None: leave the browser's view)
    zoom: float | None
    spec: BaseSpec | None = None
    items: ItemSet | None = None  # every located item, sent once with the base map
    show: str = ""  # this run's script: which items to show, their tracked status and colour
    categories: list[CategoryRef] | None = None  # the items' categories in the layers menu, with counts


def base_spec(state: ViewState, *, start: View | None = None, token: str = "", sync_view: bool = True,
              legend_open: bool = True, colour_by: str | None = None, colours: Mapping[str, str] | None = None,
              colour_labels: Mapping[str, str] | None = None) -> BaseSpec:
    """The base map's inputs for a view state (see ``assemble_map`` for what each means)."""
    coloured = colour_by is not None and colours is not None
    return BaseSpec(
        basemap=state.basemap, district=state.district, present=state.present,
        start=tuple(start) if start else None, token=token, sync_view=sync_view,  # type: ignore[arg-type]
        legend_open=legend_open, colour_by=colour_by if coloured else None,
        colours=tuple(colours.items()) if coloured and colours is not None else None,
        colour_labels=tuple((colour_labels or {}).items()) if coloured else (),
    )


def assemble_base(spec: BaseSpec, labels: MapLabels) -> folium.Map:
    """The base map: tiles, districts, labels, legend and the map's controls (no project layers)."""
    basemap = BASEMAPS[spec.basemap]
    crs = basemap.overlay_crs
    start = spec.start
    m = base_map(basemap, labels, spec.token, start[:2] if start else None, start[2] if start else None,
                 big_screen=spec.present)
    if spec.sync_view:
        ViewSync().add_to(m)
    PointScale().add_to(m)
    ClickNear().add_to(m)
    TileNotice().add_to(m)
    districts = district_layer(crs, spec.district).add_to(m)
    Locator(center=(22.71, 114.48), zoom=7).add_to(districts)  # the whole city, Shenshan included
    district_labels(crs, labels.district_names).add_to(m)
    # The legend is part of the static base map (its counts follow the drawn features in the browser),
    # so that a filter change only replaces the project layers.
    if spec.colour_by is not None and spec.colours is not None:
        names = dict(spec.colour_labels)
        groups = [(k, c, names.get(k, k)) for k, c in spec.colours]
        Legend(groups, open_=spec.legend_open, count_by=spec.colour_by).add_to(m)
    else:
        Legend(legend_groups(), open_=spec.legend_open).add_to(m)
    return m


def assemble_layers(frame: gpd.GeoDataFrame, state: ViewState) -> list[folium.FeatureGroup]:
    """This run's feature groups for ``frame`` (already filtered): district-level badges and the selected item's
    outline with its card."""
    crs = BASEMAPS[state.basemap].overlay_crs
    layers: list[folium.FeatureGroup] = []
    badges = district_badges(frame, crs)
    if badges is not None:
        layers.append(badges)
    if state.item:
        selected = selection_layer(frame[frame["id"] == state.item], crs)
        if selected is not None:
            layers.append(selected)
    return layers


def assemble_map(frame: gpd.GeoDataFrame, state: ViewState, labels: MapLabels, *, items: MapItems | None = None,
                 focus: View | None = None, start: View | None = None, token: str = "", sync_view: bool = True,
                 legend_open: bool = True, colour_by: str | None = None, colours: Mapping[str, str] | None = None,
                 colour_labels: Mapping[str, str] | None = None, base: bool = True) -> AssembledMap:
    """The map of ``frame`` (already filtered) for a view state.

    ``items`` are the items sent once with the base map (the whole catalogue, built once per process; by default
    those of ``frame``); the map shows those of ``frame``.
    ``start`` is where the map is first drawn; ``focus`` moves the drawn map without rebuilding it.
    ``sync_view`` writes the map position into the page URL (the app's main map only).
    ``colour_by``/``colours`` colour features by a column instead of by category group; the legend then lists
    those values (named by ``colour_labels``) and counts the drawn features per value.
    With ``base=False`` the base map is not built (``spec`` says which one it would be; see
    ``interface.map_component``, which keeps each base map's rendering), and ``base`` is a bare map.
    """
    spec = base_spec(state, start=start, token=token, sync_view=sync_view, legend_open=legend_open,
                     colour_by=colour_by, colours=colours, colour_labels=colour_labels)
    m = assemble_base(spec, labels) if base else folium.Map(tiles=None)
    item_set = (items or MapItems(frame)).for_crs(BASEMAPS[state.basemap].overlay_crs)
    payload = show_payload(item_set, frame, colour_by=colour_by, colours=colours)
    if focus is not None:  # the run's view, applied before the items are placed (static/items.js)
        payload["v"] = [focus[0], focus[1], focus[2]]
    categories = [CategoryRef(c, n) for c, n in category_counts(item_set, payload)]
    layers = assemble_layers(frame, state)
    center = [focus[0], focus[1]] if focus is not None else None
    control = GroupedLayers([(g, label) for g, _, label in legend_groups()])  # categories under their group
    return AssembledMap(m, layers, control, center, focus[2] if focus else None, spec, item_set,
                        show_script(payload), categories)
