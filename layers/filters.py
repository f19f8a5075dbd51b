"""Filtering the catalogue, and the view state that a shareable link carries.

The view state round-trips through URL query parameters. Values that do not parse (a stale
link, a typo) are dropped one by one and reported, so a bad link opens the nearest valid view
instead of failing.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from types import MappingProxyType

import geopandas as gpd
import pandas as pd

import settings
from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP
from layers.filter_table import FILTERS, FilterContext, FilterField, default_context
from layers.schema import CATEGORY_GROUPS, DISTRICT_IDS, PLAN_STAGES
from plan_text.headings import Headings
from plan_text.index import to_cn_numeral

VIEWS = ("map", "district", "plan", "tour", "progress", "audit", "about")
# What the map's colours show: the category group (the plan's layers), the tracked status, or plan against actual.
COLOUR_MODES = ("category", "tracked", "outcome")
# The earliest "as of" date progress can be shown for (the plan period's first day).
AS_OF_MIN = date(2021, 1, 1)
LANGS = ("zh", "en")
# A rejected link value is echoed at most this long, and at most this many of them (see rejected_summary).
NOTICE_VALUE_CHARS = 40
NOTICE_MAX_VALUES = 10
QUERY_MAX_CHARS = 100


@dataclass(frozen=True)
class ViewState:
    """Everything a link reopens: the view, the filters, the selection, the basemap and map position.

    ``filters`` maps a filter's name (``FILTERS``) to the values chosen; empty choices are left out,
    so two states that filter alike compare equal.
    """

    view: str = "map"
    lang: str = "zh"
    basemap: str = DEFAULT_BASEMAP
    filters: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    query: str = ""
    district: str | None = None  # the district page shown / highlighted
    item: str | None = None  # the selected catalogue item
    para: str | None = None  # the plan paragraph shown
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None  # fractional: the map snaps to quarter levels
    present: bool = False  # big-screen presentation mode
    as_of: str | None = None  # progress shown as of this ISO date (None: today)
    colour: str = "category"  # what the map's colours show (COLOUR_MODES)
    step: str | None = None  # the tour step shown (view=tour)

    def __post_init__(self) -> None:
        chosen = {k: tuple(v) for k, v in self.filters.items() if v}
        object.__setattr__(self, "filters", MappingProxyType(chosen))

    def __hash__(self) -> int:  # the filters mapping is not hashable itself; its sorted items are
        return hash((*(getattr(self, n) for n in _SCALAR_NAMES), tuple(sorted(self.filters.items()))))

    def chosen(self, name: str) -> tuple[object, ...]:
        """The values chosen for one filter (empty: the filter is off)."""
        return self.filters.get(name, ())

    def with_(self, **changes: object) -> ViewState:
        return replace(self, **changes)  # type: ignore[arg-type]

    def with_filters(self, **chosen: tuple[object, ...]) -> ViewState:
        return replace(self, filters={**self.filters, **chosen})


_SCALARS = [f.name for f in fields(ViewState) if f.name != "filters"]
_SCALAR_NAMES = tuple(_SCALARS)


def to_query(state: ViewState, table: tuple[FilterField, ...] = FILTERS) -> dict[str, str]:
    """Query parameters for a state (defaults are left out to keep links short)."""
    default = ViewState()
    out: dict[str, str] = {}
    for name in _SCALARS[:3]:  # view, lang, basemap first: the order a reader expects
        if getattr(state, name) != getattr(default, name):
            out[name] = str(getattr(state, name))
    for f in table:
        if state.chosen(f.name):
            out[f.key] = ",".join(str(v) for v in state.chosen(f.name))
    for name in _SCALARS[3:]:
        value = getattr(state, name)
        if value == getattr(default, name) or value in (None, ""):
            continue
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        elif name == "zoom":
            out[name] = f"{value:g}"
        elif isinstance(value, float):
            out[name] = f"{value:.5f}"
        else:
            out[name] = str(value)
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
    ok = all(lo <= v <= hi for v, (lo, hi) in zip((lat, lon, zoom), MAP_POSITION_RANGE.values(), strict=True))
    return (lat, lon, zoom) if ok else None


def shortened(text: str, limit: int = NOTICE_VALUE_CHARS) -> str:
    """A value from a link as it may be echoed back: one line, at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _rejected(key: str, value: object) -> str:
    return f"{key}={shortened(str(value))}"


def _parse_list(f: FilterField, raw: str, ctx: FilterContext, notices: list[str]) -> tuple[object, ...]:
    allowed = set(f.values(ctx))
    good: list[object] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = f.cast(part)
        except ValueError:
            value = None
        if value is not None and value in allowed:
            good.append(value)
        else:
            notices.append(_rejected(f.key, part))
    return tuple(dict.fromkeys(good))


