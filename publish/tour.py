"""Tours through the plan: steps a presenter walks through with a clicker or the keyboard.

A tour is data (YAML, ``publish/tours/default.yaml``), so a planner can write their own. Each step
carries a short verbatim quote with its paragraph id, checked against the plan on load: a tour can
never put words in the plan's mouth. A bad file is rejected with its name and the step at fault.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import settings
from layers.schema import DISTRICT_IDS
from plan_text import PlanIndex, load_plan

DEFAULT_TOUR_PATH: Path = settings.ROOT / "publish" / "tours" / "default.yaml"
# A quote on a slide is read aloud from across a room: a phrase or a clause, not a paragraph.
MAX_QUOTE_CHARS = 80


class TourError(ValueError):
    """A tour file or a requested step is invalid; the message names the file and the step."""


class TourQuote(BaseModel):
    """A short verbatim quote from one paragraph of the plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    paragraph_id: str
    text: str = Field(min_length=2, max_length=MAX_QUOTE_CHARS)


class TourFrame(BaseModel):
    """What the map frames and highlights for a step: listed items, a district, a part or a chapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    items: tuple[str, ...] = ()
    district: str | None = None
    part: int | None = Field(default=None, ge=1, le=10)
    chapter: int | None = Field(default=None, ge=1, le=19)

    @property
    def is_empty(self) -> bool:
        return not (self.items or self.district or self.part or self.chapter)


class TourStep(BaseModel):
    """One slide of the tour."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    quote: TourQuote
    frame: TourFrame


class Tour(BaseModel):
    """A named sequence of steps, in the order a presenter walks through them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    steps: tuple[TourStep, ...] = Field(min_length=1)

    def step(self, step_id: str) -> TourStep:
        """The step with that id; an unknown id is an error naming the ids there are."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise TourError(f"unknown tour step {step_id!r}; steps are: {', '.join(s.id for s in self.steps)}")

    def index_of(self, step_id: str) -> int:
        return self.steps.index(self.step(step_id))


def _where(err: Mapping[str, Any], raw_steps: object) -> str:
    loc = list(err["loc"])
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        i = loc[1]
        sid = None
        if isinstance(raw_steps, list) and i < len(raw_steps) and isinstance(raw_steps[i], dict):
            sid = raw_steps[i].get("id")
        field = ".".join(str(x) for x in loc[2:]) or "(step)"
        return f"step {sid or f'#{i + 1}'}: field {field}"
    return "field " + (".".join(str(x) for x in loc) or "(tour)")


def check_tour(tour: Tour, plan: PlanIndex, item_ids: Iterable[str]) -> list[str]:
    """Problems with a parsed tour against the plan and the catalogue (empty when all is well)."""
    known_items = set(item_ids)
    problems: list[str] = []
    seen: set[str] = set()
    for s in tour.steps:
        where = f"step {s.id}"
        if s.id in seen:
            problems.append(f"{where}: duplicate step id")
        seen.add(s.id)
        pid = s.quote.paragraph_id
        if pid not in plan:
            problems.append(f"{where}: quote.paragraph_id {pid!r} does not exist in the plan")
        elif s.quote.text not in plan.get(pid).text:
            problems.append(f"{where}: quote.text {s.quote.text!r} does not occur verbatim in paragraph {pid}")
        if s.frame.is_empty:
            problems.append(f"{where}: frame names nothing (give items, district, part or chapter)")
        for item in s.frame.items:
            if item not in known_items:
                problems.append(f"{where}: frame.items: unknown catalogue item {item!r}")
        if s.frame.district is not None and s.frame.district not in DISTRICT_IDS:
            problems.append(f"{where}: frame.district: unknown district {s.frame.district!r}")
        if s.frame.chapter is not None and s.frame.chapter not in plan.chapters:
            problems.append(f"{where}: frame.chapter: the plan has no chapter {s.frame.chapter}")
    return problems


def _listing(problems: list[str]) -> str:
    """One line for one problem; a count and one line each when there are more."""
    if len(problems) == 1:
        return f"invalid tour: {problems[0]}"
    return f"invalid tour ({len(problems)} problems):\n" + "\n".join(problems)


def load_tour(path: Path | str = DEFAULT_TOUR_PATH, plan: PlanIndex | None = None,
              item_ids: Iterable[str] | None = None) -> Tour:
    """Read and check a tour file; raise ``TourError`` listing every problem with file and step."""
    path = Path(path)
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TourError(f"{name}: cannot read the tour file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise TourError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise TourError(f"{name}: expected a mapping with title_zh, title_en and steps")
    try:
        tour = Tour.model_validate(raw)
    except ValidationError as exc:
        raise TourError(_listing([f"{name}: {_where(e, raw.get('steps'))}: {e['msg']}" for e in exc.errors()])) \
            from None
    if item_ids is None:
        from layers.catalogue import load_catalogue

        item_ids = [i.id for i in load_catalogue()]
    problems = check_tour(tour, plan or load_plan(), item_ids)
    if problems:
        raise TourError(_listing([f"{name}: {p}" for p in problems]))
    return tour


def framed_item_ids(step: TourStep, df: pd.DataFrame) -> list[str]:
    """Ids of the catalogue items a step highlights: the listed items, else those of its part,
    chapter or district (all that apply, combined with AND). ``df`` is the catalogue frame."""
    if step.frame.items:
        return [i for i in step.frame.items if i in set(df["id"])]
    mask = pd.Series(True, index=df.index)
    if step.frame.part is not None:
        mask &= df["part"] == step.frame.part
    if step.frame.chapter is not None:
        mask &= df["chapter"] == step.frame.chapter
    if step.frame.district is not None:
        d = step.frame.district
        mask &= df["districts"].map(lambda ds: d in ds)
    return list(df.loc[mask, "id"])
