"""Filtering the catalogue, and the view state that a shareable link carries.

The view state round-trips through URL query parameters. Values that do not parse (a stale
link, a typo) are dropped one by one and reported, so a bad link opens the nearest valid view
instead of failing.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Mapping

import geopandas as gpd
import pandas as pd

import settings
from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP
from layers.schema import CATEGORIES, CATEGORY_GROUPS, DISTRICT_IDS, PLAN_STAGES, PRECISIONS
from plan_text.index import to_cn_numeral

VIEWS = ("map", "district", "plan", "about")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class ViewState:
    """Everything a link reopens: the view, the filters, the selection, the basemap and map position."""

    view: str = "map"
    lang: str = "zh"
    basemap: str = DEFAULT_BASEMAP
    parts: tuple[int, ...] = ()
    chapters: tuple[int, ...] = ()
    stages: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    query: str = ""
    district: str | None = None  # the district page shown / highlighted
    item: str | None = None  # the selected catalogue item
    para: str | None = None  # the plan paragraph shown
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None  # fractional: the map snaps to quarter levels
    present: bool = False  # big-screen presentation mode

    def with_(self, **changes: object) -> "ViewState":
        return replace(self, **changes)


_LIST_KEYS = {"parts": "part", "chapters": "ch", "stages": "stage", "categories": "cat",
              "districts": "dist", "precisions": "prec"}


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for a state (defaults are left out to keep links short)."""
    default = ViewState()
    out: dict[str, str] = {}
    for f in fields(ViewState):
        value = getattr(state, f.name)
        if value == getattr(default, f.name) or value in (None, "", ()):
            continue
        key = _LIST_KEYS.get(f.name, f.name)
        if isinstance(value, tuple):
            out[key] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            out[key] = "1" if value else "0"
        elif f.name == "zoom":
            out[key] = f"{value:g}"
        elif isinstance(value, float):
            out[key] = f"{value:.5f}"
        else:
            out[key] = str(value)
    return out


# The map position a link may carry: around Shenzhen and Shenshan, at zooms the map allows.
MAP_POSITION_RANGE: dict[str, tuple[float, float]] = {
    "lat": (settings.MAP_MAX_BOUNDS[1], settings.MAP_MAX_BOUNDS[3]),
    "lon": (settings.MAP_MAX_BOUNDS[0], settings.MAP_MAX_BOUNDS[2]),
    "zoom": (settings.MAP_MIN_ZOOM, settings.MAP_MAX_ZOOM),
}


def map_position(params: Mapping[str, str]) -> tuple[float, float, float] | None:
    """The (lat, lon, zoom) in query parameters, or None if any is missing or out of range."""
    try:
        lat, lon, zoom = (float(params[k]) for k in MAP_POSITION_RANGE)
    except (KeyError, ValueError):
        return None
    ok = all(lo <= v <= hi for v, (lo, hi) in zip((lat, lon, zoom), MAP_POSITION_RANGE.values()))
    return (lat, lon, zoom) if ok else None


