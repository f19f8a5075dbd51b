"""The static site: self-contained, its texts as data, written whole or not at all."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from layers.locate import catalogue_frame
from publish.output import SITE_MARKER, OutputError
from publish.site import ASSETS, build_site
from publish.tour import TourError


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("pub") / "site")


def page_data(index: Path) -> dict:
    html = index.read_text(encoding="utf-8")
    m = re.search(r'<script id="sz-data" type="application/json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_site_is_one_page_with_leaflet_beside_it(site):
    root = site.parent
    assert site.name == "index.html"
    assert (root / "vendor" / "leaflet" / "leaflet.js").is_file()
    assert (root / "vendor" / "leaflet" / "images" / "marker-icon.png").is_file()
    html = site.read_text(encoding="utf-8")
    # nothing is fetched from elsewhere: every src/href is relative and inside the site
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^[a-z]+:|^//", ref), ref
        assert (root / ref).is_file(), ref


def test_site_carries_every_item_district_and_tour_step(site):
    data = page_data(site)
    frame = catalogue_frame()
    assert {i["id"] for i in data["items"]} == set(frame["id"])
    assert len(data["districts"]["features"]) == 11
    assert [s["id"] for s in data["tour"]["steps"]][:2] == ["part-01", "part-02"]
    located = {i["id"] for i in data["items"] if i["geom"] is not None}
    assert located == set(frame.loc[frame.geometry.notna(), "id"])
    kinds = {i["kind"] for i in data["items"] if i["geom"] is not None}
    assert kinds == {"point", "circle", "line"}
    for item in data["items"]:
        assert item["para"] in data["citations"]


def test_a_hostile_name_stays_inert_data(tmp_path, monkeypatch):
    """Text from data travels as JSON that cannot close its script element, and the script writes text only."""
    from publish import site as site_module

    real = site_module.site_data

    def poisoned(tour):
        data = real(tour)
        data["items"][0]["zh"] = "</script><img src=x onerror=alert(1)>"
        return data

    monkeypatch.setattr(site_module, "site_data", poisoned)
    index = build_site(tmp_path / "s")
    html = index.read_text(encoding="utf-8")
    assert "</script><img" not in html
    assert page_data(index)["items"][0]["zh"] == "</script><img src=x onerror=alert(1)>"
    script = (ASSETS / "site.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_rebuilding_replaces_the_site_and_refuses_foreign_folders(tmp_path):
    out = tmp_path / "site"
    build_site(out)
    (out / "stale.txt").write_text("old")
    build_site(out)
    assert not (out / "stale.txt").exists() and (out / SITE_MARKER).exists()
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(OutputError, match="holds other files"):
        build_site(foreign)
    assert (foreign / "thesis.tex").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "site"]  # no temporary directory left


def test_a_bad_tour_leaves_the_old_site_in_place(tmp_path):
    out = tmp_path / "site"
    build_site(out)
    before = (out / "index.html").read_bytes()
    tour = tmp_path / "tour.yaml"
    tour.write_text("title_zh: x\ntitle_en: x\nsteps:\n- id: a\n  title_zh: 甲\n  title_en: A\n"
                    "  quote: {paragraph_id: part01-p01, text: 并非规划原文}\n  frame: {part: 1}\n", encoding="utf-8")
    with pytest.raises(TourError, match="tour.yaml: step a: quote.text"):
        build_site(out, tour)
    assert (out / "index.html").read_bytes() == before


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=settings.ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_builds_the_site_and_reports_bad_input_in_one_line(tmp_path):
    r = run("site", "--output", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    r = run("site", "--output", str(tmp_path / "missing-parent" / "out"))
    assert r.returncode == 2 and "does not exist" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("site", "--output", str(tmp_path / "out2"), "--tour", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and r.stderr.startswith("error: nope.yaml: cannot read")
    assert "Traceback" not in r.stderr and not (tmp_path / "out2").exists()
