"""Command line: ``python -m geo export-districts --output FILE``.

Writes the eleven planning areas as an RFC 7946 GeoJSON FeatureCollection (WGS84,
counter-clockwise exteriors), each with its verbatim 专栏4 positioning, key areas,
citation, area and boundary provenance.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.export import district_features


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
    tmp.write_text(json.dumps(collection, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    tmp.replace(args.output)
    print(f"wrote {len(collection['features'])} districts to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