def from_query(params: Mapping[str, str], item_ids: set[str], paragraph_ids: set[str],
               max_chapter: int = 19, max_part: int = 10) -> tuple[ViewState, list[str]]:
    """Parse query parameters; return the state and a notice for every value that was ignored."""
    notices: list[str] = []
    values: dict[str, object] = {}

    def choice(key: str, allowed: object, attr: str | None = None) -> None:
        if key in params:
            v = params[key]
            if v in allowed:  # type: ignore[operator]
                values[attr or key] = v
            else:
                notices.append(f"{key}={v}")

    def many(attr: str, allowed: object, cast=str) -> None:
        key = _LIST_KEYS[attr]
        if key not in params:
            return
        good = []
        for raw in str(params[key]).split(","):
            raw = raw.strip()
            if not raw:
                continue
            try:
                v = cast(raw)
            except ValueError:
                notices.append(f"{key}={raw}")
                continue
            if v in allowed:  # type: ignore[operator]
                good.append(v)
            else:
                notices.append(f"{key}={raw}")
        values[attr] = tuple(dict.fromkeys(good))

    choice("view", VIEWS)
    choice("lang", LANGS)
    choice("basemap", BASEMAPS)
    many("parts", range(1, max_part + 1), int)
    many("chapters", range(1, max_chapter + 1), int)
    many("stages", PLAN_STAGES)
    many("categories", CATEGORIES)
    many("districts", DISTRICT_IDS)
    many("precisions", PRECISIONS)
    choice("district", DISTRICT_IDS)
    choice("item", item_ids)
    choice("para", paragraph_ids)
    if "q" in params or "query" in params:
        values["query"] = str(params.get("query", params.get("q", "")))[:100]
    for key, (lo, hi) in MAP_POSITION_RANGE.items():
        if key in params:
            try:
                v = float(params[key])
                if not lo <= v <= hi:
                    raise ValueError
                values[key] = v
            except ValueError:
                notices.append(f"{key}={params[key]}")
    if "present" in params:
        if params["present"] in ("1", "0"):
            values["present"] = params["present"] == "1"
        else:
            notices.append(f"present={params['present']}")
    state = ViewState(**values)  # type: ignore[arg-type]
    if (state.lat is None) != (state.lon is None):
        state = state.with_(lat=None, lon=None)
        notices.append("lat/lon incomplete")
    return state, notices


def apply(frame: gpd.GeoDataFrame | pd.DataFrame, state: ViewState) -> gpd.GeoDataFrame | pd.DataFrame:
    """Rows of the catalogue frame that pass every filter of the state (filters combine with AND)."""
    mask = pd.Series(True, index=frame.index)
    if state.parts:
        mask &= frame["part"].isin(state.parts)
    if state.chapters:
        mask &= frame["chapter"].isin(state.chapters)
    if state.stages:
        mask &= frame["plan_stage"].isin(state.stages)
    if state.categories:
        mask &= frame["category"].isin(state.categories)
    if state.precisions:
        mask &= frame["precision"].isin(state.precisions)
    if state.districts:
        wanted = set(state.districts)
        mask &= frame["districts"].map(lambda ds: bool(wanted.intersection(ds)))
    if state.query:
        mask &= name_matches(frame, state.query)
    return frame[mask]


def name_matches(frame: pd.DataFrame, query: str) -> pd.Series:
    """Partial, case-insensitive match on the Chinese or English name (or the id)."""
    q = query.strip().lower()
    if not q:
        return pd.Series(True, index=frame.index)
    return (frame["name_zh"].str.lower().str.contains(q, regex=False)
            | frame["name_en"].str.lower().str.contains(q, regex=False)
            | frame["id"].str.contains(q, regex=False))


def counts_by(frame: pd.DataFrame, column: str) -> dict[object, int]:
    return {k: int(v) for k, v in frame[column].value_counts().items()}


def chapter_counts(frame: pd.DataFrame) -> pd.Series:
    """Items per chapter in the plan's order, labelled in Chinese with the English alongside (for charts)."""
    counts = frame["chapter"].dropna().astype(int).value_counts().sort_index()
    counts.index = [f"第{to_cn_numeral(c)}章 Ch. {c}" for c in counts.index]
    return counts


def stage_counts(frame: pd.DataFrame) -> pd.Series:
    """Items per plan stage in the vocabulary's order (study → upgrade), labelled zh + en (for charts)."""
    counts = frame["plan_stage"].value_counts()
    order = [s for s in PLAN_STAGES if s in counts.index]
    return pd.Series([int(counts[s]) for s in order], index=[f"{PLAN_STAGES[s][0]} {PLAN_STAGES[s][1]}" for s in order])


def group_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {g: int((frame["group"] == g).sum()) for g in CATEGORY_GROUPS}
