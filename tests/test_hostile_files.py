"""Broken and hostile data files: every one is refused with a message naming its file, item or field.

Each corruption is made on a copy in a temporary directory; the loaders take the copy's path (or, for
the app, the settings' environment overrides). Nothing here touches the shipped data.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import Point

import settings
from district_profiles import ProfileError, load_profiles_from
from fileio import DataFileError, OutputError
from geo.boundaries import read_districts_file
from geo.coords import wgs84_to_gcj02
from layers.catalogue import CatalogueError, load_items
from layers.export import to_geojson_bytes
from layers.locate import LocationError, build_frame, catalogue_frame, load_osm_locations
from plan_text import load_plan

CATALOGUE_FILE = "core_columns.yaml"  # its second item is a hand-entered point (yantian-comprehensive-bonded-zone)
FIRST_ID = "yantian-comprehensive-bonded-zone"
POINT_INDEX = 1


# ---------------------------------------------------------------------------------------------------
# Catalogue YAML
# ---------------------------------------------------------------------------------------------------

@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(settings.CATALOGUE_DIR, target)
    return target


def edit_first_item(directory: Path, change: Callable[[dict], None]) -> None:
    path = directory / CATALOGUE_FILE
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert items[POINT_INDEX]["id"] == FIRST_ID and items[POINT_INDEX]["location"]["method"] == "point"
    change(items[POINT_INDEX])
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")


def catalogue_error(directory: Path) -> str:
    with pytest.raises(CatalogueError) as info:
        load_items(directory)
    return str(info.value)


def located(directory: Path) -> gpd.GeoDataFrame:
    sourced = load_items(directory)
    return build_frame(tuple(s.item for s in sourced), load_osm_locations(), load_plan(),
                       {s.item.id: s.source_file for s in sourced})


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# nothing but a comment\n# and another\n"],
                         ids=["empty", "blank", "comments-only"])
def test_an_empty_catalogue_file_is_an_error_not_a_silent_loss(catalogue_dir, content):
    (catalogue_dir / "other_chapters.yaml").write_bytes(content)
    message = catalogue_error(catalogue_dir)
    assert "other_chapters.yaml" in message
    assert "empty" in message or "no data" in message


def test_non_utf8_catalogue_file(catalogue_dir):
    path = catalogue_dir / CATALOGUE_FILE
    path.write_bytes(path.read_bytes().replace("福田保税区".encode(), "福田保税区".encode("gb18030"), 1))
    message = catalogue_error(catalogue_dir)
    assert f"{CATALOGUE_FILE}: not UTF-8 text" in message and "line" in message


def test_truncated_catalogue_file(catalogue_dir):
    path = catalogue_dir / CATALOGUE_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("quote:", 2000) + 9], encoding="utf-8")  # cut inside an item
    message = catalogue_error(catalogue_dir)
    assert CATALOGUE_FILE in message


@pytest.mark.parametrize("content,expected", [
    ("id: a\nname_zh: b\n", "expected a non-empty list"),
    ("- [unclosed\n", "not valid YAML"),
    ("[]\n", "expected a non-empty list"),
    ("- 42\n", "item #1"),
])
def test_malformed_catalogue_structure(catalogue_dir, content, expected):
    (catalogue_dir / "other_chapters.yaml").write_text(content, encoding="utf-8")
    message = catalogue_error(catalogue_dir)
    assert "other_chapters.yaml" in message and expected in message


@pytest.mark.parametrize("field,value,expected", [
    ("lon", float("nan"), "finite number"),
    ("lat", float("inf"), "finite number"),
    ("lon", 116.40, "outside the study extent"),        # Beijing's longitude
    ("lat", 39.90, "outside the study extent"),         # Beijing's latitude
    ("radius_m", -500, "greater than 0"),
    ("radius_m", 0, "greater than 0"),
    ("radius_m", 10_000_000, f"less than or equal to {settings.MAX_RADIUS_M}"),  # 10,000 km
    ("radius_m", float("nan"), "radius_m"),
    ("radius_m", float("inf"), "radius_m"),
])
def test_out_of_range_coordinates_and_radii(catalogue_dir, field, value, expected):
    edit_first_item(catalogue_dir, lambda item: item["location"].__setitem__(field, value))
    message = catalogue_error(catalogue_dir)
    line = next(x for x in message.splitlines() if FIRST_ID in x)
    assert line.startswith(f"{CATALOGUE_FILE}: item {FIRST_ID}: field location")
    assert expected in line


def test_swapped_lat_lon_is_called_swapped(catalogue_dir):
    def swap(item: dict) -> None:
        loc = item["location"]
        loc["lon"], loc["lat"] = loc["lat"], loc["lon"]
    edit_first_item(catalogue_dir, swap)
    message = catalogue_error(catalogue_dir)
    assert f"{CATALOGUE_FILE}: item {FIRST_ID}" in message and "looks swapped" in message


def test_a_line_vertex_out_of_range_is_named(catalogue_dir):
    def to_line(item: dict) -> None:
        item["location"].update(method="line", precision="schematic", coords=[[114.0, 22.5], [22.6, 114.1]])
        for k in ("lon", "lat", "radius_m"):
            item["location"].pop(k, None)
    edit_first_item(catalogue_dir, to_line)
    message = catalogue_error(catalogue_dir)
    assert "location.coords[1]" in message and "looks swapped" in message and FIRST_ID in message


def test_a_point_in_no_district_is_refused_unless_at_sea(catalogue_dir):
    # Yuen Long, Hong Kong: inside the study extent's box but in none of the eleven areas.
    edit_first_item(catalogue_dir, lambda item: item["location"].update(lon=114.03, lat=22.44))
    with pytest.raises(LocationError) as info:
        located(catalogue_dir)
    assert f"{CATALOGUE_FILE}: item {FIRST_ID}: location.lon/lat: lies in no district" in str(info.value)
    edit_first_item(catalogue_dir, lambda item: item["location"].update(at_sea=True))
    frame = located(catalogue_dir)
    assert FIRST_ID in set(frame["id"])


def test_a_gcj02_point_declared_wgs84_is_caught_near_an_osm_station(catalogue_dir):
    osm = load_osm_locations()
    station = osm[(osm["kind"] == "station")].iloc[0]
    glon, glat = wgs84_to_gcj02(station.geometry.x, station.geometry.y)
    edit_first_item(catalogue_dir, lambda item: item["location"].update(lon=float(glon), lat=float(glat)))
    with pytest.raises(LocationError) as info:
        located(catalogue_dir)
    assert f"{CATALOGUE_FILE}: item {FIRST_ID}: location.lon/lat" in str(info.value)
    assert "looks like GCJ-02" in str(info.value)
    # declared as what it is, it converts onto the station and passes
    edit_first_item(catalogue_dir, lambda item: item["location"].update(crs="gcj02"))
    frame = located(catalogue_dir).set_index("id")
    assert frame.loc[FIRST_ID, "geometry"].distance(station.geometry) < 1e-5


def test_duplicate_id_across_files(catalogue_dir):
    items = yaml.safe_load((catalogue_dir / CATALOGUE_FILE).read_text(encoding="utf-8"))
    copy = yaml.safe_dump(items[POINT_INDEX:POINT_INDEX + 1], allow_unicode=True)
    (catalogue_dir / "zz_copy.yaml").write_text(copy, encoding="utf-8")
    message = catalogue_error(catalogue_dir)
    assert f"zz_copy.yaml: item {FIRST_ID}: duplicate id (also in {CATALOGUE_FILE})" in message


def test_no_catalogue_files_names_the_directory_without_a_server_path(tmp_path):
    with pytest.raises(CatalogueError) as info:
        load_items(tmp_path)
    assert "no catalogue files" in str(info.value)
    assert str(tmp_path.parent) not in str(info.value)


# ---------------------------------------------------------------------------------------------------
# NaN never reaches an export
# ---------------------------------------------------------------------------------------------------

def test_geojson_export_writes_null_for_a_missing_radius_and_refuses_nan_geometry():
    frame = catalogue_frame().copy()
    frame.loc[frame.index[0], "radius_m"] = float("nan")
    data = json.loads(to_geojson_bytes(frame), parse_constant=lambda c: pytest.fail(f"{c} in export"))
    assert data["features"][0]["properties"]["radius_m"] is None
    frame.loc[frame.index[0], "geometry"] = Point(math.nan, math.nan)
    with pytest.raises(OutputError, match="JSON"):
        to_geojson_bytes(frame)


# ---------------------------------------------------------------------------------------------------
# Districts GeoJSON
# ---------------------------------------------------------------------------------------------------

def district_copy(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    data = json.loads(settings.DISTRICTS_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def feature(data: dict, n: int) -> dict:
    return data["features"][n - 1]


def bowtie(data: dict) -> None:
    """Replace feature 3 (Yantian) with a self-intersecting polygon inside its own area."""
    x, y = 114.25, 22.58
    feature(data, 3)["geometry"] = {"type": "Polygon", "coordinates": [
        [[x, y], [x + 0.05, y + 0.05], [x + 0.05, y], [x, y + 0.05], [x, y]]]}


def swap_coordinates(data: dict) -> None:
    geom = feature(data, 3)["geometry"]

    def swap(c: list) -> list:
        return [c[1], c[0]] if isinstance(c[0], (int, float)) else [swap(x) for x in c]
    geom["coordinates"] = swap(geom["coordinates"])


DISTRICT_CORRUPTIONS: dict[str, tuple[Callable[[dict], None], str]] = {
    "no-geometry": (lambda d: feature(d, 3).__setitem__("geometry", None),
                    "district yantian (file districts.geojson, feature 3): no geometry"),
    "renamed": (lambda d: feature(d, 3)["properties"].__setitem__("id", "yan-tian"),
                "district yan-tian (file districts.geojson, feature 3): unknown district id"),
    "duplicated": (lambda d: d["features"].append(feature(d, 1)),
                   "district futian (file districts.geojson, feature 12): duplicate of feature 1"),
    "missing": (lambda d: d["features"].pop(2),
                "district yantian (file districts.geojson): missing from the file"),
    "swapped": (swap_coordinates, "district yantian (file districts.geojson, feature 3): coordinates look swapped"),
    "point": (lambda d: feature(d, 3).__setitem__("geometry", {"type": "Point", "coordinates": [114.2, 22.6]}),
              "feature 3): geometry is a Point, not a polygon"),
    "garbage-geometry": (lambda d: feature(d, 3).__setitem__("geometry", {"type": "Polygon", "coordinates": "x"}),
                         "feature 3): geometry is not valid GeoJSON"),
    "no-name": (lambda d: feature(d, 3)["properties"].pop("name_zh"),
                "feature 3): missing or invalid properties: name_zh"),
    "bad-area": (lambda d: feature(d, 3)["properties"].__setitem__("area_km2", "abc"),
                 "feature 3): missing or invalid properties: area_km2"),
    "not-a-feature": (lambda d: d["features"].__setitem__(2, "yantian"), "feature 3): not a GeoJSON feature"),
}


@pytest.mark.parametrize("name", list(DISTRICT_CORRUPTIONS))
def test_broken_district_features_are_named_and_left_out(tmp_path, name):
    change, expected = DISTRICT_CORRUPTIONS[name]
    gdf, problems = read_districts_file(district_copy(tmp_path, change))
    messages = [str(p) for p in problems]
    assert any(expected in m for m in messages), messages
    assert "yantian" not in set(gdf["id"]) or name == "duplicated"
    assert len(gdf) == (11 if name == "duplicated" else 10)  # the valid districts are kept
    assert gdf.geometry.is_valid.all()


def test_a_self_intersecting_district_is_repaired_and_reported(tmp_path):
    gdf, problems = read_districts_file(district_copy(tmp_path, bowtie))
    assert [(p.district, p.feature, p.repaired) for p in problems] == [("yantian", 3, True)]
    assert "Self-intersection" in str(problems[0]) and "make_valid" in str(problems[0])
    geom = gdf.set_index("id").loc["yantian", "geometry"]
    assert geom.is_valid and geom.area > 0


@pytest.mark.parametrize("content,expected", [
    (b"", "file is empty"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Fea', "not valid JSON"),
    (b'{"type": "FeatureCollection", "features": [\xff\xfe]}', "not UTF-8 text"),
    (b'{"type": "FeatureCollection", "features": [{"x": NaN}]}', "NaN is not a number JSON allows"),
    (b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
])
def test_unreadable_district_file(tmp_path, content, expected):
    path = tmp_path / "districts.geojson"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        read_districts_file(path)
    assert str(info.value).startswith("districts.geojson: ") and expected in str(info.value)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------------------------------
# District profiles
# ---------------------------------------------------------------------------------------------------

@pytest.fixture
def profiles_dir(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    target.mkdir()
    for path in settings.DISTRICT_PROFILES_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def profile_error(directory: Path) -> str:
    with pytest.raises(ProfileError) as info:
        load_profiles_from(directory)
    return str(info.value)


def test_a_missing_profile_is_an_error(profiles_dir):
    (profiles_dir / "dapeng.yaml").unlink()
    assert "dapeng.yaml: missing" in profile_error(profiles_dir)


@pytest.mark.parametrize("content,expected", [
    (b"", "file is empty"),
    (b"# only a comment\n", "no data"),
    (b"id: futian\nname_zh: \xb8\xa3\xcc\xef\n", "not UTF-8 text"),
    (b"id: futian\nname_zh: [unclosed\n", "not valid YAML"),
    (b"id: futian\n", "field name_zh"),
])
def test_unreadable_profile(profiles_dir, content, expected):
    (profiles_dir / "futian.yaml").write_bytes(content)
    message = profile_error(profiles_dir)
    assert "futian.yaml" in message and expected in message


@pytest.mark.parametrize("value", [".nan", ".inf", "-5"])
def test_profile_area_must_be_a_positive_finite_number(profiles_dir, value):
    path = profiles_dir / "futian.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(f"official_area_km2: {value}" if line.startswith("official_area_km2:") else line
                              for line in text.splitlines()), encoding="utf-8")
    assert "futian.yaml: field official_area_km2" in profile_error(profiles_dir)


def test_a_profile_for_an_unknown_district(profiles_dir):
    text = (profiles_dir / "futian.yaml").read_text(encoding="utf-8").replace("id: futian", "id: hongkong", 1)
    (profiles_dir / "hongkong.yaml").write_text(text, encoding="utf-8")
    assert "hongkong.yaml: field id: 'hongkong' is not one of the eleven districts" in profile_error(profiles_dir)


# ---------------------------------------------------------------------------------------------------
# OSM locations CSV and plan text
# ---------------------------------------------------------------------------------------------------

def osm_copy(tmp_path: Path, change: Callable[[str], str]) -> Path:
    path = tmp_path / "osm_locations.csv"
    path.write_text(change(settings.CATALOGUE_LOCATIONS_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    return path


@pytest.mark.parametrize("change,expected", [
    (lambda t: "", "file is empty"),
    (lambda t: t.replace("kind,", "sort,", 1), "missing column(s) kind"),
    (lambda t: t.replace("POINT (", "POINT ((", 1), "row "),
    (lambda t: t.replace('"LINESTRING', 'LINESTRING', 1), "field wkt"),  # an unbalanced quote
    (lambda t: t + "a,b,c,d,e,f,g,h,i\n", "not valid CSV"),
])
def test_broken_osm_locations(tmp_path, change, expected):
    path = osm_copy(tmp_path, change)
    with pytest.raises(DataFileError) as info:
        load_osm_locations(path)
    assert str(info.value).startswith("osm_locations.csv: ") and expected in str(info.value)


def test_a_nan_coordinate_names_its_row(tmp_path):
    lines = settings.CATALOGUE_LOCATIONS_PATH.read_text(encoding="utf-8").splitlines()
    lineno = next(n for n, line in enumerate(lines, start=1) if ",POINT (" in line)
    point = lines[lineno - 1][lines[lineno - 1].index("POINT ("):]

    def change(text: str) -> str:
        return text.replace(point, "POINT (nan nan)", 1)

    path = osm_copy(tmp_path, change)
    with pytest.raises(DataFileError) as info:
        load_osm_locations(path)
    assert str(info.value).startswith(f"osm_locations.csv: row {lineno}, field wkt")


def test_non_utf8_osm_locations(tmp_path):
    path = tmp_path / "osm_locations.csv"
    path.write_bytes(settings.CATALOGUE_LOCATIONS_PATH.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(DataFileError, match=r"^osm_locations.csv: not UTF-8 text"):
        load_osm_locations(path)


@pytest.mark.parametrize("content,expected", [(b"", "file is empty"), ("前言".encode("gb18030"), "not UTF-8")])
def test_unreadable_plan_text(tmp_path, content, expected):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        load_plan(path)
    assert str(info.value).startswith("plan.txt: ") and expected in str(info.value)


# ---------------------------------------------------------------------------------------------------
# The app: words for visitors, details in the server log, the valid part still served
# ---------------------------------------------------------------------------------------------------

APP_PROBE = textwrap.dedent("""
    import json, sys
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(sys.argv[1], default_timeout=120)
    for kv in sys.argv[2:]:
        key, value = kv.split("=", 1)
        at.query_params[key] = value
    at.run()
    print(json.dumps({
        "exceptions": [str(e.value) for e in at.exception],
        "errors": [e.value for e in at.error],
        "warnings": [e.value for e in at.warning],
        "texts": [e.value for e in at.text],
        "markdown": [e.value for e in at.markdown],
    }, ensure_ascii=False))
