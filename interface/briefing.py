"""The briefing interface: the PDF handout button, the tour through the plan, and its keyboard/clicker glue.

The rules (file names, statuses, which step is next) are in ``publish.briefing``; what a tour says is data
checked against the plan on load (``publish.tour``). Text from the tour file is shown escaped, never as markup.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

import settings
from publish.briefing import handout_file_name, handout_statuses, handout_unavailable, neighbour, step_id
from publish.tour import Tour, TourError, framed_item_ids, load_tour
from ui_text import md_text, t

log = logging.getLogger(__name__)

TOUR_KEYS_JS = settings.ROOT / "static" / "tour_keys.js"
# Widget keys the keyboard script finds the buttons by (Streamlit marks each container st-key-<key>).
PREV_KEY, NEXT_KEY = "tour_prev", "tour_next"


def handout_button(frame: pd.DataFrame, district_id: str | None, lang: str, today: date) -> None:
    """"Download PDF handout" for a district (``district_id``) or the city (None); the PDF is drawn only when
    clicked. ``frame`` holds the items with their ``tracked_status`` (the handout lists it once recorded)."""
    reason = handout_unavailable()
    if reason is not None:
        log.warning("PDF handout unavailable: %s", reason)
        st.warning(t("handout.unavailable", lang))
        return
    st.download_button(t("handout", lang), partial(_handout_pdf, district_id, lang, handout_statuses(frame), today),
                       handout_file_name(district_id, today), "application/pdf",
                       key=f"handout_{district_id or 'city'}", on_click="ignore")


def _handout_pdf(district_id: str | None, lang: str, status: dict[str, str] | None, today: date) -> bytes:
    """The handout, drawn when its button is clicked (matplotlib is loaded then, not with every page)."""
    from publish.handout import handout_pdf

    return handout_pdf(district_id, lang, status, today)


@st.cache_resource(show_spinner=False)
def default_tour() -> Tour:
    """The shipped tour, read and checked against the plan and the catalogue once per server process."""
    return load_tour()


def tour_step_ids() -> set[str]:
    """The step ids a link may name (none when the tour file is invalid: the tour view says why)."""
    try:
        return {s.id for s in default_tour().steps}
    except TourError:
        return set()


def _go(step: str) -> None:
    st.session_state["step"] = step


def tour_view(frame: pd.DataFrame, lang: str, plan: object,
              draw_map: Callable[[pd.DataFrame, str, str | None], None], present: bool = False) -> None:
    """One step of the tour: its title, its verbatim quote with the citation, the map framed on what it names,
    previous/next buttons (and PageUp/PageDown, arrow keys: a presentation clicker sends PageUp/PageDown).

    ``draw_map(items, step_id, district)`` draws the map framed on the step's items (or its district). On a big
    screen (``present``) the text stands beside the map, so the map can take the screen's full height."""
    try:
        tour = default_tour()
    except TourError as exc:
        st.error(t("tour.error", lang))
        st.text(str(exc))
        return
    current = step_id(tour, st.session_state.get("step"))
    st.session_state["step"] = current
    step = tour.step(current)
    text, map_area = st.columns([1, 2.2]) if present else (st.container(), st.container())
    with text:
        _step_text(tour, current, lang, plan)
    ids = framed_item_ids(step, frame)
    sub = frame[frame["id"].isin(ids)]
    with map_area:
        st.caption(t("tour.items", lang, n=len(sub)))
        draw_map(sub, current, step.frame.district)
    components.html(f"<script>{TOUR_KEYS_JS.read_text(encoding='utf-8')}</script>", height=0)


def _step_text(tour: Tour, current: str, lang: str, plan: object) -> None:
    """The step's title in both languages, its quote with the citation, and the buttons to step."""
    step = tour.step(current)
    i = tour.index_of(current)
    first, second = (step.title_zh, step.title_en) if lang == "zh" else (step.title_en, step.title_zh)
    st.caption(f"{md_text(tour.title_zh if lang == 'zh' else tour.title_en)} · "
               + t("tour.position", lang, n=i + 1, total=len(tour.steps)))
    st.markdown(f"### {md_text(first)}")
    st.markdown(f"{md_text(second)}")
    para = plan.get(step.quote.paragraph_id)  # type: ignore[attr-defined]
    st.info(md_text(f"“{step.quote.text}”"))
    st.caption(f"{md_text(para.citation_zh)} · {md_text(para.citation_en)}")
    prev_step, next_step = neighbour(tour, current, -1), neighbour(tour, current, 1)
    c1, c2 = st.columns(2)
    c1.button(t("tour.prev", lang), key=PREV_KEY, disabled=prev_step is None,
              on_click=_go, args=(prev_step,), width="stretch")
    c2.button(t("tour.next", lang), key=NEXT_KEY, disabled=next_step is None,
              on_click=_go, args=(next_step,), width="stretch")
