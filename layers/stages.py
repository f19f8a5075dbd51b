"""The one vocabulary from the plan's verbs to plan stages.

An item's ``stage_phrase`` is the verb (verbatim) that governs it in the plan's text, and its
``plan_stage`` is whatever this table says that verb means, for every item alike: a verb cannot
mean "construction" for one project and "upgrade" for another. A 专栏 heading such as
新时代十大文化设施 is not a verb; such items take the verb of the body paragraph that names the
heading (加快建设“新时代十大文化设施”), cited in ``other_citations``.
"""
from __future__ import annotations

# verb phrase (verbatim in the plan) -> plan stage (a key of layers.schema.PLAN_STAGES)
VERB_STAGES: dict[str, str] = {
    # study: research, feasibility, exploration
    "规划研究": "study",
    "研究论证": "study",
    "研究规划建设": "study",
    "前期研究": "study",
    "探索": "study",
    "探索建设": "study",
    # plan: planned or to be set up, works not yet begun
    "规划建设": "plan",
    "谋划建设": "plan",
    "高标准规划建设": "plan",
    "高水平规划建设": "plan",
    "规划新、扩、续建": "plan",
    "布局": "plan",
    "拟设": "plan",
    "纳入": "plan",
    "设立": "plan",
    # preparation: preparatory work before construction
    "前期工作": "preparation",
    "筹建": "preparation",
    # start of works
    "启动": "start",
    "启动建设": "start",
    "开工建设": "start",
    # construction: building or pushing works forward
    "建设": "construction",
    "新建": "construction",
    "加快": "construction",
    "加快建设": "construction",
    "加快推进": "construction",
    "高标准加快推进": "construction",
    "加快创建": "construction",
    "加快建成": "construction",
    "推进": "construction",
    "重点推进": "construction",
    "推动": "construction",
    "实施": "construction",
    "开展": "construction",
    "打造": "construction",
    "着力打造": "construction",
    "重点打造": "construction",
    "重点建设": "construction",
    "高标准建设": "construction",
    "高水平建设": "construction",
    # complete: finished within the plan period (or, for chapter 1, already finished)
    "建成": "complete",
    "完成": "complete",
    "全面完成": "complete",
    "推动建成": "complete",
    "建成使用": "complete",
    # chapter 1 reviews 2016–2020 in these words: done before the plan period (items marked baseline)
    "拔地而起": "complete",
    "引进": "complete",
    # upgrade: improving or rebuilding what exists
    "改造": "upgrade",
    "提升": "upgrade",
    "品质提升": "upgrade",
    "改造提升": "upgrade",
    "改造升级": "upgrade",
    "改扩建": "upgrade",
    "提标改造": "upgrade",
    "强化": "upgrade",
    "保护利用": "upgrade",
    "重点保护利用": "upgrade",
    # verbs that support or rely on something without saying what will be built
    "依托": "unspecified",
    "充分发挥": "unspecified",
    "办好": "unspecified",
    "支持": "unspecified",
    "积极支持": "unspecified",
    "重点支持": "unspecified",
    "聚焦": "unspecified",
    "发展": "unspecified",
    "培育": "unspecified",
}


class UnknownVerb(KeyError):
    """A stage phrase that the vocabulary does not know: add it here, with its stage, for every item."""


def stage_of(phrase: str) -> str:
    """The plan stage a verb phrase means; unknown phrases are an error, never a guess."""
    try:
        return VERB_STAGES[phrase]
    except KeyError:
        raise UnknownVerb(f"stage_phrase {phrase!r} is not in the verb vocabulary (layers/stages.py)") from None


def problems(stage_phrase: str, plan_stage: str) -> list[str]:
    """What is wrong with an item's stage against the vocabulary (empty when it agrees)."""
    if stage_phrase not in VERB_STAGES:
        return [f"stage_phrase {stage_phrase!r} is not a verb of the vocabulary in layers/stages.py"]
    expected = VERB_STAGES[stage_phrase]
    if plan_stage != expected:
        return [f"plan_stage {plan_stage!r} disagrees with its stage_phrase {stage_phrase!r}, which means {expected!r}"]
    return []
