"""The English interface names parts and chapters in English (marked as translations), the About page is in
English, and the plan view's cited items and the shareable link can be acted on (AppTest)."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from layers.locate import catalogue_frame, items_by_paragraph
from plan_text import load_plan
from plan_text.headings import load_headings
from tests.conftest import start_app

TIMEOUT = 90
CJK = re.compile(r"[\u4e00-\u9fff]")


def shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def cited_paragraph() -> tuple[str, tuple[str, ...]]:
    """A paragraph cited by a few items (the plan view lists them)."""
    cites = items_by_paragraph(catalogue_frame())
    return next((p, ids) for p, ids in sorted(cites.items()) if 2 <= len(ids) <= 4)


def test_english_filters_offer_every_part_and_chapter_by_its_english_title():
    at = start_app(TIMEOUT, lang="en")
    titles = load_headings()
    parts = at.multiselect(key="f_parts__en").options
    chapters = at.multiselect(key="f_chapters__en").options
    assert len(parts) == len(load_plan().parts) and len(chapters) == len(load_plan().chapters)
    for n, (_zh, en) in titles.parts.items():
        assert any(o.startswith(f"Part {n}: {en} (") for o in parts), n
    for n, (_zh, en) in titles.chapters.items():
        assert any(o.startswith(f"Chapter {n}: {en} (") for o in chapters), n
    # Chinese keeps the plan's own titles
    at = start_app(TIMEOUT)
    assert "第六章 提升城市功能品质和综合承载力 (" in " ".join(at.multiselect(key="f_chapters__zh").options)


def test_english_plan_view_shows_titles_citations_and_precision_in_english():
    para, ids = cited_paragraph()
    p = load_plan().get(para)
    assert p.chapter_no is not None
    at = start_app(TIMEOUT, view="plan", para=para, lang="en")
    part_box, chapter_box = at.selectbox[0], at.selectbox[1]
    assert part_box.value == p.part_no and chapter_box.value == p.chapter_no
    assert all(o.startswith("Part ") for o in part_box.options)
    assert all(o.startswith("Chapter ") for o in chapter_box.options)
    captions = [shown(c.value) for c in at.caption]
    assert load_headings().chapter(p.chapter_no, "en") in " ".join(captions)  # the citation names its chapter
    assert any("translations" in c for c in captions)  # and says the English titles are translated
    assert any(shown(m.value).startswith(f"**{p.citation_en}**") for m in at.markdown)
    labels = [shown(b.label) for b in at.button if (b.key or "").startswith(f"cite_{para}_")]
    frame = catalogue_frame().set_index("id")
    assert sorted(labels) == sorted(frame.loc[list(ids), "name_en"])  # each item a button, named in English
    from layers.schema import PRECISIONS
    for i in ids:  # beneath each: its Chinese name and its precision in English
        assert f"{frame.loc[i, 'name_zh']} · {PRECISIONS[frame.loc[i, 'precision']].en}" in captions


def test_english_district_chart_names_chapters_in_english():
    at = start_app(TIMEOUT, view="district", district="futian", lang="en")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    labels = spec["encoding"]["y"]["sort"]
    assert labels and all(label.startswith("Ch. ") and not CJK.search(label) for label in labels)
    assert "Ch. 6 Raising the city's functions, quality and overall carrying capacity" in labels


def test_about_page_is_in_english_and_says_the_titles_are_translations():
    at = start_app(TIMEOUT, view="about", lang="en")
    headings = [shown(m.value) for m in at.markdown if m.value.startswith("#")]
    assert headings and not any(CJK.search(h) for h in headings), headings
    sources = next(shown(m.value) for m in at.markdown if "headings_en.yaml" in m.value)
    assert "translations" in sources and "**Plan**" in sources
    assert not CJK.search(re.sub(r"《[^》]*》", "", sources))  # only the plan's Chinese title, quoted
    for table in [*at.table, *at.dataframe]:
        columns = [str(c) for c in table.value.columns]
        assert not any(CJK.search(c) for c in columns), columns
    precision = at.table[0].value
    assert list(precision.columns)[0] == "Precision" and "Exact feature" in set(precision.iloc[:, 0])
    at = start_app(TIMEOUT, view="about")  # Chinese first in Chinese
    assert list(at.table[0].value.columns)[0] == "精度"


def click_cited_item(at: AppTest, para: str, item: str) -> AppTest:
    at.button(key=f"cite_{para}_{item}").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_cited_item_in_the_plan_view_selects_it_on_the_map_and_keeps_the_filters():
    para, ids = cited_paragraph()
    item = ids[-1]
    row = catalogue_frame().set_index("id").loc[item]
    at = start_app(TIMEOUT, view="plan", para=para, cat=str(row["category"]), lang="en")
    labels = [b.label for b in at.button if b.key == f"cite_{para}_{item}"]
    assert shown(labels[0]) == row["name_en"]  # a control named by the item
    at = click_cited_item(at, para, item)
    assert at.session_state["view"] == "map" and at.session_state["item"] == item
    assert at.session_state["f_categories"] == [row["category"]]  # the other filters stay
    body = shown("\n".join(m.value for m in at.markdown))
    assert "**Project card**" in body and row["name_zh"] in body  # the card beside the map is open
    link = next(c.value for c in at.caption if c.value.startswith("Link to this view")).split("`")[1]
    query = parse_qs(urlsplit(link).query)
    assert query.get("view", ["map"]) == ["map"] and query["item"] == [item]  # the map is the default view
    assert query["cat"] == [row["category"]]


def test_the_shareable_link_has_a_copy_button_that_copies_that_link():
    at = start_app(TIMEOUT, view="plan", para="ch06-s01-p03", lang="en")
    link = next(c.value for c in at.caption if c.value.startswith("Link to this view")).split("`")[1]
    frames = [e for e in at.get("iframe") if "Copy link" in e.proto.srcdoc]
    assert len(frames) == 1
    doc = frames[0].proto.srcdoc
    found = re.search(r"var cfg = (\{.*?\});", doc)
    assert found is not None and "para=ch06-s01-p03" in link
    assert "link" not in json.loads(found.group(1))  # read from the page's address when clicked
    assert "window.parent.location.href" in doc and "window.top.location.href" in doc
    assert "navigator.clipboard" in doc and 'execCommand("copy")' in doc  # works offline, on http too
    # the same page whatever the view: a filter change does not load the button anew
    other = start_app(TIMEOUT, lang="en", cat="metro")
    assert [e.proto.srcdoc for e in other.get("iframe") if "Copy link" in e.proto.srcdoc] == [doc]
    at = start_app(TIMEOUT, lang="zh")
    assert any("复制链接" in e.proto.srcdoc for e in at.get("iframe"))


def test_english_item_card_cites_its_paragraph_in_english_with_the_chapter_title():
    row = catalogue_frame().set_index("id").loc["xili-hub"]
    para = load_plan().get(row["paragraph_id"])
    assert para.chapter_no is not None
    at = start_app(TIMEOUT, item="xili-hub", lang="en")
    card = shown("\n".join(m.value for m in at.markdown))
    assert f"[{para.citation_en}](?view=plan&para={para.id})" in card
    assert load_headings().chapter(para.chapter_no, "en") in card
    at = start_app(TIMEOUT, item="xili-hub")
    assert f"[{para.citation_zh}](?view=plan&para={para.id})" in shown("\n".join(m.value for m in at.markdown))


def test_english_results_table_names_category_stage_and_precision_in_english_first():
    from collections.abc import Mapping

    from layers.filter_table import Bilingual
    from layers.schema import CATEGORIES, PLAN_STAGES, PRECISIONS

    vocab: dict[str, Mapping[str, Bilingual]] = {"category": CATEGORIES, "plan_stage": PLAN_STAGES,
                                                 "precision": PRECISIONS}
    for lang in ("en", "zh"):
        at = start_app(TIMEOUT, lang=lang)
        if not at.dataframe:  # the results table may follow the map by one run
            at.run()
        table = at.dataframe[0].value
        for column, labels in vocab.items():
            firsts = {f"{v.en} {v.zh}" if lang == "en" else f"{v.zh} {v.en}" for v in labels.values()}
            assert set(table[column]) <= firsts, (lang, column, sorted(set(table[column]) - firsts)[:3])
