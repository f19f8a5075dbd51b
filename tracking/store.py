"""The progress store: accounts, append-only records per catalogue item, and the rules that guard them.

See the package docstring (``tracking/__init__.py``) for the API and the exact rules.
"""
from __future__ import annotations

import itertools
import os
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import settings
from tracking.errors import BatchRejected, Conflict, PermissionDenied, StoreUnavailable, ValidationError
from tracking.models import AccountEventRow, RecordRow, UserRow
from tracking.vocab import PLAN_START, STATUS_KEYS

ROLES: tuple[str, ...] = ("editor", "admin")
KINDS: tuple[str, ...] = ("record", "correction", "revert")
EVIDENCE_MAX = 2000
NOTE_MAX = 4000
NAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
# Dates are Shenzhen dates (China Standard Time, UTC+8 all year, no daylight saving).
SHENZHEN_TZ = timezone(timedelta(hours=8), "CST")
MIGRATIONS_DIR: Path = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision (a test holds it to Alembic's head): a database at it needs no migrating.
SCHEMA_REVISION = "0001"
# How many (date, newest record) answers of status_as_of a store keeps (a handful of "as of" dates in use).
STATES_KEPT = 16
# Allowed inside evidence and notes; every other control character is refused.
_ALLOWED_CONTROLS = frozenset("\n\t")
# Bidirectional overrides and isolates can make displayed text read differently from what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class User:
    """An account as the API hands it out (never with its password hash)."""

    id: int
    name: str
    role: str
    district: str | None
    active: bool
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Record:
    """One stored record. ``superseded_by`` is the id of the correction or revert that replaced it, if any."""

    id: int
    item_id: str
    seq: int
    kind: str
    status: str
    as_of: date
    evidence: str
    note: str
    user: str
    recorded_at: datetime
    corrects: int | None
    reverts_to: int | None
    superseded_by: int | None = None

    @property
    def effective(self) -> bool:
        return self.superseded_by is None


@dataclass(frozen=True)
class Entry:
    """One record to write in a batch (an import row): the fields a user supplies."""

    item_id: str
    status: str
    as_of: date | str
    evidence: str
    note: str = ""


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: a record written or an account changed, with who did it and when."""

    at: datetime
    actor: str | None  # None: done at the command line
    action: str  # record | correction | revert | created | deactivated | password_set
    item_id: str | None
    record_id: int | None
    subject: str | None  # the account changed, for account events
    districts: tuple[str, ...]  # the item's districts, or the account's district
    detail: str


def default_url() -> str:
    """The database URL: env ``SZ_PLAN_DATABASE_URL`` if set, else SQLite at ``settings.DATA_DIR``."""
    url = os.environ.get(settings.DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{settings.DATA_DIR / 'progress.sqlite3'}"


def catalogue_item_districts() -> dict[str, tuple[str, ...]]:
    """``{item_id: districts}`` from the shipped catalogue (the item's computed districts)."""
    from layers.locate import catalogue_frame

    frame = catalogue_frame()
    return {str(i): tuple(d) for i, d in zip(frame["id"], frame["districts"], strict=True)}


def today_shenzhen() -> date:
    return datetime.now(SHENZHEN_TZ).date()


# Each store's own number, part of the version of its answers (two stores may hold the same record ids).
_STORE_NUMBERS = itertools.count(1)


class States(dict[str, Record]):
    """``Store.status_as_of``'s answer: item id -> effective record, with ``version``, which names everything the
    answer depends on (the store, the date and the newest record). Equal versions mean equal answers, so what is
    derived from an answer can be kept by its version (``tracking.frame.ProgressFrames``)."""

    def __init__(self, items: Mapping[str, Record] | None = None,
                 version: tuple[int, date, int] | None = None) -> None:
        super().__init__(items or {})
        self.version = version


class Store:
    """Accounts and progress records in one database (SQLite by default, PostgreSQL by URL).

    ``catalogue`` maps item ids to their districts; None loads it from ``layers.locate.catalogue_frame()`` when
    first needed. ``today`` gives the current Shenzhen date (tests pin it); ``hasher`` is argon2's default
    ``PasswordHasher()`` unless given (tests use cheaper parameters).
    """

    def __init__(self, url: str | None = None, catalogue: Mapping[str, Sequence[str]] | None = None,
                 today: Callable[[], date] | None = None, hasher: PasswordHasher | None = None) -> None:
        self.url = url or default_url()
        self._catalogue: dict[str, tuple[str, ...]] | None = (
            None if catalogue is None else {k: tuple(v) for k, v in catalogue.items()})
        self._today = today or today_shenzhen
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._states: dict[tuple[date, int], dict[str, Record]] = {}  # status_as_of answers, see there
        self._number = next(_STORE_NUMBERS)
        self._sessions: sessionmaker[Session] | None = None
        self._write_sessions: sessionmaker[Session] | None = None

    # ----------------------------------------------------------------- connection and schema

    @classmethod
    def open(cls, url: str | None = None, catalogue: Mapping[str, Sequence[str]] | None = None,
             today: Callable[[], date] | None = None, hasher: PasswordHasher | None = None) -> Store:
        """A store whose database is reachable and migrated to the newest schema, or ``StoreUnavailable``."""
        store = cls(url, catalogue, today, hasher)
        store.upgrade()
        return store

    @property
    def where(self) -> str:
        """The database URL with any password hidden (safe to log)."""
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return "an unreadable database URL"

    def _url(self) -> URL:
        try:
            url = make_url(self.url)
        except ArgumentError:
            raise StoreUnavailable("the database URL cannot be read", self.where) from None
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = self._create_engine()
                self._sessions = sessionmaker(self._engine, expire_on_commit=False)
                self._write_sessions = sessionmaker(self._writer_engine(), expire_on_commit=False)
            return self._engine

    def _create_engine(self) -> Engine:
        url = self._url()
        try:
            if url.get_backend_name() == "sqlite":
                if url.database and url.database != ":memory:" and self.url == default_url() and \
                        not os.environ.get(settings.DATABASE_URL_ENV):
                    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 60}, pool_size=20, max_overflow=40,
                                       pool_timeout=120)
                _sqlite_serialised_writes(engine)
                return engine
            if url.get_backend_name() == "postgresql":
                return create_engine(url, connect_args={"connect_timeout": 10}, pool_size=20, max_overflow=40,
                                     pool_timeout=120, pool_pre_ping=True)
        except (NoSuchModuleError, ArgumentError) as exc:
            raise StoreUnavailable(f"unsupported database URL ({_first_line(exc)})", self.where) from None
        raise StoreUnavailable(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql",
                               self.where)

    def close(self) -> None:
        """Release the database connections."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision (safe to call from several processes at once).

        A database already at ``SCHEMA_REVISION`` is left as it is without loading Alembic (each app process
        opens the store; Alembic and its templates are only needed to migrate)."""
        if self._schema_revision() == SCHEMA_REVISION:
            return
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        head = ScriptDirectory.from_config(config).get_current_head()
        with self._guard():
            with self.engine.connect() as conn:
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
            with self._writer_engine().begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7140021025)")
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    def _schema_revision(self) -> str | None:
        """The revision Alembic recorded in this database (None: none yet, or no version table)."""
        with self._guard(), self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return str(rows[0]) if len(rows) == 1 else None

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn the driver's connection failures into ``StoreUnavailable`` with a one-line reason."""
        try:
            yield
        except OperationalError as exc:
            raise StoreUnavailable(_first_line(exc.orig or exc), self.where) from None
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise StoreUnavailable(_first_line(exc.orig or exc), self.where) from None
            raise

    def _writer_engine(self) -> Engine:
        """The same engine and pool, marked so that SQLite starts its transactions with BEGIN IMMEDIATE."""
        assert self._engine is not None
        return self._engine.execution_options(sqlite_begin_immediate=True)

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error. On SQLite a ``write``
        transaction takes the write lock at its start, so concurrent writers queue instead of failing midway."""
        engine = self.engine  # may raise StoreUnavailable
        factory = self._write_sessions if write else self._sessions
        assert factory is not None and engine is not None
        with self._guard(), factory() as session, session.begin():
            yield session

    # ----------------------------------------------------------------- catalogue

    def today(self) -> date:
        """Today's date in Shenzhen (as_of may not be later)."""
        return self._today()

    @property
    def catalogue(self) -> dict[str, tuple[str, ...]]:
        """``{item_id: districts}`` this store checks item ids and district rights against."""
        if self._catalogue is None:
            self._catalogue = catalogue_item_districts()
        return self._catalogue

    # ----------------------------------------------------------------- accounts

    def add_user(self, name: str, password: str, role: str, district: str | None = None,
                 by: User | str | None = None) -> User:
        """Create an account. ``by`` is the admin doing it (None: the command line, which holds the database)."""
        _check_name(name)
        _check_password(password)
        if role not in ROLES:
            raise ValidationError("role", f"must be one of {', '.join(ROLES)}, not {role!r}")
        if role == "editor":
            from layers.schema import DISTRICT_IDS

            if district not in DISTRICT_IDS:
                raise ValidationError("district", f"an editor needs one of {', '.join(DISTRICT_IDS)}, "
                                                  f"not {district!r}")
        elif district is not None:
            raise ValidationError("district", "only editors have a district")
        password_hash = self._hasher.hash(password)
        now = datetime.now(UTC)
        try:
            with self._session(write=True) as s:
                actor = self._admin(s, by)
                if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                    raise ValidationError("name", f"{name!r} is already taken")
                row = UserRow(name=name, password_hash=password_hash, role=role, district=district, active=True,
                              created_at=now)
                s.add(row)
                s.flush()
                detail = f"role={role}" + (f" district={district}" if district else "")
                s.add(AccountEventRow(at=now, actor_id=actor.id if actor else None, subject_id=row.id,
                                      action="created", detail=detail))
                s.flush()
                return _user(row)
        except IntegrityError:
            raise ValidationError("name", f"{name!r} is already taken") from None

    def set_password(self, name: str, password: str, by: User | str | None = None) -> None:
        """Set a new password; ``by`` is an admin or the account itself (None: the command line)."""
        _check_password(password)
        password_hash = self._hasher.hash(password)
        with self._session(write=True) as s:
            row = self._user_row(s, name)
            actor = self._actor(s, by)
            if actor is not None and actor.role != "admin" and actor.id != row.id:
                raise PermissionDenied(f"{actor.name} may not set another account's password")
            row.password_hash = password_hash
            s.add(AccountEventRow(at=datetime.now(UTC), actor_id=actor.id if actor else None, subject_id=row.id,
                                  action="password_set", detail=""))

    def deactivate_user(self, name: str, by: User | str | None = None) -> None:
        """Stop an account from signing in or writing; its records stay. Admins only; not oneself."""
        with self._session(write=True) as s:
            row = self._user_row(s, name)
            actor = self._admin(s, by)
            if actor is not None and actor.id == row.id:
                raise PermissionDenied("an admin cannot deactivate their own account")
            was_active = row.active
            if not was_active:
                raise ValidationError("name", f"{name!r} is already inactive")
            row.active = False
            s.add(AccountEventRow(at=datetime.now(UTC), actor_id=actor.id if actor else None, subject_id=row.id,
                                  action="deactivated", detail=""))

    def list_users(self) -> list[User]:
        """Every account, active or not, by name."""
        with self._session() as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def get_user(self, name: str) -> User | None:
        with self._session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            return _user(row) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The active account with this name and password, else None.

        Unknown names cost one password verification too, so timing does not tell which names exist.
        """
        with self._session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            user = _user(row) if row else None
            stored = row.password_hash if row else self._fake_hash()
        ok: bool
        try:
            ok = self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if user is None or not ok or not user.active:
            return None
        return user

    def _fake_hash(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def _user_row(self, s: Session, name: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise ValidationError("name", f"no account named {name!r}")
        return row

    def _actor(self, s: Session, by: User | str | None) -> UserRow | None:
        if by is None:
            return None
        name = by.name if isinstance(by, User) else by
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None or not row.active:
            raise PermissionDenied(f"{name!r} is not an active account")
        return row

    def _admin(self, s: Session, by: User | str | None) -> UserRow | None:
        actor = self._actor(s, by)
        if actor is not None and actor.role != "admin":
            raise PermissionDenied(f"{actor.name} is not an admin")
        return actor

    # ----------------------------------------------------------------- rights

    def may_edit(self, user: User, item_id: str) -> bool:
        """Admins edit every item; editors every item whose district list includes theirs."""
        if not user.active:
            return False
        if user.role == "admin":
            return True
        return user.district is not None and user.district in self.catalogue.get(item_id, ())

    def items_editable_by(self, user: User | str) -> list[str]:
        """Item ids the user may record for, in catalogue order (empty for an inactive or unknown account)."""
        with self._session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == (user.name if isinstance(user, User) else user)))
            if row is None:
                return []
            current = _user(row)
        return [i for i in self.catalogue if self.may_edit(current, i)]

    def _writer(self, s: Session, user: User | str, item_id: str) -> UserRow:
        name = user.name if isinstance(user, User) else user
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None or not row.active:
            raise PermissionDenied(f"{name!r} is not an active account")
        if not self.may_edit(_user(row), item_id):
            districts = ", ".join(self.catalogue.get(item_id, ())) or "no district (admins only)"
            raise PermissionDenied(f"{name} ({row.district}) may not record for {item_id} ({districts})")
        return row

    # ----------------------------------------------------------------- validation

    def check_entry(self, entry: Entry) -> date:
        """Validate one record's fields; returns its as_of date. Raises ``ValidationError`` naming the field."""
        if not isinstance(entry.item_id, str) or entry.item_id not in self.catalogue:
            raise ValidationError("item_id", f"unknown item {entry.item_id!r}")
        if entry.status not in STATUS_KEYS:
            raise ValidationError("status", f"{entry.status!r} is not one of {', '.join(STATUS_KEYS)}")
        as_of = _check_date(entry.as_of, self._today())
        _check_text("evidence", entry.evidence, EVIDENCE_MAX, required=True)
        _check_text("note", entry.note, NOTE_MAX, required=False)
        return as_of

    # ----------------------------------------------------------------- writing

    def record(self, item_id: str, status: str, as_of: date | str, evidence: str, note: str = "", *,
               user: User | str, expected_latest_id: int | None, corrects: int | None = None) -> Record:
        """Append a record (or, with ``corrects``, a correction of an earlier effective record).

        ``expected_latest_id`` is the id of the item's latest record the user saw (None: none yet); if another
        record was written since, nothing is stored and ``Conflict`` carries that newer record.
        """
        entry = Entry(item_id, status, as_of, evidence, note or "")
        if not isinstance(item_id, str) or item_id not in self.catalogue:
            raise ValidationError("item_id", f"unknown item {item_id!r}")
        with self._session() as s:
            self._writer(s, user, item_id)
        day = self.check_entry(entry)
        return self._append(item_id, user, expected_latest_id, kind="correction" if corrects else "record",
                            fields=(status, day, evidence, note or ""), target=corrects)

    def revert(self, item_id: str, to_record_id: int, *, user: User | str,
               expected_latest_id: int | None) -> Record:
        """Append a record restoring ``to_record_id``'s status, date, evidence and note; it withdraws every
        record written after that one (they stay in the history, marked superseded)."""
        if item_id not in self.catalogue:
            raise ValidationError("item_id", f"unknown item {item_id!r}")
        with self._session() as s:
            self._writer(s, user, item_id)
        return self._append(item_id, user, expected_latest_id, kind="revert", fields=None, target=to_record_id)

    def _append(self, item_id: str, user: User | str, expected_latest_id: int | None, *, kind: str,
                fields: tuple[str, date, str, str] | None, target: int | None) -> Record:
        try:
            with self._session(write=True) as s:
                writer = self._writer(s, user, item_id)
                rows = list(s.scalars(select(RecordRow).where(RecordRow.item_id == item_id)
                                      .order_by(RecordRow.seq)))
                latest = rows[-1] if rows else None
                if (latest.id if latest else None) != expected_latest_id:
                    if latest is None:
                        raise ValidationError("expected_latest_id", f"item {item_id} has no records yet")
                    raise Conflict(self._as_record(s, latest, rows))
                superseded = _superseded(rows)
                corrects = reverts_to = None
                if kind == "correction":
                    corrects = _check_target(rows, superseded, target, "corrects")
                elif kind == "revert":
                    reverts_to = _check_target(rows, superseded, target, "to_record_id")
                    source = next(r for r in rows if r.id == reverts_to)
                    if not any(r.seq > source.seq and r.id not in superseded for r in rows):
                        raise ValidationError("to_record_id", f"record #{reverts_to} is already the latest; "
                                                              "nothing to revert")
                    fields = (source.status, source.as_of, source.evidence, source.note)
                assert fields is not None
                status, day, evidence, note = fields
                row = RecordRow(item_id=item_id, seq=(latest.seq + 1) if latest else 1, kind=kind, status=status,
                                as_of=day, evidence=evidence, note=note, user_id=writer.id,
                                recorded_at=datetime.now(UTC), corrects=corrects, reverts_to=reverts_to)
                s.add(row)
                s.flush()
                return _record(row, writer.name, None)
        except IntegrityError:
            # Another writer took the same sequence number first: theirs stands, ours is refused.
            newest = self.latest_record(item_id)
            if newest is None or newest.id == expected_latest_id:
                raise
            raise Conflict(newest) from None

    def check_batch(self, entries: Sequence[Entry], user: User | str,
                    names: Sequence[str] | None = None) -> list[tuple[int, str]]:
        """Every problem of a batch as (index, reason): fields, rights, and two entries for one item and date.

        ``names`` says how reasons refer to other entries (e.g. "row 7"); default "entry <index>".
        """
        errors: list[tuple[int, str]] = []
        with self._session() as s:
            name = user.name if isinstance(user, User) else user
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None or not row.active:
                raise PermissionDenied(f"{name!r} is not an active account")
            current = _user(row)
        seen: dict[tuple[str, date], int] = {}
        for i, entry in enumerate(entries):
            try:
                day = self.check_entry(entry)
            except ValidationError as exc:
                errors.append((i, str(exc)))
                continue
            if not self.may_edit(current, entry.item_id):
                districts = ", ".join(self.catalogue.get(entry.item_id, ())) or "no district (admins only)"
                errors.append((i, f"permission: {name} ({current.district}) may not record for "
                                  f"{entry.item_id} ({districts})"))
                continue
            key = (entry.item_id, day)
            if key in seen:
                other = names[seen[key]] if names else f"entry {seen[key]}"
                errors.append((i, f"duplicate: same item_id and as_of as {other}"))
                continue
            seen[key] = i
        return errors

    def record_batch(self, entries: Sequence[Entry], user: User | str) -> list[Record]:
        """Append every entry as a record in one transaction, or nothing (``BatchRejected`` lists every bad
        entry). Entries follow whatever is latest for their item; a concurrent write to one of the items makes
        the whole batch fail with ``Conflict`` (nothing written; run it again)."""
        errors = self.check_batch(entries, user)
        if errors:
            raise BatchRejected(errors)
        name = user.name if isinstance(user, User) else user
        try:
            with self._session(write=True) as s:
                writer = s.scalar(select(UserRow).where(UserRow.name == name))
                assert writer is not None
                next_seq: dict[str, int] = {}
                out: list[RecordRow] = []
                for entry in entries:
                    if entry.item_id not in next_seq:
                        last = s.scalar(select(RecordRow.seq).where(RecordRow.item_id == entry.item_id)
                                        .order_by(RecordRow.seq.desc()).limit(1))
                        next_seq[entry.item_id] = (last or 0) + 1
                    row = RecordRow(item_id=entry.item_id, seq=next_seq[entry.item_id], kind="record",
                                    status=entry.status, as_of=_check_date(entry.as_of, self._today()),
                                    evidence=entry.evidence, note=entry.note or "", user_id=writer.id,
                                    recorded_at=datetime.now(UTC), corrects=None, reverts_to=None)
                    next_seq[entry.item_id] += 1
                    s.add(row)
                    out.append(row)
                s.flush()
                return [_record(r, name, None) for r in out]
        except IntegrityError:
            for entry in entries:
                newest = self.latest_record(entry.item_id)
                if newest is not None:
                    raise Conflict(newest) from None
            raise

    # ----------------------------------------------------------------- reading

    def history(self, item_id: str) -> list[Record]:
        """Every record of the item, oldest first (recorded order), superseded ones marked."""
        with self._session() as s:
            rows = list(s.scalars(select(RecordRow).where(RecordRow.item_id == item_id).order_by(RecordRow.seq)))
            names = self._names(s)
        superseded = _superseded(rows)
        return [_record(r, names[r.user_id], superseded.get(r.id)) for r in rows]

    def latest_record(self, item_id: str) -> Record | None:
        """The item's most recently written record (its id is the ``expected_latest_id`` for the next write)."""
        history = self.history(item_id)
        return history[-1] if history else None

    def state(self, item_id: str, as_of: date | None = None) -> Record | None:
        """The item's effective record as of a date (default: today); see ``status_as_of`` for the rule."""
        return _state(self.history(item_id), as_of or self._today())

    def status_as_of(self, as_of: date | None = None) -> States:
        """The state of every item with records, as of ``as_of`` (default: today).

        Rule: among the item's *effective* records (not corrected, not withdrawn by a revert) whose ``as_of`` is
        on or before the date, the one with the latest ``as_of``; on a tie, the one written last. Corrections
        count with what we know now, even when written after the date.
        """
        day = as_of or self._today()
        with self._session() as s:
            # Records are append-only, so the newest record id identifies everything this answer depends on:
            # the answer for (day, newest id) is kept, and a rerun of the map costs one tiny query.
            newest = s.scalar(select(func.max(RecordRow.id))) or 0
            cached = self._states.get((day, newest))
            if cached is not None:
                return States(cached, (self._number, day, newest))
            rows = list(s.scalars(select(RecordRow).order_by(RecordRow.item_id, RecordRow.seq)))
            names = self._names(s)
        out = self._states_from(rows, names, day)
        with self._lock:
            if len(self._states) >= STATES_KEPT:
                self._states.pop(next(iter(self._states)))
            self._states[(day, newest)] = out
        return States(out, (self._number, day, newest))

    def forget_states(self) -> None:
        """Drop the remembered ``status_as_of`` answers (the next call reads every record again)."""
        with self._lock:
            self._states.clear()

    @staticmethod
    def _states_from(rows: Sequence[RecordRow], names: Mapping[int, str], day: date) -> dict[str, Record]:
        by_item: dict[str, list[RecordRow]] = {}
        for r in rows:
            by_item.setdefault(r.item_id, []).append(r)
        out: dict[str, Record] = {}
        for item_id, item_rows in by_item.items():
            superseded = _superseded(item_rows)
            state = _state([_record(r, names[r.user_id], superseded.get(r.id)) for r in item_rows], day)
            if state is not None:
                out[item_id] = state
        return out

    def audit(self, district: str | None = None, user: str | None = None, since: datetime | None = None,
              until: datetime | None = None) -> list[AuditEntry]:
        """Records written and account changes, oldest first.

        ``district``: records for items in that district and changes to accounts of that district; ``user``:
        what that account did (and, for account changes, what was done to it); ``since`` inclusive, ``until``
        exclusive (naive datetimes are UTC).
        """
        lo, hi = _utc(since), _utc(until)
        with self._session() as s:
            names = self._names(s)
            users = {u.id: u for u in s.scalars(select(UserRow))}
            records = list(s.scalars(select(RecordRow).order_by(RecordRow.recorded_at, RecordRow.id)))
            events = list(s.scalars(select(AccountEventRow).order_by(AccountEventRow.at, AccountEventRow.id)))
        out: list[AuditEntry] = []
        for r in records:
            districts = self.catalogue.get(r.item_id, ())
            detail = f"{r.status} as of {r.as_of.isoformat()}"
            if r.corrects:
                detail += f", corrects #{r.corrects}"
            if r.reverts_to:
                detail += f", reverts to #{r.reverts_to}"
            out.append(AuditEntry(_aware(r.recorded_at), names[r.user_id], r.kind, r.item_id, r.id, None,
                                  districts, detail))
        for e in events:
            subject = users[e.subject_id]
            out.append(AuditEntry(_aware(e.at), names[e.actor_id] if e.actor_id else None, e.action, None, None,
                                  subject.name, (subject.district,) if subject.district else (), e.detail))

        def keep(a: AuditEntry) -> bool:
            if district is not None and district not in a.districts:
                return False
            if user is not None and a.actor != user and a.subject != user:
                return False
            if lo is not None and a.at < lo:
                return False
            return not (hi is not None and a.at >= hi)

        return sorted(filter(keep, out), key=lambda a: a.at)

    def _names(self, s: Session) -> dict[int, str]:
        return {uid: name for uid, name in s.execute(select(UserRow.id, UserRow.name))}

    def _as_record(self, s: Session, row: RecordRow, rows: list[RecordRow]) -> Record:
        return _record(row, self._names(s)[row.user_id], _superseded(rows).get(row.id))


