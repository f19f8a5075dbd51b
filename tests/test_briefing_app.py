"""The briefing features in the app (AppTest): the PDF handout buttons and the tour through the plan."""
from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from layers.locate import catalogue_frame
from plan_text import load_plan
from publish.briefing import handout_file_name, handout_statuses, neighbour, step_id
from publish.tour import framed_item_ids, load_tour
from tests.conftest import start_app
from tracking.frame import NO_RECORD

TIMEOUT = 90


def run_app(**params: str) -> AppTest:
    return start_app(TIMEOUT, **params)


def shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [x.value for x in at.text]
    return shown("\n".join(str(p) for p in parts))


def handout_buttons(at: AppTest) -> list:
    return [b for b in at.get("download_button") if "PDF" in b.proto.label]


def test_district_page_offers_that_districts_handout():
    at = run_app(view="district", district="futian")
    [button] = handout_buttons(at)
    assert button.proto.label == "下载PDF讲义"
    assert button.key == "handout_futian"


def test_about_page_offers_the_citys_handout_in_english():
    at = run_app(view="about", lang="en")
    [button] = handout_buttons(at)
    assert button.proto.label == "Download PDF handout"
    assert button.key == "handout_city"


def test_without_a_chinese_font_the_page_says_so_and_offers_no_button(monkeypatch):
    monkeypatch.setenv("SZ_PLAN_MAP_CJK_FONT", "/nonexistent/font.ttc")
    at = run_app(view="district", district="futian")
    assert not handout_buttons(at)
    body = texts(at)
    assert "fonts-noto-cjk" in body and "/nonexistent" not in body


def test_handout_file_name_says_area_and_date():
    assert handout_file_name("futian", date(2026, 11, 27)) == "shenzhen-14fyp-handout-futian-2026-11-27.pdf"
    assert handout_file_name(None, date(2026, 1, 2)) == "shenzhen-14fyp-handout-city-2026-01-02.pdf"


def test_handout_lists_tracked_status_only_once_something_is_recorded():
    frame = catalogue_frame().head(3).assign(tracked_status=NO_RECORD)
    assert handout_statuses(frame) is None
    frame.loc[frame.index[0], "tracked_status"] = "in_service"
    status = handout_statuses(frame)
    assert status is not None
    first, second = frame["id"].iloc[0], frame["id"].iloc[1]
    assert status[first] == "建成投用 Completed, in service"
    assert status[second] == "无记录 No record" or status[second].endswith("No record")


def test_tour_steps_in_order_and_stops_at_the_ends():
    tour = load_tour()
    ids = [s.id for s in tour.steps]
    assert step_id(tour, None) == ids[0] and step_id(tour, "nope") == ids[0] and step_id(tour, ids[2]) == ids[2]
    assert neighbour(tour, ids[0], 1) == ids[1] and neighbour(tour, ids[0], -1) is None
    assert neighbour(tour, ids[-1], 1) is None


def test_tour_link_opens_the_step_with_its_quote_and_citation_and_next_moves_on():
    tour = load_tour()
    plan = load_plan()
    first, second = tour.steps[0], tour.steps[1]
    at = run_app(view="tour", step=first.id)
    body = texts(at)
    assert first.title_zh in body and first.title_en in body
    assert first.quote.text in body
    assert plan.get(first.quote.paragraph_id).citation_zh in body
    n = len(framed_item_ids(first, catalogue_frame()))
    assert f"{n} 个项目" in body
    at.button(key="tour_next").click().run()
    assert second.title_zh in texts(at)
    assert at.query_params["step"] in (second.id, [second.id])
    at.button(key="tour_prev").click().run()
    assert at.query_params["step"] in (first.id, [first.id])
    assert at.button(key="tour_prev").disabled


def test_switching_language_keeps_the_step():
    tour = load_tour()
    step = tour.steps[12]
    at = run_app(view="tour", step=step.id)
    at.radio(key="lang").set_value("en").run() if _has_radio(at, "lang") else at.selectbox(key="lang").set_value(
        "en").run()
    assert at.query_params["step"] in (step.id, [step.id])
    assert texts(at).index(step.title_en) < texts(at).index(step.title_zh)


def _has_radio(at: AppTest, key: str) -> bool:
    return any(r.key == key for r in at.radio)


@pytest.mark.parametrize("value", ["no-such-step", "<b>x</b>"])
def test_an_unknown_step_in_a_link_is_reported_and_the_tour_starts_at_the_first(value):
    at = run_app(view="tour", step=value)
    assert load_tour().steps[0].title_zh in texts(at)
    assert "step=" in texts(at)


def test_step_round_trips_through_a_link_and_an_unknown_step_is_refused():
    from layers import filters

    state, notices = filters.from_query({"view": "tour", "step": "part-02"}, set(), set(), step_ids={"part-02"})
    assert state.step == "part-02" and not notices
    assert filters.to_query(state) == {"view": "tour", "step": "part-02"}
    state, notices = filters.from_query({"view": "tour", "step": "part-99"}, set(), set(), step_ids={"part-02"})
    assert state.step is None and notices == ["step=part-99"]
