"""Every drawn location agrees with an independent reference as closely as its grade claims."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.locate import catalogue_frame
from layers.references import (
    REFERENCES_PATH,
    Reference,
    ReferenceError,
    check,
    load_references,
    off_land,
    parse,
    quality_figures,
    read_rows,
    unreferenced_claims,
)


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return catalogue_frame()


def _ref(item_id: str, lon: float, lat: float, within_m: float | None = None) -> Reference:
    return Reference(item_id, "geonames", "test", lon, lat, within_m, "test", "test", "test", "test")


def _metres(a: Point, b: Point) -> float:
    s = gpd.GeoSeries([a, b], crs=4326).to_crs(32650)
    return float(s.iloc[0].distance(s.iloc[1]))


def test_every_reference_names_a_catalogue_item_and_its_source(frame):
    refs = load_references()
    assert len(refs) >= 80
    assert {r.item_id for r in refs} <= set(frame["id"])
    for r in refs:
        assert r.source and r.licence and r.date and r.marks, r.item_id
        if r.kind.startswith("osm"):
            assert "OpenStreetMap" in r.source and "ODbL" in r.licence, r.item_id
        if r.kind == "geonames":
            assert "GeoNames" in r.source and "CC BY 4.0" in r.licence, r.item_id


def test_drawn_items_lie_within_their_grade_of_their_reference(frame):
    too_far = [(f.item_id, f.precision, f.feature, round(f.distance_m), f.allowed_m)
               for f in check(frame) if f.too_far]
    assert too_far == []


def test_every_zone_reference_justifies_its_radius(frame):
    by_id = frame.set_index("id")
    for r in load_references():
        if by_id.loc[r.item_id, "precision"] == "zone":
            assert r.within_m is not None and 300 <= r.within_m <= 6000, r.item_id


def test_items_lie_in_the_district_of_their_reference(frame):
    wrong = [(f.item_id, f.reference_district, f.item_districts) for f in check(frame) if f.wrong_district]
    assert wrong == []


def test_no_item_on_land_is_drawn_in_the_sea_or_in_hong_kong(frame):
    assert off_land(frame) == []


def test_hand_placed_items_claiming_a_distance_have_a_reference(frame):
    """Without a reference, an estimate is graded zone (a circle the size of its town or zone) or lower."""
    assert unreferenced_claims(frame) == []
    manual = frame[frame["location_method"].isin(["point", "line"])]
    assert (manual["location_source"].str.len() > 40).all()


def test_the_check_fails_an_item_placed_too_far_or_in_the_wrong_district(frame):
    """The check itself can fail: an approximate item 3 km from its reference, a zone outside its radius,
    and a reference in another district are all reported."""
    row = frame[frame["id"] == "shenzhen-university"].iloc[0]
    assert row["precision"] == "approximate"
    far = _ref("shenzhen-university", row.geometry.x + 0.03, row.geometry.y)  # ~3 km east
    (f,) = check(frame, [far])
    assert f.too_far and f.distance_m > 2000
    zone = frame[frame["id"] == "chung-ying-street"].iloc[0]
    (z,) = check(frame, [_ref("chung-ying-street", zone.geometry.x, zone.geometry.y + 0.02, within_m=1500)])
    assert z.too_far
    (d,) = check(frame, [_ref("shenzhen-university", 114.4700, 22.6000)])  # Dapeng
    assert d.wrong_district and d.reference_district == "dapeng"


def test_a_point_in_hong_kong_or_out_at_sea_is_reported(frame):
    moved = frame[frame["id"].isin(["shenzhen-university", "dapeng-fortress"])].copy()
    moved.loc[moved["id"] == "shenzhen-university", "geometry"] = Point(114.17, 22.32)  # Kowloon
    moved.loc[moved["id"] == "dapeng-fortress", "geometry"] = Point(114.60, 22.45)  # Mirs Bay, open sea
    assert {i for i, _ in off_land(moved)} == {"shenzhen-university", "dapeng-fortress"}


def test_a_malformed_reference_row_is_named_with_its_row_and_field():
    rows = read_rows()[:2]
    rows[0] = dict(rows[0], kind="guess")
    rows[1] = dict(rows[1], lon="east")
    with pytest.raises(ReferenceError) as err:
        parse(rows)
    msg = str(err.value)
    assert f"{REFERENCES_PATH.name}: row 2 ({rows[0]['item_id']}): field kind" in msg
    assert f"row 3 ({rows[1]['item_id']}): fields lon/lat" in msg


def test_nantou_heliport_is_drawn_at_its_new_site_in_guanlan_not_the_old_runway(frame):
    row = frame[frame["id"] == "nantou-heliport-relocation"].iloc[0]
    assert row["districts"] == ["longhua"] and row["precision"] != "exact"
    old_runway = Point(113.9253, 22.5588)  # the Nantou runway 11/29 in Nanshan (OSM)
    assert _metres(row.geometry, old_runway) > 15000
    assert "樟坑径" in row["location_source"]


def test_opera_house_is_at_dongjiaotou_in_nanshan(frame):
    row = frame[frame["id"] == "shenzhen-opera-house"].iloc[0]
    assert row["districts"] == ["nanshan"]
    assert "东角头" in row["location_source"]
    assert _metres(row.geometry, Point(113.9264, 22.4892)) < 500  # the 东角头 station (OSM)


def test_chung_ying_street_is_not_proxied_by_the_metro_station(frame):
    station = Point(114.2182, 22.5572)  # 沙头角 metro station (OSM), ~1.4 km from the street
    for item_id in ("chung-ying-street", "chung-ying-street-boundary-stones", "shatoujiao-port-rebuild"):
        row = frame[frame["id"] == item_id].iloc[0]
        assert row["precision"] not in ("exact", "proxy"), item_id
        assert row["location_method"] != "osm_station" and _metres(row.geometry, station) > 500, item_id


def test_quality_figures_count_grades_and_checked_share(frame):
    q = quality_figures(frame)
    assert sum(q.per_grade.values()) == q.items == len(frame)
    assert q.drawn == int(frame.geometry.notna().sum())
    assert 0.7 <= q.checked_share <= 1.0
    distances = [d for *_, d in q.largest_distances]
    assert distances == sorted(distances, reverse=True) and len(distances) == 5
    for grade, (item_id, metres) in q.largest_by_grade.items():
        assert frame.set_index("id").loc[item_id, "precision"] == grade and metres <= distances[0]
    assert q.largest_by_grade["approximate"][1] <= 2000


def test_lines_through_stations_pass_through_real_osm_stations_in_order(frame):
    """Each vertex of a schematic line through stations is the OSM station of that name, in the order listed."""
    import shapely

    from layers.catalogue import load_catalogue
    from layers.locate import load_osm_locations

    osm = load_osm_locations()
    stations = gpd.GeoDataFrame(osm[osm["kind"] == "station"], geometry="geometry", crs=4326).to_crs(32650)
    by_id = frame.set_index("id")
    lines = [it for it in load_catalogue() if it.location.method == "osm_line"]
    assert len(lines) >= 6
    for item in lines:
        assert by_id.loc[item.id, "precision"] == "schematic", item.id
        courses = ([item.location.stations] if item.location.stations else []) + item.location.lines
        names = [n for course in courses for n in course]
        line = gpd.GeoSeries([by_id.loc[item.id].geometry], crs=4326).to_crs(32650).iloc[0]
        vertices = shapely.get_coordinates(line)
        assert len(vertices) == len(names), item.id
        for (x, y), name in zip(vertices, names, strict=True):
            near = set(stations.loc[stations.distance(Point(x, y)) < 400, "name"])
            assert name in near, (item.id, name)


def test_metro_lines_opened_2021_2022_are_drawn_through_their_stations(frame):
    row = frame[frame["id"] == "metro-phase-4"].iloc[0]
    assert row.geometry.geom_type == "MultiLineString" and len(row.geometry.geoms) == 5
    for station in ("左炮台东", "岗厦北", "田心", "会展城", "深理工"):
        assert station in row["location_source"]
    assert {"nanshan", "baoan", "longgang", "pingshan", "guangming"} <= set(row["districts"])


def test_a_line_of_several_lines_needs_two_stations_on_each():
    from pydantic import ValidationError

    from layers.schema import Location

    ok = Location(method="osm_line", precision="schematic", lines=[["机场北", "国展南"], ["光明", "中大"]])
    assert len(ok.lines) == 2
    with pytest.raises(ValidationError, match="at least two stations on each line"):
        Location(method="osm_line", precision="schematic", lines=[["机场北", "国展南"], ["光明"]])
    with pytest.raises(ValidationError, match="needs 'stations' or 'lines'"):
        Location(method="osm_line", precision="schematic")
