"""Bad argument sets and broken data for every command, run as the user runs them (subprocesses).

Every refusal exits non-zero with a message naming the file, field or setting, never a traceback, and
leaves an existing output file exactly as it was, with no temporary file beside it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import settings
from fileio import OutputError, atomic_write, atomic_write_bytes

PREVIOUS = "previous export, must survive"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=settings.ROOT, capture_output=True, text=True,
                          timeout=180, env={**os.environ, **env})


def assert_refused(result: subprocess.CompletedProcess, *names: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    for name in names:
        assert name in result.stderr, result.stderr


def assert_untouched(directory: Path, output: Path) -> None:
    assert output.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in directory.iterdir()) == [output.name]  # no temporary file left


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def existing(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_text(PREVIOUS, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [("layers", "export"), ("geo", "export-districts")])
def test_output_that_is_a_directory_is_refused_and_nothing_is_written(out_dir, command):
    target = out_dir / "a-directory.geojson"
    target.mkdir()
    result = run(*command, "--output", str(target))
    assert_refused(result, str(target), "is a directory")
    assert list(target.iterdir()) == [] and [p.name for p in out_dir.iterdir()] == [target.name]


@pytest.mark.parametrize("output,fmt", [("items.geojson", "csv"), ("items.csv", "geojson"), ("items.json", "csv")])
def test_a_format_contradicting_the_extension_is_refused(out_dir, output, fmt):
    target = existing(out_dir, output)
    result = run("layers", "export", "--output", str(target), "--format", fmt)
    assert_refused(result, f"--format {fmt} does not match", target.suffix)
    assert_untouched(out_dir, target)


def test_the_format_follows_the_extension_when_not_given(out_dir):
    result = run("layers", "export", "--output", str(out_dir / "items.csv"))
    assert result.returncode == 0, result.stderr
    assert (out_dir / "items.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert sorted(p.name for p in out_dir.iterdir()) == ["items.csv"]


@pytest.mark.parametrize("value", ["abc", "0", "2.5", "100000"])
def test_a_bad_scale_setting_is_named(out_dir, value):
    target = existing(out_dir, "items.geojson")
    result = run("layers", "export", "--output", str(target), SZ_PLAN_MAP_SCALE=value)
    assert_refused(result, "SZ_PLAN_MAP_SCALE", "whole number")
    assert len(result.stderr.strip().splitlines()) == 1
    assert_untouched(out_dir, target)


# ---------------------------------------------------------------------------------------------------
# Broken data under each command
# ---------------------------------------------------------------------------------------------------

@pytest.fixture
def broken_catalogue(tmp_path: Path) -> Path:
    directory = tmp_path / "catalogue"
    shutil.copytree(settings.CATALOGUE_DIR, directory)
    return directory


@pytest.mark.parametrize("content,message", [
    (b"", "other_chapters.yaml: file is empty"),
    (b"# all items deleted\n", "other_chapters.yaml: no data"),
    (b"- id: x\n  name_zh: \xd6\xd0\n", "other_chapters.yaml: not UTF-8 text"),
    (b"- id: x\n  name_zh: [\n", "other_chapters.yaml: not valid YAML"),
])
def test_layers_commands_name_an_unreadable_catalogue_file(broken_catalogue, out_dir, content, message):
    (broken_catalogue / "other_chapters.yaml").write_bytes(content)
    target = existing(out_dir, "items.geojson")
    for args in (("layers", "validate"), ("layers", "export", "--output", str(target))):
        assert_refused(run(*args, SZ_PLAN_CATALOGUE_DIR=str(broken_catalogue)), message)
    assert_untouched(out_dir, target)


def test_layers_validate_names_file_item_and_field_for_a_bad_coordinate(broken_catalogue):
    path = broken_catalogue / "core_columns.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: yantian-comprehensive-bonded-zone")  # a hand-entered point
    lon = text.index("    lon: ", start)
    end = text.index("\n", lon)
    path.write_text(text[:lon] + "    lon: .nan" + text[end:], encoding="utf-8")
    result = run("layers", "validate", SZ_PLAN_CATALOGUE_DIR=str(broken_catalogue))
    assert_refused(result, "core_columns.yaml: item yantian-comprehensive-bonded-zone: field location")


def test_layers_commands_name_broken_osm_locations(tmp_path, out_dir):
    path = tmp_path / "osm_locations.csv"
    path.write_bytes(settings.CATALOGUE_LOCATIONS_PATH.read_bytes()[:-200])  # truncated mid-row
    target = existing(out_dir, "items.csv")
    result = run("layers", "export", "--output", str(target), SZ_PLAN_LOCATIONS_PATH=str(path))
    assert_refused(result, "osm_locations.csv: row")
    assert_untouched(out_dir, target)


def district_file(tmp_path: Path, content: bytes | None = None, *, drop_geometry_of: int | None = None) -> Path:
    path = tmp_path / "districts.geojson"
    if content is None:
        data = json.loads(settings.DISTRICTS_PATH.read_text(encoding="utf-8"))
        if drop_geometry_of is not None:
            data["features"][drop_geometry_of - 1]["geometry"] = None
        content = json.dumps(data, ensure_ascii=False).encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("content,message", [
    (b"", "districts.geojson: file is empty"),
    (b'{"type": "FeatureCollection", "features": [{"type"', "districts.geojson: not valid JSON"),
    (b'{"type": "FeatureCollection", \xff}', "districts.geojson: not UTF-8 text"),
    (None, "district yantian (file districts.geojson, feature 3): no geometry"),
])
def test_geo_commands_name_a_broken_district_file(tmp_path, out_dir, content, message):
    path = district_file(tmp_path, content, drop_geometry_of=3)
    target = existing(out_dir, "districts.geojson")
    for args in (("geo", "validate"), ("geo", "export-districts", "--output", str(target))):
        assert_refused(run(*args, SZ_PLAN_DISTRICTS_PATH=str(path)), message)
    assert_untouched(out_dir, target)


def test_geo_commands_name_a_missing_profile(tmp_path, out_dir):
    directory = tmp_path / "profiles"
    directory.mkdir()
    for p in settings.DISTRICT_PROFILES_DIR.glob("*.yaml"):
        if p.stem != "shenshan":
            shutil.copy(p, directory / p.name)
    target = existing(out_dir, "districts.geojson")
    for args in (("geo", "validate"), ("geo", "export-districts", "--output", str(target))):
        assert_refused(run(*args, SZ_PLAN_PROFILES_DIR=str(directory)), "shenshan.yaml: missing")
    assert_untouched(out_dir, target)


def test_geo_validate_passes_on_the_shipped_data():
    result = run("geo", "validate")
    assert result.returncode == 0, result.stderr
    assert "11 districts and 11 district profiles valid" in result.stdout


# ---------------------------------------------------------------------------------------------------
# Atomic writes: failures, interrupts and concurrent writers
# ---------------------------------------------------------------------------------------------------

def test_a_failing_write_keeps_the_previous_file_and_leaves_no_temporary_file(out_dir):
    target = existing(out_dir, "items.csv")

    def fail(f) -> None:
        f.write(b"half of a new export")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, fail)
    assert_untouched(out_dir, target)
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write_bytes(out_dir, b"x")
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write_bytes(out_dir / "missing" / "x.csv", b"x")
    assert_untouched(out_dir, target)


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    from fileio import atomic_write

    def write(f):
        f.write(b"x" * 1_000_000)
        os.kill(os.getpid(), signal.SIGTERM)
        f.write(b"never reached")

    atomic_write(sys.argv[1], write)
""")


def test_sigterm_during_a_write_removes_the_temporary_file(out_dir):
    target = existing(out_dir, "items.geojson")
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target), str(settings.ROOT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 128 + 15, result.stderr
    assert_untouched(out_dir, target)


def test_concurrent_writers_to_one_path_do_not_collide(out_dir):
    target = out_dir / "items.geojson"
    payloads = [json.dumps({"writer": i, "pad": "x" * 200_000}).encode() for i in range(12)]
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            atomic_write_bytes(target, data)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in payloads  # one complete export, never a mix
    assert [p.name for p in out_dir.iterdir()] == ["items.geojson"]
    assert (target.stat().st_mode & 0o777) == 0o644
