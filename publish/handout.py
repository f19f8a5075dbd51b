"""The A4 PDF handout for a district or the whole city, drawn entirely on the server with matplotlib.

A handout leaves the room, so it must stand on its own: a map of the area with every item drawn
by its precision grade, the plan's own positioning words (专栏4) with their citation, the item
table with each item's plan stage and citation, the date, and where every dataset comes from.
"""
from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import fontManager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.patches import Polygon as MplPolygon  # noqa: E402
from shapely.geometry.base import BaseGeometry  # noqa: E402

import settings  # noqa: E402
from geo.boundaries import display_districts  # noqa: E402
from layers.schema import CATEGORIES, CATEGORY_GROUPS, DISTRICT_IDS, PLAN_STAGES, PRECISIONS  # noqa: E402
from publish.fonts import CJK_FAMILY, CJK_FONT_CANDIDATES, CJK_FONT_ENV, HandoutError, find_cjk_font  # noqa: E402,F401

A4_INCHES = (8.27, 11.69)
GROUP_COLOURS: dict[str, str] = {  # the same colours as the interactive map's legend
    "transport": "#c0392b", "science_education": "#1f6fb2", "health": "#d63384", "culture_sport": "#7b4fb0",
    "water_energy": "#0f9aa8", "ecology": "#2e8b3a", "zones": "#e07b00",
}
FUZZY = ("approximate", "zone")


def _use_font() -> None:
    path = find_cjk_font()
    if not any(f.fname == str(path) for f in fontManager.ttflist):
        fontManager.addfont(str(path))
    family = next((f.name for f in fontManager.ttflist if f.fname == str(path) and f.name == CJK_FAMILY),
                  next(f.name for f in fontManager.ttflist if f.fname == str(path)))
    matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["pdf.fonttype"] = 42  # embedded TrueType: the text stays searchable and copyable
    matplotlib.rcParams["axes.unicode_minus"] = False


@dataclass(frozen=True)
class HandoutArea:
    """What one handout covers: a district (with its 专栏4 positioning) or the whole city."""

    district_id: str | None
    title_zh: str
    title_en: str


def _area(district_id: str | None) -> HandoutArea:
    from district_profiles import load_profiles

    if district_id is None:
        return HandoutArea(None, "深圳市(含深汕特别合作区)",
                           "Shenzhen (with the Shenzhen-Shanwei Special Cooperation Zone)")
    if district_id not in DISTRICT_IDS:
        raise HandoutError(f"unknown district {district_id!r}; districts are: {', '.join(DISTRICT_IDS)}")
    p = load_profiles()[district_id]
    return HandoutArea(district_id, p.name_zh, p.name_en)


def handout_items(district_id: str | None) -> gpd.GeoDataFrame:
    """The catalogue rows a handout lists: the district's items (by where they lie or, if not
    located, where the plan puts them), or every item for the city; in the plan's order."""
    from layers.locate import catalogue_frame

    frame = catalogue_frame()
    if district_id is not None:
        frame = frame[frame["districts"].map(lambda ds: district_id in ds)]
    order = frame["paragraph_id"].map(_paragraph_order())
    return frame.assign(_order=order).sort_values(["_order", "id"], kind="stable").drop(columns="_order")


def _paragraph_order() -> dict[str, int]:
    from plan_text import load_plan

    return {p.id: i for i, p in enumerate(load_plan().paragraphs)}


_TOKEN_RE = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")


