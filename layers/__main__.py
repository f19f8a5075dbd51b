"""Command line: ``python -m layers export --output FILE [--format geojson|csv|gpkg]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="The plan's project catalogue.")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="write every catalogue item with its citation and location")
    exp.add_argument("--output", required=True, type=Path, help="file to write")
    exp.add_argument("--format", choices=("geojson", "csv", "gpkg"), default=None,
                     help="output format (default: from the file extension, else geojson)")
    sub.add_parser("validate", help="check the catalogue files and report every problem")
    args = parser.parse_args(argv)

    from layers.catalogue import CatalogueError
    from layers.locate import LocationError, catalogue_frame

    try:
        frame = catalogue_frame()
    except (CatalogueError, LocationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{len(frame)} catalogue items valid")
        return 0

    from layers.export import to_csv_bytes, to_geojson_bytes

    suffix = args.output.suffix.lower()
    fmt = args.format or {".csv": "csv", ".gpkg": "gpkg"}.get(suffix, "geojson")
    if not args.output.parent.is_dir():
        parser.error(f"--output: directory {args.output.parent} does not exist")
    tmp = args.output.with_name(args.output.name + ".tmp")
    if fmt == "gpkg":
        from geo.export import district_frame
        from layers.export import write_gpkg

        districts = district_frame()
        tmp = args.output.with_name(args.output.name + ".tmp.gpkg")  # GDAL wants the .gpkg extension
        tmp.unlink(missing_ok=True)
        try:
            write_gpkg(tmp, frame, districts)
        except Exception as exc:  # GDAL reports disk and permission problems as its own errors
            tmp.unlink(missing_ok=True)
            print(f"error: cannot write {args.output}: {exc}", file=sys.stderr)
            return 1
        tmp.replace(args.output)
        print(f"wrote {len(frame)} items and {len(districts)} districts to {args.output} (gpkg)")
        return 0
    data = to_csv_bytes(frame) if fmt == "csv" else to_geojson_bytes(frame)
    tmp.write_bytes(data)
    tmp.replace(args.output)
    print(f"wrote {len(frame)} items to {args.output} ({fmt})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
