"""Streamlit entry: the map of Shenzhen's 14th Five-Year Plan.

This module only wires the interface; data, filters, map layers and exports live in
``plan_text``, ``geo``, ``layers`` and ``district_profiles`` so they can be tested without a browser.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import streamlit as st

import settings
from district_profiles import load_profiles
from fileio import DataError
from geo.boundaries import district_problems, load_districts
from geo.export import district_frame
from interface import briefing, progress, share_link
from interface.map_component import draw_map, handover_sent
from interface.resources import (
    citing_items,
    data,
    export_labels,
    filter_context,
    item_districts,
    labels,
    map_items,
    progress_lookup,
    quality,
)
from layers import filters
from layers.basemaps import BASEMAPS
from layers.export import export_file_name, to_csv_bytes, to_geojson_bytes, to_gpkg_bytes
from layers.filter_table import FILTERS, Bilingual, FilterField
from layers.map_assembly import assemble_map
from layers.schema import CATEGORIES, CATEGORY_GROUPS, DISTRICT_IDS, PLAN_STAGES, PRECISIONS
from layers.viewport import View, link_position, view_for, view_of_items, view_of_result
from plan_text.headings import Headings, load_headings
from plan_text.index import to_cn_numeral
from tracking import Store, User
from tracking.frame import OUTCOME_COLOURS, STATUS_COLOURS
from tracking.store import today_shenzhen
from ui_text import md_literal, md_text, t

if TYPE_CHECKING:
    import altair as alt

# A presentation link (present=1) opens with the sidebar folded away: the big screen shows the map.
st.set_page_config(page_title=t("page_title", "zh"), page_icon="🗺️", layout="wide",
                   initial_sidebar_state="collapsed" if st.query_params.get("present") == "1" else "auto")

MAP_KEY = "plan_map"
# On a session's first map view the results table follows the map once the browser says the map is drawn, or
# after this long if it never says so (see results_after_map).
RESULTS_AFTER_MAP_S = 8.0
# Larger type and less chrome for briefings on a big screen.
PRESENTATION_CSS = """<style>
html { font-size: 20px; }
section[data-testid="stMain"] .block-container { padding-top: 1rem; max-width: 100%; }
</style>"""
TABLE_COLUMNS = ["name_zh", "name_en", "category", "plan_stage", "stage_phrase", "tracked_status", "outcome",
                 "districts", "precision", "citation", "id"]
# What each colour mode of the map colours by (column, value -> colour); category is the map's own default.
COLOURING: dict[str, tuple[str | None, dict[str, str] | None]] = {
    "category": (None, None), "tracked": ("tracked_status", STATUS_COLOURS), "outcome": ("outcome", OUTCOME_COLOURS)}


def district_name(did: str, lang: str) -> str:
    p = load_profiles()[did]
    return f"{p.name_zh} {p.name_en}" if lang == "zh" else f"{p.name_en} {p.name_zh}"


def _take_widget_value(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def keyed_by_language(widget, key: str, lang: str, **kwargs):
    """A choice widget whose option labels depend on the language, keeping its value across a switch.

    Streamlit keeps a choice by its displayed label, so after a language switch the old label no longer
    matches and the widget hands back a label instead of an id. The value lives under ``key`` (plain
    state), and the widget is keyed per language and initialised from it.
    """
    widget_key = f"{key}__{lang}"
    if st.session_state.get(widget_key) != st.session_state.get(key):
        st.session_state[widget_key] = st.session_state.get(key)
    value = widget(key=widget_key, on_change=_take_widget_value, args=(widget_key, key), **kwargs)
    st.session_state[key] = value
    return value


def init_state(frame: pd.DataFrame, plan) -> None:
    """On a session's first run, take the view from the URL (a shared link) into the widgets."""
    if "init" in st.session_state:
        return
    state, notices = filters.from_query(st.query_params.to_dict(), set(frame["id"]),
                                        {p.id for p in plan.paragraphs}, filter_context(), today=today_shenzhen(),
                                        step_ids=briefing.tour_step_ids())
    st.session_state.update({
        "init": True, "notices": notices, "view": state.view, "lang": state.lang,
        "basemap": state.basemap, "f_query": state.query, "district": state.district, "item": state.item,
        "para": state.para, "map_pos": (state.lat, state.lon, state.zoom) if state.lat is not None else None,
        "present": state.present, "colour": state.colour, "step": state.step,
        "as_of": date.fromisoformat(state.as_of) if state.as_of else today_shenzhen(),
    })
    st.session_state.update({f.session_key: list(state.chosen(f.name)) for f in FILTERS})
    # The map is first drawn where the link says; afterwards the browser keeps its own view.
    st.session_state["map_start"] = st.session_state["map_pos"] or focus_of(frame, state.item)


def sync_map_position() -> None:
    """Take the map position in the run's query string into the state.

    Streamlit sends the query string the server last wrote (only before its first write, the address bar's), so
    this is rarely a pan the browser made since: the browser keeps that itself (``static/view_sync.js``).
    """
    pos = filters.map_position(st.query_params.to_dict())
    if pos is not None:
        st.session_state["map_pos"] = pos


