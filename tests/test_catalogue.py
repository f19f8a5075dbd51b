"""Verification of the project catalogue against the plan, the districts and the vocabularies."""
from __future__ import annotations

import geopandas as gpd
import pytest
import yaml

import settings
from district_profiles import load_profiles
from geo.boundaries import load_districts
from layers.catalogue import CatalogueError, load_items
from layers.locate import catalogue_frame
from layers.schema import CATEGORIES, DISTRICT_IDS, PLAN_STAGES, PRECISIONS
from plan_text import load_plan


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return catalogue_frame()


def test_catalogue_has_hundreds_of_items(frame):
    assert len(frame) >= 200
    assert frame["id"].is_unique


def test_every_quote_is_verbatim_in_its_paragraph(frame):
    plan = load_plan()
    for item in (s.item for s in load_items()):
        assert item.quote in plan.get(item.paragraph_id).text, item.id
        cited = [item.paragraph_id] + [c.paragraph_id for c in item.other_citations]
        assert any(item.stage_phrase in plan.get(pid).text for pid in cited), item.id  # the governing verb
        for c in item.other_citations:
            assert c.quote in plan.get(c.paragraph_id).text, item.id


def test_vocabularies(frame):
    assert set(frame["category"]) <= set(CATEGORIES)
    assert set(frame["plan_stage"]) <= set(PLAN_STAGES)
    assert set(frame["precision"]) <= set(PRECISIONS)
    assert all(set(ds) <= set(DISTRICT_IDS) for ds in frame["districts"])


def test_every_located_item_is_inside_shenzhen_and_shenshan(frame):
    land = load_districts().to_crs(32650).union_all().buffer(3000)  # coast, reclamation and offshore works
    located = frame[frame.geometry.notna()].to_crs(32650)
    outside = [i for i, g in zip(located["id"], located.geometry, strict=True) if not g.intersects(land)]
    assert outside == []
    minx, miny, maxx, maxy = settings.STUDY_EXTENT
    for g in frame[frame.geometry.notna()].geometry:
        if g.geom_type == "Point":
            assert minx <= g.x <= maxx and miny <= g.y <= maxy


def test_items_lie_in_the_district_the_plan_names(frame):
    """Where the plan ties an item to a district, its location agrees (with a tolerance for
    fuzzy locations: an estimate's circle of uncertainty, a line's course)."""
    districts = load_districts().set_index("id").to_crs(32650)
    wrong = []
    for _, row in frame[frame["plan_districts"].map(bool)].iterrows():
        if row.geometry is None:
            assert set(row["plan_districts"]) <= set(row["districts"]) or row["precision"] == "none", row["id"]
            continue
        geom = gpd.GeoSeries([row.geometry], crs=4326).to_crs(32650).iloc[0]
        slack = max(500.0, float(row["radius_m"] or 0))
        for d in row["plan_districts"]:
            if geom.distance(districts.loc[d].geometry) > slack:
                wrong.append((row["id"], d))
    assert wrong == []


def test_a_district_office_finds_every_item_the_plan_gives_it(frame):
    """The district list a district office filters on includes every district the plan names for
    the item: an estimate near a boundary must not move it to the neighbour."""
    missing = [(row["id"], d) for _, row in frame.iterrows()
               for d in row["plan_districts"] if d not in row["districts"] and row["precision"] != "none"]
    assert missing == []


def test_every_item_has_a_location_source_and_osm_items_carry_attribution(frame):
    assert frame["location_source"].str.len().min() > 5
    osm = frame[frame["location_method"].str.startswith("osm")]
    assert osm["location_source"].str.contains("© OpenStreetMap contributors").all()
    # each names the extract it came from: stations from the station archive, runways from the aeroway one
    stations = osm[osm["location_method"].isin(["osm_station", "osm_line"])]["location_source"]
    runways = osm[osm["location_method"] == "osm_runway"]["location_source"]
    assert stations.str.contains("Railway-station_oData.zip").all() and not stations.str.contains("aeroways").any()
    assert len(runways) and runways.str.contains("aeroways_oData.zip").all()
    manual = frame[frame["location_method"].isin(["point", "line"])]
    assert manual["location_source"].str.contains("Manual estimate|manual estimate").all()
    assert not (manual["precision"] == "exact").any()


def test_district_level_and_unlocated_items_have_no_geometry(frame):
    assert frame[frame["precision"].isin(["district", "none"])].geometry.isna().all()
    assert frame[~frame["precision"].isin(["district", "none"])].geometry.notna().all()


def test_column_4_key_areas_are_all_catalogued(frame):
    names = " ".join(frame["name_zh"])
    for p in load_profiles().values():
        for k in p.key_areas:
            assert k.name_zh in names, (p.id, k.name_zh)


def test_column_3_customs_zones_are_all_catalogued(frame):
    zones = frame[frame["category"] == "customs_zone"]["name_zh"].tolist()
    for name in ("福田保税区", "盐田综合保税区", "坪山综合保税区", "前海综合保税区", "空港综合保税区"):
        assert any(name in z for z in zones), name


def test_every_column_5_row_is_catalogued(frame):
    plan = load_plan()
    rows = [p.id for p in plan.paragraphs if p.column_no == 5 and not p.text.startswith("专栏")]
    cited = {pid for ids in frame["cited_in"] for pid in ids}
    assert set(rows) <= cited


