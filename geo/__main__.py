"""Command line: ``python -m geo export-districts --output FILE`` and ``python -m geo validate``.

``export-districts`` writes the eleven planning areas as an RFC 7946 GeoJSON FeatureCollection (WGS84,
counter-clockwise exteriors), each with
its verbatim 专栏4 positioning, key areas, citation, area and boundary provenance; it refuses to write
when a district is missing or broken, and writes atomically. ``validate`` checks the district file and
the district profiles and lists every problem, one per line, naming the file, feature and field.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import settings
from district_profiles import ProfileError, load_profiles
from fileio import DataFileError, OutputError, atomic_write_bytes, check_output_path, dumps_json
from geo.boundaries import read_districts_file
from geo.export import district_features


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
