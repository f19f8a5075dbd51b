"""Filters and the shareable view state (URL round trips, bad links)."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

import settings
from layers import filters
from layers.filters import ViewState
from layers.locate import catalogue_frame
from layers.schema import PLAN_STAGES


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    rows = [
        dict(id="a", name_zh="深圳机场三跑道", name_en="Airport Third Runway", category="airport", group="transport",
             part=3, chapter=6, plan_stage="complete", precision="exact", districts=["baoan"]),
        dict(id="b", name_zh="鹏城实验室", name_en="Peng Cheng Laboratory", category="laboratory",
             group="science_education", part=4, chapter=7, plan_stage="construction", precision="approximate",
             districts=["nanshan"]),
        dict(id="c", name_zh="深汕铁路", name_en="Shenzhen–Shenshan Railway", category="railway", group="transport",
             part=3, chapter=6, plan_stage="start", precision="schematic",
             districts=["longgang", "pingshan", "shenshan"]),
    ]
    return gpd.GeoDataFrame(rows, geometry=[Point(113.8, 22.6), Point(113.94, 22.58), None], crs=4326)


def test_filters_combine(frame):
    assert list(filters.apply(frame, ViewState(filters={"chapters": (6,)}))["id"]) == ["a", "c"]
    assert list(filters.apply(frame, ViewState(filters={"chapters": (6,), "stages": ("start",)}))["id"]) == ["c"]
    assert list(filters.apply(frame, ViewState(filters={"parts": (4,)}))["id"]) == ["b"]
    assert list(filters.apply(frame, ViewState(filters={"categories": ("airport", "laboratory")}))["id"]) == ["a", "b"]
    assert filters.apply(frame, ViewState(filters={"chapters": (7,), "stages": ("start",)})).empty


def test_district_filter_includes_lines_crossing_several_districts(frame):
    assert list(filters.apply(frame, ViewState(filters={"districts": ("pingshan",)}))["id"]) == ["c"]
    assert list(filters.apply(frame, ViewState(filters={"districts": ("baoan", "shenshan")}))["id"]) == ["a", "c"]


@pytest.mark.parametrize("query,expected",
                         [("实验室", ["b"]), ("peng cheng", ["b"]), ("RUNWAY", ["a"]), ("深", ["a", "c"])])
def test_name_search_is_partial_in_both_languages(frame, query, expected):
    assert list(filters.apply(frame, ViewState(query=query))["id"]) == expected


def test_state_round_trips_through_the_url():
    state = ViewState(view="district", lang="en", basemap="gaode",
                      filters={"parts": (3,), "chapters": (6, 7), "stages": ("start", "study"),
                               "categories": ("railway",), "districts": ("futian",), "precisions": ("exact",)},
                      query="机场", district="futian", item="a", para="ch06-s03-p07",
                      lat=22.54321, lon=114.05, zoom=13, present=True)
    query = filters.to_query(state)
    back, notices = filters.from_query(query, {"a"}, {"ch06-s03-p07"})
    assert notices == []
    assert back == state


def test_default_state_gives_an_empty_query():
    assert filters.to_query(ViewState()) == {}


def test_bad_and_stale_values_are_dropped_with_a_notice():
    params = {"view": "nowhere", "ch": "6,99,x", "stage": "construction,finished", "dist": "futian,atlantis",
              "item": "gone-item", "para": "ch99-s01-p01", "lat": "91", "zoom": "abc", "basemap": "google",
              "present": "yes"}
    state, notices = filters.from_query(params, {"a"}, {"ch06-s03-p07"})
    assert state.view == "map" and state.basemap == "none"
    assert state.chosen("chapters") == (6,)
    assert state.chosen("stages") == ("construction",)
    assert state.chosen("districts") == ("futian",)
    assert state.item is None and state.para is None and state.lat is None and state.zoom is None
    for bad in ("view=nowhere", "ch=99", "ch=x", "stage=finished", "dist=atlantis", "item=gone-item",
                "para=ch99-s01-p01", "lat=91", "zoom=abc", "basemap=google", "present=yes"):
        assert bad in notices


def test_map_position_from_a_link():
    assert filters.map_position({"lat": "22.5", "lon": "114.05", "zoom": "12.25"}) == (22.5, 114.05, 12.25)
    assert filters.map_position({"lat": "22.5", "lon": "114.05"}) is None  # incomplete
    assert filters.map_position({"lat": "91", "lon": "114.05", "zoom": "12"}) is None  # out of range
    assert filters.map_position({"lat": "x", "lon": "114.05", "zoom": "12"}) is None


def test_district_charts_count_in_the_plans_order_with_both_languages():
    """The district page's charts: chapters in plan order and stages from study to upgrade,
    labelled Chinese first with English alongside, adding up to the district's items."""
    frame = catalogue_frame()
    sub = frame[frame["districts"].map(lambda ds: "shenshan" in ds)]
    chapters = filters.chapter_counts(sub)
    numbers = [int(label.split("Ch. ")[1]) for label in chapters.index]
    assert numbers == sorted(numbers) and chapters.sum() == len(sub)
    assert chapters.index[0].startswith("第") and "Ch. " in chapters.index[0]
    stages = filters.stage_counts(sub)
    order = list(PLAN_STAGES)
    label_of = {f"{zh} {en}": s for s, (zh, en, _) in PLAN_STAGES.items()}
    keys = [label_of[label] for label in stages.index]
    assert [order.index(k) for k in keys] == sorted(order.index(k) for k in keys)
    assert stages.sum() == len(sub)
    assert any(label.startswith("第十") for label in filters.chapter_counts(frame).index)  # 第十六章, not 第一六章


