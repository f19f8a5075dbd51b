"""Exports a reader can use without a code book: readable labels beside the codes, citations, telling file names."""
from __future__ import annotations

import csv
import datetime as dt
import io

from district_profiles import load_profiles
from layers.export import ExportLabels, export_file_name, to_csv_bytes
from layers.locate import catalogue_frame
from plan_text import load_plan


def labels() -> ExportLabels:
    plan = load_plan()
    return ExportLabels({d: (p.name_zh, p.name_en) for d, p in load_profiles().items()},
                        {p.id: (p.citation_zh, p.citation_en) for p in plan.paragraphs})


def test_csv_carries_zh_and_en_labels_beside_the_codes_and_the_citation():
    frame = catalogue_frame()
    row = frame[frame["districts"].map(len) > 1].iloc[0]
    text = to_csv_bytes(frame[frame["id"] == row["id"]], labels()).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    out = next(csv.DictReader(io.StringIO(text)))
    for code in ("category", "plan_stage", "districts", "precision"):
        assert header.index(f"{code}_zh") == header.index(code) + 1
        assert header.index(f"{code}_en") == header.index(code) + 2
    assert out["districts"] == ";".join(row["districts"])  # the codes stay for machines
    profiles = load_profiles()
    assert out["districts_zh"] == ";".join(profiles[d].name_zh for d in row["districts"])
    assert out["districts_en"] == ";".join(profiles[d].name_en for d in row["districts"])
    para = load_plan().get(row["paragraph_id"])
    assert out["citation_zh"] == para.citation_zh and out["citation_en"] == para.citation_en
    assert header.index("citation_zh") == header.index("paragraph_id") + 1
    assert out["precision_zh"] and out["precision_zh"] != out["precision"]


def test_file_names_say_district_filters_and_day():
    day = dt.date(2026, 11, 27)
    assert export_file_name("csv", day) == "shenzhen-14fyp_all_2026-11-27.csv"
    name = export_file_name("geojson", day, district="longgang", chosen={"cat": ("railway", "metro"), "ch": ()},
                            query="机场 / ../x")
    assert name.startswith("shenzhen-14fyp_longgang_cat-railway+metro_q-机场-")
    assert name.endswith("_2026-11-27.geojson") and "/" not in name and ".." not in name
