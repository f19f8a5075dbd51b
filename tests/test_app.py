"""The app's logic through Streamlit's AppTest: views, filters, search, links and language."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from district_profiles import load_profiles
from layers.catalogue import load_catalogue
from layers.locate import catalogue_frame
from plan_text import load_plan
from tests.conftest import start_app

TIMEOUT = 60


def run_app(**params: str) -> AppTest:
    return start_app(TIMEOUT, **params)


def shown(markdown: str) -> str:
    """What a reader sees of Markdown source where data is escaped (``ui_text.md_text``): the characters."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.subheader]
    return shown("\n".join(str(p) for p in parts))


def catalogue_count(**wanted: object) -> int:
    """Items in the catalogue files with these field values: an oracle independent of the app's filtering."""
    def value(item, name):
        if name == "chapter":  # paragraph ids carry their chapter: ch06-s03-p07
            return int(item.paragraph_id[2:4])
        if name == "part":
            return load_plan().get(item.paragraph_id).part_no
        if name == "precision":
            return item.location.precision
        return getattr(item, name)

    return sum(all(value(i, k) == v for k, v in wanted.items()) for i in load_catalogue())


def count_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith(("共 ", "Items", "")) and "项" in c.value)


def test_default_view_shows_the_whole_catalogue():
    at = run_app()
    assert "深圳“十四五”规划地图" in texts(at)
    assert f"共 {len(catalogue_frame())} 项" in texts(at)


def test_district_profile_quotes_column_4_verbatim_with_its_source():
    at = run_app(district="futian")
    profile = load_profiles()["futian"]
    assert profile.positioning.quote in [shown(i.value) for i in at.info]
    body = texts(at)
    assert "ch06-s01-p03" in body and "专栏4" in body
    for area in profile.key_areas:
        assert area.name_zh in body
    assert "km²" in body


def test_approximate_boundary_is_flagged_in_the_profile():
    at = run_app(district="shenshan")
    assert any("近似" in w.value for w in at.warning)
    at = run_app(district="futian")
    assert not any("近似" in w.value for w in at.warning)


def test_plan_view_opens_a_cited_paragraph_and_shows_what_cites_it():
    at = run_app(view="plan", para="ch06-s01-p03")
    body = texts(at)
    assert "第三篇 · 第六章 · 第一节 · 专栏4 (ch06-s01-p03)" in body
    assert "福田区 Futian District" in body  # the district profile that cites this paragraph
    assert any(load_plan().get("ch06-s01-p03").text in shown(m.value) for m in at.markdown)


def test_plan_view_lists_items_citing_a_paragraph():
    frame = catalogue_frame()
    pid = frame["paragraph_id"].value_counts().index[0]
    at = run_app(view="plan", para=pid)
    body = texts(at) + shown("\n".join(b.label for b in at.button))  # each cited item is a button
    for name in frame[frame["paragraph_id"] == pid]["name_zh"]:
        assert name in body


def test_chapter_filter_changes_the_results_and_the_link():
    at = run_app()
    frame = catalogue_frame()
    chapter = int(frame["chapter"].value_counts().index[0])
    at.multiselect(key="f_chapters__zh").select(chapter).run()
    expected = catalogue_count(chapter=chapter)
    assert 0 < expected < len(frame)
    assert f"共 {expected} 项" in texts(at)
    assert at.query_params["ch"] == [str(chapter)] or at.query_params["ch"] == str(chapter)


@pytest.mark.parametrize("key, column, field, url_key", [
    ("f_parts", "part", "part", "part"),
    ("f_stages", "plan_stage", "plan_stage", "stage"),
    ("f_categories", "category", "category", "cat"),
    ("f_precisions", "precision", "precision", "prec"),
])
def test_each_sidebar_filter_narrows_the_results_and_goes_into_the_link(key, column, field, url_key):
    frame = catalogue_frame()
    value = frame[column].value_counts().index[-1]  # the rarest value: the count must really change
    value = int(value) if column == "part" else value
    at = run_app()
    at.multiselect(key=f"{key}__zh").select(value).run()
    expected = catalogue_count(**{field: value})
    assert 0 < expected < len(frame)
    assert f"共 {expected} 项" in texts(at)
    assert at.query_params[url_key] in (str(value), [str(value)])