def current_state() -> filters.ViewState:
    ss = st.session_state
    pos = ss.get("map_pos") or (None, None, None)
    return filters.ViewState(
        view=ss["view"], lang=ss["lang"], basemap=ss["basemap"],
        filters={f.name: tuple(ss[f.session_key]) for f in FILTERS}, query=ss["f_query"],
        district=ss.get("district"), item=ss.get("item"), para=ss.get("para"),
        lat=pos[0], lon=pos[1], zoom=pos[2], present=bool(ss.get("present")),
        as_of=None if ss["as_of"] == today_shenzhen() else ss["as_of"].isoformat(), colour=ss["colour"],
        step=ss.get("step") if ss["view"] == "tour" else None,
    )


def reset_filters() -> None:
    for f in FILTERS:
        st.session_state[f.session_key] = []
    st.session_state["f_query"] = ""


def sidebar(frame: pd.DataFrame, plan, user: User | None) -> None:
    lang = st.session_state["lang"]
    with st.sidebar:
        st.radio(t("lang", lang), ["zh", "en"], key="lang", horizontal=True,
                 format_func=lambda v: "中文" if v == "zh" else "English")
        lang = st.session_state["lang"]
        # The audit page is offered to administrators only (a link to it shows others why not).
        views = [v for v in filters.VIEWS if v != "audit" or (user is not None and user.is_admin)
                 or st.session_state["view"] == "audit"]
        keyed_by_language(st.radio, "view", lang, label=t("view", lang), options=views,
                          format_func=lambda v: t(f"view.{v}", lang))
        st.toggle(t("present", lang), key="present")
        st.subheader(t("filters", lang))
        for f in FILTERS:
            filter_widget(f, frame, lang)
        st.text_input(t("f.query", lang), key="f_query", placeholder=t("search.placeholder", lang))
        st.button(t("f.reset", lang), on_click=reset_filters)
        st.divider()
        st.subheader(t("progress.title", lang))
        progress.as_of_input(lang)
        keyed_by_language(st.radio, "colour", lang, label=t("colour", lang), options=list(filters.COLOUR_MODES),
                          format_func=lambda c: t(f"colour.{c}", lang))
        st.divider()
        keyed_by_language(st.selectbox, "basemap", lang, label=t("basemap", lang), options=list(BASEMAPS),
                          format_func=lambda b: BASEMAPS[b].label_zh if lang == "zh" else BASEMAPS[b].label_en)
        if BASEMAPS[st.session_state["basemap"]].needs_token:
            st.text_input(t("token", lang), key="tianditu_token", type="password")
        st.caption(t("offline.note", lang))
        if BASEMAPS[st.session_state["basemap"]].overlay_crs == "gcj02":
            st.caption(t("gcj.note", lang))


def settle_filters() -> None:
    """Drop chosen values that no longer apply (chapters outside newly chosen parts), before anything reads the
    filters: the map is drawn before the sidebar's widgets."""
    ctx = filter_context()
    for f in FILTERS:
        chosen = {g.name: tuple(st.session_state[g.session_key]) for g in FILTERS}
        choices = f.choices(ctx, chosen)
        kept = [v for v in st.session_state[f.session_key] if v in choices]
        if kept != st.session_state[f.session_key]:
            st.session_state[f.session_key] = kept


def filter_widget(f: FilterField, frame: pd.DataFrame, lang: str) -> None:
    """One sidebar multiselect, from its entry in the filter table (its value settled by ``settle_filters``)."""
    ctx = filter_context()
    chosen = {g.name: tuple(st.session_state[g.session_key]) for g in FILTERS}
    choices = f.choices(ctx, chosen)
    counts = filters.value_counts(frame, f) if f.show_counts else None

    def label(v: object) -> str:
        text = f.label(v, lang, ctx)
        return f"{text} ({counts.get(v, 0)})" if counts is not None else text

    keyed_by_language(st.multiselect, f.session_key, lang, label=f.title(lang), options=choices,
                      placeholder=t("choose", lang), format_func=label)


def item_card(row: pd.Series, lang: str) -> None:
    """An item's card beside the map; every text from the catalogue is shown as text (``md_text``)."""
    st.markdown(f"#### {md_text(row['name_zh'])}\n*{md_text(row['name_en'])}*")
    cat = CATEGORIES[row["category"]]
    stage = PLAN_STAGES[row["plan_stage"]]
    prec = PRECISIONS[row["precision"]]
    districts = md_text(", ".join(district_name(d, lang) for d in row["districts"]) or "—")
    st.markdown(
        f"- **{t('card.category', lang)}**: {cat.zh} {cat.en}\n"
        f"- **{t('card.wording', lang)}**: “{md_text(row['stage_phrase'])}” → {stage.zh} {stage.en}\n"
        f"- **{t('card.quote', lang)}**: “{md_text(row['quote'])}”\n"
        f"- **{t('card.source', lang)}**: {card_source(row, lang)}\n"
        f"- **{t('card.districts', lang)}**: {districts}\n"
        f"- **{t('card.precision', lang)}**: {prec.zh} {prec.en} ({prec.meaning})\n"
        f"- **{t('card.location_source', lang)}**: {md_text(row['location_source'])}"
    )