def from_query(params: Mapping[str, str], item_ids: set[str], paragraph_ids: set[str],
               context: FilterContext | None = None,
               table: tuple[FilterField, ...] = FILTERS, today: date | None = None,
               step_ids: set[str] | None = None) -> tuple[ViewState, list[str]]:
    """Parse query parameters; return the state and one entry per value that was ignored.

    Each entry is ``key=value`` with the value shortened (``shortened``): it is shown back to the
    visitor, who may have been sent a crafted link. ``step_ids`` are the tour's steps a link may name.
    """
    ctx = context or default_context()
    notices: list[str] = []
    values: dict[str, object] = {}
    choices: dict[str, object] = {"view": VIEWS, "lang": LANGS, "basemap": BASEMAPS, "district": DISTRICT_IDS,
                                  "item": item_ids, "para": paragraph_ids, "step": step_ids or set()}
    for key, allowed in choices.items():
        if key in params:
            if params[key] in allowed:  # type: ignore[operator]
                values[key] = params[key]
            else:
                notices.append(_rejected(key, params[key]))
    values["filters"] = {f.name: _parse_list(f, str(params[f.key]), ctx, notices) for f in table if f.key in params}
    if "q" in params or "query" in params:
        values["query"] = str(params.get("query", params.get("q", "")))[:QUERY_MAX_CHARS]
    for key, (lo, hi) in MAP_POSITION_RANGE.items():
        if key in params:
            try:
                v = float(params[key])
            except ValueError:
                v = float("nan")
            if lo <= v <= hi:
                values[key] = v
            else:
                notices.append(_rejected(key, params[key]))
    if "colour" in params:
        if params["colour"] in COLOUR_MODES:
            values["colour"] = params["colour"]
        else:
            notices.append(_rejected("colour", params["colour"]))
    if "as_of" in params:
        day = parse_as_of(params["as_of"], today or date.today())
        if day is None:
            notices.append(_rejected("as_of", params["as_of"]))
        else:
            values["as_of"] = day.isoformat()
    if "present" in params:
        if params["present"] in ("1", "0"):
            values["present"] = params["present"] == "1"
        else:
            notices.append(_rejected("present", params["present"]))
    state = ViewState(**values)  # type: ignore[arg-type]
    if (state.lat is None) != (state.lon is None):
        state = state.with_(lat=None, lon=None)
        notices.append("lat/lon incomplete")
    return state, notices


def parse_as_of(value: object, today: date) -> date | None:
    """A link's "as of" date if it is a real YYYY-MM-DD date in the plan period up to today, else None."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return day if AS_OF_MIN <= day <= today and len(str(value)) == 10 else None


def rejected_summary(rejected: list[str], more: str = "and {n} more") -> str:
    """One line listing the first ``NOTICE_MAX_VALUES`` rejected values, then how many more there were."""
    shown = ", ".join(rejected[:NOTICE_MAX_VALUES])
    rest = len(rejected) - NOTICE_MAX_VALUES
    return shown + (" " + more.format(n=rest) if rest > 0 else "")


def apply(frame: gpd.GeoDataFrame | pd.DataFrame, state: ViewState,
          table: tuple[FilterField, ...] = FILTERS) -> gpd.GeoDataFrame | pd.DataFrame:
    """Rows of the catalogue frame that pass every filter of the state (filters combine with AND)."""
    mask = pd.Series(True, index=frame.index)
    for f in table:
        chosen = state.chosen(f.name)
        if not chosen:
            continue
        if f.column not in frame.columns:
            raise ValueError(f"filter {f.name!r}: the frame has no column {f.column!r} (add it before filtering)")
        if f.list_column:
            wanted = set(chosen)
            mask &= frame[f.column].map(lambda vs, wanted=wanted: bool(wanted.intersection(vs)))
        else:
            mask &= frame[f.column].isin(chosen)
    if state.query:
        mask &= name_matches(frame, state.query)
    return frame[mask]


def value_counts(frame: pd.DataFrame, f: FilterField) -> dict[object, int]:
    """Items per value of a filter's column (an item in several districts counts for each)."""
    column = frame[f.column].explode() if f.list_column else frame[f.column]
    return {k: int(v) for k, v in column.value_counts().items()}


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


def chapter_counts(frame: pd.DataFrame, lang: str = "zh", titles: Headings | None = None) -> pd.Series:
    """Items per chapter in the plan's order (for charts). Without ``titles`` labelled by number in Chinese with
    the English alongside; with them, by the chapter's title in the interface language (English: translated)."""
    counts = frame["chapter"].dropna().astype(int).value_counts().sort_index()
    if titles is None:
        counts.index = [f"第{to_cn_numeral(c)}章 Ch. {c}" for c in counts.index]
    elif lang == "zh":
        counts.index = [f"第{to_cn_numeral(c)}章 {titles.chapters.get(c, ('', ''))[0]}" for c in counts.index]
    else:
        counts.index = [f"Ch. {c} {titles.chapters.get(c, ('', ''))[1]}" for c in counts.index]
    return counts


def stage_counts(frame: pd.DataFrame) -> pd.Series:
    """Items per plan stage in the vocabulary's order (study → upgrade), labelled zh + en (for charts)."""
    counts = frame["plan_stage"].value_counts()
    order = [s for s in PLAN_STAGES if s in counts.index]
    return pd.Series([int(counts[s]) for s in order], index=[f"{PLAN_STAGES[s].zh} {PLAN_STAGES[s].en}" for s in order])


def group_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {g: int((frame["group"] == g).sum()) for g in CATEGORY_GROUPS}