def _wrap(text: str, width: int) -> list[str]:
    """Wrap mixed Chinese/English text: a CJK character may break anywhere and counts as two columns,
    an English word stays whole unless it is longer than the line."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, cols = "", 0
        for tok in _TOKEN_RE.findall(para):
            w = sum(2 if ord(c) >= 0x2e80 else 1 for c in tok)
            if tok.isspace():
                if line:
                    line, cols = line + " ", cols + 1
                continue
            if cols + w > width and line.strip():
                lines.append(line.rstrip())
                line, cols = "", 0
            while w > width:  # a word longer than the line
                lines.append(tok[:width])
                tok = tok[width:]
                w = len(tok)
            line, cols = line + tok, cols + w
        lines.append(line.rstrip())
    return lines


def _page(fig_no: list[int]) -> Figure:
    fig_no[0] += 1
    return plt.figure(figsize=A4_INCHES)


def _footer(fig: Figure, area: HandoutArea, today: date, page: int) -> None:
    fig.text(0.06, 0.025, f"{settings.PLAN_TITLE_ZH} · {area.title_zh} · {today.isoformat()}",
             fontsize=6.5, color="#555")
    fig.text(0.94, 0.025, f"第 {page} 页 Page {page}", fontsize=6.5, color="#555", ha="right")


def _fill(ax: plt.Axes, geom: BaseGeometry, **style: Any) -> None:
    """A polygon's outer rings as matplotlib patches (drawn once with the page, unlike GeoSeries.plot,
    which redraws the whole figure on every call)."""
    for poly in getattr(geom, "geoms", [geom]):
        ax.add_patch(MplPolygon(np.asarray(poly.exterior.coords), closed=True, **style))


def _draw_map(ax: plt.Axes, area: HandoutArea, items: gpd.GeoDataFrame, numbered: bool) -> None:
    """Districts for context, the area highlighted, each item drawn as its grade allows;
    ``numbered`` writes each item's row number in the table beside it."""
    from layers.map_layers import display_geometry

    districts = display_districts()
    sel = districts[districts["id"] == area.district_id] if area.district_id else districts
    for geom, approximate in zip(districts.geometry, districts["boundary_approximate"], strict=True):
        _fill(ax, geom, facecolor="#f7f4ea", edgecolor="#888", linewidth=0.6 if approximate else 0.5,
              linestyle=(0, (4, 3)) if approximate else "solid", zorder=1)
    if area.district_id:
        _fill(ax, sel.geometry.iloc[0], facecolor="#f4e3b5", edgecolor="#333", linewidth=1.2, zorder=2)
    for _, row in districts.iterrows():
        pt = row.geometry.representative_point()
        ax.annotate(f"{row['name_zh']}\n{row['name_en']}", (pt.x, pt.y), ha="center", va="center",
                    fontsize=6 if area.district_id is None else 7, color="#444", zorder=6, clip_on=True,
                    xytext=(0, 10), textcoords="offset points")

    drawn = items[items.geometry.notna()]
    shapes = display_geometry(drawn) if not drawn.empty else gpd.GeoSeries([], crs=4326)
    for (_, row), shape in zip(drawn.iterrows(), shapes, strict=True):
        colour = GROUP_COLOURS[row["group"]]
        prec = row["precision"]
        if prec in FUZZY and shape.geom_type in ("Polygon", "MultiPolygon"):
            _fill(ax, shape, facecolor=colour, alpha=0.12, edgecolor="none", zorder=3)
            _fill(ax, shape, facecolor="none", edgecolor=colour, linewidth=0.8, linestyle=(0, (4, 3)), zorder=3)
        elif shape.geom_type in ("LineString", "MultiLineString"):
            style = (0, (6, 4)) if prec == "schematic" else "solid"
            for part in getattr(shape, "geoms", [shape]):
                xs, ys = part.xy
                ax.plot(xs, ys, color=colour, linewidth=1.6, linestyle=style, zorder=4)
        else:
            pt = shape if shape.geom_type == "Point" else shape.representative_point()
            if prec == "exact":
                ax.plot(pt.x, pt.y, "o", ms=5, color=colour, mec="white", mew=0.8, zorder=5)
            else:
                ax.plot(pt.x, pt.y, "o", ms=5, color=colour, alpha=0.6, mec=colour, mew=0.8, zorder=5)
        if numbered:
            geom = row["geometry"]
            anchor = geom.interpolate(0.5, normalized=True) if geom.geom_type.endswith("LineString") else \
                geom.representative_point()
            ax.annotate(str(row["_n"]), (anchor.x, anchor.y), xytext=(3, 3), textcoords="offset points",
                        fontsize=5.5, color="#111", zorder=8, clip_on=True,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour, "lw": 0.5, "alpha": 0.85})

    level = items[items["precision"] == "district"]
    if not level.empty:
        centres = districts.set_index("id").geometry.representative_point()
        counts: dict[str, int] = {}
        for ds in level["districts"]:
            for d in ds:
                counts[d] = counts.get(d, 0) + 1
        for d, n in counts.items():
            if area.district_id and d != area.district_id:
                continue
            c = centres[d]
            ax.annotate(str(n), (c.x, c.y), xytext=(0, -12), textcoords="offset points", ha="center", va="center",
                        fontsize=7, fontweight="bold", zorder=7,
                        bbox={"boxstyle": "circle,pad=0.3", "fc": "white", "ec": "#555", "ls": ":"})

    w, s, e, n = sel.total_bounds
    mx, my = max((e - w) * 0.08, 0.01), max((n - s) * 0.08, 0.01)
    ax.set_xlim(w - mx, e + mx)
    ax.set_ylim(s - my, n + my)
    ax.set_aspect(1 / 0.92)  # 1/cos(22.6°): metres the same both ways at Shenzhen's latitude
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor("#dfe9ef")
    ax.set_anchor("N")  # the map sits under the title; the space left goes to the table

    handles: list[Line2D | Patch] = [Patch(color=GROUP_COLOURS[g], label=f"{zh} {en}")
                                     for g, (zh, en) in CATEGORY_GROUPS.items()
                                     if (items["group"] == g).any()]
    handles += [
        Line2D([], [], marker="o", color="#777", mec="white", ls="", label="精确要素 Exact feature (OSM)"),
        Line2D([], [], marker="o", color="#777", alpha=0.6, ls="", label="代理点 Proxy (~500 m)"),
        Patch(fc="#7772", ec="#777", ls="--", label="估计范围 Approximate / zone area"),
        Line2D([], [], color="#777", ls=(0, (6, 4)), label="示意线路 Schematic line (not the alignment)"),
        Line2D([], [], marker="$n$", color="#333", ls="", label="区级定位项目数 Items known only to district"),
    ]
    if area.district_id:
        ax.legend(handles=handles, loc="lower left", fontsize=5.5, framealpha=0.92, ncol=2)
    else:  # the city's map is wide and low (Shenshan lies far east): the legend goes under it
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), fontsize=6, ncol=3,
                  frameon=False)


