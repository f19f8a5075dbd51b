"""Progress tracking: how far each plan item got, as recorded by district offices (no Streamlit here).

Database
    ``Store.open(url=None)`` opens (and creates or migrates, with Alembic, see ``tracking/migrations``) the
    database: ``url`` if given, else env ``SZ_PLAN_DATABASE_URL`` (e.g. ``postgresql+psycopg://u:p@host/db``;
    plain ``postgresql://`` is read as psycopg 3), else SQLite at ``settings.DATA_DIR / "progress.sqlite3"``
    (``SZ_PLAN_DATA_DIR`` or ``var/``). A database that cannot be reached raises ``StoreUnavailable`` whose
    message is one line (``.reason``: the driver's reason; ``.where``: the URL, password hidden). Every method
    can raise it if the database goes away later. ``Store`` is safe to share between threads; ``close()`` it.

Accounts (roles ``editor``, tied to one district, and ``admin``; no default accounts exist)
    ``add_user(name, password, role, district=None, by=None) -> User``; ``set_password(name, password, by=None)``;
    ``deactivate_user(name, by=None)``; ``list_users() -> list[User]``; ``get_user(name)``;
    ``authenticate(name, password) -> User | None`` (None for unknown, wrong password or inactive, in about the
    same time). ``by`` is the signed-in admin (or, for ``set_password``, the account itself); None means the
    command line, whose operator holds the database anyway. Passwords: 10 to 1024 characters, stored as argon2
    hashes. Every account change is written to the audit log.

Records (append-only: nothing is ever updated or deleted; the database refuses it with triggers too)
    ``record(item_id, status, as_of, evidence, note="", *, user, expected_latest_id, corrects=None) -> Record``
    appends a record, or with ``corrects=<record id>`` a correction that replaces that record.
    ``revert(item_id, to_record_id, *, user, expected_latest_id) -> Record`` appends a record restoring that
    record's status, as_of, evidence and note, and withdraws every record written after it.
    ``expected_latest_id`` is the id of the item's latest record the user saw (``latest_record(item_id).id``,
    None if it had none): if another record was written meanwhile, nothing is stored and ``Conflict`` carries
    that newer record (``.latest``). Two simultaneous writers with the same expected id never both succeed: a
    per-item sequence number is UNIQUE(item_id, seq) in the database, on SQLite and PostgreSQL alike.

    Refusals: ``ValidationError`` (``.field`` names the field: item_id unknown to the catalogue, status outside
    ``vocab.STATUS_KEYS``, as_of not a real YYYY-MM-DD date / before 2021-01-01 / after today in Shenzhen,
    evidence blank or over 2000 characters, note over 4000, a control character other than newline and tab or a
    bidirectional override in either; corrects / to_record_id not an effective record of the item). Nothing is
    truncated; markup is stored verbatim and must be shown as text. ``PermissionDenied``: unknown or inactive
    account, or an editor whose district is not in the item's district list (``catalogue[item_id]``, the item's
    computed districts); admins may record for every item; items with no district are for admins only.

Reading
    ``history(item_id) -> list[Record]`` every record oldest first, with ``superseded_by`` set on records taken
    out by a correction or revert (``Record.effective`` is False for them). ``latest_record(item_id)``.
    ``status_as_of(date=None) -> dict[item_id, Record]`` and ``state(item_id, date=None)``: among the item's
    effective records with ``as_of`` on or before the date, the one with the latest ``as_of``, ties broken by the
    one written last; corrections apply with what is known now. Items without such a record are absent.
    ``audit(district=None, user=None, since=None, until=None) -> list[AuditEntry]`` records and account
    changes, oldest first. ``items_editable_by(user) -> list[item_id]``; ``may_edit(user, item_id)``.

Batches
    ``check_batch(entries, user)`` lists (index, reason) for every bad ``Entry``; ``record_batch(entries, user)``
    writes them all in one transaction or nothing (``BatchRejected``). ``tracking.spreadsheet`` builds on these
    for CSV/XLSX import, templates and exports.

Vocabulary and the plan-against-actual rule: ``tracking.vocab`` (``STATUSES``, ``OUTCOMES``, ``TARGETS``,
``assess``). Command line: ``python -m tracking --help``.
"""
from __future__ import annotations

from tracking.errors import (
    BatchRejected,
    Conflict,
    PermissionDenied,
    StoreUnavailable,
    TrackingError,
    ValidationError,
)
from tracking.store import AuditEntry, Entry, Record, Store, User
from tracking.vocab import OUTCOMES, STATUSES, TARGETS, assess

__all__ = [
    "OUTCOMES", "STATUSES", "TARGETS", "AuditEntry", "BatchRejected", "Conflict", "Entry", "PermissionDenied",
    "Record", "Store", "StoreUnavailable", "TrackingError", "User", "ValidationError", "assess",
]
