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


def test_chapter_1_achievements_are_a_baseline_completed_before_the_plan_period():
    """Chapter 1 reviews 2016–2020: its items are marked baseline (a layer that can be hidden), complete, and
    no item of the plan period is."""
    plan = load_plan()
    items = load_catalogue()
    baseline = {i.id for i in items if i.baseline}
    in_chapter_1 = {i.id for i in items if plan.get(i.paragraph_id).chapter_no == 1}
    assert baseline == in_chapter_1
    assert {"guangzhou-shenzhen-hong-kong-xrl", "heung-yuen-wai-port", "shenzhen-world-exhibition-centre",
            "cams-cancer-hospital-shenzhen", "fuwai-hospital-shenzhen"} <= baseline
    assert all(i.plan_stage == "complete" for i in items if i.baseline)


def test_chapter_6_urban_core_streets_and_coastal_areas_are_catalogued():
    from layers.locate import catalogue_frame

    frame = catalogue_frame().set_index("id")
    text = load_plan().get("ch06-s01-p14").text
    for key, name, district in [("xinan", "新安", "baoan"), ("xixiang", "西乡", "baoan"), ("minzhi", "民治", "longhua"),
                                ("longhua", "龙华", "longhua"), ("bantian", "坂田", "longgang"),
                                ("buji", "布吉", "longgang"), ("jihua", "吉华", "longgang"),
                                ("nanwan", "南湾", "longgang")]:
        row = frame.loc[f"urban-core-{key}"]
        assert name in text and row["name_zh"].startswith(name)
        assert district in row["districts"], key
    for name in ("西部创新活力湾区", "中部都市亲海休闲活力区", "东部山海生态度假区"):
        assert (frame["name_zh"] == name).sum() == 1
    assert bool(frame.loc["urban-core-buji", "baseline"]) is False
