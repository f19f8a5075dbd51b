"""The plan index: the paragraph ids every citation depends on."""
from __future__ import annotations

import re

import pytest

import settings
from plan_text import load_plan, parse_plan
from plan_text.index import cn_numeral


def test_shipped_text_is_the_plan():
    text = settings.PLAN_TEXT_PATH.read_text(encoding="utf-8")
    assert settings.PLAN_TITLE_ZH in text
    assert "专栏4:各区(新区、深汕特别合作区)发展定位" in text


def test_structure_matches_the_table_of_contents():
    plan = load_plan()
    assert sorted(plan.parts) == list(range(1, 11))
    assert sorted(plan.chapters) == list(range(1, 20))
    assert plan.chapters[6] == (3, "提升城市功能品质和综合承载力")
    assert plan.sections[(6, 3)] == "打造国际性综合交通枢纽"
    # 专栏1 is an image in the source and is missing; 2–11 are text.
    assert sorted(plan.columns) == list(range(2, 12))


def test_ids_are_unique_and_well_formed():
    plan = load_plan()
    ids = [p.id for p in plan.paragraphs]
    assert len(ids) == len(set(ids))
    pattern = re.compile(r"^(preface-p\d{2}|part\d{2}-p\d{2}|ch\d{2}-s\d{2}-p\d{2})$")
    assert all(pattern.match(i) for i in ids)


def test_known_paragraphs_have_stable_ids():
    plan = load_plan()
    assert plan.get("ch06-s01-p03").text.startswith("福田区:深圳行政、文化、金融")
    assert plan.get("ch06-s03-p07").text.startswith("空港:完成深圳机场三跑道")
    assert plan.get("ch06-s03-p07").column_no == 5
    assert plan.get("ch06-s01-p14").column_no is None  # the paragraph after 专栏4 is not a column row
    assert plan.get("preface-p01").text.startswith("深圳是改革开放后")


def test_citation_names_part_chapter_section_and_column():
    p = load_plan().get("ch06-s03-p07")
    assert p.citation_zh == "第三篇 · 第六章 · 第三节 · 专栏5 (ch06-s03-p07)"
    assert p.citation_en == "Part 3, Chapter 6, Section 3, Box 5 (ch06-s03-p07)"


def test_table_of_contents_is_not_body():
    plan = load_plan()
    # Headings appear in the table of contents too; none of them may become a paragraph.
    assert not any(p.text.startswith("第一节 ") for p in plan.paragraphs)
    assert plan.paragraphs[0].id == "preface-p01"


@pytest.mark.parametrize("text,value", [("一", 1), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20)])
def test_chinese_numerals(text, value):
    assert cn_numeral(text) == value


def test_text_without_body_marker_is_rejected():
    with pytest.raises(ValueError, match="start of the body"):
        parse_plan("目录\n第一章 标题\n")
