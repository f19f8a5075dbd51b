"""Command line: ``python -m geo export-districts --output FILE``.

Writes the eleven planning areas as a WGS84 GeoJSON FeatureCollection, each with its
verbatim 专栏4 positioning, key areas, citation, area and boundary provenance.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def district_features() -> dict:
    from district_profiles import load_profiles
    from geo.areas import DISTRICT_IDS
    from geo.boundaries import load_districts

    profiles = load_profiles()
    gdf = load_districts().set_index("id")
    features = []
    for did in DISTRICT_IDS:
        p = profiles[did]
        row = gdf.loc[did]
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
    args = parser.parse_args(argv)
    if args.output.is_dir():
        parser.error(f"--output: {args.output} is a directory, not a file")
    if not args.output.parent.is_dir():
        parser.error(f"--output: directory {args.output.parent} does not exist")
    try:
        collection = district_features()
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    tmp.replace(args.output)
    print(f"wrote {len(collection['features'])} districts to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