def test_bad_catalogue_file_is_reported_with_file_item_and_field(tmp_path):
    good = next(iter(sorted(settings.CATALOGUE_DIR.glob("*.yaml"))))
    items = yaml.safe_load(good.read_text(encoding="utf-8"))[:2]
    items[0]["category"] = "spaceport"
    items[1]["quote"] = "这句话不在规划里"
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_items(tmp_path)
    msg = str(err.value)
    assert f"broken.yaml: item {items[0]['id']}:" in msg and "field category" in msg
    assert f"broken.yaml: item {items[1]['id']}: quote '这句话不在规划里' does not occur verbatim" in msg


def test_typed_coordinates_cannot_claim_exact_precision(tmp_path):
    item = {"id": "x", "name_zh": "甲", "name_en": "x", "category": "hub", "paragraph_id": "ch06-s03-p12",
            "quote": "西丽枢纽", "stage_phrase": "加快推进", "plan_stage": "construction",
            "location": {"method": "point", "precision": "exact", "lon": 113.95, "lat": 22.59, "note": "guess"}}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump([item], allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot claim precision 'exact'"):
        load_items(tmp_path)


def _listed(paragraph_id: str, after: str, before: str) -> list[str]:
    """The names a 专栏 row lists between two verbatim markers, split at 、."""
    text = load_plan().get(paragraph_id).text
    body = text.split(after, 1)[1].split(before, 1)[0]
    return [n.strip() for n in body.split("、") if n.strip()]


def _catalogued(frame, name: str) -> bool:
    return any(name in n or n in name for n in frame["name_zh"]) or any(name in q for q in frame["quote"])


@pytest.mark.parametrize("pid,after,before", [
    ("ch07-s01-p05", "加快建设", "等项目"),       # 专栏6 major science facilities
    ("ch07-s01-p06", "加快建设", "等项目"),       # 专栏6 frontier research platforms
    ("ch07-s01-p07", "加快建设", "等。"),         # 专栏6 laboratories
    ("ch10-s03-p04", "新时代十大文化设施:", "。"),  # 专栏10 ten culture venues
    ("ch10-s03-p05", "十大特色文化街区:", "。"),    # 专栏10 ten culture streets
    ("ch10-s03-p06", "市级重大文体设施:", "等。"),   # 专栏10 municipal culture and sports venues
])
def test_every_named_work_of_a_column_row_is_catalogued(frame, pid, after, before):
    missing = [n for n in _listed(pid, after, before) if not _catalogued(frame, n)]
    assert missing == []


@pytest.mark.parametrize("name", [
    "深圳机场三跑道", "卫星厅", "东航站区", "T2航站区", "南头直升机场", "深圳机场北货运区", "深汕通用机场",
    "盐田港区东作业区集装箱码头", "大铲湾港区集装箱码头", "西部港区出海航道二期", "小漠港区",
    "赣深高铁", "深茂铁路", "深圳至深汕合作区铁路", "深圳至南宁高铁", "广深第二高铁", "深圳至河源高铁",
    "深圳机场至大亚湾城际", "深惠城际", "穗莞深城际南延线", "常平至龙华城际", "塘厦至龙岗城际", "深莞增城际",
    "深珠城际", "西丽枢纽", "机场东枢纽", "光明城枢纽", "坪山综合交通枢纽", "岗厦北", "黄木岗", "大运",
    "平湖", "鹭湖", "白坭坑", "五和", "深中通道", "沿江高速二期", "机荷-惠盐高速", "外环高速", "深汕第二高速",
    "东部过境高速", "侨城东路北延", "沙河东路北延", "皇岗路快速化改造", "妈湾跨海通道",
])
def test_column_5_transport_works_are_catalogued(frame, name):
    assert _catalogued(frame, name), name


def test_coordinates_entered_in_gcj02_or_bd09_are_converted_to_wgs84(tmp_path):
    import prcoords

    from layers.locate import build_frame, load_osm_locations

    base = {"name_zh": "甲", "name_en": "x", "category": "hub", "paragraph_id": "ch06-s03-p12",
            "quote": "西丽枢纽", "stage_phrase": "加快推进", "plan_stage": "construction"}
    lon, lat = 113.95, 22.59
    items = [dict(base, id=f"p-{crs}", location={"method": "point", "precision": "approximate", "lon": lon,
                                                 "lat": lat, "crs": crs, "radius_m": 1000, "note": "test"})
             for crs in ("wgs84", "gcj02", "bd09")]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    frame = build_frame(tuple(s.item for s in load_items(tmp_path)), load_osm_locations(), load_plan()).set_index("id")
    assert (frame.loc["p-wgs84"].geometry.x, frame.loc["p-wgs84"].geometry.y) == (lon, lat)
    g = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
    assert frame.loc["p-gcj02"].geometry.x == pytest.approx(g.lon, abs=1e-6)
    assert frame.loc["p-gcj02"].geometry.y == pytest.approx(g.lat, abs=1e-6)
    b = prcoords.bd_wgs(prcoords.Coords(lat, lon))
    assert frame.loc["p-bd09"].geometry.x == pytest.approx(b.lon, abs=2e-5)
    assert "entered in GCJ02" in frame.loc["p-gcj02"]["location_source"]


def test_every_drawn_item_belongs_to_a_district(frame):
    """A district office filtering by its district sees every located item on its ground."""
    located = frame[frame.geometry.notna()]
    assert (located["districts"].map(len) > 0).all(), list(located[located["districts"].map(len) == 0]["id"])