def card_source(row: pd.Series, lang: str) -> str:
    """The item's paragraph as a link; in English its citation and the chapter's translated title."""
    link = plan_link(row["paragraph_id"])
    if lang == "zh":
        return f"[{md_text(row['citation'])}]({link})"
    para = data()[1].get(row["paragraph_id"])
    return f"[{md_text(para.citation_en)}]({link}) · {md_text(heading_line(para, load_headings(), lang))}"


def plan_link(paragraph_id: str) -> str:
    """The app's own link to a paragraph of the plan (the id quoted, whatever it holds)."""
    return "?" + urlencode({"view": "plan", "para": paragraph_id})


def district_profile(did: str, lang: str, plan) -> None:
    p = load_profiles()[did]
    geo = load_districts().set_index("id").loc[did]
    para = plan.get(p.positioning.paragraph_id)
    st.markdown(f"### {md_text(p.name_zh)} · {md_text(p.name_en)}")
    st.markdown(f"**{t('positioning', lang)}**")
    st.info(md_text(p.positioning.quote))
    st.caption(f"{t('source', lang)}: [{md_text(para.citation_zh)}]({plan_link(para.id)}) · "
               f"{md_text(para.citation_en)}")
    st.markdown(f"**{t('key_areas', lang)}** (“{md_text(p.key_areas_phrase)}”)")
    st.markdown("\n".join(f"- {md_text(k.name_zh)} — {md_text(k.name_en)}" for k in p.key_areas))
    st.markdown(f"**{t('area', lang)}**: " + t("area.computed", lang, a=float(geo["area_km2"]), o=p.official_area_km2))
    st.markdown(f"**{t('boundary', lang)}**: {md_text(geo['boundary_source'])}. "
                f"{md_text(geo.get('boundary_note', ''))}")
    if bool(geo["boundary_approximate"]):
        st.warning(t("boundary.approx", lang))


def render_map(frame: pd.DataFrame, state: filters.ViewState, focus: View | None, key: str = MAP_KEY,
               height: int = 620, start: View | None = None, legend_open: bool = True,
               handover: str | None = None) -> dict | None:
    """Draw the map. The base (tiles, districts, legend) and the items only change with the basemap, district or
    colouring; a filter change sends which items to show, so it does not rebuild them.

    ``start`` is where the map is first drawn; ``focus`` moves the drawn map without rebuilding it.
    """
    token = st.session_state.get("tianditu_token", "")
    if BASEMAPS[state.basemap].needs_token and not token:
        st.caption(t("token.missing", state.lang))
    colour_by, colours = COLOURING[state.colour]
    built = assemble_map(frame, state, labels(), items=map_items(), focus=focus, start=start, token=token,
                         sync_view=key == MAP_KEY, legend_open=legend_open, colour_by=colour_by, colours=colours,
                         colour_labels=progress_lookup()["tracked" if state.colour == "tracked" else "outcome"],
                         base=False)  # the base map is rendered once per spec (interface.map_component)
    return draw_map(built, labels(), key=key, height=height, handover=handover)


def handle_click(result: dict | None) -> None:
    """A click on a district opens its profile; a click on an item selects it (once per click)."""
    if not result:
        return
    feat = result.get("last_active_drawing")
    if not feat:
        return
    props = feat.get("properties") or {}
    marker = (props.get("id"), str(feat.get("geometry", ""))[:80])
    if st.session_state.get("last_click") == marker:
        return
    st.session_state["last_click"] = marker
    fid = props.get("id")
    if fid in DISTRICT_IDS and "group" not in props:  # a district, not a project feature
        st.session_state["district"] = fid
        st.session_state["item"] = None
    elif fid:
        st.session_state["item"] = fid
    st.rerun()


def focus_of(frame: pd.DataFrame, item_id: str | None) -> tuple[float, float, float] | None:
    if not item_id:
        return None
    return view_of_items(frame[frame["id"] == item_id], 600, 620)


def results_table(sub: pd.DataFrame, lang: str, key: str) -> None:
    table = sub[TABLE_COLUMNS].copy()
    table["category"] = table["category"].map(lambda c: both(CATEGORIES[c], lang))
    table["plan_stage"] = table["plan_stage"].map(lambda s: both(PLAN_STAGES[s], lang))
    table["precision"] = table["precision"].map(lambda p: both(PRECISIONS[p], lang))
    table["tracked_status"] = table["tracked_status"].map(lambda k: progress.status_text(k, lang))
    table["outcome"] = table["outcome"].map(lambda k: progress.outcome_text(k, lang))
    table["districts"] = table["districts"].map(lambda ds: ("、" if lang == "zh" else ", ").join(
        load_profiles()[d].name_zh if lang == "zh" else load_profiles()[d].name_en for d in ds))
    event = st.dataframe(table, hide_index=True, width="stretch", key=key,
                         on_select="rerun", selection_mode="single-row",
                         column_config={"id": None, **{c: t(f"col.{c}", lang) for c in TABLE_COLUMNS if c != "id"}})
    rows = event.selection.rows if event is not None else []
    if rows:
        picked = table.iloc[rows[0]]["id"]
        if st.session_state.get(f"{key}_picked") != picked:
            st.session_state[f"{key}_picked"] = picked
            st.session_state["item"] = picked
            st.rerun()


