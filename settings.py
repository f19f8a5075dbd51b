"""Project-wide settings: paths, extents and display constants in one place.

Everything below the UI reads its configuration from here so that the app, the
command-line tools and the tests agree on where data lives.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent

PLAN_TEXT_PATH: Path = ROOT / "plan_text" / "data" / "shenzhen-14th-five-year-plan-2021.txt"
PLAN_TITLE_ZH: str = "深圳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
PLAN_TITLE_EN: str = ("Outline of the 14th Five-Year Plan for the Economic and Social Development of Shenzhen "
                      "and the Long-Range Objectives Through 2035")
# The body of the plan starts at the second "前言" heading (the first one is in the table of contents).
PLAN_BODY_MARKER: str = "前言"

DISTRICTS_PATH: Path = ROOT / "geo" / "data" / "districts.geojson"
# The two data directories editors change can be pointed elsewhere (a review copy, the hostile-input
# browser tests) with these environment variables; unset, the shipped data is used.
PROFILES_DIR_ENV: str = "SZ_PLAN_PROFILES_DIR"
CATALOGUE_DIR_ENV: str = "SZ_PLAN_CATALOGUE_DIR"
DISTRICT_PROFILES_DIR: Path = Path(os.environ.get(PROFILES_DIR_ENV) or ROOT / "district_profiles")
CATALOGUE_DIR: Path = Path(os.environ.get(CATALOGUE_DIR_ENV) or ROOT / "layers" / "catalogue")
CATALOGUE_LOCATIONS_PATH: Path = ROOT / "layers" / "data" / "osm_locations.csv"
STATIC_DIR: Path = ROOT / "static"
# URL under which Streamlit serves STATIC_DIR (server.enableStaticServing).
STATIC_URL: str = "/app/static"

# Shenzhen + Shenshan extent in WGS84 (lon_min, lat_min, lon_max, lat_max), with a small margin
# (Shenshan reaches 23.02°N, Shenzhen 22.40–22.87°N).
STUDY_EXTENT: tuple[float, float, float, float] = (113.70, 22.38, 115.40, 23.05)
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

# Load testing only: multiply the catalogue with marked synthetic copies (see layers/synthetic.py).
SCALE_ENV: str = "SZ_PLAN_MAP_SCALE"
