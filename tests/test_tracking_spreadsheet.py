"""CSV/XLSX import (all or nothing, every bad row named) and exports (formula-safe), on both backends."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from tests.tracking_support import *  # noqa: F403  (fixtures: store, db_url, postgres_server)
from tests.tracking_support import FUTIAN_ONLY, PASSWORD, TODAY, multi_district_with
from tracking import Store
from tracking.spreadsheet import (
    COLUMNS,
    RECORD_EXPORT_COLUMNS,
    STATUS_EXPORT_COLUMNS,
    ImportRejected,
    catalogue_items,
    import_file,
    record_rows,
    status_rows,
    template_bytes,
    to_bytes,
)

SHARED = multi_district_with("longgang")


def users(store: Store) -> None:
    store.add_user("admin", PASSWORD, "admin")
    store.add_user("longgang-office", PASSWORD, "editor", "longgang")


def csv_file(rows: list[list[str]], bom: bool = True, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def xlsx_file(rows: list[list[object]], text_cells: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    if text_cells:  # what a spreadsheet program stores for text typed with a leading apostrophe
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reasons(exc: pytest.ExceptionInfo[ImportRejected]) -> dict[int, str]:
    return {p.row: p.reason for p in exc.value.problems}


def test_csv_with_bom_imports_every_row(store: Store) -> None:
    users(store)
    data = csv_file([list(COLUMNS),
                     [SHARED, "preparation", "2022-01-05", "区政府公告 <b>2022</b>", ""],
                     ["", "", "", "", ""],  # blank rows are skipped
                     [SHARED, "under_construction", "2023-07-01", "开工仪式", "备注\n第二行"]])
    records = import_file(store, data, "csv", "longgang-office")
    assert [r.status for r in records] == ["preparation", "under_construction"]
    history = store.history(SHARED)
    assert [(r.as_of.isoformat(), r.evidence, r.note) for r in history] == [
        ("2022-01-05", "区政府公告 <b>2022</b>", ""), ("2023-07-01", "开工仪式", "备注\n第二行")]
    assert all(r.user == "longgang-office" for r in history)


def test_csv_without_bom_and_the_template_round_trip(store: Store) -> None:
    users(store)
    template = template_bytes("csv")
    assert template.startswith(b"\xef\xbb\xbf")
    header = template.decode("utf-8-sig").strip()
    assert header == ",".join(COLUMNS)
    data = (header + "\n" + f"{FUTIAN_ONLY},on_hold,2024-02-29,doc,\n").encode()
    assert len(import_file(store, data, "csv", "admin")) == 1


def test_xlsx_template_and_import(store: Store) -> None:
    users(store)
    book = load_workbook(io.BytesIO(template_bytes("xlsx")))
    assert [c.value for c in book.worksheets[0][1]] == list(COLUMNS)
    guide = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ("in_service", "建成投用", "Completed, in service") in guide
    rows: list[list[object]] = [list(COLUMNS), [SHARED, "in_service", datetime(2025, 12, 30), "验收报告", None],
                                [FUTIAN_ONLY, "preparation", "2021-01-01", "=HYPERLINK(\"x\")", "note"]]
    with pytest.raises(ImportRejected) as exc:  # a formula cell: its value is not what the office typed
        import_file(store, xlsx_file(rows), "xlsx", "admin")
    assert reasons(exc) == {3: "evidence: a formula; type the value itself"}
    assert store.history(SHARED) == []
    import_file(store, xlsx_file(rows, text_cells=True), "xlsx", "admin")
    assert store.history(SHARED)[0].as_of.isoformat() == "2025-12-30"
    assert store.history(FUTIAN_ONLY)[0].evidence == '=HYPERLINK("x")'  # text that looks like a formula: verbatim


def test_any_bad_row_rejects_the_whole_file_listing_every_row(store: Store) -> None:
    users(store)
    data = csv_file([list(COLUMNS),
                     [SHARED, "preparation", "2022-01-05", "ok", ""],                        # row 2 fine
                     ["no-such-item", "preparation", "2022-01-05", "doc", ""],               # 3
                     [SHARED, "done", "2022-02-05", "doc", ""],                              # 4
                     [SHARED, "preparation", "2022-02-30", "doc", ""],                       # 5
                     [SHARED, "preparation", "2022-03-05", "  ", ""],                        # 6
                     [FUTIAN_ONLY, "preparation", "2022-01-05", "doc", ""],                  # 7 not longgang's
                     [SHARED, "under_construction", "2022-01-05", "again", ""],             # 8 dup of row 2
                     [SHARED, "preparation", f"{TODAY.year + 1}-01-01", "doc", ""],          # 9 future
                     [SHARED, "preparation", "2022-04-05", "doc", "x" * 4001]])              # 10
    with pytest.raises(ImportRejected) as exc:
        import_file(store, data, "csv", "longgang-office")
    found = reasons(exc)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert found[3].startswith("item_id:") and found[4].startswith("status:") and found[5].startswith("as_of:")
    assert found[6].startswith("evidence:") and found[7].startswith("permission:")
    assert found[8] == "duplicate: same item_id and as_of as row 2"
    assert found[9].startswith("as_of:") and found[10].startswith("note:")
    assert store.history(SHARED) == []  # row 2 was fine, but nothing is written


@pytest.mark.parametrize("header", [
    ["item_id", "status", "as_of", "evidence"],
    ["item", "status", "as_of", "evidence", "note"],
    ["status", "item_id", "as_of", "evidence", "note"],
    ["item_id", "status", "as_of", "evidence", "note", "extra"],
])
def test_wrong_columns(store: Store, header: list[str]) -> None:
    users(store)
    with pytest.raises(ImportRejected) as exc:
        import_file(store, csv_file([header, [SHARED, "preparation", "2022-01-05", "doc", ""]]), "csv", "admin")
    assert list(reasons(exc)) == [1] and "wrong columns" in reasons(exc)[1]
    assert store.history(SHARED) == []


def test_gbk_csv_is_refused_with_a_clear_message(store: Store) -> None:
    users(store)
    data = csv_file([list(COLUMNS), [SHARED, "preparation", "2022-01-05", "区政府公告", ""]], bom=False,
                    encoding="gbk")
    with pytest.raises(ImportRejected) as exc:
        import_file(store, data, "csv", "admin")
    assert list(reasons(exc)) == [2] and "not UTF-8" in reasons(exc)[2]
    assert store.history(SHARED) == []


def test_not_a_workbook_and_extra_cells(store: Store) -> None:
    users(store)
    with pytest.raises(ImportRejected, match="not an XLSX workbook"):
        import_file(store, b"item_id,status\n", "xlsx", "admin")
    with pytest.raises(ImportRejected) as exc:
        import_file(store, csv_file([list(COLUMNS), [SHARED, "preparation", "2022-01-05", "a", "b", "c"]]), "csv",
                    "admin")
    assert list(reasons(exc)) == [2]


def test_exports_neutralise_formulas(store: Store) -> None:
    users(store)
    items = catalogue_items()
    dangerous = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"]
    for i, value in enumerate(dangerous):
        latest = store.latest_record(SHARED)
        store.record(SHARED, "under_construction", f"2023-01-0{i + 1}", value, value, user="admin",
                     expected_latest_id=latest.id if latest else None)
    rows = record_rows(store, district="longgang", items=items)
    assert len(rows) == 5 and {r["item_id"] for r in rows} == {SHARED}

    exported = to_bytes(rows, RECORD_EXPORT_COLUMNS, "csv")
    assert exported.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    assert table[0] == list(RECORD_EXPORT_COLUMNS)
    ev = RECORD_EXPORT_COLUMNS.index("evidence")
    assert [r[ev] for r in table[1:]] == ["'" + d for d in dangerous]

    book = load_workbook(io.BytesIO(to_bytes(rows, RECORD_EXPORT_COLUMNS, "xlsx")))
    cells = [row[ev] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + d for d in dangerous]
    assert all(c.data_type == "s" for c in cells)


def test_status_export_as_of_a_date(store: Store) -> None:
    users(store)
    store.record(SHARED, "under_construction", "2023-03-01", "开工", user="admin", expected_latest_id=None)
    items = catalogue_items()
    rows = {r["item_id"]: r for r in status_rows(store, as_of=date(2024, 1, 1), items=items)}
    assert len(rows) == len(items)
    row = rows[SHARED]
    assert (row["status"], row["status_zh"], row["status_en"], row["as_of"], row["evidence"], row["recorded_by"]) \
        == ("under_construction", "在建", "Under construction", "2023-03-01", "开工", "admin")
    assert row["name_zh"] == items[SHARED].name_zh and "longgang" in row["districts"].split(",")
    assert rows[FUTIAN_ONLY]["outcome"] == "no_record" and rows[FUTIAN_ONLY]["outcome_zh"] == "无记录"
    rows_before = status_rows(store, as_of=date(2023, 2, 28), district="longgang", items=items)
    assert rows_before and all("longgang" in r["districts"].split(",") for r in rows_before)
    assert all(r["outcome"] == "no_record" for r in rows_before)
    data = to_bytes(list(rows.values()), STATUS_EXPORT_COLUMNS, "xlsx")
    assert load_workbook(io.BytesIO(data)).worksheets[0].max_row == len(items) + 1
