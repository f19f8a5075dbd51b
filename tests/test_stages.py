"""Stages come from the verb that governs each item in the plan, through one vocabulary."""
from __future__ import annotations

import pytest
import yaml

import settings
from layers.catalogue import CatalogueError, load_catalogue, load_items
from layers.schema import PLAN_STAGES
from layers.stages import VERB_STAGES, UnknownVerb, stage_of
from plan_text import load_plan


def _cited_text(item) -> str:
    plan = load_plan()
    pids = [item.paragraph_id] + [c.paragraph_id for c in item.other_citations]
    return "\n".join(plan.get(pid).text for pid in pids)


def test_every_stage_comes_from_its_phrase_through_the_one_vocabulary():
    wrong = [(i.id, i.stage_phrase, i.plan_stage) for i in load_catalogue()
             if VERB_STAGES.get(i.stage_phrase) != i.plan_stage]
    assert wrong == []


def test_every_stage_phrase_occurs_in_the_items_quote_or_a_paragraph_it_cites():
    missing = [(i.id, i.stage_phrase) for i in load_catalogue()
               if i.stage_phrase not in i.quote and i.stage_phrase not in _cited_text(i)]
    assert missing == []


def test_no_stage_phrase_is_a_column_heading():
    """A 专栏 row's heading (新时代十大文化设施:…) names a group, it is not a verb."""
    headings = {p.text.split(":", 1)[0] for p in load_plan().paragraphs if p.column_no and ":" in p.text}
    assert headings  # the plan has 专栏 rows with headings
    assert not headings & set(VERB_STAGES)
    assert [i.id for i in load_catalogue() if i.stage_phrase in headings] == []


def test_the_vocabulary_maps_each_verb_to_one_known_stage():
    assert set(VERB_STAGES.values()) <= set(PLAN_STAGES)
    assert stage_of("筹建") == "preparation"
    stages_of_chou_jian = {i.plan_stage for i in load_catalogue() if i.stage_phrase == "筹建"}
    assert stages_of_chou_jian <= {"preparation"}
    with pytest.raises(UnknownVerb):
        stage_of("新时代十大文化设施")


def test_column_10_items_take_the_verbs_of_the_body_text():
    items = {i.id: i for i in load_catalogue()}
    for item_id in ("shenzhen-opera-house", "shenzhen-conservatory-of-music", "guoshen-museum"):
        assert (items[item_id].stage_phrase, items[item_id].plan_stage) == ("加快建设", "construction")
        assert any(c.paragraph_id == "ch10-s02-p01" for c in items[item_id].other_citations)
    for item_id in ("nantou-ancient-city", "dafen-oil-painting-village", "huaqiangbei-tech-fashion-district"):
        assert (items[item_id].stage_phrase, items[item_id].plan_stage) == ("全面完成", "complete")


def test_a_stage_that_disagrees_with_its_verb_is_reported_with_file_item_and_field(tmp_path):
    good = next(iter(sorted(settings.CATALOGUE_DIR.glob("*.yaml"))))
    items = yaml.safe_load(good.read_text(encoding="utf-8"))[:2]
    items[0]["plan_stage"] = "complete" if items[0]["plan_stage"] != "complete" else "study"
    items[1]["stage_phrase"] = "专栏"
    (tmp_path / "stages.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_items(tmp_path)
    msg = str(err.value)
    assert f"stages.yaml: item {items[0]['id']}: plan_stage" in msg and "disagrees" in msg
    assert f"stages.yaml: item {items[1]['id']}: stage_phrase '专栏' is not a verb" in msg