def first_map_view() -> bool:
    """Whether this run is a session's first map view, before the browser has drawn the map.

    Such a run sends the map (with the title, the card and the counts) but not the sidebar's controls: they and
    the export buttons follow with the results table (``results_after_map``). Every kind of widget the page shows
    first makes the browser fetch that widget's code (about 45 files for the sidebar and the search row) from the
    same server, over the same six connections, while the map's own files (the component, its page, Leaflet and
    the map's scripts, one after the other) wait behind them. The search row's widgets wait with the controls;
    the row keeps their height (``LAYOUT_CSS``).
    """
    if st.session_state["view"] != "map" or st.session_state.get("controls_shown"):
        return False  # once shown, the controls stay (another view first, then the map)
    drawn = st.session_state.get(MAP_KEY)  # the map's report, taken before this run (static/view_sync.js)
    if isinstance(drawn, dict) and drawn.get("map_drawn"):
        st.session_state["results_shown"] = True
    return not st.session_state.get("results_shown")


@st.fragment(run_every=RESULTS_AFTER_MAP_S)
def results_after_map(lang: str) -> None:
    """The results table's place on a session's first map view, until the map is drawn (the controls wait with
    it: ``first_map_view``).

    The table's data grid is a large script the browser fetches before it shows what comes with it, so on a cold
    load the map would wait for it. The first run sends the map and this placeholder. Once the browser has drawn
    the map, it says so through the map component's value (``static/view_sync.js``), which reruns the app, and
    that run sends the table, in step with the filters and the selection as any later run. Should the browser
    never say so, this fragment's timer (``run_every``, cleared by any full run) reruns the app once; any other
    full run before then (a filter changed at once) shows the table too.
    """
    if st.session_state.get("results_waited"):
        st.session_state["results_shown"] = True
        st.rerun(scope="app")
    st.session_state["results_waited"] = True
    st.caption(t("results.after_map", lang))


def export_buttons(sub: pd.DataFrame, state: filters.ViewState, key: str, district: str | None = None) -> None:
    """CSV and GeoJSON of exactly the filtered rows, written only when a button is clicked
    (not on every filter change, and not sent to the browser before anyone asks). The file names
    say what is inside: the district, the filters and the day."""
    lang = state.lang
    c1, c2, c3 = st.columns(3)
    gdf = sub.drop(columns=["citation"])
    chosen = {f.key: state.chosen(f.name) for f in FILTERS}
    name = partial(export_file_name, day=today_shenzhen(), district=district, chosen=chosen, query=state.query)
    c1.download_button(t("export.csv", lang), partial(to_csv_bytes, gdf, export_labels()), name("csv"), "text/csv",
                       key=f"{key}_csv", on_click="ignore")
    c2.download_button(t("export.geojson", lang), partial(to_geojson_bytes, gdf), name("geojson"),
                       "application/geo+json", key=f"{key}_geojson", on_click="ignore")
    c3.download_button(t("export.gpkg", lang), partial(gpkg_bytes, gdf), name("gpkg"),
                       "application/geopackage+sqlite3", key=f"{key}_gpkg", on_click="ignore")


def gpkg_bytes(selection: gpd.GeoDataFrame) -> bytes:
    """One GeoPackage for QGIS: every district and item, and the filtered selection, styled as the map draws them."""
    return to_gpkg_bytes(data()[0].drop(columns=["citation"]), district_frame(), selection=selection)


def counts_line(sub: pd.DataFrame, lang: str) -> str:
    return t("results.count", lang, n=len(sub), drawn=int(sub.geometry.notna().sum()),
             district=int((sub["precision"] == "district").sum()), none=int((sub["precision"] == "none").sum()))


def filters_signature(state: filters.ViewState) -> str:
    """What decides which items a view shows: the filters and the name search."""
    return repr((sorted(state.filters.items()), state.query))


def result_focus(sub: pd.DataFrame, state: filters.ViewState) -> View | None:
    """Where the map moves after the filters change: it frames the result, unless the visitor keeps the view
    (the switch's value as the run starts: the switch itself is drawn after the map)."""
    signature = filters_signature(state)
    changed = st.session_state.get("fit_signature", signature) != signature
    st.session_state["fit_signature"] = signature
    keep = bool(st.session_state.get("keep_view", False))
    if not changed or keep:
        return None
    return view_of_result(sub, load_districts(), tuple(str(d) for d in state.chosen("districts")), 600, 620)


def map_move(state: filters.ViewState, moved: bool) -> View | None:
    """Where this run moves the main map (None: the browser's view stays as it is).

    The last move is sent again on every run, so that the drawn map does not take it for a new one. A base map
    drawn anew (another basemap, highlighted district or colouring, or the map view opened again) starts where the
    visitor's map was: ``static/view_sync.js`` keeps that in the page (the server never sees a pan), and the map
    starts from a fixed view rather than fitting the city (a fit animating after it would undo it). An old move
    must not throw it back. A new move is the map's position in the shared link at once (the browser writes it
    too, once the map has moved).
    """
    # What the base map is built from (the language is not: its labels carry both).
    base = (state.basemap, state.district, state.present, state.colour, st.session_state.get("tianditu_token", ""))
    if st.session_state.get("map_base") != base:
        if not moved:
            st.session_state["map_focus"] = None
        if "map_base" in st.session_state or st.session_state.get("map_drawn"):
            st.session_state["map_start"] = st.session_state.get("map_pos") or (*settings.MAP_CENTER, settings.MAP_ZOOM)
    st.session_state["map_base"] = base
    st.session_state["map_drawn"] = True
    focus = st.session_state.get("map_focus")
    if moved and focus is not None:
        st.session_state["map_pos"] = link_position(focus)
    return focus