def test_adding_a_filter_is_one_entry_in_the_table(frame):
    """A filter on a column the app adds at run time (not in the catalogue) is parsed from a link,
    applied and written back to the link by registering one entry, nothing else."""
    from layers.filter_table import FILTERS, FilterField, fixed

    extra = FilterField("reviews", "review", "review_state", "审核", "Review",
                        values=fixed(("checked", "pending")), label=lambda v, _lang, _ctx: str(v))
    table = (*FILTERS, extra)
    state, notices = filters.from_query({"review": "pending,lost", "ch": "6"}, set(), set(), table=table)
    assert state.chosen("reviews") == ("pending",) and state.chosen("chapters") == (6,)
    assert notices == ["review=lost"]
    reviewed = frame.assign(review_state=["checked", "pending", "pending"])
    assert list(filters.apply(reviewed, state, table)["id"]) == ["c"]
    assert filters.to_query(state, table) == {"ch": "6", "review": "pending"}
    assert "review" not in filters.to_query(state)  # the shipped table does not know it
    with pytest.raises(ValueError, match="review_state"):
        filters.apply(frame, state, table)  # a column the app forgot to add is named, not silently ignored


def test_the_tracked_status_filter_is_an_entry_of_the_shipped_table(frame):
    state, notices = filters.from_query({"tracked": "in_service,no_record,bogus"}, set(), set())
    assert state.chosen("tracked") == ("in_service", "no_record") and notices == ["tracked=bogus"]
    tracked = frame.assign(tracked_status=["in_service", "no_record", "preparation"])
    assert len(filters.apply(tracked, state)) == 2
    assert filters.to_query(state) == {"tracked": "in_service,no_record"}


def test_rejected_link_values_are_shortened_and_summarised_once():
    huge = "x" * 100_000
    _, notices = filters.from_query({"view": huge}, set(), set())
    assert len(notices) == 1 and len(notices[0]) <= len("view=") + filters.NOTICE_VALUE_CHARS
    assert notices[0].endswith("…")
    _, notices = filters.from_query({"cat": ",".join(f"bad{i}" for i in range(10_000))}, set(), set())
    summary = filters.rejected_summary(notices)
    assert summary.count("cat=") == filters.NOTICE_MAX_VALUES
    assert summary.endswith(f"and {10_000 - filters.NOTICE_MAX_VALUES} more")
    _, notices = filters.from_query({"view": "a\nb\tc"}, set(), set())
    assert notices == ["view=a b c"]  # one line


def test_filter_values_are_labelled_and_counted_from_the_table(frame):
    from layers.filter_table import FILTERS, FilterContext

    by_name = {f.name: f for f in FILTERS}
    ctx = FilterContext(parts={3: "甲"}, chapters={6: (3, "乙"), 7: (4, "丙")},
                        districts={"futian": ("福田区", "Futian District")})
    assert by_name["chapters"].label(6, "en", ctx) == "第六章 乙"
    assert by_name["districts"].label("futian", "zh", ctx) == "福田区 Futian District"
    assert by_name["districts"].label("futian", "en", ctx) == "Futian District 福田区"
    assert by_name["stages"].label("start", "zh", ctx) == "开工 Start of works"
    assert by_name["chapters"].choices(ctx, {"parts": (3,)}) == [6]  # chapters of the chosen parts only
    assert by_name["chapters"].choices(ctx, {}) == [6, 7]
    assert filters.value_counts(frame, by_name["districts"])["shenshan"] == 1
    assert filters.value_counts(frame, by_name["chapters"]) == {6: 2, 7: 1}


def test_states_that_filter_alike_are_equal_and_hash_alike():
    a = ViewState(filters={"chapters": (6,), "stages": ()})
    b = ViewState().with_filters(chapters=(6,))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != ViewState(filters={"chapters": (7,)})


def test_the_view_after_a_filter_change_frames_the_chosen_district_or_else_the_items():
    from geo.boundaries import load_districts
    from layers.locate import catalogue_frame
    from layers.viewport import view_of_result

    districts = load_districts()
    frame = catalogue_frame()
    guangming = districts.set_index("id").loc["guangming"].geometry
    view = view_of_result(frame, districts, ("guangming",), 600, 620)
    assert view is not None
    lat, lon, zoom = view
    assert guangming.bounds[1] <= lat <= guangming.bounds[3] and guangming.bounds[0] <= lon <= guangming.bounds[2]
    assert zoom >= 11  # a district fills the map, not the city view
    hub = frame[frame["id"] == "xili-hub"]
    view = view_of_result(hub, districts, (), 600, 620)
    assert view is not None
    lat, lon, zoom = view
    assert abs(lat - hub.geometry.iloc[0].y) < 0.01 and zoom >= 13
    assert view_of_result(frame.iloc[0:0], districts, (), 600, 620) is None


def test_a_move_the_app_sends_goes_into_the_link_as_the_browser_writes_it():
    """After a search the shared link says where the map went: centre to 5 decimals, zoom snapped as the map
    snaps it and within the map's limits, and the link reads back as the same position."""
    from layers.viewport import link_position

    assert link_position((22.5403059, 113.8927681, 14.6)) == (22.54031, 113.89277, 14.5)
    assert link_position((22.6, 114.1, 3.0))[2] == settings.MAP_MIN_ZOOM
    assert link_position((22.6, 114.1, 25.0))[2] == settings.MAP_MAX_ZOOM
    pos = link_position((22.5403059, 113.8927681, 15.0))
    query = filters.to_query(filters.ViewState(lat=pos[0], lon=pos[1], zoom=pos[2]))
    assert (query["lat"], query["lon"], query["zoom"]) == ("22.54031", "113.89277", "15")
    assert filters.map_position(query) == pos
