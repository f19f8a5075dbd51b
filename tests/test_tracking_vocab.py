"""The status vocabulary and the one plan-stage → outcome rule, checked row by row against the documented table."""
from __future__ import annotations

from datetime import date

import pytest

from layers.schema import PLAN_STAGES
from tracking import vocab
from tracking.vocab import OUTCOMES, STATUSES, TARGETS, assess

BEFORE = date(2024, 6, 30)  # inside the plan period
DEADLINE = date(2025, 12, 31)
AFTER = date(2026, 1, 1)

LADDER = ["not_started", "preparation", "under_construction", "partly_in_service", "in_service"]


def test_statuses_in_order_with_labels() -> None:
    assert [(s.key, s.zh, s.en) for s in STATUSES] == [
        ("not_started", "未启动", "Not started"),
        ("preparation", "前期工作", "Preparation"),
        ("under_construction", "在建", "Under construction"),
        ("partly_in_service", "部分建成投用", "Partly in service"),
        ("in_service", "建成投用", "Completed, in service"),
        ("on_hold", "暂缓", "On hold"),
        ("changed_or_cancelled", "调整或取消", "Changed or cancelled"),
    ]
    assert [(o.key, o.zh, o.en) for o in OUTCOMES] == [
        ("done", "已完成", "Done"), ("on_track", "按计划推进", "On track"), ("behind", "滞后", "Behind"),
        ("changed", "调整", "Changed"), ("no_record", "无记录", "No record")]


def test_every_plan_stage_has_exactly_one_target() -> None:
    assert set(TARGETS) == set(PLAN_STAGES)
    for stage in PLAN_STAGES:
        assert stage in (vocab.__doc__ or ""), f"{stage} missing from the documented table"


# (plan stage, expected outcome per ladder status before the deadline, the same after the deadline)
TABLE = {
    "study": (["on_track", "done", "done", "done", "done"], ["behind", "done", "done", "done", "done"]),
    "plan": (["on_track", "done", "done", "done", "done"], ["behind", "done", "done", "done", "done"]),
    "preparation": (["on_track", "done", "done", "done", "done"], ["behind", "done", "done", "done", "done"]),
    "unspecified": (["on_track", "done", "done", "done", "done"], ["behind", "done", "done", "done", "done"]),
    "start": (["behind", "on_track", "done", "done", "done"], ["behind", "behind", "done", "done", "done"]),
    "construction": (["behind", "on_track", "done", "done", "done"], ["behind", "behind", "done", "done", "done"]),
    "complete": (["behind", "behind", "on_track", "on_track", "done"],
                 ["behind", "behind", "behind", "behind", "done"]),
    "upgrade": (["behind", "behind", "on_track", "on_track", "done"],
                ["behind", "behind", "behind", "behind", "done"]),
}


@pytest.mark.parametrize("stage", sorted(TABLE))
def test_assess_follows_the_table(stage: str) -> None:
    before, after = TABLE[stage]
    assert [assess(stage, s, BEFORE) for s in LADDER] == before
    assert [assess(stage, s, DEADLINE) for s in LADDER] == before  # the deadline day still counts
    assert [assess(stage, s, AFTER) for s in LADDER] == after
    for day in (BEFORE, AFTER):
        assert assess(stage, "on_hold", day) == "behind"
        assert assess(stage, "changed_or_cancelled", day) == "changed"
        assert assess(stage, None, day) == "no_record"


def test_unknown_values_are_refused() -> None:
    with pytest.raises(KeyError):
        assess("finish", "in_service", BEFORE)
    with pytest.raises(KeyError):
        assess("complete", "finished", BEFORE)
