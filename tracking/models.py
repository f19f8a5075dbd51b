"""The tracking tables as typed SQLAlchemy models (the migrations in ``tracking/migrations`` create them).

Records are append-only: a per-item sequence number with ``UNIQUE(item_id, seq)`` makes two writers that start
from the same latest record collide in the database itself, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # editor | admin
    district: Mapped[str | None] = mapped_column(String(32))  # editors only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecordRow(Base):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_records_item_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per item, in recorded order
    kind: Mapped[str] = mapped_column(String(16))  # record | correction | revert
    status: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    corrects: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    reverts_to: Mapped[int | None] = mapped_column(ForeignKey("records.id"))


class AccountEventRow(Base):
    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))  # created | deactivated | password_set
    detail: Mapped[str] = mapped_column(Text, default="")
