"""English titles of the plan's parts and chapters: one per heading, beside the plan's verbatim Chinese title,
shown as translations wherever the English interface names a part or a chapter."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import settings
from fileio import DataError
from layers import filters
from layers.filter_table import FILTERS
from layers.filter_table import filter_context as make_filter_context
from layers.locate import catalogue_frame
from plan_text import load_plan
from plan_text.headings import load_headings, read_headings

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_part_and_chapter_of_the_plan_has_an_english_title():
    plan, titles = load_plan(), load_headings()
    assert len(plan.parts) == 10 and len(plan.chapters) == 19
    assert set(titles.parts) == set(plan.parts) and set(titles.chapters) == set(plan.chapters)
    for n, title in plan.parts.items():
        zh, en = titles.parts[n]
        assert zh == title, n  # the Chinese stays the plan's own heading, verbatim
        assert en.strip() and not CJK.search(en), n
    for n, (_part, title) in plan.chapters.items():
        zh, en = titles.chapters[n]
        assert zh == title, n
        assert en.strip() and not CJK.search(en), n
    english = [en for _zh, en in [*titles.parts.values(), *titles.chapters.values()]]
    assert len(set(english)) == len(english), "two headings share one translation"


def test_the_file_says_its_titles_are_translations():
    head = settings.PLAN_HEADINGS_EN_PATH.read_text(encoding="utf-8").split("parts:")[0]
    assert "TRANSLATIONS" in head and "verbatim" in head


def test_labels_name_the_heading_in_the_interface_language():
    titles = load_headings()
    assert titles.chapter(6, "zh") == "第六章 提升城市功能品质和综合承载力"
    assert titles.chapter(6, "en") == ("Chapter 6: Raising the city's functions, quality and overall carrying capacity"
                                       " (第六章)")
    assert titles.part(10, "en").startswith("Part 10: ") and titles.part(10, "en").endswith("(第十篇)")


def _write(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(settings.PLAN_HEADINGS_EN_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "headings_en.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["chapters"].pop(12), "chapters: no English title for 12"),
    (lambda d: d["chapters"][6].update(en=" "), "chapters.6.en: missing English title"),
    (lambda d: d["parts"][3].update(zh="增强深圳的核心引擎功能"), "parts.3.zh: "),
    (lambda d: d["chapters"].update({20: {"zh": "x", "en": "y"}}), "chapters.20: the plan has no such chapter"),
    (lambda d: d.pop("parts"), "parts: expected a mapping"),
])
def test_a_bad_translation_file_is_refused_naming_the_field(tmp_path, edit, message):
    path = _write(tmp_path, edit)
    with pytest.raises(DataError) as err:
        read_headings(load_plan(), path)
    assert message in str(err.value) and "headings_en.yaml" in str(err.value)
    assert str(tmp_path) not in str(err.value)  # no server path


def test_sidebar_filters_and_district_charts_use_the_english_titles():
    from district_profiles import load_profiles

    ctx = make_filter_context(load_plan(), load_profiles())
    by_name = {f.name: f for f in FILTERS}
    en, zh = by_name["chapters"].label(16, "en", ctx), by_name["chapters"].label(16, "zh", ctx)
    assert en == "Chapter 16: Creating a beautiful, liveable ecological city (第十六章)"
    assert zh == "第十六章 打造美丽宜居生态城市"
    assert by_name["parts"].label(7, "en", ctx).startswith("Part 7: Leading in creating a model of Beautiful China")
    frame = catalogue_frame()
    labels_en = list(filters.chapter_counts(frame, "en", load_headings()).index)
    assert "Ch. 6 Raising the city's functions, quality and overall carrying capacity" in labels_en
    assert not any(CJK.search(label) for label in labels_en)
    numbers = [int(label.split()[1]) for label in labels_en]
    assert numbers == sorted(numbers)  # still in the plan's order
    assert filters.chapter_counts(frame, "zh", load_headings()).index[0] == "第一章 发展基础"
