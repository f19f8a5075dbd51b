"""What the tracking store refuses, and why: each refusal carries a one-line reason fit to show a user."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracking.store import Record


class TrackingError(Exception):
    """Base of every refusal; ``str(exc)`` is one line without paths or tracebacks."""


class StoreUnavailable(TrackingError):
    """The database cannot be reached or opened.

    ``reason`` is the driver's first line; ``where`` is the database URL with its password hidden.
    """

    def __init__(self, reason: str, where: str = "") -> None:
        self.reason = reason
        self.where = where
        super().__init__(f"database unavailable ({where}): {reason}" if where else f"database unavailable: {reason}")


class ValidationError(TrackingError):
    """A value was refused; ``field`` names it (item_id, status, as_of, evidence, note, name, password…)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class PermissionDenied(TrackingError):
    """The acting user may not do this (inactive, wrong district, not an admin)."""


class Conflict(TrackingError):
    """Someone else recorded for the item first; ``latest`` is their record, now the item's latest."""

    def __init__(self, latest: Record) -> None:
        self.latest = latest
        super().__init__(
            f"item {latest.item_id} changed meanwhile: record #{latest.id} by {latest.user} is now the latest")


class BatchRejected(TrackingError):
    """A batch (import) was refused as a whole; ``errors`` lists (index in the batch, reason) for each bad entry."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} bad entr{'y' if len(errors) == 1 else 'ies'}; nothing was written")
