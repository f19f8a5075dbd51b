"""Every GeoJSON the project writes conforms to RFC 7946, checked by an independent validator.

``geojson-validator`` (PyPI) implements the RFC's rules itself; nothing here uses the code
that wrote the files to judge them.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import geojson_validator
import pytest
from shapely.geometry import Polygon, shape

import settings
from geo.rfc7946 import GeoJSONError, rfc7946_geometry

geojson_validator.configure_logging(enabled=False)


def _no_constants(name: str) -> float:
    raise AssertionError(f"non-standard JSON number {name}")


def assert_rfc7946(data: bytes | str) -> dict:
    """Parse strictly (no NaN/Infinity) and check with the validator; returns the parsed collection."""
    doc = json.loads(data, parse_constant=_no_constants)
    assert geojson_validator.validate_structure(doc, check_crs=True) == {}
    report = geojson_validator.validate_geometries(doc)
    assert report["invalid"] == {}, report["invalid"]
    problems = report["problematic"]
    for criterion in ("excessive_coordinate_precision", "3d_coordinates", "outside_lat_lon_boundaries",
                      "crosses_antimeridian", "self_intersection"):
        assert criterion not in problems, (criterion, problems[criterion])
    return doc


def _run(*args: str) -> None:
    r = subprocess.run([sys.executable, "-m", *args], cwd=settings.ROOT, capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 0, r.stderr


def test_district_export_conforms(tmp_path: Path) -> None:
    out = tmp_path / "districts.geojson"
    _run("geo", "export-districts", "--output", str(out))
    doc = assert_rfc7946(out.read_bytes())
    assert len(doc["features"]) == 11
    # the district file is all polygons: the winding check above covered every ring
    assert {f["geometry"]["type"] for f in doc["features"]} <= {"Polygon", "MultiPolygon"}


def test_catalogue_export_conforms(tmp_path: Path) -> None:
    out = tmp_path / "items.geojson"
    _run("layers", "export", "--output", str(out))
    doc = assert_rfc7946(out.read_bytes())
    nulls = [f for f in doc["features"] if f["geometry"] is None]
    assert nulls and all(f["properties"]["precision"] in ("none", "district") for f in nulls)


def test_filtered_download_conforms() -> None:
    from layers.export import to_geojson_bytes
    from layers.locate import catalogue_frame

    frame = catalogue_frame()
    sub = frame[frame["group"] == "transport"]
    doc = assert_rfc7946(to_geojson_bytes(sub))
    assert len(doc["features"]) == len(sub)


def test_clockwise_input_is_written_counter_clockwise() -> None:
    cw = Polygon([(114.0, 22.5), (114.0, 22.6), (114.1, 22.6), (114.1, 22.5)],
                 holes=[[(114.02, 22.52), (114.08, 22.52), (114.08, 22.58), (114.02, 22.58)]])
    assert not cw.exterior.is_ccw
    feature = {"type": "Feature", "properties": {}, "geometry": rfc7946_geometry(cw)}
    before = geojson_validator.validate_geometries(
        {"type": "Feature", "properties": {}, "geometry": json.loads(json.dumps(cw.__geo_interface__))})
    assert "exterior_not_ccw" in before["invalid"]  # the validator does catch the fault
    assert geojson_validator.validate_geometries(feature)["invalid"] == {}


def test_precision_is_capped_at_six_decimals() -> None:
    geom = rfc7946_geometry(Polygon([(114.123456789, 22.5), (114.2, 22.5), (114.2, 22.987654321)]))
    assert geom is not None
    flat = [c for ring in geom["coordinates"] for xy in ring for c in xy]
    assert all(round(c, 6) == c for c in flat)
    assert 114.123457 in flat and 22.987654 in flat


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_coordinates_are_refused_with_the_feature_named(bad: float) -> None:
    with pytest.raises(GeoJSONError, match="item x-1"):
        rfc7946_geometry(Polygon([(114.0, 22.5), (bad, 22.6), (114.1, 22.6)]), "item x-1")


def test_projected_coordinates_are_refused() -> None:
    with pytest.raises(GeoJSONError, match="longitude/latitude"):
        rfc7946_geometry(Polygon([(800000, 2500000), (800100, 2500000), (800100, 2500100)]))


def test_a_projected_frame_is_written_in_longitude_latitude() -> None:
    from layers.export import to_geojson_dict
    from layers.locate import catalogue_frame

    located = catalogue_frame().dropna(subset=["geometry"]).head(5)
    doc = assert_rfc7946(json.dumps(to_geojson_dict(located.to_crs(32650))))
    for feature, geom in zip(doc["features"], located.geometry, strict=True):
        assert shape(feature["geometry"]).equals_exact(geom, tolerance=1e-6), feature["id"]
