"""Build step: take from the OpenStreetMap extracts the features the catalogue refers to.

The OSM archives are reference data outside the repository (``../shared/data/osm``) and are
not committed. This step copies only the features the catalogue names (stations by name,
airport runways) into ``layers/data/osm_locations.csv`` with their attribution, so the app
and its tests never need the archives.

Run: ``python -m layers.osm_extract [--osm-dir ../shared/data/osm]``
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

import settings
from layers.catalogue import load_items

STATION_ARCHIVE = "Railway-station_oData.zip"
AEROWAY_ARCHIVE = "aeroways_oData.zip"
# Recorded in every row: where the coordinates come from.
OSM_SOURCE = (
    "OpenStreetMap extract OpenQGIS/OMap-GeoDB@29eeb63f0c0216899de431156a5493eef0b27eae"
)
STATION_DATA_DATE = "2025-01-24"
AEROWAY_DATA_DATE = "2025-02-14"
CSV_COLUMNS = ["kind", "name", "station_type", "ref", "source", "data_date", "wkt"]


def shenzhen_area() -> object:
    """Shenzhen and Shenshan land with a 2 km margin; keeps Hong Kong's stations out."""
    from geo.boundaries import load_districts

    districts = load_districts().to_crs(settings.METRIC_CRS)
    return gpd.GeoSeries([districts.union_all().buffer(2000)], crs=settings.METRIC_CRS).to_crs(4326).iloc[0]


def extract(osm_dir: Path, output: Path) -> pd.DataFrame:
    items = [s.item for s in load_items()]
    wanted = {name for it in items for name in it.location.stations}
    wanted |= {name for it in items for line in it.location.lines for name in line}
    area = shenzhen_area()
    bbox = box(*settings.STUDY_EXTENT)

    stations = gpd.read_file(f"zip://{osm_dir / STATION_ARCHIVE}", bbox=bbox.bounds)
    stations = stations[stations.geometry.within(area) & stations["name"].isin(wanted)]
    rows = [
        {
            "kind": "station",
            "name": r["name"],
            "station_type": r["station"] or "",
            "ref": "",
            "source": OSM_SOURCE + f" ({STATION_ARCHIVE})",
            "data_date": STATION_DATA_DATE,
            "wkt": r.geometry.wkt,
        }
        for _, r in stations.iterrows()
    ]
    missing = sorted(wanted - set(stations["name"]))

    if any(it.location.method == "osm_runway" for it in items):
        aeroways = gpd.read_file(f"zip://{osm_dir / AEROWAY_ARCHIVE}", bbox=bbox.bounds)
        runways = aeroways[(aeroways["aeroway"] == "runway") & aeroways.geometry.within(area)]
        rows += [
            {
                "kind": "runway",
                "name": "",
                "station_type": "",
                "ref": r["ref"] or "",
                "source": OSM_SOURCE + f" ({AEROWAY_ARCHIVE})",
                "data_date": AEROWAY_DATA_DATE,
                "wkt": r.geometry.wkt,
            }
            for _, r in runways.iterrows()
        ]
    frame = pd.DataFrame(rows, columns=CSV_COLUMNS).sort_values(["kind", "name", "station_type", "wkt"])
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(output)  # the old file survives a failed run
    if missing:
        print("stations named in the catalogue but absent from OSM: " + ", ".join(missing), file=sys.stderr)
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers.osm_extract", description=__doc__.splitlines()[0])
    parser.add_argument("--osm-dir", type=Path, default=settings.ROOT.parent / "shared" / "data" / "osm")
    parser.add_argument("--output", type=Path, default=settings.CATALOGUE_LOCATIONS_PATH)
    args = parser.parse_args(argv)
    for name in (STATION_ARCHIVE, AEROWAY_ARCHIVE):
        if not (args.osm_dir / name).is_file():
            parser.error(f"{args.osm_dir / name}: OSM archive not found")
    frame = extract(args.osm_dir, args.output)
    print(f"wrote {len(frame)} OSM features to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