# The map view's search row keeps the height of its search box while the box's code loads (on a session's first
# map view the box comes after the map: ``first_map_view``). Fixed markup, no text from data or visitors.
LAYOUT_CSS = ("<style>.st-key-search_row { min-height: 4.25rem; }"
              # narrow screens: the box and the switch stand one above the other
              " @media (max-width: 640px) { .st-key-search_row { min-height: 7.25rem; } }</style>")


def await_map_drawn(handover: bool) -> None:
    """Wait before a map-only run ends (``map_only_run``): with ``handover``, until the map frame reports that it has
    drawn the items, which reruns the app; otherwise a fixed ``settings.MAP_SEND_WAIT_S``.

    The frame's report is a rerun request. A running script takes such a request at its next yield point, and
    reading the session state is one: the run ends there (as ``st.rerun`` would end it), and the next run starts
    with the map's report among its widget values."""
    if not handover:
        time.sleep(settings.MAP_SEND_WAIT_S)
        return
    deadline = time.monotonic() + settings.MAP_DRAWN_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.01)
        st.session_state.get("map_signature")  # a yield point: the frame's report ends the run here


def map_only_run(state: filters.ViewState, as_of: date) -> bool:
    """Whether this run sends the map alone and then runs again for the rest of the page: a run whose filters,
    name search or date differ from the last run's (what changes which items the map shows).

    The page applies a run's messages in order, and its map frame waits behind them: after the map come the
    search row, the card, the counts, the results table, the sidebar's controls and the link, about fifty
    elements the page re-renders before the map's new items are drawn. A run ended early by ``st.rerun`` keeps
    the page's other elements as they were (and their widgets' values) until the next run, which sends them
    in step with the filters, and the same map again (unchanged: the map frame does nothing)."""
    signature = f"{filters_signature(state)}@{as_of.isoformat()}"
    previous = st.session_state.get("map_signature")
    st.session_state["map_signature"] = signature
    return previous is not None and previous != signature


def map_view(frame: pd.DataFrame, state: filters.ViewState, plan, ctx: ProgressContext, first: bool = False) -> None:
    """The map view; ``first``: a session's first map view, whose run sends the map without the controls
    (see ``first_map_view``)."""
    lang = state.lang
    sub = filters.apply(frame, state)
    map_only = map_only_run(state, ctx.as_of) and not first
    # The search box and the keep-view switch share one row, leaving the map more of the screen. The map is what
    # visitors wait for, so it is drawn first and the row above it is filled in after (a search's choice is in the
    # state as the run starts).
    search_col, keep_col = st.container(key="search_row").columns([3, 1], vertical_alignment="bottom")
    picked = st.session_state.get("search_pick")
    if picked and st.session_state.get("search_done") != picked:
        st.session_state["search_done"] = picked
        st.session_state["item"] = picked
        state = state.with_(item=picked)
    # On a big screen the map takes the full width (the city and Shenshan make a wide extent)
    # and the card goes below it; otherwise the card sits beside the map.
    left, right = (st.container(), st.container()) if state.present else st.columns([3, 1.3])
    with left:
        # The map moves when the filters change (to frame the result) or another item is selected;
        # otherwise the same focus is sent again, which leaves the visitor's own panning alone.
        fit = result_focus(sub, state)
        moved = fit is not None
        if fit is not None:
            st.session_state["map_focus"] = fit
        elif st.session_state.get("focus_item", "") != state.item:
            st.session_state["focus_item"] = state.item
            st.session_state["map_focus"] = focus_of(frame, state.item)
            moved = True
        focus = map_move(state, moved)
        handover = None
        if map_only and st.session_state.get("map_reports"):  # a token the map reports back once it has drawn
            count = st.session_state.get("map_handovers", 0) + 1
            st.session_state["map_handovers"] = count
            handover = str(count)
        result = render_map(sub, state, focus, height=720 if state.present else 620,
                            start=st.session_state.get("map_start"), handover=handover)
        if map_only:
            # The rest of the page follows in the next run (``map_only_run``), once the map has drawn. A run
            # starting clears the messages not yet sent, so the map's message is given time to leave first (were it
            # not sent by then, the next run sends the map again, as any run does).
            await_map_drawn(handover_sent(MAP_KEY))
            st.rerun()
        st.caption(t("click.hint", lang) + " " + settings.OSM_ATTRIBUTION)
        if result and result.get("map_drawn"):  # the browser has drawn the map (static/view_sync.js)
            st.session_state["results_shown"] = True
            st.session_state["map_reports"] = True  # and it says so: a map-only run may ask for its report
    ids = frame["id"].tolist()  # tolist: iterating Arrow strings one by one is slow
    names = dict(zip(ids, (frame["name_zh"] + " " + frame["name_en"]).tolist(), strict=True))
    # On the first view the search box and the switch follow with the sidebar's controls (``first_map_view``):
    # their code is about twenty files the page would fetch ahead of the map's. The row keeps their height
    # meanwhile (``LAYOUT_CSS``), so that the drawn map is not pushed down when they come.
    if not first:
        search_col.selectbox(t("search", lang), [None, *ids], index=None, key="search_pick",
                             format_func=lambda i: names.get(i, ""), placeholder=t("search.placeholder", lang))
        keep_col.toggle(t("keep_view", lang), key="keep_view")
    with right:
        if state.item and state.item in names:
            st.markdown(f"**{t('card', lang)}**")
            row = frame[frame["id"] == state.item].iloc[0]
            item_card(row, lang)
            progress.item_progress(ctx.store, row, ctx.user, lang, ctx.as_of)
        elif state.district:
            district_profile(state.district, lang, plan)
        else:
            st.caption(t("card.none", lang))
    handle_click(result)
    st.markdown(f"#### {t('results', lang)}")
    st.caption(counts_line(sub, lang))
    if not first:
        export_buttons(sub, state, "shenzhen-14fyp-filtered")
    if st.session_state.get("results_shown"):
        results_table(sub, lang, "results_table")
    else:
        results_after_map(lang)