def test_district_filter_includes_lines_crossing_the_district():
    frame = catalogue_frame()
    at = run_app()
    at.multiselect(key="f_districts__zh").select("longgang").run()
    expected = frame[[("longgang" in ds) for ds in frame["districts"]]]
    assert f"共 {len(expected)} 项" in texts(at)
    multi = expected[expected["districts"].map(len) > 1]
    assert len(multi) > 0, "an item spanning several districts is listed under each of them"


def test_part_filter_limits_the_chapter_choices():
    at = run_app()
    all_chapters = len(at.multiselect(key="f_chapters__zh").options)
    at.multiselect(key="f_parts__zh").select(3).run()
    part3 = {p.chapter_no for p in load_plan().paragraphs if p.part_no == 3 and p.chapter_no}
    options = at.multiselect(key="f_chapters__zh").options
    assert 0 < len(options) == len(part3) < all_chapters


def test_filters_combine_in_the_app():
    frame = catalogue_frame()
    stage = frame["plan_stage"].value_counts().index[0]
    at = run_app(stage=stage, dist="baoan")
    expected = sum(s == stage and "baoan" in ds for s, ds in zip(frame["plan_stage"], frame["districts"], strict=True))
    assert 0 < expected < catalogue_count(plan_stage=stage)
    assert f"共 {expected} 项" in texts(at)


def test_name_filter_matches_english_and_chinese():
    frame = catalogue_frame()
    row = frame.iloc[0]
    at = run_app()
    at.text_input(key="f_query").input(row["name_en"][:6]).run()
    q = row["name_en"][:6].lower()
    expected = sum(q in i.name_en.lower() or q in i.name_zh.lower() or q in i.id for i in load_catalogue())
    assert f"共 {expected} 项" in texts(at)


def test_a_filter_change_that_waits_for_the_maps_report_brings_the_rest_of_the_page_without_it():
    """A browser whose map says when it has drawn gets the rest of the page after that report; should the report
    never come (a frame gone, a tab hidden), the page still follows, at most ``settings.MAP_DRAWN_WAIT_S`` later, in
    step with the filters."""
    import time

    import settings

    at = run_app()
    at.session_state["map_reports"] = True  # as once the browser's map has said it is drawn (static/view_sync.js)
    started = time.monotonic()
    at.text_input(key="f_query").input("机场").run()
    waited = time.monotonic() - started
    assert not at.exception
    expected = sum("机场" in i.name_zh for i in load_catalogue())
    assert expected > 0 and f"共 {expected} 项" in texts(at)
    assert len(at.dataframe[0].value) == expected
    assert waited >= settings.MAP_DRAWN_WAIT_S  # it did wait for the report, which AppTest's "browser" never sends


def test_search_box_jumps_to_an_item_and_opens_its_card():
    frame = catalogue_frame()
    row = frame.iloc[-1]
    at = run_app()
    at.selectbox(key="search_pick").set_value(row["id"]).run()
    body = texts(at)
    assert row["name_zh"] in body and row["quote"] in body
    assert row["location_source"][:30] in body
    assert at.query_params["item"] in (row["id"], [row["id"]])


def test_a_shared_link_reopens_the_same_view():
    frame = catalogue_frame()
    row = frame.iloc[0]
    at = run_app(view="map", item=row["id"], basemap="gaode", lang="en", ch=str(row["chapter"]))
    assert at.radio(key="lang").value == "en"
    assert at.selectbox(key="basemap__en").value == "gaode"
    assert at.multiselect(key="f_chapters__en").value == [int(row["chapter"])]
    assert row["name_zh"] in texts(at)
    assert "GCJ-02" in texts(at)


def test_bad_link_values_fall_back_with_a_notice():
    at = run_app(view="nowhere", ch="99", dist="atlantis", item="no-such-item", lat="abc")
    notice = " ".join(w.value for w in at.warning)
    for bad in ("view=nowhere", "ch=99", "dist=atlantis", "item=no-such-item", "lat=abc"):
        assert bad in notice
    assert f"共 {len(catalogue_frame())} 项" in texts(at)


