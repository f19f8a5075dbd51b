"""Tours: the shipped tour's words are the plan's, and a bad tour file is rejected naming file and step."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from layers.locate import catalogue_frame
from layers.schema import DISTRICT_IDS
from plan_text import load_plan
from publish.tour import DEFAULT_TOUR_PATH, MAX_QUOTE_CHARS, TourError, framed_item_ids, load_tour


def _write(tmp_path: Path, data: object, name: str = "my-tour.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _default_raw() -> dict:
    return yaml.safe_load(DEFAULT_TOUR_PATH.read_text(encoding="utf-8"))


def test_default_tour_walks_the_ten_parts_then_the_eleven_districts():
    tour = load_tour()
    frames = [(s.frame.part, s.frame.district) for s in tour.steps]
    assert frames[:10] == [(n, None) for n in range(1, 11)]
    assert [d for _, d in frames[10:]] == list(DISTRICT_IDS)
    assert len({s.id for s in tour.steps}) == len(tour.steps) == 21


def test_every_step_quotes_the_plan_verbatim_and_briefly():
    plan = load_plan()
    for step in load_tour().steps:
        assert step.quote.text in plan.get(step.quote.paragraph_id).text, step.id
        assert len(step.quote.text) <= MAX_QUOTE_CHARS
        assert step.title_zh and step.title_en


def test_district_steps_frame_the_districts_items():
    tour = load_tour()
    frame = catalogue_frame()
    nanshan = framed_item_ids(tour.step("district-nanshan"), frame)
    assert nanshan and all("nanshan" in frame.set_index("id").loc[i, "districts"] for i in nanshan)
    part3 = framed_item_ids(tour.step("part-03"), frame)
    assert len(part3) == int((frame["part"] == 3).sum())


def test_listed_items_are_framed_in_the_order_given(tmp_path):
    raw = _default_raw()
    raw["steps"] = [raw["steps"][2] | {"frame": {"items": ["shenzhen-airport-third-runway", "futian-bonded-zone"]}}]
    tour = load_tour(_write(tmp_path, raw))
    assert framed_item_ids(tour.steps[0], catalogue_frame()) == ["shenzhen-airport-third-runway",
                                                                 "futian-bonded-zone"]


def test_unknown_step_names_the_steps_there_are():
    with pytest.raises(TourError, match="unknown tour step 'part-99'.*part-01"):
        load_tour().step("part-99")


def test_quote_not_in_the_plan_is_rejected_naming_file_and_step(tmp_path):
    raw = _default_raw()
    raw["steps"][3]["quote"]["text"] = "深圳将于2023年建成全球最高的塔"
    with pytest.raises(TourError) as err:
        load_tour(_write(tmp_path, raw))
    message = str(err.value)
    assert "my-tour.yaml" in message and "step part-04" in message and "does not occur verbatim" in message
    assert "\n" not in message  # one problem, one line


def test_missing_quote_is_rejected_naming_file_and_step(tmp_path):
    raw = _default_raw()
    del raw["steps"][12]["quote"]
    with pytest.raises(TourError, match=r"my-tour\.yaml: step district-yantian: field quote: Field required"):
        load_tour(_write(tmp_path, raw))


def test_every_problem_is_listed_at_once(tmp_path):
    raw = _default_raw()
    raw["steps"][0]["quote"]["paragraph_id"] = "ch99-s01-p01"
    raw["steps"][1]["frame"] = {"district": "hongkong"}
    raw["steps"][2]["frame"] = {"items": ["no-such-item"]}
    raw["steps"][3]["frame"] = {}
    with pytest.raises(TourError) as err:
        load_tour(_write(tmp_path, raw))
    message = str(err.value)
    assert "4 problems" in message
    for expected in ("step part-01: quote.paragraph_id 'ch99-s01-p01' does not exist",
                     "step part-02: frame.district: unknown district 'hongkong'",
                     "step part-03: frame.items: unknown catalogue item 'no-such-item'",
                     "step part-04: frame names nothing"):
        assert expected in message


def test_a_whole_paragraph_is_not_a_short_quote(tmp_path):
    raw = _default_raw()
    raw["steps"][3]["quote"]["text"] = load_plan().get("part04-p01").text
    with pytest.raises(TourError) as err:
        load_tour(_write(tmp_path, raw))
    assert "step part-04: field quote.text" in str(err.value)


def test_duplicate_step_ids_are_rejected(tmp_path):
    raw = _default_raw()
    raw["steps"][4]["id"] = raw["steps"][5]["id"]
    with pytest.raises(TourError, match="step part-06: duplicate step id"):
        load_tour(_write(tmp_path, raw))


def test_unreadable_or_malformed_file_is_named(tmp_path):
    with pytest.raises(TourError, match="absent.yaml: cannot read"):
        load_tour(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: [unclosed", encoding="utf-8")
    with pytest.raises(TourError, match="bad.yaml: not valid YAML"):
        load_tour(bad)
    with pytest.raises(TourError, match="list.yaml: expected a mapping"):
        load_tour(_write(tmp_path, [1, 2], "list.yaml"))