def ordered_bar_chart(counts: pd.Series) -> alt.Chart:
    """Horizontal bars in the order of ``counts`` (st.bar_chart re-sorts them); drawn as SVG so the labels are text.
    (altair is loaded with the first chart: the map view, which most visitors stay on, does not need it.)"""
    import altair as alt

    table = pd.DataFrame({"label": [str(i) for i in counts.index], "n": [int(v) for v in counts]})
    return alt.Chart(table, usermeta={"embedOptions": {"renderer": "svg"}}).mark_bar().encode(
        y=alt.Y("label:N", sort=list(table["label"]), title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("n:Q", title=None, axis=alt.Axis(tickMinStep=1)),
        tooltip=["label", "n"],
    ).properties(height=max(60, 26 * len(table)))


def district_view(frame: pd.DataFrame, state: filters.ViewState, plan, ctx: ProgressContext) -> None:
    lang = state.lang
    if st.session_state.get("district") is None:
        st.session_state["district"] = DISTRICT_IDS[0]
    keyed_by_language(st.selectbox, "district", lang, label=t("choose.district", lang), options=list(DISTRICT_IDS),
                      format_func=lambda d: district_name(d, lang))
    did = st.session_state["district"]
    state = state.with_(district=did)
    in_district = frame[frame["districts"].map(lambda ds: did in ds)]
    sub = filters.apply(in_district, state)  # the sidebar's filters apply here too, and the page says so
    left, right = st.columns([1.2, 1.5])
    with left:
        district_profile(did, lang, plan)
    with right:
        start = view_for(load_districts().set_index("id").loc[did].geometry.bounds, 480, 430)
        render_map(sub, state, None, key=f"district_map_{did}", height=430, start=start, legend_open=False)
    st.markdown(f"#### {t('district.items', lang)}")
    st.caption(counts_line(sub, lang))
    if len(sub) < len(in_district):
        st.caption(t("district.filtered", lang, n=len(sub), total=len(in_district)))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('district.by_chapter', lang)}**")
        st.altair_chart(ordered_bar_chart(filters.chapter_counts(sub, lang, load_headings())))  # the plan's order
    with c2:
        st.markdown(f"**{t('district.by_stage', lang)}**")
        st.altair_chart(ordered_bar_chart(filters.stage_counts(sub)))  # from study to upgrade
    export_buttons(sub, state, "district_export", district=did)
    briefing.handout_button(sub, did, lang, today_shenzhen())
    progress.district_progress(sub, lang, ctx.as_of)
    if ctx.store is not None:
        progress.progress_exports(ctx.store, sub, ctx.as_of, did, lang, f"district_{did}")
    results_table(sub, lang, f"district_table_{did}")


def plan_view(frame: pd.DataFrame, state: filters.ViewState, plan) -> None:
    lang = state.lang
    para_id = state.para
    current = plan.get(para_id) if para_id else None
    parts = sorted(plan.parts)
    part_default = current.part_no if current and current.part_no else parts[0]
    titles = load_headings()
    part = st.selectbox(t("plan.part", lang), parts, index=parts.index(part_default),
                        format_func=lambda n: titles.part(n, lang), key=f"plan_part_{para_id}__{lang}")
    chapters = [c for c, (p, _) in sorted(plan.chapters.items()) if p == part]
    ch_default = (current.chapter_no if current and current.chapter_no in chapters
                  else (chapters[0] if chapters else None))
    chapter = st.selectbox(t("plan.chapter", lang), chapters, index=chapters.index(ch_default) if chapters else 0,
                           format_func=lambda c: titles.chapter(c, lang), key=f"plan_ch_{para_id}__{lang}")
    if lang != "zh":
        st.caption(t("plan.titles_translated", lang))
    cites = citing_items()
    profile_cites = {p.positioning.paragraph_id: p for p in load_profiles().values()}
    if current is not None:
        paragraph_focus(frame, state, current, list(cites.get(current.id, ())), profile_cites.get(current.id))
        st.divider()
    section = None
    for p in plan.in_chapter(chapter):
        if p.section_no != section:
            section = p.section_no
            if section:
                st.markdown(f"##### 第{to_cn_numeral(section)}节 {md_text(p.section_title)}")
        n = len(cites.get(p.id, []))
        badge = t("plan.badge", lang, n=n) if n else ""
        marker = "▶ " if p.id == para_id else ""
        with st.container(border=p.id == para_id):
            st.markdown(f"{marker}{md_literal(p.id)}{badge}")
            st.markdown(md_text(p.text))
            offer = (n or p.id in profile_cites) and p.id != para_id
            if offer and st.button(t("plan.show_map", lang) if n else t("plan.show_profile", lang),
                                   key=f"show_{p.id}"):
                st.session_state["para"] = p.id
                st.rerun()


