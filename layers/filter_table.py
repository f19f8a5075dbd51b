"""The filters, declared once: each entry drives the link, the sidebar widget, the filtering and the counts.

Adding a filter is one ``FilterField`` in ``FILTERS``. The link parser (``filters.from_query``), the link
writer (``filters.to_query``), ``filters.apply``, the app's session state and its sidebar widgets all
loop over this table, so they cannot disagree. A filter's column need not come from the catalogue: the
app may add it to the frame before filtering (a status tracked after the plan, for instance).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, Protocol

from district_profiles import DistrictProfile, load_profiles
from layers.schema import CATEGORIES, DISTRICT_IDS, PLAN_STAGES, PRECISIONS
from plan_text import PlanIndex, load_plan
from plan_text.headings import Headings, read_headings
from tracking.frame import outcome_label, outcome_values, tracked_label, tracked_values


class Bilingual(Protocol):
    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


@dataclass(frozen=True)
class FilterContext:
    """What some vocabularies and labels need from the plan and the district profiles (passed in, not imported)."""

    parts: Mapping[int, str] = field(default_factory=dict)  # part -> title
    chapters: Mapping[int, tuple[int, str]] = field(default_factory=dict)  # chapter -> (part, title)
    districts: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> (zh, en)
    headings: Headings | None = None  # English titles of parts and chapters (translations)

    def titles(self) -> Headings:
        """Part and chapter titles for labels: the translations when given, else the plan's Chinese only."""
        if self.headings is not None:
            return self.headings
        return Headings({n: (t, "") for n, t in self.parts.items()},
                        {n: (t, "") for n, (_p, t) in self.chapters.items()})


Values = Callable[[FilterContext], Sequence[object]]
Label = Callable[[object, str, FilterContext], str]
Narrow = Callable[[object, Mapping[str, tuple[object, ...]], FilterContext], bool]


@dataclass(frozen=True)
class FilterField:
    """One filter: where it lives in the link, the frame and the sidebar, and which values it accepts.

    ``values`` gives the allowed values in display order; ``label`` names one value (zh or en);
    ``list_column`` means each row holds a list (an item lying in several districts matches each);
    ``show_counts`` adds the number of items per value to the widget's labels; ``narrow`` (optional)
    hides values that other chosen filters exclude (chapters outside the chosen parts).
    """

    name: str  # the key in ViewState.filters, and the widget's session key "f_<name>"
    key: str  # the link's query key
    column: str  # the frame column filtered on
    label_zh: str
    label_en: str
    values: Values
    label: Label
    cast: Callable[[str], object] = str
    list_column: bool = False
    show_counts: bool = True
    narrow: Narrow | None = None

    @property
    def session_key(self) -> str:
        return f"f_{self.name}"

    def title(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def choices(self, ctx: FilterContext, chosen: Mapping[str, tuple[object, ...]]) -> list[object]:
        """The values offered in the widget, given what the other filters hold."""
        values = list(self.values(ctx))
        if self.narrow is None:
            return values
        narrow = self.narrow
        return [v for v in values if narrow(v, chosen, ctx)]


class PeriodLabel(NamedTuple):
    zh: str
    en: str


# The ``period`` column (``layers.locate``): what the plan sets for 2021–2025, or its 2016–2020 baseline.
PERIODS: dict[str, PeriodLabel] = {
    "plan": PeriodLabel("“十四五”规划项目(2021–2025)", "Plan items (2021–2025)"),
    "baseline": PeriodLabel("“十三五”已建成(2016–2020,第一章)", "Completed 2016–2020 (chapter 1 baseline)"),
}


def fixed(values: Sequence[object]) -> Values:
    """A vocabulary that does not depend on the plan or the profiles."""
    frozen = tuple(values)
    return lambda _ctx: frozen


def zh_en(labels: Mapping[str, Bilingual]) -> Label:
    """"中文 English" from a label table with ``.zh`` and ``.en`` fields (the same in both languages)."""
    return lambda v, _lang, _ctx: f"{labels[str(v)].zh} {labels[str(v)].en}"


def _part_label(v: object, lang: str, ctx: FilterContext) -> str:
    return ctx.titles().part(int(str(v)), lang)


def _chapter_label(v: object, lang: str, ctx: FilterContext) -> str:
    return ctx.titles().chapter(int(str(v)), lang)


def _chapter_in_chosen_parts(v: object, chosen: Mapping[str, tuple[object, ...]], ctx: FilterContext) -> bool:
    parts = chosen.get("parts", ())
    return not parts or ctx.chapters.get(int(str(v)), (0, ""))[0] in parts


def _pair(label: Callable[[str], tuple[str, str]]) -> Label:
    """"中文 English" (or "English 中文") from a function giving a value's (zh, en)."""
    def name(v: object, lang: str, _ctx: FilterContext) -> str:
        zh, en = label(str(v))
        return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"
    return name


def district_label(v: object, lang: str, ctx: FilterContext) -> str:
    """A district's name, the interface language first."""
    zh, en = ctx.districts.get(str(v), (str(v), str(v)))
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


FILTERS: tuple[FilterField, ...] = (
    FilterField("parts", "part", "part", "篇", "Part (篇)",
                values=lambda ctx: sorted(ctx.parts), label=_part_label, cast=int),
    FilterField("chapters", "ch", "chapter", "章", "Chapter (章)",
                values=lambda ctx: sorted(ctx.chapters), label=_chapter_label, cast=int,
                narrow=_chapter_in_chosen_parts),
    FilterField("stages", "stage", "plan_stage", "规划阶段(2021–2025)", "Plan stage (2021–2025)",
                values=fixed(list(PLAN_STAGES)), label=zh_en(PLAN_STAGES)),
    FilterField("categories", "cat", "category", "类别 / 图层", "Category / layer",
                values=fixed(list(CATEGORIES)), label=zh_en(CATEGORIES)),
    FilterField("districts", "dist", "districts", "所在区", "District",
                values=fixed(DISTRICT_IDS), label=district_label, list_column=True, show_counts=False),
    FilterField("precisions", "prec", "precision", "定位精度", "Location precision",
                values=fixed(list(PRECISIONS)), label=zh_en(PRECISIONS), show_counts=False),
    # Items chapter 1 lists as completed in 2016–2020 (before the plan period): a "baseline" layer to show or hide.
    FilterField("periods", "period", "period", "时期", "Period",
                values=fixed(list(PERIODS)), label=zh_en(PERIODS)),
    # Progress tracked after the plan (columns added by tracking.frame.with_progress for the "as of" date).
    FilterField("tracked", "tracked", "tracked_status", "实施状态", "Tracked status",
                values=fixed(tracked_values()), label=_pair(tracked_label)),
    FilterField("outcomes", "outcome", "outcome", "规划与实际", "Plan against actual",
                values=fixed(outcome_values()), label=_pair(outcome_label)),
)


def filter_context(plan: PlanIndex, profiles: Mapping[str, DistrictProfile]) -> FilterContext:
    """The context from a loaded plan index, its English headings and the district profiles."""
    return FilterContext(parts=dict(plan.parts), chapters=dict(plan.chapters),
                         districts={d: (p.name_zh, p.name_en) for d, p in profiles.items()},
                         headings=read_headings(plan))


@lru_cache(maxsize=1)
def default_context() -> FilterContext:
    """The context of the shipped plan and profiles (loaded once per process)."""
    return filter_context(load_plan(), load_profiles())
