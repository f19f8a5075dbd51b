"""What the app builds once per server process and shares between sessions: the catalogue, the plan, the
profiles and districts, and what is derived from them (filter vocabularies, map labels and items, export labels,
quality figures).

They live here, not in the app's script, because Streamlit runs the script anew on every run: a cached function
defined there is wrapped again each time (its source read to key the cache), about 1 ms per function per run."""
from __future__ import annotations

import gc

import geopandas as gpd
import streamlit as st

from district_profiles import DistrictProfile, load_profiles
from geo.boundaries import load_districts
from layers.export import ExportLabels
from layers.filter_table import FilterContext
from layers.filter_table import filter_context as make_filter_context
from layers.item_layers import MapItems
from layers.locate import catalogue_frame, items_by_paragraph
from layers.map_layers import MapLabels, map_labels
from layers.references import QualityFigures, quality_figures
from plan_text import PlanIndex, load_plan
from tracking.frame import OUTCOME_COLOURS, STATUS_COLOURS, outcome_label, tracked_label


@st.cache_resource(show_spinner=False)
def data() -> tuple[gpd.GeoDataFrame, PlanIndex, dict[str, DistrictProfile], gpd.GeoDataFrame]:
    """Everything loaded once per server process (the files do not change while it runs)."""
    frame = catalogue_frame().copy()
    plan = load_plan()
    frame["citation"] = frame["paragraph_id"].map(lambda p: plan.get(p).citation_zh)
    loaded = frame, plan, load_profiles(), load_districts()
    # What is loaded now lives as long as the process: the garbage collector is told to leave it (and the libraries
    # loaded by now) out of its walks. A full walk over them took about 0.15 s at 10x items, holding the interpreter
    # (and so the next run and the map) whenever Python's collector decided to make one.
    gc.collect()
    gc.freeze()
    return loaded


@st.cache_resource(show_spinner=False)
def filter_context() -> FilterContext:
    """Vocabularies and labels of the filters, from the plan and the profiles (built once)."""
    _frame, plan, profiles, _districts = data()
    return make_filter_context(plan, profiles)


@st.cache_resource(show_spinner=False)
def labels() -> MapLabels:
    """District names and card labels the map shows (built once)."""
    frame, plan, profiles, _districts = data()
    return map_labels(plan, profiles, frame, extra_lookup=progress_lookup())


@st.cache_resource(show_spinner=False)
def map_items() -> MapItems:
    """Every located item as the map receives it once, with its base map (built once per CRS)."""
    return MapItems(data()[0])


def progress_lookup() -> dict[str, dict[str, str]]:
    """Labels of the tracked statuses and outcomes for the map's cards and legend."""
    return {"tracked": {k: " ".join(tracked_label(k)) for k in STATUS_COLOURS},
            "outcome": {k: " ".join(outcome_label(k)) for k in OUTCOME_COLOURS}}


@st.cache_resource(show_spinner=False)
def citing_items() -> dict[str, tuple[str, ...]]:
    """Paragraph id -> the items citing it (built once, not on every rerun of the plan view)."""
    return items_by_paragraph(data()[0])


@st.cache_resource(show_spinner=False)
def export_labels() -> ExportLabels:
    """Readable district names and citations for the CSV exports (built once)."""
    frame, plan, profiles, _districts = data()
    return ExportLabels({d: (p.name_zh, p.name_en) for d, p in profiles.items()},
                        {pid: (plan.get(pid).citation_zh, plan.get(pid).citation_en)
                         for pid in frame["paragraph_id"].dropna().unique()})


@st.cache_resource(show_spinner=False)
def quality() -> QualityFigures:
    """The data-quality figures of the shipped catalogue (computed once: they check every location)."""
    return quality_figures(data()[0])


@st.cache_resource(show_spinner=False)
def item_districts() -> dict[str, tuple[str, ...]]:
    """Each item's districts: who may record progress for it."""
    frame = data()[0]
    return {str(i): tuple(d) for i, d in zip(frame["id"], frame["districts"], strict=True)}