def paragraph_focus(frame: pd.DataFrame, state: filters.ViewState, para, ids: list[str], profile) -> None:
    """The selected paragraph with the items it names, shown and zoomed to on a map."""
    lang = state.lang
    left, right = st.columns([1.2, 1.6])
    with left:
        first, second = (para.citation_zh, para.citation_en) if lang == "zh" else (para.citation_en, para.citation_zh)
        st.markdown(f"**{md_text(first)}**  \n{md_text(second)}")
        if lang != "zh":
            st.caption(md_text(heading_line(para, load_headings(), lang)))
        st.info(md_text(para.text))
        if profile is not None:
            st.markdown(f"**{t('plan.districts', lang)}**: {md_text(profile.name_zh)} {md_text(profile.name_en)}")
        if not ids:
            st.caption(t("plan.none_cited", lang))
            return
        st.markdown(f"**{t('plan.cited', lang)}** ({len(ids)})")
        st.caption(t("plan.cited.hint", lang))
        sub = frame[frame["id"].isin(ids)]
        for _, row in sub.iterrows():
            prec = PRECISIONS[row["precision"]]
            names = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
            # A button's label is Markdown: the names from the catalogue go in escaped, shown as text. The label
            # is one line (a long one is cut short), so the other name and the precision go beneath it.
            st.button(md_text(names[0]), key=f"cite_{para.id}_{row['id']}", on_click=select_on_map,
                      args=(str(row["id"]),))
            st.caption(md_text(f"{names[1]} · {prec.zh if lang == 'zh' else prec.en}"))
    with right:
        focus = view_of_items(sub, 480, 420, max_zoom=settings.PARAGRAPH_MAP_MAX_ZOOM)
        render_map(sub, state, None, key=f"plan_map_{para.id}", height=420, start=focus, legend_open=False)


def both(label: Bilingual, lang: str) -> str:
    """A vocabulary label in the interface language first, the other alongside."""
    return f"{label.zh} {label.en}" if lang == "zh" else f"{label.en} {label.zh}"


def heading_line(para, titles: Headings, lang: str) -> str:
    """The part and chapter a paragraph stands in, by title (in English: the translated titles)."""
    bits = ([titles.part(para.part_no, lang)] if para.part_no else []) + (
        [titles.chapter(para.chapter_no, lang)] if para.chapter_no else [])
    return " · ".join(bits)


def select_on_map(item_id: str) -> None:
    """A cited item chosen in the plan view: the map view with that item selected (its card open); the
    filters stay as they are."""
    st.session_state["view"] = "map"
    st.session_state["item"] = item_id


def about_view(frame: pd.DataFrame, lang: str) -> None:
    st.markdown(f"### {t('view.about', lang)}")
    briefing.handout_button(frame, None, lang, today_shenzhen())
    st.markdown(t("about.sources", lang, title_zh=settings.PLAN_TITLE_ZH, title_en=settings.PLAN_TITLE_EN,
                  osm=settings.OSM_ATTRIBUTION))
    st.markdown(f"#### {t('about.precision', lang)}")
    counts = filters.counts_by(frame, "precision")
    # The interface language's term first, the other language's beside it.
    zh_col, en_col = t("about.col.precision_zh", lang), t("about.col.precision_en", lang)
    st.table(pd.DataFrame([{**({zh_col: v.zh, en_col: v.en} if lang == "zh" else {en_col: v.en, zh_col: v.zh}),
                            t("about.col.meaning", lang): v.meaning, t("about.col.items", lang): counts.get(k, 0)}
                           for k, v in PRECISIONS.items()]))
    st.markdown(f"#### {t('about.layers', lang)}")
    st.table(pd.DataFrame([{t("about.col.group", lang): both(CATEGORY_GROUPS[c.group], lang),
                            t("about.col.category", lang): both(c, lang),
                            t("about.col.items", lang): int((frame["category"] == k).sum())}
                           for k, c in CATEGORIES.items()]))
    data_quality(frame, lang)