""")


def run_app(tmp_path: Path, query: tuple[str, ...] = (), **env: str) -> tuple[dict, str]:
    """Run the app once in a fresh process (its caches and the settings read the environment afresh)."""
    import os

    # from the project root, as `make run` does, so that .streamlit/config.toml applies
    result = subprocess.run([sys.executable, "-c", APP_PROBE, str(settings.ROOT / "app.py"), *query],
                            cwd=settings.ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def assert_nothing_internal_shown(shown: dict) -> None:
    everything = json.dumps(shown, ensure_ascii=False)
    assert shown["exceptions"] == []
    assert "Traceback" not in everything and str(settings.ROOT) not in everything and "/tmp" not in everything


def test_app_serves_the_valid_districts_and_names_the_broken_one(tmp_path):
    path = district_copy(tmp_path, lambda d: feature(d, 3).__setitem__("geometry", None))
    shown, log = run_app(tmp_path, SZ_PLAN_DISTRICTS_PATH=str(path))
    assert_nothing_internal_shown(shown)
    assert shown["errors"] == []
    assert shown["warnings"] and "district yantian (file districts.geojson, feature 3): no geometry" in shown["texts"]
    assert any("深圳“十四五”规划地图" in m for m in shown["markdown"])  # the page went on
    assert "no geometry" in log  # and the server log has it


def test_app_names_an_unreadable_catalogue_file_without_a_traceback(tmp_path):
    directory = tmp_path / "catalogue"
    shutil.copytree(settings.CATALOGUE_DIR, directory)
    (directory / "other_chapters.yaml").write_bytes(b"# emptied by mistake\n")
    shown, log = run_app(tmp_path, SZ_PLAN_CATALOGUE_DIR=str(directory))
    assert_nothing_internal_shown(shown)
    assert shown["errors"] and "other_chapters.yaml: no data" in "\n".join(shown["texts"])
    assert "Traceback" in log  # the details stay on the server


def test_app_names_a_bad_scale_setting(tmp_path):
    shown, _ = run_app(tmp_path, SZ_PLAN_MAP_SCALE="abc")
    assert_nothing_internal_shown(shown)
    assert any("SZ_PLAN_MAP_SCALE" in t for t in shown["texts"])


def test_an_unforeseen_error_is_redacted_for_visitors(tmp_path):
    """The district page of a district left out of the boundaries fails; visitors see no traceback or path."""
    path = district_copy(tmp_path, lambda d: feature(d, 3).__setitem__("geometry", None))
    shown, log = run_app(tmp_path, ("view=district", "district=yantian"), SZ_PLAN_DISTRICTS_PATH=str(path))
    everything = json.dumps(shown, ensure_ascii=False)
    assert "Traceback" not in everything and str(settings.ROOT) not in everything and "/tmp" not in everything
    assert all("redacted" in e for e in shown["exceptions"])
