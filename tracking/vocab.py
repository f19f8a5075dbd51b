"""Tracked statuses, plan-against-actual outcomes and the one mapping between the plan's stages and them.

The plan (2021–2025) says for each item what should happen in the period (its ``plan_stage``, see
``layers.schema.PLAN_STAGES``). District offices record what did happen (a *status*). ``assess`` compares the two
for a given date. The whole rule is the table ``TARGETS`` below; the README repeats it.

Statuses form a ladder, in this order::

    not_started 未启动 < preparation 前期工作 < under_construction 在建 < partly_in_service 部分建成投用
        < in_service 建成投用

plus two statuses off the ladder: ``on_hold`` 暂缓 and ``changed_or_cancelled`` 调整或取消.

What the plan set for 2021–2025, by plan stage (deadline ``PLAN_DEADLINE`` = 2025-12-31):

============  =====================================  ========================  =================================
plan stage    target by the deadline                 done when status is at    on track (before the deadline
                                                     least                     only) when status is at least
============  =====================================  ========================  =================================
study         studies / preparatory work under way   preparation               not_started
plan          planned, preparatory work under way    preparation               not_started
preparation   preparatory work under way             preparation               not_started
start         works started                          under_construction        preparation
construction  under construction                     under_construction        preparation
complete      completed and in service               in_service                under_construction
upgrade       upgrade completed and in service       in_service                under_construction
unspecified   (no verb: read as "advance it", the    preparation               not_started
              least demanding reading)
============  =====================================  ========================  =================================

Outcome of ``assess(plan_stage, latest_status, as_of)``, where ``as_of`` is the date the assessment is made for:

- no status recorded → ``no_record`` 无记录;
- ``changed_or_cancelled`` → ``changed`` 调整 (its own outcome: the plan itself was changed, which is neither
  done nor behind);
- ``on_hold`` → ``behind`` 滞后 (whatever the date);
- a ladder status at or above "done when" → ``done`` 已完成;
- otherwise, on or before the deadline, at or above "on track" → ``on_track`` 按计划推进;
- everything else → ``behind`` 滞后 (after the deadline nothing short of "done" is on track).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Status:
    """A status a district office can record for an item."""

    key: str
    zh: str
    en: str
    rank: int | None  # position on the progress ladder; None for on_hold and changed_or_cancelled


@dataclass(frozen=True)
class Outcome:
    """The result of comparing the plan's target with the tracked status."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class Target:
    """What the plan set for 2021–2025 for one plan stage (one row of the table in the module docstring)."""

    plan_stage: str
    zh: str
    en: str
    done_from: str  # lowest ladder status that counts as done
    on_track_from: str  # lowest ladder status that counts as on track before the deadline


STATUSES: tuple[Status, ...] = (
    Status("not_started", "未启动", "Not started", 0),
    Status("preparation", "前期工作", "Preparation", 1),
    Status("under_construction", "在建", "Under construction", 2),
    Status("partly_in_service", "部分建成投用", "Partly in service", 3),
    Status("in_service", "建成投用", "Completed, in service", 4),
    Status("on_hold", "暂缓", "On hold", None),
    Status("changed_or_cancelled", "调整或取消", "Changed or cancelled", None),
)
STATUS_BY_KEY: dict[str, Status] = {s.key: s for s in STATUSES}
STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in STATUSES)

OUTCOMES: tuple[Outcome, ...] = (
    Outcome("done", "已完成", "Done"),
    Outcome("on_track", "按计划推进", "On track"),
    Outcome("behind", "滞后", "Behind"),
    Outcome("changed", "调整", "Changed"),
    Outcome("no_record", "无记录", "No record"),
)
OUTCOME_BY_KEY: dict[str, Outcome] = {o.key: o for o in OUTCOMES}

PLAN_START: date = date(2021, 1, 1)
PLAN_DEADLINE: date = date(2025, 12, 31)

TARGETS: dict[str, Target] = {t.plan_stage: t for t in (
    Target("study", "研究或前期工作已开展", "studies or preparatory work under way", "preparation", "not_started"),
    Target("plan", "已谋划并开展前期工作", "planned, preparatory work under way", "preparation", "not_started"),
    Target("preparation", "前期工作已开展", "preparatory work under way", "preparation", "not_started"),
    Target("start", "已开工", "works started", "under_construction", "preparation"),
    Target("construction", "在建", "under construction", "under_construction", "preparation"),
    Target("complete", "建成投用", "completed and in service", "in_service", "under_construction"),
    Target("upgrade", "提升改造完成并投用", "upgrade completed and in service", "in_service", "under_construction"),
    Target("unspecified", "推进(规划未写明要求)", "advanced (the plan states no verb)", "preparation",
           "not_started"),
)}


def assess(plan_stage: str, latest_status: str | None, as_of: date) -> str:
    """The outcome key for an item of ``plan_stage`` whose latest status is ``latest_status`` on ``as_of``.

    Pure: the same arguments always give the same answer. Raises ``KeyError`` for an unknown stage or status.
    """
    target = TARGETS[plan_stage]
    if latest_status is None:
        return "no_record"
    status = STATUS_BY_KEY[latest_status]
    if status.key == "changed_or_cancelled":
        return "changed"
    if status.rank is None:  # on_hold
        return "behind"
    if status.rank >= _rank(target.done_from):
        return "done"
    if as_of <= PLAN_DEADLINE and status.rank >= _rank(target.on_track_from):
        return "on_track"
    return "behind"


def _rank(key: str) -> int:
    rank = STATUS_BY_KEY[key].rank
    assert rank is not None
    return rank