def data_quality(frame: pd.DataFrame, lang: str) -> None:
    """How good the locations are: the share checked against an independent reference and the largest distances."""
    q = quality()
    shown = frame["name_zh"] + " " + frame["name_en"] if lang == "zh" else frame["name_en"] + " " + frame["name_zh"]
    names = dict(zip(frame["id"].tolist(), shown.tolist(), strict=True))
    st.markdown(f"#### {t('about.quality', lang)}")
    st.markdown(t("about.quality.summary", lang, drawn=q.drawn, items=q.items, checked=q.checked,
                  share=100 * q.checked_share, refs=q.references))
    st.dataframe(pd.DataFrame([{t("about.col.item", lang): names.get(i, i), t("about.col.precision", lang):
                                both(PRECISIONS[g], lang), t("about.col.reference", lang): ref,
                                t("about.col.metres", lang): m}
                               for i, g, ref, m in q.largest_distances]), hide_index=True, width="stretch")


def tour_map(state: filters.ViewState, sub: pd.DataFrame, step: str, district: str | None) -> None:
    """A tour step's map: only the items it names, framed on them, or on its district (highlighted) when the
    step is about one (lines crossing a district would otherwise frame the whole city)."""
    height = 760 if state.present else 560
    start: View | None
    if district is not None:
        start = view_for(load_districts().set_index("id").loc[district].geometry.bounds, 1100, height)
    else:
        start = view_of_items(sub, 1100, height, max_zoom=settings.PARAGRAPH_MAP_MAX_ZOOM)
    render_map(sub, state.with_(district=district), None, key=f"tour_map_{step}", height=height, start=start,
               legend_open=False)


@dataclass(frozen=True)
class ProgressContext:
    """The progress store (None when it cannot be reached: the map stays read-only), the signed-in account and the
    date progress is shown for."""

    store: Store | None
    user: User | None
    as_of: date


def district_names(lang: str) -> dict[str, str]:
    return {d: district_name(d, lang) for d in DISTRICT_IDS}


def main() -> None:
    try:
        frame, plan, _profiles, _districts = data()
    except Exception as exc:  # noqa: BLE001 - details and traceback go to the server log, never to visitors
        logging.getLogger(__name__).error("the app's data could not be loaded", exc_info=True)
        st.error(t("data.error", "zh") + " / " + t("data.error", "en"))
        # The project's data errors name files relative to the project; anything else is only logged.
        st.text(str(exc) if isinstance(exc, (DataError, settings.SettingsError))
                else t("data.error.log", "zh") + " " + t("data.error.log", "en"))
        st.stop()
    init_state(frame, plan)
    if district_problems():  # the valid districts are served; the broken ones are named (as text, not Markdown)
        st.warning(t("data.districts", st.session_state["lang"]))
        st.text("\n".join(str(p) for p in district_problems()))
    sync_map_position()
    store, reason = progress.progress_store(item_districts())
    user = progress.signed_in(store)
    # Progress as of the chosen day joins the frame before the filters count and apply it.
    as_of: date = progress.settled_as_of()
    states, read_error = progress.states_as_of(store, as_of)
    frame = progress.PROGRESS_FRAMES.joined(frame, states, as_of)
    ctx = ProgressContext(store if read_error is None else None, user, as_of)
    # The view (on the map view, its map first) is drawn before the sidebar: the widgets' values are in the state
    # as the run starts, and the map is what a visitor waits for after a change.
    settle_filters()
    first = first_map_view()
    lang = st.session_state["lang"]
    if st.session_state.get("present"):
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
    st.markdown(f"## {t('title', lang)}")
    st.caption(t("subtitle", lang))
    if st.session_state.get("notices"):
        # Values from a link are shown as inert text: never as a link, an image or markup.
        rejected = filters.rejected_summary(st.session_state["notices"], t("bad.link.more", lang))
        st.warning(t("bad.link", lang) + md_literal(rejected))
    state = current_state()
    view = state.view
    if view != "map":
        st.session_state.pop("map_base", None)  # the map view's map is drawn anew when it is opened again
    if view == "map":
        map_view(frame, state, plan, ctx, first=first)
    elif view == "district":
        district_view(frame, state, plan, ctx)
    elif view == "plan":
        plan_view(frame, state, plan)
    elif view == "tour":
        briefing.tour_view(frame, lang, plan, partial(tour_map, state), present=state.present)
    elif view == "progress":
        progress.progress_view(frame, ctx.store, ctx.user, district_names(lang), lang, ctx.as_of)
    elif view == "audit":
        progress.audit_view(ctx.store, ctx.user, district_names(lang), lang)
    else:
        about_view(frame, lang)
    # First in the sidebar on every run, so that the page keeps one style element (and sent after the view: Markdown
    # with HTML loads an HTML parser, whose code is then not fetched ahead of the map's).
    st.sidebar.markdown(LAYOUT_CSS, unsafe_allow_html=True)
    if first:
        st.sidebar.caption(t("controls.after_map", lang))
    else:
        sidebar(frame, plan, user)
        st.session_state["controls_shown"] = True
        with st.sidebar:
            st.divider()
            progress.sign_in_box(ctx.store, reason or read_error, lang)
    query = filters.to_query(current_state())
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)
    if first:
        return
    with st.sidebar:
        # Plain text, not st.code: the code element's highlighter is a 1.5 MB download on first paint.
        base = (st.context.url or "").split("?")[0].rstrip("/") + "/"
        link = base + ("?" + urlencode(query) if query else "")
        st.caption(f"{t('link', lang)}:  \n`{link}`")
        share_link.copy_link_button(lang)


main()
