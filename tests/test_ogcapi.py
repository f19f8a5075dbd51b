"""The OGC API – Features service, read by clients no one here wrote.

The service runs as a user would start it (``python -m ogcapi``); GDAL's OAPIF driver
(through pyogrio) and plain HTTP read it, and the counts are compared with the app's own
exports and filters.
"""
from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import geojson_validator
import pyogrio
import pytest
from shapely.geometry import box

import settings
from geo.export import district_features
from layers.export import to_geojson_dict
from layers.filters import ViewState, apply
from layers.locate import catalogue_frame
from ogcapi.config import MAX_ITEMS

geojson_validator.configure_logging(enabled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    def __init__(self, base: str, run_dir: Path, proc: subprocess.Popen) -> None:
        self.base, self.run_dir, self.proc = base, run_dir, proc

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
        req = urllib.request.Request(self.base + path, headers={"Accept": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            body = err.read()
            return err.code, json.loads(body) if body.strip().startswith(b"{") else {"raw": body.decode()}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = _free_port()
    run_dir = tmp_path_factory.mktemp("ogcapi")
    log = (run_dir / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "ogcapi", "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(run_dir / "run")], cwd=settings.ROOT, stdout=log, stderr=log)
    svc = Service(f"http://127.0.0.1:{port}", run_dir / "run", proc)
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, (run_dir / "server.log").read_text()
        try:
            if svc.get("/?f=json")[0] == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "service did not start"
        time.sleep(0.2)
    yield svc
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def _oapif(svc: Service, collection: str, **kwargs: object):
    return pyogrio.read_dataframe(f"OAPIF:{svc.base}/collections/{collection}", **kwargs)


def test_gdal_reads_every_collection_with_the_apps_counts(service: Service) -> None:
    districts = _oapif(service, "districts")
    exported = district_features()["features"]
    assert sorted(districts["id"]) == sorted(f["id"] for f in exported)
    assert districts.crs is not None and districts.crs.to_epsg() in (4326, None)
    assert "CRS84" in districts.crs.to_wkt() or districts.crs.to_epsg() == 4326
    assert set(districts["name_zh"]) == {f["properties"]["name_zh"] for f in exported}  # Chinese text intact
    by_id = {f["id"]: f["properties"] for f in exported}
    for _, row in districts.iterrows():
        assert row["positioning"] == by_id[row["id"]]["positioning"]

    items = _oapif(service, "items")
    export = to_geojson_dict(catalogue_frame())["features"]
    assert len(items) == len(export)
    assert sorted(items["id"]) == sorted(f["id"] for f in export)
    not_drawn = {f["id"] for f in export if f["geometry"] is None}
    assert set(items.loc[items.geometry.isna(), "id"]) == not_drawn
    assert not items.loc[items.geometry.isna(), "located"].any()
    assert items.loc[items.geometry.isna(), "geometry_note"].str.len().gt(0).all()


def test_gdal_property_filter_matches_the_apps_filter(service: Service) -> None:
    frame = catalogue_frame()
    category = frame["category"].value_counts().index[0]
    got = _oapif(service, "items", where=f"category = '{category}'")
    want = apply(frame, ViewState(filters={"categories": (category,)}))
    assert len(want) > 1
    assert sorted(got["id"]) == sorted(want["id"])
    log = (service.run_dir.parent / "server.log").read_text()
    assert f"category={category}" in log  # the filter went to the server, not only applied by GDAL


@pytest.mark.parametrize("query,state", [
    ("districts=nanshan", ViewState(filters={"districts": ("nanshan",)})),
    ("districts=shenshan", ViewState(filters={"districts": ("shenshan",)})),
    ("category=hospital", ViewState(filters={"categories": ("hospital",)})),
    ("chapter=6", ViewState(filters={"chapters": (6,)})),
    ("plan_stage=construction", ViewState(filters={"stages": ("construction",)})),
    ("plan_stage=construction&districts=futian",
     ViewState(filters={"stages": ("construction",), "districts": ("futian",)})),
])
def test_property_queries_match_the_apps_filters(service: Service, query: str, state: ViewState) -> None:
    status, body = service.get(f"/collections/items/items?{query}&limit={MAX_ITEMS}")
    assert status == 200, body
    want = apply(catalogue_frame(), state)
    assert body["numberMatched"] == len(want) > 0
    assert sorted(f["id"] for f in body["features"]) == sorted(want["id"])


def test_bbox_returns_located_items_in_the_box_only(service: Service) -> None:
    area = (113.85, 22.45, 114.0, 22.6)  # Nanshan and Qianhai
    status, body = service.get(f"/collections/items/items?bbox={','.join(map(str, area))}&limit={MAX_ITEMS}")
    assert status == 200, body
    frame = catalogue_frame()
    inside = frame[frame.geometry.notna() & frame.geometry.intersects(box(*area))]
    assert body["numberMatched"] == len(inside) > 0
    assert sorted(f["id"] for f in body["features"]) == sorted(inside["id"])
    assert all(f["geometry"] is not None for f in body["features"])


def test_paging_visits_every_item_once(service: Service) -> None:
    seen: list[str] = []
    path: str | None = "/collections/items/items?limit=40"
    while path:
        status, body = service.get(path)
        assert status == 200
        assert len(body["features"]) <= 40
        seen.extend(f["id"] for f in body["features"])
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        path = nxt[0].removeprefix(service.base) if nxt else None
    assert sorted(seen) == sorted(catalogue_frame()["id"])


def test_titles_and_descriptions_in_chinese_and_english(service: Service) -> None:
    _, zh = service.get("/collections/items?f=json&lang=zh")
    _, en = service.get("/collections/items?f=json&lang=en")
    assert zh["title"] == "《纲要》项目图层"
    assert en["title"] == "Projects named in the plan"
    assert "located=false" in zh["description"] and "null geometry" in en["description"]
    _, default = service.get("/collections/districts?f=json")
    assert default["title"] == "深圳规划分区(11个)"  # Chinese first
    for lang in ("zh-CN", "zh-Hans", "zh-Hant-TW", "en-GB", "en-US,en;q=0.9", "fr", "*"):
        english = lang.startswith("en")
        status, body = service.get("/collections/districts?f=json", headers={"Accept-Language": lang})
        assert status == 200, (lang, body)
        assert body["title"] == ("Shenzhen planning areas (11)" if english else "深圳规划分区(11个)")
        status, body = service.get(f"/collections/districts?f=json&lang={lang}")
        assert status == 200, (lang, body)
        assert body["title"] == ("Shenzhen planning areas (11)" if english else "深圳规划分区(11个)")


def test_a_feature_carries_citation_stage_precision_and_source(service: Service) -> None:
    status, body = service.get("/collections/items/items?limit=1&f=json")
    feature = body["features"][0]
    props = feature["properties"]
    for key in ("quote", "paragraph_id", "chapter", "plan_stage", "plan_stage_zh", "plan_stage_en",
                "precision", "precision_zh", "precision_en", "location_source", "category", "category_zh",
                "districts", "located"):
        assert key in props, key
    status, one = service.get(f"/collections/items/items/{feature['id']}?f=json")
    assert status == 200 and one["properties"]["quote"] == props["quote"]
    status, d = service.get("/collections/districts/items/futian?f=json")
    assert status == 200
    assert d["properties"]["positioning"] and d["properties"]["paragraph_id"].startswith("ch")
    assert d["properties"]["boundary_source"]


def test_served_geojson_conforms_to_rfc7946(service: Service) -> None:
    for collection in ("districts", "items"):
        _, body = service.get(f"/collections/{collection}/items?limit={MAX_ITEMS}&f=json")
        doc = {"type": "FeatureCollection", "features": body["features"]}
        assert geojson_validator.validate_structure(doc) == {}
        report = geojson_validator.validate_geometries(doc)
        assert report["invalid"] == {}
        assert "excessive_coordinate_precision" not in report["problematic"]


@pytest.mark.parametrize("path,status,code", [
    ("/collections/nowhere/items", 404, "NotFound"),
    ("/collections/nowhere", 404, "NotFound"),
    ("/collections/items/items/no-such-item", 404, "NotFound"),
    ("/collections/items/items?bbox=1,2,3", 400, "InvalidParameterValue"),
    ("/collections/items/items?bbox=114,abc,115,23", 400, "InvalidParameterValue"),
    ("/collections/items/items?bbox=115,23,114,22", 400, "InvalidParameterValue"),
    ("/collections/items/items?limit=-5", 400, "InvalidParameterValue"),
    ("/collections/items/items?limit=lots", 400, "InvalidParameterValue"),
    ("/collections/items/items?offset=-1", 400, "InvalidParameterValue"),
    ("/collections/items/items?colour=red", 400, "InvalidQuery"),
    ("/collections/items/items?chapter=six", 400, "InvalidQuery"),
    ("/collections/items/items?located=maybe", 400, "InvalidQuery"),
    ("/collections/items/items?sortby=colour", 400, "InvalidParameterValue"),
])
def test_bad_requests_get_standard_errors(service: Service, path: str, status: int, code: str) -> None:
    got, body = service.get(path + ("&" if "?" in path else "?") + "f=json")
    assert got == status, body
    assert body.get("code") == code, body
    assert body.get("description")
    assert "Traceback" not in json.dumps(body) and str(settings.ROOT) not in json.dumps(body)


def test_huge_limit_is_throttled_to_the_maximum(service: Service) -> None:
    status, body = service.get("/collections/items/items?limit=10000000000&f=json")
    assert status == 200
    assert body["numberReturned"] == min(MAX_ITEMS, body["numberMatched"])
    assert body["numberMatched"] == len(catalogue_frame())


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_the_service_never_writes_to_its_data(service: Service) -> None:
    data = service.run_dir / "data"
    before = _digest(data)
    assert set(before) == {"districts.geojson", "items.geojson"}
    for p in data.iterdir():
        assert not p.stat().st_mode & 0o222, f"{p.name} is writable"
    assert not data.stat().st_mode & 0o222
    feature = json.dumps({"type": "Feature", "geometry": None, "properties": {"id": "x"}}).encode()
    for method, path in (("POST", "/collections/items/items"), ("PUT", "/collections/items/items/x"),
                         ("DELETE", "/collections/districts/items/futian")):
        req = urllib.request.Request(service.base + path, data=feature if method != "DELETE" else None,
                                     method=method, headers={"Content-Type": "application/geo+json"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert 400 <= err.value.code < 500, (method, path, err.value.code)
    status, _ = service.get("/collections/districts/items/futian?f=json")
    assert status == 200
    assert _digest(data) == before


def test_sorting_and_selected_properties(service: Service) -> None:
    status, body = service.get(f"/collections/items/items?sortby=-chapter&properties=name_zh,chapter&limit={MAX_ITEMS}")
    assert status == 200, body
    chapters = [f["properties"]["chapter"] for f in body["features"]]
    assert chapters == sorted(chapters, reverse=True) and len(set(chapters)) > 3
    assert all(set(f["properties"]) == {"name_zh", "chapter"} for f in body["features"])


@pytest.mark.parametrize("path", ["/", "/collections", "/collections/items/items?f=html",
                                  "/collections/items/items/{id}", "/collections/districts?f=html"])
def test_browsers_get_json_never_pages_with_scripts(service: Service, path: str) -> None:
    first = catalogue_frame()["id"].iloc[0]
    req = urllib.request.Request(service.base + path.format(id=first), headers={"Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert "json" in resp.headers["Content-Type"]
        body = resp.read()
    assert b"<script" not in body and b"unpkg.com" not in body
    json.loads(body)


def test_a_tracked_status_column_is_served_and_queryable(tmp_path: Path) -> None:
    """The hook for progress tracking: a frame with ``tracked_status`` needs nothing else to serve it."""
    from ogcapi.data import items_collection
    from ogcapi.provider import PlanFeatureProvider

    frame = catalogue_frame().copy()
    frame["tracked_status"] = None
    frame.loc[frame.index[:3], "tracked_status"] = "under_construction"
    path = tmp_path / "items.geojson"
    path.write_text(json.dumps(items_collection(frame), ensure_ascii=False), encoding="utf-8")
    provider = PlanFeatureProvider({"name": "x", "type": "feature", "data": str(path), "id_field": "id"})
    assert "tracked_status" in provider.get_fields()
    hits = provider.query(properties=[("tracked_status", "under_construction")], limit=100)
    assert hits["numberMatched"] == 3
    assert sorted(f["id"] for f in hits["features"]) == sorted(frame["id"].iloc[:3])


@pytest.mark.parametrize("args,message", [
    (("--port", "0"), "not a TCP port"),
    (("--port", "70000"), "not a TCP port"),
    (("--port", "http"), "invalid int value"),
    (("--data-dir", "README.md"), "not a directory"),
])
def test_bad_command_line_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    r = subprocess.run([sys.executable, "-m", "ogcapi", *args], cwd=settings.ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0
    assert message in r.stderr and "Traceback" not in r.stderr


def test_a_port_in_use_is_a_clear_error(service: Service, tmp_path: Path) -> None:
    port = service.base.rsplit(":", 1)[1]
    r = subprocess.run([sys.executable, "-m", "ogcapi", "--port", port, "--data-dir", str(tmp_path / "run")],
                       cwd=settings.ROOT, capture_output=True, text=True, timeout=180)
    assert r.returncode == 1
    assert f"Port {port} is in use" in r.stderr and "Traceback" not in r.stderr
    assert service.get("/collections?f=json")[0] == 200  # the running service is untouched


QGIS_PYTHON = "/usr/bin/python3"
QGIS_OAPIF_PROBE = r'''
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
out = {}
for name in ("districts", "items"):
    layer = QgsVectorLayer(f"url='{sys.argv[1]}' typename='{name}'", name, "OAPIF")
    feats = list(layer.getFeatures())
    out[name] = {"valid": layer.isValid(), "crs": layer.crs().authid(), "ids": [f["id"] for f in feats],
                 "names": [f["name_zh"] for f in feats]}
print("RESULT" + json.dumps(out, ensure_ascii=False), flush=True)
os._exit(0)  # QGIS 3.22 may crash in exitQgis() while layers are still referenced
'''


def _qgis_available() -> bool:
    try:
        r = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


@pytest.mark.skipif(not _qgis_available(), reason="QGIS Python bindings not installed (apt-get install python3-qgis)")
def test_qgis_adds_the_layers_by_url(service: Service, tmp_path: Path) -> None:
    """What a planner does: Layer > Add WFS / OGC API – Features layer, with the service's URL."""
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    r = subprocess.run([QGIS_PYTHON, "-c", QGIS_OAPIF_PROBE, service.base], capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.split("RESULT", 1)[1])
    assert result["districts"]["valid"] and result["items"]["valid"]
    assert result["districts"]["crs"] == result["items"]["crs"] == "EPSG:4326"
    assert sorted(result["districts"]["ids"]) == sorted(f["id"] for f in district_features()["features"])
    frame = catalogue_frame()
    assert sorted(result["items"]["ids"]) == sorted(frame["id"])
    assert set(result["items"]["names"]) == set(frame["name_zh"])  # Chinese text intact
