"""``python -m publish``: the PDF handout and the static site from the command line.

    python -m publish handout --district futian --output futian.pdf
    python -m publish handout --city --output shenzhen.pdf
    python -m publish site --output site/ [--tour my-tour.yaml]

Bad input ends with one line on stderr and exit status 2; nothing is left half written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publish.handout import HandoutError
from publish.output import OutputError
from publish.tour import DEFAULT_TOUR_PATH, TourError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m publish", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    h = sub.add_parser("handout", help="A4 PDF handout for a district or the city")
    which = h.add_mutually_exclusive_group(required=True)
    which.add_argument("--district", metavar="ID", help="district id, e.g. futian, nanshan, shenshan")
    which.add_argument("--city", action="store_true", help="the whole city")
    h.add_argument("--lang", choices=("zh", "en"), default="zh", help="which language comes first in titles")
    h.add_argument("--output", required=True, type=Path, metavar="FILE.pdf")
    s = sub.add_parser("site", help="self-contained static site (index.html + Leaflet)")
    s.add_argument("--output", required=True, type=Path, metavar="DIR")
    s.add_argument("--tour", type=Path, default=DEFAULT_TOUR_PATH, metavar="FILE.yaml",
                   help="tour file (default: publish/tours/default.yaml)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "handout":
            from publish.handout import handout_pdf
            from publish.output import check_file_target, write_file_atomic

            check_file_target(args.output)
            pdf = handout_pdf(None if args.city else args.district, lang=args.lang)
            write_file_atomic(args.output, pdf)
            print(f"wrote {args.output} ({len(pdf) // 1024} KiB)")
        else:
            from publish.site import build_site

            index = build_site(args.output, args.tour)
            print(f"wrote {index}")
    except (HandoutError, OutputError, TourError) as exc:
        # a tour error lists every problem, one per line; the first line says what failed
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
