"""Tracked progress joined to the catalogue frame, so that filters, map colours, charts and exports read it
like any other column.

The columns are added at run time (they are not part of the catalogue): ``tracked_status`` (a status key, or
``NO_RECORD`` when the item has no effective record on the date), ``tracked_as_of`` (the record's as-of date as
``YYYY-MM-DD``, or empty), ``tracked_record`` (its id, or None) and ``outcome`` (``tracking.vocab.assess``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from tracking.vocab import OUTCOME_BY_KEY, OUTCOMES, STATUS_BY_KEY, STATUSES, assess

if TYPE_CHECKING:
    from tracking.store import Record

# The value of ``tracked_status`` for an item without a record on the date (a filter value like the statuses).
NO_RECORD = "no_record"
PROGRESS_COLUMNS = ("tracked_status", "tracked_as_of", "tracked_record", "outcome")

# Map colours of the tracked statuses (a ladder from grey through blue to green, then the two off-ladder
# statuses) and of the plan-against-actual outcomes; charts and the legend use the same ones.
STATUS_COLOURS: dict[str, str] = {
    "not_started": "#b0b7bf", "preparation": "#8fb8de", "under_construction": "#1f6fb2",
    "partly_in_service": "#7fbf6a", "in_service": "#2e8b3a", "on_hold": "#e07b00",
    "changed_or_cancelled": "#7b4fb0", NO_RECORD: "#6b7280",
}
OUTCOME_COLOURS: dict[str, str] = {"done": "#2e8b3a", "on_track": "#1f6fb2", "behind": "#c0392b",
                                   "changed": "#7b4fb0", "no_record": "#9aa0a6"}


def tracked_values() -> tuple[str, ...]:
    """Every value ``tracked_status`` can take, in the vocabulary's order, "no record" last."""
    return (*(s.key for s in STATUSES), NO_RECORD)


def tracked_label(key: str) -> tuple[str, str]:
    """(zh, en) label of a ``tracked_status`` value."""
    if key == NO_RECORD:
        o = OUTCOME_BY_KEY["no_record"]
        return o.zh, o.en
    s = STATUS_BY_KEY[key]
    return s.zh, s.en


def outcome_values() -> tuple[str, ...]:
    return tuple(o.key for o in OUTCOMES)


def outcome_label(key: str) -> tuple[str, str]:
    o = OUTCOME_BY_KEY[key]
    return o.zh, o.en


def with_progress(frame: pd.DataFrame, states: Mapping[str, Record], as_of: date) -> pd.DataFrame:
    """A copy of ``frame`` with the progress columns for the date (``states`` from ``Store.status_as_of``)."""
    out = frame.copy()
    records = [states.get(i) for i in out["id"].tolist()]  # tolist: iterating Arrow strings one by one is slow
    out["tracked_status"] = [r.status if r else NO_RECORD for r in records]
    out["tracked_as_of"] = [r.as_of.isoformat() if r else "" for r in records]
    out["tracked_record"] = [r.id if r else None for r in records]
    out["outcome"] = [assess(stage, r.status if r else None, as_of)
                      for stage, r in zip(out["plan_stage"].tolist(), records, strict=True)]
    return out


class ProgressFrames:
    """``with_progress`` answers kept by the frame and the version of the states (``tracking.store.States``).

    Joining a status to every item costs a few milliseconds per thousand items, on every run of the app, while
    the states only change with a new record or another date. An answer is shared between runs and sessions:
    it is read, never changed in place. States without a version are joined anew each time."""

    def __init__(self, kept: int = 8) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[int, object, date], tuple[pd.DataFrame, pd.DataFrame]] = OrderedDict()

    def joined(self, frame: pd.DataFrame, states: Mapping[str, Record], as_of: date) -> pd.DataFrame:
        version = getattr(states, "version", None)
        if version is None:
            return with_progress(frame, states, as_of)
        key = (id(frame), version, as_of)
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None and kept[0] is frame:  # the frame itself, not a later one at the same address
                self._answers.move_to_end(key)
                return kept[1]
        out = with_progress(frame, states, as_of)
        with self._lock:
            self._answers[key] = (frame, out)
            while len(self._answers) > self._kept:
                self._answers.popitem(last=False)
        return out


def outcome_counts(frame: pd.DataFrame) -> pd.Series:
    """Items per outcome in the vocabulary's order (every outcome present, zeros included), keyed by outcome."""
    counts = frame["outcome"].value_counts() if len(frame) else pd.Series(dtype=int)
    return pd.Series([int(counts.get(o.key, 0)) for o in OUTCOMES], index=[o.key for o in OUTCOMES])


def status_counts(frame: pd.DataFrame) -> pd.Series:
    """Items per tracked status in the vocabulary's order, "no record" last, zeros included."""
    counts = frame["tracked_status"].value_counts() if len(frame) else pd.Series(dtype=int)
    return pd.Series([int(counts.get(k, 0)) for k in tracked_values()], index=list(tracked_values()))
