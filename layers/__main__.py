"""Command line: ``python -m layers export --output FILE [--format geojson|csv|gpkg]`` and ``validate``.

Without ``--format`` the format follows the file's extension (``.csv`` is CSV, ``.gpkg`` a
GeoPackage with the districts and items styled for QGIS, anything else GeoJSON);
a ``--format`` that contradicts a ``.csv``, ``.geojson`` or ``.json`` extension is refused. Every problem
is reported on its own line naming the file, item and field, without a traceback; an export is written
atomically, so a failed or interrupted run leaves an existing file as it was.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXTENSION_FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}


def output_format(output: Path, requested: str | None) -> str:
    """The export format: as requested if it agrees with the extension, else inferred from it."""
    implied = EXTENSION_FORMATS.get(output.suffix.lower())
    if requested is None:
        return implied or "geojson"
    if implied is not None and implied != requested:
        from fileio import OutputError

        raise OutputError(f"{output}: --format {requested} does not match the file's {output.suffix} extension; "
                          f"name the file .{'geojson' if requested == 'geojson' else requested} or leave out --format")
    return requested


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="The plan's project catalogue.")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="write every catalogue item with its citation and location")
    exp.add_argument("--output", required=True, type=Path, help="file to write")
    exp.add_argument("--format", choices=("geojson", "csv", "gpkg"), default=None,
                     help="output format (default: from the file extension: .csv is CSV, .gpkg GeoPackage, "
                          "anything else GeoJSON)")
    sub.add_parser("validate", help="check the catalogue files and report every problem")
    args = parser.parse_args(argv)

    import settings
    from district_profiles import ProfileError
    from fileio import DataFileError, OutputError, atomic_write_bytes, check_output_path
    from geo.boundaries import DistrictDataError
    from layers.catalogue import CatalogueError
    from layers.locate import LocationError, catalogue_frame

    fmt = "geojson"
    if args.command == "export":
        try:
            check_output_path(args.output)
            fmt = output_format(args.output, args.format)
        except OutputError as exc:
            print(f"error: --output {exc}", file=sys.stderr)
            return 2
    try:
        frame = catalogue_frame()
    except (CatalogueError, LocationError, DataFileError, DistrictDataError, ProfileError,
            settings.SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{len(frame)} catalogue items valid")
        return 0

    from layers.export import to_csv_bytes, to_geojson_bytes

    try:
        if fmt == "gpkg":
            from geo.export import district_frame
            from layers.export import to_gpkg_bytes

            data = to_gpkg_bytes(frame, district_frame())
        else:
            data = to_csv_bytes(frame) if fmt == "csv" else to_geojson_bytes(frame)
        atomic_write_bytes(args.output, data)
    except (OutputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(frame)} items to {args.output} ({fmt})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
