"""Project-wide settings: paths, extents and display constants in one place.

Everything below the UI reads its configuration from here so that the app, the
command-line tools and the tests agree on where data lives.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent


def _env_path(name: str, default: Path) -> Path:
    """A data location that tests and operators may point elsewhere (copies to corrupt, staged data)."""
    value = os.environ.get(name, "").strip()
    return Path(value) if value else default


PLAN_TEXT_PATH: Path = _env_path("SZ_PLAN_TEXT_PATH",
                                 ROOT / "plan_text" / "data" / "shenzhen-14th-five-year-plan-2021.txt")
# English translations of the part and chapter titles (the plan itself is Chinese only).
PLAN_HEADINGS_EN_PATH: Path = _env_path("SZ_PLAN_HEADINGS_EN_PATH", ROOT / "plan_text" / "data" / "headings_en.yaml")
PLAN_TITLE_ZH: str = "深圳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
PLAN_TITLE_EN: str = ("Outline of the 14th Five-Year Plan for the Economic and Social Development of Shenzhen "
                      "and the Long-Range Objectives Through 2035")
# The body of the plan starts at the second "前言" heading (the first one is in the table of contents).
PLAN_BODY_MARKER: str = "前言"

# Each data location can be overridden by an environment variable of the same meaning (a review copy, the
# hostile-input tests); unset, the shipped data is used.
PROFILES_DIR_ENV: str = "SZ_PLAN_PROFILES_DIR"
CATALOGUE_DIR_ENV: str = "SZ_PLAN_CATALOGUE_DIR"
DISTRICTS_PATH: Path = _env_path("SZ_PLAN_DISTRICTS_PATH", ROOT / "geo" / "data" / "districts.geojson")
DISTRICT_PROFILES_DIR: Path = _env_path(PROFILES_DIR_ENV, ROOT / "district_profiles")
CATALOGUE_DIR: Path = _env_path(CATALOGUE_DIR_ENV, ROOT / "layers" / "catalogue")
CATALOGUE_LOCATIONS_PATH: Path = _env_path("SZ_PLAN_LOCATIONS_PATH", ROOT / "layers" / "data" / "osm_locations.csv")
STATIC_DIR: Path = ROOT / "static"
# URL under which Streamlit serves STATIC_DIR (server.enableStaticServing).
STATIC_URL: str = "/app/static"

# The eleven planning areas, in the plan's order (专栏4); every data file is checked against this list.
DISTRICT_IDS: tuple[str, ...] = (
    "futian", "luohu", "yantian", "nanshan", "baoan", "longgang",
    "longhua", "pingshan", "guangming", "dapeng", "shenshan",
)

# Shenzhen + Shenshan extent in WGS84 (lon_min, lat_min, lon_max, lat_max), with a small margin
# (Shenshan reaches 23.02°N, Shenzhen 22.40–22.87°N).
STUDY_EXTENT: tuple[float, float, float, float] = (113.70, 22.38, 115.40, 23.05)
# Largest uncertainty radius a catalogue estimate may carry: a wider circle says nothing and covers the map.
MAX_RADIUS_M: int = 30_000
MAP_CENTER: tuple[float, float] = (22.62, 114.25)  # lat, lon
MAP_ZOOM: int = 10
# How far out and in the map goes, and the box it stays in (the study extent with half a degree around it).
MAP_MIN_ZOOM: int = 8
MAP_MAX_ZOOM: int = 18
MAP_MAX_BOUNDS: tuple[float, float, float, float] = (
    STUDY_EXTENT[0] - 0.5, STUDY_EXTENT[1] - 0.5, STUDY_EXTENT[2] + 0.5, STUDY_EXTENT[3] + 0.5)
# The paragraph view's map is about where its items lie in the city: it stops zooming in at this level,
# which keeps a district outline or two in view even when the paragraph names one small site.
PARAGRAPH_MAP_MAX_ZOOM: float = 12.0

# The one local metric CRS (UTM zone 50N) for distances and buffers in metres around Shenzhen.
METRIC_CRS: str = "EPSG:32650"

# Equal-area CRS used for area figures (China Albers / CGCS2000-based conic).
AREA_CRS: str = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m +no_defs"

# Display simplification tolerance in degrees (~30 m at Shenzhen's latitude).
DISPLAY_SIMPLIFY_TOLERANCE: float = 0.0003

OSM_ATTRIBUTION: str = "© OpenStreetMap contributors (ODbL 1.0)"

# How long a map-only run waits before the next run starts, when the map cannot say it has drawn (a new map frame,
# or a browser that has not reported a drawn map yet): its message must be sent first (the server flushes its
# message queue every 10 ms), and the map frame then has time to draw its items before the rest of the page's
# messages arrive (the page and the frame share one main thread, and a filter change that shows many items again
# lost about 0.1 s to the page's own work when the two overlapped).
MAP_SEND_WAIT_S: float = 0.15
# When the map can say it has drawn the run's items (static/view_sync.js), the run waits for that, at most this long.
MAP_DRAWN_WAIT_S: float = 1.0

# Load testing only: multiply the catalogue with marked synthetic copies (see layers/synthetic.py).
SCALE_ENV: str = "SZ_PLAN_MAP_SCALE"
MAX_SCALE: int = 100


class SettingsError(ValueError):
    """An environment setting has a value the project cannot use; the message names the variable."""


def map_scale() -> int:
    """The load-testing scale factor from settings.SCALE_ENV (1 when unset), checked so a typo is named."""
    raw = os.environ.get(SCALE_ENV, "").strip()
    if not raw:
        return 1
    try:
        factor = int(raw)
    except ValueError:
        factor = 0
    if not 1 <= factor <= MAX_SCALE:
        raise SettingsError(f"{SCALE_ENV}={raw[:40]!r}: expected a whole number from 1 to {MAX_SCALE}")
    return factor

# Progress tracking (tracking/): where the embedded SQLite database lives, and the variable that points the
# store at another database instead (e.g. postgresql+psycopg://user:password@host/dbname).
DATA_DIR: Path = Path(os.environ.get("SZ_PLAN_DATA_DIR") or ROOT / "var")
DATABASE_URL_ENV: str = "SZ_PLAN_DATABASE_URL"
# A signed-in editor is signed out after this long without using the app.
SESSION_IDLE_SECONDS: int = 30 * 60
# A read-only deployment (SZ_PLAN_READ_ONLY=1) shows progress but offers no sign-in at all.
READ_ONLY: bool = os.environ.get("SZ_PLAN_READ_ONLY", "") == "1"
