"""Command line for the progress store: ``python -m tracking COMMAND`` (database from ``SZ_PLAN_DATABASE_URL``).

Same rules as the API. Exit 0 on success; on refusal a one-line reason on standard error and exit 1 (2 for a
wrong command line). Passwords are read from standard input, never from arguments.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import NoReturn


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong command line is reported in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    from layers.schema import DISTRICT_IDS
    from tracking.store import ROLES
    from tracking.vocab import STATUS_KEYS

    parser = _Parser(prog="python -m tracking", description="Progress of the plan's items, recorded by districts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("add-user", help="create an account (password read from standard input)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--district", choices=DISTRICT_IDS, help="the editor's district")

    p = sub.add_parser("set-password", help="set an account's password (read from standard input)")
    p.add_argument("name")

    p = sub.add_parser("deactivate-user", help="stop an account from signing in and writing")
    p.add_argument("name")

    sub.add_parser("list-users", help="every account: name, role, district, active")

    p = sub.add_parser("record", help="record an item's status, acting as an existing account")
    p.add_argument("item_id")
    p.add_argument("--status", required=True, choices=STATUS_KEYS)
    p.add_argument("--as-of", required=True, help="date the status held, YYYY-MM-DD")
    p.add_argument("--evidence", required=True)
    p.add_argument("--note", default="")
    p.add_argument("--user", required=True)
    p.add_argument("--corrects", type=int, help="id of the record this one corrects")

    p = sub.add_parser("history", help="every record of an item, oldest first, one line each")
    p.add_argument("item_id")

    p = sub.add_parser("export", help="status of every item as of a date (or every record) as CSV or XLSX")
    p.add_argument("--output", required=True, type=Path)
    p.add_argument("--format", choices=("csv", "xlsx"), help="default: from the file extension, else csv")
    p.add_argument("--district", choices=DISTRICT_IDS)
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--records", action="store_true", help="every record instead of the status as of a date")

    p = sub.add_parser("import", help="import a CSV or XLSX file: every row or nothing")
    p.add_argument("file", type=Path)
    p.add_argument("--user", required=True)
    p.add_argument("--format", choices=("csv", "xlsx"), help="default: from the file extension")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from tracking.errors import TrackingError

    try:
        return _run(args)
    except TrackingError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as exc:  # noqa: BLE001 - the command line shows a reason, never a traceback
        return _fail(f"unexpected {type(exc).__name__}: {_one_line(str(exc))}")


def _run(args: argparse.Namespace) -> int:
    from tracking.store import Store

    with Store.open() as store:
        if args.command == "add-user":
            password = _read_password(confirm=True)
            user = store.add_user(args.name, password, args.role, args.district)
            print(f"created {user.role} {user.name}" + (f" ({user.district})" if user.district else ""))
        elif args.command == "set-password":
            store.set_password(args.name, _read_password(confirm=True))
            print(f"password set for {args.name}")
        elif args.command == "deactivate-user":
            store.deactivate_user(args.name)
            print(f"deactivated {args.name}")
        elif args.command == "list-users":
            for u in store.list_users():
                print(f"{u.name}\t{u.role}\t{u.district or '-'}\t{'active' if u.active else 'inactive'}")
        elif args.command == "record":
            latest = store.latest_record(args.item_id) if args.item_id in store.catalogue else None
            rec = store.record(args.item_id, args.status, args.as_of, args.evidence, args.note, user=args.user,
                               expected_latest_id=latest.id if latest else None, corrects=args.corrects)
            print(f"recorded #{rec.id}: {rec.item_id} {rec.status} as of {rec.as_of.isoformat()}")
        elif args.command == "history":
            if args.item_id not in store.catalogue:
                return _fail(f"item_id: unknown item {args.item_id!r}")
            for r in store.history(args.item_id):
                print(_history_line(r))
        elif args.command == "export":
            return _export(store, args)
        elif args.command == "import":
            return _import(store, args)
    return 0


def _export(store: object, args: argparse.Namespace) -> int:
    from tracking.spreadsheet import RECORD_EXPORT_COLUMNS, STATUS_EXPORT_COLUMNS, record_rows, status_rows, to_bytes
    from tracking.store import Store

    assert isinstance(store, Store)
    out: Path = args.output
    if not out.parent.is_dir():
        return _fail(f"--output: directory {out.parent} does not exist")
    fmt = args.format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if args.records:
        if args.as_of:
            return _fail("--as-of: not used with --records (every record is exported)")
        rows = record_rows(store, district=args.district)
        data = to_bytes(rows, RECORD_EXPORT_COLUMNS, fmt)
    else:
        day = _parse_day(args.as_of) if args.as_of else store.today()
        if day is None:
            return _fail(f"--as-of: {args.as_of!r} is not a real date in the form YYYY-MM-DD")
        rows = status_rows(store, as_of=day, district=args.district)
        data = to_bytes(rows, STATUS_EXPORT_COLUMNS, fmt)
    _write_atomically(out, data)
    print(f"wrote {len(rows)} rows to {out} ({fmt})")
    return 0


def _import(store: object, args: argparse.Namespace) -> int:
    from tracking.spreadsheet import ImportRejected, import_file
    from tracking.store import Store

    assert isinstance(store, Store)
    path: Path = args.file
    fmt = args.format or {".csv": "csv", ".xlsx": "xlsx"}.get(path.suffix.lower())
    if fmt is None:
        return _fail(f"{path.name}: cannot tell the format from the extension; use --format csv|xlsx")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"{path.name}: cannot be read ({exc.strerror})")
    try:
        records = import_file(store, data, fmt, args.user)
    except ImportRejected as exc:
        for problem in exc.problems:  # every bad row, one per line, on standard output
            print(f"{path.name}: {_one_line(str(problem))}")
        rows = ", ".join(str(p.row) for p in exc.problems[:20]) + (" …" if len(exc.problems) > 20 else "")
        return _fail(f"{path.name}: nothing imported, {len(exc.problems)} problem(s) in row(s) {rows}")
    print(f"imported {len(records)} records from {path.name}")
    return 0


def _read_password(confirm: bool) -> str:
    from tracking.errors import ValidationError
    from tracking.store import PASSWORD_MIN

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if confirm and getpass.getpass("again: ") != password:
            raise ValidationError("password", "the two entries differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < PASSWORD_MIN:
        raise ValidationError("password", f"must be at least {PASSWORD_MIN} characters (read from standard input)")
    return password


def _history_line(r: object) -> str:
    from tracking.store import Record

    assert isinstance(r, Record)
    flags = []
    if r.corrects:
        flags.append(f"corrects #{r.corrects}")
    if r.reverts_to:
        flags.append(f"reverts to #{r.reverts_to}")
    if r.superseded_by:
        flags.append(f"superseded by #{r.superseded_by}")
    return "\t".join([f"#{r.id}", r.recorded_at.isoformat(timespec="seconds"), r.user, r.kind, r.status,
                      r.as_of.isoformat(), "; ".join(flags) or "-", _escape(r.evidence), _escape(r.note)])


def _escape(text: str) -> str:
    """Keep one record on one line: newlines and tabs are shown escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t") or "-"


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a uniquely named temp file next to ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fail(reason: str) -> int:
    print(f"error: {_one_line(reason)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