# --------------------------------------------------------------------- helpers


def _sqlite_serialised_writes(engine: Engine) -> None:
    """SQLite: we emit BEGIN ourselves; IMMEDIATE (take the write lock now) for write transactions, so writers
    queue on the busy timeout instead of failing when a read turns into a write."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_begin_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _first_line(exc: BaseException | object) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.role, row.district, bool(row.active), _aware(row.created_at))


def _record(row: RecordRow, user: str, superseded_by: int | None) -> Record:
    return Record(row.id, row.item_id, row.seq, row.kind, row.status, row.as_of, row.evidence, row.note, user,
                  _aware(row.recorded_at), row.corrects, row.reverts_to, superseded_by)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return _aware(moment)


def _superseded(rows: Sequence[RecordRow]) -> dict[int, int]:
    """``{record id: id of the correction or revert that took it out}``, replaying the records in order.

    A correction takes out the record it corrects; a revert to record X takes out every effective record written
    after X. The correction or revert itself is effective until something takes it out in turn.
    """
    effective: dict[int, RecordRow] = {}
    superseded: dict[int, int] = {}
    by_id = {r.id: r for r in rows}
    for r in rows:
        if r.kind == "correction" and r.corrects in effective:
            del effective[r.corrects]
            superseded[r.corrects] = r.id
        elif r.kind == "revert" and r.reverts_to in by_id:
            floor = by_id[r.reverts_to].seq
            for rid in [rid for rid, e in effective.items() if e.seq > floor]:
                del effective[rid]
                superseded[rid] = r.id
        effective[r.id] = r
    return superseded


def _state(history: Sequence[Record], day: date) -> Record | None:
    candidates = [r for r in history if r.effective and r.as_of <= day]
    return max(candidates, key=lambda r: (r.as_of, r.seq)) if candidates else None


def _check_target(rows: Sequence[RecordRow], superseded: Mapping[int, int], target: int | None, field: str) -> int:
    if target is None or not any(r.id == target for r in rows):
        raise ValidationError(field, f"record #{target} is not a record of this item")
    if target in superseded:
        raise ValidationError(field, f"record #{target} was already replaced by #{superseded[target]}")
    return target


def _check_date(value: date | str, today: date) -> date:
    if isinstance(value, datetime):
        raise ValidationError("as_of", "must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) != 10:
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise ValidationError("as_of", f"{value!r} is not a real date in the form YYYY-MM-DD") from None
    elif isinstance(value, date):
        day = value
    else:
        raise ValidationError("as_of", "must be a date (YYYY-MM-DD)")
    if day < PLAN_START:
        raise ValidationError("as_of", f"{day.isoformat()} is before the plan period (from {PLAN_START.isoformat()})")
    if day > today:
        raise ValidationError("as_of", f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def _check_text(field: str, value: object, limit: int, *, required: bool) -> None:
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    if required and not value.strip():
        raise ValidationError(field, "is required")
    if len(value) > limit:
        raise ValidationError(field, f"is {len(value)} characters long; at most {limit} are allowed")
    for pos, ch in enumerate(value, start=1):
        if (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS) or ch in _BIDI_CONTROLS:
            raise ValidationError(field, f"control character U+{ord(ch):04X} at position {pos} is not allowed")


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("name", "is required")
    if name != name.strip():
        raise ValidationError("name", "must not start or end with spaces")
    if len(name) > NAME_MAX:
        raise ValidationError("name", f"at most {NAME_MAX} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ValidationError("name", "control characters are not allowed")


def _check_password(password: object) -> None:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise ValidationError("password", f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise ValidationError("password", f"at most {PASSWORD_MAX} characters")
