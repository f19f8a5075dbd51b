"""Command line: ``python -m ogcapi --host 127.0.0.1 --port 5000 [--data-dir DIR] [--url URL]``.

Generates the served collections from the app's data, writes pygeoapi's configuration and
OpenAPI document next to them and serves the OGC API – Features endpoints until stopped.
"""
from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path


def prepare(run_dir: Path, host: str, port: int, url: str | None = None) -> dict[str, Path]:
    """Write ``data/`` (read-only collections), ``pygeoapi-config.yml`` and ``openapi.yml`` into ``run_dir``.

    Returns the paths, and points pygeoapi's environment variables at them.
    """
    import yaml
    from pygeoapi.openapi import get_oas

    from ogcapi.config import build_config
    from ogcapi.data import write_served_data

    served = write_served_data(run_dir / "data")
    config = build_config(served.districts, served.items, url or f"http://{host}:{port}", host, port)
    config_path = run_dir / "pygeoapi-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    openapi_path = run_dir / "openapi.yml"
    openapi_path.write_text(yaml.safe_dump(get_oas(config), allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
    return {"data": served.directory, "config": config_path, "openapi": openapi_path}


def _remove(run_dir: Path) -> None:
    """Delete a temporary run directory, whose data files and directory were made read-only."""
    for path in (run_dir, run_dir / "data"):
        if path.exists():
            path.chmod(0o700)
    shutil.rmtree(run_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ogcapi",
                                     description="Serve the plan's layers as OGC API – Features (pygeoapi).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    parser.add_argument("--url", default=None,
                        help="public base URL clients use, when behind a proxy (default http://HOST:PORT)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="directory for the generated files (default: a new temporary directory)")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port: {args.port} is not a TCP port")
    if args.data_dir is not None and args.data_dir.exists() and not args.data_dir.is_dir():
        parser.error(f"--data-dir: {args.data_dir} is not a directory")
    run_dir = args.data_dir
    if run_dir is None:
        run_dir = Path(tempfile.mkdtemp(prefix="sz-plan-ogcapi-"))
        atexit.register(_remove, run_dir)
        # a plain `kill` ends the service through sys.exit, so the temporary files go too
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    from district_profiles import ProfileError
    from layers.catalogue import CatalogueError
    from layers.locate import LocationError

    try:
        paths = prepare(run_dir, args.host, args.port, args.url)
    except (CatalogueError, LocationError, ProfileError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    from werkzeug.serving import run_simple

    from ogcapi.wsgi import application

    app = application()
    print(f"serving OGC API – Features at http://{args.host}:{args.port}/ (data in {paths['data']})", flush=True)
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    except OSError as exc:  # address in use, or not an address of this machine
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