def test_language_switch_to_english():
    at = run_app()
    at.radio(key="lang").set_value("en").run()
    assert "Map of Shenzhen's 14th Five-Year Plan" in texts(at)


def test_english_table_names_districts_and_precision_in_english():
    from layers.schema import PRECISIONS

    at = run_app(lang="en", dist="longgang")
    table = at.dataframe[0].value
    assert table["districts"].str.contains("Longgang District").all()
    assert not table["districts"].str.contains("龙岗区").any()
    assert set(table["precision"]) <= {f"{p.en} {p.zh}" for p in PRECISIONS.values()}  # English first


def test_language_switch_keeps_the_view_district_basemap_and_filters():
    at = run_app(view="district", district="longgang", basemap="gaode", dist="longgang")
    at.radio(key="lang").set_value("en").run()
    at.toggle(key="present").set_value(False).run()  # any later interaction
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="view__en").value == "district"
    assert at.selectbox(key="district__en").value == "longgang"
    assert at.selectbox(key="basemap__en").value == "gaode"
    assert at.multiselect(key="f_districts__en").value == ["longgang"]
    assert at.query_params["view"] in ("district", ["district"])
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.selectbox(key="district__zh").value == "longgang"


def test_district_page_lists_its_items_with_charts_and_export():
    frame = catalogue_frame()
    did = frame.explode("districts")["districts"].value_counts().index[0]
    at = run_app(view="district", district=did)
    n = int(frame["districts"].map(lambda ds: did in ds).sum())
    assert f"共 {n} 项" in texts(at)
    assert load_profiles()[did].positioning.quote in [shown(i.value) for i in at.info]
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) >= 2 or len(at.get("bar_chart")) >= 2


def test_about_view_explains_precision_grades():
    at = run_app(view="about")
    assert "OpenStreetMap" in texts(at)
    assert len(at.table) == 2


@pytest.mark.parametrize("basemap", ["none", "osm", "carto", "tianditu", "gaode"])
def test_every_basemap_renders_without_error(basemap):
    run_app(basemap=basemap)


def test_link_to_this_view_carries_the_filters():
    at = run_app(ch="6", stage="study")
    link = at.sidebar.caption[-1].value
    assert "ch=6" in link and "stage=study" in link


def test_presentation_mode_from_a_link():
    at = run_app(present="1")
    assert at.toggle(key="present").value is True
    assert any("font-size: 20px" in m.value for m in at.markdown)
    assert at.query_params["present"] in ("1", ["1"])


def test_exports_carry_exactly_the_rows_of_the_table():
    import csv
    import io
    import json

    from layers.export import to_csv_bytes, to_geojson_bytes

    frame = catalogue_frame()
    chapter = int(frame["chapter"].value_counts().index[0])
    at = run_app(ch=str(chapter))
    shown = at.dataframe[0].value
    table_ids = list(shown["id"])
    sub = frame[frame["chapter"] == chapter]
    csv_ids = [r["id"] for r in csv.DictReader(io.StringIO(to_csv_bytes(sub).decode("utf-8-sig")))]
    geo_ids = [f["id"] for f in json.loads(to_geojson_bytes(sub))["features"]]
    assert table_ids == csv_ids == geo_ids
    assert len(at.get("download_button")) >= 2


def test_clicking_show_on_map_in_the_plan_opens_that_paragraph_with_its_items():
    frame = catalogue_frame()
    pid = "ch06-s03-p12"
    at = run_app(view="plan", para="ch06-s03-p07")
    at.button(key=f"show_{pid}").click().run()
    assert at.query_params["para"] in (pid, [pid])
    body = texts(at) + shown("\n".join(b.label for b in at.button))  # each cited item is a button
    for name in frame[frame["cited_in"].map(lambda ids: pid in ids)]["name_zh"]:
        assert name in body


