"""The progress store on SQLite and PostgreSQL: rights, append-only history, concurrency, validation."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.tracking_support import *  # noqa: F403  (fixtures: store, db_url, postgres_server)
from tests.tracking_support import (
    FAST_HASHER,
    FUTIAN_ONLY,
    PASSWORD,
    TODAY,
    catalogue,
    multi_district_with,
    no_district_item,
)
from tracking import Conflict, PermissionDenied, Record, Store, StoreUnavailable, ValidationError


def make_users(store: Store) -> None:
    store.add_user("admin", PASSWORD, "admin")
    store.add_user("longgang-office", PASSWORD, "editor", "longgang")
    store.add_user("futian-office", PASSWORD, "editor", "futian")


def put(store: Store, item: str, status: str, as_of: str, user: str = "admin", **kw) -> int:
    latest = store.latest_record(item)
    return store.record(item, status, as_of, kw.pop("evidence", f"{status} {as_of}"), user=user,
                        expected_latest_id=latest.id if latest else None, **kw).id


# ------------------------------------------------------------------ permissions


def test_editor_records_only_for_items_in_their_district(store: Store) -> None:
    make_users(store)
    with pytest.raises(PermissionDenied, match="longgang"):
        store.record(FUTIAN_ONLY, "preparation", "2023-05-01", "doc", user="longgang-office",
                     expected_latest_id=None)
    assert store.history(FUTIAN_ONLY) == []
    shared = multi_district_with("longgang")
    rec = store.record(shared, "under_construction", "2023-05-01", "doc", user="longgang-office",
                       expected_latest_id=None)
    assert rec.user == "longgang-office"
    assert store.record(FUTIAN_ONLY, "preparation", "2023-05-01", "doc", user="futian-office",
                        expected_latest_id=None).status == "preparation"
    # Items without a district are for admins only; admins may record for every item.
    with pytest.raises(PermissionDenied):
        store.record(no_district_item(), "preparation", "2023-05-01", "doc", user="futian-office",
                     expected_latest_id=None)
    store.record(no_district_item(), "preparation", "2023-05-01", "doc", user="admin", expected_latest_id=None)


def test_items_editable_by(store: Store) -> None:
    make_users(store)
    longgang = store.items_editable_by("longgang-office")
    assert multi_district_with("longgang") in longgang and FUTIAN_ONLY not in longgang
    assert all("longgang" in catalogue()[i] for i in longgang)
    assert set(store.items_editable_by("admin")) == set(catalogue())
    assert store.items_editable_by("nobody") == []


def test_inactive_user_cannot_sign_in_or_write(store: Store) -> None:
    make_users(store)
    assert store.authenticate("longgang-office", PASSWORD) is not None
    store.deactivate_user("longgang-office", by="admin")
    assert store.authenticate("longgang-office", PASSWORD) is None
    with pytest.raises(PermissionDenied):
        store.record(multi_district_with("longgang"), "preparation", "2023-05-01", "doc", user="longgang-office",
                     expected_latest_id=None)
    assert store.items_editable_by("longgang-office") == []


def test_account_rules(store: Store) -> None:
    make_users(store)
    assert store.authenticate("admin", "wrong password") is None
    assert store.authenticate("no such user", PASSWORD) is None
    with pytest.raises(ValidationError) as exc:
        store.add_user("admin", PASSWORD, "admin")
    assert exc.value.field == "name"
    with pytest.raises(ValidationError) as exc:
        store.add_user("short", "123456789", "admin")
    assert exc.value.field == "password"
    with pytest.raises(ValidationError) as exc:
        store.add_user("x", PASSWORD, "editor")  # an editor needs a district
    assert exc.value.field == "district"
    with pytest.raises(ValidationError) as exc:
        store.add_user("x", PASSWORD, "superuser")
    assert exc.value.field == "role"
    with pytest.raises(PermissionDenied):
        store.add_user("x", PASSWORD, "admin", by="futian-office")
    with pytest.raises(PermissionDenied):
        store.set_password("admin", "a new password!", by="futian-office")
    store.set_password("futian-office", "a new password!", by="futian-office")
    assert store.authenticate("futian-office", PASSWORD) is None
    assert store.authenticate("futian-office", "a new password!") is not None
    with pytest.raises(PermissionDenied):
        store.deactivate_user("admin", by="admin")
    assert [u.name for u in store.list_users()] == ["admin", "futian-office", "longgang-office"]
    actions = [(a.actor, a.action, a.subject) for a in store.audit()]
    assert actions == [(None, "created", "admin"), (None, "created", "longgang-office"),
                       (None, "created", "futian-office"), ("futian-office", "password_set", "futian-office")]


# ------------------------------------------------------------------ append-only history


def test_corrections_and_reverts_keep_every_earlier_record(store: Store, db_url: str) -> None:
    make_users(store)
    item = FUTIAN_ONLY
    first = put(store, item, "preparation", "2022-03-01", user="futian-office")
    wrong = put(store, item, "in_service", "2023-03-01", user="futian-office")
    fixed = store.record(item, "under_construction", "2023-03-01", "site visit", user="futian-office",
                         expected_latest_id=wrong, corrects=wrong)
    assert fixed.kind == "correction" and fixed.corrects == wrong
    later = put(store, item, "partly_in_service", "2024-06-01")
    revert = store.revert(item, fixed.id, user="admin", expected_latest_id=later)
    assert (revert.kind, revert.reverts_to, revert.status, revert.as_of) == (
        "revert", fixed.id, "under_construction", date(2023, 3, 1))

    history = store.history(item)
    assert [r.id for r in history] == [first, wrong, fixed.id, later, revert.id]
    assert [r.status for r in history] == ["preparation", "in_service", "under_construction",
                                           "partly_in_service", "under_construction"]
    assert [r.superseded_by for r in history] == [None, fixed.id, None, revert.id, None]
    assert store.state(item) == store.history(item)[-1]
    assert store.history(item)[-1].id == revert.id

    # Correcting something already replaced, or reverting to the latest, is refused and writes nothing.
    with pytest.raises(ValidationError) as exc:
        store.record(item, "on_hold", "2024-01-01", "x", user="admin", expected_latest_id=revert.id, corrects=wrong)
    assert exc.value.field == "corrects"
    with pytest.raises(ValidationError):
        store.revert(item, revert.id, user="admin", expected_latest_id=revert.id)
    assert len(store.history(item)) == 5

    # The database itself refuses to change or delete a record.
    for statement in ("UPDATE records SET status = 'on_hold'", "DELETE FROM records"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [r.status for r in store.history(item)] == [r.status for r in history]


# ------------------------------------------------------------------ concurrency


def test_stale_expected_id_gets_conflict_with_the_newer_record(store: Store) -> None:
    make_users(store)
    item = FUTIAN_ONLY
    first = put(store, item, "preparation", "2022-03-01")
    second = store.record(item, "under_construction", "2023-01-01", "a", user="admin", expected_latest_id=first)
    with pytest.raises(Conflict) as exc:
        store.record(item, "on_hold", "2023-02-01", "b", user="futian-office", expected_latest_id=first)
    assert exc.value.latest.id == second.id and exc.value.latest.user == "admin"
    with pytest.raises(Conflict):
        store.record(item, "on_hold", "2023-02-01", "b", user="futian-office", expected_latest_id=None)
    assert len(store.history(item)) == 2


def race(db_url: str, item: str, expected: int | None) -> list[object]:
    """Two stores (two connection pools, as two app processes would have) write at the same instant."""
    writers = [Store(db_url, catalogue=catalogue(), today=lambda: TODAY, hasher=FAST_HASHER) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def write(i: int) -> None:
        barrier.wait()
        try:
            results[i] = writers[i].record(item, "under_construction", "2024-01-01", f"writer {i}",
                                           user=["admin", "longgang-office"][i], expected_latest_id=expected)
        except Conflict as exc:
            results[i] = exc

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for w in writers:
        w.close()
    return results


def test_two_writers_at_once_exactly_one_stored(store: Store, db_url: str) -> None:
    make_users(store)
    item = multi_district_with("longgang")
    for _ in range(3):  # a few rounds, the first on an item without records: the database decides every time
        latest = store.latest_record(item)
        before = len(store.history(item))
        results = race(db_url, item, latest.id if latest else None)
        stored = [r for r in results if isinstance(r, Record)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(stored) == 1 and len(refused) == 1, results
        assert refused[0].latest.id == stored[0].id
        assert len(store.history(item)) == before + 1


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(("field", "kwargs"), [
    ("item_id", {"item_id": "no-such-item"}),
    ("status", {"status": "finished"}),
    ("status", {"status": ""}),
    ("as_of", {"as_of": "2023-02-30"}),
    ("as_of", {"as_of": "2023/02/01"}),
    ("as_of", {"as_of": "23-2-1"}),
    ("as_of", {"as_of": "2020-12-31"}),
    ("as_of", {"as_of": (TODAY + timedelta(days=1)).isoformat()}),
    ("as_of", {"as_of": datetime(2023, 1, 1, tzinfo=UTC)}),
    ("evidence", {"evidence": ""}),
    ("evidence", {"evidence": "   \n"}),
    ("evidence", {"evidence": "x" * 2001}),
    ("evidence", {"evidence": "report\x00"}),
    ("evidence", {"evidence": "abc\u202etxt.exe"}),
    ("note", {"note": "y" * 4001}),
    ("note", {"note": "bell\x07"}),
])
def test_every_field_is_validated(store: Store, field: str, kwargs: dict) -> None:
    make_users(store)
    args = {"item_id": FUTIAN_ONLY, "status": "preparation", "as_of": "2023-01-01", "evidence": "doc",
            "note": ""} | kwargs
    with pytest.raises(ValidationError) as exc:
        store.record(args.pop("item_id"), **args, user="admin", expected_latest_id=None)
    assert exc.value.field == field
    assert str(exc.value).startswith(f"{field}: ") and "\n" not in str(exc.value)
    assert store.status_as_of(TODAY) == {}


def test_limits_and_markup_are_kept_verbatim(store: Store) -> None:
    make_users(store)
    evidence = "<script>alert(1)</script> **bold** [link](javascript:x)\n" + "e" * (2000 - 56)
    assert len(evidence) == 2000
    rec = store.record(FUTIAN_ONLY, "preparation", TODAY, evidence, "n" * 4000, user="admin",
                       expected_latest_id=None)
    assert store.history(FUTIAN_ONLY)[0].evidence == evidence == rec.evidence
    assert store.history(FUTIAN_ONLY)[0].note == "n" * 4000
    assert store.history(FUTIAN_ONLY)[0].as_of == TODAY


# ------------------------------------------------------------------ reading


def test_status_as_of_earlier_dates(store: Store) -> None:
    make_users(store)
    a, b = FUTIAN_ONLY, multi_district_with("longgang")
    put(store, a, "preparation", "2021-06-01")
    put(store, a, "under_construction", "2023-06-01")
    late_backfill = put(store, a, "preparation", "2022-01-01")  # written last, but for an earlier date
    wrong = put(store, b, "in_service", "2024-01-01")
    fix = store.record(b, "under_construction", "2024-01-01", "corrected", user="admin", expected_latest_id=wrong,
                       corrects=wrong)

    def statuses(day: date) -> dict[str, str]:
        return {k: v.status for k, v in store.status_as_of(day).items()}

    assert statuses(date(2021, 5, 31)) == {}
    assert statuses(date(2021, 6, 1)) == {a: "preparation"}
    assert store.status_as_of(date(2022, 6, 1))[a].id == late_backfill
    assert statuses(date(2023, 6, 1)) == {a: "under_construction"}
    # The correction counts even though it was written after the date asked about.
    assert store.status_as_of(date(2025, 1, 1))[b].id == fix.id
    assert statuses(TODAY) == {a: "under_construction", b: "under_construction"}


def test_an_answer_names_its_version_and_a_new_record_changes_it(store: Store) -> None:
    """What the app keeps from an answer (the catalogue joined with progress) is kept by this version: it must
    change with a new record and another date, and not between two reads of the same data."""
    make_users(store)
    first = store.status_as_of(TODAY)
    assert first.version is not None and store.status_as_of(TODAY).version == first.version
    assert store.status_as_of(date(2022, 1, 1)).version != first.version
    put(store, FUTIAN_ONLY, "preparation", "2021-06-01")
    after = store.status_as_of(TODAY)
    assert after.version != first.version and after[FUTIAN_ONLY].status == "preparation"
    other = Store(store.url, catalogue=store.catalogue, today=lambda: TODAY)
    assert other.status_as_of(TODAY).version != after.version  # another store (it may be another database)


def test_audit_filters(store: Store) -> None:
    make_users(store)
    shared = multi_district_with("longgang")
    put(store, FUTIAN_ONLY, "preparation", "2022-01-01", user="futian-office")
    put(store, shared, "preparation", "2022-01-01", user="longgang-office")
    longgang = store.audit(district="longgang")
    assert [(a.action, a.item_id or a.subject) for a in longgang] == [("created", "longgang-office"),
                                                                      ("record", shared)]
    assert [a.item_id for a in store.audit(user="futian-office") if a.action == "record"] == [FUTIAN_ONLY]
    everything = store.audit()
    assert store.audit(since=everything[-1].at) == everything[-1:]
    assert store.audit(until=everything[0].at) == []


# ------------------------------------------------------------------ unreachable database


def test_unreachable_database_is_store_unavailable(tmp_path, postgres_server) -> None:
    with pytest.raises(StoreUnavailable) as exc:
        Store.open("postgresql+psycopg://someone:s3cret@127.0.0.1:1/nothing")
    message = str(exc.value)
    assert "\n" not in message and "s3cret" not in message
    assert "127.0.0.1" in message and "refused" in message.lower()
    with pytest.raises(StoreUnavailable, match="unable to open database file"):
        Store.open(f"sqlite:///{tmp_path / 'missing-dir' / 'progress.sqlite3'}")
    with pytest.raises(StoreUnavailable, match="unsupported"):
        Store.open("mysql+nodriver://x@localhost/db")


def test_default_database_is_sqlite_in_data_dir(monkeypatch, tmp_path) -> None:
    import settings
    from tracking.store import default_url

    monkeypatch.delenv(settings.DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "var")
    assert default_url() == f"sqlite:///{tmp_path / 'var' / 'progress.sqlite3'}"
    with Store.open(catalogue={"x": ("futian",)}) as store:
        assert store.list_users() == []  # no default or demo accounts
    assert (tmp_path / "var" / "progress.sqlite3").is_file()
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "postgresql+psycopg://u@127.0.0.1:1/db")
    assert Store().url == "postgresql+psycopg://u@127.0.0.1:1/db"


def test_schema_revision_is_alembics_head() -> None:
    """The revision a migrated database is recognised by is the newest migration's: a new migration without it
    would leave databases unmigrated."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tracking.store import MIGRATIONS_DIR, SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_reopening_a_migrated_database_keeps_its_records_and_does_not_load_alembic(store: Store,
                                                                                    db_url: str) -> None:
    """Every app process opens the store: a database already migrated is used as it is, records intact, and the
    process does not carry Alembic (it is loaded only to migrate)."""
    import subprocess
    import sys

    store.add_user("lg", PASSWORD, "editor", district="longgang")
    item = next(i for i, d in catalogue().items() if "longgang" in d)
    store.record(item, "in_service", TODAY, "深龙发改〔2025〕1号", user="lg", expected_latest_id=None)
    script = (
        "import sys\n"
        "from tracking import Store\n"
        f"s = Store.open({db_url!r})\n"
        f"print(len(s.history({item!r})), 'alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert out.stdout.split() == ["1", "False"]
