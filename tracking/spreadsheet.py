"""CSV and XLSX: the import template, all-or-nothing imports, and exports of records and of status as of a date.

Import files have one header row with exactly the columns ``item_id, status, as_of, evidence, note`` in this order
(the machine names; the XLSX template adds a second sheet, 说明 Guide, explaining them in Chinese and English).
Row numbers in messages are the ones a spreadsheet shows: the header is row 1. Blank rows are skipped. CSV must be
UTF-8, with or without a byte-order mark. If any row is bad nothing is written and every bad row is listed.

Exports are CSV (UTF-8 with a byte-order mark, so Excel reads Chinese correctly) or XLSX. A text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so no spreadsheet program
runs it as a formula.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from tracking.errors import BatchRejected, TrackingError
from tracking.store import Entry, Record, Store, User
from tracking.vocab import OUTCOME_BY_KEY, STATUS_BY_KEY, STATUSES, assess

COLUMNS: tuple[str, ...] = ("item_id", "status", "as_of", "evidence", "note")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
MAX_ROWS = 5000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMN_HELP: dict[str, tuple[str, str]] = {
    "item_id": ("规划项目编号(见项目清单)", "catalogue item id (see the item list)"),
    "status": ("进展状态代码,见下表", "status code, see the table below"),
    "as_of": ("状态所属日期,格式 YYYY-MM-DD,不早于2021-01-01,不晚于今天",
              "date the status held, YYYY-MM-DD, from 2021-01-01 to today"),
    "evidence": ("依据(必填,不超过2000字)", "evidence (required, at most 2000 characters)"),
    "note": ("备注(选填,不超过4000字)", "note (optional, at most 4000 characters)"),
}

STATUS_EXPORT_COLUMNS: tuple[str, ...] = (
    "item_id", "name_zh", "name_en", "districts", "plan_stage", "status", "status_zh", "status_en", "outcome",
    "outcome_zh", "outcome_en", "as_of", "evidence", "note", "recorded_by", "recorded_at", "record_id")
RECORD_EXPORT_COLUMNS: tuple[str, ...] = (
    "record_id", "item_id", "name_zh", "name_en", "districts", "plan_stage", "kind", "status", "status_zh",
    "status_en", "outcome", "outcome_zh", "outcome_en", "as_of", "evidence", "note", "recorded_by", "recorded_at",
    "corrects", "reverts_to", "superseded_by")


@dataclass(frozen=True)
class ItemInfo:
    """What an export shows about a catalogue item."""

    id: str
    name_zh: str
    name_en: str
    districts: tuple[str, ...]
    plan_stage: str


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet shows it: the header is row 1
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


class ImportRejected(TrackingError):
    """The file was refused as a whole; ``problems`` lists every bad row (row 1: the header or the file)."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"nothing imported: {len(problems)} problem{'s' if len(problems) != 1 else ''}, first: "
                         f"{problems[0]}")


def catalogue_items() -> dict[str, ItemInfo]:
    """Every catalogue item's names, districts and plan stage, in catalogue order."""
    from layers.locate import catalogue_frame

    frame = catalogue_frame()
    return {str(r.id): ItemInfo(str(r.id), str(r.name_zh), str(r.name_en), tuple(r.districts), str(r.plan_stage))
            for r in frame.itertuples()}


# --------------------------------------------------------------------- template


def template_bytes(fmt: str) -> bytes:
    """An empty import file: the header row (XLSX: plus a guide sheet with columns and statuses in zh/en)."""
    if fmt == "csv":
        return _csv_bytes([list(COLUMNS)])
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "records"
        sheet.append(list(COLUMNS))
        guide = book.create_sheet("说明 Guide")
        guide.append(["column 列", "说明", "meaning"])
        for col in COLUMNS:
            guide.append([col, *COLUMN_HELP[col]])
        guide.append([])
        guide.append(["status 状态", "中文", "English"])
        for s in STATUSES:
            guide.append([s.key, s.zh, s.en])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------- import


