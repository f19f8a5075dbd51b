"""Tracked progress joined to the catalogue: the columns filters, map colours, charts and exports read."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from tracking.frame import NO_RECORD, ProgressFrames, outcome_counts, status_counts, tracked_values, with_progress
from tracking.store import Record, States


def _record(item_id: str, status: str, as_of: date, rid: int = 1) -> Record:
    return Record(id=rid, item_id=item_id, seq=1, kind="record", status=status, as_of=as_of, evidence="doc 1",
                  note="", user="lg", recorded_at=datetime(2025, 1, 2, tzinfo=UTC), corrects=None,
                  reverts_to=None)


FRAME = pd.DataFrame({"id": ["a", "b", "c"], "plan_stage": ["complete", "start", "complete"],
                      "districts": [["longgang"], ["futian"], ["nanshan"]]})


def test_items_without_a_record_say_so_and_count_as_no_record():
    out = with_progress(FRAME, {"a": _record("a", "in_service", date(2024, 5, 1))}, date(2025, 6, 30))
    assert list(out["tracked_status"]) == ["in_service", NO_RECORD, NO_RECORD]
    assert list(out["tracked_as_of"]) == ["2024-05-01", "", ""]
    assert list(out["outcome"]) == ["done", "no_record", "no_record"]
    assert "tracked_status" not in FRAME.columns  # the catalogue frame itself is not changed


def test_outcome_depends_on_the_date_the_plan_is_judged_on():
    states = {"c": _record("c", "under_construction", date(2024, 1, 1))}
    assert with_progress(FRAME, states, date(2025, 6, 30)).set_index("id").loc["c", "outcome"] == "on_track"
    assert with_progress(FRAME, states, date(2026, 3, 1)).set_index("id").loc["c", "outcome"] == "behind"


def test_counts_keep_the_vocabulary_order_with_zeros():
    out = with_progress(FRAME, {"b": _record("b", "under_construction", date(2023, 1, 1))}, date(2025, 1, 1))
    oc = outcome_counts(out)
    assert list(oc.index) == ["done", "on_track", "behind", "changed", "no_record"]
    assert list(oc) == [1, 0, 0, 0, 2]
    sc = status_counts(out)
    assert list(sc.index) == list(tracked_values()) and sc[NO_RECORD] == 2 and sc["under_construction"] == 1
    assert tracked_values()[-1] == NO_RECORD


def test_a_joined_frame_is_kept_by_the_states_version_and_joined_anew_when_it_changes():
    frames = ProgressFrames(kept=2)
    day = date(2025, 6, 30)
    v1 = States({"a": _record("a", "in_service", date(2024, 5, 1))}, (1, day, 1))
    first = frames.joined(FRAME, v1, day)
    assert frames.joined(FRAME, States(dict(v1), (1, day, 1)), day) is first  # same version: the kept answer
    v2 = States({"a": _record("a", "on_hold", date(2025, 1, 1), rid=2)}, (1, day, 2))
    second = frames.joined(FRAME, v2, day)
    assert second is not first and second.set_index("id").loc["a", "tracked_status"] == "on_hold"
    assert frames.joined(FRAME, v1, date(2026, 3, 1)).set_index("id").loc["a", "outcome"] == "done"
    other = FRAME.copy()
    assert frames.joined(other, v2, day) is not second  # another frame
    unversioned = {"a": _record("a", "preparation", date(2024, 5, 1))}
    assert frames.joined(FRAME, unversioned, day).set_index("id").loc["a", "tracked_status"] == "preparation"
