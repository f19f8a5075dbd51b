"""The project items on the map: every located item sent once with the base map, shown or hidden per filter change.

A filter change used to send the matching items' layers again and have the browser build them anew: at 10×
items that was most of a change's time, in the server (rendering), on the wire and in the browser (creating
thousands of SVG paths). Here the whole catalogue travels once, with the base map (``ItemSet.init_script``),
and each run sends only which items to show and what changes with the date shown: their tracked status, outcome
and colour (``show_script``, a few bytes per item). ``static/items.js`` creates an item's Leaflet layer the first
time it is shown and adds or removes it from its category's layer after that.

How each precision grade is drawn stays decided here (``layers.map_layers.feature_style``): the browser gets a
style per grade with the colour and radius left to fill in (``style_templates``).

No Streamlit here.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from fileio import atomic_write_bytes
from geo.coords import CrsName
from layers.geometry import FUZZY, rounded, shifted
from layers.map_controls import script_json
from layers.map_layers import FEATURE_COLUMNS, GROUP_COLOURS, feature_props, feature_style
from layers.schema import CATEGORIES, PRECISIONS

# Placeholders in the style templates, filled in the browser per item.
COLOUR = "@colour"
RADIUS = "@radius"
# The JavaScript object holding each category's layer (``static/items.js``), named in the layers menu.
GROUPS_VAR = "szItemGroups"


def style_templates() -> dict[str, dict]:
    """How each precision grade is drawn, for points and for lines, with the colour and radius left open.

    Keys are ``<precision>`` for lines and areas and ``<precision>:pt`` for points.
    """
    out: dict[str, dict] = {}
    for precision in PRECISIONS:
        for point in (False, True):
            props = {"colour": COLOUR, "group": next(iter(GROUP_COLOURS)), "precision": precision,
                     "point": point, "radius_m": RADIUS}
            out[precision + (":pt" if point else "")] = feature_style({"properties": props})
    return out


@dataclass(frozen=True, eq=False)
class ItemSet:
    """Every located item of a catalogue as the browser receives it, once, with the base map."""

    crs: CrsName
    ids: tuple[str, ...]  # in the order sent: an item's position is how a run names it
    categories: tuple[str, ...]  # each item's category, in the same order
    data_json: str
    digest: str
    index: Mapping[str, int] = field(repr=False)

    def init_script(self, map_var: str = "map_div", *, from_file: bool = False) -> str:
        """The script that hands the items to ``static/items.js`` (run once, with the base map).

        ``from_file``: the items are not in the script but in ``data_script`` served as a file the page loads
        before it (``file_name``); the script only names them."""
        data = f"window.szItemData[{script_json(self.digest)}]" if from_file else self.data_json
        return f"\nszItems.init({map_var}, {data});\n"

    @property
    def file_name(self) -> str:
        """The name of the file holding ``data_script``: a new item set is a new file (it can be cached)."""
        return f"items-{self.crs}-{self.digest}.js"

    def data_script(self) -> str:
        """The items as a script file: it files them under the item set's digest for ``init_script``."""
        return (f"window.szItemData = window.szItemData || {{}};\n"
                f"window.szItemData[{script_json(self.digest)}] = {self.data_json};\n")


def write_data_file(items: ItemSet, directory: Path) -> Path:
    """Write ``items.data_script()`` to ``directory/items.file_name`` unless it is already there, whole.

    Written to a temporary name and renamed (``fileio.atomic_write_bytes``), so that a page (or another server
    process sharing the directory) never loads a half-written file; a failure (a read-only install) is the
    caller's to handle."""
    return write_text_once(directory / items.file_name, items.data_script())


