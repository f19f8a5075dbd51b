"""``python -m tracking`` as an operator runs it: exit codes, one-line reasons, same rules as the API."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import settings
from tests.tracking_support import *  # noqa: F403  (fixtures: db_url, postgres_server)
from tests.tracking_support import FUTIAN_ONLY, PASSWORD, multi_district_with
from tracking.spreadsheet import COLUMNS

SHARED = multi_district_with("longgang")


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = os.environ | {settings.DATABASE_URL_ENV: url}
    return subprocess.run([sys.executable, "-m", "tracking", *args], cwd=settings.ROOT, input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)


def refused(result: subprocess.CompletedProcess, code: int = 1) -> str:
    """The one-line reason of a refusal (no traceback)."""
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_cli_accounts_record_history_export_import(db_url: str, tmp_path) -> None:
    r = run(db_url, "add-user", "city-admin", "--role", "admin", stdin=PASSWORD + "\n")
    assert r.returncode == 0 and "created admin city-admin" in r.stdout, r.stderr
    assert "password" in refused(run(db_url, "add-user", "x", "--role", "admin", stdin="too short\n"))
    assert run(db_url, "add-user", "lg", "--role", "editor", "--district", "longgang",
               stdin=PASSWORD + "\n").returncode == 0

    reason = refused(run(db_url, "record", FUTIAN_ONLY, "--status", "preparation", "--as-of", "2023-01-01",
                         "--evidence", "doc", "--user", "lg"))
    assert "may not record" in reason
    ok = run(db_url, "record", SHARED, "--status", "under_construction", "--as-of", "2023-01-01",
             "--evidence", "开工\n第二行", "--note", "=cmd", "--user", "lg")
    assert ok.returncode == 0, ok.stderr
    history = run(db_url, "history", SHARED)
    assert history.returncode == 0
    lines = history.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].split("\t")[2:6] == ["lg", "record", "under_construction", "2023-01-01"]
    assert lines[0].split("\t")[7] == "开工\\n第二行"

    exports = tmp_path / "exports"
    exports.mkdir()
    out = exports / "status.csv"
    r = run(db_url, "export", "--output", str(out), "--district", "longgang")
    assert r.returncode == 0, r.stderr
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    row = next(t for t in table if t["item_id"] == SHARED)
    assert (row["status"], row["note"], row["recorded_by"]) == ("under_construction", "'=cmd", "lg")
    assert all("longgang" in t["districts"].split(",") for t in table)
    assert [p.name for p in exports.iterdir()] == ["status.csv"]  # no temp file left behind
    assert "does not exist" in refused(run(db_url, "export", "--output", str(tmp_path / "no" / "x.csv")))

    bad = tmp_path / "progress.csv"
    bad.write_text(",".join(COLUMNS) + "\n"
                   f"{SHARED},in_service,2024-06-01,验收,\n"
                   f"{FUTIAN_ONLY},in_service,2024-06-01,验收,\n", encoding="utf-8-sig")
    r = run(db_url, "import", str(bad), "--user", "lg")
    assert "nothing imported" in refused(r) and "row(s) 3" in refused(r)
    assert "row 3: permission" in r.stdout
    good = tmp_path / "good.csv"
    good.write_text(",".join(COLUMNS) + f"\n{SHARED},in_service,2024-06-01,验收,\n", encoding="utf-8")
    r = run(db_url, "import", str(good), "--user", "lg")
    assert r.returncode == 0 and "imported 1 records" in r.stdout, r.stderr
    history = run(db_url, "history", SHARED).stdout.splitlines()  # the refused file wrote nothing
    assert [line.split("\t")[4] for line in history] == ["under_construction", "in_service"]


def test_cli_refusals_are_one_line(tmp_path) -> None:
    unreachable = "postgresql+psycopg://someone:s3cret@127.0.0.1:1/nothing"
    reason = refused(run(unreachable, "list-users"))
    assert reason.startswith("error: database unavailable") and "s3cret" not in reason
    sqlite = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert "invalid choice" in refused(run(sqlite, "add-user", "x", "--role", "root"), code=2)
    assert "required" in refused(run(sqlite, "record", SHARED, "--status", "preparation"), code=2)
    assert "password" in refused(run(sqlite, "add-user", "x", "--role", "admin", stdin=""))
    assert run(sqlite, "list-users").stdout == ""  # no default or demo accounts