def _header(fig: Figure, area: HandoutArea, today: date, lang: str) -> float:
    """Title block; returns the figure y below it."""
    first, second = ((area.title_zh, area.title_en) if lang == "zh" else (area.title_en, area.title_zh))
    fig.text(0.06, 0.955, f"深圳“十四五”规划 · {first}", fontsize=15, fontweight="bold")
    fig.text(0.06, 0.935, f"Shenzhen 14th Five-Year Plan · {second}", fontsize=9, color="#333")
    fig.text(0.06, 0.918, f"《{settings.PLAN_TITLE_ZH}》", fontsize=7, color="#555")
    fig.text(0.94, 0.955, f"{today.isoformat()}", fontsize=8, ha="right", color="#333")
    return 0.905


def _positioning_block(fig: Figure, area: HandoutArea, top: float) -> float:
    from district_profiles import load_profiles
    from plan_text import load_plan

    if area.district_id is None:
        fig.text(0.06, top - 0.012,
                 "各区定位见表后(专栏4原文) District positioning: after the table (the plan's 专栏4, verbatim)",
                 fontsize=8, color="#333", va="top")
        return top - 0.03
    prof = load_profiles()[area.district_id]
    para = load_plan().get(prof.positioning.paragraph_id)
    fig.text(0.06, top - 0.005, f"功能定位 Positioning — {para.citation_zh}", fontsize=8, fontweight="bold", va="top")
    lines = _wrap(f"“{prof.positioning.quote}”", 96)
    fig.text(0.06, top - 0.022, "\n".join(lines), fontsize=8, va="top", linespacing=1.45)
    return top - 0.028 - 0.0135 * len(lines)


def _positioning_page() -> tuple[Figure, float]:
    """The eleven districts' 专栏4 positioning, verbatim (the city handout); returns the page and the y below."""
    from district_profiles import load_profiles
    from plan_text import load_plan

    plan = load_plan()
    fig = plt.figure(figsize=A4_INCHES)
    fig.text(0.06, 0.955, "各区功能定位 District positioning (专栏4)", fontsize=13, fontweight="bold")
    fig.text(0.06, 0.937, "规划原文,逐字引用 The plan's own words, verbatim", fontsize=8, color="#444")
    y = 0.915
    for d in DISTRICT_IDS:
        prof = load_profiles()[d]
        para = plan.get(prof.positioning.paragraph_id)
        fig.text(0.06, y, f"{prof.name_zh} {prof.name_en}  ·  {para.citation_zh}", fontsize=8.5,
                 fontweight="bold", va="top")
        lines = _wrap(f"“{prof.positioning.quote}”", 98)
        fig.text(0.06, y - 0.016, "\n".join(lines), fontsize=7.5, va="top", linespacing=1.4)
        y -= 0.026 + 0.0125 * len(lines)
    return fig, y