def write_text_once(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (a name that changes with its content) unless a file of that size is there.

    Raises ``OSError`` or ``fileio.OutputError`` where it cannot be written."""
    data = text.encode("utf-8")
    if path.is_file() and path.stat().st_size == len(data):
        return path  # the content's digest is in the name: same name and size, same content
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    return path


def item_set(catalogue: gpd.GeoDataFrame, crs: CrsName) -> ItemSet:
    """The located items of ``catalogue`` in the basemap's CRS, with the few properties their cards show."""
    drawn = shifted(catalogue[catalogue.geometry.notna()], crs)
    columns = list(FEATURE_COLUMNS)
    by_column = [drawn[c].tolist() for c in columns]  # column by column: Arrow strings are slow one by one
    records = [dict(zip(columns, values, strict=True)) for values in zip(*by_column, strict=True)]
    geoms = list(drawn.geometry)
    shapes = rounded(np.asarray(geoms, dtype=object)) if geoms else []
    features = [{"type": "Feature", "geometry": shape.__geo_interface__,
                 "properties": feature_props(rec, geom.geom_type == "Point")}
                for rec, geom, shape in zip(records, geoms, shapes, strict=True)]
    data = {
        "categories": list(CATEGORIES),
        "colours": GROUP_COLOURS,
        "styles": style_templates(),
        "fuzzy": list(FUZZY),
        "features": features,
    }
    text = script_json(data)
    ids = tuple(str(r["id"]) for r in records)
    return ItemSet(crs=crs, ids=ids, categories=tuple(str(r["category"]) for r in records), data_json=text,
                   digest=hashlib.sha256(text.encode()).hexdigest()[:16], index={i: n for n, i in enumerate(ids)})


class MapItems:
    """A catalogue's item sets, built once per CRS (WGS84, and GCJ-02 for Gaode) and shared by every session."""

    def __init__(self, catalogue: gpd.GeoDataFrame) -> None:
        self.catalogue = catalogue
        self._sets: dict[CrsName, ItemSet] = {}
        self._lock = threading.Lock()

    def for_crs(self, crs: CrsName) -> ItemSet:
        with self._lock:
            if crs not in self._sets:
                self._sets[crs] = item_set(self.catalogue, crs)
            return self._sets[crs]


def _codes(values: Sequence[object]) -> tuple[list[str], list[int]]:
    """A column as (distinct values, each row's position among them): a few bytes per item on the wire."""
    table: dict[str, int] = {}
    codes = [table.setdefault(str(v), len(table)) for v in values]
    return list(table), codes


def show_payload(items: ItemSet, frame: pd.DataFrame, colour_by: str | None = None,
                 colours: Mapping[str, str] | None = None) -> dict:
    """What one run sends for ``frame`` (already filtered): which items to show, and per shown item its tracked
    status, as-of date and outcome (when the frame carries them) and its colour (when coloured by a column).

    Items of ``frame`` that the item set does not hold (not located, or not in the catalogue) are not drawn.
    """
    ids = frame["id"].tolist()
    rows = [n for n, i in enumerate(ids) if i in items.index]
    payload: dict = {"i": [items.index[ids[n]] for n in rows]}
    if {"tracked_status", "outcome", "tracked_as_of"} <= set(frame.columns):
        for key, column in (("s", "tracked_status"), ("o", "outcome"), ("d", "tracked_as_of")):
            values = frame[column].tolist()
            table, codes = _codes(["" if values[n] is None else values[n] for n in rows])
            payload[key] = codes
            payload[key.upper()] = table
    if colour_by is not None and colours is not None and colour_by in frame.columns:
        values = frame[colour_by].tolist()
        palette, codes = _codes([colours.get(str(values[n]), "") for n in rows])
        payload["c"] = codes
        payload["C"] = palette
    return payload


def show_script(payload: dict, map_var: str = "map_div") -> str:
    """The script one run sends: show these items (``show_payload``) on the map."""
    return f"\nszItems.show({map_var}, {script_json(payload)});\n"


def category_counts(items: ItemSet, payload: dict) -> list[tuple[str, int]]:
    """(category, items shown) for the categories with at least one item shown, in the catalogue's order."""
    position = {c: k for k, c in enumerate(CATEGORIES)}
    shown = np.bincount([position[items.categories[n]] for n in payload["i"]], minlength=len(CATEGORIES))
    return [(c, int(n)) for c, n in zip(CATEGORIES, shown, strict=True) if n]


class CategoryRef(folium.map.Layer):
    """A category's layer of the items, in the layers menu: named with what it shows, under its group.

    The layer itself lives in the browser (``static/items.js``); this only names it for the menu.
    """

    def __init__(self, category: str, count: int) -> None:
        label = CATEGORIES[category]
        super().__init__(name=f"{label.zh} {label.en} ({count})", overlay=True, control=True, show=True)
        self.category = category
        self.group = label.group  # read by the layers menu (layers.map_controls.menu_groups)
        self.count = count

    def get_name(self) -> str:
        return f"{GROUPS_VAR}[{script_json(self.category)}]"

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # draws nothing itself
        return None
