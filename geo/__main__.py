"""Command line: ``python -m geo export-districts --output FILE`` and ``python -m geo validate``.

``export-districts`` writes the eleven planning areas as a WGS84 GeoJSON FeatureCollection, each with
its verbatim 专栏4 positioning, key areas, citation, area and boundary provenance; it refuses to write
when a district is missing or broken, and writes atomically. ``validate`` checks the district file and
the district profiles and lists every problem, one per line, naming the file, feature and field.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

import settings
from district_profiles import DistrictProfile, ProfileError, load_profiles
from fileio import DataFileError, OutputError, atomic_write_bytes, check_output_path, dumps_json
from geo.boundaries import read_districts_file


def district_features(districts: gpd.GeoDataFrame, profiles: Mapping[str, DistrictProfile]) -> dict[str, Any]:
    """The areas of ``districts`` (in its order) as GeoJSON features carrying each area's profile.

    Both are passed in, so geo needs nothing from the catalogue: the districts file itself is the
    list of areas. An area without a profile is an error naming it.
    """
    missing = [did for did in districts["id"] if did not in profiles]
    if missing:
        raise ValueError(f"no district profile for {', '.join(missing)} (expected district_profiles/<id>.yaml)")
    features = []
    for _, row in districts.iterrows():
        did = row["id"]
        p = profiles[did]
        features.append({
            "type": "Feature",
            "id": did,
            "geometry": row.geometry.__geo_interface__,
            "properties": {
                "id": did,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "positioning": p.positioning.quote,
                "key_areas": [k.name_zh for k in p.key_areas],
                "key_areas_en": [k.name_en for k in p.key_areas],
                "paragraph_id": p.positioning.paragraph_id,
                "area_km2": round(float(row["area_km2"]), 2),
                "official_area_km2": p.official_area_km2,
                "boundary_source": row["boundary_source"],
                "boundary_approximate": bool(row["boundary_approximate"]),
                "boundary_note": row.get("boundary_note", ""),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Shenzhen planning-area geography.")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export-districts", help="write the 11 areas as GeoJSON (WGS84) with their profiles")
    exp.add_argument("--output", required=True, type=Path, help="GeoJSON file to write")
    sub.add_parser("validate", help="check the district file and the district profiles, listing every problem")
    args = parser.parse_args(argv)

    if args.command == "export-districts":
        try:
            check_output_path(args.output)
        except OutputError as exc:
            print(f"error: --output {exc}", file=sys.stderr)
            return 2
    errors: list[str] = []
    try:
        districts, problems = read_districts_file(settings.DISTRICTS_PATH)
    except DataFileError as exc:
        errors.append(str(exc))
        problems = []
    # validate reports repairs too (the file should be fixed); an export may carry a repaired polygon
    errors += [str(p) for p in problems if args.command == "validate" or not p.repaired]
    warnings = [str(p) for p in problems if args.command != "validate" and p.repaired]
    try:
        profiles = load_profiles()
    except (ProfileError, DataFileError) as exc:
        errors.append(str(exc))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if errors:
        print("error: " + "\nerror: ".join(errors), file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{len(districts)} districts and {len(profiles)} district profiles valid")
        return 0
    try:
        collection = district_features(districts, profiles)
        text = dumps_json(collection)
        atomic_write_bytes(args.output, text.encode("utf-8"))
    except (OutputError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(collection['features'])} districts to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