@dataclass(frozen=True)
class _Column:
    title: str
    x: float
    width_cols: int


def _table_columns(with_status: bool) -> list[_Column]:
    cols = [_Column("#", 0.06, 4), _Column("名称 Name", 0.09, 40), _Column("类别 Category", 0.345, 18),
            _Column("规划阶段 Plan stage", 0.46, 16), _Column("定位 Location", 0.565, 16),
            _Column("出处 Citation", 0.67, 30)]
    if with_status:
        cols = [_Column(c.title, 0.06 + (c.x - 0.06) * 0.86, int(c.width_cols * 0.86)) for c in cols]
        cols.append(_Column("跟踪状态 Tracked status", 0.80, 20))
    return cols


def _row_cells(row: Mapping, n: int, status: Mapping[str, str] | None, plan_citation: Mapping[str, str],
               cols: Sequence[_Column]) -> list[list[str]]:
    cat = CATEGORIES[row["category"]]
    stage = PLAN_STAGES[row["plan_stage"]]
    prec = PRECISIONS[row["precision"]]
    cells = [
        [str(n)],
        [f"{row['name_zh']}", *_wrap(row["name_en"], cols[1].width_cols)],
        _wrap(f"{cat[1]} {cat[2]}", cols[2].width_cols),
        _wrap(f"{stage[0]} {stage[1]} “{row['stage_phrase']}”", cols[3].width_cols),
        _wrap(f"{prec[0]} {prec[1]}", cols[4].width_cols),
        _wrap(plan_citation[row["paragraph_id"]], cols[5].width_cols),
    ]
    cells[1][0:1] = _wrap(cells[1][0], cols[1].width_cols)
    if status is not None:
        cells.append(_wrap(status.get(row["id"], "—"), cols[6].width_cols))
    return cells


LINE_H = 0.0105  # figure fraction per table text line (6.5 pt text on A4)


def _table_pages(pdf: PdfPages, area: HandoutArea, items: gpd.GeoDataFrame, today: date,
                 status: Mapping[str, str] | None, first_page: int, start_y: float,
                 first_fig: Figure | None) -> tuple[int, Figure, float]:
    """Lays the item table out over as many pages as it needs; returns the last page, still open."""
    from plan_text import load_plan

    plan = load_plan()
    citations = {pid: plan.get(pid).citation_zh for pid in set(items["paragraph_id"])}
    cols = _table_columns(status is not None)
    page = first_page
    fig = first_fig or plt.figure(figsize=A4_INCHES)
    y = start_y

    def head(fig: Figure, y: float) -> float:
        for c in cols:
            fig.text(c.x, y, c.title, fontsize=6.5, fontweight="bold", va="top")
        fig.add_artist(Line2D([0.06, 0.94], [y - 0.014, y - 0.014], lw=0.6, color="#333"))
        return y - 0.018

    title = f"项目表 Items ({len(items)})" + ("" if status is not None else "")
    fig.text(0.06, y, title, fontsize=9, fontweight="bold", va="top")
    fig.text(0.94, y, "规划阶段为规划原文对2021–2025年的表述,非实施进度 Plan stage: the plan's wording, not progress",
             fontsize=5.8, va="top", ha="right", color="#555")
    y = head(fig, y - 0.02)
    for row in items.to_dict("records"):
        cells = _row_cells(row, row["_n"], status, citations, cols)
        height = max(len(c) for c in cells) * LINE_H + 0.004
        if y - height < 0.05:
            _footer(fig, area, today, page)
            pdf.savefig(fig)
            plt.close(fig)
            page += 1
            fig = plt.figure(figsize=A4_INCHES)
            y = head(fig, 0.955)
        for c, lines in zip(cols, cells, strict=True):
            fig.text(c.x, y, "\n".join(lines), fontsize=6.2, va="top", linespacing=1.35)
        y -= height
        fig.add_artist(Line2D([0.06, 0.94], [y + 0.002, y + 0.002], lw=0.25, color="#bbb"))
    return page, fig, y


