"""The command-line exports others build on: districts and catalogue."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from shapely.geometry import shape

import settings
from district_profiles import load_profiles
from layers.locate import catalogue_frame
from layers.schema import DISTRICT_IDS
from plan_text import load_plan


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=settings.ROOT, capture_output=True, text=True, timeout=120)


def test_export_districts(tmp_path):
    out = tmp_path / "districts.geojson"
    r = run("geo", "export-districts", "--output", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    feats = data["features"]
    assert [f["properties"]["id"] for f in feats] == list(DISTRICT_IDS)
    plan = load_plan()
    shapes = []
    for f in feats:
        p = f["properties"]
        for key in ("id", "name_zh", "name_en", "positioning", "key_areas", "paragraph_id", "area_km2",
                    "boundary_source", "boundary_approximate"):
            assert key in p, key
        assert p["id"].isascii()
        assert p["positioning"] in plan.get(p["paragraph_id"]).text
        assert p["positioning"] == load_profiles()[p["id"]].positioning.quote
        assert isinstance(p["key_areas"], list) and p["key_areas"]
        assert isinstance(p["boundary_approximate"], bool)
        geom = shape(f["geometry"])
        minx, miny, maxx, maxy = geom.bounds
        assert minx > 113.7 and maxx < 115.5 and miny > 22.3 and maxy < 23.1  # WGS84 degrees around Shenzhen
        shapes.append(geom)
    assert [f["properties"]["boundary_approximate"] for f in feats].count(True) == 1  # Shenshan
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            assert a.intersection(b).area < 1e-6


@pytest.mark.parametrize("args,message", [
    ((), "--output"),
    (("--output",), "expected one argument"),
    (("--output", "/no/such/dir/x.geojson"), "does not exist"),
])
def test_export_districts_bad_arguments(args, message):
    r = run("geo", "export-districts", *args)
    assert r.returncode != 0
    assert message in r.stderr


def test_export_catalogue_geojson(tmp_path):
    out = tmp_path / "items.geojson"
    r = run("layers", "export", "--output", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    frame = catalogue_frame()
    assert len(data["features"]) == len(frame)
    required = ["id", "name_zh", "name_en", "category", "part", "chapter", "section", "column", "paragraph_id",
                "quote", "stage_phrase", "plan_stage", "districts", "precision", "location_source"]
    for f in data["features"]:
        assert all(k in f["properties"] for k in required)
        if f["properties"]["precision"] in ("none", "district"):
            assert f["geometry"] is None
        else:
            assert f["geometry"] is not None
    assert "OpenStreetMap" in data["attribution"]


def test_export_catalogue_csv_opens_in_excel(tmp_path):
    out = tmp_path / "items.csv"
    r = run("layers", "export", "--output", str(out), "--format", "csv")
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads the Chinese text
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(catalogue_frame())
    assert {"lon", "lat", "wkt", "quote", "paragraph_id"} <= set(rows[0])


@pytest.mark.parametrize("args,message", [
    (("export",), "--output"),
    (("export", "--output", "x.txt", "--format", "shp"), "invalid choice"),
    (("export", "--output", "/no/such/dir/x.csv"), "does not exist"),
    (("frobnicate",), "invalid choice"),
])
def test_export_catalogue_bad_arguments(args, message):
    r = run("layers", *args)
    assert r.returncode != 0
    assert message in r.stderr


def test_failed_export_keeps_the_existing_file(tmp_path):
    out = tmp_path / "items.csv"
    out.write_text("previous export", encoding="utf-8")
    r = run("layers", "export", "--output", str(out), "--format", "kml")
    assert r.returncode != 0
    assert out.read_text(encoding="utf-8") == "previous export"