def parse(data: bytes, fmt: str) -> list[tuple[int, Entry]]:
    """The file's rows as (row number, entry), or ``ImportRejected`` for an unreadable file or wrong columns."""
    rows = _csv_rows(data) if fmt == "csv" else _xlsx_rows(data) if fmt == "xlsx" else None
    if rows is None:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if not rows:
        raise ImportRejected([RowProblem(1, "the file is empty: the first row must be the header "
                                            + ", ".join(COLUMNS))])
    header = [(c or "").strip() for c in _trim(rows[0])]
    if tuple(header) != COLUMNS:
        raise ImportRejected([RowProblem(1, f"wrong columns {', '.join(header) or '(none)'}; expected exactly "
                                            f"{', '.join(COLUMNS)} in this order")])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRejected([RowProblem(1, f"{len(rows) - 1} rows; at most {MAX_ROWS} per file")])
    entries: list[tuple[int, Entry]] = []
    problems: list[RowProblem] = []
    for number, cells in enumerate(rows[1:], start=2):
        cells = _trim(cells)
        if not any((c or "").strip() for c in cells):
            continue
        if len(cells) > len(COLUMNS):
            problems.append(RowProblem(number, f"{len(cells)} cells; expected at most {len(COLUMNS)}"))
            continue
        values = [(c or "") for c in cells] + [""] * (len(COLUMNS) - len(cells))
        item_id, status, as_of, evidence, note = (v.replace("\r\n", "\n") for v in values)
        entries.append((number, Entry(item_id.strip(), status.strip(), as_of.strip(), evidence, note)))
    if problems:
        raise ImportRejected(problems)
    return entries


def import_file(store: Store, data: bytes, fmt: str, user: User | str) -> list[Record]:
    """Check every row, then write them all in one transaction, or nothing (``ImportRejected`` lists every bad
    row with its number and reason). ``user`` must be active; each row follows the district rule."""
    entries = parse(data, fmt)
    if not entries:
        raise ImportRejected([RowProblem(1, "no rows to import below the header")])
    numbers = [n for n, _ in entries]
    batch = [e for _, e in entries]
    errors = store.check_batch(batch, user, names=[f"row {n}" for n in numbers])
    if not errors:
        try:
            return store.record_batch(batch, user)
        except BatchRejected as exc:
            errors = exc.errors
    raise ImportRejected([RowProblem(numbers[i], reason) for i, reason in errors])