def _sources(area: HandoutArea, items: gpd.GeoDataFrame) -> list[str]:
    districts = display_districts()
    if area.district_id:
        districts = districts[districts["id"] == area.district_id]
    boundary = sorted(set(districts["boundary_source"]))
    uses_osm = items["location_source"].str.contains("OpenStreetMap", regex=False).any()
    lines = [
        f"规划文本 Plan text: 《{settings.PLAN_TITLE_ZH}》, "
        "深圳市人民政府 Shenzhen Municipal People's Government, 2021. "
        "Quotes are verbatim; paragraph ids (e.g. ch06-s01-p03) follow the plan's own numbering.",
        "行政区边界 Boundaries: " + "; ".join(boundary) + ". Details: geo/PROVENANCE.md.",
    ]
    if uses_osm:
        lines.append(f"坐标 Coordinates of exact features, proxies and schematic lines through stations: "
                     f"{settings.OSM_ATTRIBUTION}, openstreetmap.org/copyright. Details: layers/PROVENANCE.md.")
    lines += [
        "估计位置 Approximate and zone-level locations are this project's manual estimates, drawn as dashed circles of "
        "uncertainty; schematic lines are not alignments; district-level items are shown as a count; "
        "items not located are listed but not drawn.",
        "规划阶段 Plan stage is what the plan says for 2021–2025, not an observed status.",
        f"生成日期 Generated on {date.today().isoformat()} from the project's catalogue.",
    ]
    return lines


def handout_pdf(district_id: str | None = None, lang: str = "zh", status: Mapping[str, str] | None = None,
                today: date | None = None) -> bytes:
    """The A4 handout as PDF bytes: a district's (``district_id``) or the whole city's (None).

    ``lang`` puts Chinese ("zh") or English ("en") first in the titles; both are always shown.
    ``status`` maps item ids to a tracked status; when given, the table grows a column for it.
    """
    if lang not in ("zh", "en"):
        raise HandoutError(f"unknown language {lang!r}; use zh or en")
    area = _area(district_id)
    _use_font()
    today = today or date.today()
    items = handout_items(district_id)
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": f"{area.title_zh} {area.title_en} — Shenzhen 14th Five-Year Plan",
                                 "Subject": settings.PLAN_TITLE_EN}) as pdf:
        items = items.assign(_n=range(1, len(items) + 1))
        fig = plt.figure(figsize=A4_INCHES)
        top = _header(fig, area, today, lang)
        top = _positioning_block(fig, area, top)
        map_h = min(0.62, top - 0.22)
        ax = fig.add_axes((0.06, top - map_h - 0.01, 0.88, map_h))
        _draw_map(ax, area, items, numbered=district_id is not None)
        ax.apply_aspect()
        below = ax.get_position().y0
        drawn = int(items.geometry.notna().sum())
        level = int((items["precision"] == "district").sum())
        note = (f"图上绘出 {drawn} 项{'(数字为表中序号)' if district_id else ''},区级 {level} 项以数字标注,"
                f"其余 {len(items) - drawn - level} 项未定位(见表)。 Drawn: {drawn}"
                f"{' (numbers: rows of the table)' if district_id else ''}; district level (counts): {level}; "
                f"not located (table only): {len(items) - drawn - level}.")
        if district_id is None:
            below -= 0.075  # the legend under the city map
        fig.text(0.06, below - 0.008, note, fontsize=6.5, va="top", color="#333")
        page = 1
        page, fig, y = _table_pages(pdf, area, items, today, status, page, below - 0.035, fig)
        if district_id is None:
            _footer(fig, area, today, page)
            pdf.savefig(fig)
            plt.close(fig)
            page += 1
            fig, y = _positioning_page()
        sources = [line for s in _sources(area, items) for line in _wrap(s, 175)]
        if y - 0.03 - len(sources) * 0.012 < 0.05:
            _footer(fig, area, today, page)
            pdf.savefig(fig)
            plt.close(fig)
            page += 1
            fig = plt.figure(figsize=A4_INCHES)
            y = 0.955
        fig.text(0.06, y - 0.015, "数据来源与署名 Sources and attributions", fontsize=8.5, fontweight="bold", va="top")
        fig.text(0.06, y - 0.032, "\n".join(sources), fontsize=6.2, va="top", linespacing=1.45)
        _footer(fig, area, today, page)
        pdf.savefig(fig)
        plt.close(fig)
    return buf.getvalue()
