"""District profiles: eleven areas, each quoting 专栏4 verbatim."""
from __future__ import annotations

import shutil

import pytest

from district_profiles import ProfileError, load_profiles, load_profiles_from
from layers.schema import DISTRICT_IDS
from plan_text import load_plan


def test_eleven_profiles():
    assert set(load_profiles()) == set(DISTRICT_IDS)


def test_positioning_is_the_full_verbatim_row_of_column_4():
    plan = load_plan()
    for p in load_profiles().values():
        para = plan.get(p.positioning.paragraph_id)
        assert para.column_no == 4
        assert para.text == f"{p.name_zh}:{p.positioning.quote}"


def test_key_areas_are_named_in_the_row():
    plan = load_plan()
    profiles = load_profiles()
    assert [k.name_zh for k in profiles["nanshan"].key_areas] == [
        "前海深港现代服务业合作区", "西丽湖国际科教城", "蛇口国际海洋城", "西丽高铁新城", "深圳湾超级总部基地"]
    for p in profiles.values():
        text = plan.get(p.positioning.paragraph_id).text
        assert p.key_areas and all(k.name_zh in text for k in p.key_areas)


def test_a_misquoted_profile_is_reported_with_file_and_field(tmp_path):
    for path in (load_profiles.__wrapped__.__globals__["settings"].DISTRICT_PROFILES_DIR).glob("*.yaml"):
        shutil.copy(path, tmp_path)
    target = tmp_path / "futian.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("国际交往中心", "国际交流中心"), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"futian.yaml: positioning.quote does not occur verbatim"):
        load_profiles_from(tmp_path)