def _csv_rows(data: bytes) -> list[list[str | None]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowProblem(_line_of(data, exc.start), f"the file is not UTF-8 (byte "
                                         f"0x{data[exc.start]:02X} at position {exc.start}); save it as "
                                         "“CSV UTF-8” and import again")]) from None
    if "\x00" in text:
        raise ImportRejected([RowProblem(1, "the file is not a UTF-8 CSV (it contains NUL bytes)")])
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise ImportRejected([RowProblem(1, f"the CSV cannot be read: {exc}")]) from None


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _xlsx_rows(data: bytes) -> list[list[str | None]]:
    """The first sheet's cell values as text; formula cells are refused (their result is not in the file
    unless a spreadsheet program computed it, and an import must say exactly what is recorded)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportRejected([RowProblem(1, "the file is not an XLSX workbook")]) from None
    try:
        rows: list[list[str | None]] = []
        problems: list[RowProblem] = []
        for number, row in enumerate(book.worksheets[0].iter_rows(), start=1):
            cells = list(row)
            for col, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    name = COLUMNS[col] if col < len(COLUMNS) else f"column {col + 1}"
                    problems.append(RowProblem(number, f"{name}: a formula; type the value itself"))
            rows.append([_cell_text(getattr(cell, "value", None)) for cell in cells])
    finally:
        book.close()
    if problems:
        raise ImportRejected(problems)
    return rows


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trim(cells: Sequence[str | None]) -> list[str | None]:
    """Drop empty cells at the end of a row (spreadsheets often keep formatted but empty columns)."""
    out = list(cells)
    while out and not (out[-1] or "").strip():
        out.pop()
    return out


# --------------------------------------------------------------------- export


def status_rows(store: Store, as_of: date | None = None, district: str | None = None,
                items: Mapping[str, ItemInfo] | None = None) -> list[dict[str, str]]:
    """One row per catalogue item (in catalogue order): its state as of the date and the plan-against-actual
    outcome on that date; items without a record say so (outcome ``no_record``)."""
    items = items if items is not None else catalogue_items()
    day = as_of or store.today()
    states = store.status_as_of(day)
    rows = []
    for info in items.values():
        if district is not None and district not in info.districts:
            continue
        rec = states.get(info.id)
        outcome = OUTCOME_BY_KEY[assess(info.plan_stage, rec.status if rec else None, day)]
        status = STATUS_BY_KEY[rec.status] if rec else None
        rows.append({
            "item_id": info.id, "name_zh": info.name_zh, "name_en": info.name_en,
            "districts": ",".join(info.districts), "plan_stage": info.plan_stage,
            "status": status.key if status else "", "status_zh": status.zh if status else "",
            "status_en": status.en if status else "", "outcome": outcome.key, "outcome_zh": outcome.zh,
            "outcome_en": outcome.en, "as_of": rec.as_of.isoformat() if rec else "",
            "evidence": rec.evidence if rec else "", "note": rec.note if rec else "",
            "recorded_by": rec.user if rec else "", "recorded_at": _when(rec),
            "record_id": str(rec.id) if rec else "",
        })
    return rows


def record_rows(store: Store, district: str | None = None,
                items: Mapping[str, ItemInfo] | None = None) -> list[dict[str, str]]:
    """Every record of every item (items in catalogue order, records oldest first); ``outcome`` is the
    assessment on the record's own as_of date."""
    items = items if items is not None else catalogue_items()
    rows = []
    for info in items.values():
        if district is not None and district not in info.districts:
            continue
        for rec in store.history(info.id):
            status = STATUS_BY_KEY[rec.status]
            outcome = OUTCOME_BY_KEY[assess(info.plan_stage, rec.status, rec.as_of)]
            rows.append({
                "record_id": str(rec.id), "item_id": info.id, "name_zh": info.name_zh, "name_en": info.name_en,
                "districts": ",".join(info.districts), "plan_stage": info.plan_stage, "kind": rec.kind,
                "status": status.key, "status_zh": status.zh, "status_en": status.en, "outcome": outcome.key,
                "outcome_zh": outcome.zh, "outcome_en": outcome.en, "as_of": rec.as_of.isoformat(),
                "evidence": rec.evidence, "note": rec.note, "recorded_by": rec.user, "recorded_at": _when(rec),
                "corrects": _opt(rec.corrects), "reverts_to": _opt(rec.reverts_to),
                "superseded_by": _opt(rec.superseded_by),
            })
    return rows


def to_bytes(rows: Sequence[Mapping[str, str]], columns: Sequence[str], fmt: str) -> bytes:
    """Rows as CSV (UTF-8 with BOM) or XLSX, every text cell neutralised against formula injection."""
    table = [list(columns)] + [[neutralise(r.get(c, "")) for c in columns] for r in rows]
    if fmt == "csv":
        return _csv_bytes(table)
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "progress"
        for values in table:
            sheet.append(values)
        for row in sheet.iter_rows():
            for cell in row:
                cell.data_type = "s"  # text, never a formula
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def neutralise(value: str) -> str:
    """A cell a spreadsheet program will show as text: a leading apostrophe before = + - @ tab or CR."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_bytes(table: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table)
    return out.getvalue().encode("utf-8-sig")


def _when(rec: Record | None) -> str:
    return rec.recorded_at.isoformat(timespec="seconds") if rec else ""


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)