@pytest.mark.parametrize("value", ["![x](http://203.0.113.9/t.png)", "[请重新登录 Please sign in again](https://evil.example/login)",
                                   "<img src=x onerror=alert(1)>", ":red[**bold**] $x^2$ www.evil.example"])
def test_bad_link_values_are_echoed_as_inert_text(value):
    """A crafted link cannot put a link, an image or markup into the app's own notice: the values sit
    in one code span (Markdown shows its content literally)."""
    at = run_app(view=value)
    assert len(at.warning) == 1
    body = at.warning[0].value
    prefix, _, literal = body.partition("`")
    assert "view=" not in prefix and "http" not in prefix
    fence = "`" + literal[: len(literal) - len(literal.lstrip("`"))]
    assert literal.startswith(fence[1:] + " ") and body.endswith(" " + fence)
    assert f"view={value}"[:30] in body


def test_a_huge_or_many_valued_bad_link_gives_one_short_notice():
    at = run_app(view="y" * 100_000, cat=",".join(f"bad{i}" for i in range(10_000)))
    assert len(at.warning) == 1
    body = at.warning[0].value
    assert len(body) < 1000 and "yyyy…" in body and "9991" in body  # 10,001 rejected, 10 shown


def test_the_first_map_view_sends_the_map_before_the_results_table_which_follows_on_its_own():
    """On a cold load the map must not wait for the table's data grid: the first run sends the map and a
    placeholder, and a timer the run sets (no visitor action) brings the table, matching the filters."""
    import settings

    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["cat"] = "metro"
    at.run()
    assert not at.exception
    assert len(at.get("component_instance")) == 1  # the map
    assert len(at.dataframe) == 0
    assert "结果表在地图绘制后显示" in texts(at)
    at.run()  # what the timer's rerun does
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == catalogue_count(category="metro") > 0
    assert "结果表在地图绘制后显示" not in texts(at)


def test_the_first_map_view_sends_the_map_as_the_link_filters_it_and_the_controls_follow():
    """On a cold load the sidebar's widgets do not hold up the map: the first run sends the map (filtered and
    counted as the link says) without them, the search row's widgets or the export buttons, and says so in the
    sidebar (the search row keeps its height meanwhile, so that the map does not move down when they come); the
    run the map's "drawn" report brings (static/view_sync.js) shows them all, with the link's filters chosen, and
    the table."""
    import settings
    from layers.filter_table import FILTERS

    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["cat"] = "metro"
    at.run()
    assert not at.exception
    assert len(at.get("component_instance")) == 1  # the map
    assert len(at.sidebar.multiselect) == 0 and len(at.sidebar.radio) == 0 and len(at.sidebar.text_input) == 0
    assert len(at.get("download_button")) == 0
    assert len(at.selectbox) == 0 and len(at.toggle) == 0
    assert any(".st-key-search_row { min-height:" in m.value for m in at.sidebar.markdown)
    assert any("筛选与设置在地图绘制后显示" in c.value for c in at.sidebar.caption)
    assert f"共 {catalogue_count(category='metro')} 项" in texts(at)
    at.session_state["plan_map"] = {"last_active_drawing": None, "map_drawn": True}  # the browser's report
    at.run()
    assert not at.exception
    assert len(at.sidebar.multiselect) == len(FILTERS)
    assert at.multiselect(key="f_categories__zh").value == ["metro"]
    assert at.selectbox(key="search_pick") is not None and at.toggle(key="keep_view") is not None
    assert len(at.get("download_button")) == 3
    assert len(at.dataframe[0].value) == catalogue_count(category="metro")
    assert not any("筛选与设置在地图绘制后显示" in c.value for c in at.sidebar.caption)


def test_the_controls_stay_when_the_map_view_is_opened_after_another_view():
    """Only a session's first view holds the controls back: a visitor who opens the map from another view
    keeps the sidebar's filters in front of them."""
    at = run_app(view="about")
    assert len(at.sidebar.multiselect) > 0
    at.radio(key="view__zh").set_value("map").run()
    assert not at.exception
    assert len(at.get("component_instance")) == 1
    assert len(at.sidebar.multiselect) > 0 and at.selectbox(key="search_pick") is not None
